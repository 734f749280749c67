"""Which roles, where, the groups of an identity provider give: the single sign-on role mapping.

The mapping is configuration (``OIDC_ROLE_MAPPING`` as JSON, or ``OIDC_ROLE_MAPPING_FILE``
as a ``.json`` or ``.toml`` file; see ``docs/operations.md``): an object whose keys are group
names exactly as the provider sends them in the groups claim, and whose values are one grant
or a list of grants. A grant names a role and at most one place::

    {
      "SG-Signaalroute-Analist-Nijmegen": {"rol": "analist", "gemeente": "Nijmegen"},
      "SG-Signaalroute-ZVH": [{"rol": "zvh", "regio": "Gelderland-Zuid"}],
      "SG-Signaalroute-Beheer": {"rol": "beheerder"}
    }

A grant with ``gemeente`` holds in that municipality, with ``regio`` in every municipality of
that region, with neither across the installation — each only where the access policy allows
that scope for the role (:func:`engine.people.access.grant_scopes`). The mapping is checked as a
whole when the app starts; a mistake stops the start, naming the group and what is wrong.
Places are names (or codes) of municipalities and regions; they are looked up at sign-in
(:mod:`engine.people.sso`).
"""
from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..domain.roles import ROLES
from .access import SCOPE_GEMEENTE, SCOPE_INSTALLATIE, SCOPE_REGIO, grant_scopes

_KEYS = frozenset({"rol", "gemeente", "regio"})
_SCOPE_TEXT = {SCOPE_GEMEENTE: "per gemeente", SCOPE_REGIO: "per regio", SCOPE_INSTALLATIE: "voor de hele installatie"}


class MappingError(ValueError):
    """The role mapping is not valid; the message names the group and the problem (in Dutch)."""


@dataclass(frozen=True, order=True)
class MappedGrant:
    """One role a group gives: in municipality ``gemeente``, in region ``regio``, or (neither) everywhere."""

    rol: str
    gemeente: str | None = None
    regio: str | None = None

    @property
    def scope(self) -> str:
        if self.gemeente is not None:
            return SCOPE_GEMEENTE
        return SCOPE_REGIO if self.regio is not None else SCOPE_INSTALLATIE


@dataclass(frozen=True)
class RoleMapping:
    """Group name → the grants that group gives."""

    groups: Mapping[str, tuple[MappedGrant, ...]]

    @classmethod
    def from_data(cls, data: object) -> RoleMapping:
        """Check and read a parsed mapping (see the module's docstring).

        :raises MappingError: naming the group and what is wrong with it.
        """
        if not isinstance(data, Mapping) or not data:
            raise MappingError("verwacht een object met minstens één groep: {\"groepnaam\": {\"rol\": …}}")
        groups = {}
        for name, value in data.items():
            if not isinstance(name, str) or not name.strip():
                raise MappingError("een groepnaam mag niet leeg zijn")
            items = value if isinstance(value, list) else [value]
            if not items:
                raise MappingError(f"groep '{name}': geef minstens één rol")
            groups[name] = tuple(sorted({_grant(name, item) for item in items}))
        return cls(groups)

    def grants_for(self, groups: Iterable[str]) -> tuple[frozenset[MappedGrant], tuple[str, ...]]:
        """The grants the user's ``groups`` give, and which of the groups are in the mapping."""
        matched = tuple(sorted({g for g in groups if g in self.groups}))
        return frozenset(grant for g in matched for grant in self.groups[g]), matched


def _grant(group: str, item: object) -> MappedGrant:
    if not isinstance(item, Mapping):
        raise MappingError(f"groep '{group}': een rol is een object als {{\"rol\": \"analist\", \"gemeente\": \"Nijmegen\"}}")
    unknown = sorted(set(item) - _KEYS)
    if unknown:
        raise MappingError(f"groep '{group}': onbekende sleutel '{unknown[0]}' (bekend: rol, gemeente, regio)")
    rol = item.get("rol")
    if rol not in ROLES:
        raise MappingError(f"groep '{group}': onbekende rol '{rol}' (bekend: {', '.join(ROLES)})")
    places = {}
    for key in ("gemeente", "regio"):
        place = item.get(key)
        if place is not None and (not isinstance(place, str) or not place.strip()):
            raise MappingError(f"groep '{group}': '{key}' moet een naam zijn")
        places[key] = place.strip() if place else None
    if places["gemeente"] and places["regio"]:
        raise MappingError(f"groep '{group}': geef een gemeente of een regio, niet allebei")
    grant = MappedGrant(rol, places["gemeente"], places["regio"])
    if grant.scope not in grant_scopes(rol):
        allowed = ", ".join(_SCOPE_TEXT[s] for s in (SCOPE_GEMEENTE, SCOPE_REGIO, SCOPE_INSTALLATIE)
                            if s in grant_scopes(rol))
        raise MappingError(f"groep '{group}': de rol '{rol}' kan niet {_SCOPE_TEXT[grant.scope]} worden toegekend "
                           f"(wel: {allowed})")
    return grant


def load_mapping(text: str | None = None, path: str | Path | None = None) -> RoleMapping:
    """The mapping from JSON ``text``, or from the ``.json`` or ``.toml`` file at ``path``.

    :raises MappingError: neither or both given, an unreadable file, or an invalid mapping.
    """
    if bool(text and text.strip()) == bool(path):
        raise MappingError("geef de koppeling van groepen aan rollen als JSON-tekst óf als bestand, precies één van beide")
    if path:
        path = Path(path)
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise MappingError(f"het bestand {path} is niet te lezen: {exc.strerror}") from None
        if path.suffix.lower() == ".toml":
            try:
                return RoleMapping.from_data(tomllib.loads(raw))
            except tomllib.TOMLDecodeError as exc:
                raise MappingError(f"het bestand {path} is geen geldige TOML: {exc}") from None
        text = raw
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"geen geldige JSON: {exc.msg} (regel {exc.lineno}, kolom {exc.colno})") from None
    return RoleMapping.from_data(data)
