"""The Flask application: ``create_app()`` builds it, nothing is built at import."""
from __future__ import annotations

import os

from flask import Flask

from engine import Database, RetentionPolicy, default_url, make_engine
from engine.errors import FieldErrors
from engine.service.orchestrator import Orchestrator

from . import secret_key as secret_keys
from .json_limits import BoundedJSONProvider
from .library import default_processes_dir

# The instance folder (``config.py``, the development key); ``None``: Flask's default, ``instance/``
# in the checkout. Tests point it elsewhere.
INSTANCE_PATH: str | None = None


def create_app(test_config: dict | None = None, *, secret_key: str = secret_keys.REQUIRED) -> Flask:
    """Create the app.

    :param test_config: settings that replace the environment's (tests pass
        ``DATABASE_URL``, a ``CLOCK`` and a ``SECRET_KEY``); when given, the instance config is not read.
    :param secret_key: where the session key may come from (:mod:`web.secret_key`): by default only
        from the configuration, long and not a known value, else the app does not start.
    :raises web.secret_key.SecretKeyError: no usable key, with how to set one.
    """
    app = Flask(__name__, instance_relative_config=True, instance_path=INSTANCE_PATH)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        DATABASE_URL=os.environ.get("DATABASE_URL") or default_url(),
        PROCESSES_DIR=os.environ.get("PROCESSES_DIR") or str(default_processes_dir()),
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        CLOCK_INTERVAL=float(os.environ.get("CLOCK_INTERVAL", "1")),
        JSON_SORT_KEYS=False,
        CLOCK=None,
        # How long closed signals are kept, per outcome (ISO 8601 durations; engine.runtime.retention).
        RETENTIE_GEEN_VERMOEDEN=os.environ.get("RETENTIE_GEEN_VERMOEDEN", "P6M"),
        RETENTIE_GEMEENTELIJK=os.environ.get("RETENTIE_GEMEENTELIJK", "P2Y"),
        RETENTIE_GEROUTEERD=os.environ.get("RETENTIE_GEROUTEERD", "P5Y"),
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["SECRET_KEY"] = secret_keys.resolve(app.config.get("SECRET_KEY"), secret_key, app.instance_path,
                                                   test_config=test_config is not None)
    app.json = BoundedJSONProvider(app)  # request bodies nested too deeply are a field error, not a 500
    app.json.sort_keys = False

    database = Database(make_engine(app.config["DATABASE_URL"]))
    app.extensions["signaalroute"] = Orchestrator(database, app.config["CLOCK"])
    try:
        app.extensions["signaalroute"].retention = RetentionPolicy.from_settings(app.config)
    except FieldErrors as exc:  # a wrong setting stops the start, naming the setting
        raise ValueError("; ".join(f"{name.upper()}: {problem}" for name, problem in exc.fields.items())) from None

    from . import auth, observability, oidc, security, twofactor, views
    from .api import init_app as init_api
    from .api.routes import bp as api_bp
    from .views import admin_partners, admin_users, modeler_editor

    observability.init_app(app)  # first: its request id and timing wrap every other hook
    security.init_app(app)
    auth.init_app(app)
    twofactor.init_app(app)
    oidc.init_app(app)  # single sign-on, when OIDC_* is configured
    auth.csrf.exempt(api_bp)  # the API authenticates each request with a bearer token
    init_api(app)
    views.init_app(app)
    admin_users.init_app(app)
    admin_partners.init_app(app)  # the chain partner directory (engine.people.partners)
    modeler_editor.init_app(app)
    return app


def orchestrator(app: Flask | None = None) -> Orchestrator:
    """The app's engine front door."""
    from flask import current_app

    return (app or current_app).extensions["signaalroute"]
