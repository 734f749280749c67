"""The one access policy: who may see a signal, how much of it, and who may work a task.

Every screen, API endpoint, export and mail asks here; nothing else decides. The
matrix (roles x data categories x covenant) is written out in ``docs/privacy.md``.

* Municipality: municipal roles hold per municipality (``user_role.gemeente_id``).
  Regional roles (``zorgcoordinator``, ``zvh``, ``riec``) are granted per region
  (``user_role.regio_id``: every municipality of that region), per municipality, or
  installation-wide (neither set). :class:`~engine.people.users.Actor` carries the grants
  expanded to ``(rol, gemeente_id)`` pairs, so ``has_role`` is the whole rule.
* Route and covenant: before routing, the analist and the aandachtsfunctionaris of the
  municipality work the signal under the municipality's own task. Once routed, the case
  is shared under the route's covenant (:data:`ROUTE_COVENANT`, recorded on the signal)
  with the regie party of the route and the aandachtsfunctionaris only.
* Need-to-know within a case: the reporter's identity and contact details are a
  separate right (:func:`may_see_reporter`); a reporter sees the status of their own
  signal; a manager and an analist after routing see process data, no personal data;
  a procesbeheerder sees no cases at all.
* Deny by default: a user who may not see a signal gets the same answer as for one that
  does not exist.
* Second factor: what the ``beheerder`` and ``procesbeheerder`` roles add (administration,
  the processing log, the modeller and deploying) needs a session or API token made with a
  verified second factor (:func:`second_factor_missing`); their other roles work without.
"""
from __future__ import annotations

import dataclasses
import enum

from sqlalchemy import and_, false, or_, select, true

from ..domain import catalog
from ..domain.categories import (  # noqa: F401  (re-exported: the policy's vocabulary)
    GEMEENTELIJKE_TAAK,
    GRONDSLAGEN,
    MELDERGEGEVENS,
    PROCESGEGEVENS,
    SIGNAALGEGEVENS,
    TAAKGEGEVENS,
    legal_ground,
)
from ..domain.roles import DEPLOY_ROLES, REGIONAL_ROLES, SECOND_FACTOR_ROLES
from ..domain.tafels import AGENDA_ROLE, TAFELS
from ..store.schema import gemeente, human_task, overdracht, signal, user_role
from .users import Actor

# The party with regie per route, and so the regional role that sees a routed case.
ROUTE_ROLE = {"zorgtraject": "zorgcoordinator", "zorg_en_strafrecht": "zvh", "riec": "riec"}
# The signalenroutekaart's referrals (processes/slachtoffer-in-beeld): a victim who wants support
# goes to the zorgcoördinator (route ``zorgtraject``, above); serious worries without grip to the
# Zorg- en Veiligheidshuis (``zvh``), which then sees the case as for its own route. Referrals to
# partners outside the system — the police (``avim``), the NLA (``nla``), Veilig Thuis
# (``veilig_thuis``, the meldcode) — give no regional role access: the case stays with the
# municipality's aandachtsfunctionaris (docs/privacy.md, *Referrals*).
ROUTE_ROLE["zvh"] = "zvh"
# Under the ZVH's regie the zorgcoördinator takes up the care (processes/signaal-naar-casus: the care
# task beside the ZVH's regie task), so they see the case too, under the same ZVH covenant.
ROUTE_CARE_ROLE = {"zorg_en_strafrecht": "zorgcoordinator"}

# The covenant a routed case is shared under (``signal.convenant``), per route: catalog data
# (engine.domain.catalog, a beheerder's Convenanten page). Built in: a care-only case (zorgtraject) goes
# to the care partners of the Zorg- en Veiligheidshuis network and is shared under its covenant, as
# the Nijmegen plan prescribes; the RIEC covenant covers undermining cases; avim, nla, veilig_thuis: none.
ROUTE_COVENANT = catalog.ROUTE_COVENANT

# Municipal roles that work signals of their municipality with personal data.
CASE_ROLES = ("analist", "aandachtsfunctionaris")
# Municipal roles that prepare a signal for a local table before it is routed (the Achterhoek's
# veiligheidsadviseur, issue #17: the ondermijningsoverleg route): they see the municipality's unrouted
# signals in full, as the analist does, but neither move nor hand them over, nor see who reported.
PREPARING_ROLES = ("veiligheidsadviseur",)
# The municipal role that follows a case after routing (under the covenant).
COVENANT_ROLE = "aandachtsfunctionaris"
# Who may know who reported a signal (identity and contact details): the municipality's own.
REPORTER_ROLES = ("analist", "aandachtsfunctionaris")


def covenant_for_route(route: str | None) -> str | None:
    """The covenant a case on ``route`` is shared under; ``None`` before routing."""
    return ROUTE_COVENANT.get(route or "")


def route_roles(route: str | None) -> tuple[str, ...]:
    """The regional roles that work a case on ``route`` under its covenant: the regie party, and
    the care party beside it where the route has one (:data:`ROUTE_CARE_ROLE`)."""
    return tuple(rol for rol in (ROUTE_ROLE.get(route or ""), ROUTE_CARE_ROLE.get(route or "")) if rol)


class Visibility(enum.Enum):
    NONE = "geen"
    STATUS = "status"  # the reporter: that it is handled, not what was found
    PROCESS = "proces"  # steps and deadlines, no personal data (manager; analist after routing)
    FULL = "volledig"


def signal_access(actor: Actor, row) -> tuple[Visibility, str | None]:
    """How much of signal ``row`` ``actor`` may see, and the role that grants it.

    :param row: needs ``gemeente_id``, ``route`` and ``gemeld_door``.
    :returns: the visibility and the role it rests on (``None`` for :attr:`Visibility.NONE`).
    """
    gemeente_id = row.gemeente_id
    if row.route is None:
        for rol in CASE_ROLES + PREPARING_ROLES:
            if actor.has_role(rol, gemeente_id):
                return Visibility.FULL, rol
    else:
        if actor.has_role(COVENANT_ROLE, gemeente_id):
            return Visibility.FULL, COVENANT_ROLE
        for regie in route_roles(row.route):
            if actor.has_role(regie, gemeente_id):
                return Visibility.FULL, regie
        if actor.has_role("analist", gemeente_id):
            return Visibility.PROCESS, "analist"
    for rol in SUPERVISOR_ROLES:
        if actor.has_role(rol, gemeente_id):
            return Visibility.PROCESS, rol
    if row.gemeld_door is not None and row.gemeld_door == actor.id:
        return Visibility.STATUS, "melder"
    return Visibility.NONE, None


def signal_visibility(actor: Actor, row) -> Visibility:
    """How much of signal ``row`` (needs ``gemeente_id``, ``route``, ``gemeld_door``) ``actor`` may see."""
    return signal_access(actor, row)[0]


def may_see_reporter(actor: Actor, row) -> bool:
    """Whether ``actor`` may see who reported signal ``row`` (a separate right within a case)."""
    return signal_visibility(actor, row) is Visibility.FULL and any(
        actor.has_role(rol, row.gemeente_id) for rol in REPORTER_ROLES)


# --- the case file (engine.runtime.dossier, engine.queries.dossier) -------------------------------

# Answers that identify the reporter: a separate right (:func:`may_see_reporter`), also in the case file.
REPORTER_KEYS = frozenset({"melder"})


@dataclasses.dataclass(frozen=True)
class CaseFileAccess:
    """How much of a signal's case file a user sees.

    :param stappen: the entries exist (step, role, who, when): process data.
    :param antwoorden: what each step recorded (its form's answers): the case's personal data.
    :param aantekeningen: the notes (and adding one).
    :param melder: the reporter's identity in the intake's answers.
    """

    stappen: bool = False
    antwoorden: bool = False
    aantekeningen: bool = False
    melder: bool = False


def case_file_access(actor: Actor, row) -> CaseFileAccess:
    """What ``actor`` sees of signal ``row``'s case file (``row`` as for :func:`signal_access`).

    Whoever sees the case in full — the municipality's analist and aandachtsfunctionaris, and after
    routing the aandachtsfunctionaris and the regie party under the route's covenant, which covers
    the case as it was referred to them — sees every entry's answers and the notes; the reporter's
    identity only with :func:`may_see_reporter`. A manager (and the analist after routing) sees the
    steps, who did them and when, no answers and no notes. The reporter sees nothing beyond the
    status; a procesbeheerder nothing.
    """
    visibility = signal_visibility(actor, row)
    if visibility is Visibility.FULL:
        return CaseFileAccess(True, True, True, may_see_reporter(actor, row))
    if visibility is Visibility.PROCESS:
        return CaseFileAccess(stappen=True)
    return CaseFileAccess()


def visible_answers(access: CaseFileAccess, gegevens: dict) -> dict:
    """The part of one entry's answers ``access`` shows: none, or all but the reporter's identity
    unless that right is held."""
    if not access.antwoorden or not isinstance(gegevens, dict):
        return {}
    if access.melder:
        return dict(gegevens)
    return {key: value for key, value in gegevens.items() if key not in REPORTER_KEYS}


def may_note(actor: Actor, row) -> bool:
    """Whether ``actor`` may add a note to signal ``row``'s case file: whoever works the case in full."""
    return case_file_access(actor, row).aantekeningen


# Care data (the care trajectory, processes/zorgtraject) is special-category personal data (AVG art. 9):
# the zorgcoördinator sees it, and the ZVH under its covenant for a case on a ZVH route. No one else —
# not the aandachtsfunctionaris who follows the case, not the analist, not a manager (figures only:
# engine.queries.figures_care counts, with small cells hidden).
CARE_ROLE = "zorgcoordinator"
CARE_COVENANT_ROLE = "zvh"
ZVH_ROUTES = frozenset(route for route, regie in ROUTE_ROLE.items() if regie == CARE_COVENANT_ROLE)


def may_see_care_data(actor: Actor, row) -> bool:
    """Whether ``actor`` may see the care data of signal ``row`` (needs ``gemeente_id`` and ``route``):
    its trajectory's steps, shelter, reflection period and deadlines, the care tasks' forms."""
    if actor.has_role(CARE_ROLE, row.gemeente_id):
        return True
    return row.route in ZVH_ROUTES and actor.has_role(CARE_COVENANT_ROLE, row.gemeente_id)


def may_export_care_registrations(actor: Actor) -> bool:
    """Whether ``actor`` may export the CoMensha registrations (categories only): a zorgcoördinator."""
    return CARE_ROLE in actor.role_keys()


def care_scope(actor: Actor) -> frozenset[int] | None:
    """The municipalities whose care registrations ``actor`` may export; ``None``: all (installation-wide)."""
    scope: set[int] = set()
    for rol, gemeente_id in actor.roles:
        if rol == CARE_ROLE:
            if gemeente_id is None:
                return None
            scope.add(gemeente_id)
    return frozenset(scope)


def may_see_access_log(actor: Actor, row) -> bool:
    """Whether ``actor`` may see who viewed or changed signal ``row``: its aandachtsfunctionaris."""
    return actor.has_role(COVENANT_ROLE, row.gemeente_id)


def may_read_audit(actor: Actor) -> bool:
    """Whether ``actor`` may read the processing log (the audit page): a ``beheerder``, with a second factor."""
    return actor.has_role(AUDIT_ROLE) and not second_factor_missing(actor)


def audit_scope(actor: Actor) -> frozenset[int] | None:
    """The municipalities whose signals' log events ``actor`` may read; ``None``: all (region-wide)."""
    scope: set[int] = set()
    for rol, gemeente_id in actor.roles:
        if rol == AUDIT_ROLE:
            if gemeente_id is None:
                return None
            scope.add(gemeente_id)
    return frozenset(scope)


AUDIT_ROLE = "beheerder"


def may_work_task(actor: Actor, task) -> bool:
    """Whether ``actor`` may claim or complete ``task`` (a ``human_task`` row)."""
    if task.toegewezen_aan not in (None, actor.id):
        return False
    return actor.has_role(task.rol, task.gemeente_id)


# Roles that oversee the tasks of their municipality without doing them (no personal data in a task).
SUPERVISOR_ROLES = ("manager",)


def may_see_task(actor: Actor, task) -> bool:
    """Whether ``actor`` may know ``task`` exists: their own, one of their role's, or as its manager."""
    return (
        task.toegewezen_aan == actor.id
        or actor.has_role(task.rol, task.gemeente_id)
        or any(actor.has_role(rol, task.gemeente_id) for rol in SUPERVISOR_ROLES)
    )


def exists_role(user_id, rol, gemeente_id):
    """SQL: the user holds ``rol`` in ``gemeente_id``, in its region, or installation-wide
    (the rule of ``Actor.has_role`` on the expanded grants)."""
    regio_of = select(gemeente.c.regio_id).where(gemeente.c.id == gemeente_id).scalar_subquery()
    return (
        select(user_role.c.id)
        .where(
            user_role.c.user_id == user_id,
            user_role.c.rol == rol,
            or_(
                user_role.c.gemeente_id == gemeente_id,
                and_(user_role.c.gemeente_id.is_(None),
                     or_(user_role.c.regio_id.is_(None), user_role.c.regio_id == regio_of)),
            ),
        )
        .exists()
    )


def task_scope_branches(roles: frozenset, user_id) -> list:
    """The rule of :func:`may_see_task` as one condition per role (plus "mine"), each of
    which an index on ``human_task`` serves; a task list combines them with UNION.

    :param roles: the user's ``(rol, gemeente_id)`` pairs (:attr:`Actor.roles`).
    :param user_id: the user's id, or a bind parameter for it.
    """
    branches = [human_task.c.toegewezen_aan == user_id]
    for rol, gemeente_id in sorted(roles, key=lambda r: (r[0], r[1] or 0)):
        if rol in SUPERVISOR_ROLES:
            branches.append(human_task.c.gemeente_id == gemeente_id if gemeente_id is not None else true())
        elif gemeente_id is None:
            branches.append(human_task.c.rol == rol)
        else:
            branches.append(and_(human_task.c.rol == rol, human_task.c.gemeente_id == gemeente_id))
    return branches


def signal_scope(actor: Actor):
    """SQL condition: the signals ``actor`` may see in full (the rule of :func:`signal_access`)."""
    clauses = []
    for rol, gemeente_id in sorted(actor.roles, key=lambda r: (r[0], r[1] or 0)):
        here = true() if gemeente_id is None else signal.c.gemeente_id == gemeente_id
        if rol == COVENANT_ROLE:
            clauses.append(here)
        elif rol in CASE_ROLES or rol in PREPARING_ROLES:
            clauses.append(and_(here, signal.c.route.is_(None)))
        routes = [route for route in ROUTE_ROLE if rol in route_roles(route)]
        if routes:
            clauses.append(and_(here, signal.c.route.in_(routes)))
    return or_(*clauses) if clauses else false()


# --- the Signalen list and handovers (engine/queries/signal_list.py, engine/runtime/handover.py) --------

# The roles that work cases: the municipality's own and the regie parties. They have the Signalen
# list (the signals of :func:`signal_scope`) in their navigation.
CASE_WORK_ROLES = CASE_ROLES + tuple(sorted({regie for regie in ROUTE_ROLE.values()}))
# Who hands a signal over to another municipality: the aandachtsfunctionaris, who sees it in full.
HANDOVER_ROLE = COVENANT_ROLE
# Who in the handing-over municipality keeps the reference and the fact of a handover (nothing more):
# those who saw the signal there before, in full or its process.
HANDOVER_WITNESS_ROLES = CASE_ROLES + SUPERVISOR_ROLES


def works_cases(actor: Actor | None) -> bool:
    """Whether ``actor`` works cases (the navigation shows *Signalen*)."""
    return actor is not None and bool(actor.role_keys() & set(CASE_WORK_ROLES))


def may_hand_over(actor: Actor, row) -> bool:
    """Whether ``actor`` may hand signal ``row`` over to another municipality: the aandachtsfunctionaris
    of its municipality (who sees it in full). ``row`` as for :func:`signal_access`."""
    return actor.has_role(HANDOVER_ROLE, row.gemeente_id) and signal_visibility(actor, row) is Visibility.FULL


def sees_handover(actor: Actor, van_gemeente_id: int) -> bool:
    """Whether ``actor`` keeps the reference and the fact of a handover from ``van_gemeente_id``."""
    return any(actor.has_role(rol, van_gemeente_id) for rol in HANDOVER_WITNESS_ROLES)


def handover_scope(actor: Actor):
    """SQL condition on ``overdracht``: the handovers ``actor`` keeps the fact of (:func:`sees_handover`)."""
    clauses = []
    for rol, gemeente_id in sorted(actor.roles, key=lambda r: (r[0], r[1] or 0)):
        if rol in HANDOVER_WITNESS_ROLES:
            clauses.append(true() if gemeente_id is None else overdracht.c.van_gemeente_id == gemeente_id)
    return or_(*clauses) if clauses else false()


def supervised_gemeenten(actor: Actor) -> frozenset[int] | None:
    """The municipalities whose tasks, workload and figures ``actor`` oversees (a supervisor
    role there): ``None`` means the whole region, an empty set means none (no overview)."""
    scope: set[int] = set()
    for rol, gemeente_id in actor.roles:
        if rol in SUPERVISOR_ROLES:
            if gemeente_id is None:
                return None
            scope.add(gemeente_id)
    return frozenset(scope)


def may_reassign_task(actor: Actor, task, to_actor: Actor) -> bool:
    """Whether ``actor`` may put ``task`` (a ``human_task`` row) on ``to_actor``'s name: a supervisor
    of the task's municipality, to someone who holds the task's role there."""
    return (any(actor.has_role(rol, task.gemeente_id) for rol in SUPERVISOR_ROLES)
            and to_actor.has_role(task.rol, task.gemeente_id))


# --- the second factor -------------------------------------------------------------------------

SECOND_FACTOR_MISSING = (
    "Hiervoor is tweestapsverificatie nodig, en dit API-token (of deze sessie) is gemaakt zonder. "
    "Meld u aan met tweestapsverificatie en maak een nieuw token onder Account > API-tokens.")


def second_factor_missing(actor: Actor) -> bool:
    """Whether ``actor`` holds a role that needs a second factor (:data:`~engine.domain.roles.SECOND_FACTOR_ROLES`)
    while the session or API token they act on was made without one: then what those roles add is refused."""
    return not actor.tweede_factor and bool(actor.role_keys() & SECOND_FACTOR_ROLES)


def refusal(actor: Actor | None, otherwise: str) -> str:
    """The reason to give ``actor`` for a refusal: the missing second factor when that is what stands
    in the way, else ``otherwise``."""
    return SECOND_FACTOR_MISSING if actor is not None and second_factor_missing(actor) else otherwise


# --- user administration ----------------------------------------------------------------------

ADMIN_ROLE = "beheerder"

# Where a role can be granted (``user_role``): in one municipality (``gemeente_id``), in every
# municipality of one region (``regio_id``), or installation-wide (neither). Every role holds
# per municipality; only the regional roles are granted per region (docs/privacy.md, *Regions*);
# installation-wide suits the regional roles of an installation that serves one region, and the
# beheerder (the whole processing log). Municipal roles (analist, aandachtsfunctionaris, melder,
# manager, procesbeheerder) hold in their own municipality only.
SCOPE_GEMEENTE, SCOPE_REGIO, SCOPE_INSTALLATIE = "gemeente", "regio", "installatie"
GRANT_SCOPES: dict[str, frozenset[str]] = {ADMIN_ROLE: frozenset({SCOPE_GEMEENTE, SCOPE_INSTALLATIE})}
_REGIONAL_SCOPES = frozenset({SCOPE_GEMEENTE, SCOPE_REGIO, SCOPE_INSTALLATIE})


def grant_scopes(rol: str) -> frozenset[str]:
    """The scopes ``rol`` may be granted in: :data:`SCOPE_GEMEENTE` always, region or installation
    for a regional role (the catalog's, engine.domain.roles.REGIONAL_ROLES) and where :data:`GRANT_SCOPES` says so."""
    if rol in REGIONAL_ROLES:
        return _REGIONAL_SCOPES
    return GRANT_SCOPES.get(rol, frozenset({SCOPE_GEMEENTE}))


def may_administer(actor: Actor | None) -> bool:
    """Whether ``actor`` may use user administration: the ``beheerder`` role, in any scope, with a second factor."""
    return actor is not None and ADMIN_ROLE in actor.role_keys() and not second_factor_missing(actor)


def may_change_processes(actor: Actor | None) -> bool:
    """Whether ``actor`` may open the modeller, save drafts, deploy and migrate (process owners, administrators).

    These pages show process models and counts only, never a victim's personal data. Needs a
    second factor (:func:`second_factor_missing`).
    """
    return actor is not None and bool(actor.role_keys() & DEPLOY_ROLES) and not second_factor_missing(actor)


# --- the region as configuration (engine.people.catalog_admin, engine.runtime.route_setup) -------------

def may_manage_catalog(actor: Actor | None) -> bool:
    """Whether ``actor`` may change the catalog (roles, case tables, partner kinds, covenants): a
    ``beheerder`` with a second factor. The catalog holds no personal data."""
    return may_administer(actor)


def may_set_up_route(actor: Actor | None, gemeente_ids) -> bool:
    """Whether ``actor`` may change how the intake routes signals of ``gemeente_ids`` (one municipality,
    or every municipality of a region): a process owner or beheerder in each of them, with a second factor."""
    gemeente_ids = list(gemeente_ids)
    return (may_change_processes(actor) and bool(gemeente_ids)
            and all(any(actor.has_role(rol, g) for rol in DEPLOY_ROLES) for g in gemeente_ids))


# --- case tables (engine.domain.tafels, engine.runtime.casustafel) --------------------------------------------

def may_sit_at(actor: Actor, tafel: str, gemeenten) -> bool:
    """Whether ``actor`` sits at case table ``tafel`` meeting for ``gemeenten`` (a participant role in
    one of them): only they see its meetings and agendas; anyone else is told it does not exist."""
    spec = TAFELS.get(tafel)
    return spec is not None and any(actor.has_role(rol, g) for rol in spec.deelnemers for g in gemeenten)


def may_chair(actor: Actor, tafel: str, gemeenten) -> bool:
    """Whether ``actor`` plans the meetings of ``tafel`` for ``gemeenten`` and records their minutes."""
    spec = TAFELS.get(tafel)
    return spec is not None and any(actor.has_role(rol, g) for rol in spec.voorzitters for g in gemeenten)


def may_bring_to_table(actor: Actor, task) -> bool:
    """Whether ``actor`` may put ``task`` (a waiting table decision, a ``human_task`` row) on an agenda:
    the aandachtsfunctionaris of its municipality brings cases to the table."""
    return bool(task.casustafel) and actor.has_role(AGENDA_ROLE, task.gemeente_id)


def tables_of(actor: Actor) -> list[str]:
    """The case tables ``actor`` has a participant role for (somewhere), in :data:`TAFELS` order."""
    keys = actor.role_keys()
    return [key for key, spec in TAFELS.items() if keys & set(spec.deelnemers)]


# --- the regional monitor (engine.queries.monitor) ----------------------------------------------

# Who sees the regional monitor: figures only, anonymised (engine.queries.suppression), never a case.
# The ketenregisseur is a role kept as data (issue #17); granted by its key like any other.
MONITOR_ROLES = ("aandachtsfunctionaris", "ketenregisseur", "manager")
# Who the half-yearly monitoring report is mailed to.
REPORT_RECIPIENT_ROLE = "ketenregisseur"


def may_see_monitor(actor: Actor | None) -> bool:
    """Whether ``actor`` has the regional monitor: a monitor role (:data:`MONITOR_ROLES`) anywhere."""
    return actor is not None and bool(actor.role_keys() & set(MONITOR_ROLES))


def monitor_held(actor: Actor) -> frozenset[int] | None:
    """The municipalities where ``actor`` holds a monitor role; ``None``: installation-wide.

    The monitor covers every municipality of the regions these lie in (a municipality without a
    region: itself) — :func:`engine.queries.monitor.monitor_regions` expands them.
    """
    held: set[int] = set()
    for rol, gemeente_id in actor.roles:
        if rol in MONITOR_ROLES:
            if gemeente_id is None:
                return None
            held.add(gemeente_id)
    return frozenset(held)
