"""The diagram on the signal page: zooming keeps the current step in view; keyboard pan and zoom."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.browser_steps import INTAKE, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
TRANSFORM = "() => document.querySelector('.sr-diagram svg g.viewport').getAttribute('transform')"
# Whether the current step's shape lies wholly inside the diagram's visible box.
STEP_IN_VIEW = """() => {
  const step = document.querySelector('.sr-diagram g.djs-element.sr-actief').getBoundingClientRect();
  const box = document.querySelector('.sr-diagram__canvas').getBoundingClientRect();
  return step.left >= box.left && step.right <= box.right && step.top >= box.top && step.bottom <= box.bottom;
}"""


def _matrix(page: Page) -> tuple[float, float, float]:
    """The diagram's scale and translation, from its viewport's ``matrix(s 0 0 s x y)``."""
    numbers = [float(n) for n in re.findall(r"-?[\d.]+(?:e-?\d+)?", page.evaluate(TRANSFORM))]
    return numbers[0], numbers[4], numbers[5]


@pytest.fixture(scope="module")
def signal_id(site) -> int:
    return site.orchestrator.report_signal(site.actor("melder"), dict(INTAKE), proces="signaal-naar-casus").signal_id


@pytest.mark.parametrize("viewport", [None, PHONE])
def test_zoom_keeps_the_current_step_in_view_and_the_keyboard_pans_and_zooms(page: Page, signal_id, viewport):
    if viewport:
        page.set_viewport_size(viewport)
    sign_in(page, "analist")
    page.goto(f"/signalen/{signal_id}")
    diagram = page.locator(".sr-diagram")
    expect(diagram).to_have_attribute("data-sr-klaar", "ja")
    fitted, _x, _y = _matrix(page)

    page.get_by_role("button", name="Inzoomen").click()
    for _ in range(4):
        page.get_by_role("button", name="Inzoomen").click()
        assert page.evaluate(STEP_IN_VIEW), "zooming in lost the current step"
    zoomed, x, y = _matrix(page)

    canvas = diagram.locator("svg").first
    canvas.focus()
    page.keyboard.press("ArrowRight")
    panned = _matrix(page)
    page.keyboard.press("-")
    smaller = _matrix(page)[0]
    page.keyboard.press("+")
    page.keyboard.press("+")
    larger = _matrix(page)[0]
    page.keyboard.press("0")
    refitted = _matrix(page)[0]

    assert zoomed > fitted * 2
    assert panned[0] == pytest.approx(zoomed) and (panned[1], panned[2]) != (x, y)  # the arrow moved the diagram, not the zoom
    assert smaller < zoomed < larger
    assert refitted == pytest.approx(fitted, rel=0.01)
    assert page.evaluate(STEP_IN_VIEW)
