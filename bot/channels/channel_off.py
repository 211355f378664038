"""What a channel's webhook answers while the channel has no credentials: a clear JSON 503."""
from __future__ import annotations

from flask import Blueprint

from .http_json import json_error


def off_blueprint(name: str, path: str, needs: str) -> Blueprint:
    bp = Blueprint(f"{name}_off", __name__)

    @bp.route(path, methods=["GET", "POST"])
    def channel_off():
        return json_error(503, f"the {name} channel is off: set {needs}", channel=name, enabled=False)

    return bp
