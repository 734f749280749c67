"""A case at the table, through the UI: the RIEC plans a meeting, the aandachtsfunctionaris puts the
waiting case on its agenda from the signal page, the table records its decision at the meeting, the
process goes on to the RIEC's regie, and the reporter reads that the signal was passed on — no more."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from engine.clock import AMSTERDAM
from tests.browser.browser_steps import choose, flash, form_ready, screenshot, sign_in, sign_out, submit, task_row, textbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _waiting_at_the_riec_table(site) -> tuple[int, str]:
    """Set-up through the engine: a signal reported, enriched and assessed "to the table first"."""
    orch = site.orchestrator
    started = orch.report_signal(site.actor("melder"), {
        "gemeente": "Nijmegen", "omschrijving": "Busjes met arbeiders 's nachts bij een bedrijfspand.",
        "uitbuitingsvormen": ["arbeid", "crimineel"], "minderjarige": "nee"})
    for username, data in (("analist", {"vermoeden_versterkt": True}),
                           ("aandachtsfunctionaris", {"voldoende_aanleiding": True, "ondermijnende_criminaliteit": True,
                                                      "casustafel_bespreken": True})):
        actor = site.actor(username)
        task = next(t for t in orch.inbox(actor)["taken"] if t["signaal_id"] == started.signal_id)
        orch.complete_task(actor, task["id"], data)
    return started.signal_id, started.referentie


def test_a_case_is_decided_at_its_table_and_the_reporter_hears_only_that(page: Page, site):
    signal_id, reference = _waiting_at_the_riec_table(site)

    # --- riec (the table's chair): the task waits for the table; plan the next meeting ----------------
    sign_in(page, "riec")
    task_row(page, "Bespreking RIEC-casustafel", reference).get_by_role(
        "link", name="Bespreking RIEC-casustafel").click()
    expect(page.get_by_role("status").filter(has_text="Dit besluit neemt de casustafel")).to_be_visible()
    expect(page.locator(".sr-formulier")).to_have_count(0)  # not completed from the task page
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen").click()
    expect(page.get_by_text("Er is geen overleg gepland.")).to_be_visible()
    next_week = (dt.datetime.now(AMSTERDAM) + dt.timedelta(days=7)).replace(hour=10, minute=0)
    page.get_by_label("Tafel").select_option(label="RIEC-casustafel")
    page.get_by_label("Datum en tijd").fill(next_week.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Plaats (zaal of online)").fill("RIEC Oost-Nederland, online")
    submit(page, "Overleg plannen")
    expect(flash(page)).to_contain_text("Het overleg is gepland.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("RIEC-casustafel")
    expect(page.get_by_text("Er staat nog niets op de agenda.")).to_be_visible()
    meeting_url = page.url
    overleg_id = int(meeting_url.rsplit("/", 1)[1])
    sign_out(page)

    # --- aandachtsfunctionaris: put the case on the agenda from the signal page ------------------------
    sign_in(page, "aandachtsfunctionaris")
    page.goto(f"/signalen/{signal_id}")
    agenderen = page.get_by_role("form", name="Agenderen: Bespreking RIEC-casustafel")
    expect(agenderen.get_by_label("Agenderen voor RIEC-casustafel")).to_contain_text(next_week.strftime("%d-%m-%Y"))
    agenderen.get_by_role("button", name="Agenderen").click()
    expect(flash(page)).to_contain_text("De zaak staat op de agenda.")
    expect(page.get_by_role("listitem").filter(has_text="Geagendeerd voor de casustafel").first).to_be_visible()
    sign_out(page)

    # --- the meeting's day came (set-up: the chair moves it to an hour ago) ----------------------------
    site.orchestrator.change_meeting(site.actor("riec"), overleg_id,
                                     datum=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1), locatie="RIEC, online")

    # --- riec: record the table's decision at the meeting; the process goes on to the regie -----------
    sign_in(page, "riec")
    page.goto(meeting_url)
    punt = page.locator(".sr-agendapunt").filter(has_text=reference)
    expect(punt).to_contain_text("Bespreking RIEC-casustafel")
    form_ready(page)
    choose(page, "Besluit van de tafel", "Casus: regie zoals voorgesteld")
    textbox(punt, "Reden van het besluit").fill("Netwerk van uitzendbureaus; RIEC pakt op.")
    screenshot(page, "12-overleg-besluit")
    submit(page, "Besluit vastleggen")
    expect(page).to_have_url(meeting_url)
    expect(flash(page)).to_contain_text("Het besluit is vastgelegd.")
    expect(punt).to_contain_text("Casus: regie zoals voorgesteld")
    expect(punt).to_contain_text("vastgelegd door Rik RIEC-analist")
    textbox(page, "Notulen (aanwezigen, afspraken)").fill("Aanwezig: RIEC, politie, gemeente Nijmegen.")
    submit(page, "Notulen vastleggen")
    expect(flash(page)).to_contain_text("De notulen zijn vastgelegd.")
    page.goto("/werkvoorraad")
    expect(task_row(page, "Regie ondermijning (RIEC)", reference)).to_be_visible()
    expect(task_row(page, "Bespreking RIEC-casustafel", reference)).to_have_count(0)
    sign_out(page)

    # --- the reporter: passed on to a chain partner, nothing more ---------------------------------------
    sign_in(page, "melder")
    row = page.locator("tbody tr").filter(has_text=reference)
    expect(row).to_contain_text(re.compile(r"Afgehandeld op \d{2}-\d{2}-\d{4}"))  # one status: not also "In behandeling"
    expect(row).not_to_contain_text("In behandeling")
    expect(row).to_contain_text("Uw melding is afgehandeld: het signaal is doorgegeven aan een ketenpartner.")
    expect(page.locator("main")).not_to_contain_text(re.compile("RIEC|ondermijn|uitzendbureau", re.IGNORECASE))
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Overleggen")).to_have_count(0)
    screenshot(page, "13-mijn-meldingen-terugkoppeling")
