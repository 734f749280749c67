"""The reporter hears that their signal was handled, and in which general way — never details.

Closed (``afgesloten``), handled by the municipality (``gemeente``) or passed to a chain partner
(``ketenpartner``): on the signal, in Mijn meldingen, and by mail (outbox row in the command's
transaction), once per change.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.definitions.package import ProcessPackage
from engine.errors import DeployRejected
from engine.mail.mail import Mail
from engine.mail.outbox import MailConfig, compose
from engine.runtime.projections import Projection, update_feedback
from engine.store.schema import mail_bericht
from tests.db_views import audit_events
from tests.engine.route_actions import (
    LOCATIE,
    LOCATION_PROCESS,
    NIET_VERRIJKT,
    REGIE,
    REGULIERE_HULP,
    VERRIJKT,
    beoordeeld,
    package_with,
)

PERSONAL = {"omschrijving": "Vrouw met blauwe jas slaapt in de kelder", "locatie": "Kelderweg 7, Nijmegen"}


class Outbox:
    """A mailer that keeps what it is given (the SMTP path is tests/engine/test_mail__outbox.py)."""

    def __init__(self):
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


def _feedback_rows(orchestrator):
    with orchestrator.db.read() as conn:
        return conn.execute(select(mail_bericht).where(mail_bericht.c.soort == "terugkoppeling")
                            .order_by(mail_bericht.c.id)).all()


def test_routing_to_a_chain_partner_tells_the_reporter_in_general_words_only(route, orchestrator, users, intake):
    orchestrator.save_mail_settings(users.melder, email="mila@gemeente.test", wijze="direct")
    outbox = Outbox()
    orchestrator.configure_mail(MailConfig(mailer=outbox, site_url="https://route.test"))
    started = route.report(intake(**PERSONAL))
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    assert _feedback_rows(orchestrator) == []  # nothing to tell while it is being looked into

    route.complete(started.signal_id, "task_beoordelen", beoordeeld(ondermijnend=True))

    assert route.signal_row(started.signal_id).terugkoppeling == "ketenpartner"
    [row] = _feedback_rows(orchestrator)
    assert (row.user_id, row.stap, row.link) == (users.melder.id, started.referentie, "/mijn-meldingen")
    orchestrator.mail_pass()
    [mail] = outbox.sent
    assert mail.aan == "mila@gemeente.test"
    assert "doorgegeven aan een ketenpartner" in mail.tekst and "https://route.test/mijn-meldingen" in mail.tekst
    for detail in ("RIEC", "riec", "blauwe jas", "Kelderweg", "ondermijn", "Rik"):
        assert detail not in mail.onderwerp + mail.tekst
    [mine] = orchestrator.my_signals(users.melder)
    assert mine["terugkoppeling_tekst"] == "Uw melding is afgehandeld: het signaal is doorgegeven aan een ketenpartner."


def test_the_reporter_is_told_once_not_again_when_the_case_closes_the_same_way(route, orchestrator, users, intake):
    orchestrator.save_mail_settings(users.melder, email="mila@gemeente.test", wijze="direct")
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(strafrecht=True)),
                                   ("task_regie_zvh", REGIE)])

    assert len(_feedback_rows(orchestrator)) == 1
    assert [e.actie for e in route.audit(started.signal_id)].count("melder_teruggekoppeld") == 1
    assert route.signal_row(started.signal_id).uitkomst == "Zorg- en strafrechtelijk traject gestart"


@pytest.mark.parametrize(("steps", "kind", "text"), [
    ([("task_verrijken", NIET_VERRIJKT)], "afgesloten", "na onderzoek is het signaal afgesloten"),
    ([("task_verrijken", VERRIJKT), ("task_beoordelen", beoordeeld(aanleiding=False)),
      ("task_gemeentelijke_opvolging", REGULIERE_HULP)], "gemeente",
     "de gemeente pakt het signaal verder op"),
], ids=["afgesloten", "gemeente"])
def test_a_closed_signal_tells_what_its_end_event_says(route, orchestrator, users, intake, steps, kind, text):
    started = route.report(intake())
    route.walk(started.signal_id, steps)

    assert route.signal_row(started.signal_id).terugkoppeling == kind
    assert text in orchestrator.my_signals(users.melder)[0]["terugkoppeling_tekst"]
    assert orchestrator.signal(users.melder, started.signal_id)["terugkoppeling"] == kind


def test_without_a_mail_address_the_reporter_sees_it_in_mijn_meldingen_only(route, orchestrator, users, intake):
    started = route.report(intake())
    route.walk(started.signal_id, [("task_verrijken", NIET_VERRIJKT)])

    assert _feedback_rows(orchestrator) == []
    assert orchestrator.my_signals(users.melder)[0]["terugkoppeling"] == "afgesloten"


def test_the_feedback_mail_names_the_reference_and_the_general_outcome_only(route, orchestrator, users, intake):
    orchestrator.save_mail_settings(users.melder, email="mila@gemeente.test", wijze="dagelijks")
    started = route.report(intake(**PERSONAL))
    route.walk(started.signal_id, [("task_verrijken", NIET_VERRIJKT)])
    [row] = _feedback_rows(orchestrator)

    subject, text = compose(row, "https://route.test")

    assert subject == f"Signaalroute: uw melding {started.referentie} is afgehandeld"
    assert text.startswith("Uw melding is afgehandeld: na onderzoek is het signaal afgesloten.")
    assert "Kelderweg" not in text and "blauwe jas" not in text


def test_a_reporter_who_wants_one_mail_a_day_finds_it_in_the_digest(route, orchestrator, users, intake, clock):
    orchestrator.save_mail_settings(users.melder, email="mila@gemeente.test", wijze="dagelijks")
    outbox = Outbox()
    orchestrator.configure_mail(MailConfig(mailer=outbox, site_url="https://route.test"))
    started = route.report(intake(**PERSONAL))
    route.walk(started.signal_id, [("task_verrijken", NIET_VERRIJKT)])
    clock.advance(dt.timedelta(days=1))

    orchestrator.mail_pass()

    [digest] = [m for m in outbox.sent if m.aan == "mila@gemeente.test"]
    assert f"- Uw melding is afgehandeld: {started.referentie} — https://route.test/mijn-meldingen" in digest.tekst
    assert "Kelderweg" not in digest.tekst and "blauwe jas" not in digest.tekst


def test_a_location_signal_reported_with_the_normal_intake_closes_with_feedback(route, orchestrator, users, intake):
    orchestrator.deploy_folder(LOCATION_PROCESS)
    started = route.report(intake(), proces="locatie-in-beeld")
    route.walk(started.signal_id, [("task_locatie_vastleggen", LOCATIE),
                                   ("task_signalenoverleg", {"besluit_casustafel": "riec_casus"})])

    row = route.signal_row(started.signal_id)
    assert (row.route, row.convenant, row.terugkoppeling) == ("riec", "riec", "ketenpartner")
    assert route.open_task(started.signal_id).bpmn_id == "task_regie_riec"
    page = orchestrator.signal(users.melder, started.signal_id)
    assert "RIEC" not in str(page) and "riec" not in str({k: v for k, v in page.items() if k != "terugkoppeling"})


def test_an_unknown_feedback_kind_or_case_table_is_rejected_at_deploy(orchestrator):
    package = ProcessPackage.from_folder(LOCATION_PROCESS)
    bad = package_with(package, **{"locatie-in-beeld.bpmn": lambda text: text.replace(
        'name="terugkoppeling" value="afgesloten"', 'name="terugkoppeling" value="alles_vertellen"').replace(
        'name="casustafel" value="signalenoverleg"', 'name="casustafel" value="koffietafel"')})

    with pytest.raises(DeployRejected) as rejected:
        orchestrator.deploy(bad)

    problems = {(p.element_id, p.message.split(" (")[0]) for p in rejected.value.problems}
    assert ("end_geen_actie", "onbekende terugkoppeling 'alles_vertellen'") in problems
    assert ("task_signalenoverleg", "onbekende casustafel 'koffietafel'") in problems


def test_a_table_decision_for_a_role_that_does_not_sit_at_the_table_is_rejected_at_deploy(orchestrator):
    bad = package_with(ProcessPackage.from_folder(LOCATION_PROCESS), **{"locatie-in-beeld.bpmn": lambda text: text.replace(
        '<spiffworkflow:property name="rol" value="aandachtsfunctionaris" />\n'
        '          <spiffworkflow:property name="formulier" value="locatie-besluit" />',
        '<spiffworkflow:property name="rol" value="zorgcoordinator" />\n'
        '          <spiffworkflow:property name="formulier" value="locatie-besluit" />')})

    with pytest.raises(DeployRejected) as rejected:
        orchestrator.deploy(bad)

    [problem] = rejected.value.problems
    assert problem.element_id == "task_signalenoverleg"
    assert problem.message.startswith("rol 'zorgcoordinator' zit niet aan de casustafel 'signalenoverleg'")


def test_the_feedback_is_in_the_processing_log_without_personal_data(route, orchestrator, users, intake):
    started = route.report(intake(**PERSONAL))
    route.walk(started.signal_id, [("task_verrijken", NIET_VERRIJKT)])
    [event] = audit_events(orchestrator, "melder_teruggekoppeld")
    assert event.detail == {"terugkoppeling": "afgesloten"} and event.signal_id == started.signal_id


def test_a_feedback_kind_the_signal_already_has_is_not_written_again(route, orchestrator, intake, clock):
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(ondermijnend=True))
    told = route.signal_row(started.signal_id).terugkoppeling
    same = Projection(terugkoppeling=told)

    # No connection: an unchanged kind must not reach the database (the hot path of every command).
    assert update_feedback(None, same, started.signal_id, clock.now(), told_before=told) is None
    with orchestrator.db.write() as conn:
        assert update_feedback(conn, same, started.signal_id, clock.now()) is None  # the row guards too
