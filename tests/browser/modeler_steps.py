"""What a process owner does in the modeller, in a few words: sign in with two-factor, open the editor,
reach into the diagram (bpmn-js) for the screen position of an element."""
from __future__ import annotations

import pyotp
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import update

from engine.store.schema import user_totp
from tests.browser.browser_steps import PASSWORD

OWNER = "procesbeheerder"
PROCESS = "signaal-naar-casus"


def enrol_owner(site) -> str:
    """Enrol the process owner's authenticator (as they would on first sign-in); returns the TOTP secret."""
    orch = site.orchestrator
    two_factor = orch.signin
    owner = site.actor(OWNER).id
    secret = two_factor.start_enrolment(owner).secret
    two_factor.confirm_enrolment(owner, pyotp.TOTP(secret).now())
    return secret


def deploy_renamed_first_step(site) -> None:
    """A second version of the default process whose first step is renamed (something to compare)."""
    from engine.definitions.package import ProcessPackage
    from tests.browser.browser_steps import ROOT

    files = dict(ProcessPackage.from_folder(ROOT / "processes" / PROCESS).files)
    files["signaal-naar-casus.bpmn"] = files["signaal-naar-casus.bpmn"].replace(
        b'name="Signaal verrijken"', b'name="Signaal verrijken en controleren"')
    site.orchestrator.deploy(ProcessPackage(files), None, "Naam van de eerste stap")


def sign_in_owner(page: Page, site, secret: str) -> None:
    """Sign in as the process owner with password and the authenticator's current code.

    Each test signs in afresh within the same 30 seconds, so the last used time step is
    forgotten first (the no-replay rule is tested in tests/web, not here).
    """
    with site.orchestrator.db.write() as conn:
        conn.execute(update(user_totp).where(user_totp.c.user_id == site.actor(OWNER).id).values(last_step=None))
    page.goto("/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(OWNER)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def open_editor(page: Page, process: str = PROCESS) -> Locator:
    page.goto(f"/processen/{process}/bewerken")
    editor = page.locator(".sr-modeler")
    expect(editor).to_have_attribute("data-sr-klaar", "ja")
    return editor


def shape(page: Page, element_id: str) -> Locator:
    """The SVG group of diagram element ``element_id`` on the editor's canvas."""
    return page.locator(f".sr-modeler__canvas g.djs-element[data-element-id='{element_id}']")


def show_at_full_size(page: Page, element_id: str) -> None:
    """Zoom the canvas to 100 % with ``element_id`` in its middle (what a person does with the mouse wheel)."""
    page.evaluate("""(id) => {
      const modeler = document.querySelector('.sr-modeler').srEditor.modeler;
      const canvas = modeler.get('canvas');
      canvas.getContainer().scrollIntoView({block: 'start'});
      const element = modeler.get('elementRegistry').get(id);
      const points = element.waypoints
        || [{x: element.x, y: element.y}, {x: element.x + element.width, y: element.y + element.height}];
      const xs = points.map((p) => p.x), ys = points.map((p) => p.y);
      const {width, height} = canvas.viewbox().outer;  // at 100 %, the viewbox is as large as the canvas
      canvas.viewbox({x: (Math.min(...xs) + Math.max(...xs) - width) / 2, y: (Math.min(...ys) + Math.max(...ys) - height) / 2,
                      width, height});
    }""", element_id)


def screen_point(page: Page, element_id: str, waypoint: int | None = None,
                 along: float = 0.5) -> tuple[float, float]:
    """Where on the screen element ``element_id`` is: its centre, or the point ``along`` (default: the middle)
    a flow's segment ``waypoint`` (default: its longest)."""
    return tuple(page.evaluate("""([id, index, along]) => {
      const modeler = document.querySelector('.sr-modeler').srEditor.modeler;
      const canvas = modeler.get('canvas');
      const element = modeler.get('elementRegistry').get(id);
      const box = canvas.getContainer().getBoundingClientRect();
      const vb = canvas.viewbox();
      let x, y;
      if (element.waypoints) {
        const w = element.waypoints;
        let best = index;
        if (best === null) {  // the longest segment: least likely to be under a label or a shape
          const length = (i) => Math.hypot(w[i + 1].x - w[i].x, w[i + 1].y - w[i].y);
          best = w.slice(1).reduce((b, _, i) => (length(i) > length(b) ? i : b), 0);
        }
        x = w[best].x + (w[best + 1].x - w[best].x) * along; y = w[best].y + (w[best + 1].y - w[best].y) * along;
      } else {
        x = element.x + element.width / 2; y = element.y + element.height / 2;
      }
      return [box.left + (x - vb.x) * vb.scale, box.top + (y - vb.y) * vb.scale];
    }""", [element_id, waypoint, along]))


def selected_ids(page: Page) -> list[str]:
    return page.evaluate("""() => document.querySelector('.sr-modeler').srEditor.modeler
      .get('selection').get().map((e) => e.id)""")


def panel_group(page: Page, group_id: str) -> Locator:
    """A group of the properties panel (``general``, ``signaalroute``), opened."""
    group = page.locator(f".bio-properties-panel-group[data-group-id='group-{group_id}']")
    header = group.locator(".bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or "").split():
        header.click()
    return group


def signaalroute_group(page: Page) -> Locator:
    """The properties panel's "Signaalroute" group (opened)."""
    return panel_group(page, "signaalroute")


def select(page: Page, element_id: str) -> None:
    """Click ``element_id`` on the canvas so that it alone is selected (a click on a selected element deselects it).

    Right after a new shape, the first click only ends bpmn-js's label editing: then click once more.
    A flow's label without its own position sits on the flow's middle: then click a third along it.
    """
    for along in (0.5, 1 / 3, 0.8, 0.15):  # elsewhere along a flow when its label (or a neighbour) took the click
        if selected_ids(page) == [element_id]:
            break
        page.mouse.click(*screen_point(page, element_id, along=along))
    assert selected_ids(page) == [element_id], (element_id, selected_ids(page))


def diagram_point(page: Page, x: float, y: float) -> tuple[float, float]:
    """Where diagram coordinate (``x``, ``y``) is on the screen."""
    return tuple(page.evaluate("""([x, y]) => {
      const canvas = document.querySelector('.sr-modeler').srEditor.modeler.get('canvas');
      const box = canvas.getContainer().getBoundingClientRect();
      const vb = canvas.viewbox();
      return [box.left + (x - vb.x) * vb.scale, box.top + (y - vb.y) * vb.scale];
    }""", [x, y]))


def warnings(editor: Locator) -> Locator:
    """The modelling check's (bpmnlint's) warnings listed under the editor."""
    return editor.locator(".sr-modeler__lijst--waarschuwingen li")
