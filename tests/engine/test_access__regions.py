"""Regional roles see the cases routed to them across their region only (engine/people/regions.py, engine/people/access.py)."""
from __future__ import annotations

import pytest

from engine.errors import FieldErrors, NotFound
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from tests.engine.route_actions import VERRIJKT, beoordeeld


@pytest.fixture
def regions(route):
    """Nijmegen and Wijchen in Gelderland-Zuid, Arnhem in Gelderland-Midden; a RIEC analyst for each region."""
    orch = route.orchestrator
    with orch.db.write() as conn:
        zuid, midden = ensure_regio(conn, "Gelderland-Zuid"), ensure_regio(conn, "Gelderland-Midden")
        for naam, regio_id in (("Nijmegen", zuid), ("Wijchen", zuid), ("Arnhem", midden)):
            assign_gemeente(conn, regio_id, ensure_gemeente(conn, naam))
        ids = {
            "riec_zuid": add_user(conn, "riec-zuid", now=orch.clock.now(), roles=["riec"], gemeente_naam=None,
                                  regio_naam="Gelderland-Zuid"),
            "riec_midden": add_user(conn, "riec-midden", now=orch.clock.now(), roles=["riec"], gemeente_naam=None,
                                    regio_naam="Gelderland-Midden"),
            "riec_wijchen": add_user(conn, "riec-wijchen", now=orch.clock.now(), roles=["riec"],
                                     gemeente_naam="Wijchen"),
        }
    return {name: orch.actor(user_id) for name, user_id in ids.items()}


def _riec_case(route, intake, gemeente: str, reporter, analist, af) -> int:
    signal_id = route.orchestrator.report_signal(reporter, intake(gemeente=gemeente)).signal_id
    for actor, data in ((analist, VERRIJKT), (af, beoordeeld(ondermijnend=True))):
        task = route.open_task(signal_id)
        route.orchestrator.complete_task(actor, task.id, data)
    return signal_id


@pytest.fixture
def cases(route, users, intake, regions):
    """A RIEC case in Nijmegen (Zuid), one in Wijchen (Zuid) and one in Arnhem (Midden)."""
    result = {"Nijmegen": _riec_case(route, intake, "Nijmegen", users.melder, users.analist,
                                     users.aandachtsfunctionaris)}
    for gemeente in ("Wijchen", "Arnhem"):
        melder = route.add_user(f"melder-{gemeente}", "M", "melder", gemeente)
        analist = route.add_user(f"analist-{gemeente}", "A", "analist", gemeente)
        af = route.add_user(f"af-{gemeente}", "F", "aandachtsfunctionaris", gemeente)
        result[gemeente] = _riec_case(route, intake, gemeente, melder, analist, af)
    return result


@pytest.mark.parametrize(("who", "sees"), [
    ("riec_zuid", {"Nijmegen", "Wijchen"}),
    ("riec_midden", {"Arnhem"}),
    ("riec_wijchen", {"Wijchen"}),
])
def test_a_regional_role_sees_the_cases_of_its_region_only(route, regions, cases, who, sees):
    actor = regions[who]
    for gemeente, signal_id in cases.items():
        if gemeente in sees:
            assert route.orchestrator.signal(actor, signal_id)["convenant"] == "riec"
        else:
            with pytest.raises(NotFound):
                route.orchestrator.signal(actor, signal_id)
    assert {s["id"] for s in route.orchestrator.visible_signals(actor)} == {cases[g] for g in sees}
    inbox = route.orchestrator.inbox(actor)["taken"]
    assert {t["signaal_id"] for t in inbox} == {cases[g] for g in sees}


def test_an_installation_wide_regional_role_sees_every_region(route, users, cases):
    assert {s["id"] for s in route.orchestrator.visible_signals(users.riec)} == set(cases.values())


def test_a_municipality_added_to_the_region_later_comes_into_view(route, regions, users, intake):
    orch = route.orchestrator
    with orch.db.write() as conn:
        ensure_gemeente(conn, "Druten")
    analist = route.add_user("analist-druten", "A", "analist", "Druten")
    af = route.add_user("af-druten", "F", "aandachtsfunctionaris", "Druten")
    melder = route.add_user("melder-druten", "M", "melder", "Druten")
    signal_id = _riec_case(route, intake, "Druten", melder, analist, af)
    with pytest.raises(NotFound):
        orch.signal(orch.actor(regions["riec_zuid"].id), signal_id)

    with orch.db.write() as conn:
        assign_gemeente(conn, ensure_regio(conn, "Gelderland-Zuid"), ensure_gemeente(conn, "Druten"))

    assert orch.signal(orch.actor(regions["riec_zuid"].id), signal_id)["referentie"].startswith("MH-")


def test_a_regional_role_is_no_membership_of_the_municipality(route, regions, intake):
    with pytest.raises(FieldErrors) as error:
        route.orchestrator.report_signal(regions["riec_zuid"], intake())
    assert "gemeente" in error.value.fields


def test_a_region_holds_regional_roles_only(route):
    with route.orchestrator.db.write() as conn, pytest.raises(FieldErrors) as error:
        add_user(conn, "iemand", now=route.orchestrator.clock.now(), roles=["analist"], gemeente_naam=None,
                 regio_naam="Gelderland-Zuid")
    assert "regio" in error.value.fields
