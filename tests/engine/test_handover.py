"""Handing a signal over to another municipality moves access, tasks and the task list; audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.errors import Conflict, FieldErrors, Forbidden, NotFound
from engine.mail.outbox import compose
from engine.people.users import add_user
from engine.store.schema import mail_bericht, mail_instelling, notificatie, process_instance, signal
from tests.db_views import audit_events
from tests.engine.route_actions import NIET_VERRIJKT, VERRIJKT

REDEN = "Het slachtoffer woont in Wijchen."


@pytest.fixture
def wijchen(orchestrator, clock):
    """The receiving municipality's aandachtsfunctionaris (with a mail address) and analist."""
    with orchestrator.db.write() as conn:
        af = add_user(conn, "af-wijchen", now=clock.now(), naam="Wim Wijchen", roles=["aandachtsfunctionaris"],
                      gemeente_naam="Wijchen")
        analist = add_user(conn, "analist-wijchen", now=clock.now(), roles=["analist"], gemeente_naam="Wijchen")
        manager = add_user(conn, "manager-nijmegen", now=clock.now(), roles=["manager"], gemeente_naam="Nijmegen")
        conn.execute(mail_instelling.insert().values(user_id=af, email="wim@wijchen.example", wijze="direct",
                                                     updated_at=clock.now()))
    return {"af": orchestrator.actor(af), "analist": orchestrator.actor(analist),
            "manager_nijmegen": orchestrator.actor(manager)}


def at_assessment(route, intake) -> int:
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", VERRIJKT)])
    return signal_id


def test_handover_moves_access_and_the_open_task(route, users, intake, wijchen):
    orch = route.orchestrator
    signal_id = at_assessment(route, intake)
    task = route.open_task(signal_id, "task_beoordelen")
    orch.claim(users.aandachtsfunctionaris, task.id)

    done = orch.cases.hand_over(users.aandachtsfunctionaris, signal_id, "Wijchen", REDEN)

    assert (done.van, done.naar, [t["naam"] for t in done.taken]) == ("Nijmegen", "Wijchen", [task.naam])
    # the receiving aandachtsfunctionaris sees everything and has the task (unclaimed, same deadline)
    view = orch.signal(wijchen["af"], signal_id)
    assert view["gemeente"] == "Wijchen" and view["gegevens"]["omschrijving"]
    moved = route.open_task(signal_id, "task_beoordelen")
    assert (moved.id, moved.toegewezen_aan, moved.due_at) == (task.id, None, task.due_at)
    assert [t["id"] for t in orch.inbox(wijchen["af"])["taken"]] == [task.id]
    orch.claim(wijchen["af"], task.id)
    # the handing-over municipality keeps the reference and the fact, nothing of the content
    old = orch.signal(users.aandachtsfunctionaris, signal_id)
    assert old["overgedragen"] is True and old["overgedragen_naar"] == "Wijchen" and old["reden"] == REDEN
    assert "gegevens" not in old and "taken" not in old and "historie" not in old
    assert orch.inbox(users.aandachtsfunctionaris)["taken"] == []
    with pytest.raises(NotFound):
        orch.task(users.aandachtsfunctionaris, task.id)
    assert orch.signal(wijchen["manager_nijmegen"], signal_id)["overgedragen"] is True
    assert orch.signal(users.analist, signal_id)["overgedragen"] is True
    # the reporter keeps their status view
    status = orch.signal(users.melder, signal_id)
    assert status["referentie"] == view["referentie"] and "gegevens" not in status and "overgedragen" not in status
    # the lists: the new municipality lists it, the old one only as handed over
    desk = orch.cases
    new_list = desk.signals(wijchen["af"], desk.parse_filter({}))["signalen"]
    assert [(r["id"], r["overgedragen_van"]) for r in new_list] == [(signal_id, "Nijmegen")]
    assert desk.signals(users.aandachtsfunctionaris, desk.parse_filter({}))["signalen"] == []
    kept = desk.signals(users.aandachtsfunctionaris, desk.parse_filter({"status": "overgedragen"}))["signalen"]
    assert [(r["id"], r["overgedragen_naar"], r["status"]) for r in kept] == [(signal_id, "Wijchen", "overgedragen")]
    assert set(kept[0]) == {"id", "referentie", "ontvangen_op", "status", "overgedragen_van", "overgedragen_naar",
                            "overgedragen_op", "reden"}
    assert desk.signals(wijchen["af"], desk.parse_filter({"status": "overgedragen"}))["signalen"] == []


def test_handover_is_audited_notified_and_mailed(route, users, intake, wijchen):
    orch = route.orchestrator
    signal_id = at_assessment(route, intake)

    orch.cases.hand_over(users.aandachtsfunctionaris, signal_id, "Wijchen", REDEN)

    [event] = audit_events(orch, "signaal_overgedragen", signal_id=signal_id)
    assert (event.user_id, event.rol, event.soort) == (users.aandachtsfunctionaris.id, "aandachtsfunctionaris",
                                                       "wijzigen")
    assert event.detail["van"] == "Nijmegen" and event.detail["naar"] == "Wijchen" and event.detail["reden"] == REDEN
    with orch.db.read() as conn:
        notes = conn.execute(select(notificatie).where(notificatie.c.soort == "overdracht")).all()
        mails = conn.execute(select(mail_bericht).where(mail_bericht.c.user_id == wijchen["af"].id)).all()
    assert [(n.rol, n.signal_id) for n in notes] == [("aandachtsfunctionaris", signal_id)]
    assert "Nijmegen" in notes[0].bericht and REDEN not in notes[0].bericht
    referentie = route.signal_row(signal_id).referentie
    assert sorted((m.soort, m.stap) for m in mails) == [("klaargezet", route.open_task(signal_id).naam),
                                                         ("overgedragen", referentie)]
    subject, text = compose(next(m for m in mails if m.soort == "overgedragen"), "https://signaalroute.example")
    assert referentie in subject and f"https://signaalroute.example/signalen/{signal_id}" in text
    assert REDEN not in text and "Nijmegen" not in text  # the reference and a link, nothing of the case
    # the history of the signal, as the receiving municipality sees it, names the handover
    history = orch.signal(wijchen["af"], signal_id)["historie"]
    assert any(e["actie"] == "signaal_overgedragen" and e["naar"] == "Wijchen" for e in history)


def test_handover_during_enrichment_gives_the_receiving_analist_the_task(route, users, intake, wijchen):
    orch = route.orchestrator
    signal_id = route.report(intake()).signal_id

    orch.cases.hand_over(users.aandachtsfunctionaris, signal_id, "Wijchen", REDEN)

    task = route.open_task(signal_id, "task_verrijken")
    assert [t["id"] for t in orch.inbox(wijchen["analist"])["taken"]] == [task.id]
    assert orch.inbox(users.analist)["taken"] == []
    orch.complete_task(wijchen["analist"], task.id, VERRIJKT)  # the route goes on in Wijchen
    assert [t["id"] for t in orch.inbox(wijchen["af"])["taken"]] == [route.open_task(signal_id).id]


@pytest.mark.parametrize(("gemeente", "reden", "fields"), [
    ("Wijchen", "  ", {"reden"}),
    ("Wijchen", "Woont\x00 elders", {"reden"}),
    ("Wijchen", "x" * 1001, {"reden"}),
    ("9" * 30, REDEN, {"gemeente"}),
    ("", REDEN, {"gemeente"}),
    ("Atlantis", REDEN, {"gemeente"}),
    ("Nijmegen", REDEN, {"gemeente"}),
    ("Nijmegen", "", {"gemeente", "reden"}),
])
def test_a_handover_needs_a_reason_and_another_existing_municipality(route, users, intake, wijchen, gemeente, reden,
                                                                     fields):
    signal_id = at_assessment(route, intake)

    with pytest.raises(FieldErrors) as caught:
        route.orchestrator.cases.hand_over(users.aandachtsfunctionaris, signal_id, gemeente, reden)

    assert set(caught.value.fields) == fields
    assert route.signal_row(signal_id).gemeente_id == route.orchestrator.gemeente_id("Nijmegen")  # nothing moved
    assert audit_events(route.orchestrator, "signaal_overgedragen") == []


def test_only_the_aandachtsfunctionaris_hands_over(route, users, intake, wijchen):
    orch = route.orchestrator
    signal_id = route.report(intake()).signal_id

    with pytest.raises(Forbidden):
        orch.cases.hand_over(users.analist, signal_id, "Wijchen", REDEN)  # sees it in full, may not hand over
    with pytest.raises(Forbidden):
        orch.cases.hand_over(users.melder, signal_id, "Wijchen", REDEN)
    with pytest.raises(NotFound):
        orch.cases.hand_over(users.analist_elders, signal_id, "Wijchen", REDEN)
    with pytest.raises(NotFound):
        orch.cases.hand_over(wijchen["af"], signal_id, "Wijchen", REDEN)
    assert orch.cases.handover_targets(users.analist, signal_id) == []
    assert "Wijchen" in [t["naam"] for t in orch.cases.handover_targets(users.aandachtsfunctionaris, signal_id)]
    assert "Nijmegen" not in [t["naam"] for t in orch.cases.handover_targets(users.aandachtsfunctionaris, signal_id)]


def test_a_closed_signal_is_not_handed_over(route, users, intake, wijchen):
    signal_id = route.report(intake()).signal_id
    route.walk(signal_id, [("task_verrijken", NIET_VERRIJKT)])

    with pytest.raises(Conflict):
        route.orchestrator.cases.hand_over(users.aandachtsfunctionaris, signal_id, "Wijchen", REDEN)


def _version(orch, signal_id) -> int:
    with orch.db.read() as conn:
        return conn.execute(select(process_instance.c.version).join(
            signal, signal.c.instance_id == process_instance.c.id).where(signal.c.id == signal_id)).scalar_one()


def test_a_handover_raises_the_instance_version_so_a_stale_command_loses(route, users, intake, wijchen):
    """A command that read the case before the handover (and would open tasks in the old municipality)
    fails its version check afterwards; and the old municipality can no longer do the moved task."""
    orch = route.orchestrator
    signal_id = at_assessment(route, intake)
    before = _version(orch, signal_id)

    orch.cases.hand_over(users.aandachtsfunctionaris, signal_id, "Wijchen", REDEN)

    assert _version(orch, signal_id) == before + 1
    with pytest.raises(NotFound):
        orch.complete_task(users.aandachtsfunctionaris, route.open_task(signal_id).id, {})
