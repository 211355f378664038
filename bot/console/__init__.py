"""The staff web console: people with roles (admin, staff, integrity, editor), complaints inbox, live chat,
announcements, the ITA evidence pack and planning pages. Off while SECRET_KEY is weak."""
from __future__ import annotations

import logging

from flask import Flask

from bot.thaitime import thai_date, thai_datetime

from . import people
from .auth import check_csrf, csrf_token, person, secure_headers

log = logging.getLogger(__name__)


def console_modules() -> list:
    """Each console page's module: its blueprint `bp` and its menu entries `LINKS` (endpoint, label, roles),
    the same way channels are listed in bot/channels/registry.py."""
    from . import auth, broadcasts, complaints, dashboard, evidence_pack, line_quota, users_page, whatif

    from bot.broadcasts import images as announcement_images
    from bot.content_edits import console as content_pages
    from bot.office_answers import console as unanswered

    modules = [auth, dashboard, complaints, broadcasts, line_quota, evidence_pack, whatif, users_page, unanswered,
               content_pages, announcement_images]
    try:
        from bot.livechat import console as livechat_console

        modules.append(livechat_console)
    except ImportError:  # pragma: no cover - the live chat is optional
        pass
    return modules


def register_console(app: Flask, services) -> None:
    """Mount the console's pages for `services` (kept in `app.extensions` unless the factory already put
    them there); feature pages add (endpoint, label, roles) to `console_links` for the menu."""
    app.extensions.setdefault("services", services)
    app.extensions.setdefault("settings", services.settings)
    app.extensions.setdefault("console_links", [])
    for module in console_modules():
        app.register_blueprint(module.bp)
        app.extensions["console_links"] += getattr(module, "LINKS", [])

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

    settings = app.extensions["settings"]  # the app's own (create_app may be given other settings than services')
    if settings.console_enabled:
        if people.ensure_first_admin(services, settings.console_password):
            log.info("created the first console account 'admin' from CONSOLE_PASSWORD (ignored from now on)")
    else:
        log.warning("staff console is off: %s; set a SECRET_KEY of your own of at least 32 characters",
                    settings.console_refusal)
