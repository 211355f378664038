"""`GET /charts/<name>.png`: the chart pictures, cached by browsers and by LINE and Messenger's fetchers."""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Blueprint, abort

from bot.office_answers import live

from . import chart

if TYPE_CHECKING:
    from bot.services import Services


def charts_blueprint(services: Services) -> Blueprint:
    bp = Blueprint("charts", __name__)

    @bp.get("/charts/<name>.png")
    def picture(name: str):
        live.of(services).refresh()  # a year added with `python -m bot ita add-year` is in the trend
        made = chart(services.content, name)
        if made is None:
            abort(404)
        return made.png, 200, {"Content-Type": "image/png", "Cache-Control": "public, max-age=3600"}

    return bp
