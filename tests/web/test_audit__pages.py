"""The audit page for the beheerder, a case's "who has seen this", the covenant on case pages, and the CLI."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from engine.store.schema import audit_event
from tests.db_views import audit_events
from tests.people import PEOPLE
from tests.web.pages_actions import Browser, mark_second_factor
from web.cli import main

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Zes mensen slapen boven de nagelsalon aan de Molenstraat.",
          "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "acute_nood": False}


@pytest.fixture
def beheerder(orchestrator, clock, page_users, _password_hash):
    from sqlalchemy import update

    from engine.store.schema import user
    with orchestrator.db.write() as conn:
        user_id = PEOPLE["beheerder"].add(conn, clock.now())
        conn.execute(update(user).where(user.c.id == user_id).values(password_hash=_password_hash))
    return orchestrator.actor(user_id)


def _as(app, username) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    mark_second_factor(app, browser.client)  # two-factor is tested elsewhere; these pages come after it
    return browser


def _routed_to_riec(orchestrator, page_users) -> int:
    outcome = orchestrator.report_signal(page_users["melder"], dict(INTAKE))
    orchestrator.complete_task(page_users["analist"], outcome.nieuwe_taken[0]["id"], {"vermoeden_versterkt": True})
    task = orchestrator.inbox(page_users["af"])["taken"][0]
    orchestrator.complete_task(page_users["af"], task["id"], {"voldoende_aanleiding": True,
                                                              "ondermijnende_criminaliteit": True})
    return outcome.signal_id


def test_the_signal_and_task_pages_show_the_covenant_and_log_the_view(app, orchestrator, page_users):
    signal_id = _routed_to_riec(orchestrator, page_users)
    riec = _as(app, "riec")

    page = riec.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
    assert "Gegevens worden gedeeld onder het <strong>RIEC-convenant</strong>" in page
    assert "Molenstraat" in page and "Mila Melder" not in page  # the case, not who reported it
    task_id = orchestrator.inbox(page_users["riec"])["taken"][0]["id"]
    task_page = riec.client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert "RIEC-convenant" in task_page
    reads = audit_events(orchestrator, "signaal_ingezien")
    assert [(r.user_id, r.rol, r.grondslag, r.detail) for r in reads] == [
        (page_users["riec"].id, "riec", "riec", {"via": "web"})] * 2  # one per view: the signal page, the task page


def test_a_manager_sees_the_process_page_without_personal_data(app, orchestrator, page_users):
    signal_id = _routed_to_riec(orchestrator, page_users)

    page = _as(app, "manager").client.get(f"/signalen/{signal_id}").get_data(as_text=True)

    assert "Regie ondermijning (RIEC)" in page and "RIEC-convenant" in page
    assert "Molenstraat" not in page and "Mila Melder" not in page and "niet de persoonsgegevens" in page


def test_the_api_logs_its_reads_as_api(api, orchestrator):
    from tests.web.api_actions import report

    signal_id = report(api["melder"])["id"]
    assert api["analist"].get(f"/signals/{signal_id}").status_code == 200

    with orchestrator.db.read() as conn:
        read = conn.execute(select(audit_event).order_by(audit_event.c.id.desc()).limit(1)).one()
    assert (read.actie, read.detail) == ("signaal_ingezien", {"via": "api"})


def test_who_has_seen_this_is_for_the_aandachtsfunctionaris(app, orchestrator, page_users):
    signal_id = _routed_to_riec(orchestrator, page_users)
    _as(app, "riec").client.get(f"/signalen/{signal_id}")
    af = _as(app, "af")

    assert f'href="/signalen/{signal_id}/inzage"' in af.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
    page = af.client.get(f"/signalen/{signal_id}/inzage").get_data(as_text=True)
    assert "Rik RIEC" in page and "Raadplegen: signaal ingezien" in page and "RIEC-convenant" in page
    assert "Mila Melder" in page  # who reported: the aandachtsfunctionaris may know
    riec = _as(app, "riec")
    assert 'inzage"' not in riec.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
    assert riec.client.get(f"/signalen/{signal_id}/inzage").status_code == 403


def test_the_audit_page_filters_pages_and_explains_bad_filters(app, orchestrator, page_users, beheerder, clock):
    for _ in range(30):
        orchestrator.report_signal(page_users["melder"], dict(INTAKE))
    clock.advance(dt.timedelta(days=3))
    orchestrator.signal(page_users["analist"], 1)
    browser = _as(app, "beheerder")

    first = browser.client.get("/beheer/verwerkingen").get_data(as_text=True)
    with orchestrator.db.read() as conn:  # 30 x (reported, task ready), the read, and whatever signing in logged
        total = conn.execute(select(func.count()).select_from(audit_event)).scalar_one() - 1  # not this view itself
    assert total >= 61 and f"{total} gebeurtenissen, nieuwste eerst" in first and "Pagina 1 van 2" in first
    rows = first.split("<tbody")[1]
    assert rows.index("signaal ingezien") < rows.index("signaal gemeld")  # newest first
    assert 'aria-current="page">Verwerkingen' in first
    mine = browser.client.get("/beheer/verwerkingen?gebruiker=analist").get_data(as_text=True)
    assert "1 gebeurtenis " in mine and "Anna Analist" in mine and "Publieke taak van de gemeente" in mine
    one = browser.client.get("/beheer/verwerkingen?signaal=MH-2026-000001&soort=invoeren&actie=signaal_gemeld"
                             "&van=2026-01-05&tot=2026-01-05").get_data(as_text=True)
    assert "1 gebeurtenis (gefilterd)" in one and "MH-2026-000001" in one
    late = browser.client.get("/beheer/verwerkingen?van=2026-01-06").get_data(as_text=True)
    assert "gebeurtenis" in late and "signaal gemeld" not in late.split("<tbody")[1]
    wrong = browser.client.get("/beheer/verwerkingen?van=gisteren&tot=2026-01-01")
    assert wrong.status_code == 422 and "Van (datum): geen geldige datum" in wrong.get_data(as_text=True)
    backwards = browser.client.get("/beheer/verwerkingen?van=2026-02-01&tot=2026-01-01")
    assert backwards.status_code == 422 and "ligt vóór" in backwards.get_data(as_text=True)
    empty = browser.client.get("/beheer/verwerkingen?gebruiker=niemand").get_data(as_text=True)
    assert "Geen verwerkingen die aan dit filter voldoen" in empty
    assert re.search(r"verwerkingslog ingezien", browser.client.get("/beheer/verwerkingen").get_data(as_text=True))


def test_only_the_beheerder_sees_the_audit_page(app, page_users):
    for username in ("analist", "af", "manager", "riec"):
        browser = _as(app, username)
        response = browser.client.get("/beheer/verwerkingen")
        assert response.status_code == 403 and "Verwerkingen" not in response.get_data(as_text=True)


@pytest.fixture
def run(orchestrator, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_audit_verify_on_the_command_line(run, orchestrator, page_users):
    orchestrator.report_signal(page_users["melder"], dict(INTAKE))

    good = run("audit", "verify")
    assert good.exit_code == 0 and "Keten in orde: 2 gebeurtenissen" in good.stdout

    with orchestrator.db.write() as conn:
        conn.execute(delete(audit_event).where(audit_event.c.volgnummer == 1))
    bad = run("audit", "verify")
    assert bad.exit_code == 1 and "gebeurtenis 1 ontbreekt" in bad.stdout


def test_retentie_dry_run_then_run_on_the_command_line(run, orchestrator, page_users, clock, monkeypatch):
    outcome = orchestrator.report_signal(page_users["melder"], dict(INTAKE))
    orchestrator.complete_task(page_users["analist"], outcome.nieuwe_taken[0]["id"],
                                {"vermoeden_versterkt": False, "reden_afsluiten": "Geen aanwijzingen."})
    monkeypatch.setenv("RETENTIE_GEEN_VERMOEDEN", "P30D")
    # the CLI runs on the system clock: the signal closed on 2026-01-05 (the test clock), long enough ago
    dry = run("retentie", "--dry-run")

    assert dry.exit_code == 0
    assert dry.stdout.startswith(f"{outcome.referentie}\tNijmegen\tgeen_vermoeden\tafgesloten 2026-01-05")
    assert "1 signalen zou vervallen (geen_vermoeden 1)" in dry.stderr
    assert orchestrator.signal(page_users["analist"], outcome.signal_id)["gegevens"]["omschrijving"]

    done = run("retentie")
    assert done.exit_code == 0 and "1 signalen geanonimiseerd" in done.stderr
    assert orchestrator.signal(page_users["analist"], outcome.signal_id)["geanonimiseerd_op"]
    assert run("retentie", "--dry-run").stderr.rstrip().endswith("0 signalen zou vervallen (geen).")


def test_a_wrong_retention_setting_is_named(run, monkeypatch):
    monkeypatch.setenv("RETENTIE_GEROUTEERD", "vijf jaar")
    result = run("retentie", "--dry-run")  # the command stops, naming the setting, without a traceback
    assert result.exit_code == 2
    assert "RETENTIE_GEROUTEERD: 'vijf jaar' is geen ISO 8601-duur" in result.stderr
