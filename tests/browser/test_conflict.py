"""Two analists on one task: the second one's submit gets the 409, in words, with their input intact."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.browser_steps import choose, flash, form_alert, form_ready, sign_in, submit, textbox

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

INTAKE = {
    "gemeente": "Nijmegen",
    "omschrijving": "Jongen van ongeveer 15 wordt ingezet als drugskoerier.",
    "uitbuitingsvormen": ["crimineel"],
    "minderjarige": "ja",
    "identificeerbaar_slachtoffer": True,
}


def _new_task(site) -> tuple[int, int]:
    """(signal id, task id) of a fresh "Signaal verrijken" in Nijmegen."""
    outcome = site.orchestrator.report_signal(site.actor("melder"), dict(INTAKE), proces="signaal-naar-casus")
    task_id = next(t["id"] for t in site.orchestrator.inbox(site.actor("analist"))["taken"]
                   if t["signaal_id"] == outcome.signal_id)
    return outcome.signal_id, task_id


def _leaks(page) -> list[str]:
    body = page.locator("body").inner_text()
    return [leak for leak in ("Traceback", "Conflict(", "Forbidden(", "Internal Server Error", "sqlalchemy", 'File "')
            if leak in body]


def test_the_second_submit_of_a_task_says_who_completed_it(new_page, site):
    signal_id, task_id = _new_task(site)
    anouk, bram = new_page(), new_page()  # two browsers: two sessions
    for page, username in ((anouk, "analist"), (bram, "analist-2")):
        sign_in(page, username)
        page.goto(f"/taken/{task_id}")
        form_ready(page)  # both see the form: the task is on nobody's name

    textbox(anouk, "Adresgegevens").fill("BRP: twee personen")
    choose(anouk, "Is het vermoeden van mensenhandel versterkt?", "Ja")
    submit(anouk, "Taak afronden")
    expect(anouk).to_have_url(re.compile(r"/werkvoorraad$"))
    expect(flash(anouk)).to_contain_text("De taak is afgerond.")

    bram_typed = "Broer van de jongen is eerder aangehouden; school meldt veel verzuim."
    textbox(bram, "Eerdere interventies").fill(bram_typed)
    choose(bram, "Is het vermoeden van mensenhandel versterkt?", "Nee")
    bram_reason = "Geen aanwijzingen voor uitbuiting; regulier op te pakken door het wijkteam."
    textbox(bram, "Reden van afsluiten").fill(bram_reason)  # "Nee" needs a reason before the form posts
    with bram.expect_response(lambda r: r.url.endswith(f"/taken/{task_id}") and r.request.method == "POST") as answer:
        submit(bram, "Taak afronden")
    assert answer.value.status == 409

    alert = form_alert(bram)
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    done_by = r"Deze taak is al voltooid door Anouk Analist \(Meldpunt Ondermijning\) op \d{2}-\d{2}-\d{4} om \d{2}:\d{2}\."
    expect(alert).to_contain_text(re.compile(done_by))
    assert not _leaks(bram)
    # Nothing Bram typed is lost, and he stays on the task page.
    expect(bram).to_have_url(re.compile(rf"/taken/{task_id}$"))
    expect(textbox(bram, "Eerdere interventies")).to_have_value(bram_typed)
    expect(textbox(bram, "Reden van afsluiten")).to_have_value(bram_reason)
    expect(bram.get_by_label("Nee", exact=True)).to_be_checked()
    expect(bram.get_by_role("button", name="Taak afronden")).to_be_enabled()  # not stuck "busy"

    # Anouk's answer ("Ja") stands: the signal went on to "Afstemmen en beoordelen" ("Nee" would have closed it).
    detail = site.orchestrator.task(site.actor("analist"), task_id)
    assert detail["status"] == "voltooid"
    view = site.orchestrator.signal(site.actor("aandachtsfunctionaris"), signal_id)
    assert [t["naam"] for t in view["taken"]] == ["Afstemmen en beoordelen"]
    assert view["status"] != "afgerond"


def test_a_submit_after_a_colleague_claimed_the_task_says_who_has_it(page, site):
    _, task_id = _new_task(site)
    sign_in(page, "analist-2")
    page.goto(f"/taken/{task_id}")
    form_ready(page)
    # Meanwhile Anouk claims it (the engine call behind her "Oppakken" button).
    site.orchestrator.claim(site.actor("analist"), task_id)

    textbox(page, "Toelichting").fill("Mijn bevindingen van vanochtend.")
    choose(page, "Is het vermoeden van mensenhandel versterkt?", "Ja")
    with page.expect_response(lambda r: r.url.endswith(f"/taken/{task_id}") and r.request.method == "POST") as answer:
        submit(page, "Taak afronden")
    assert answer.value.status == 403
    alert = form_alert(page)
    expect(alert).to_be_visible()
    assert not _leaks(page)
    expect(textbox(page, "Toelichting")).to_have_value("Mijn bevindingen van vanochtend.")
    # The bug: "U heeft geen toegang tot deze pagina, of ze bestaat niet." — for a page she is looking at.
    expect(alert).to_contain_text("Deze taak is toegewezen aan Anouk Analist (Meldpunt Ondermijning).", timeout=1000)
