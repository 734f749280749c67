"""Every change and every view of personal data writes one processing-log event, with who, role,
kind, data categories, legal ground and system (engine/audit/audit.py through the orchestrator)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.store.schema import audit_event
from tests.engine.route_actions import VERRIJKT, beoordeeld


def _log(route, signal_id=None):
    with route.orchestrator.db.read() as conn:
        query = select(audit_event).order_by(audit_event.c.volgnummer)
        if signal_id is not None:
            query = query.where(audit_event.c.signal_id == signal_id)
        return conn.execute(query).all()


def test_reporting_and_completing_a_task_are_logged_with_role_categories_and_ground(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT)])

    events = {e.actie: e for e in _log(route, signal_id)}
    gemeld, voltooid = events["signaal_gemeld"], events["taak_voltooid"]
    assert (gemeld.user_id, gemeld.rol, gemeld.soort) == (users.melder.id, "melder", "invoeren")
    assert gemeld.categorieen == ["melder", "signaalgegevens"]
    assert (voltooid.user_id, voltooid.rol, voltooid.soort, voltooid.categorieen) == (
        users.analist.id, "analist", "wijzigen", ["taakgegevens"])
    assert {e.grondslag for e in events.values()} == {"gemeente"}
    assert {e.systeem for e in events.values()} == {"signaalroute"}
    assert {"adresgegevens", "toelichting", "vermoeden_versterkt"} <= set(voltooid.detail["velden"])
    assert "Waalkade" not in str([e.detail for e in events.values()])  # names of fields, never their content


def test_after_routing_events_carry_the_covenant_as_legal_ground(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True))])
    task = route.open_task(signal_id, "task_regie_riec")

    route.orchestrator.claim(users.riec, task.id)

    claim = _log(route, signal_id)[-1]
    assert (claim.actie, claim.rol, claim.grondslag, claim.categorieen) == (
        "taak_geclaimd", "riec", "riec", ["procesgegevens"])


@pytest.mark.parametrize(("who", "rol", "categorieen"), [
    ("analist", "analist", ["melder", "procesgegevens", "signaalgegevens"]),
    ("aandachtsfunctionaris", "aandachtsfunctionaris", ["melder", "procesgegevens", "signaalgegevens"]),
])
def test_a_view_of_a_signal_writes_one_read_event(route, users, intake, who, rol, categorieen):
    signal_id = route.report(intake()).signal_id
    before = len(_log(route))

    route.orchestrator.signal(getattr(users, who), signal_id)

    after = _log(route)
    assert len(after) == before + 1
    read = after[-1]
    assert (read.actie, read.soort, read.user_id, read.rol, read.signal_id) == (
        "signaal_ingezien", "raadplegen", getattr(users, who).id, rol, signal_id)
    assert read.categorieen == categorieen and read.grondslag == "gemeente" and read.detail == {"via": "web"}


def test_the_regie_partys_read_is_logged_under_the_covenant_without_the_reporter(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True))])

    route.orchestrator.signal(users.zvh, signal_id, via="api")

    read = _log(route, signal_id)[-1]
    assert (read.rol, read.grondslag, read.categorieen, read.detail) == (  # the case file and the care trajectory
        "zvh", "zvh", ["procesgegevens", "signaalgegevens", "taakgegevens", "zorggegevens"], {"via": "api"})


def test_views_without_personal_data_and_denied_views_write_nothing(route, users, intake):
    signal_id = route.report(intake()).signal_id
    manager = route.add_user("manager", "Maaike Manager", "manager", "Nijmegen")
    before = len(_log(route))

    route.orchestrator.signal(users.melder, signal_id)  # status only
    route.orchestrator.signal(manager, signal_id)  # the process, no personal data
    with pytest.raises(NotFound):
        route.orchestrator.signal(users.analist_elders, signal_id)

    assert len(_log(route)) == before


def test_reads_stay_out_of_the_signals_timeline(route, users, intake):
    signal_id = route.report(intake()).signal_id
    for _ in range(3):
        route.orchestrator.signal(users.analist, signal_id)

    view = route.orchestrator.signal(users.analist, signal_id)

    assert [h["actie"] for h in view["historie"]] == ["signaal_gemeld", "taak_aangemaakt"]


def test_a_timer_firing_is_logged_as_the_system(route, users, intake, clock):
    import datetime as dt

    signal_id = route.report(intake()).signal_id
    clock.advance(dt.timedelta(days=6))  # past the 5-day deadline of 'Signaal verrijken'

    route.orchestrator.fire_due_timers()

    fired = [e for e in _log(route, signal_id) if e.actie == "timer_afgevuurd"]
    assert fired and all(e.user_id is None and e.rol is None and e.soort == "wijzigen" for e in fired)
    assert route.orchestrator.verify_audit().ok


def test_the_access_log_of_a_case_is_for_its_aandachtsfunctionaris(route, users, intake):
    signal_id = route.report(intake()).signal_id
    route.orchestrator.signal(users.analist, signal_id)

    log = route.orchestrator.signal_access_log(users.aandachtsfunctionaris, signal_id)

    assert [(e["gebruiker"], e["actie"]) for e in log["gebeurtenissen"]] == [
        ("analist", "signaal_ingezien"), ("melder", "signaal_gemeld")]
    assert _log(route, signal_id)[-1].actie == "verwerkingslog_ingezien"  # reading the log is logged too
    for who in ("analist", "riec", "melder", "analist_elders"):
        with pytest.raises(NotFound):
            route.orchestrator.signal_access_log(getattr(users, who), signal_id)
    with pytest.raises(NotFound):
        route.orchestrator.signal_access_log(users.aandachtsfunctionaris, 999_999)
