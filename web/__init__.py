"""The Flask application: ``create_app()`` builds it, nothing is built at import."""
from __future__ import annotations

from flask import Flask

from . import secret_key as secret_keys
from . import settings
from .extensions import orchestrator
from .json_limits import BoundedJSONProvider

# The instance folder (``config.py``, the development key); ``None``: Flask's default, ``instance/``
# in the checkout. Tests point it elsewhere.
INSTANCE_PATH: str | None = None

__all__ = ["INSTANCE_PATH", "create_app", "instance_path", "orchestrator"]


def instance_path() -> str:
    """The instance folder: :data:`INSTANCE_PATH` if set, else Flask's default for this package."""
    return INSTANCE_PATH or settings.default_instance_path()


def _blueprints() -> list:
    """Every blueprint of the app, in the order they are registered (imported here: nothing at import time)."""
    from . import observability, pages
    from .api import routes as api
    from .auth import oidc, signin, twofactor
    from .modeler import api as modeler_api
    from .modeler import editor as modeler_editor
    from .modeler import impact as modeler_impact
    from .modeler import library as modeler
    from .modeler import proberen as modeler_proberen
    from .pages import (  # noqa: F401
        account_tokens,
        admin_catalog,
        admin_partners,
        admin_users,
        audit,
        care,
        dashboard,
        inbox,
        incidents,
        intake,
        mail_outbox,
        monitor,
        overleggen,
        route_setup,
        signal_list,
        signals,
        tasks,
    )

    # audit … tasks add their routes to pages.bp ("pages") when imported.
    return [observability.bp, signin.bp, twofactor.bp, oidc.bp, api.bp, pages.bp, dashboard.bp, modeler.bp,
            modeler_api.bp, account_tokens.bp, admin_users.bp, admin_partners.bp, modeler_editor.bp,
            modeler_proberen.bp, modeler_impact.bp, admin_catalog.bp, route_setup.bp]


def create_app(test_config: dict | None = None, *, secret_key: str = secret_keys.REQUIRED) -> Flask:
    """Create the app: the settings (:mod:`web.settings`), then each subsystem, then the blueprints.

    :param test_config: settings that replace the instance config (tests pass ``DATABASE_URL``,
        a ``CLOCK`` and a ``SECRET_KEY``); the environment still gives the defaults.
    :param secret_key: where the session key may come from (:mod:`web.secret_key`): by default only
        from the configuration, long and not a known value, else the app does not start.
    :raises web.secret_key.SecretKeyError: no usable key, with how to set one.
    :raises web.settings.SettingError: a setting has a wrong value, naming it.
    """
    from . import api, auth, extensions, observability, responses, security, templating
    from .auth import oidc

    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path())
    app.config.update(settings.load(app.instance_path, test_config))
    app.config.update(JSON_SORT_KEYS=False, CLOCK=app.config.get("CLOCK"))
    app.config["SECRET_KEY"] = secret_keys.resolve(app.config.get("SECRET_KEY"), secret_key, app.instance_path,
                                                   test_config=test_config is not None)
    app.json = BoundedJSONProvider(app)  # request bodies nested too deeply are a field error, not a 500
    app.json.sort_keys = False

    extensions.init_app(app)  # the engine's front door
    observability.init_app(app)  # first hooks: its request id and timing wrap every other hook
    security.init_app(app)  # before any blueprint: the bounded <int:…> converter, the limiter
    auth.init_app(app)  # CSRF, the session's user, the two-factor gate
    oidc.init_app(app)  # single sign-on, when OIDC_* is configured
    responses.init_app(app)  # engine errors on pages
    api.init_app(app)  # unknown API addresses in JSON
    templating.init_app(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    return app
