"""Console home: first what needs a person now (per role, needs.py), then the ITA picture the office plans
with (figures from scoring/)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from markupsafe import Markup

from scoring import history, structured, year_result

from . import needs
from .auth import person, staff_required
from .charts import indicator_bars, yearly_line

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")


@bp.get("/")
@staff_required
def dashboard():
    services = current_app.extensions["services"]
    ita = services.content.ita
    latest = max((y for y, f in ita.years.items() if f.indicators), default=ita.latest_year)
    result = structured(year_result(ita, latest))
    years = [(r.year, float(r.total), r.grade.level) for r in history(ita)]
    return render_template("console/dashboard.html", office=services.content.office, result=result,
                           needs=needs.for_person(services, person()),
                           bars=Markup(indicator_bars(result["indicators"])), line=Markup(yearly_line(years)))
