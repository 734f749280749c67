"""Who sees which signal, and how much of it (engine/people/access.py through the named queries)."""
from __future__ import annotations

import pytest

from engine.errors import NotFound
from tests.engine.route_actions import REGIE, VERRIJKT, beoordeeld

STATUS_ONLY = {"id", "referentie", "status", "ontvangen_op", "afgesloten_op", "terugkoppeling"}
PROCESS_KEYS = {"fase", "route", "convenant", "stappen", "taken", "historie"}


@pytest.fixture
def signals(route, intake):
    """A signal at every stage: new, enriched, at each route's regie step, and one finished (riec)."""
    steps = {
        "nieuw": [],
        "verrijkt": [("task_verrijken", VERRIJKT)],
        "zorgtraject": [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld())],
        "zorg_en_strafrecht": [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True))],
        "riec": [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True)),
                 ("task_regie_riec", REGIE)],
    }
    ids = {}
    for name, walk in steps.items():
        ids[name] = route.report(intake()).signal_id
        route.walk(ids[name], walk)
    return ids


STAGES = ("nieuw", "verrijkt", "zorgtraject", "zorg_en_strafrecht", "riec")


ROUTED = ("zorgtraject", "zorg_en_strafrecht", "riec")


def sees(full=(), status=(), process=()) -> dict[str, str | None]:
    return {s: "full" if s in full else "process" if s in process else "status" if s in status else None
            for s in STAGES}


# Per role: how much of each signal it sees, and the tasks in its inbox. Before routing the
# municipality's case roles see a signal in full; once routed, the aandachtsfunctionaris and
# the regie party of the route (under the route's covenant; on the ZVH route also the
# zorgcoördinator, who takes up the care), the analist its process only;
# the reporter only the status of their own.
MATRIX = {
    "analist": (sees(full=["nieuw", "verrijkt"], process=ROUTED), ["task_verrijken"]),
    "aandachtsfunctionaris": (sees(full=STAGES), ["task_beoordelen"]),
    "zorgcoordinator": (sees(full=["zorgtraject", "zorg_en_strafrecht"]), ["task_intake", "task_intake"]),
    "zvh": (sees(full=["zorg_en_strafrecht"]), ["task_regie_zvh"]),
    "riec": (sees(full=["riec"]), []),  # its one task is done
    "melder": (sees(status=STAGES), []),
    "procesbeheerder": (sees(), []),
    "analist_elders": (sees(), []),
}


@pytest.mark.parametrize("who", MATRIX)
def test_what_each_role_sees(route, users, signals, who):
    actor = getattr(users, who)
    seen, inbox = MATRIX[who]
    for name, signal_id in signals.items():
        if seen[name] is None:
            with pytest.raises(NotFound):
                route.orchestrator.signal(actor, signal_id)
        elif seen[name] == "status":
            assert set(route.orchestrator.signal(actor, signal_id)) == STATUS_ONLY
        elif seen[name] == "process":
            view = route.orchestrator.signal(actor, signal_id)
            assert PROCESS_KEYS <= set(view) and "gegevens" not in view
        else:
            view = route.orchestrator.signal(actor, signal_id)
            assert {"gegevens", "historie", "taken"} <= set(view)

    visible = {s["id"] for s in route.orchestrator.visible_signals(actor)}
    assert visible == {signal_id for name, signal_id in signals.items() if seen[name] == "full"}
    tasks = route.orchestrator.inbox(actor)
    assert [t["bpmn_id"] for t in tasks["taken"]] == inbox and tasks["totaal"] == len(inbox)


def test_the_regional_party_sees_nothing_before_the_route_is_decided(route, users, intake):
    started = route.report(intake())

    for who in ("zorgcoordinator", "zvh", "riec"):
        with pytest.raises(NotFound):
            route.orchestrator.signal(getattr(users, who), started.signal_id)


def test_a_melder_sees_the_status_of_their_own_signal_only(route, users, intake):
    own = route.report(intake())
    colleague = route.add_user("melder2", "Mo Melder", "melder", "Nijmegen")
    other = route.report(intake(), actor=colleague)

    view = route.orchestrator.signal(users.melder, own.signal_id)

    assert view == {"id": own.signal_id, "referentie": own.referentie, "status": "lopend",
                    "ontvangen_op": "2026-01-05T09:00:00Z", "afgesloten_op": None, "terugkoppeling": None}
    with pytest.raises(NotFound):
        route.orchestrator.signal(users.melder, other.signal_id)
    assert [s["id"] for s in route.orchestrator.my_signals(users.melder)] == [own.signal_id]
    assert route.orchestrator.inbox(users.melder)["taken"] == []


def test_a_signal_of_another_municipality_is_not_found(route, users, intake):
    started = route.report(intake())

    with pytest.raises(NotFound):
        route.orchestrator.signal(users.analist_elders, started.signal_id)
    with pytest.raises(NotFound):
        route.orchestrator.signal(users.analist, 999_999)  # same answer as for one that does not exist


def test_a_manager_sees_the_process_of_the_municipalitys_signals_and_no_personal_data(route, users, signals):
    manager = route.add_user("manager", "Maaike Manager", "manager", "Nijmegen")

    for signal_id in signals.values():
        view = route.orchestrator.signal(manager, signal_id)
        assert PROCESS_KEYS <= set(view) and "gegevens" not in view
    assert route.orchestrator.visible_signals(manager) == []
    elders = route.add_user("manager-arnhem", "Arnout Manager", "manager", "Arnhem")
    with pytest.raises(NotFound):
        route.orchestrator.signal(elders, signals["nieuw"])


def test_a_signal_routed_away_leaves_the_analists_list_of_signals(route, users, signals):
    visible = {s["id"] for s in route.orchestrator.visible_signals(users.analist)}

    assert visible == {signals["nieuw"], signals["verrijkt"]}
