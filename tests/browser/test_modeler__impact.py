"""'Wat verandert er?' in the browser: from the editor the process owner opens the replay of the saved
draft, sees the progress and then the groups old → new, on a phone's width too."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.definitions.package import ProcessPackage
from tests.browser.browser_steps import ROOT
from tests.browser.modeler_steps import PROCESS, enrol_owner, open_editor, sign_in_owner
from tests.engine.replay_actions import SECRETS, zorg_to_zvh

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
ZORG = {"voldoende_aanleiding": True, "zorg_nodig": True, "geraadpleegde_ketenpartners": ["avim"]}


@pytest.fixture(scope="module")
def owner(site) -> str:
    """Six signals on the zorgtraject route and a saved draft whose table sends 'zorg nodig' to the ZVH."""
    orch = site.orchestrator
    for _ in range(6):
        outcome = orch.report_signal(site.actor("melder"), {
            "gemeente": "Nijmegen", "omschrijving": SECRETS[0], "locatie": SECRETS[1], "uitbuitingsvormen": ["arbeid"],
            "minderjarige": "nee", "melder": {"naam": SECRETS[2], "contact": SECRETS[3]}}, proces=PROCESS)
        outcome = orch.complete_task(site.actor("analist"), outcome.nieuwe_taken[0]["id"], {"vermoeden_versterkt": True})
        orch.complete_task(site.actor("aandachtsfunctionaris"), outcome.nieuwe_taken[0]["id"], ZORG)
    files = {name: content.decode() for name, content in
             ProcessPackage.from_folder(ROOT / "processes" / PROCESS).files.items()}
    files["routering.dmn"] = zorg_to_zvh(files["routering.dmn"])
    secret = enrol_owner(site)
    orch.owners.save_draft(site.actor("procesbeheerder"), PROCESS, files)
    return secret


def test_the_owner_sees_what_the_draft_changes_on_a_phone(page: Page, site, owner):
    sign_in_owner(page, site, owner)
    open_editor(page)
    with page.expect_popup() as opened:
        page.get_by_role("link", name="Wat verandert er?").click()
    replay = opened.value
    replay.set_viewport_size(PHONE)
    island = replay.locator(".sr-naspelen")
    expect(island).to_have_attribute("data-sr-klaar", "ja", timeout=30_000)
    expect(replay.get_by_role("status")).to_contain_text("signalen nagespeeld")
    expect(replay.locator("[data-telling='gewijzigd']")).to_have_text("6")
    expect(replay.locator("[data-deel='groepen']")).to_contain_text("6 Zorgtraject → Zorg- en strafrechtelijk traject")
    assert replay.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    text = replay.locator("body").inner_text()
    assert not any(secret in text for secret in SECRETS)
