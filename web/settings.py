"""Every setting Signaalroute reads: its variable, type, default and meaning, in one table.

:data:`SETTINGS` is the one list. :func:`load` reads the environment once (a process's start),
then the instance config ``instance/config.py`` unless a test config is given, and checks every
value: a wrong one (not a number, not one of the choices) stops the start with a message that
names the variable. ``create_app`` and the worker both start from :func:`load`; the engine never
reads the environment itself, it is handed these values.

Where a setting may come from (:attr:`Setting.source`):

* :data:`ENV` — the environment, or the instance config (which wins);
* :data:`FILE` — the instance config only;
* :data:`COMMAND` — the environment, read by a command line option or a library before any app
  exists (``signaalroute serve --with-clock``, prometheus_client's multiprocess folder).

The configuration reference in ``docs/operations.md`` lists exactly these settings with these
defaults; ``tests/web/test_settings.py`` keeps the two the same.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Config

from engine import POOL_DEFAULTS

ENV, FILE, COMMAND = "environment or file", "file", "environment"

_TRUE = frozenset({"1", "true", "ja", "yes", "on"})
_FALSE = frozenset({"0", "false", "nee", "no", "off", ""})


class SettingError(ValueError):
    """A setting has a wrong value; the message starts with the variable's name."""


def _text(raw):
    return raw if raw is None or isinstance(raw, str) else str(raw)


def _whole(raw):
    if isinstance(raw, bool):
        raise ValueError("moet een geheel getal zijn")
    if isinstance(raw, int):
        value = raw
    else:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(f"moet een geheel getal zijn, niet {raw!r}") from None
    if value < 0:
        raise ValueError(f"moet 0 of meer zijn, niet {value}")
    return value


def _number(raw):
    if isinstance(raw, bool):
        raise ValueError("moet een getal zijn")
    try:
        value = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise ValueError(f"moet een getal zijn, niet {raw!r}") from None
    if value < 0:
        raise ValueError(f"moet 0 of meer zijn, niet {raw!r}")
    return value


def _flag(raw):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"moet aan (1, true, ja) of uit (0, false, nee) zijn, niet {raw!r}")


def _mapping(raw):
    if not isinstance(raw, Mapping):
        raise ValueError("moet een dict zijn (naam → waarde)")
    return dict(raw)


_PARSERS: dict[str, Callable] = {"str": _text, "int": _whole, "float": _number, "bool": _flag, "dict": _mapping}


@dataclass(frozen=True)
class Setting:
    """One setting.

    :param name: the config key, and the environment variable unless :attr:`source` is :data:`FILE`.
    :param type: ``str``, ``int`` (whole, >= 0), ``float`` (>= 0), ``bool`` or ``dict``.
    :param default: the value when nothing sets it; ``None``: none, or one worked out at start
        (:attr:`default_text` says which).
    :param help: what it does, one line (the docs explain more).
    :param source: :data:`ENV`, :data:`FILE` or :data:`COMMAND`.
    :param choices: the values allowed, if a few.
    :param default_text: how the docs show the default when it is not a plain value.
    """

    name: str
    type: str
    default: object
    help: str
    source: str = ENV
    choices: tuple[str, ...] = ()
    default_text: str | None = None

    def parse(self, raw):
        """``raw`` (text from the environment, or a value from a file) as this setting's type.

        :raises SettingError: naming the variable, when it is not of the type or one of the choices.
        """
        if raw is None:
            return None
        try:
            value = _PARSERS[self.type](raw)
        except ValueError as exc:
            raise SettingError(f"{self.name}: {exc}") from None
        if self.choices:
            value = value.upper() if self.choices[0].isupper() else value
            if value not in self.choices:
                raise SettingError(f"{self.name}: kies uit {', '.join(self.choices)}, niet {raw!r}")
        return value

    @property
    def documented_default(self) -> str:
        """The default as the configuration reference shows it."""
        if self.default_text is not None:
            return self.default_text
        if self.default is None:
            return "none"
        if isinstance(self.default, bool):
            return "`1`" if self.default else "`0`"
        if isinstance(self.default, float) and self.default.is_integer():
            return f"`{int(self.default)}`"
        return f"`{self.default}`"


def _security_default() -> str:
    from .security import CONTENT_SECURITY_POLICY

    return CONTENT_SECURITY_POLICY


_SSO_MFA_AMR = "mfa,mca,otp,hwk,swk,sc,sms,tel,fpt,face,iris,retina,vbm"  # engine.people.sso.DEFAULT_MFA_AMR

SETTINGS: tuple[Setting, ...] = (
    # the database and the process library
    Setting("DATABASE_URL", "str", None, "SQLAlchemy URL; `postgresql://…` (or `postgres://`) uses psycopg 3",
            default_text="SQLite file `instance/signaalroute.db`"),
    Setting("DB_POOL_SIZE", "int", POOL_DEFAULTS["pool_size"],
            "PostgreSQL connections each process keeps open (`0`: no limit)"),
    Setting("DB_MAX_OVERFLOW", "int", POOL_DEFAULTS["max_overflow"],
            "extra connections a process may open under a burst, closed afterwards"),
    Setting("DB_POOL_TIMEOUT", "int", POOL_DEFAULTS["pool_timeout"],
            "seconds a request waits for a free connection before it fails"),
    Setting("DB_POOL_RECYCLE", "int", POOL_DEFAULTS["pool_recycle"],
            "seconds after which a pooled connection is replaced (firewalls, poolers)"),
    Setting("SQLITE_SYNCHRONOUS", "str", "NORMAL", "SQLite only: `NORMAL` (a commit is not flushed to disk; a power "
            "cut may lose the last commits, never corrupts) or `FULL` (every commit flushed)",
            choices=("NORMAL", "FULL")),
    Setting("PROCESSES_DIR", "str", None, "folders that `signaalroute init` deploys",
            default_text="`processes/` in the checkout; from a wheel `<prefix>/share/signaalroute/processes`"),
    # sessions and HTTP
    Setting("SECRET_KEY", "str", None, "signs browser sessions; at least 32 random characters, the same on every "
            "web machine (`docs/security.md`, *session key*)",
            default_text="none: `serve` does not start; `run` makes one in `instance/secret_key`"),
    Setting("MAX_CONTENT_LENGTH", "int", 8 * 1024 * 1024, "largest request body in bytes (8 MiB)", FILE),
    Setting("SESSION_IDLE_MINUTES", "int", 30, "a browser session ends after this long without a request", FILE),
    Setting("SESSION_ABSOLUTE_HOURS", "int", 12, "a browser session ends this long after sign-in, however busy", FILE),
    Setting("SESSION_COOKIE_SECURE", "bool", False, "the session cookie is always Secure (it is anyway on a request "
            "that came over TLS)"),
    Setting("SESSION_COOKIE_SAMESITE", "str", "Lax", "the session cookie's SameSite attribute", FILE),
    Setting("ACTOR_CACHE_SECONDS", "int", None, "how long a web process remembers a session's user and roles "
            "(a role change ends the user's sessions)", FILE, default_text="`5` (`0` with `TESTING`)"),
    Setting("WTF_CSRF_TIME_LIMIT", "int", None, "seconds a form's CSRF token lives; none: as long as the session",
            FILE),
    Setting("TRUSTED_PROXIES", "int", 0, "reverse proxies in front whose `X-Forwarded-*` headers are believed"),
    Setting("RATELIMIT_STORAGE_URI", "str", "memory://", "where sign-in failures are counted; `redis://…` or "
            "`memcached://…` for several processes"),
    Setting("LOGIN_LIMIT_PER_USER", "str", "5 per 15 minutes", "failed sign-ins per user name from one address"),
    Setting("LOGIN_LIMIT_PER_IP", "str", "30 per 15 minutes", "failed sign-ins per client address"),
    Setting("HSTS_SECONDS", "int", 365 * 24 * 3600, "HSTS max-age over TLS; `0` switches it off", FILE),
    Setting("CONTENT_SECURITY_POLICY", "str", None, "the Content-Security-Policy header", FILE,
            default_text="see `docs/security.md`"),
    # the clock, retention and mail
    Setting("CLOCK_INTERVAL", "float", 1.0, "seconds between two timer passes"),
    Setting("SERVE_WITH_CLOCK", "bool", False, "`serve --with-clock`: also run the clock in every web process",
            COMMAND),
    Setting("RETENTIE_GEEN_VERMOEDEN", "str", "P6M", "closed without suspicion: kept this long (ISO 8601)"),
    Setting("RETENTIE_GEMEENTELIJK", "str", "P2Y", "handled by the municipality: kept this long (ISO 8601)"),
    Setting("RETENTIE_GEROUTEERD", "str", "P5Y", "a routed case: kept this long (ISO 8601)"),
    Setting("RETENTIE_UITKOMSTEN", "dict", None, "outcome name → retention category, beside the default ones", FILE,
            default_text="the default process's end events"),
    Setting("MAIL_URL", "str", None, "the mail server (`smtp://`, `smtps://`); none: delivery is off, each mail "
            "is recorded as `niet_bezorgd`"),
    Setting("MAIL_FROM", "str", "signaalroute@localhost", "the From address"),
    Setting("SITE_URL", "str", "http://127.0.0.1:5000", "where people open Signaalroute; links in mails start with it"),
    Setting("MAIL_DIGEST_HOUR", "int", 7, "the daily digest goes out from this hour (Europe/Amsterdam)"),
    Setting("MAIL_INTERVAL", "float", 30.0, "seconds between two mail passes of the clock"),
    # seeing what runs
    Setting("LOG_FORMAT", "str", "text", "`text` or `json` (one object per line)", choices=("text", "json")),
    Setting("LOG_LEVEL", "str", "INFO", "the lowest level logged",
            choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")),
    Setting("METRICS_TOKEN", "str", None, "`/metrics` needs `Authorization: Bearer <token>`; none: only from "
            "this machine"),
    Setting("PROMETHEUS_MULTIPROC_DIR", "str", None, "a folder for the metrics of several processes "
            "(read by prometheus_client)", COMMAND),
    Setting("WORKER_METRICS_PORT", "int", None, "`worker --metrics-port`: serve the worker's `/metrics`", COMMAND,
            default_text="off"),
    Setting("WORKER_METRICS_HOST", "str", "127.0.0.1", "`worker --metrics-host`: where the worker's `/metrics` "
            "listens", COMMAND),
    Setting("HEALTH_CLOCK_WINDOW", "float", 120.0, "seconds since a clock's last pass before `/health` is unhealthy"),
    # single sign-on
    Setting("OIDC_ISSUER", "str", "", "the provider's issuer; single sign-on is on with this (or the discovery "
            "URL) and a client id", default_text="none"),
    Setting("OIDC_DISCOVERY_URL", "str", "", "where the provider's metadata is read",
            default_text="`<OIDC_ISSUER>/.well-known/openid-configuration`"),
    Setting("OIDC_CLIENT_ID", "str", "", "the client id registered at the provider", default_text="none (off)"),
    Setting("OIDC_CLIENT_SECRET", "str", "", "its secret", default_text="none"),
    Setting("OIDC_SCOPES", "str", "openid profile email", "the scopes asked; must contain `openid`"),
    Setting("OIDC_GROUPS_CLAIM", "str", "groups", "the claim with the user's groups (a dotted path reads nested ones)"),
    Setting("OIDC_USERNAME_CLAIM", "str", "preferred_username", "the claim a new account's user name is made from"),
    Setting("OIDC_ROLE_MAPPING", "str", "", "the groups → roles mapping as JSON", default_text="none"),
    Setting("OIDC_ROLE_MAPPING_FILE", "str", "", "or that mapping in a `.json` or `.toml` file", default_text="none"),
    Setting("OIDC_PROVIDER_NAME", "str", "uw organisatie", "the name on the sign-in button"),
    Setting("OIDC_MFA_AMR", "str", _SSO_MFA_AMR, "the ID token's `amr` values that show a second factor"),
    Setting("OIDC_MFA_ACR", "str", "", "the ID token's `acr` values that show a second factor", default_text="none"),
    Setting("OIDC_REDIRECT_URI", "str", "", "the redirect URI to send, if not the one derived from the request",
            default_text="derived from the request"),
    Setting("OIDC_TIMEOUT_SECONDS", "float", 10.0, "time-out in seconds for each call to the provider"),
)

BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}

# Settings that no longer exist: read only so that the start can refuse them, naming what replaced them.
RETIRED = ("OIDC_TRUST_IDP_MFA",)


def from_environ(environ: Mapping[str, str] | None = None) -> dict:
    """Every setting's value from ``environ`` (default: this process's environment), else its default.

    An empty variable is the empty text for a text setting with a default (``OIDC_MFA_AMR=``: none),
    and unset otherwise. Settings only a file may hold take their default.

    :raises SettingError: a variable has a wrong value, naming it.
    """
    environ = os.environ if environ is None else environ
    values = {}
    for setting in SETTINGS:
        raw = environ.get(setting.name) if setting.source != FILE else None
        if raw == "" and not (setting.type == "str" and setting.default is not None):
            raw = None
        values[setting.name] = setting.default if raw is None else setting.parse(raw)
    values.update({name: environ[name] for name in RETIRED if environ.get(name)})
    return values


def check(config: dict) -> None:
    """Check, in place, what the instance or test config set: each value as its setting's type.

    :raises SettingError: a value is wrong, naming the setting.
    """
    for setting in SETTINGS:
        if setting.name in config:
            config[setting.name] = setting.parse(config[setting.name])


def complete(config: dict) -> None:
    """Fill in the defaults worked out at start (the database and process folder), in place."""
    from engine import default_url, normalise_url

    from .library import default_processes_dir

    config["DATABASE_URL"] = normalise_url(config.get("DATABASE_URL") or default_url())
    config["PROCESSES_DIR"] = config.get("PROCESSES_DIR") or str(default_processes_dir())
    if config.get("CONTENT_SECURITY_POLICY") is None:
        config["CONTENT_SECURITY_POLICY"] = _security_default()


def load(instance_path: str | os.PathLike, test_config: Mapping | None = None,
         environ: Mapping[str, str] | None = None) -> Config:
    """The settings of one process: the environment, then the instance config unless ``test_config`` is given.

    :param instance_path: the instance folder that holds ``config.py``.
    :param test_config: settings that replace the instance config (tests).
    :param environ: the environment (default: this process's).
    :raises SettingError: a value is wrong, naming the setting.
    """
    config = Config(str(instance_path))
    config.from_mapping(from_environ(environ))
    if test_config is None:
        config.from_pyfile("config.py", silent=True)
    else:
        config.from_mapping(test_config)
    check(config)
    complete(config)
    return config


def pool_arguments(config: Mapping) -> dict:
    """The connection pool arguments of :func:`engine.store.db.make_engine` from ``DB_POOL_*``."""
    return {"pool_size": config["DB_POOL_SIZE"], "max_overflow": config["DB_MAX_OVERFLOW"],
            "pool_timeout": config["DB_POOL_TIMEOUT"], "pool_recycle": config["DB_POOL_RECYCLE"]}


def database_arguments(config: Mapping) -> dict:
    """The keyword arguments of :func:`engine.store.db.make_engine` besides the URL: the pool and SQLite's durability."""
    return {"pool": pool_arguments(config), "sqlite_synchronous": config["SQLITE_SYNCHRONOUS"]}


def default_instance_path() -> str:
    """Flask's instance folder for the ``web`` package: ``instance/`` beside it in a checkout."""
    from flask.sansio.scaffold import find_package

    prefix, package_path = find_package("web")
    if prefix is None:
        return os.path.join(package_path, "instance")
    return os.path.join(prefix, "var", "web-instance")


__all__ = ["BY_NAME", "COMMAND", "ENV", "FILE", "SETTINGS", "Setting", "SettingError", "check", "complete",
           "default_instance_path", "database_arguments", "from_environ", "load",
           "pool_arguments"]
