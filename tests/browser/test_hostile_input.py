"""Hostile input in the browser: script in every text field is shown as text, never run; and the
Content-Security-Policy blocks nothing of our own (the bundles, form-js, bpmn-js) on any page.

Every text field of the route's forms (intake, verrijken, beoordelen) and a user's name carry
markup that would run if a template or an island put it in the page unescaped. The pages
that show them are visited by the people who may see them; a ``securitypolicyviolation``
listener collects what the CSP refused.
"""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest
from playwright.sync_api import Page, expect

from engine.people.users import add_user
from tests.browser.browser_steps import PASSWORD, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def payload(field: str) -> str:
    """Markup that sets ``window.__xss`` if it ever runs; ``field`` says where it came from."""
    return (f'<script>window.__xss="{field}"</script><img src=x onerror="window.__xss=\'{field}\'">'
            f'"><svg onload="window.__xss=\'{field}\'"> {field}')


# (melder.contact is not here: the intake accepts only a telephone number or an e-mail address there)
INTAKE_TEXT = ["melder.naam", "melder.afdeling", "omschrijving", "locatie"]
VERRIJKEN_TEXT = ["adresgegevens", "eerdere_interventies", "overige_informatie", "toelichting"]

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

SHOWN_AS_TEXT = """(text) => document.body.innerText.includes(text)
  || [...document.querySelectorAll('input, textarea')].some((el) => el.value.includes(text))"""


@pytest.fixture(scope="module")
def hostile(site) -> dict:
    """A signal whose every text field is hostile, moved to the ZVH's regie task; a hostile user name."""
    orch = site.orchestrator
    melder, analist, af, zvh = (site.actor(n) for n in ("melder", "analist", "aandachtsfunctionaris", "zvh"))
    intake = {"gemeente": "Nijmegen", "omschrijving": payload("omschrijving"), "locatie": payload("locatie"),
              "melder": {k.split(".")[1]: payload(k) for k in INTAKE_TEXT if k.startswith("melder.")},
              "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee", "identificeerbaar_slachtoffer": True}
    started = orch.report_signal(melder, intake, proces="signaal-naar-casus")
    task = next(t for t in orch.inbox(analist)["taken"] if t["signaal_id"] == started.signal_id)
    orch.complete_task(analist, task["id"], {"vermoeden_versterkt": True, **{k: payload(k) for k in VERRIJKEN_TEXT}})
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == started.signal_id)
    orch.complete_task(af, task["id"], {"voldoende_aanleiding": True, "geraadpleegde_ketenpartners": ["nla"],
                                        "zorg_nodig": True, "strafrechtelijk_traject": True,
                                        "toelichting": payload("beoordelen.toelichting")})
    regie = next(t for t in orch.inbox(zvh)["taken"] if t["signaal_id"] == started.signal_id)
    with orch.db.write() as conn:
        hostile_user = add_user(conn, "xss-melder", now=orch.clock.now(), naam=payload("naam"), roles=["melder"],
                                gemeente_naam="Nijmegen", password=PASSWORD)
    # The demo beheerder sets up two-factor sign-in (through the engine, as the enrolment page would).
    two_factor = orch.signin
    secret = two_factor.start_enrolment(site.actor("beheerder").id).secret
    two_factor.confirm_enrolment(site.actor("beheerder").id, pyotp.TOTP(secret).now())
    return {"signaal": started.signal_id, "regie": regie["id"], "gebruiker": hostile_user, "totp": secret}


def _sign_in_beheerder(page: Page, secret: str) -> None:
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    # The next step's code: the current one was used to confirm the enrolment (no replay).
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(later))
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def _check(page: Page, path: str, shown: list[str], status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
    for island in page.locator(".sr-formulier, .sr-diagram").all():
        expect(island).to_have_attribute("data-sr-klaar", "ja")
    page.wait_for_timeout(100)  # let any (wrongly) injected onerror/onload fire
    assert page.evaluate("window.__xss") is None, f"{path}: script ran ({page.evaluate('window.__xss')})"
    for field in shown:
        assert page.evaluate(SHOWN_AS_TEXT, payload(field)), f"{path}: {field} not shown as text"
    assert page.evaluate("window.__csp") == [], f"{path}: CSP refused {page.evaluate('window.__csp')}"


@pytest.fixture
def watched(new_page, site):
    def make() -> Page:
        page = new_page()
        page.add_init_script(script=WATCH)
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs
        return page
    return make


def test_script_in_every_text_field_is_shown_as_text(watched, site, hostile):
    page = watched()
    sign_in(page, "aandachtsfunctionaris")
    _check(page, f"/signalen/{hostile['signaal']}", INTAKE_TEXT)
    _check(page, "/werkvoorraad", [])

    page = watched()
    sign_in(page, "zvh")
    _check(page, f"/taken/{hostile['regie']}", [])
    _check(page, f"/signalen/{hostile['signaal']}", ["omschrijving", "locatie"])
    _check(page, "/werkvoorraad", [])

    page = watched()
    sign_in(page, "xss-melder")  # a hostile name in the page header
    _check(page, "/mijn-meldingen", ["naam"])
    _check(page, "/melden", ["naam"])  # prefilled into the form island as the reporter's name

    page = watched()
    _sign_in_beheerder(page, hostile["totp"])
    _check(page, "/beheer/gebruikers", ["naam"])
    _check(page, f"/beheer/gebruikers/{hostile['gebruiker']}", ["naam"])
    assert not page.dialogs


def test_a_hostile_user_name_on_the_sign_in_page_stays_text(watched):
    page = watched()
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(payload("aanmelden"))
    page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("is onbekend")
    assert page.evaluate("window.__xss") is None
    assert page.get_by_label("Gebruikersnaam").input_value() == payload("aanmelden")
    assert page.evaluate("window.__csp") == []


def test_the_policy_blocks_nothing_of_our_own(watched, site, hostile):
    """Form islands (form-js), the diagram (bpmn-js), the fonts and the CSS all work under the CSP."""
    page = watched()
    sign_in(page, "melder")
    _check(page, "/melden", [])
    page = watched()
    sign_in(page, "aandachtsfunctionaris")
    _check(page, f"/signalen/{hostile['signaal']}", [])
    expect(page.locator(".sr-diagram svg").first).to_be_visible()
    fonts = page.evaluate("async () => { await document.fonts.ready; "
                          "return [...document.fonts].filter((f) => f.status === 'loaded').length; }")
    assert fonts > 0
    # The listener does hear refusals: an inline script added now is refused and reported.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__xss = 1';
                             document.body.append(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None
    assert any(v.startswith("script-src") for v in page.evaluate("window.__csp")), page.evaluate("window.__csp")
    header = page.request.get(site("/aanmelden")).headers["content-security-policy"]
    assert "script-src 'self'" in header and "frame-ancestors 'none'" in header


def test_pages_cannot_be_framed(watched, site):
    page = watched()
    page.goto("/aanmelden")
    page.set_content(f'<iframe id="f" src="{site("/aanmelden")}"></iframe>')
    page.wait_for_timeout(500)
    frame = page.frame_locator("#f")
    expect(frame.get_by_label("Gebruikersnaam")).to_have_count(0)
