"""The administration desk (``Orchestrator.admin``): what the ``beheerder`` does in the browser.

Users (list, create, roles, switch off and on, a new password, resetting two-factor sign-in,
ending their sessions), their API tokens, and the mail that reached no one. Each method one
transaction; who may is decided in :mod:`engine.people.user_admin` (``NotFound`` for anyone
else, so the door does not say what is behind it).
"""
from __future__ import annotations

from ..mail import outbox
from ..people import tokens, user_admin
from ..people.sessions import end_sessions
from ..people.user_admin import NewUser, require_admin
from ..people.user_grants import Grant, municipalities, parse_grants, regions
from ..people.users import Actor
from ..store.db import Database

__all__ = ["AdminDesk", "Grant", "NewUser"]


class AdminDesk:
    """:param db: the database. :param clock: where ``now`` comes from."""

    def __init__(self, db: Database, clock):
        self.db = db
        self.clock = clock

    # --- users ---------------------------------------------------------------------------
    def users(self, actor: Actor, **filters) -> dict:
        """Users by name with roles and two-factor state (see :func:`engine.people.user_admin.list_users`)."""
        require_admin(actor)
        with self.db.read() as conn:
            return user_admin.list_users(conn, **filters)

    def user(self, actor: Actor, user_id: int) -> dict:
        require_admin(actor)
        with self.db.read() as conn:
            return user_admin.user_detail(conn, user_id)

    def places(self, actor: Actor) -> dict:
        """The municipalities and regions a role can be granted in (the role grid's columns)."""
        require_admin(actor)
        with self.db.read() as conn:
            return {"gemeenten": municipalities(conn), "regios": regions(conn)}

    def grants_from_form(self, values: list[str], *, skip_unknown: bool = False) -> frozenset[Grant]:
        """Role grid values as grants (field errors on ``rollen`` for unknown roles or places,
        unless ``skip_unknown``)."""
        with self.db.read() as conn:
            return parse_grants(values, {m["id"] for m in municipalities(conn)}, {r["id"] for r in regions(conn)},
                                skip_unknown=skip_unknown)

    def create(self, actor: Actor, new: NewUser) -> int:
        with self.db.write() as conn:
            return user_admin.create_user(conn, actor, new, now=self.clock.now())

    def set_roles(self, actor: Actor, user_id: int, grants: frozenset[Grant],
                  shown: frozenset[Grant] | None = None) -> bool:
        with self.db.write() as conn:
            return user_admin.set_roles(conn, actor, user_id, grants, shown=shown, now=self.clock.now())

    def set_active(self, actor: Actor, user_id: int, actief: bool) -> bool:
        with self.db.write() as conn:
            return user_admin.set_active(conn, actor, user_id, actief, now=self.clock.now())

    def reset_two_factor(self, actor: Actor, user_id: int) -> bool:
        with self.db.write() as conn:
            return user_admin.reset_two_factor(conn, actor, user_id, now=self.clock.now())

    def end_sessions(self, actor: Actor, user_id: int) -> int:
        """End the user's browser sessions (a lost laptop, a copied cookie); how many were live."""
        require_admin(actor)
        with self.db.write() as conn:
            user_admin.must_exist(conn, user_id)
            return end_sessions(conn, user_id, now=self.clock.now(), reden="door_beheerder", door=actor.id)

    def set_password(self, actor: Actor, user_id: int, wachtwoord: str) -> None:
        with self.db.write() as conn:
            user_admin.set_new_password(conn, actor, user_id, wachtwoord, now=self.clock.now())

    # --- their API tokens ----------------------------------------------------------------
    def tokens_of(self, actor: Actor, user_id: int) -> list[dict]:
        require_admin(actor)
        with self.db.read() as conn:
            return tokens.list_tokens(conn, now=self.clock.now(), user_id=user_id)

    def revoke_token(self, actor: Actor, user_id: int, token_id: int) -> bool:
        require_admin(actor)
        with self.db.write() as conn:
            return tokens.revoke_token(conn, token_id, now=self.clock.now(), door=actor.id, owner=user_id)

    # --- mail ----------------------------------------------------------------------------
    def undelivered_mail(self, actor: Actor, **page) -> dict:
        """Outbox rows that reached no one (:func:`engine.mail.outbox.undelivered`)."""
        with self.db.read() as conn:
            return outbox.undelivered(conn, actor, **page)
