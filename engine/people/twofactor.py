"""Two-factor sign-in: TOTP codes (RFC 6238, an authenticator app) and single-use recovery codes.

Required for the roles in :data:`REQUIRED_ROLES`, optional for everybody else. A user
enrols by scanning a QR code (or typing the secret), proves it with one code, and gets
:data:`RECOVERY_CODE_COUNT` recovery codes, shown once and stored only as hashes.

Codes are checked against the command's ``now`` (never the wall clock directly), one
time step either side; a code whose time step was already used is refused (no replay).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re
import secrets
from dataclasses import dataclass

import pyotp
import segno
from sqlalchemy import Connection, delete, func, insert, select, update

from ..audit.audit import AuditBatch
from ..domain.roles import SECOND_FACTOR_ROLES
from ..errors import Conflict, FieldErrors, Forbidden, NotFound
from ..store.schema import user, user_recovery_code, user_totp
from .users import Actor

REQUIRED_ROLES = SECOND_FACTOR_ROLES
ISSUER = "Signaalroute"
RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud and typed without doubt
_DRIFT_STEPS = 1  # accept the previous and the next 30-second code too (clock drift, typing time)


def required_for(actor: Actor) -> bool:
    """Whether ``actor``'s roles make two-factor sign-in compulsory."""
    return bool(actor.role_keys() & REQUIRED_ROLES)


@dataclass(frozen=True)
class Status:
    """A user's two-factor state, for the account page and the sign-in decision."""

    ingesteld: bool
    herstelcodes_over: int


@dataclass(frozen=True)
class Enrolment:
    """A started enrolment: the secret (as text for typing) and the QR code to scan."""

    secret: str
    uri: str
    qr_svg: bytes

    @property
    def secret_groups(self) -> str:
        """The secret in groups of four, easier to type."""
        return " ".join(self.secret[i:i + 4] for i in range(0, len(self.secret), 4))


@dataclass(frozen=True)
class Verified:
    """A code was right. ``methode`` is ``totp`` or ``herstelcode``."""

    methode: str
    herstelcodes_over: int


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def qr_svg(uri: str) -> bytes:
    """The QR code of ``uri`` as an SVG file (no script, no style attributes)."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", scale=5, dark="#000", light="#fff", xmldecl=False,
                                    svgclass=None, lineclass=None, title="QR-code voor uw authenticator-app")
    return buffer.getvalue()


def _matching_step(secret: str, code: str, now: dt.datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to (within the drift window, not used before), else ``None``."""
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# --- queries and commands on a connection -------------------------------------------------------

def status(conn: Connection, user_id: int) -> Status:
    confirmed = conn.execute(
        select(user_totp.c.user_id).where(user_totp.c.user_id == user_id, user_totp.c.confirmed_at.is_not(None))
    ).first() is not None
    return Status(confirmed, _codes_left(conn, user_id) if confirmed else 0)


def _codes_left(conn: Connection, user_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(user_recovery_code)
        .where(user_recovery_code.c.user_id == user_id, user_recovery_code.c.used_at.is_(None))
    ).scalar_one()


def _username(conn: Connection, user_id: int) -> str:
    return conn.execute(select(user.c.gebruikersnaam).where(user.c.id == user_id)).scalar_one()


def start_enrolment(conn: Connection, user_id: int, *, now: dt.datetime) -> Enrolment:
    """A secret to scan: the pending one if enrolment was started before, else a new one.

    :raises Conflict: two-factor sign-in is already set up (reset it first).
    """
    row = conn.execute(select(user_totp).where(user_totp.c.user_id == user_id)).first()
    if row is not None and row.confirmed_at is not None:
        raise Conflict("Tweestapsverificatie is al ingesteld.")
    if row is None:
        secret = pyotp.random_base32(32)
        conn.execute(insert(user_totp).values(user_id=user_id, secret=secret, created_at=now))
    else:
        secret = row.secret
    uri = pyotp.TOTP(secret).provisioning_uri(name=_username(conn, user_id), issuer_name=ISSUER)
    return Enrolment(secret, uri, qr_svg(uri))


def confirm_enrolment(conn: Connection, user_id: int, code: str, *, now: dt.datetime) -> list[str]:
    """Finish enrolment with a first code; returns the recovery codes (shown once).

    :raises FieldErrors: ``code`` is wrong (or enrolment was not started).
    """
    row = conn.execute(select(user_totp).where(user_totp.c.user_id == user_id)).first()
    if row is None:
        raise FieldErrors({"code": "start eerst het instellen: de QR-code is nog niet gemaakt"})
    if row.confirmed_at is not None:
        raise Conflict("Tweestapsverificatie is al ingesteld.")
    step = _matching_step(row.secret, _normalise(code), now, row.last_step)
    if step is None:
        raise FieldErrors({"code": "deze code klopt niet; typ de zes cijfers die de app nu toont"})
    conn.execute(update(user_totp).where(user_totp.c.user_id == user_id).values(confirmed_at=now, last_step=step))
    codes = _replace_recovery_codes(conn, user_id, now)
    batch = AuditBatch(at=now)
    batch.add("tweestaps_ingesteld", user_id, gebruiker_id=user_id)
    batch.write(conn)
    return codes


def _replace_recovery_codes(conn: Connection, user_id: int, now: dt.datetime) -> list[str]:
    conn.execute(delete(user_recovery_code).where(user_recovery_code.c.user_id == user_id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    conn.execute(insert(user_recovery_code),
                 [{"user_id": user_id, "code_hash": _hash(c), "created_at": now} for c in codes])
    return codes


def verify(conn: Connection, user_id: int, code: str, *, now: dt.datetime) -> Verified | None:
    """Check a sign-in code: six digits from the app, or an unused recovery code (then used up).

    Returns ``None`` when the code is wrong, already used, or the user has no confirmed
    two-factor set-up. Every outcome is recorded in the audit log.
    """
    code = _normalise(code)
    row = conn.execute(
        select(user_totp).where(user_totp.c.user_id == user_id, user_totp.c.confirmed_at.is_not(None))
    ).first()
    batch = AuditBatch(at=now)
    result = None
    if row is not None and code:
        step = _matching_step(row.secret, code, now, row.last_step)
        if step is not None:
            conn.execute(update(user_totp).where(user_totp.c.user_id == user_id).values(last_step=step))
            result = Verified("totp", _codes_left(conn, user_id))
        elif len(code) == 12:
            used = conn.execute(
                update(user_recovery_code)
                .where(user_recovery_code.c.user_id == user_id, user_recovery_code.c.code_hash == _hash(code),
                       user_recovery_code.c.used_at.is_(None))
                .values(used_at=now)
            ).rowcount
            if used:
                result = Verified("herstelcode", _codes_left(conn, user_id))
    if result is None:
        batch.add("tweestaps_code_onjuist", user_id, gebruiker_id=user_id)
    elif result.methode == "herstelcode":
        batch.add("herstelcode_gebruikt", user_id, gebruiker_id=user_id, over=result.herstelcodes_over)
    batch.write(conn)
    return result


def regenerate_recovery_codes(conn: Connection, user_id: int, code: str, *, now: dt.datetime) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    row = conn.execute(
        select(user_totp).where(user_totp.c.user_id == user_id, user_totp.c.confirmed_at.is_not(None))
    ).first()
    if row is None:
        raise Conflict("Tweestapsverificatie is niet ingesteld.")
    step = _matching_step(row.secret, _normalise(code), now, row.last_step)
    if step is None:
        raise FieldErrors({"code": "deze code klopt niet; typ de zes cijfers die de app nu toont"})
    conn.execute(update(user_totp).where(user_totp.c.user_id == user_id).values(last_step=step))
    codes = _replace_recovery_codes(conn, user_id, now)
    batch = AuditBatch(at=now)
    batch.add("herstelcodes_vernieuwd", user_id, gebruiker_id=user_id)
    batch.write(conn)
    return codes


def remove(conn: Connection, user_id: int) -> bool:
    """Delete the secret and the recovery codes; whether there was anything to delete."""
    conn.execute(delete(user_recovery_code).where(user_recovery_code.c.user_id == user_id))
    return conn.execute(delete(user_totp).where(user_totp.c.user_id == user_id)).rowcount > 0


def reset_by_operator(conn: Connection, gebruikersnaam: str, *, now: dt.datetime) -> bool:
    """The operator's way back in (``signaalroute user reset-2fa``) when no beheerder can sign in:
    remove the user's two-factor set-up; audited as done by the system. Whether there was one.

    :raises NotFound: no such user.
    """
    user_id = conn.execute(select(user.c.id).where(user.c.gebruikersnaam == gebruikersnaam)).scalar()
    if user_id is None:
        raise NotFound(f"gebruiker '{gebruikersnaam}' bestaat niet")
    removed = remove(conn, user_id)
    if removed:
        batch = AuditBatch(at=now)
        batch.add("tweestaps_hersteld", None, gebruiker_id=user_id, via="commandoregel")
        batch.write(conn)
    return removed


def record_sign_in(conn: Connection, user_id: int, methode: str, *, now: dt.datetime) -> None:
    """Audit a completed sign-in (``methode``: ``wachtwoord``, ``wachtwoord+totp``, ``wachtwoord+herstelcode``)."""
    batch = AuditBatch(at=now)
    batch.add("aangemeld", user_id, methode=methode)
    batch.write(conn)


def switch_off(conn: Connection, actor: Actor, code: str, *, now: dt.datetime) -> None:
    """Switch one's own optional two-factor sign-in off (with a current code).

    :raises Forbidden: the user's role requires it.
    :raises FieldErrors: ``code`` is wrong.
    """
    if required_for(actor):
        raise Forbidden("Voor uw rol is tweestapsverificatie verplicht; u kunt het niet uitzetten.")
    if verify(conn, actor.id, code, now=now) is None:
        raise FieldErrors({"code": "deze code klopt niet"})
    remove(conn, actor.id)
    batch = AuditBatch(at=now)
    batch.add("tweestaps_uitgezet", actor.id, gebruiker_id=actor.id)
    batch.write(conn)

