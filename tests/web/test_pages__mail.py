"""The beheerder's mail page and /health's ``mail``: without MAIL_URL delivery is off, said so
plainly, and every mail that reached no one is listed — when, kind, status, reason; never the
recipient or the text."""
from __future__ import annotations

import pytest

from engine.mail.mail import SmtpMailer
from engine.mail.outbox import MailConfig
from tests.web.admin_actions import sign_in_beheerder

SITE = "https://signaalroute.gemeente.test"
INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Slaapt met zes anderen in de opslag van de nagelsalon.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"}


@pytest.fixture
def signed_in(app, orchestrator, clock, _password_hash, page_users):
    return sign_in_beheerder(app, orchestrator, clock, _password_hash)


def test_without_mail_url_the_page_says_delivery_is_off_and_lists_what_was_not_delivered(
        signed_in, orchestrator, page_users):
    empty = signed_in.client.get("/beheer/mail")
    assert empty.status_code == 200
    html = empty.get_data(as_text=True)
    assert "De maildienst staat uit." in html and "Er is geen mail die niet aankwam." in html
    assert 'href="/beheer/mail"' in html  # in the beheerder's menu

    orchestrator.save_mail_settings(page_users["analist"], email="anna@gemeente.test", wijze="direct")
    orchestrator.report_signal(page_users["melder"], INTAKE)
    assert orchestrator.mail_pass()["niet_bezorgd"] == 1

    html = signed_in.client.get("/beheer/mail").get_data(as_text=True)
    assert "Nieuwe taak" in html and "Niet bezorgd (maildienst uit)" in html and "MAIL_URL is niet ingesteld" in html
    for leak in ("anna@", "Anna Analist", "Signaal verrijken", "/taken/", "nagelsalon"):
        assert leak not in html


def test_with_a_mail_server_failures_are_listed_and_delivery_is_on(app, signed_in, orchestrator, page_users):
    port = _closed_port()
    for each in (orchestrator, app.extensions["signaalroute"]):  # the test's and the app's
        each.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", port, sender="r@g.test", timeout=2),
                                       site_url=SITE))
    orchestrator.save_mail_settings(page_users["analist"], email="anna@gemeente.test", wijze="direct")
    orchestrator.report_signal(page_users["melder"], INTAKE)
    assert orchestrator.mail_pass()["opnieuw"] == 1

    html = signed_in.client.get("/beheer/mail").get_data(as_text=True)
    assert "De maildienst staat aan" in html
    assert "Mislukt, wordt opnieuw geprobeerd" in html and "ConnectionRefusedError" in html
    assert "anna@" not in html


def test_health_says_mail_delivery_is_off_and_stays_healthy(app, orchestrator, page_users):
    orchestrator.save_mail_settings(page_users["analist"], email="anna@gemeente.test", wijze="direct")
    orchestrator.report_signal(page_users["melder"], INTAKE)
    orchestrator.mail_pass()

    response = app.test_client().get("/health")

    assert response.status_code == 200  # a load balancer keeps the site in service
    body = response.get_json()
    assert body["status"] == "ok"
    assert (body["mail"]["bezorging"], body["mail"]["niet_bezorgd"], body["mail"]["mislukt"]) == ("uit", 1, 0)
    assert "MAIL_URL" in body["mail"]["toelichting"]


def test_health_says_mail_delivery_is_on_with_a_mail_server(app, orchestrator):
    app.extensions["signaalroute"].configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", 25, sender="r@g.test"),
                                                             site_url=SITE))

    body = app.test_client().get("/health").get_json()

    assert body["mail"] == {"bezorging": "aan", "niet_bezorgd": 0, "mislukt": 0}


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
