"""The staff web console: people with roles (admin, staff, integrity), complaints inbox, live chat,
announcements, the ITA evidence pack and planning pages. Off while SECRET_KEY is weak."""
from __future__ import annotations

import logging

from flask import Flask

from bot.thaitime import thai_date, thai_datetime

from . import people
from .auth import bp as auth_bp
from .auth import check_csrf, csrf_token, person, secure_headers
from .broadcasts import bp as broadcasts_bp
from .complaints import bp as complaints_bp
from .dashboard import bp as dashboard_bp

log = logging.getLogger(__name__)
EVERYONE = ("admin", "staff", "integrity")
GENERAL = ("admin", "staff")


def register_console(app: Flask, services) -> None:
    """Mount the console; feature pages add (endpoint, label, roles) to `console_links` for the menu."""
    app.extensions.setdefault("console_links", [])
    for blueprint in (auth_bp, dashboard_bp, broadcasts_bp, complaints_bp):
        app.register_blueprint(blueprint)
    app.extensions["console_links"] += [("console_complaints.index", "เรื่องร้องเรียน", EVERYONE),
                                        ("console_broadcasts.index", "ประกาศข่าว", GENERAL),
                                        ("console_complaints.stats", "สถิติ", GENERAL)]
    from . import evidence_pack, users_page, whatif

    for module in (evidence_pack, whatif, users_page):
        app.register_blueprint(module.bp)
        app.extensions["console_links"] += module.LINKS
    try:
        from bot.livechat import console as livechat_console

        app.register_blueprint(livechat_console.bp)
        app.extensions["console_links"] += livechat_console.LINKS
    except ImportError:  # pragma: no cover - the live chat is optional
        pass

    app.before_request(check_csrf)
    app.after_request(secure_headers)
    app.add_template_filter(lambda dt: thai_datetime(dt) if dt else "-", "thai_datetime")
    app.add_template_filter(lambda d: thai_date(d) if d else "-", "thai_date")
    from bot.broadcasts.validate import CHANNEL_NAMES

    app.add_template_filter(lambda c: CHANNEL_NAMES.get(c, c), "channel_name")

    @app.context_processor
    def links():
        def visible_links():
            who = person()
            return [(e, label) for e, label, roles in app.extensions["console_links"] if who and who.role in roles]
        return {"console_links": visible_links, "csrf_token": csrf_token, "console_person": person}

    settings = app.extensions["settings"]
    if settings.console_enabled:
        if people.ensure_first_admin(services, settings.console_password):
            log.info("created the first console account 'admin' from CONSOLE_PASSWORD (ignored from now on)")
    else:
        log.warning("staff console is off: %s; set a SECRET_KEY of your own of at least 32 characters",
                    settings.console_refusal)
