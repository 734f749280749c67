"""The regional monitor on a phone (390 px) and a screen: the page does not scroll sideways (its wide tables
scroll inside their own frame), and the manager finds it among the Overzicht tabs."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import INTAKE, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE_WIDTH = "document.documentElement.scrollWidth"


def test_the_monitor_fits_a_phone(page: Page, site):
    orch = site.orchestrator
    melder = site.actor("melder")
    for n in range(6):
        orch.report_signal(melder, {**INTAKE, "onderwerp": f"Monitor {n}", "sector": "horeca" if n < 4 else "bouw"},
                           proces="signaal-naar-casus")
    sign_in(page, "manager")
    page.goto("/overzicht")
    page.get_by_role("link", name="Regionale monitor").click()
    expect(page.get_by_role("heading", name="Regionale monitor mensenhandel")).to_be_visible()
    expect(page.get_by_role("link", name="PDF")).to_be_visible()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844 if width < 500 else 800})
        assert page.evaluate(PAGE_WIDTH) <= width, f"the monitor scrolls sideways at {width} px"
    expect(page.get_by_role("button", name="Mail het rapport naar de ketenregisseur")).to_be_visible()
    screenshot(page, "monitor-390")
