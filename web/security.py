"""HTTP hardening: security headers, cookies, request limits and the sign-in rate limiter.

Everything here applies to every response of the app; the settings (see
``docs/security.md``) come from the app config (:mod:`web.settings`). The limiter itself is
made in :mod:`web.extensions` and bound to the app here.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .extensions import limiter
from .responses import error_response, wants_json

# Only our own files: the bundles in web/static/dist, no inline script or style anywhere.
# img-src allows data: for the small SVG icons inside the Utrecht and form-js style sheets.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

def init_app(app: Flask) -> None:
    """Register the headers, the limits and their error pages on ``app``."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    app.session_interface = _SessionInterface()
    app.url_map.converters["int"] = _BoundedInt  # before any blueprint adds its rules
    limiter.init_app(app)
    _limit_only_limited_views(app)
    app.before_request(_refuse_bad_characters)
    app.after_request(_security_headers)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(TooManyRequests, _too_many)


class _BoundedInt(IntegerConverter):
    """``<int:id>`` up to 2^31 - 1: a larger id matches no route (404), it never overflows the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is ``Secure`` when configured, and always when the request came over TLS.

    A request without a session cookie (an API call with a token) gets its empty session without
    a signing serializer being built, and the serializer is made once per key, not per request.
    """

    def __init__(self):
        self._serializer = (None, None)

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made_for, serializer = self._serializer
        if made_for != keys:
            serializer = super().get_signing_serializer(app)
            self._serializer = (keys, serializer)
        return serializer

    def open_session(self, app: Flask, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


_FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)


def _security_headers(response):
    """Each header unless the view set it already (one pass over the response's headers, not one per header)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    wanted = [("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"]), *_FIXED_HEADERS]
    if request.is_secure and current_app.config["HSTS_SECONDS"]:
        wanted.append(("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}; includeSubDomains"))
    if request.endpoint != "static":
        # Pages and API answers carry personal data: never in a shared or back-button cache.
        wanted.append(("Cache-Control", "no-store"))
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def _too_large(error: RequestEntityTooLarge):
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) / (1024 * 1024)
    return error_response(413, "Te groot", f"Het verzoek is te groot: maximaal {limit_mb:g} MB. Er is niets opgeslagen.")


def _too_many(error: TooManyRequests):
    response = error_response(429, "Te veel pogingen",
                      "Te veel mislukte aanmeldpogingen. Wacht een kwartier en probeer het dan opnieuw, "
                      "of neem contact op met de beheerder.")
    response.headers.setdefault("Retry-After", "900")
    return response


# --- sign-in rate limits (used by web.auth) -----------------------------------------------------

def _failed(response) -> bool:
    return response.status_code == 401


def _source_and_name_key() -> str:
    """Per client address and typed user name together: wrong passwords from one address use up
    only that address's attempts for the name, so a stranger elsewhere cannot lock a colleague out.

    The key is an HMAC with the app's secret key, truncated: the limiter's log line shows neither
    the name nor a hash that anyone could match against a list of names (as a plain SHA-256 could).
    """
    name = (request.form.get("gebruikersnaam") or "").strip().lower()
    secret = current_app.secret_key
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    message = f"{get_remote_address()}\n{name}".encode()
    return "aanmelden:" + hmac.new(secret, message, hashlib.sha256).hexdigest()[:24]


def _pending_user_key() -> str:
    return f"code:{session.get('tweestaps_gebruiker', 'geen')}"


# The views that carry a limit. Every other request skips the limiter's check, which otherwise
# resolves and evaluates the limits of each request's view anew (a sizeable part of an API call's
# own time, for views that have none).
_LIMITED_VIEWS: set = set()


def _check_limits() -> None:
    """The limiter's own check, for a request whose view has a limit (or when limits for every view are configured)."""
    config = current_app.config
    if (config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION")
            or current_app.view_functions.get(request.endpoint or "") in _LIMITED_VIEWS):
        limiter._check_request_limit()


def _limit_only_limited_views(app: Flask) -> None:
    """Put :func:`_check_limits` where the limiter hooked its check into every request. Should a later
    flask-limiter name its hook otherwise, nothing is replaced and every request is checked, as before."""
    hooks = app.before_request_funcs.get(None, [])
    for i, hook in enumerate(hooks):
        if hook == getattr(limiter, "_check_request_limit", None):
            hooks[i] = _check_limits


def _limited(view):
    _LIMITED_VIEWS.add(view)
    return view


def sign_in_limits(view):
    """Failed sign-ins (HTTP 401) count per client address, and per user name from that address;
    over a limit: 429. There is no limit per user name alone: anybody could use it to lock anybody
    out (``docs/security.md``, *rate limiting*)."""
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed)(view)
    return _limited(limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_USER"], methods=["POST"],
                                  deduct_when=_failed, key_func=_source_and_name_key,
                                  scope="per-adres-en-gebruiker")(view))


def code_limits(view):
    """Wrong two-factor codes count per client address and per signed-in-with-password user."""
    view = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed)(view)
    return _limited(limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_USER"], methods=["POST"],
                                  deduct_when=_failed, key_func=_pending_user_key, scope="per-gebruiker")(view))


# --- characters no field may hold ----------------------------------------------------------------

def _bad(text: str | None) -> bool:
    if not isinstance(text, str):
        return False
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (JSON "\ud800"): not storable text
        return True
    return False


def _bad_paths(value, path: str = "") -> list[str]:
    if isinstance(value, str):
        return [path or "body"] if _bad(value) else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            sub = f"{path}.{key}" if path else str(key)
            found += [sub] if _bad(str(key)) else _bad_paths(item, sub)
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _bad_paths(item, f"{path}.{i}" if path else str(i))]
    return []


_MAX_QUERY_NUMBER = 2**31 - 1


def _huge_number(value: str) -> bool:
    """A whole number in the query string beyond 32 bits: as a page or offset it overflows the database."""
    digits = value.strip().lstrip("+-")
    return digits.isdigit() and (len(digits) > 10 or int(digits) > _MAX_QUERY_NUMBER)


def _refuse_bad_characters():
    """Refuse, naming the field, what no handler should have to think about: NUL characters and lone
    surrogates (PostgreSQL cannot store them) and query-string numbers that overflow a database integer."""
    bad = {k: "bevat een teken dat niet is toegestaan (NUL of een ongeldig Unicode-teken)"
           for k, v in request.args.items(multi=True) if _bad(k) or _bad(v)}
    bad |= {k: "is een te groot getal" for k, v in request.args.items(multi=True) if k not in bad and _huge_number(v)}
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        bad |= {k: "bevat een teken dat niet is toegestaan (NUL of een ongeldig Unicode-teken)"
                for k, v in request.form.items(multi=True) if _bad(k) or _bad(v)}
    if request.is_json and request.content_length:
        bad |= {f: "bevat een teken dat niet is toegestaan (NUL of een ongeldig Unicode-teken)"
                for f in _bad_paths(request.get_json(silent=True))}
    if not bad:
        return None
    return error_response(422 if wants_json() else 400, "Ongeldige invoer",
                  f"Niet alle velden zijn goed ingevuld. Controleer: {', '.join(sorted(k[:40] for k in bad))}.",
                  **({"velden": bad} if wants_json() else {}))
