"""Console login: one shared staff password from the environment; off when none is set."""
from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

bp = Blueprint("console_auth", __name__, url_prefix="/console", template_folder="templates")


def settings():
    return current_app.extensions["settings"]


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


def staff_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not settings().console_enabled:
            abort(404)
        if not session.get("staff"):
            return redirect(url_for("console_auth.login", next=request.path))
        return view(*args, **kwargs)

    return wrapper


@bp.route("/login", methods=["GET", "POST"])
def login():
    if not settings().console_enabled:
        abort(404)
    error = ""
    if request.method == "POST":
        given = request.form.get("password", "").encode()
        if hmac.compare_digest(given, settings().console_password.encode()):
            session.clear()
            session["staff"] = True
            csrf_token()
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/console") else url_for("console.dashboard"))
        error = "รหัสผ่านไม่ถูกต้อง"
    return render_template("console/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console_auth.login"))
