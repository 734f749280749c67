"""Every role, every page it can reach: Dutch words and labels, and each role's main page fits a phone.

* The walk signs in as each demo role, follows every link of the navigation (and the Overzicht's
  tabs), opens a signal, a task and a meeting, and fails on an untranslated English UI word
  (:data:`ENGLISH`) or a raw code where a label exists (:data:`CODES`) in what the page shows.
* Each role lands on its main page (a procesbeheerder on Processen, a beheerder on Gebruikers); at
  390×844 and 1280×800 that page does not scroll sideways and its primary action is on screen.
  The pictures go to tests/output/screenshots/rol-<role>-<width>.png (docs/screenshots for the README).
"""
from __future__ import annotations

import datetime as dt
import re

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.store.schema import human_task, user_totp
from tests.browser.browser_steps import INTAKE, PASSWORD, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"telefoon": PHONE, "scherm": DESKTOP}
TWO_FACTOR = ("procesbeheerder", "beheerder")
ROLES = ("melder", "analist", "aandachtsfunctionaris", "zorgcoordinator", "zvh", "riec", "procesbeheerder",
         "manager", "beheerder")

# English UI words that must not show (whole words, as written): bpmn.io's and Werkzeug's defaults.
ENGLISH = ("Name", "General", "Documentation", "Select", "Components", "When", "Then", "Not Found", "Submit",
           "Cancel", "Save", "Delete", "Search", "Loading", "Required", "Forbidden", "Internal Server Error",
           "Method Not Allowed", "Bad Request", "Unauthorized", "Too Many Requests", "Hit policy", "Text field",
           "Properties", "Details", "Settings", "Back", "Next", "Previous", "Page", "Error", "Yes", "No")
# Codes that have a label: snake_case keys (actions, indicators, sectors), role keys, process keys,
# ISO dates, and the stored words the issue names (written without their diaeresis).
CODES = re.compile(r"\b[a-z]+_[a-z_]+\b|\b(zvh|riec|zorgcoordinator|procesbeheerder)\b"
                   r"|\b(signaal-naar-casus|slachtoffer-in-beeld|locatie-in-beeld|meldcode)\b"
                   r"|\b\d{4}-\d{2}-\d{2}\b|\b(gerouteerd|geclaimd|afgevuurd|geescaleerd)\b")

# What each role's main page must show on screen (its primary action or content), by start path.
MAIN = {
    "melder": ("/mijn-meldingen", "link", "Signaal melden"),
    "analist": ("/werkvoorraad", "button", "Oppakken"),
    "aandachtsfunctionaris": ("/werkvoorraad", "button", "Oppakken"),
    "zorgcoordinator": ("/werkvoorraad", "link", "Signaal melden"),
    "zvh": ("/werkvoorraad", "button", "Oppakken"),
    "riec": ("/werkvoorraad", "button", "Oppakken"),
    "procesbeheerder": ("/processen", "link", "Bewerken"),
    "manager": ("/overzicht", "button", "Toewijzen"),
    "beheerder": ("/beheer/gebruikers", "link", "Nieuwe gebruiker"),
}


@pytest.fixture(scope="module")
def cases(site) -> dict:
    """Work for every role: a report at each of the first steps, one routed to the ZVH and the RIEC, a meeting."""
    orch = site.orchestrator
    melder, analist, af = site.actor("melder"), site.actor("analist"), site.actor("aandachtsfunctionaris")
    reports = [orch.report_signal(melder, {**INTAKE, "onderwerp": f"Melding {n}"}, proces="signaal-naar-casus")
               for n in range(4)]
    tasks = {t["signaal_id"]: t["id"] for t in orch.inbox(analist)["taken"]}
    for report in reports[1:]:
        orch.claim(analist, tasks[report.signal_id])
        orch.complete_task(analist, tasks[report.signal_id], {"vermoeden_versterkt": True, "adresgegevens": "BRP"})
    routes = {reports[2].signal_id: {"zorg_nodig": True, "strafrechtelijk_traject": True},
              reports[3].signal_id: {"zorg_nodig": False, "strafrechtelijk_traject": False, "ondermijnende_criminaliteit": True}}
    for task in orch.inbox(af)["taken"]:
        if task["signaal_id"] in routes:
            orch.claim(af, task["id"])
            orch.complete_task(af, task["id"], {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["nla"],
                                                **routes[task["signaal_id"]]})
    with orch.db.write() as conn:  # one step overdue: the manager's board has something to reassign
        conn.execute(update(human_task).where(human_task.c.id == tasks[reports[0].signal_id])
                     .values(due_at=orch.clock.now() - dt.timedelta(days=1)))
    meeting = orch.plan_meeting(af, tafel="signalenoverleg", gemeente_id=orch.gemeente_id("Nijmegen"), regio_id=None,
                                datum=orch.clock.now() + dt.timedelta(days=7), locatie="Stadhuis")
    return {"signaal": reports[1].signal_id, "taak": tasks[reports[0].signal_id], "overleg": meeting}


@pytest.fixture(scope="module")
def secrets(site) -> dict[str, str]:
    """The two-factor secrets of the roles that need one (enrolled as they would on first sign-in)."""
    found = {}
    for username in TWO_FACTOR:
        user_id = site.actor(username).id
        found[username] = site.orchestrator.signin.start_enrolment(user_id).secret
        site.orchestrator.signin.confirm_enrolment(user_id, pyotp.TOTP(found[username]).now())
    return found


def _sign_in(page: Page, site, secrets: dict, username: str) -> None:
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    if username in secrets:
        with site.orchestrator.db.write() as conn:  # each test signs in afresh within the same 30 seconds
            conn.execute(update(user_totp).where(user_totp.c.user_id == site.actor(username).id).values(last_step=None))
        page.get_by_label("Code").fill(pyotp.TOTP(secrets[username]).now())
        page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def _shown_text(page: Page) -> str:
    """What the page shows in words: the visible text and the accessible names of its controls.

    Login names (``.sr-gebruikersnaam``, e.g. the demo's ``zvh``) are left out: on the user and
    processing-log pages they are what is asked for, not a code where a label belongs; so are the
    catalog's keys (``.sr-sleutel``, beside each name): the key a process names in its BPMN.
    """
    return page.evaluate("""() => {
      const names = [...document.querySelectorAll('[aria-label], [title], button, option')]
        .map((el) => el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent || '');
      const logins = [...document.querySelectorAll('.sr-gebruikersnaam, .sr-sleutel')];
      logins.forEach((el) => { el.hidden = true; });
      const text = document.body.innerText + '\\n' + names.join('\\n');
      logins.forEach((el) => { el.hidden = false; });
      return text;
    }""")


def _problems(text: str) -> list[str]:
    english = [word for word in ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    codes = sorted({m.group(0) for m in CODES.finditer(text)})
    return [f"English: {', '.join(english)}"] * bool(english) + [f"codes: {', '.join(codes)}"] * bool(codes)


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_role_speaks_dutch_with_labels(page: Page, site, cases, secrets, username):
    _sign_in(page, site, secrets, username)
    links = page.eval_on_selector_all("nav a[href], .sr-gebruiker a[href]", "els => els.map(e => e.getAttribute('href'))")
    extra = [f"/signalen/{cases['signaal']}", f"/taken/{cases['taak']}", f"/overleggen/{cases['overleg']}",
             "/overzicht/cijfers", "/overzicht/werkdruk", "/bestaat-niet"]
    found = {}
    for path in dict.fromkeys([page.url.removeprefix(site.url), *links, *extra]):
        response = page.goto(path)
        assert response is not None and response.status < 500, f"{path}: HTTP {response and response.status}"
        if response.status == 200:
            for island in page.locator(".sr-formulier, .sr-diagram").all():  # the form and diagram as people see them
                expect(island).to_have_attribute("data-sr-klaar", "ja")
        problems = _problems(_shown_text(page))
        if problems:
            found[path] = problems
    assert not found, f"{username}: " + "; ".join(f"{path}: {' / '.join(p)}" for path, p in found.items())


def test_a_broken_link_answers_in_dutch_with_a_way_back(page: Page, site, cases, secrets):
    _sign_in(page, site, secrets, "analist")
    response = page.goto("/werkvoorraad/bestaat-niet", referer=site("/werkvoorraad"))  # a broken link on a page
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(page.get_by_role("link", name="Terug naar de vorige pagina")).to_have_attribute("href", "/werkvoorraad")
    expect(page.get_by_role("link", name="Naar de startpagina")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()  # in the app's layout


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("username", ROLES)
def test_each_role_starts_on_its_main_page_and_it_fits(new_page, site, cases, secrets, username, viewport):
    page = new_page()
    page.set_viewport_size(VIEWPORTS[viewport])
    _sign_in(page, site, secrets, username)
    path, kind, name = MAIN[username]
    page.goto("/")
    assert page.url.removeprefix(site.url).split("?")[0] == path
    action = page.get_by_role(kind, name=re.compile(rf"^{name}")).first
    expect(action).to_be_visible()
    action.scroll_into_view_if_needed()
    box = action.bounding_box()
    width = VIEWPORTS[viewport]["width"]
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name} is off screen: {box}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, f"rol-{username}-{width}")
