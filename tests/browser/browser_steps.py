"""What a person does in the browser, in a few words: sign in, find a field by its label, submit."""
from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from engine.service.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "static" / "dist"
AXE_JS = DIST / "axe.min.js"
SCREENSHOTS = ROOT / "tests" / "output" / "screenshots"
PASSWORD = DEMO_PASSWORD

# A report the tests start directly through the engine (name the process: the intake would
# choose "slachtoffer-in-beeld" for an identifiable victim).
INTAKE = {
    "gemeente": "Nijmegen",
    "omschrijving": "Jonge vrouw meldt zich aan de balie; lijkt bang en wordt buiten opgewacht.",
    "locatie": "Stadhuis, Korte Nieuwstraat 6",
    "uitbuitingsvormen": ["seksueel"],
    "identificeerbaar_slachtoffer": True,
    "minderjarige": "onbekend",
    "sector": "seksbranche",
    "indicatoren": ["angstig_of_wantrouwend", "wordt_gecontroleerd"],
}


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    expect(page).to_have_url(re.compile(r"/aanmelden$"))
    expect(page.get_by_role("status")).to_contain_text("U bent afgemeld.")


def form_ready(page: Page) -> Locator:
    """The page's form island, once form-js has rendered it."""
    form = page.locator(".sr-formulier")
    expect(form).to_have_attribute("data-sr-klaar", "ja")
    return form


def textbox(scope: Page | Locator, label: str) -> Locator:
    """A text field or text area by its accessible name (the label without the ``*``)."""
    return scope.get_by_role("textbox", name=label, exact=True)


def field(scope: Page | Locator, label: str) -> Locator:
    """The form-js field (label, inputs, description, error) whose own label reads ``label``.

    For groups (radio buttons, checklists) whose label belongs to no single input; the
    required-asterisk (``*``, aria-hidden) is not part of the label's first text.
    """
    own_label = f"xpath=./label/span[@class='fjs-label-content'][normalize-space(text())={_xpath_string(label)}]"
    return scope.locator(".fjs-form-field").filter(has=scope.locator(own_label))


def error_of(field_locator: Locator) -> Locator:
    """The error text form-js shows under a field (``…-error-message``)."""
    return field_locator.locator(".fjs-form-field-error")


def choose(scope: Page | Locator, group_label: str, option: str) -> None:
    """Tick radio button (or checklist box) ``option`` in the group labelled ``group_label``."""
    field(scope, group_label).get_by_label(option, exact=True).check()


def select_option(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in a form-js (custom, non-native) select."""
    select = field(page, label)
    select.locator(".fjs-select-display").click()
    select.locator(".fjs-dropdownlist-item", has_text=option).click()
    expect(select.locator(".fjs-select-display")).to_have_text(option)


def submit(page: Page, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()


def flash(page: Page) -> Locator:
    """The server's flash message(s) at the top of the page."""
    return page.locator("main > .sr-melding[role=status]")


def form_alert(page: Page) -> Locator:
    """The form island's general message (errors that belong to no field, 409, …)."""
    return page.locator(".sr-formulier__melding")


def screenshot(page: Page, name: str) -> None:
    """A full-page screenshot in tests/output/screenshots/<name>.png (for the README)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # no focus ring in the picture
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True, animations="disabled", caret="hide")


def task_row(page: Page, step: str, reference: str) -> Locator:
    """The Werkvoorraad row of the task ``step`` for signal ``reference``."""
    return page.locator("tbody tr").filter(has=page.get_by_role("link", name=step, exact=True)).filter(
        has=page.get_by_role("link", name=reference, exact=True))


def _xpath_string(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    parts = text.split("'")
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in parts) + ")"
