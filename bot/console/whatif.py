"""The what-if page: the ten indicators as inputs; total, level and the smallest lift to the next level,
all from scoring/ (its what-if and plan), so the office can see where improving pays most."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import Blueprint, current_app, render_template, request

from scoring import year_result
from scoring.whatif import plan_to_level, what_if

from .auth import staff_required

bp = Blueprint("console_whatif", __name__, url_prefix="/console", template_folder="templates")
LINKS = [("console_whatif.page", "วางแผนคะแนน", ("admin", "staff", "integrity"))]


def latest_detailed_year(ita) -> int:
    return max((y for y, f in ita.years.items() if f.indicators), default=ita.latest_year)


@bp.get("/what-if")
@staff_required
def page():
    ita = current_app.extensions["services"].content.ita
    year = latest_detailed_year(ita)
    base = year_result(ita, year)
    changes, errors = {}, []
    for ind in base.indicators:
        raw = request.args.get(f"i{ind.number}", "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors.append(f"ตัวชี้วัดที่ {ind.number}: กรุณาใส่ตัวเลข 0–100")
            continue
        if not (0 <= value <= 100):
            errors.append(f"ตัวชี้วัดที่ {ind.number}: คะแนนต้องอยู่ระหว่าง 0 ถึง 100")
        elif value != ind.score:
            changes[ind.number] = value
    result = what_if(ita, year, changes) if not errors else base
    try:
        plan = plan_to_level(ita, year, changes=changes if not errors else None)
    except ValueError:
        plan = None  # already at the top level
    return render_template("console/whatif.html", year=year, base=base, result=result, changes=changes,
                           errors=errors, plan=plan, values={i.number: request.args.get(f"i{i.number}", "")
                                                             for i in base.indicators}), 400 if errors else 200
