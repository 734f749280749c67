"""Issue #16 on the route: nothing ends without an owner, acute danger and minors change the route,
the zorgcoördinator works beside the ZVH, and a choice that needs a follow-up answer cannot be sent
without it (on the server, as in the form)."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.clock import as_utc
from engine.errors import FieldErrors, NotFound
from engine.spiff.serialization import load_state
from engine.store.schema import mail_bericht
from tests.engine.route_actions import VERRIJKT, beoordeeld, besluit


def _open(route, signal_id) -> dict[str, object]:
    return {t.bpmn_id: t for t in route.open_tasks(signal_id)}


def test_not_enough_grounds_leaves_gemeentelijke_opvolging_open_for_the_aandachtsfunctionaris(route, intake, clock):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False))])

    [task] = route.open_tasks(started.signal_id)
    row = route.signal_row(started.signal_id)
    assert (task.bpmn_id, task.naam, task.rol) == ("task_gemeentelijke_opvolging", "Gemeentelijke opvolging",
                                                   "aandachtsfunctionaris")
    assert as_utc(task.due_at) == clock.now() + dt.timedelta(days=10)  # its escalation timer's due time
    assert (row.status, row.terugkoppeling) == ("lopend", None)  # not closed, the reporter not told yet


def test_a_tables_geen_casus_also_goes_to_gemeentelijke_opvolging(route, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True, tafel=True)),
                                   ("task_tafel_riec", besluit("geen_casus"))])

    assert list(_open(route, started.signal_id)) == ["task_gemeentelijke_opvolging"]


def test_the_zvh_route_gives_open_tasks_to_the_zvh_and_the_zorgcoordinator_who_sees_the_case(route, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True))])

    # Beside the ZVH's regie the route started the care trajectory: its intake is the zorgcoördinator's task.
    tasks = _open(route, started.signal_id)
    assert {bpmn_id: t.rol for bpmn_id, t in tasks.items()} == {"task_regie_zvh": "zvh", "task_intake": "zorgcoordinator"}
    view = route.orchestrator.signal(users.zorgcoordinator, started.signal_id)
    assert (view["route"], view["convenant"]) == ("zorg_en_strafrecht", "zvh")
    assert "gegevens" in view  # under the ZVH covenant: the case itself, not only its status
    assert [t["bpmn_id"] for t in route.orchestrator.inbox(users.zorgcoordinator)["taken"]] == ["task_intake"]
    assert [t["signaal_id"] for t in route.orchestrator.inbox(users.zorgcoordinator)["taken"]] == [started.signal_id]


def test_the_care_of_a_zvh_case_is_seen_by_the_zorgcoordinator_and_the_zvh_only(route, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True))])

    for who in ("zorgcoordinator", "zvh"):
        view = route.orchestrator.signal(getattr(users, who), started.signal_id, via="api")
        assert [t["einde_uitkomst"] for t in view["zorgtraject"]] == [None]  # the trajectory runs
    view = route.orchestrator.signal(users.aandachtsfunctionaris, started.signal_id, via="api")
    assert "zorgtraject" not in view
    assert "task_intake" not in {s["bpmn_id"] for s in view["stappen"]}


def test_the_zorgcoordinator_does_not_see_a_riec_case(route, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(ondermijnend=True))])

    with pytest.raises(NotFound):
        route.orchestrator.signal(users.zorgcoordinator, started.signal_id)


def test_acute_and_not_called_gives_an_acute_task_due_within_four_hours_beside_the_route(route, intake, clock):
    started = route.report(intake(acute_nood=True, al_112_gebeld=False))

    tasks = _open(route, started.signal_id)
    assert set(tasks) == {"task_acuut_opvolgen", "task_verrijken"}
    acute = tasks["task_acuut_opvolgen"]
    assert (acute.naam, acute.rol) == ("Acute situatie opvolgen", "aandachtsfunctionaris")
    assert as_utc(acute.due_at) == clock.now() + dt.timedelta(hours=4)
    row = route.signal_row(started.signal_id)
    assert (row.acute_nood, row.al_112_gebeld, row.acuut) == (True, False, True)
    inbox = route.orchestrator.inbox(route.users.aandachtsfunctionaris)["taken"]
    assert [(t["bpmn_id"], t["acuut"]) for t in inbox] == [("task_acuut_opvolgen", True)]


def test_a_call_that_was_not_made_is_never_recorded(route, intake):
    started = route.report(intake(acute_nood=True, al_112_gebeld=False))
    route.complete(started.signal_id, "task_verrijken", {"vermoeden_versterkt": False, "reden_afsluiten": "Geen mensenhandel."})
    assert route.signal_row(started.signal_id).status == "lopend"  # the acute follow-up still holds it
    route.complete(started.signal_id, "task_acuut_opvolgen", {
        "politie_gebeld": False, "reden_niet_gebeld": "In veiligheid bij familie.", "acute_acties": "Melder gebeld."})

    instance = route.instance(started.instance_id)
    assert instance.status == "afgerond"
    with route.orchestrator.db.read() as conn:
        compiled = route.orchestrator.cache.get(conn, instance.definition_id)
    wf = load_state(instance.state, compiled.spec, compiled.subprocess_specs)
    assert not any("politie_ingeschakeld" in task.data for task in wf.get_tasks())
    row = route.signal_row(started.signal_id)
    # the route's end, not the side branch's that came last
    assert (row.uitkomst, row.terugkoppeling) == ("Afgesloten – geen vermoeden", "afgesloten")


def test_acute_and_called_records_the_call_and_opens_no_acute_task(route, intake):
    started = route.report(intake(acute_nood=True, al_112_gebeld=True))

    assert list(_open(route, started.signal_id)) == ["task_verrijken"]
    row = route.signal_row(started.signal_id)
    assert (row.al_112_gebeld, row.acuut) == (True, False)


def test_acute_danger_needs_the_112_answer(route, intake):
    with pytest.raises(FieldErrors) as caught:
        route.report(intake(acute_nood=True, al_112_gebeld=None))

    assert caught.value.fields == {"al_112_gebeld": "is verplicht bij dit antwoord op 'Is er acuut gevaar?'"}


def test_an_acute_signals_task_mail_goes_out_at_once_even_for_a_daily_digest(route, users, intake):
    orch = route.orchestrator
    orch.save_mail_settings(users.aandachtsfunctionaris, email="af@example.org", wijze="dagelijks")
    calm = route.report(intake())
    acute = route.report(intake(acute_nood=True, al_112_gebeld=False))

    with orch.db.read() as conn:
        rows = conn.execute(select(mail_bericht.c.stap, mail_bericht.c.spoed)
                            .where(mail_bericht.c.user_id == users.aandachtsfunctionaris.id)).all()
    assert [(r.stap, r.spoed) for r in rows] == [("Acute situatie opvolgen", True)]
    assert calm.signal_id != acute.signal_id


def test_a_minor_shortens_the_enrichment_deadline_to_one_day(route, intake, clock):
    started = route.report(intake(minderjarige="ja"))
    other = route.report(intake(minderjarige="nee"))

    assert as_utc(route.open_task(started.signal_id).due_at) == clock.now() + dt.timedelta(days=1)
    assert as_utc(route.open_task(other.signal_id).due_at) == clock.now() + dt.timedelta(days=5)
    inbox = route.orchestrator.inbox(route.users.analist)["taken"]
    assert {t["signaal_id"]: t["minderjarige"] for t in inbox} == {started.signal_id: True, other.signal_id: False}


@pytest.mark.parametrize(("bpmn_id", "steps", "data", "field", "message"), [
    ("task_tafel_mdo", [("task_beoordelen", beoordeeld(tafel=True))],
     {"besluit_casustafel": "andere_route", "toelichting": "Besproken."},
     "andere_route", "is verplicht bij dit antwoord op 'Besluit van de tafel'"),
    ("task_tafel_mdo", [("task_beoordelen", beoordeeld(tafel=True))],
     {"besluit_casustafel": "geen_casus"}, "toelichting", "is verplicht"),
    ("task_verrijken", [], {"vermoeden_versterkt": False},
     "reden_afsluiten", "is verplicht bij dit antwoord op 'Is het vermoeden van mensenhandel versterkt?'"),
    ("task_regie_riec", [("task_beoordelen", beoordeeld(ondermijnend=True))], {"regie_opgepakt": True, "covenant": "riec"},
     "resultaat", "is verplicht bij dit antwoord op 'Casus afgesloten'"),
])
def test_a_choice_that_needs_a_follow_up_answer_is_refused_on_the_server(route, intake, bpmn_id, steps, data, field, message):
    started = route.report(intake())
    if bpmn_id != "task_verrijken":
        route.walk(started.signal_id, [("task_verrijken", VERRIJKT), *steps])
    task = route.open_task(started.signal_id, bpmn_id)

    with pytest.raises(FieldErrors) as caught:
        if task.casustafel:
            route.decide_at_table(started.signal_id, bpmn_id, data)
        else:
            route.orchestrator.complete_task(route.actor_for(task.rol), task.id, data)

    assert caught.value.fields == {field: message}
    assert route.open_task(started.signal_id, bpmn_id).id == task.id  # nothing moved


def test_gemeentelijke_opvolging_needs_with_whom_and_when_for_regular_help(route, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False))])
    task = route.open_task(started.signal_id, "task_gemeentelijke_opvolging")

    with pytest.raises(FieldErrors) as caught:
        route.orchestrator.complete_task(route.users.aandachtsfunctionaris, task.id,
                                         {"opvolging": "regulier", "hulp_partij": "ggd"})

    assert set(caught.value.fields) == {"hulp_contact", "hulp_ingeschakeld_op"}
