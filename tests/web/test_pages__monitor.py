"""The regional monitor's page, its report as PDF and Excel (read back with pypdf and openpyxl) and the mail to
the ketenregisseur: no count of 1 to 4 as a number anywhere, no personal data, downloads and mails logged."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select, update

from engine.mail.mail import SmtpMailer
from engine.mail.outbox import MailConfig
from engine.people.users import add_user
from engine.store.schema import audit_event, mail_bericht, mail_bijlage, mail_instelling, user
from tests.engine.monitor_actions import add_ketenregisseur, make_regions, register_with_veilig_thuis
from tests.engine.smtp_actions import local_smtp
from tests.web.admin_actions import sign_in_beheerder
from tests.web.pages_actions import Browser

PERSONAL = ("Karel", "Kroon", "06-98765432", "Geheimweg", "rode jas", "Team Zeldzaam")
SMALL = {"1", "2", "3", "4"}
SITE = "https://signaalroute.gemeente.test"


@pytest.fixture
def region(orchestrator, page_users, clock, _password_hash):
    """Nijmegen and Wijchen in Gelderland-Zuid with a ketenregisseur (with a mail address and a password);
    8 signals in Nijmegen (6 from Burgerzaken, 2 from a small team with personal details), 1 in Wijchen."""
    now = clock.now()
    with orchestrator.db.write() as conn:
        regions = make_regions(conn, now)
        keten = add_ketenregisseur(conn, "keten", regions["zuid"], now)
        conn.execute(update(user).where(user.c.id == keten).values(password_hash=_password_hash))
        conn.execute(mail_instelling.insert().values(user_id=keten, email="keten@example.org", wijze="direct",
                                                     updated_at=now))
        wijchen_melder = add_user(conn, "melder-wijchen", now=now, roles=["melder"], gemeente_naam="Wijchen")
    melder = page_users["melder"]
    for i in range(8):
        afdeling = "Burgerzaken" if i < 6 else "Team Zeldzaam"
        orchestrator.report_signal(melder, {
            "gemeente": "Nijmegen", "omschrijving": "Vrouw in rode jas wordt elke nacht opgehaald",
            "locatie": "Geheimweg 12, Nijmegen", "uitbuitingsvormen": ["seksueel"], "minderjarige": "nee",
            "sector": "horeca" if i < 5 else "bouw",
            "melder": {"naam": "Karel Kroon", "afdeling": afdeling, "contact": "06-98765432"}})
    wijchen = orchestrator.report_signal(orchestrator.actor(wijchen_melder), {
        "gemeente": "Wijchen", "omschrijving": "Busjes 's nachts.", "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"})
    with orchestrator.db.write() as conn:
        register_with_veilig_thuis(conn, wijchen.signal_id, now)
    return {"keten": keten, "zuid": regions["zuid"]}


def _as(app, username) -> Browser:
    other = Browser(app.test_client())
    assert other.login(username).status_code == 302
    return other


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r'<td class="utrecht-table__cell[^"]*">(.*?)</td>', html)]


@pytest.mark.parametrize("who", ["manager", "af", "keten"])
def test_the_page_shows_the_region_side_by_side(app, region, who):
    page = _as(app, who).client.get("/overzicht/monitor?jaar=2026&halfjaar=1")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Regionale monitor mensenhandel" in html and "Totaal Gelderland-Zuid" in html
    assert ">Nijmegen<" in html and ">Wijchen<" in html
    assert "Burgerzaken" in html and "&lt;5" in html
    cells = _cells(html)
    assert cells and not SMALL & set(cells), "a count of 1 to 4 is shown as a number"
    for personal in PERSONAL:
        assert personal not in html


def test_each_period_shows_its_own_counts(app, region):
    manager = _as(app, "manager")
    q1 = _cells(manager.client.get("/overzicht/monitor?jaar=2026&halfjaar=1&periode=1").get_data(as_text=True))
    q2 = _cells(manager.client.get("/overzicht/monitor?jaar=2026&halfjaar=1&periode=2").get_data(as_text=True))
    assert "x" in q1 and "8" not in q2  # Q2 had no signals: nothing counted there (a 0 may be hidden as x)
    assert {c for c in q2 if c.isdigit()} == {"0"}


def test_others_get_no_monitor_and_bad_input_names_the_field(app, region):
    assert _as(app, "analist").client.get("/overzicht/monitor").status_code == 403
    manager = _as(app, "manager")
    page = manager.client.get("/overzicht/monitor?jaar=twintig&halfjaar=1")
    assert page.status_code == 422 and "Jaar: vul een geheel getal in" in page.get_data(as_text=True)
    page = manager.client.get("/overzicht/monitor?jaar=2026&halfjaar=3")
    assert page.status_code == 422 and "Halfjaar: kies het eerste (1) of tweede (2) halfjaar" in page.get_data(as_text=True)


def test_the_pdf_report_reads_back_without_small_numbers_or_personal_data(app, orchestrator, region):
    response = _as(app, "keten").client.get("/overzicht/monitor/rapport.pdf?jaar=2026&halfjaar=1")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    _assert_pdf_clean(response.data, orchestrator, region)


def _assert_pdf_clean(body: bytes, orchestrator, region) -> None:
    """The report's PDF: the region's report, no personal data, no count of 1 to 4 in any table row."""
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert "Monitoring mensenhandel Gelderland-Zuid" in text and "<5" in text and "Verantwoording" in text
    for personal in PERSONAL:
        assert personal not in text
    # every table row: a category, then its values per municipality and the region
    keten = orchestrator.actor(region["keten"])
    names = {row["naam"] for t in orchestrator.monitor.figures(keten, jaar=2026, halfjaar=1)["tabellen"]
             for row in t["rijen"]}
    rows = [line for line in text.splitlines() if any(line.startswith(name + " ") for name in names)]
    assert len(rows) > 10
    for line in rows:
        name = max((n for n in names if line.startswith(n + " ")), key=len)
        assert not SMALL & set(line[len(name):].split()), line


def test_the_excel_report_reads_back_without_small_numbers_or_personal_data(app, orchestrator, region):
    response = _as(app, "manager").client.get("/overzicht/monitor/rapport.xlsx?jaar=2026&halfjaar=1")
    assert response.status_code == 200
    _assert_workbook_clean(response.data)
    with orchestrator.db.read() as conn:
        logged = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "monitorrapport_gedownload")).all()
    assert [e.detail["bestand"] for e in logged] == ["xlsx"]


def _assert_workbook_clean(body: bytes) -> None:
    """The report's workbook: no count of 1 to 4 as a number or text, no personal data."""
    book = load_workbook(io.BytesIO(body))
    values = [v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert not [v for v in values if isinstance(v, (int, float)) and 1 <= v <= 4]
    assert not [v for v in values if isinstance(v, str) and v.strip() in SMALL]
    text = " ".join(map(str, values))
    assert "<5" in text and "Burgerzaken" in text
    for personal in PERSONAL:
        assert personal not in text


def _mail_report(app, who: str = "manager"):
    """Press *Mail het rapport naar de ketenregisseur* as ``who``; the page shown after."""
    browser = _as(app, who)
    response = browser.client.post("/overzicht/monitor/rapport/mailen", data={
        "jaar": "2026", "halfjaar": "1", "csrf_token": browser.token("/overzicht/monitor")})
    assert response.status_code == 303
    return browser.client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_ketenregisseur_receives_one_mail_with_the_pdf_and_the_workbook(app, orchestrator, region, clock):
    """Over a local SMTP server: one mail, on its own although she chose the daily digest, with the report as PDF
    and xlsx that read back without small numbers or personal data; a ketenregisseur without an address gets
    nothing; the files are not kept once the mail is sent."""
    now = clock.now()
    with orchestrator.db.write() as conn:
        conn.execute(update(mail_instelling).where(mail_instelling.c.user_id == region["keten"]).values(wijze="dagelijks"))
        without_address = add_ketenregisseur(conn, "keten-zonder-adres", region["zuid"], now)
        conn.execute(mail_instelling.insert().values(user_id=without_address, email=None, wijze="direct",
                                                     updated_at=now))
    with local_smtp() as (controller, inbox):
        for each in (orchestrator, app.extensions["signaalroute"]):  # the test's and the app's
            each.configure_mail(MailConfig(mailer=SmtpMailer("127.0.0.1", controller.port,
                                                             sender="route@gemeente.test"), site_url=SITE))
        page = _mail_report(app)
        assert "in de wachtrij voor 1 ketenregisseur(s)" in page and "maildienst staat uit" not in page
        result = orchestrator.mail_pass()
        assert result["verzonden"] == 1
        received = inbox.take()
    [(recipients, message)] = received
    assert recipients == ["keten@example.org"]
    assert message["Subject"] == "Signaalroute: monitoringsrapport Gelderland-Zuid, 1e halfjaar 2026"
    body = message.get_body(("plain",)).get_content()
    assert f"{SITE}/overzicht/monitor?regio={region['zuid']}" in body
    files = {part.get_filename(): part for part in message.iter_attachments()}
    assert {name: part.get_content_type() for name, part in files.items()} == {
        "monitoring-mensenhandel-2026-H1.pdf": "application/pdf",
        "monitoring-mensenhandel-2026-H1.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    _assert_pdf_clean(files["monitoring-mensenhandel-2026-H1.pdf"].get_content(), orchestrator, region)
    _assert_workbook_clean(files["monitoring-mensenhandel-2026-H1.xlsx"].get_content())
    for personal in PERSONAL:
        assert personal not in body
    with orchestrator.db.read() as conn:
        rows = conn.execute(select(mail_bericht.c.user_id, mail_bericht.c.status)
                            .where(mail_bericht.c.soort == "monitorrapport")).all()
        kept = conn.execute(select(func.count()).select_from(mail_bijlage)).scalar_one()
    assert [(r.user_id, r.status) for r in rows] == [(region["keten"], "verzonden")]
    assert kept == 0  # sent: its files are not kept


def test_no_ketenregisseur_with_an_address_gets_nothing_and_the_page_says_so(app, orchestrator, region):
    with orchestrator.db.write() as conn:
        conn.execute(update(mail_instelling).where(mail_instelling.c.user_id == region["keten"]).values(email=None))
    page = _mail_report(app)
    assert "Er is niets verstuurd: geen ketenregisseur van deze regio heeft een e-mailadres ingesteld." in page
    with orchestrator.db.read() as conn:
        assert conn.execute(select(func.count()).select_from(mail_bericht)
                            .where(mail_bericht.c.soort == "monitorrapport")).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(mail_bijlage)).scalar_one() == 0
        logged = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "monitorrapport_gemaild")).all()
    assert [e.detail["ontvangers"] for e in logged] == [0]


def test_mailing_queues_for_the_ketenregisseur_and_never_says_sent(app, orchestrator, region, clock, _password_hash):
    manager = _as(app, "manager")
    response = manager.client.post("/overzicht/monitor/rapport/mailen", data={"jaar": "2026", "halfjaar": "1",
                                                                             "csrf_token": manager.token("/overzicht/monitor")})
    assert response.status_code == 303
    page = manager.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "maildienst staat uit" in page  # no MAIL_URL in the tests: it is not sent, and the page says so
    orchestrator.mail_pass()
    with orchestrator.db.read() as conn:
        rows = conn.execute(select(mail_bericht.c.user_id, mail_bericht.c.status, mail_bericht.c.sent_at)
                            .where(mail_bericht.c.soort == "monitorrapport")).all()
        logged = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "monitorrapport_gemaild")).all()
        kept = conn.execute(select(func.count()).select_from(mail_bijlage)).scalar_one()
    assert [(r.user_id, r.status, r.sent_at) for r in rows] == [(region["keten"], "niet_bezorgd", None)]
    assert kept == 0  # not delivered, for good: its files are not kept
    assert logged[0].detail["ontvangers"] == 1
    beheer = sign_in_beheerder(app, orchestrator, clock, _password_hash).client.get("/beheer/mail").get_data(as_text=True)
    assert "Monitoringsrapport" in beheer and "Niet bezorgd (maildienst uit)" in beheer
