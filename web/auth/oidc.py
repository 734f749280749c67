"""Single sign-on through the organisation's OpenID Connect provider (authlib), beside local accounts.

The flow is the authorisation code flow: ``/aanmelden/organisatie`` sends the browser to the
provider with a fresh ``state`` and ``nonce`` (kept in our session), the provider sends it back
to ``/aanmelden/organisatie/terug`` with a code, and we exchange the code for tokens, check the
ID token (signature against the provider's keys, issuer, audience, expiry, nonce) and hand the
identity to the engine (:mod:`engine.people.sso`), which links it to an account and sets its roles.
A callback whose state is not the one this session started with is refused.

Configured by the ``OIDC_*`` settings (``docs/operations.md``); without ``OIDC_CLIENT_ID`` single
sign-on is off, the sign-in page shows no button, and both addresses send to the sign-in page.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import joserfc.errors
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for

from engine.service.signin import (
    CODE,
    GEEN_GROEP,
    INSTELLEN,
    Identity,
    MappingError,
    MfaPolicy,
    RoleMapping,
    load_mapping,
)

from ..extensions import orchestrator
from ..responses import safe_next
from .signin import start_session

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__, url_prefix="/aanmelden/organisatie")
_EXTENSION = "signaalroute.oidc"
_CLIENT = "organisatie"

@dataclass(frozen=True)
class OidcSettings:
    """The checked single sign-on settings of one app."""

    discovery_url: str
    client_id: str
    client_secret: str
    scopes: str
    groups_claim: str
    username_claim: str
    mapping: RoleMapping
    provider_name: str
    mfa: MfaPolicy
    redirect_uri: str | None
    timeout: float


def _values(value) -> frozenset[str]:
    """A list setting: comma- or space-separated text, or a list."""
    items = value if isinstance(value, list | tuple | set | frozenset) else str(value or "").replace(",", " ").split()
    return frozenset(str(item).strip() for item in items if str(item).strip())


def settings_from(config) -> OidcSettings | None:
    """The settings from ``config``; ``None`` when single sign-on is off (no ``OIDC_CLIENT_ID``).

    :raises ValueError: a setting is missing or wrong, naming it (the app does not start).
    """
    client_id = str(config["OIDC_CLIENT_ID"] or "").strip()
    if not client_id:
        return None
    if str(config.get("OIDC_TRUST_IDP_MFA") or "").strip():
        raise ValueError("OIDC_TRUST_IDP_MFA: bestaat niet meer. De aanmelding bij de provider telt alleen als "
                         "tweestapsverificatie als de claim amr of acr dat laat zien (OIDC_MFA_AMR, OIDC_MFA_ACR); "
                         "haal de instelling weg")
    issuer = str(config["OIDC_ISSUER"] or "").strip().rstrip("/")
    discovery = str(config["OIDC_DISCOVERY_URL"] or "").strip()
    if not discovery and not issuer:
        raise ValueError("OIDC_ISSUER: geef de issuer (of OIDC_DISCOVERY_URL) van de identity provider")
    discovery = discovery or f"{issuer}/.well-known/openid-configuration"
    if not discovery.startswith(("https://", "http://")):
        raise ValueError("OIDC_DISCOVERY_URL: moet een http(s)-adres zijn")
    scopes = " ".join(str(config["OIDC_SCOPES"]).replace(",", " ").split())
    if "openid" not in scopes.split():
        raise ValueError("OIDC_SCOPES: moet 'openid' bevatten")
    try:
        mapping = load_mapping(config["OIDC_ROLE_MAPPING"] or None, config["OIDC_ROLE_MAPPING_FILE"] or None)
    except MappingError as exc:
        raise ValueError(f"OIDC_ROLE_MAPPING: {exc}") from None
    try:
        timeout = float(config["OIDC_TIMEOUT_SECONDS"])
    except (TypeError, ValueError):
        raise ValueError("OIDC_TIMEOUT_SECONDS: moet een getal zijn") from None
    return OidcSettings(
        discovery_url=discovery, client_id=client_id, client_secret=str(config["OIDC_CLIENT_SECRET"] or ""),
        scopes=scopes, groups_claim=str(config["OIDC_GROUPS_CLAIM"]).strip() or "groups",
        username_claim=str(config["OIDC_USERNAME_CLAIM"]).strip() or "preferred_username", mapping=mapping,
        provider_name=str(config["OIDC_PROVIDER_NAME"]).strip() or "uw organisatie",
        mfa=MfaPolicy(amr=_values(config["OIDC_MFA_AMR"]), acr=_values(config["OIDC_MFA_ACR"])),
        redirect_uri=str(config["OIDC_REDIRECT_URI"] or "") or None,
        timeout=timeout)


def init_app(app: Flask) -> None:
    """Check the ``OIDC_*`` settings (:mod:`web.settings`) and, when single sign-on is on, register the provider."""
    settings = settings_from(app.config)
    app.extensions[_EXTENSION] = settings
    if settings is not None:
        oauth = OAuth(app)
        oauth.register(_CLIENT, client_id=settings.client_id, client_secret=settings.client_secret,
                       server_metadata_url=settings.discovery_url,
                       client_kwargs={"scope": settings.scopes, "default_timeout": settings.timeout})


def _settings() -> OidcSettings | None:
    return current_app.extensions[_EXTENSION]


def _client():
    return current_app.extensions["authlib.integrations.flask_client"].create_client(_CLIENT)


def _not_configured():
    flash("Inloggen via uw organisatie is niet ingesteld. Meld u aan met uw gebruikersnaam en wachtwoord.",
          "waarschuwing")
    return redirect(url_for("auth.login"))


def _failed(status: int, reason: str):
    log.warning("single sign-on refused: %s", reason)  # the reason is an error code: nobody is named
    return render_template("fout.html", titel="Aanmelden niet gelukt",
                           bericht="Aanmelden via uw organisatie is niet gelukt. Begin opnieuw op de "
                                   "aanmeldpagina; lukt het dan nog niet, neem contact op met de beheerder."), status


@bp.get("")
def start():
    """Send the browser to the provider's sign-in page (a fresh state and nonce in our session)."""
    settings = _settings()
    if settings is None:
        return _not_configured()
    session["sso_volgende"] = safe_next(request.args.get("volgende"))
    redirect_uri = settings.redirect_uri or url_for("sso.terug", _external=True)
    try:
        return _client().authorize_redirect(redirect_uri)
    except (requests.RequestException, AuthlibBaseError, ValueError, KeyError) as exc:
        log.warning("identity provider unreachable: %s", type(exc).__name__)
        return render_template("fout.html", titel="Inlogdienst niet bereikbaar",
                               bericht=f"De inlogdienst van {settings.provider_name} is nu niet bereikbaar. Probeer "
                                       "het later opnieuw, of meld u aan met uw gebruikersnaam en wachtwoord."), 503


@bp.get("/terug")
def terug():
    """The provider's answer: check state, code and ID token, then sign the identity in."""
    settings = _settings()
    if settings is None:
        return _not_configured()
    if request.args.get("error"):
        return _failed(401, f"provider error {request.args.get('error')[:60]!r}")
    try:
        token = _client().authorize_access_token()
    except (AuthlibBaseError, joserfc.errors.JoseError, requests.RequestException, ValueError, KeyError) as exc:
        return _failed(400, getattr(exc, "error", None) or type(exc).__name__)
    claims = token.get("userinfo")
    if not claims or not claims.get("sub") or not claims.get("iss"):
        return _failed(400, "no validated ID token in the token response")
    groups = _claim(claims, settings.groups_claim)
    if groups is None:
        groups = _groups_from_userinfo(settings, claims["sub"])
    identity = Identity(issuer=str(claims["iss"]), subject=str(claims["sub"]),
                        gebruikersnaam=_text(claims.get(settings.username_claim) or claims.get("email")),
                        naam=_text(claims.get("name")), groepen=_strings(groups),
                        amr=_strings(claims.get("amr")), acr=_text(claims.get("acr")))  # from the ID token only
    result = orchestrator().signin.with_provider(identity, settings.mapping, mfa=settings.mfa)
    volgende = session.get("sso_volgende")
    session.clear()  # a new session at every sign-in: no session fixation
    if result.geweigerd is not None:
        return render_template("auth/aanmelden_geweigerd.html", geen_groep=result.geweigerd == GEEN_GROEP,
                               account=result.user_id is not None, provider=settings.provider_name), 403
    if result.tweede_factor == CODE:
        session.update(tweestaps_gebruiker=result.user_id, tweestaps_sinds=time.time(), volgende=volgende,
                       eerste_factor="oidc")
        return redirect(url_for("auth.code"))
    start_session(result.user_id, tweestaps=result.provider_mfa)
    if result.tweede_factor == INSTELLEN:
        flash("Voor uw rol is tweestapsverificatie verplicht. Stel het nu in; daarna kunt u verder.", "waarschuwing")
        return redirect(url_for("tweestaps.instellen"))
    return redirect(volgende or url_for("pages.start"))


def _claim(claims, path: str):
    """A claim by name, or by a dotted path into nested objects (``realm_access.roles``)."""
    if path in claims:
        return claims[path]
    value = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _groups_from_userinfo(settings: OidcSettings, subject: str):
    """The groups from the userinfo endpoint, for providers that leave them out of the ID token."""
    client = _client()
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return None
    try:
        info = client.userinfo()
    except (requests.RequestException, AuthlibBaseError, ValueError) as exc:
        log.warning("userinfo not available: %s", type(exc).__name__)
        return None
    if info.get("sub") != subject:  # OIDC Core 5.3.2: the userinfo must be about the same subject
        log.warning("userinfo is about another subject than the ID token: ignored")
        return None
    return _claim(info, settings.groups_claim)


def _strings(value) -> tuple[str, ...]:
    """A claim that holds a list of names (groups, ``amr``); one name alone counts as a list of one."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if isinstance(v, str | int))
    return ()


def _text(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
