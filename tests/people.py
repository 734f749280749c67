"""The people of the test suites, in one table.

Every suite's user fixture builds its users from :data:`PEOPLE` (``tests/conftest.py``:
``users``; ``tests/web/conftest.py``: ``api`` and ``page_users``; ``tests/browser/conftest.py``;
the beheerders and procesbeheerders of the web fixtures; the load users of ``tests/ops``). A suite
names the rows it uses in one of the tuples below; tests then refer to a person by that key.
A test that needs someone unusual (a second region, a hostile name) makes them beside it.

Users are made without passwords here (argon2 is slow on purpose): a suite that signs in
hashes one password once and gives it to all of its users.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection

from engine.people.users import add_user


@dataclass(frozen=True)
class Person:
    """One row of the table: who a test user is and where their roles hold."""

    gebruikersnaam: str
    naam: str | None  # None: ``add_user`` uses the user name
    roles: tuple[str, ...]
    gemeente: str | None  # None: regional roles everywhere, the beheerder installation-wide

    def add(self, conn: Connection, now: dt.datetime, *, full_name: bool = True) -> int:
        """Create this person (or add the roles to the user of that name); their id."""
        return add_user(conn, self.gebruikersnaam, now=now, naam=self.naam if full_name else None,
                        roles=list(self.roles), gemeente_naam=self.gemeente)


_GEMEENTE_ROLES = ("melder", "analist", "aandachtsfunctionaris")
_REGIO_ROLES = ("zvh", "riec", "zorgcoordinator")

# key → person. Municipal roles hold in Nijmegen unless the row says otherwise.
PEOPLE: dict[str, Person] = {
    "melder": Person("melder", "Mila Melder", ("melder",), "Nijmegen"),
    "analist": Person("analist", "Anna Analist", ("analist",), "Nijmegen"),
    "analist2": Person("analist2", "Bram Analist", ("analist",), "Nijmegen"),
    "af": Person("af", "Frits Aandacht", ("aandachtsfunctionaris",), "Nijmegen"),
    "zorg": Person("zorg", "Zoë Zorg", ("zorgcoordinator",), None),
    "zvh": Person("zvh", "Vera Veiligheidshuis", ("zvh",), None),
    "riec": Person("riec", "Rik RIEC", ("riec",), None),
    "pb": Person("pb", "Pim Procesbeheer", ("procesbeheerder",), "Nijmegen"),
    "manager": Person("manager", "Maaike Manager", ("manager",), "Nijmegen"),
    "bea": Person("bea", "Bea Beheerder", ("beheerder",), None),
    "beheerder": Person("beheerder", "Bea Beheerder", ("beheerder",), None),
    # Arnhem: outside the cases of Nijmegen. The engine's analist there is only an analist;
    # the pages' and the API's also report signals there.
    "analist_elders": Person("analist-arnhem", "Arno Arnhem", ("analist",), "Arnhem"),
    "analist-arnhem": Person("analist-arnhem", "Arno Arnhem", ("analist", "melder"), "Arnhem"),
    "arnhem": Person("arnhem", None, ("analist", "melder"), "Arnhem"),
    # tests/browser: a second analist beside the demo's (two people on one task)
    "analist-2": Person("analist-2", "Bram Tweede Analist (Meldpunt Ondermijning)", ("analist",), "Nijmegen"),
    # tests/ops: the two load users walking every step of the short-timer route
    "last-gemeente": Person("last-gemeente", "Last Gemeente", _GEMEENTE_ROLES, "Nijmegen"),
    "last-regio": Person("last-regio", "Last Regio", _REGIO_ROLES, None),
}

# The suites. The engine's ``users`` fixture: attribute of ``Users`` → key.
ENGINE_USERS: dict[str, str] = {
    "melder": "melder",
    "analist": "analist",
    "aandachtsfunctionaris": "af",
    "zorgcoordinator": "zorg",
    "zvh": "zvh",
    "riec": "riec",
    "procesbeheerder": "pb",
    "analist_elders": "analist_elders",
}
# ``api``: one bearer-token client each, made without a full name (their naam is their user name).
API_USERS = ("melder", "analist", "analist2", "af", "zorg", "zvh", "riec", "pb", "arnhem")
# ``page_users``: able to sign in, all with one password.
PAGE_USERS = ("melder", "analist", "analist2", "af", "riec", "manager", "analist-arnhem")
# tests/browser: the demo's users (``engine.service.demo.DEMO_USERS``) plus these.
BROWSER_EXTRA_USERS = ("analist-2",)
# tests/ops: the load users.
LOAD_USERS = ("last-gemeente", "last-regio")


def add_people(conn: Connection, keys, now: dt.datetime, *, full_names: bool = True) -> dict[str, int]:
    """Create the people of ``keys`` in one transaction; key → user id."""
    return {key: PEOPLE[key].add(conn, now, full_name=full_names) for key in keys}
