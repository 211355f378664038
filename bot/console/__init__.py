"""The staff web console: complaints, broadcasts and statistics behind a password (CONSOLE_PASSWORD)."""
from __future__ import annotations

from flask import Flask

from .auth import bp as auth_bp
from .auth import check_csrf, csrf_token
from .broadcasts import bp as broadcasts_bp
from .complaints import bp as complaints_bp
from .dashboard import bp as dashboard_bp


def register_console(app: Flask, services) -> None:
    """Mount the console; feature pages add (endpoint, label) to `console_links` for the menu."""
    app.extensions.setdefault("console_links", [])
    app.register_blueprint(auth_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(broadcasts_bp)
    app.register_blueprint(complaints_bp)
    app.extensions["console_links"] += [("console_complaints.index", "เรื่องร้องเรียน"),
                                        ("console_broadcasts.index", "ประกาศข่าว"),
                                        ("console_complaints.stats", "สถิติ")]

    app.before_request(check_csrf)

    @app.context_processor
    def links():
        return {"console_links": lambda: app.extensions["console_links"], "csrf_token": csrf_token}
