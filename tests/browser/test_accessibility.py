"""axe-core (WCAG 2.0/2.1/2.2, levels A and AA) on every page people work in.

Every page is checked at 1280×800 and at phone width (390×844). No violation with impact
"serious" or "critical" is allowed; "moderate" and "minor" ones
are listed in the failure message (and printed). Each page's violations and "incomplete"
results (what axe could not decide, e.g. contrast of the diagram's SVG text) are written
to tests/output/axe/<page>.json.
"""
from __future__ import annotations

import datetime as dt
import json

import pyotp
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.store.schema import user_totp
from tests.browser.browser_steps import AXE_JS, INTAKE, PASSWORD, ROOT, sign_in
from tests.browser.modeler_steps import OWNER, deploy_renamed_first_step, enrol_owner, sign_in_owner

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIEWPORTS = {"scherm": {"width": 1280, "height": 800}, "telefoon": {"width": 390, "height": 844}}
ADMIN = "beheerder"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
REPORTS = ROOT / "tests" / "output" / "axe"


@pytest.fixture(scope="module")
def route(site) -> dict[str, int]:
    """Two reports: one waiting for "Signaal verrijken", one moved on to "Afstemmen en beoordelen"."""
    orch = site.orchestrator
    melder, analist = site.actor("melder"), site.actor("analist")
    first = orch.report_signal(melder, dict(INTAKE), proces="signaal-naar-casus")
    second = orch.report_signal(melder, {**INTAKE, "omschrijving": "Busjes met arbeiders bij een bedrijfspand.",
                                         "uitbuitingsvormen": ["arbeid", "crimineel"], "minderjarige": "nee"},
                                proces="signaal-naar-casus")
    tasks = {t["signaal_id"]: t["id"] for t in orch.inbox(analist)["taken"]}
    orch.claim(analist, tasks[first.signal_id])
    orch.complete_task(analist, tasks[first.signal_id], {"vermoeden_versterkt": True, "adresgegevens": "BRP: 4 personen"})
    af = site.actor("aandachtsfunctionaris")
    overleg = orch.plan_meeting(af, tafel="signalenoverleg", gemeente_id=orch.gemeente_id("Nijmegen"), regio_id=None,
                                datum=orch.clock.now() + dt.timedelta(days=7), locatie="Stadhuis")
    return {"signaal": first.signal_id, "taak": tasks[second.signal_id], "overleg": overleg}


# page name → (who signs in (None: nobody), path (with {taak}/{signaal}), expected HTTP status)
PAGES = {
    "aanmelden": (None, "/aanmelden", 200),
    "melden": ("melder", "/melden", 200),
    "mijn-meldingen": ("melder", "/mijn-meldingen", 200),
    "werkvoorraad": ("analist", "/werkvoorraad", 200),
    "taak": ("analist", "/taken/{taak}", 200),
    "signaal": ("aandachtsfunctionaris", "/signalen/{signaal}", 200),
    "signalen": ("aandachtsfunctionaris", "/signalen", 200),
    "signalen-filterfout": ("aandachtsfunctionaris", "/signalen?ontvangen_van=31-02-2026", 200),
    "geen-toegang": ("melder", "/taken/{taak}", 403),
    "api-tokens": ("analist", "/account/api-tokens", 200),
    "overleggen": ("aandachtsfunctionaris", "/overleggen", 200),
    "overleg": ("aandachtsfunctionaris", "/overleggen/{overleg}", 200),
    "overzicht": ("manager", "/overzicht", 200),
    "cijfers": ("manager", "/overzicht/cijfers", 200),
    "werkdruk": ("manager", "/overzicht/werkdruk", 200),
    "knelpunten": ("manager", "/overzicht/knelpunten", 200),
    "comensha": ("zorgcoordinator", "/zorg/comensha", 200),
    "incidenten": (ADMIN, "/beheer/incidenten", 200),
    "mail": (ADMIN, "/beheer/mail", 200),
    "tweestapsverificatie": ("analist", "/account/tweestapsverificatie", 200),
    "monitor": ("aandachtsfunctionaris", "/overzicht/monitor", 200),
    "e-mailinstellingen": ("manager", "/instellingen/meldingen", 200),
    "niet-gevonden": ("analist", "/bestaat-niet", 404),
    "gebruikers": (ADMIN, "/beheer/gebruikers", 200),
    "ketenpartners": (ADMIN, "/beheer/ketenpartners", 200),
    "verwerkingen": (ADMIN, "/beheer/verwerkingen", 200),
    "rollen": (ADMIN, "/beheer/catalogus/rol", 200),  # issue #17: the catalog and the route set-up
    "casustafel": (ADMIN, "/beheer/catalogus/casustafel/ondermijningsoverleg", 200),
    "route-inrichting": (OWNER, "/beheer/route-inrichting", 200),
    "processen": (OWNER, "/processen", 200),
    "proces-bewerken": (OWNER, "/processen/signaal-naar-casus/bewerken", 200),
    "versies-vergelijken": (OWNER, "/processen/signaal-naar-casus/vergelijken?van=1&naar=2", 200),
}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations', 'incomplete']});
  const brief = (v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), html: n.html.slice(0, 200), summary: n.failureSummary})),
  });
  return {violations: result.violations.map(brief), incomplete: result.incomplete.map(brief)};
}"""


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        lines.extend(f"    {n['target']}: {n['html']}" for n in v["nodes"][:5])
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def owner(site) -> str:
    """The process owner's authenticator, and a second version of the process to compare with."""
    deploy_renamed_first_step(site)
    return enrol_owner(site)


@pytest.fixture(scope="module")
def admin(site) -> str:
    """The demo beheerder's authenticator (two-factor sign-in is compulsory for the role)."""
    signin, user_id = site.orchestrator.signin, site.actor(ADMIN).id
    secret = signin.start_enrolment(user_id).secret
    signin.confirm_enrolment(user_id, pyotp.TOTP(secret).now())
    return secret


def _sign_in_admin(page: Page, site, secret: str) -> None:
    with site.orchestrator.db.write() as conn:  # each test signs in afresh within the same 30 seconds
        conn.execute(update(user_totp).where(user_totp.c.user_id == site.actor(ADMIN).id).values(last_step=None))
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(ADMIN)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_axe_violations(page: Page, site, route, owner, admin, name, viewport):
    who, path, status = PAGES[name]
    page.set_viewport_size(VIEWPORTS[viewport])
    if who == OWNER:
        sign_in_owner(page, site, owner)
    elif who == ADMIN:
        _sign_in_admin(page, site, admin)
    elif who:
        sign_in(page, who)
    response = page.goto(path.format(**route))
    assert response is not None and response.status == status, f"{path}: HTTP {response and response.status}"
    # axe sees the pages as people do: the islands drawn
    for island in page.locator(".sr-formulier, .sr-diagram, .sr-hittekaart, .sr-modeler, .sr-vergelijk").all():
        expect(island).to_have_attribute("data-sr-klaar", "ja")
    if name == "werkvoorraad":
        expect(page.locator("tbody tr")).not_to_have_count(0)
    if name == "signaal":
        expect(page.locator(".sr-diagram svg").first).to_be_visible()

    # From our own origin: the Content-Security-Policy refuses inline scripts, so axe is not inlined.
    assert AXE_JS.exists()
    page.add_script_tag(url="/static/dist/axe.min.js")
    result = page.evaluate(RUN_AXE, WCAG_TAGS)

    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"{name}-{viewport}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    violations = result["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    assert not blocking, (f"axe on {path} ({name}, {viewport}): serious/critical violations:\n{_describe(blocking)}"
                          + (f"\nmoderate/minor:\n{_describe(others)}" if others else ""))
    if others:
        print(f"axe on {path} ({name}): moderate/minor violations:\n{_describe(others)}")
