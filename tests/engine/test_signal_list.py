"""The Signalen list: scope per role (route-map referrals included), filters, paging, phase/owner/deadline."""
from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import FieldErrors
from engine.people.users import add_user
from tests.db_views import audit_events
from tests.engine.route_actions import NIET_VERRIJKT, ROOT, VERRIJKT, beoordeeld

DOORVERWEZEN = {"doorverwezen_op": "2026-01-05", "doorverwezen_aan": "J. Jansen, teamleider", "wijze": "telefonisch"}


def listed(orch, actor, **raw) -> dict:
    desk = orch.cases
    page = {k: raw.pop(k) for k in ("limit", "offset") if k in raw}
    return desk.signals(actor, desk.parse_filter(raw), **page)


def refs(result) -> list[str]:
    return [row["referentie"] for row in result["signalen"]]


def test_the_aandachtsfunctionaris_sees_every_signal_of_the_municipality_including_the_analists_closures(
        route, users, intake):
    open_id = route.report(intake()).signal_id
    closed_id = route.report(intake()).signal_id
    route.walk(closed_id, [("task_verrijken", NIET_VERRIJKT)])
    with route.orchestrator.db.write() as conn:  # a signal of another municipality: never listed
        arnhem = add_user(conn, "melder-arnhem", now=route.orchestrator.clock.now(), roles=["melder"],
                          gemeente_naam="Arnhem")
    route.report(intake(gemeente="Arnhem"), actor=route.orchestrator.actor(arnhem))

    result = listed(route.orchestrator, users.aandachtsfunctionaris)

    rows = {row["id"]: row for row in result["signalen"]}
    assert set(rows) == {open_id, closed_id}
    assert result["totaal"] == 2
    closed = rows[closed_id]
    assert closed["status"] == "afgerond" and closed["uitkomst"]  # closed by the analist, and why
    assert closed["eigenaar"] is None and closed["volgende_deadline"] is None
    opened = rows[open_id]
    assert opened["fase"] and opened["eigenaar_rol"] == "analist" and opened["eigenaar"] is None
    assert opened["volgende_deadline"] is not None and opened["te_laat"] is False
    arnhems = listed(route.orchestrator, users.analist_elders)["signalen"]
    assert [row["gemeente"] for row in arnhems] == ["Arnhem"]  # Arnhem's analist: Arnhem's signal only


def test_the_owner_is_who_holds_the_open_task(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.orchestrator.claim(users.analist, route.open_task(signal_id).id)

    row = listed(route.orchestrator, users.aandachtsfunctionaris)["signalen"][0]

    assert (row["eigenaar"], row["eigenaar_rol"]) == (users.analist.naam, "analist")
    assert row["open_taken"][0]["naam"] == row["fase"] or row["open_taken"][0]["toegewezen_aan"] == users.analist.naam


@pytest.mark.parametrize(("beoordeling", "see", "blind"), [
    (beoordeeld(), ("zorgcoordinator",), ("zvh", "riec")),
    # Under the ZVH's regie the zorgcoördinator takes up the care (the care trajectory's intake), so sees it too.
    (beoordeeld(strafrecht=True), ("zvh", "zorgcoordinator"), ("riec",)),
    (beoordeeld(ondermijnend=True), ("riec",), ("zorgcoordinator", "zvh")),
])
def test_a_regie_party_sees_the_cases_routed_to_it(route, users, intake, beoordeling, see, blind):
    signal_id = route.report(intake()).signal_id
    for rol in see:
        assert refs(listed(route.orchestrator, getattr(users, rol))) == []  # before routing: nothing
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeling)])

    for rol in see:
        assert [r["id"] for r in listed(route.orchestrator, getattr(users, rol))["signalen"]] == [signal_id]
    for rol in blind:
        assert refs(listed(route.orchestrator, getattr(users, rol))) == []


def test_a_route_map_referral_without_a_task_for_the_zvh_is_on_its_list(route, users, intake):
    route.orchestrator.deploy_folder(ROOT / "processes" / "slachtoffer-in-beeld")
    signal_id = route.report(intake(identificeerbaar_slachtoffer=True, slachtoffer_wil_melden=False,
                                    slachtoffer_wil_steun=False, ernstige_zorgen=True),
                             proces="slachtoffer-in-beeld").signal_id
    task = route.open_task(signal_id)
    route.orchestrator.complete_task(users.aandachtsfunctionaris, task.id, DOORVERWEZEN)
    assert all(t.rol != "zvh" for t in route.open_tasks(signal_id))  # the referral gave the ZVH no task

    rows = listed(route.orchestrator, users.zvh)["signalen"]

    assert [(r["id"], r["route"]) for r in rows] == [(signal_id, "zvh")]
    assert rows[0]["proces_sleutel"] == "slachtoffer-in-beeld"
    assert refs(listed(route.orchestrator, users.riec)) == []


def test_filters_narrow_the_list(route, users, intake, clock):
    acute = route.report(intake(acute_nood=True)).signal_id
    minor = route.report(intake(minderjarige="ja")).signal_id
    clock.advance(dt.timedelta(days=3))
    later = route.report(intake()).signal_id
    closed = route.report(intake()).signal_id
    route.walk(closed, [("task_verrijken", NIET_VERRIJKT)])
    af = users.aandachtsfunctionaris

    def ids(**raw):
        return {row["id"] for row in listed(route.orchestrator, af, **raw)["signalen"]}

    assert ids(acute="ja") == {acute}
    assert ids(acute="nee") == {minor, later, closed}
    assert ids(minderjarige="ja") == {minor}
    assert ids(status="afgerond") == {closed}
    assert ids(status="lopend") == {acute, minor, later}
    assert ids(gemeente="Nijmegen") == {acute, minor, later, closed}
    assert ids(proces="signaal-naar-casus") == {acute, minor, later, closed}
    reported_on = clock.now().date()
    assert ids(ontvangen_van=reported_on.strftime("%d-%m-%Y")) == {later, closed}
    assert ids(ontvangen_tot=(reported_on - dt.timedelta(days=1)).isoformat()) == {acute, minor}
    fase = listed(route.orchestrator, af, status="lopend")["signalen"][0]["fase"]
    assert ids(fase=fase) == {acute, minor, later}
    reference = listed(route.orchestrator, af)["signalen"][0]["referentie"]
    assert ids(referentie=reference[-4:].lower()) >= {row["id"] for row in listed(route.orchestrator, af)["signalen"]
                                                      if row["referentie"] == reference}
    assert ids(referentie="XX-geen") == set()
    assert ids(overdue="ja") == {minor}  # three days on: only the minor's verrijken (1 day, not 5) is late
    clock.advance(dt.timedelta(days=60))  # every open step's deadline has passed
    assert ids(overdue="ja") == {acute, minor, later}


def test_paging_follows_limit_and_offset_newest_first(route, users, intake, clock):
    made = []
    for _ in range(5):
        made.append(route.report(intake()).signal_id)
        clock.advance(dt.timedelta(hours=1))
    af = users.aandachtsfunctionaris

    first = listed(route.orchestrator, af, limit=2)
    second = listed(route.orchestrator, af, limit=2, offset=2)
    last = listed(route.orchestrator, af, limit=2, offset=4)

    assert [first["totaal"], second["totaal"], last["totaal"]] == [5, 5, 5]
    assert [r["id"] for r in first["signalen"] + second["signalen"] + last["signalen"]] == made[::-1]
    assert (first["limit"], second["offset"]) == (2, 2)


@pytest.mark.parametrize(("raw", "field"), [
    ({"status": "zoek"}, "status"),
    ({"ontvangen_van": "31-02-2026"}, "ontvangen_van"),
    ({"ontvangen_tot": "gisteren"}, "ontvangen_tot"),
    ({"ontvangen_van": "0001-01-01"}, "ontvangen_van"),  # as UTC it would fall before what datetime holds
    ({"ontvangen_tot": "31-12-9999"}, "ontvangen_tot"),
    ({"referentie": "MH\x00"}, "referentie"),
    ({"ontvangen_van": "2026-02-01", "ontvangen_tot": "2026-01-01"}, "ontvangen_tot"),
    ({"acute": "misschien"}, "acute"),
    ({"minderjarige": "soms"}, "minderjarige"),
    ({"status": "overgedragen", "route": "riec"}, "route"),
])
def test_a_bad_filter_is_a_dutch_error_naming_the_field(raw, field):
    from engine.queries.signal_list import parse_filter

    with pytest.raises(FieldErrors) as caught:
        parse_filter(raw)
    assert field in caught.value.fields


@pytest.mark.parametrize(("raw", "field"), [
    ({"gemeente": "Atlantis"}, "gemeente"),
    ({"proces": "bestaat-niet"}, "proces"),
    ({"route": "maan"}, "route"),
])
def test_an_unknown_municipality_process_or_route_is_a_field_error(route, users, raw, field):
    with pytest.raises(FieldErrors) as caught:
        listed(route.orchestrator, users.aandachtsfunctionaris, **raw)
    assert field in caught.value.fields


def test_reading_the_list_writes_nothing_to_the_processing_log(route, users, intake):
    route.report(intake())
    count = len(audit_events(route.orchestrator))

    listed(route.orchestrator, users.aandachtsfunctionaris)

    assert len(audit_events(route.orchestrator)) == count
