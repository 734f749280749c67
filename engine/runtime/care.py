"""Care trajectories: a process of its own, linked to the signal whose route reached care.

A route element (intermediate throw or end event) with the property ``start_proces`` starts the
newest version of that process for the signal when the route reaches it, in the same command
(:func:`start_linked`). The trajectory (processes/zorgtraject, ``"soort": "zorgtraject"`` in its
proces.json) is versioned, changed and migrated on its own: a process owner changes it without
touching the routes, and its running instances move only by an explicit migration.

Its tasks carry the signal's id (they show on the signal for those who may see care data), but it
never changes the signal's row: the route's status, outcome and what the reporter is told ("passed
to a chain partner") stay the route's (:func:`engine.runtime.instances.persist`). Its categories are
projected to the ``zorgtraject`` table (:mod:`engine.runtime.care_projection`).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select

from ..audit.audit import AuditBatch
from ..definitions.definitions import DefinitionCache, latest_definition_id
from ..definitions.validation import CompiledDefinition
from ..domain.care import CARE_KIND, placement_errors
from ..errors import FieldErrors, NotFound, WorkflowFailed
from ..people.access import CARE_ROLE
from ..people.partners import contacts_for
from ..store.schema import zorgtraject
from .instances import persist, start_instance
from .projections import Projection

OPVANG_AANBIEDERS = "opvang_aanbieders"  # the ``valuesKey`` of the shelter provider field
CARE_NOT_A_ROUTE = ("is een zorgtraject: dat start vanuit de route van een signaal (eigenschap 'start_proces'), "
                    "niet als route van een melding")


def is_care(compiled: CompiledDefinition) -> bool:
    """Whether ``compiled`` is a care trajectory (its instances are linked to a signal)."""
    return compiled.meta.get("soort") == CARE_KIND


def choices(conn: Connection, compiled: CompiledDefinition, gemeente_id: int) -> dict[str, list[dict]]:
    """The engine-supplied options of a care form's ``valuesKey`` fields: the shelter providers of the
    chain-partner directory in the municipality's region (empty for any other process)."""
    if not is_care(compiled):
        return {}
    providers = contacts_for(conn, gemeente_id, "opvang")
    return {OPVANG_AANBIEDERS: [{"label": p["naam"], "value": str(p["id"])} for p in providers]}


def allowed_choices(options: dict[str, list[dict]]) -> dict[str, tuple]:
    """:func:`choices` as :func:`engine.definitions.forms.validate_submission` takes them."""
    return {key: tuple(option["value"] for option in values) for key, values in options.items()}


def check_care_rules(compiled: CompiledDefinition, task_data: dict, clean: dict) -> None:
    """The rules of care the server enforces whatever the form says: a minor is not placed in COSM
    or vrouwenopvang without guardianship recorded. Raises :class:`FieldErrors`."""
    if not is_care(compiled) or "opvang_soort" not in clean:
        return
    errors = placement_errors({**task_data, **clean})
    if errors:
        raise FieldErrors(errors)


def start_linked(conn: Connection, cache: DefinitionCache, projection: Projection, *, instance_id: int,
                 signal_id: int | None, gemeente_id: int, now: dt.datetime) -> None:
    """Start the processes the route reached a ``start_proces`` element for, once per element."""
    if not projection.starts or signal_id is None:
        return
    started = set(conn.execute(select(zorgtraject.c.bron_taak)
                               .where(zorgtraject.c.bron_instance_id == instance_id)).scalars())
    for bron_taak, sleutel in projection.starts:
        if bron_taak in started:
            continue
        try:
            definition_id = latest_definition_id(conn, sleutel)
        except NotFound as exc:  # the route names a process that is not deployed: the command fails whole
            raise WorkflowFailed(f"Het gekoppelde proces '{sleutel}' kon niet starten: {exc}", None) from exc
        compiled = cache.get(conn, definition_id)
        care_projection, care_id = start_instance(conn, compiled, definition_id, {}, now)
        conn.execute(insert(zorgtraject), {
            "signal_id": signal_id, "instance_id": care_id, "gemeente_id": gemeente_id,
            "bron_instance_id": instance_id, "bron_taak": bron_taak, "gestart_op": now,
        })
        log = AuditBatch(now, care_id, signal_id, rol=CARE_ROLE)
        log.add("zorgtraject_gestart", proces=sleutel)  # the route started it, not whoever moved the route
        persist(conn, compiled, care_projection, log, instance_id=care_id, version=1, signal_id=signal_id,
                gemeente_id=gemeente_id, now=now, before={})
