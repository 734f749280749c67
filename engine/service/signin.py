"""The sign-in desk (``Orchestrator.signin``): proving who one is, and keeping it proven.

The password, an API token, server-side browser sessions, two-factor sign-in (enrolment,
codes, recovery codes) and single sign-on through an OpenID Connect provider; and one's own
API tokens. Each method one transaction, except where a read decides whether a write is
needed at all (a session or token in use is noted at most once a minute). The rules are in
:mod:`engine.people.sessions`, :mod:`engine.people.twofactor`, :mod:`engine.people.sso` and
:mod:`engine.people.tokens`.
"""
from __future__ import annotations

import datetime as dt

from ..people import sessions, sso, tokens, twofactor
from ..people.oidc_mapping import MappingError, RoleMapping, load_mapping
from ..people.sso import CODE, DEFAULT_MFA_AMR, GEEN_GROEP, INSTELLEN, Identity, MfaPolicy, SignIn
from ..people.users import TOKEN_DAYS, Actor, load_actor, token_holder, verify_password
from ..store.db import Database

__all__ = [
    "CODE", "DEFAULT_MFA_AMR", "ENDED", "EXPIRED", "GEEN_GROEP", "IDLE", "INSTELLEN", "Identity", "LiveSession",
    "MappingError", "MfaPolicy", "RoleMapping", "SignIn", "SignInDesk", "load_mapping", "required_for",
]

LiveSession = sessions.LiveSession
ENDED, EXPIRED, IDLE = sessions.ENDED, sessions.EXPIRED, sessions.IDLE  # why a session no longer works
required_for = twofactor.required_for  # whether ``actor``'s roles require two-factor sign-in
_PROVIDER_MFA = MfaPolicy()


class SignInDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    # --- first factor --------------------------------------------------------------------
    def authenticate(self, gebruikersnaam: str, wachtwoord: str) -> Actor | None:
        """The user if the password is right; ``None`` otherwise (same for unknown users)."""
        with self.db.read() as conn:
            user_id = verify_password(conn, gebruikersnaam, wachtwoord)
            return load_actor(conn, user_id) if user_id is not None else None

    def token_holder(self, token: str) -> Actor | None:
        """Who holds the live API ``token`` (noting its use, at most once per
        :data:`engine.people.tokens.TOUCH_EVERY`); ``None``: unknown, revoked or expired."""
        now = self.clock.now()
        with self.db.read() as conn:
            found = token_holder(conn, token, now=now)
        if found is None:
            return None
        last = found.last_used_at
        if last is None or now - (last if last.tzinfo else last.replace(tzinfo=dt.UTC)) >= tokens.TOUCH_EVERY:
            with self.db.write() as conn:
                tokens.touch_token(conn, found.token_id, now=now)
        return found.actor

    def with_provider(self, identity: Identity, mapping: RoleMapping, *, mfa: MfaPolicy = _PROVIDER_MFA) -> SignIn:
        """Single sign-on: link ``identity`` to an account and set its roles (see :func:`engine.people.sso.sign_in`).

        :param mapping: the provider's groups → roles.
        :param mfa: when the provider's sign-in counts as the second factor.
        """
        with self.db.write() as conn:
            return sso.sign_in(conn, identity, mapping, now=self.clock.now(), mfa=mfa)

    # --- browser sessions ----------------------------------------------------------------
    def start_session(self, user_id: int, *, tweede_factor: bool, lifetime: dt.timedelta) -> str:
        """A new session, live at most ``lifetime``; returns its id for the cookie."""
        with self.db.write() as conn:
            return sessions.start_session(conn, user_id, now=self.clock.now(), lifetime=lifetime,
                                          tweede_factor=tweede_factor)

    def resume_session(self, session_id: str, *, idle: dt.timedelta) -> LiveSession | str:
        """The live session (noting the request, at most once per :data:`engine.people.sessions.TOUCH_EVERY`),
        or why it ended (:data:`IDLE` after ``idle`` without a request, :data:`EXPIRED`, :data:`ENDED`)."""
        now = self.clock.now()
        with self.db.read() as conn:
            found = sessions.resume(conn, session_id, now=now, idle=idle)
        if isinstance(found, str):
            return found
        if now - found.last_seen_at >= sessions.TOUCH_EVERY:
            with self.db.write() as conn:
                sessions.touch(conn, found.id, now=now)
        return found

    def end_session(self, session_id: str, reden: str = "afgemeld") -> None:
        with self.db.write() as conn:
            sessions.end_session(conn, session_id, now=self.clock.now(), reden=reden)

    def set_second_factor(self, session_id: str, tweede_factor: bool) -> None:
        with self.db.write() as conn:
            sessions.set_second_factor(conn, session_id, tweede_factor)

    # --- two-factor sign-in --------------------------------------------------------------
    def two_factor_status(self, user_id: int) -> twofactor.Status:
        with self.db.read() as conn:
            return twofactor.status(conn, user_id)

    def start_enrolment(self, user_id: int) -> twofactor.Enrolment:
        with self.db.write() as conn:
            return twofactor.start_enrolment(conn, user_id, now=self.clock.now())

    def confirm_enrolment(self, user_id: int, code: str) -> list[str]:
        """Finish enrolment with a first code; the recovery codes, shown once."""
        with self.db.write() as conn:
            return twofactor.confirm_enrolment(conn, user_id, code, now=self.clock.now())

    def verify_code(self, user_id: int, code: str) -> twofactor.Verified | None:
        """Check a TOTP or recovery code (each usable once); ``None``: wrong."""
        with self.db.write() as conn:
            return twofactor.verify(conn, user_id, code, now=self.clock.now())

    def regenerate_recovery_codes(self, user_id: int, code: str) -> list[str]:
        with self.db.write() as conn:
            return twofactor.regenerate_recovery_codes(conn, user_id, code, now=self.clock.now())

    def signed_in(self, user_id: int, methode: str) -> None:
        """Record a completed sign-in (``methode``: ``wachtwoord``, ``wachtwoord+totp``, ``wachtwoord+herstelcode``)."""
        with self.db.write() as conn:
            twofactor.record_sign_in(conn, user_id, methode, now=self.clock.now())

    def switch_off_two_factor(self, actor: Actor, code: str) -> None:
        """Switch one's own optional two-factor sign-in off (with a current code); Forbidden where the role requires it."""
        with self.db.write() as conn:
            twofactor.switch_off(conn, actor, code, now=self.clock.now())

    # --- one's own API tokens ------------------------------------------------------------
    def issue_token(self, actor: Actor, *, naam: str | None, days: int = TOKEN_DAYS) -> str:
        """A token for ``actor`` themselves; its scope is what their session proved (``actor.tweede_factor``)."""
        with self.db.write() as conn:
            return tokens.issue_token(conn, actor.id, now=self.clock.now(), door=actor.id, days=days,
                                      tweede_factor=actor.tweede_factor, naam=naam, via="account")

    def my_tokens(self, actor: Actor) -> list[dict]:
        with self.db.read() as conn:
            return tokens.list_tokens(conn, now=self.clock.now(), user_id=actor.id)

    def revoke_my_token(self, actor: Actor, token_id: int) -> bool:
        with self.db.write() as conn:
            return tokens.revoke_token(conn, token_id, now=self.clock.now(), door=actor.id, owner=actor.id)
