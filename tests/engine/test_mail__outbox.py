"""Mail through the outbox to a local SMTP server (aiosmtpd): what arrives, to whom, and that
it carries a step and a link only — never anything about the signal or the people in it."""
from __future__ import annotations

import datetime as dt
import logging

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select, update

from engine.mail.mail import NoDelivery, SmtpMailer, mailer_from_url
from engine.mail.outbox import MailConfig, digest_slot
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import mail_bericht, mail_bijlage, mail_stand, process_instance, timer
from tests.engine.monitor_actions import add_ketenregisseur, make_regions
from tests.engine.route_actions import VERRIJKT, beoordeeld
from tests.engine.smtp_actions import free_port, local_smtp

SITE = "https://signaalroute.gemeente.test"
PERSONAL = {"omschrijving": "Vrouw met blauwe jas slaapt in de kelder", "locatie": "Kelderweg 7, Nijmegen",
            "melder": {"naam": "Petra Pieters", "afdeling": "Burgerzaken", "contact": "06-11122233"}}


_free_port = free_port


@pytest.fixture
def smtp():
    with local_smtp() as server:
        yield server


@pytest.fixture
def mail(orchestrator, smtp):
    controller, inbox = smtp
    orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", controller.port, sender="route@gemeente.test"),
                                           site_url=SITE))
    return inbox


def _text(message) -> str:
    return f"{message['Subject']}\n{message.get_content()}"


def _assert_no_personal_data(message, reference: str | None = None):
    text = _text(message)
    for value in ("blauwe jas", "Kelderweg", "Petra", "Pieters", "06-111", "Burgerzaken"):
        assert value not in text
    if reference:
        assert reference not in text


def test_a_new_task_mails_the_people_of_its_role_step_and_link_only(route, orchestrator, users, intake, mail):
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
    orchestrator.save_mail_settings(users.analist_elders, email="arno@gemeente.test", wijze="direct")
    started = route.report(intake(**PERSONAL))
    task = route.open_task(started.signal_id, "task_verrijken")

    result = orchestrator.mail_pass()

    assert result["verzonden"] == 1
    [message] = mail.to("anna@gemeente.test")
    assert message["Subject"] == "Signaalroute: nieuwe taak 'Signaal verrijken'"
    assert message["From"] == "route@gemeente.test"
    assert f"{SITE}/taken/{task.id}" in message.get_content()
    _assert_no_personal_data(message, started.referentie)
    assert mail.to("arno@gemeente.test") == []  # Arnhem's analist: not his municipality
    assert orchestrator.mail_pass()["verzonden"] == 0  # sent once


def test_a_regional_role_is_mailed_for_its_own_region_only(route, orchestrator, users, intake, mail):
    """A zvh granted for Gelderland-Midden hears nothing of a Nijmegen (Gelderland-Zuid) case."""
    with orchestrator.db.write() as conn:
        zuid, midden = ensure_regio(conn, "Gelderland-Zuid"), ensure_regio(conn, "Gelderland-Midden")
        assign_gemeente(conn, zuid, ensure_gemeente(conn, "Nijmegen"))
        assign_gemeente(conn, midden, ensure_gemeente(conn, "Arnhem"))
        ids = {name: add_user(conn, f"zvh-{name}", now=orchestrator.clock.now(), roles=["zvh"], gemeente_naam=None,
                              regio_naam=regio)
               for name, regio in (("zuid", "Gelderland-Zuid"), ("midden", "Gelderland-Midden"))}
    for name, user_id in ids.items():
        orchestrator.save_mail_settings(orchestrator.actor(user_id), email=f"{name}@zvh.test", wijze="direct")
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(strafrecht=True))
    mail.take()

    orchestrator.mail_pass()

    [message] = mail.to("zuid@zvh.test")
    assert "Regie zorg- en strafrechtelijk traject" in message["Subject"]
    assert mail.to("midden@zvh.test") == []


def test_reassigning_mails_the_new_assignee(route, orchestrator, users, intake, mail, manager_factory, person_factory):
    bram = person_factory("analist-2", "analist", "Nijmegen", "Bram Analist")
    orchestrator.save_mail_settings(bram, email="bram@gemeente.test", wijze="direct")
    started = route.report(intake(**PERSONAL))
    orchestrator.mail_pass()
    mail.take()
    task = route.open_task(started.signal_id)
    orchestrator.managers.reassign(manager_factory("manager", ["Nijmegen"]), task.id, bram.id)
    orchestrator.mail_pass()
    [(rcpt, message)] = mail.take()
    assert rcpt == ["bram@gemeente.test"]
    assert message["Subject"] == "Signaalroute: taak 'Signaal verrijken' is aan u toegewezen"
    _assert_no_personal_data(message, started.referentie)


def test_a_passed_deadline_mails_the_assignee_once(route, orchestrator, users, intake, mail, clock):
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
    orchestrator.save_mail_settings(users.aandachtsfunctionaris, email="frits@gemeente.test", wijze="direct")
    a = route.report(intake(**PERSONAL))
    b = route.report(intake())
    route.complete(b.signal_id, "task_verrijken", VERRIJKT)  # b waits for the aandachtsfunctionaris (10 days)
    orchestrator.claim(users.analist, route.open_task(a.signal_id).id)
    orchestrator.mail_pass()
    mail.take()

    clock.advance(dt.timedelta(days=5, minutes=1))
    orchestrator.fire_due_timers()
    assert orchestrator.mail_pass()["te_laat_taken"] == 1
    [(rcpt, message)] = mail.take()
    assert rcpt == ["anna@gemeente.test"]
    assert message["Subject"] == "Signaalroute: deadline verstreken voor 'Signaal verrijken'"
    _assert_no_personal_data(message, a.referentie)
    assert orchestrator.mail_pass()["te_laat_taken"] == 0 and mail.take() == []

    clock.advance(dt.timedelta(days=5))  # b's deadline, no one holds it: the role gets it
    orchestrator.mail_pass()
    assert [rcpt for rcpt, _ in mail.take()] == [["frits@gemeente.test"]]


def test_digest_people_get_one_mail_a_day_and_managers_a_summary(route, orchestrator, users, intake, mail, clock,
                                                                  manager_factory):
    manager = manager_factory("manager", ["Nijmegen"], "Mara Manager")
    orchestrator.save_mail_settings(manager, email="mara@gemeente.test", wijze="dagelijks")
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="dagelijks")
    orchestrator.mail_pass()  # 10:00 in Amsterdam: today's digests go (nothing in them for Anna yet)
    first = mail.take()
    assert [rcpt for rcpt, _ in first] == [["mara@gemeente.test"]]
    assert "0 taken over hun deadline" in first[0][1].get_content()

    started = route.report(intake(**PERSONAL))
    route.report(intake())
    assert orchestrator.mail_pass()["verzonden"] == 0  # Anna wants one mail a day
    assert mail.take() == []

    clock.set(dt.datetime(2026, 1, 6, 5, 59, tzinfo=dt.UTC))  # 6:59 in Amsterdam: not yet
    orchestrator.mail_pass()
    assert mail.take() == []
    clock.set(dt.datetime(2026, 1, 6, 6, 0, tzinfo=dt.UTC))
    orchestrator.mail_pass()
    received = dict((rcpt[0], message) for rcpt, message in mail.take())
    assert set(received) == {"anna@gemeente.test", "mara@gemeente.test"}
    anna = received["anna@gemeente.test"].get_content()
    assert anna.count("Nieuwe taak: Signaal verrijken") == 2 and f"{SITE}/taken/" in anna
    mara = received["mara@gemeente.test"].get_content()
    assert "0 taken over hun deadline, 0 binnen 2 dagen" in mara  # due in 4 days: not soon yet
    assert f"{SITE}/overzicht" in mara
    for message in received.values():
        _assert_no_personal_data(message, started.referentie)
    orchestrator.mail_pass()
    assert mail.take() == []  # once a day


def test_an_unreachable_server_is_retried_and_then_delivers(route, orchestrator, users, intake, smtp, clock):
    controller, inbox = smtp
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
    orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", _free_port(), sender="r@g.test", timeout=2),
                                           site_url=SITE))
    route.report(intake())
    assert orchestrator.mail_pass()["opnieuw"] == 1
    with orchestrator.db.read() as conn:
        row = conn.execute(select(mail_bericht)).one()
    assert (row.status, row.pogingen) == ("wachtend", 1) and row.fout
    orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", controller.port, sender="r@g.test"),
                                           site_url=SITE))
    assert orchestrator.mail_pass()["verzonden"] == 0  # backing off
    clock.advance(dt.timedelta(minutes=5))
    assert orchestrator.mail_pass()["verzonden"] == 1
    assert len(inbox.to("anna@gemeente.test")) == 1


def test_without_mail_url_mail_is_recorded_as_not_delivered_and_only_its_id_and_kind_logged(
        route, orchestrator, users, intake, caplog):
    orchestrator.configure_mail(MailConfig(mailer=mailer_from_url(None), site_url=SITE))
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
    route.report(intake(**PERSONAL))
    with caplog.at_level(logging.DEBUG):
        result = orchestrator.mail_pass()

    assert (result["verzonden"], result["niet_bezorgd"]) == (0, 1)
    with orchestrator.db.read() as conn:
        row = conn.execute(select(mail_bericht)).one()
    assert (row.status, row.sent_at) == ("niet_bezorgd", None) and "MAIL_URL" in row.fout
    assert f"mail {row.id} (klaargezet) not delivered: mail delivery is off" in caplog.text
    for leak in ("anna@", "Signaal verrijken", "/taken/", "Kelderweg"):
        assert leak not in caplog.text
    assert orchestrator.mail_pass()["niet_bezorgd"] == 0  # recorded once, not retried


def test_a_refused_recipient_is_logged_and_recorded_without_the_address(route, orchestrator, users, intake, caplog):
    class Refusing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 <anna@gemeente.test>: mailbox unavailable"

    controller = Controller(Refusing(), hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", controller.port, sender="r@g.test"),
                                               site_url=SITE))
        orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
        route.report(intake())
        with caplog.at_level(logging.DEBUG):
            assert orchestrator.mail_pass()["opnieuw"] == 1
    finally:
        controller.stop()
    with orchestrator.db.read() as conn:
        row = conn.execute(select(mail_bericht)).one()
    assert "SMTPRecipientsRefused" in row.fout and "550" in row.fout
    assert "anna@" not in row.fout and "gemeente.test" not in row.fout
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("engine"))  # not the test server's
    assert f"mail {row.id} (klaargezet) not sent" in ours and "anna@" not in ours


def test_settings_are_validated(orchestrator, users):
    from engine.errors import FieldErrors

    with pytest.raises(FieldErrors) as error:
        orchestrator.save_mail_settings(users.analist, email="geen-adres", wijze="wekelijks")
    assert set(error.value.fields) == {"email", "wijze"}
    orchestrator.save_mail_settings(users.analist, email=" anna@gemeente.test ", wijze="dagelijks")
    assert orchestrator.mail_settings(users.analist) == {"email": "anna@gemeente.test", "wijze": "dagelijks"}
    orchestrator.save_mail_settings(users.analist, email="", wijze="direct")
    assert orchestrator.mail_settings(users.analist) == {"email": None, "wijze": "direct"}


def test_mail_url_forms():
    assert isinstance(mailer_from_url(""), NoDelivery)
    plain = mailer_from_url("smtp://mail.gemeente.test")
    assert (plain.host, plain.port, plain.tls, plain.starttls, plain.username) == ("mail.gemeente.test", 25, False,
                                                                                   False, None)
    secure = mailer_from_url("smtp://route%40g.test:ge%2Fheim@mail.test:587?starttls=1")
    assert (secure.port, secure.starttls, secure.username, secure.password) == (587, True, "route@g.test", "ge/heim")
    assert mailer_from_url("smtps://mail.test").port == 465
    with pytest.raises(ValueError):
        mailer_from_url("http://mail.test")


def test_digest_slot_is_seven_in_amsterdam():
    winter = dt.datetime(2026, 1, 6, 5, 0, tzinfo=dt.UTC)  # 6:00 local: yesterday's slot
    assert digest_slot(winter, 7) == dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
    summer = dt.datetime(2026, 7, 6, 5, 30, tzinfo=dt.UTC)  # 7:30 local (CEST)
    assert digest_slot(summer, 7) == dt.datetime(2026, 7, 6, 5, 0, tzinfo=dt.UTC)


def _lose_the_last_commit(orchestrator, instance_id: int, instance_row, timer_rows) -> None:
    """What a crash does to a timer pass whose commit (``synchronous_commit=off``) never reached
    the disk: the instance and its timers are as before the firing, so the timer is due again.
    The outbox row that firing queued is kept, as if it had been sent before the crash — the
    case an idempotency key guards."""
    with orchestrator.db.write() as conn:
        conn.execute(update(process_instance).where(process_instance.c.id == instance_id)
                     .values(**{k: v for k, v in instance_row._mapping.items() if k != "id"}))
        kept = [r.id for r in timer_rows]
        conn.execute(delete(timer).where(timer.c.instance_id == instance_id, timer.c.id.not_in(kept)))
        for r in timer_rows:
            conn.execute(update(timer).where(timer.c.id == r.id).values(**{k: v for k, v in r._mapping.items()
                                                                            if k != "id"}))


def test_a_timer_fired_again_after_a_lost_commit_mails_once(route, orchestrator, users, intake, mail, clock):
    """The regie's follow-up cycle opens a task for the aandachtsfunctionaris; fired twice from
    the same state, it queues one outbox row and sends one mail."""
    orchestrator.save_mail_settings(users.aandachtsfunctionaris, email="frits@gemeente.test", wijze="direct")
    started = route.report(intake())
    route.complete(started.signal_id, "task_verrijken", VERRIJKT)
    route.complete(started.signal_id, "task_beoordelen", beoordeeld(aanleiding=True, ondermijnend=True))
    orchestrator.mail_pass()
    mail.take()
    with orchestrator.db.read() as conn:
        instance_row = conn.execute(select(process_instance)
                                    .where(process_instance.c.id == started.instance_id)).one()
        timer_rows = conn.execute(select(timer).where(timer.c.instance_id == started.instance_id)).all()

    clock.advance(dt.timedelta(days=15))  # the 14-day follow-up falls due
    assert len(orchestrator.fire_due_timers()) == 1
    orchestrator.mail_pass()
    [(rcpt, message)] = mail.take()
    assert rcpt == ["frits@gemeente.test"] and "Terugkoppeling regie" in message["Subject"]

    _lose_the_last_commit(orchestrator, started.instance_id, instance_row, timer_rows)
    assert len(orchestrator.fire_due_timers()) == 1  # the same timer, fired again from the same state
    assert orchestrator.mail_pass()["verzonden"] == 0
    assert mail.take() == []
    with orchestrator.db.read() as conn:
        rows = conn.execute(select(mail_bericht.c.sleutel).where(mail_bericht.c.soort == "klaargezet",
                                                                 mail_bericht.c.stap.like("Terugkoppeling%"))).all()
    assert len(rows) == 1
    assert rows[0].sleutel.startswith(f"klaargezet:{started.instance_id}.{instance_row.version + 1}:")


def test_a_deadline_scanned_again_mails_once(route, orchestrator, users, intake, mail, clock):
    """The overdue scan's progress mark lost (rescanned from before): no second mail."""
    orchestrator.save_mail_settings(users.analist, email="anna@gemeente.test", wijze="direct")
    route.report(intake())
    orchestrator.mail_pass()
    mail.take()
    clock.advance(dt.timedelta(days=5, minutes=1))
    assert orchestrator.mail_pass()["te_laat_taken"] == 1
    assert len(mail.take()) == 1
    with orchestrator.db.write() as conn:
        conn.execute(update(mail_stand).values(tot=clock.now() - dt.timedelta(days=1)))

    assert orchestrator.mail_pass()["te_laat_taken"] == 1  # found again ...
    assert mail.take() == []  # ... and not mailed again


def test_a_report_mail_keeps_its_files_while_it_is_retried_and_sends_them_on_its_own(orchestrator, smtp, clock):
    """A row with files (the monitoring report) wants to go at once even to who chose the daily digest; a failed
    attempt is not 'verzonden' and keeps the files; the delivered mail carries them, and then they are gone."""
    controller, inbox = smtp
    now = clock.now()
    with orchestrator.db.write() as conn:
        regions = make_regions(conn, now)
        keten = add_ketenregisseur(conn, "keten", regions["zuid"], now)
        manager = add_user(conn, "manager-nijmegen", now=now, roles=["manager"], gemeente_naam="Nijmegen")
    orchestrator.save_mail_settings(orchestrator.actor(keten), email="keten@example.org", wijze="dagelijks")
    orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", _free_port(), sender="r@g.test", timeout=2),
                                           site_url=SITE))
    pdf = b"%PDF-1.7 rapport"
    assert orchestrator.monitor.mail_report(orchestrator.actor(manager), jaar=2026, halfjaar=1,
                                            render_pdf=lambda data: pdf) == 1
    assert orchestrator.mail_pass()["opnieuw"] == 1
    with orchestrator.db.read() as conn:
        row = conn.execute(select(mail_bericht).where(mail_bericht.c.soort == "monitorrapport")).one()
        assert conn.execute(select(mail_bijlage.c.id)).all()  # kept while it may still be sent
    assert (row.status, row.sent_at) == ("wachtend", None)

    orchestrator.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", controller.port, sender="r@g.test"),
                                           site_url=SITE))
    clock.advance(dt.timedelta(minutes=5))
    assert orchestrator.mail_pass()["verzonden"] == 1
    [message] = inbox.to("keten@example.org")
    attached = {part.get_filename(): (part.get_content_type(), part.get_content()) for part in message.iter_attachments()}
    assert attached["monitoring-mensenhandel-2026-H1.pdf"] == ("application/pdf", pdf)
    assert attached["monitoring-mensenhandel-2026-H1.xlsx"][0] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with orchestrator.db.read() as conn:
        assert conn.execute(select(mail_bericht.c.status).where(mail_bericht.c.id == row.id)).scalar_one() == "verzonden"
        assert conn.execute(select(mail_bijlage.c.id)).all() == []
