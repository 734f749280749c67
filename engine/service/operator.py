"""The operator's desk (``Orchestrator.operator``): what ``signaalroute`` on the command line does.

No actor: the operator is trusted with the installation; every change is audited with the
command line as its cause (``door`` empty). Each method one transaction.
"""
from __future__ import annotations

from sqlalchemy import select

from ..errors import FieldErrors, NotFound
from ..people import tokens, twofactor
from ..people.regions import assign_gemeente, ensure_regio
from ..people.sessions import end_sessions
from ..people.users import TOKEN_DAYS, add_user, ensure_gemeente
from ..store.db import Database
from ..store.migrate import upgrade
from ..store.schema import user


def _user_id(conn, gebruikersnaam: str) -> int | None:
    return conn.execute(select(user.c.id).where(user.c.gebruikersnaam == gebruikersnaam)).scalar()


class OperatorDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    def upgrade_schema(self) -> str:
        """Bring the database to the newest schema (Alembic); where it is, password hidden."""
        upgrade(self.db.engine)
        return self.db.engine.url.render_as_string(hide_password=True)

    def save_user(self, gebruikersnaam: str, *, roles: list[str], gemeente: str | None = None,
                  regio: str | None = None, naam: str | None = None, password: str | None = None,
                  token: bool = False, token_days: int | None = None) -> str | None:
        """Create a user or add roles (their sessions end); a new API token when ``token``, else ``None``.

        :raises FieldErrors: a wrong role, place or password.
        """
        with self.db.write() as conn:
            now = self.clock.now()
            user_id = add_user(conn, gebruikersnaam, now=now, naam=naam, roles=roles, gemeente_naam=gemeente,
                               password=password, regio_naam=regio)
            # New roles or a new password for an existing user: their sessions end (a new user has none).
            end_sessions(conn, user_id, now=now, reden="gewijzigd_via_commandoregel", door=None)
            return tokens.issue_token(conn, user_id, now=now, door=None, days=token_days or TOKEN_DAYS,
                                      via="commandoregel") if token else None

    def reset_two_factor(self, gebruikersnaam: str) -> bool:
        """Remove a user's two-factor set-up (phone and codes lost); whether there was one. NotFound: no such user."""
        with self.db.write() as conn:
            return twofactor.reset_by_operator(conn, gebruikersnaam, now=self.clock.now())

    def issue_token(self, gebruikersnaam: str, *, days: int | None = None, naam: str | None = None) -> str:
        """A token without a second factor for ``gebruikersnaam`` (FieldErrors on ``gebruiker``: no such user)."""
        with self.db.write() as conn:
            user_id = _user_id(conn, gebruikersnaam)
            if user_id is None:
                raise FieldErrors({"gebruiker": f"'{gebruikersnaam}' bestaat niet"})
            return tokens.issue_token(conn, user_id, now=self.clock.now(), door=None, days=days or TOKEN_DAYS,
                                      naam=naam, via="commandoregel")

    def tokens(self) -> list[dict]:
        """Every token (see :func:`engine.people.tokens.list_tokens`)."""
        with self.db.read() as conn:
            return tokens.list_tokens(conn, now=self.clock.now())

    def revoke_tokens(self, ids: list[int], gebruikersnaam: str | None = None) -> int:
        """Revoke tokens by id, and every token of ``gebruikersnaam``; how many. NotFound: revokes nothing."""
        with self.db.write() as conn:
            now = self.clock.now()
            revoked = sum(tokens.revoke_token(conn, token_id, now=now, door=None) for token_id in ids)
            if gebruikersnaam:
                user_id = _user_id(conn, gebruikersnaam)
                if user_id is None:
                    raise NotFound(f"gebruiker '{gebruikersnaam}' bestaat niet")
                revoked += tokens.revoke_user_tokens(conn, user_id, now=now, door=None, reden="commandoregel")
            return revoked

    def group_region(self, naam: str, gemeenten: list[str]) -> None:
        """Put municipalities in a region (both made when new); regional roles hold per region."""
        with self.db.write() as conn:
            regio_id = ensure_regio(conn, naam)
            for gemeente in gemeenten:
                assign_gemeente(conn, regio_id, ensure_gemeente(conn, gemeente))
