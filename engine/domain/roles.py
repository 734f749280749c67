"""The roles of DOMAIN.md. Keys are stable: they are stored and used in BPMN."""
from __future__ import annotations

ROLES: dict[str, str] = {
    "melder": "Melder",
    "analist": "Analist Meldpunt Ondermijning",
    "aandachtsfunctionaris": "Aandachtsfunctionaris mensenhandel",
    "zorgcoordinator": "Zorgcoördinator",
    "zvh": "Procesregisseur Zorg- en Veiligheidshuis",
    "riec": "Analist RIEC",
    "procesbeheerder": "Procesbeheerder",
    "manager": "Manager",
    "beheerder": "Beheerder",
    # The Achterhoek's set-up (issue #17): the municipality's veiligheidsadviseur coordinates the local
    # ondermijningsoverleg with the aandachtsfunctionaris; the districtelijk ketenregisseur watches the
    # region; the regiomanager hears of overdue tasks of the regional roles.
    "veiligheidsadviseur": "Veiligheidsadviseur (ondermijning)",
    "ketenregisseur": "Ketenregisseur mensenhandel (district)",
    "regiomanager": "Regiomanager (regionale ketenrollen)",
}

# Roles that work across the municipalities of the region. ROLES, REGIONAL_ROLES and TASK_ROLES are the
# built-in catalog: a beheerder adds roles as data (engine.domain.catalog updates these in place).
REGIONAL_ROLES = {"zorgcoordinator", "zvh", "riec", "ketenregisseur", "regiomanager"}

# Roles that may deploy process definitions.
DEPLOY_ROLES = frozenset({"procesbeheerder", "beheerder"})

# Roles whose work needs a second factor: two-factor sign-in is compulsory for them, and what
# they may do beyond other roles needs a session or API token made with one (engine.people.access).
SECOND_FACTOR_ROLES = frozenset({"beheerder", "procesbeheerder"})

# Roles that may do user tasks in a process (the rest only read or administer).
TASK_ROLES = {"analist", "aandachtsfunctionaris", "zorgcoordinator", "zvh", "riec", "veiligheidsadviseur",
              "ketenregisseur"}

# Whose manager hears of an overdue task of a role: the regional roles' own manager in the region
# (issue #17), everyone else's the municipality's ``manager``.
ESCALATION_ROLES: dict[str, str] = {rol: "regiomanager" for rol in ("zorgcoordinator", "zvh", "riec", "ketenregisseur")}


def lane_role(lane_name: str | None) -> str | None:
    """Map a lane's name to a role key, if it names one ("Analist" → ``analist``)."""
    if not lane_name:
        return None
    key = lane_name.strip().lower().replace("ö", "o").replace(" ", "_")
    aliases = {"zorg-_en_veiligheidshuis": "zvh", "zorg_en_veiligheidshuis": "zvh"}
    key = aliases.get(key, key)
    return key if key in ROLES else None
