"""Console sign-in (username and password, lock-out), server-side sessions, roles, CSRF tokens and the
security headers of every console page."""
from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for

from . import people

bp = Blueprint("console_auth", __name__, url_prefix="/console", template_folder="templates")
SID = "console_sid"


def settings():
    return current_app.extensions["settings"]


def services():
    return current_app.extensions["services"]


def csrf_token() -> str:
    """Every console form carries this; a POST without it (a forged cross-site form) is refused."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    if request.method == "POST" and request.path.startswith("/console"):
        sent = request.form.get("csrf", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, "missing or wrong form token; reload the page and try again")


def secure_headers(response):
    """No framing (clickjacking), nothing cached (complaint pages hold personal data), no referrer."""
    if request.path.startswith("/console"):
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def person() -> people.Person | None:
    """The signed-in person of this request, checked once against the server-side session."""
    if "console_person" not in g:
        g.console_person = people.current(services(), session.get(SID))
    return g.console_person


def staff_required(view=None, *, roles: tuple[str, ...] | None = None):
    """Signed in (else redirected to sign-in), and with one of `roles` when given (else 403)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not settings().console_enabled:
                abort(404)
            who = person()
            if who is None:
                session.pop(SID, None)
                return redirect(url_for("console_auth.login", next=request.path))
            if roles and who.role not in roles:
                return render_template("console/message.html", message="บัญชีนี้ไม่มีสิทธิ์เปิดหน้านี้"), 403
            return view(*args, **kwargs)
        return wrapper
    return decorate(view) if view is not None else decorate


def client_address() -> str:
    return request.remote_addr or "unknown"


def safe_next(target: str) -> str | None:
    """Where to go after sign-in: a console path only. Never another site (`//host`, `/\\host`), nor a
    path that climbs out of the console (`/console/../..//host`), nor a header broken by a control
    character (a CR/LF in the Location header would fail the response)."""
    path = target.split("?", 1)[0]
    if (path == "/console" or path.startswith("/console/")) and "//" not in path and ".." not in path.split("/") \
            and "\\" not in target and target.isprintable():
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not settings().console_enabled:
        abort(404)
    error, status = "", 200
    if request.method == "POST":
        try:
            sid = people.sign_in(services(), request.form.get("username", ""), request.form.get("password", ""),
                                 client_address())
        except people.LockedOut:
            sid, status = None, 429
            error = "บัญชีนี้ถูกระงับชั่วคราวเพราะใส่รหัสผ่านผิดหลายครั้ง กรุณาลองใหม่ในอีก 15 นาที"
        else:
            if sid is None:
                error, status = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง", 401
        if sid:
            session.clear()
            session[SID] = sid
            csrf_token()
            return redirect(safe_next(request.args.get("next", "")) or url_for("console.dashboard"))
    return render_template("console/login.html", error=error,
                           username=request.form.get("username", "")), status


@bp.post("/logout")
def logout():
    who = person()
    people.sign_out(services(), session.get(SID), who.username if who else None)
    session.clear()
    return redirect(url_for("console_auth.login"))
