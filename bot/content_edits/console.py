"""Console pages where editors change what the bot knows: contacts and hours, holidays, the office's
answers, service manuals, news and ITA years. Each change goes edit → preview (what the chat would
answer) → publish with a reason; the history lists every published change with a revert. All audited."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from pydantic import ValidationError

from bot.console import audit
from bot.console.auth import person, staff_required
from bot.console.thaidates import BadDate, picked, picker_values, read_date
from bot.handlers import build_router
from bot.office_answers import live
from bot.storage import utcnow
from bot.thaitime import local

from . import documents, ita_form, preview, revisions

bp = Blueprint("console_content", __name__, url_prefix="/console/content", template_folder="templates")
ROLES = ("admin", "editor")
LINKS = [("console_content.index", "แก้ไขข้อมูลบอต", ROLES)]
DAYS = [("mon", "จันทร์"), ("tue", "อังคาร"), ("wed", "พุธ"), ("thu", "พฤหัสบดี"), ("fri", "ศุกร์"), ("sat", "เสาร์"),
        ("sun", "อาทิตย์")]
_router = None


def services():
    return current_app.extensions["services"]


@bp.before_request
def up_to_date() -> None:
    """This process's content as published (another process may have published it seconds ago)."""
    live.of(services()).refresh()


def seed():
    return live.of(services()).seed


def router():
    global _router
    if _router is None:
        _router = build_router()
    return _router


def in_use(document: str) -> dict | None:
    with services().db.session() as s:
        return revisions.current(s, seed(), document)


def lines(name: str) -> list[str]:
    return [line.strip() for line in request.form.get(name, "").splitlines() if line.strip()]


def text(name: str, limit: int = 4000) -> str:
    return request.form.get(name, "").strip()[:limit]


def drafted(document: str, body: dict | None, template: str, shown: dict | None = None, **context):
    """Save the draft and show its preview; a refusal shows the form again (with `shown`, else `body`)
    and each wrong field."""
    try:
        with services().db.session() as s:
            draft = revisions.draft(s, seed(), document, body, person().username)
            draft_id = draft.id
    except revisions.Refused as exc:
        return render_template(template, body=shown or body, problems=exc.problems, document=document,
                               **context), 400
    return redirect(url_for(".draft", revision_id=draft_id), 303)


# --- the list of documents, the history ------------------------------------------------------------

@bp.get("/")
@staff_required(roles=ROLES)
def index():
    content = services().content
    with services().db.session() as s:
        answers = _answers(s)
        recent = revisions.history(s, limit=10)
        latest = {revisions.latest_published_id(s, d) for d in {r.document for r in recent}}
    return render_template("console/content/index.html", procedures=content.procedures, news=content.news,
                           years=sorted(content.ita.years, reverse=True), answers=answers, recent=recent,
                           title_of=title_of, latest=latest)


def _answers(session) -> list[dict]:
    from sqlalchemy import select

    from bot.office_answers.models import OfficeAnswer

    return [{"id": a.id, "question": a.question, "answer": a.answer}
            for a in session.scalars(select(OfficeAnswer).order_by(OfficeAnswer.id.desc()))]


def title_of(document: str) -> str:
    try:
        return documents.kind(document).title + ("" if "/" not in document or documents.ITA_YEAR.match(document)
                                                 else f" ({document.split('/', 1)[1]})")
    except documents.UnknownDocument:
        return document


@bp.get("/history")
@staff_required(roles=ROLES)
def history():
    document = request.args.get("document", "")
    with services().db.session() as s:
        rows = revisions.history(s, document or None, limit=200)
        latest = {revisions.latest_published_id(s, d) for d in {r.document for r in rows}}
    return render_template("console/content/history.html", rows=rows, document=document, title_of=title_of,
                           latest=latest)


@bp.post("/revisions/<int:revision_id>/revert")
@staff_required(roles=ROLES)
def revert(revision_id: int):
    try:
        with services().db.session() as s:
            row = revisions.revert(s, seed(), revision_id, person().username)
            audit.record(s, person().username, "content_reverted",
                         detail=f"{title_of(row.document)} · ย้อนการแก้ไขครั้งที่ {row.id}")
            document = row.document
    except revisions.NotFound:
        return render_template("console/message.html", message="ไม่พบการแก้ไขนี้ หรือย้อนไปแล้ว"), 404
    except revisions.Refused as exc:
        return render_template("console/message.html",
                               message="ย้อนไม่ได้ เพราะเนื้อหาจะไม่ถูกต้อง: " + " · ".join(exc.problems)), 409
    live.of(services()).refresh(force=True)
    flash("ย้อนการแก้ไขแล้ว บอตใช้ข้อมูลเดิมภายในไม่กี่วินาที")
    return redirect(url_for(".history", document=document), 303)


# --- preview and publish ---------------------------------------------------------------------------

@bp.get("/drafts/<int:revision_id>")
@staff_required(roles=ROLES)
def draft(revision_id: int):
    with services().db.session() as s:
        row = s.get(revisions.ContentRevision, revision_id)
        if row is None or row.status != "draft":
            return render_template("console/message.html", message="ไม่พบฉบับร่างนี้ หรือเผยแพร่ไปแล้ว"), 404
        document, body = row.document, row.body
        before = revisions.current(s, seed(), document) if document != revisions.NEW_ANSWER else None
        overlay = revisions.overlay(s)
    shown = preview.answers(services(), router(), seed(), overlay, document, body)
    return render_template("console/content/preview.html", revision_id=revision_id, document=document,
                           title=title_of(document), shown=shown, changes=documents.changes(before, body),
                           holidays=_upcoming(body) if document == "holidays" else None)


def _upcoming(body: dict | None) -> list[tuple[date, str]]:
    today = local(utcnow()).date()
    days = sorted((date.fromisoformat(k), v) for k, v in ((body or {}).get("holidays") or {}).items())
    return [(d, name) for d, name in days if d >= today][:10]


@bp.post("/drafts/<int:revision_id>/publish")
@staff_required(roles=ROLES)
def publish(revision_id: int):
    reason = text("reason", 500)
    if not reason:
        flash("กรุณาบอกเหตุผลของการแก้ไข (เก็บไว้ในประวัติ)")
        return redirect(url_for(".draft", revision_id=revision_id), 303)
    try:
        with services().db.session() as s:
            row = revisions.publish(s, seed(), revision_id, person().username, reason)
            audit.record(s, person().username, "content_published",
                         detail=f"{title_of(row.document)} · แก้ไขครั้งที่ {row.id} · {reason}")
            document = row.document
    except revisions.NotFound:
        return render_template("console/message.html", message="ไม่พบฉบับร่างนี้ หรือเผยแพร่ไปแล้ว"), 404
    except revisions.Refused as exc:
        return render_template("console/message.html",
                               message="เผยแพร่ไม่ได้: " + " · ".join(exc.problems)), 409
    live.of(services()).refresh(force=True)
    flash("เผยแพร่แล้ว บอตใช้ข้อมูลใหม่ภายในไม่กี่วินาที")
    return redirect(url_for(".history", document=document), 303)


# --- contacts and hours ----------------------------------------------------------------------------

@bp.route("/office", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def office():
    body = in_use("office")
    if request.method == "GET":
        return render_template("console/content/office.html", body=body, problems=[], days=DAYS)
    address, hours = dict(body.get("address") or {}), dict(body.get("hours") or {})
    address.update(text=text("address_text", 500), postcode=text("postcode", 10))
    hours.update(text=text("hours_text", 500), opens=text("opens", 10), closes=text("closes", 10),
                 days=[d for d, _ in DAYS if d in request.form.getlist("days")])
    body = {**body, "phone": text("phone", 100), "website": text("website", 300), "address": address, "hours": hours}
    return drafted("office", body, "console/content/office.html", days=DAYS)


# --- holidays --------------------------------------------------------------------------------------

@bp.route("/holidays", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def holidays():
    body = in_use("holidays") or {"holidays": {}}
    rows = sorted((date.fromisoformat(k), v) for k, v in (body.get("holidays") or {}).items())
    if request.method == "GET":
        return _holidays_form(body, rows, [])
    problems, kept = [], {}
    count = request.form.get("count", "0")
    for n in range(min(int(count), 1000) + 1 if count.isdigit() else 1):
        name = text(f"name{n}", 200)
        try:
            day = read_date(request.form, f"h{n}")
        except BadDate as exc:
            problems.append(f"แถวที่ {n + 1} ช่อง «วันที่»: {exc}")
            continue
        if request.form.get(f"remove{n}") or (day is None and not name):
            continue
        if day is None or not name:
            problems.append(f"แถวที่ {n + 1}: กรุณาเลือกวันที่และพิมพ์ชื่อวันหยุดให้ครบ")
            continue
        kept[day.isoformat()] = name
    body = {**body, "holidays": dict(sorted(kept.items()))}
    if problems:
        return _holidays_form(body, sorted((date.fromisoformat(k), v) for k, v in kept.items()), problems), 400
    response = drafted("holidays", body, "console/content/holidays.html",
                       rows=[(date.fromisoformat(k), v) for k, v in kept.items()], picker=_picker(kept), picked=picked,
                       **_this_year())
    return response


def _picker(days) -> dict:
    choices = picker_values(local(utcnow()).date())
    years = {int(str(d)[:4]) + 543 for d in days} | set(choices["years"])
    return {**choices, "years": sorted(years)}


def _holidays_form(body, rows, problems):
    return render_template("console/content/holidays.html", body=body, rows=rows, problems=problems,
                           picker=_picker([d.isoformat() for d, _ in rows]), picked=picked, document="holidays",
                           **_this_year())


def _this_year() -> dict:
    today = local(utcnow()).date()
    return {"this_year": today.year, "this_year_start": date(today.year, 1, 1)}


# --- the office's answers --------------------------------------------------------------------------

@bp.route("/answers/<key>", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def answer(key: str):
    document = revisions.NEW_ANSWER if key == "new" else f"answers/{key}" if key.isdigit() else abort(404)
    body = {"question": "", "answer": "", "examples": [], "link": ""} if key == "new" else in_use(document)
    if body is None:
        abort(404)
    if request.method == "GET":
        return render_template("console/content/answer.html", body=body, problems=[], key=key)
    body = {"question": text("question", 1000), "answer": text("answer", 2000), "examples": lines("examples")[:50],
            "link": text("link", 500)}
    return drafted(document, body, "console/content/answer.html", key=key)


# --- service manuals -------------------------------------------------------------------------------

MANUAL_LINES = ("steps", "documents", "channels", "keywords", "audience", "legal_basis")
MANUAL_TEXTS = ("title", "short_title", "summary", "fee", "time_limit", "contact")


@bp.route("/procedures/<key>", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def procedure(key: str):
    groups = [g.name for g in services().content.office.groups]
    if key == "new":
        body = {"sample": False, "id": "", "title": "", "summary": "", "steps": [], "fee": "ไม่เสียค่าธรรมเนียม",
                "time_limit": "", "responsible_group": groups[0] if groups else "", "contact": ""}
    else:
        body = in_use(f"procedures/{key}") if documents.PROCEDURE.match(f"procedures/{key}") else None
        if body is None:
            abort(404)
    if request.method == "GET":
        return render_template("console/content/procedure.html", body=body, problems=[], key=key, groups=groups)
    ident = text("id", 80) if key == "new" else key
    body = {**body, "id": ident, **{f: text(f) for f in MANUAL_TEXTS}, **{f: lines(f) for f in MANUAL_LINES},
            "responsible_group": text("responsible_group", 200)}
    days = text("time_limit_days", 5)
    body["time_limit_days"] = int(days) if days.isdigit() else None
    document = f"procedures/{ident}"
    if not documents.PROCEDURE.match(document):
        return render_template("console/content/procedure.html", body=body, key=key, groups=groups,
                               problems=[f"ช่อง «รหัส» (id): {documents.HINTS['id']}"]), 400
    return drafted(document, body, "console/content/procedure.html", key=key, groups=groups)


# --- news ------------------------------------------------------------------------------------------

@bp.route("/news/<key>", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def news(key: str):
    body = in_use("news") or {"items": []}
    items = list(body.get("items") or [])
    found = next((i for i in items if i.get("id") == key), None)
    if key != "new" and found is None:
        abort(404)
    item = found or {"id": "", "date": local(utcnow()).date().isoformat(), "title": "", "body": ""}
    context = {"key": key, "picker": _picker([item["date"]]), "picked": picked,
               "item_date": date.fromisoformat(str(item["date"])) if item.get("date") else None}
    if request.method == "GET":
        return render_template("console/content/news.html", body=item, problems=[], **context)
    try:
        day = read_date(request.form, "date")
    except BadDate as exc:
        return render_template("console/content/news.html", body=item, problems=[f"ช่อง «วันที่»: {exc}"],
                               **context), 400
    new = {**item, "id": text("id", 80) if key == "new" else key, "date": day.isoformat() if day else "",
           "title": text("title", 300), "body": text("body"), "url": text("url", 500)}
    if not new["url"]:
        new.pop("url")
    others = [i for i in items if i.get("id") != key]
    if request.form.get("remove"):
        return drafted("news", {**body, "items": others}, "console/content/news.html", shown=item, **context)
    if key == "new" and any(i.get("id") == new["id"] for i in items):
        return render_template("console/content/news.html", body=new, problems=["ช่อง «รหัส» (id): มีข่าวรหัสนี้แล้ว"],
                               **context), 400
    updated = [new if i.get("id") == key else i for i in items] if found else [new, *items]
    return drafted("news", {**body, "items": updated}, "console/content/news.html", shown=new, **context)


# --- ITA years -------------------------------------------------------------------------------------

@bp.route("/ita/<key>", methods=["GET", "POST"])
@staff_required(roles=ROLES)
def ita(key: str):
    data = services().content.ita
    if key == "new":
        typed = request.values.get("year", "")
        year = int(typed) if typed.isdigit() and len(typed) == 4 else max(data.years) + 1
        body = ita_form.copied(data, year)
    elif key.isdigit() and documents.ITA_YEAR.match(f"ita/{key}"):
        year, body = int(key), in_use(f"ita/{key}")
        if body is None:
            abort(404)
    else:
        abort(404)
    if request.method == "GET":
        return render_template("console/content/ita.html", body=body, problems=[], key=key, year=year)
    body = _ita_from_form(body)
    year = body["year"]
    if not documents.ITA_YEAR.match(f"ita/{year}"):
        return render_template("console/content/ita.html", body=body, key=key, year=year,
                               problems=["ช่อง «ปี» (year): ปี พ.ศ. เช่น 2565"]), 400
    if key == "new" and year in data.years:
        return render_template("console/content/ita.html", body=body, key=key, year=year,
                               problems=[f"ช่อง «ปี» (year): มีผลปี {year} แล้ว แก้ไขได้จากรายการ"]), 400
    return drafted(f"ita/{year}", body, "console/content/ita.html", key=key, year=year)


def _ita_from_form(body: dict) -> dict:
    body = dict(body)
    if request.form.get("year", "").isdigit():
        body["year"] = int(request.form["year"])
    tools = {k: dict(v) for k, v in (body.get("tools") or {}).items()}
    for name, tool in tools.items():
        tool["weight"] = text(f"weight_{name}", 10) or tool.get("weight")
    indicators = []
    for n, ind in enumerate(body.get("indicators") or []):
        indicators.append({**ind, "name": text(f"name_{n}", 300) or ind.get("name"),
                           "tool": text(f"tool_{n}", 5) or ind.get("tool"), "score": text(f"score_{n}", 10)})
    body.update(tools=tools, indicators=indicators)
    published = dict(body.get("published") or {})
    published.update(total=text("published_total", 10), level=text("published_level", 5))
    if not published["total"] or not published["level"]:  # not typed: the computed figure is published
        try:
            result = ita_form.computed(services().content.ita, body)
            published["total"] = published["total"] or str(result.total)
            published["level"] = published["level"] or result.grade.level
        except ValidationError:
            pass
    body["published"] = published
    return body


@bp.post("/ita/compute")
@staff_required(roles=ROLES)
def ita_compute():
    """The figures scoring/ computes from the form as typed so far (the page shows them live)."""
    key = request.form.get("key", "new")
    data = services().content.ita
    typed = request.form.get("year", "")
    year = int(typed) if typed.isdigit() and len(typed) == 4 else 0
    if key == "new":
        base = ita_form.copied(data, year or max(data.years) + 1)
    else:
        base = in_use(f"ita/{key}") if key.isdigit() else None
        if base is None:
            return jsonify(problems=["ไม่พบปีนี้"]), 404
    body = _ita_from_form(base)
    try:
        result = ita_form.computed(data, body)
    except ValidationError as exc:
        return jsonify(problems=documents.thai_errors(exc)), 400
    return jsonify(**ita_form.figures(result), problems=ita_form.disagreements(data, body))
