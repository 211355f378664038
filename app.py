"""Flask application factory; `app` is the module-level instance gunicorn serves (`gunicorn app:app`).

`app` is built on first access (a module `__getattr__`, PEP 562) rather than by a module-level
`app = create_app()`: tests, the CLI and the benchmarks import `create_app` from here, and a plain
assignment would make every such import read the environment, open the default database, load the
content and train the understander. A guard on "who imported me" (gunicorn in `sys.modules`, pytest
running) would make an import behave differently depending on what else happened to be imported, so
the lazy attribute is kept: `gunicorn app:app` (and `--preload`) asks for `app` and gets it built once.
Logging is set up by the process, not here: gunicorn.conf.py does it for the web, and building `app` this
way (`flask --app app run`, another server) does it when nothing has.
"""
from __future__ import annotations

import logging
import sys

from flask import Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bot import logs
from bot.config import Settings, from_env
from bot.content import ContentError
from bot.content.check import refuse_inconsistent
from bot.core.conversation import Bot
from bot.handlers import build_router
from bot.services import Services, build_services

log = logging.getLogger("bot")


def create_app(settings: Settings | None = None, services: Services | None = None) -> Flask:
    settings = settings or from_env()
    logs.keep_secret(*settings.secret_values())
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes,
                      SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                      SESSION_COOKIE_SECURE=settings.public_base_url.startswith("https://"))
    app.json.ensure_ascii = False
    services = services or build_services(settings)
    refuse_inconsistent(services.content.directory)  # intents without a handler, categories that disagree
    bot = Bot(services, build_router())
    app.extensions["settings"] = settings
    app.extensions["services"] = services
    app.extensions["bot"] = bot

    @app.get("/healthz")
    def healthz():
        """The process is up (it needs nothing else to answer this)."""
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        """The process can serve: its database answers."""
        try:
            with services.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            log.warning("readyz: database unavailable (%s)", type(exc.orig).__name__)
            return jsonify(status="unavailable", database="unavailable"), 503
        return jsonify(status="ready", database="ok")

    @app.errorhandler(OperationalError)
    def database_unavailable(exc):
        # LINE and Messenger redeliver on a 5xx; a JSON 503 says "try again", not "this request is broken".
        # Whatever was committed before the outage (an accepted complaint) stays committed.
        log.error("database unavailable: %s", type(exc.orig).__name__)
        resp = jsonify(error="service temporarily unavailable (database); please retry")
        resp.headers["Retry-After"] = "5"
        return resp, 503

    from bot.channels import register_channels
    from bot.channels.protect import protect_public_endpoints
    from bot.complaints.alerts import warn_if_unrouted

    app.extensions["limiter"] = protect_public_endpoints(app, services)
    register_channels(app, bot, services)
    from bot.charts.web import charts_blueprint

    app.register_blueprint(charts_blueprint(services))
    from bot.console import register_console

    register_console(app, services)
    warn_if_unrouted(services)
    if settings.trusted_proxy_hops:  # the client's address as the proxies saw it, for the per-address limits
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.wsgi_app = logs.RequestIds(app.wsgi_app)  # outermost: every line of a request carries its id
    return app


def __getattr__(name: str):
    # Built on first access so that importing this module (tests, CLI) does not start an app.
    if name == "app":
        if not logs.configured():
            logs.configure()
        try:
            globals()["app"] = create_app()
        except ContentError as exc:  # an office's typo: say which file and field, not a traceback
            print(f"content error:\n{exc}", file=sys.stderr)
            # 3 is gunicorn's WORKER_BOOT_ERROR: the master stops instead of respawning workers forever
            # (gunicorn.conf.py checks the content in the master before any worker starts, too).
            raise SystemExit(3) from None
        return globals()["app"]
    raise AttributeError(name)
