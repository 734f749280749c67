"""The intake's choice of process: which route a reported signal follows.

The choice is a decision table process owners can change: ``proceskeuze`` (file
``processes/signaal-naar-casus/proceskeuze.dmn``, deployed with the default route, whose
start form is the one report form). It reads the report's answers
(:data:`ROUTE_QUESTIONS`) and returns ``proces``, the key of a deployed process:

* ``meldcode`` — a professional under the Meldcode huiselijk geweld en kindermishandeling;
* ``slachtoffer-in-beeld`` — an identifiable victim (signalenroutekaart, Lisse bijlage 1);
* ``locatie-in-beeld`` — a location where trafficking is suspected;
* ``signaal-naar-casus`` — anything else: the stroomschema.

Each municipality can have its own set-up (``route_inrichting``, issue #17), else its region's:
``modus`` ``proces`` starts that process for every signal (Nijmegen: the stroomschema), ``beslistabel``
lets the ``proceskeuze`` table of that process's newest version choose (Lisse: the route map). A
municipality with neither keeps the default: the table deployed with the default route. The table
also reads ``gemeente`` (the municipality's name) and ``regio`` (its region's code, or empty), so one
table can route per place too. The set-up is read when a signal is reported: a change affects new
signals only; running cases finish on the process they started.

A version of the default route without the table sends every signal down the default
route. A table that names a process nobody deployed stops the report with a clear
:class:`~engine.errors.WorkflowFailed` (nothing is written), never a guess.
"""
from __future__ import annotations

import threading
from types import SimpleNamespace

from lxml import etree
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import Connection, bindparam, select

from ..definitions.definitions import latest_definition_id, load_package
from ..definitions.validation_route import DECISION_ID, OUTPUT
from ..errors import NotFound, WorkflowFailed
from ..spiff.sandbox import make_script_engine
from ..spiff.spiff_compat import StrictDMNEngine, StrictParser
from ..store.schema import gemeente, process_definition, regio, route_inrichting

# The report form's answers the decision reads (each is on the form; absent means False).
ROUTE_QUESTIONS = ("identificeerbaar_slachtoffer", "gaat_om_locatie", "meldcode_professional")

_XML = etree.XMLParser(resolve_entities=False, no_network=True)
# By the package's checksum: a deployed version never changes, and the same content decides the
# same way in every database this process serves (a definition id is only unique within one).
_ENGINES: dict[str, StrictDMNEngine | None] = {}
_LATEST = (
    select(process_definition.c.id, process_definition.c.checksum)
    .where(process_definition.c.sleutel == bindparam("sleutel"))
    .order_by(process_definition.c.versie.desc())
    .limit(1)
)
_LOCK = threading.Lock()
MODUS_PROCES, MODUS_BESLISTABEL = "proces", "beslistabel"
# The municipality's own set-up first, then its region's (one round trip).
_PLACE = (
    select(gemeente.c.naam.label("gemeente"), regio.c.code.label("regio"),
           select(route_inrichting.c.modus).where(route_inrichting.c.gemeente_id == gemeente.c.id)
           .scalar_subquery().label("eigen_modus"),
           select(route_inrichting.c.proces).where(route_inrichting.c.gemeente_id == gemeente.c.id)
           .scalar_subquery().label("eigen_proces"),
           select(route_inrichting.c.modus).where(route_inrichting.c.regio_id == gemeente.c.regio_id)
           .scalar_subquery().label("regio_modus"),
           select(route_inrichting.c.proces).where(route_inrichting.c.regio_id == gemeente.c.regio_id)
           .scalar_subquery().label("regio_proces"))
    .outerjoin(regio, regio.c.id == gemeente.c.regio_id)
    .where(gemeente.c.id == bindparam("gemeente_id"))
)


def choose_for_place(conn: Connection, clean: dict, gemeente_id: int, default_process: str) -> tuple[str, dict]:
    """The process a report in municipality ``gemeente_id`` starts, by its set-up (or its region's,
    or the default), and the set-up that chose it (for the audit log).

    :raises WorkflowFailed: as :func:`choose_process`.
    """
    place = conn.execute(_PLACE, {"gemeente_id": gemeente_id}).first()
    answers = {**clean, "gemeente": place.gemeente if place else "", "regio": (place.regio or "") if place else ""}
    if place is not None and place.eigen_modus:
        modus, proces, bron = place.eigen_modus, place.eigen_proces, "gemeente"
    elif place is not None and place.regio_modus:
        modus, proces, bron = place.regio_modus, place.regio_proces, "regio"
    else:  # no set-up of its own or its region's: every signal follows the default route (the stroomschema)
        latest_definition_id(conn, default_process)  # NotFound when even that is not deployed
        return default_process, {"bron": "standaard"}
    setup = {"bron": bron, "modus": modus, "proces": proces}
    if modus == MODUS_PROCES:
        try:
            latest_definition_id(conn, proces)
        except NotFound:
            raise WorkflowFailed(f"De route-inrichting van deze {bron} noemt het proces '{proces}', maar dat is niet "
                                 "gedeployd. Er is niets opgeslagen; meld dit aan de procesbeheerder.", DECISION_ID) from None
        return proces, setup
    return choose_process(conn, answers, proces), setup


class _Answers:
    """What a decision table reads of a task: its data, and the workflow's script engine."""

    task_spec = None

    def __init__(self, data: dict):
        self.data = data
        self.workflow = SimpleNamespace(script_engine=make_script_engine())


def _decision(conn: Connection, intake_process: str) -> StrictDMNEngine | None:
    """The ``proceskeuze`` table of the newest version of the default route (``None``: it has none)."""
    latest = conn.execute(_LATEST, {"sleutel": intake_process}).first()
    if latest is None:
        raise NotFound(f"proces '{intake_process}' is niet gedeployed")
    with _LOCK:
        if latest.checksum in _ENGINES:
            return _ENGINES[latest.checksum]
    package = load_package(conn, latest.id)
    found = None
    for name in package.dmn_files():
        root = etree.fromstring(package.files[name], _XML)  # validated at deploy (engine.definitions.validation)
        if any(node.get("id") == DECISION_ID for node in root.iter("{*}decision")):
            parser = StrictParser(validator=None)
            parser.add_dmn_xml(root, filename=name)
            found = parser.get_engine(DECISION_ID, None)
            break
    with _LOCK:
        _ENGINES[latest.checksum] = found
    return found


def has_decision(conn: Connection, proces: str) -> bool:
    """Whether the newest version of ``proces`` holds a ``proceskeuze`` table."""
    return _decision(conn, proces) is not None


def choose_process(conn: Connection, clean: dict, intake_process: str) -> str:
    """The key of the process a report with the clean intake data ``clean`` starts.

    :param intake_process: the process whose newest version holds the decision (the default route).
    :raises WorkflowFailed: the decision failed, or chose a process that is not deployed.
    """
    engine = _decision(conn, intake_process)
    if engine is None:
        return intake_process
    answers = {**clean, **{key: bool(clean.get(key)) for key in ROUTE_QUESTIONS}}
    try:
        chosen = engine.result(_Answers(answers)).get(OUTPUT)
    except (SpiffWorkflowException, AttributeError, TypeError) as exc:
        raise WorkflowFailed(f"De proceskeuze (beslistabel '{DECISION_ID}') kon niet kiezen: {exc}. "
                             "Er is niets opgeslagen; meld dit aan de procesbeheerder.", DECISION_ID) from exc
    if not isinstance(chosen, str) or not chosen:
        raise WorkflowFailed(f"De beslistabel '{DECISION_ID}' gaf geen proces ('{OUTPUT}').", DECISION_ID)
    try:
        latest_definition_id(conn, chosen)
    except NotFound:
        raise WorkflowFailed(
            f"De intake koos het proces '{chosen}' (beslistabel '{DECISION_ID}'), maar dat proces is niet gedeployd. "
            "Er is niets opgeslagen; meld dit aan de procesbeheerder.", DECISION_ID) from None
    return chosen
