"""The covenant is recorded on the case when it is routed; the reporter's identity is a separate right."""
from __future__ import annotations

import pytest

from engine.people.access import GRONDSLAGEN, ROUTE_COVENANT
from tests.engine.route_actions import REGIE, REGULIERE_HULP, VERRIJKT, beoordeeld

ROUTES = {
    "zorgtraject": beoordeeld(),
    "zorg_en_strafrecht": beoordeeld(strafrecht=True),
    "riec": beoordeeld(ondermijnend=True),
}


@pytest.mark.parametrize("route_name", ROUTES)
def test_routing_records_the_routes_covenant_on_the_case(route, users, intake, route_name):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT)])
    assert route.signal_row(signal_id).convenant is None
    assert route.orchestrator.signal(users.analist, signal_id)["grondslag"] == GRONDSLAGEN["gemeente"]

    route.walk(signal_id, [("task_beoordelen", ROUTES[route_name])])

    row = route.signal_row(signal_id)
    assert (row.route, row.convenant) == (route_name, ROUTE_COVENANT[route_name])
    view = route.orchestrator.signal(users.aandachtsfunctionaris, signal_id)
    assert view["convenant"] == ROUTE_COVENANT[route_name]
    assert view["grondslag"] == GRONDSLAGEN[ROUTE_COVENANT[route_name]]


def test_the_covenant_stays_on_the_closed_case(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True)),
                           ("task_regie_riec", REGIE)])

    row = route.signal_row(signal_id)
    assert (row.status, row.convenant) == ("afgerond", "riec")


def test_a_signal_closed_without_routing_has_no_covenant(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
                           ("task_gemeentelijke_opvolging", REGULIERE_HULP)])

    row = route.signal_row(signal_id)
    assert (row.status, row.route, row.convenant) == ("afgerond", None, None)


def test_only_the_municipalitys_own_see_who_reported(route, users, intake):
    signal_id = route.report(intake(melder={"naam": "Mila Melder", "afdeling": "Burgerzaken",
                                            "contact": "06-12345678"})).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT)])
    assert route.orchestrator.signal(users.analist, signal_id)["gegevens"]["melder"]["contact"] == "06-12345678"

    route.walk(signal_id, [("task_beoordelen", beoordeeld(ondermijnend=True))])

    af_view = route.orchestrator.signal(users.aandachtsfunctionaris, signal_id)
    riec_view = route.orchestrator.signal(users.riec, signal_id)
    assert af_view["gegevens"]["melder"]["naam"] == "Mila Melder"
    assert "melder" not in riec_view["gegevens"]
    assert "Mila Melder" not in str(riec_view) and "06-12345678" not in str(riec_view)  # not in the timeline either
    assert riec_view["gegevens"]["omschrijving"] == af_view["gegevens"]["omschrijving"]
