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
}

# Roles that work across the municipalities of the region.
REGIONAL_ROLES = frozenset({"zorgcoordinator", "zvh", "riec"})

# Roles that may deploy process definitions.
DEPLOY_ROLES = frozenset({"procesbeheerder", "beheerder"})

# Roles whose work needs a second factor: two-factor sign-in is compulsory for them, and what
# they may do beyond other roles needs a session or API token made with one (engine.people.access).
SECOND_FACTOR_ROLES = frozenset({"beheerder", "procesbeheerder"})

# Roles that may do user tasks in a process (the rest only read or administer).
TASK_ROLES = frozenset({"analist", "aandachtsfunctionaris", "zorgcoordinator", "zvh", "riec"})


def lane_role(lane_name: str | None) -> str | None:
    """Map a lane's name to a role key, if it names one ("Analist" → ``analist``)."""
    if not lane_name:
        return None
    key = lane_name.strip().lower().replace("ö", "o").replace(" ", "_")
    aliases = {"zorg-_en_veiligheidshuis": "zvh", "zorg_en_veiligheidshuis": "zvh"}
    key = aliases.get(key, key)
    return key if key in ROLES else None
