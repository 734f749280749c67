"""What the app shares, made once: the engine's front door, CSRF protection and the sign-in limiter.

:func:`init_app` builds the front door; :data:`csrf` and :data:`limiter` are created here, unbound,
and bound by the subsystem that owns each (:mod:`web.auth` binds CSRF, :mod:`web.security` the
limiter), in the order ``create_app`` sets. Views reach the front door through :func:`orchestrator`.
The worker, which serves no pages, builds its own with :func:`build_orchestrator` from the same settings.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from engine import Database, MailConfig, RetentionPolicy, mailer_from_url, make_engine
from engine.errors import FieldErrors
from engine.service.orchestrator import Orchestrator

from .settings import SettingError, database_arguments

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)

_KEY = "signaalroute"


def build_orchestrator(config: Mapping) -> Orchestrator:
    """The engine's front door from the settings (:mod:`web.settings`): database, clock, retention, mail.

    :param config: checked settings; ``CLOCK`` (tests) replaces the system clock.
    :raises SettingError: a retention or mail setting is wrong, naming it.
    """
    orch = Orchestrator(Database(make_engine(config["DATABASE_URL"], **database_arguments(config))), config.get("CLOCK"))
    try:
        orch.retention = RetentionPolicy.from_settings(config)
        mailer = mailer_from_url(config["MAIL_URL"], config["MAIL_FROM"])
    except FieldErrors as exc:
        orch.db.dispose()
        raise SettingError("; ".join(f"{name.upper()}: {problem}" for name, problem in exc.fields.items())) from None
    except ValueError as exc:  # the mail URL; its message names MAIL_URL
        orch.db.dispose()
        raise SettingError(str(exc)) from None
    orch.configure_mail(MailConfig(mailer=mailer, site_url=config["SITE_URL"], digest_hour=config["MAIL_DIGEST_HOUR"],
                                   interval=config["MAIL_INTERVAL"]))
    return orch


def init_app(app: Flask) -> None:
    """Build the app's front door from its settings."""
    app.extensions[_KEY] = build_orchestrator(app.config)


def orchestrator(app: Flask | None = None) -> Orchestrator:
    """The app's engine front door (``app``, or the current one)."""
    return (app or current_app).extensions[_KEY]
