"""Every role x every endpoint and page x own / other municipality x route: allowed, refused or denied.

The expectations below are the access policy written out a second time, as a table
(docs/privacy.md is its prose); ``engine/people/access.py`` is the implementation they check.
Every endpoint in ``app.url_map`` must have an entry in :data:`ENDPOINTS`: a new page or
API endpoint without one fails :func:`test_every_endpoint_has_an_expectation`.

A deny must leak nothing: for an object the user may not know about, the answer (status
and body) is the same as for an id that does not exist. Each endpoint says how it denies
(``Endpoint.denied_with``: 403 "no access, or it does not exist" for pages, 404 for the API);
any other 403/404, and any 5xx, is *broken*, never counted as allowed — a page that answers
404 where the table says "allowed" fails.

One app and one database (SQLite) for all of it, built once per test process: a user
of every role in Nijmegen (or its region) and in Arnhem (or its region), and a signal
waiting at each stage of the route, reported in Nijmegen. Requests that are allowed
are made so that they change nothing that matters (invalid input, or a claim that is
given back at once).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from engine.clock import FixedClock
from engine.domain.roles import REGIONAL_ROLES, ROLES
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, create_token, ensure_gemeente
from engine.store.schema import api_token, gemeente, ketenpartner
from tests.web.pages_actions import sign_in_directly
from web import create_app

PROCESS = Path(__file__).resolve().parents[2] / "processes" / "signaal-naar-casus"
STAGES = ("nieuw", "zorgtraject", "zorg_en_strafrecht", "riec")
# A signal whose route reached care (tests/data/zorg-route, route 'zorgtraject'): its care trajectory
# (processes/zorgtraject) waits on the care plan after a COSM placement. Not one of the STAGES (the
# endpoints per stage walk those); its care data is checked by test_care_data.
CARE = "zorg"
CARE_ROUTE = Path(__file__).resolve().parents[2] / "tests" / "data" / "zorg-route"
CARE_PROCESS = Path(__file__).resolve().parents[2] / "processes" / "zorgtraject"
VERRIJKT = {"vermoeden_versterkt": True}
WALKS = {
    "nieuw": [],
    "zorgtraject": [("analist", VERRIJKT), ("aandachtsfunctionaris", {"voldoende_aanleiding": True, "zorg_nodig": True})],
    "zorg_en_strafrecht": [("analist", VERRIJKT), ("aandachtsfunctionaris", {"voldoende_aanleiding": True,
                                                                             "strafrechtelijk_traject": True})],
    "riec": [("analist", VERRIJKT), ("aandachtsfunctionaris", {"voldoende_aanleiding": True,
                                                               "ondermijnende_criminaliteit": True})],
}
MISSING = 999_999
# A try-out of the draft: a fictitious report, one clock jump (engine.runtime.sandbox_run).
TRY_OUT = {"stappen": [{"soort": "melden", "gegevens": {"gemeente": "Nijmegen", "omschrijving": "Proef.",
                                                       "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"}},
                       {"soort": "klok", "duur": "P6D"}], "begin": "2026-01-05T09:00:00Z"}
ALLOW, REFUSE, DENY = "allow", "refuse", "deny"  # refuse: may know it exists, may not do this (403 with a reason)
ANONYMOUS = "anoniem"
KETENREGISSEUR = "ketenregisseur"  # issue #17: a regional role; the regional monitor's figures only
WHO = [(rol, own) for rol in ROLES for own in (True, False)] + [(ANONYMOUS, True)]


# --- the policy, written out ------------------------------------------------------------------

# Which signal (by stage) a role of the signal's own municipality or region sees in any form.
SEES_SIGNAL = {
    "melder": {*STAGES, CARE},  # the reporter: the status of their own signal
    "analist": {*STAGES, CARE},  # in full before routing, the process after
    "aandachtsfunctionaris": {*STAGES, CARE},
    "zorgcoordinator": {"zorgtraject", "zorg_en_strafrecht", CARE},  # ZVH route: the trajectory beside its regie
    "zvh": {"zorg_en_strafrecht"},
    "riec": {"riec"},
    "procesbeheerder": set(),
    "manager": {*STAGES, CARE},  # the process, no personal data
    "beheerder": set(),
    # issue #17: the veiligheidsadviseur prepares unrouted signals for the local ondermijningsoverleg (in full,
    # before routing, as the analist); the ketenregisseur sees no case; the regiomanager hears of overdue tasks
    # of the regional roles, and sees no case.
    "veiligheidsadviseur": {"nieuw"},
    "ketenregisseur": set(),
    "regiomanager": set(),
}
# Who sees the care data of a signal (its trajectory, shelter, reflection period, their deadlines):
# the zorgcoördinator only — the ZVH too for a ZVH case (tests/engine/test_zorgtraject__access.py).
SEES_CARE = {"zorgcoordinator"}
# The open task of each stage belongs to this role.
TASK_ROLE = {"nieuw": "analist", "zorgtraject": "zorgcoordinator", "zorg_en_strafrecht": "zvh", "riec": "riec"}


def sees_signal(rol, own, stage):
    return own and stage in SEES_SIGNAL[rol]


def sees_process(rol, own, stage):  # the diagram: not for the reporter (status only)
    return sees_signal(rol, own, stage) and rol != "melder"


def sees_task(rol, own, stage):
    return own and (TASK_ROLE[stage] == rol or rol == "manager")


def works_case(rol, own, stage):  # the case file's answers and notes: who sees the case in full
    if not sees_signal(rol, own, stage) or rol in ("melder", "manager"):
        return False
    return rol != "analist" or stage == "nieuw"  # the analist works the signal until it is routed


def works_task(rol, own, stage):
    if not sees_task(rol, own, stage):
        return DENY
    return ALLOW if TASK_ROLE[stage] == rol else REFUSE


def member(rol, own):  # may report a signal for Nijmegen: a municipal role there
    return own and rol not in REGIONAL_ROLES and rol != "beheerder"


def yes_no(value) -> str:
    return ALLOW if value else DENY


def everyone(rol, own, stage=None):
    return ALLOW


# --- the world ---------------------------------------------------------------------------------

@dataclass
class World:
    app: object
    orchestrator: object
    signals: dict[str, int]
    tasks: dict[str, int]
    users: dict[tuple[str, bool], object] = field(default_factory=dict)
    tokens: dict[tuple[str, bool], str] = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    target_user: int = 0
    target_token: int = 0  # an API token of the target user (revoked by the first beheerder who tries)
    overleg: int = 0  # a signalenoverleg of Nijmegen (its aandachtsfunctionaris and analist sit at it)

    def client(self, rol, own):
        """A signed-in browser (a session as after sign-in and two-factor) or a visitor."""
        key = (rol, own)
        if key not in self.clients:
            client = self.app.test_client()
            if rol != ANONYMOUS:
                sign_in_directly(self.app, client, self.users[key].id)
            self.clients[key] = client
        return self.clients[key]

    def forget_messages(self, rol, own):
        if rol != ANONYMOUS:
            with self.client(rol, own).session_transaction() as session:
                session.pop("_flashes", None)

    def api(self, rol, own, method, path, **kwargs):
        headers = {} if rol == ANONYMOUS else {"Authorization": f"Bearer {self.tokens[(rol, own)]}"}
        return getattr(self.app.test_client(), method)("/api/v1" + path, headers=headers, **kwargs)


def _user(conn, clock, rol, own):
    name = f"{rol}-{'eigen' if own else 'ander'}"
    if rol in REGIONAL_ROLES:
        where = {"gemeente_naam": None, "regio_naam": "Gelderland-Zuid" if own else "Gelderland-Midden"}
    elif rol == "beheerder":
        where = {"gemeente_naam": None if own else "Arnhem"}
    else:
        where = {"gemeente_naam": "Nijmegen" if own else "Arnhem"}
    return add_user(conn, name, now=clock.now(), naam=name, roles=[rol], **where)


@pytest.fixture(scope="session")  # per worker: built once even when xdist hands this module out in pieces
def world(_sqlite_template, tmp_path_factory) -> World:
    path = tmp_path_factory.mktemp("matrix") / "signaalroute.db"
    shutil.copyfile(_sqlite_template, path)
    clock = FixedClock()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "CLOCK": clock, "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False, "ACTOR_CACHE_SECONDS": 0})
    orch = app.extensions["signaalroute"]
    orch.deploy_folder(PROCESS)
    orch.deploy_folder(CARE_PROCESS)  # the route starts it when it reaches care
    with orch.db.write() as conn:
        for regio, gemeente in (("Gelderland-Zuid", "Nijmegen"), ("Gelderland-Midden", "Arnhem")):
            assign_gemeente(conn, ensure_regio(conn, regio), ensure_gemeente(conn, gemeente))
        ids = {(rol, own): _user(conn, clock, rol, own) for rol, own in WHO if rol != ANONYMOUS}
        # As made after a two-factor sign-in, like the sessions above: the scope itself is tested in test_api__tokens.
        tokens = {key: create_token(conn, user_id, now=clock.now(), tweede_factor=True) for key, user_id in ids.items()}
        target = add_user(conn, "doelwit", now=clock.now(), roles=["melder"], gemeente_naam="Nijmegen")
        create_token(conn, target, now=clock.now())
        target_token = conn.execute(select(api_token.c.id).where(api_token.c.user_id == target)).scalar_one()
    world = World(app, orch, {}, {}, {key: orch.actor(user_id) for key, user_id in ids.items()}, tokens,
                  target_user=target, target_token=target_token)
    for stage in STAGES:
        signal_id = orch.report_signal(world.users[("melder", True)], {
            "gemeente": "Nijmegen", "omschrijving": f"Signaal {stage}: vier mensen slapen in de zaak.",
            "uitbuitingsvormen": ["arbeid"], "minderjarige": "nee"}).signal_id
        for rol, data in WALKS[stage]:
            task = orch.inbox(world.users[(rol, True)], limit=200)["taken"]
            orch.complete_task(world.users[(rol, True)], next(t["id"] for t in task if t["signaal_id"] == signal_id),
                               data)
        world.signals[stage] = signal_id
        everything = orch.inbox(world.users[("manager", True)], limit=200)["taken"]
        world.tasks[stage] = next(t["id"] for t in everything
                                  if t["signaal_id"] == signal_id and t["rol"] == TASK_ROLE[stage])
    _care_signal(world, orch, clock)
    world.overleg = orch.plan_meeting(world.users[("aandachtsfunctionaris", True)], tafel="signalenoverleg",
                                      gemeente_id=orch.gemeente_id("Nijmegen"), regio_id=None,
                                      datum=clock.now() + dt.timedelta(days=7), locatie="Stadhuis")
    yield world
    orch.db.dispose()


def _care_signal(world, orch, clock) -> None:
    """The CARE signal: reported by the reporter, its route reached care, its trajectory placed the victim in
    the COSM (a shelter provider of Gelderland-Zuid), so the reflection period runs."""
    orch.deploy_folder(CARE_PROCESS)
    orch.deploy_folder(CARE_ROUTE)
    with orch.db.write() as conn:
        regio_id = conn.execute(select(gemeente.c.regio_id).where(gemeente.c.naam == "Nijmegen")).scalar_one()
        provider = conn.execute(insert(ketenpartner).returning(ketenpartner.c.id), {
            "regio_id": regio_id, "soort": "opvang", "naam": CARE_PROVIDER, "bijgewerkt_op": clock.now()}).scalar_one()
    signal_id = orch.report_signal(world.users[("melder", True)], {
        "gemeente": "Nijmegen", "omschrijving": "Een vrouw uit Nigeria zoekt hulp bij de huisarts.",
        "uitbuitingsvormen": ["seksueel"], "minderjarige": "nee"}, proces="zorg-route").signal_id
    zorg = world.users[("zorgcoordinator", True)]
    for data in ({"leeftijdscategorie": "23_29", "geslacht": "vrouw", "nationaliteit_groep": "derdelander",
                  "minderjarig": False, "uitbuitingsvorm": "seksueel", "wil_aangifte": "weet_niet",
                  "bedenktijd_van_toepassing": True},
                 {"opvang_soort": "cosm", "opvang_aanbieder": str(provider), "opvang_start": clock.now().date().isoformat(),
                  "voogdij": "geen"}):
        task = next(t for t in orch.inbox(zorg, limit=200)["taken"] if t["signaal_id"] == signal_id)
        orch.complete_task(zorg, task["id"], data)
    world.signals[CARE] = signal_id
    world.tasks[CARE] = next(t["id"] for t in orch.inbox(zorg, limit=200)["taken"] if t["signaal_id"] == signal_id)


CARE_PROVIDER = "COSM Opvanghuis Zuid"


# --- the endpoints -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """How to call an endpoint and what each role should get.

    :param call: ``(world, rol, own, ids) -> response``; ``ids`` has ``signal``, ``task``, ``user``.
    :param expect: ``(rol, own, stage) -> ALLOW/REFUSE/DENY``.
    :param per_stage: called once per stage (an object of the route); else once.
    :param api: answered in JSON with bearer tokens (401 for visitors) rather than pages.
    :param public: no sign-in needed.
    :param check: an extra look at an allowed answer (e.g. a list shows only what may be seen).
    :param denied_with: the status of a deny (nothing leaks: the same as for what does not exist):
        403 "no access, or it does not exist" for pages, 404 "does not exist" for the API.
    """

    call: Callable
    expect: Callable = everyone
    per_stage: bool = False
    api: bool = False
    public: bool = False
    check: Callable | None = None
    denied_with: int | None = None

    @property
    def deny_status(self) -> int:
        return self.denied_with or (404 if self.api else 403)


def page(method, path, **kwargs):
    def call(world, rol, own, ids):
        return getattr(world.client(rol, own), method)(path.format(**ids), **kwargs)
    return call


def api(method, path, **kwargs):
    def call(world, rol, own, ids):
        return world.api(rol, own, method, path.format(**ids), **kwargs)
    return call


def report_form(world, rol, own, ids):  # invalid on purpose: nothing is stored either way
    return world.client(rol, own).post("/melden", json={"data": {"gemeente": "Nijmegen"}})


def report_api(world, rol, own, ids):
    return world.api(rol, own, "post", "/signals", json={"gemeente": "Nijmegen"})


def deploy_same_package(world, rol, own, ids):  # the deployed version again: a no-op for who may
    files = {p.relative_to(PROCESS).as_posix(): p.read_text() for p in PROCESS.rglob("*") if p.is_file()}
    return world.api(rol, own, "post", "/process-definitions", json={"bestanden": files})


def validate_a_saved_draft(world, rol, own, ids):  # a draft exists only for this call (no draft: a 404 for all)
    client, base = world.client(rol, own), "/processen/signaal-naar-casus/concept"
    files = {p.relative_to(PROCESS).as_posix(): p.read_text() for p in PROCESS.rglob("*") if p.is_file()}
    client.put(base, json={"bestanden": files}).close()  # refused for who may not change processes
    response = client.post(f"{base}/valideer")
    client.delete(base).close()
    return response


def nijmegen_route_set_up(world, rol, own, ids):  # an unknown mode: refused with a field error by who may
    gemeente_id = world.orchestrator.gemeente_id("Nijmegen")
    return world.client(rol, own).post(f"/beheer/route-inrichting/gemeente/{gemeente_id}", data={"modus": "altijd"})


def claim_then_give_back(kind):
    def call(world, rol, own, ids):
        if kind == "page":
            response = world.client(rol, own).post(f"/taken/{ids['task']}/claimen", data={"terug": "/werkvoorraad"})
            if response.status_code == 302:
                assert world.client(rol, own).post(f"/taken/{ids['task']}/vrijgeven").status_code == 302
            return response
        response = world.api(rol, own, "post", f"/tasks/{ids['task']}/claim")
        if response.status_code == 200:
            assert world.api(rol, own, "post", f"/tasks/{ids['task']}/unclaim").status_code == 200
        return response
    return call


def only_visible_signals(world, rol, own, response):
    """A list shows no signal the user may not see (references on a page, ids in JSON)."""
    allowed = {world.signals[s] for s in (*STAGES, CARE) if sees_signal(rol, own, s)}
    if response.is_json:
        body = response.get_json()
        shown = {item.get("signaal_id", item.get("id")) for key in ("taken", "signalen") for item in body.get(key, [])}
    else:
        refs = set(re.findall(r"MH-\d{4}-(\d{6})", response.get_data(as_text=True)))  # MH-<year>-<instance id>
        shown = {_signal_of_instance(world, int(r)) for r in refs}
    assert shown <= allowed, (rol, own, shown - allowed)


def _signal_of_instance(world, instance_id: int) -> int:
    from sqlalchemy import select

    from engine.store.schema import signal
    with world.orchestrator.db.read() as conn:
        return conn.execute(select(signal.c.id).where(signal.c.instance_id == instance_id)).scalar_one()


def exports_care(rol, own, stage=None):  # the CoMensha registrations: a zorgcoördinator (of any region: their own)
    return ALLOW if rol == "zorgcoordinator" else REFUSE


def is_beheerder(rol, own, stage=None):
    return yes_no(rol == "beheerder")


def is_manager(rol, own, stage=None):  # the overviews: a manager, of their own municipality (no personal data)
    return ALLOW if rol == "manager" else REFUSE


def sets_up_routes(rol, own, stage=None):  # a process owner or beheerder of the place (issue #17); others: no page
    return yes_no(rol in ("procesbeheerder", "beheerder"))


def sets_up_nijmegen(rol, own, stage=None):  # and Nijmegen's set-up only for those of Nijmegen (or installation-wide)
    return yes_no(own and rol in ("procesbeheerder", "beheerder"))


def sees_monitor(rol, own, stage=None):  # the regional monitor: figures of the region(s) of the role, anonymised
    return ALLOW if rol in ("aandachtsfunctionaris", "manager", KETENREGISSEUR) else REFUSE


def changes_processes(rol, own, stage=None):  # the library, drafts, deploy, migration, import
    return ALLOW if rol in ("procesbeheerder", "beheerder") else REFUSE


def reassigns_task(rol, own, stage):
    if not sees_task(rol, own, stage):
        return DENY
    return ALLOW if rol == "manager" else REFUSE


def moves_signal(rol, own, stage):  # the analist before routing, the aandachtsfunctionaris always (own municipality)
    if not sees_signal(rol, own, stage):
        return DENY
    return ALLOW if rol == "aandachtsfunctionaris" or (rol == "analist" and stage == "nieuw") else REFUSE


def hands_over(rol, own, stage):  # the aandachtsfunctionaris of the signal's municipality; others who see it: refused
    if not sees_signal(rol, own, stage):
        return DENY
    return ALLOW if rol == "aandachtsfunctionaris" else REFUSE


def revoke_target_token(world, rol, own, ids):  # the first beheerder revokes it; later ones are told it was
    return world.client(rol, own).post(f"/beheer/gebruikers/{ids['user']}/tokens/{world.target_token}/intrekken")


def reassign_to_someone_without_the_role(world, rol, own, ids):  # refused as a field error even for a manager
    return world.client(rol, own).post(f"/overzicht/taken/{ids['task']}/toewijzen", data={"naar": ids["user"]})


def meeting(method, suffix="", **kwargs):  # the world's signalenoverleg of Nijmegen
    def call(world, rol, own, ids):
        return getattr(world.client(rol, own), method)(f"/overleggen/{world.overleg}{suffix}", **kwargs)
    return call


def sits_at_meeting(rol, own, stage=None):  # the local signal meeting: the municipality's af and analist
    return yes_no(own and rol in ("aandachtsfunctionaris", "analist"))


def chairs_meeting(rol, own, stage=None):  # its chair changes it; another participant is refused with a reason
    if not own or rol not in ("aandachtsfunctionaris", "analist"):
        return DENY
    return ALLOW if rol == "aandachtsfunctionaris" else REFUSE


def plans_meetings(rol, own, stage=None):  # a table's chair, for their own municipality or region
    # the veiligheidsadviseur chairs the local ondermijningsoverleg (engine.domain.tafels, issue #17)
    return ALLOW if rol in ("aandachtsfunctionaris", "zvh", "riec", "veiligheidsadviseur") else REFUSE


ENDPOINTS: dict[str, Endpoint] = {
    # signing in and out, one's own account
    "static": Endpoint(page("get", "/static/dist/app.css"), public=True),
    "auth.login": Endpoint(page("get", "/aanmelden"), public=True),
    "auth.code": Endpoint(page("get", "/aanmelden/code"), public=True),
    "auth.logout": Endpoint(page("post", "/afmelden"), public=True),
    # Single sign-on (not configured here: both send to the sign-in page; tests/web/test_oidc__signin.py).
    "sso.start": Endpoint(page("get", "/aanmelden/organisatie"), public=True),
    "sso.terug": Endpoint(page("get", "/aanmelden/organisatie/terug?code=x&state=y"), public=True),
    "tweestaps.account": Endpoint(page("get", "/account/tweestapsverificatie")),
    "tweestaps.instellen": Endpoint(page("post", "/account/tweestapsverificatie/instellen", data={"code": "000000"})),
    "tweestaps.qr": Endpoint(page("get", "/account/tweestapsverificatie/qr.svg")),
    "tweestaps.herstelcodes": Endpoint(page("post", "/account/tweestapsverificatie/herstelcodes", data={"code": "0"})),
    "tweestaps.uitzetten": Endpoint(page("post", "/account/tweestapsverificatie/uitzetten", data={"code": "0"}),
                                    # two-factor is required for these roles: they cannot switch it off
                                    lambda rol, own, stage=None: REFUSE if rol in ("beheerder", "procesbeheerder") else ALLOW),
    # pages of the route
    "pages.start": Endpoint(page("get", "/")),
    "pages.melden": Endpoint(page("get", "/melden")),
    "pages.melden_versturen": Endpoint(report_form, lambda rol, own, stage=None: yes_no(member(rol, own))),
    "pages.mijn_meldingen": Endpoint(page("get", "/mijn-meldingen"), check=only_visible_signals),
    "pages.werkvoorraad": Endpoint(page("get", "/werkvoorraad"), check=only_visible_signals),
    "pages.signaal": Endpoint(page("get", "/signalen/{signal}"), lambda *a: yes_no(sees_signal(*a)), per_stage=True),
    "pages.diagram": Endpoint(page("get", "/signalen/{signal}/diagram.bpmn"), lambda *a: yes_no(sees_process(*a)),
                              per_stage=True),
    "pages.inzage": Endpoint(page("get", "/signalen/{signal}/inzage"),
                             lambda rol, own, stage: yes_no(own and rol == "aandachtsfunctionaris"), per_stage=True),
    "pages.taak": Endpoint(page("get", "/taken/{task}"), lambda *a: yes_no(sees_task(*a)), per_stage=True),
    # the case file (engine/runtime/dossier.py): notes by who works the case (an empty one: refused as a field
    # error), the PDF as far as the signal page shows it, drafts and progress reports by who may do the task
    "pages.aantekening_toevoegen": Endpoint(page("post", "/signalen/{signal}/aantekeningen", data={"tekst": ""}),
                                            lambda *a: yes_no(works_case(*a)), per_stage=True),
    "pages.dossier_pdf": Endpoint(page("get", "/signalen/{signal}/dossier.pdf"), lambda *a: yes_no(sees_process(*a)),
                                  per_stage=True),
    "pages.taak_concept": Endpoint(page("post", "/taken/{task}/concept", json={"data": {}}), works_task,
                                   per_stage=True),
    "pages.taak_voortgang": Endpoint(page("post", "/taken/{task}/voortgang", json={"data": {}}), works_task,
                                     per_stage=True),
    "pages.taak_afronden": Endpoint(page("post", "/taken/{task}", json={"data": {}}), works_task, per_stage=True),
    "pages.claimen": Endpoint(claim_then_give_back("page"), works_task, per_stage=True),
    "pages.vrijgeven": Endpoint(page("post", "/taken/{task}/vrijgeven"), lambda *a: yes_no(sees_task(*a)),
                                per_stage=True),
    # case tables (engine/runtime/casustafel.py): meetings are seen by their table's participants only; invalid
    # input where it would change something. No open task of this world waits for a table, so bringing
    # one to a table and recording a decision are "not found" for everyone (tests/engine/test_casustafel*).
    "pages.overleggen": Endpoint(page("get", "/overleggen")),
    "pages.overleg_plannen": Endpoint(page("post", "/overleggen", data={"optie": "geen"}), plans_meetings),
    "pages.overleg": Endpoint(meeting("get"), sits_at_meeting),
    "pages.overleg_wijzigen": Endpoint(meeting("post", "/wijzigen", data={"datum": "morgen"}), chairs_meeting),
    "pages.overleg_notulen": Endpoint(meeting("post", "/notulen", data={"notulen": ""}), chairs_meeting),
    "pages.overleg_openen": Endpoint(meeting("post", "/openen"), chairs_meeting),
    "pages.agenderen": Endpoint(page("post", "/taken/{task}/agenderen", data={"overleg_id": "1"}), lambda *a: DENY,
                                per_stage=True),
    "pages.besluit": Endpoint(page("post", "/agendapunten/999999/besluit", json={"data": {}}), lambda *a: DENY),
    # the zorgcoördinator's CoMensha registrations (categories only) and their export
    "pages.comensha": Endpoint(page("get", "/zorg/comensha"), exports_care),
    "pages.comensha_export": Endpoint(page("get", "/zorg/comensha.json"), exports_care),
    "pages.verwerkingen": Endpoint(page("get", "/beheer/verwerkingen"), is_beheerder),
    "pages.incidenten": Endpoint(page("get", "/beheer/incidenten"), is_beheerder),
    "pages.mail_onbezorgd": Endpoint(page("get", "/beheer/mail"), is_beheerder),
    # no incident exists in this world: every role gets the same deny as for a missing one
    # (tests/web/test_pages__incidents.py acts on a real incident)
    "pages.incident_opnieuw": Endpoint(page("post", "/beheer/incidenten/999999/opnieuw"), lambda *a: DENY),
    "pages.incident_opgelost": Endpoint(page("post", "/beheer/incidenten/999999/opgelost"), lambda *a: DENY),
    # user administration (beheerder), on a user made for the purpose; invalid input where it would change much
    "beheer.lijst": Endpoint(page("get", "/beheer/gebruikers"), is_beheerder),
    "beheer.nieuw": Endpoint(page("post", "/beheer/gebruikers/nieuw", data={"gebruikersnaam": ""}), is_beheerder),
    "beheer.gebruiker": Endpoint(page("get", "/beheer/gebruikers/{user}"), is_beheerder),
    "beheer.rollen": Endpoint(page("post", "/beheer/gebruikers/{user}/rollen", data={"rollen": "koning"}), is_beheerder),
    "beheer.uitschakelen": Endpoint(page("post", "/beheer/gebruikers/{user}/uitschakelen"), is_beheerder),
    "beheer.inschakelen": Endpoint(page("post", "/beheer/gebruikers/{user}/inschakelen"), is_beheerder),
    "beheer.tweestaps_herstellen": Endpoint(page("post", "/beheer/gebruikers/{user}/tweestaps-herstellen"),
                                            is_beheerder),
    "beheer.wachtwoord": Endpoint(page("post", "/beheer/gebruikers/{user}/wachtwoord", data={"wachtwoord": "kort"}),
                                  is_beheerder),
    "beheer.token_intrekken": Endpoint(revoke_target_token, is_beheerder),
    "beheer.sessies_beeindigen": Endpoint(page("post", "/beheer/gebruikers/{user}/sessies-beeindigen"), is_beheerder),
    # one's own API tokens (any signed-in user; invalid input: no token is made; no token 999999 exists)
    "tokens.lijst": Endpoint(page("get", "/account/api-tokens")),
    "tokens.maken": Endpoint(page("post", "/account/api-tokens", data={"dagen": "0"})),
    "tokens.intrekken": Endpoint(page("post", "/account/api-tokens/999999/intrekken"), lambda *a: DENY),
    # the managers' overviews (process data and figures, no personal data)
    "overzicht.board": Endpoint(page("get", "/overzicht"), is_manager),
    "overzicht.workload": Endpoint(page("get", "/overzicht/werkdruk"), is_manager),
    "overzicht.figures": Endpoint(page("get", "/overzicht/cijfers"), is_manager),
    "overzicht.figures_download": Endpoint(page("get", "/overzicht/cijfers.csv"), is_manager),
    "overzicht.heatmap": Endpoint(page("get", "/overzicht/knelpunten"), is_manager),
    "overzicht.diagram": Endpoint(page("get", "/overzicht/processen/signaal-naar-casus/diagram.bpmn"), is_manager),
    "overzicht.monitor": Endpoint(page("get", "/overzicht/monitor"), sees_monitor),
    "overzicht.monitor_report": Endpoint(page("get", "/overzicht/monitor/rapport.xlsx"), sees_monitor),
    "overzicht.monitor_mail": Endpoint(page("post", "/overzicht/monitor/rapport/mailen"), sees_monitor),
    "overzicht.reassign": Endpoint(reassign_to_someone_without_the_role, reassigns_task, per_stage=True),
    "overzicht.mail_settings": Endpoint(page("post", "/instellingen/meldingen", data={"email": "geen-adres"})),
    # observability: /metrics answers this machine (no METRICS_TOKEN in this world), /health everyone
    "observability.metrics": Endpoint(page("get", "/metrics"), public=True),
    "observability.health": Endpoint(page("get", "/health"), public=True),
    # the API
    "api.health": Endpoint(api("get", "/health"), api=True, public=True),
    "api.openapi": Endpoint(api("get", "/openapi.json"), api=True, public=True),
    "api.list_notifications": Endpoint(api("get", "/notifications"), api=True),
    "api.list_definitions": Endpoint(api("get", "/process-definitions"), api=True),
    "api.deploy": Endpoint(deploy_same_package, api=True,
                           expect=lambda rol, own, stage=None: ALLOW if rol in ("procesbeheerder", "beheerder") else REFUSE),
    "api.report_signal": Endpoint(report_api, lambda rol, own, stage=None: yes_no(member(rol, own)), api=True),
    "api.list_signals": Endpoint(api("get", "/signals"), api=True, check=only_visible_signals),
    "api.get_signal": Endpoint(api("get", "/signals/{signal}"), lambda *a: yes_no(sees_signal(*a)), per_stage=True,
                               api=True),
    "api.add_note": Endpoint(api("post", "/signals/{signal}/aantekeningen", json={"tekst": ""}),
                             lambda *a: yes_no(works_case(*a)), per_stage=True, api=True),
    "api.note_is_final": Endpoint(api("put", "/signals/{signal}/aantekeningen/1", json={"tekst": "anders"}),
                                  per_stage=True, api=True),  # 405 for everyone: a note is never changed
    "api.case_file_pdf": Endpoint(api("get", "/signals/{signal}/dossier.pdf"), lambda *a: yes_no(sees_process(*a)),
                                  per_stage=True, api=True),
    "api.save_progress": Endpoint(api("post", "/tasks/{task}/voortgang", json={"data": {}}), works_task,
                                  per_stage=True, api=True),
    "api.get_draft": Endpoint(api("get", "/tasks/{task}/concept"), lambda *a: yes_no(sees_task(*a)), per_stage=True,
                              api=True),
    "api.save_draft": Endpoint(api("put", "/tasks/{task}/concept", json={"data": {}}), works_task, per_stage=True,
                               api=True),
    "api.list_tasks": Endpoint(api("get", "/tasks"), api=True, check=only_visible_signals),
    "api.get_task": Endpoint(api("get", "/tasks/{task}"), lambda *a: yes_no(sees_task(*a)), per_stage=True, api=True),
    "api.claim": Endpoint(claim_then_give_back("api"), works_task, per_stage=True, api=True),
    "api.unclaim": Endpoint(api("post", "/tasks/{task}/unclaim"), lambda *a: yes_no(sees_task(*a)), per_stage=True,
                            api=True),
    "api.complete": Endpoint(api("post", "/tasks/{task}/complete", json={"data": {}}), works_task, per_stage=True,
                             api=True),
    # the process owners' library, drafts, downloads (process data only; invalid input where it would change much)
    "modeler.bibliotheek": Endpoint(page("get", "/processen"), changes_processes),
    "modeler_api.concept": Endpoint(page("get", "/processen/signaal-naar-casus/concept"), changes_processes),
    "modeler_api.concept_opslaan": Endpoint(page("put", "/processen/signaal-naar-casus/concept",
                                                 json={"bestanden": []}), changes_processes),
    "modeler_api.concept_verwijderen": Endpoint(page("delete", "/processen/signaal-naar-casus/concept"),
                                                changes_processes),
    "modeler_api.concept_valideren": Endpoint(validate_a_saved_draft, changes_processes),
    "modeler_api.concept_deployen": Endpoint(page("post", "/processen/signaal-naar-casus/concept/deploy",
                                                  json={"opmerking": ""}), changes_processes),
    "modeler_api.versies": Endpoint(page("get", "/processen/signaal-naar-casus/versies"), changes_processes),
    "modeler_api.versie_bijlagen": Endpoint(page("get", "/processen/signaal-naar-casus/versies/1/bijlagen"),
                                            changes_processes),
    "modeler_api.versie_bestand": Endpoint(
        page("get", "/processen/signaal-naar-casus/versies/1/bestanden/signaal-naar-casus.bpmn"), changes_processes),
    "modeler_api.migratie_voorbeeld": Endpoint(page("get", "/processen/signaal-naar-casus/migratie/voorbeeld?van=1&naar=1"),
                                               changes_processes),
    "modeler_api.migreren": Endpoint(page("post", "/processen/signaal-naar-casus/migratie", json={"van": 1, "naar": 1}),
                                     changes_processes),
    # trying the draft ("Proberen", web/modeler/proberen.py): in memory, nothing stored
    "modeler_proberen.begin": Endpoint(page("get", "/processen/signaal-naar-casus/proberen"), changes_processes),
    "modeler_proberen.spelen": Endpoint(page("post", "/processen/signaal-naar-casus/proberen", json=TRY_OUT),
                                        changes_processes),
    "modeler_proberen.als_scenario": Endpoint(page("post", "/processen/signaal-naar-casus/proberen/scenario",
                                                   json={"id": "proef", "naam": "Proef", **TRY_OUT}), changes_processes),
    "modeler_proberen.scenarios": Endpoint(page("get", "/processen/signaal-naar-casus/scenarios"), changes_processes),
    "modeler.migratie": Endpoint(page("get", "/processen/signaal-naar-casus/migratie?van=1&naar=1"), changes_processes),
    "modeler.migratie_uitvoeren": Endpoint(page("post", "/processen/signaal-naar-casus/migratie/uitvoeren",
                                                data={"van": "1", "naar": "1"}), changes_processes),
    "modeler.importeren": Endpoint(page("get", "/processen/importeren"), changes_processes),
    "modeler.importeren_versturen": Endpoint(page("post", "/processen/importeren", data={}), changes_processes),
    # moving a signal to another process (invalid input: nothing moves; tests/web/test_pages__route_change.py moves)
    "pages.proces_wijzigen": Endpoint(page("post", "/signalen/{signal}/proces", data={"proces": "", "reden": ""}),
                                      lambda *a: moves_signal(*a), per_stage=True),
    # the Signalen list (anyone signed in: their own scope, possibly empty) and handing a signal over to another
    # municipality (no reason: nothing moves; tests/web/test_pages__signal_list.py and test_api__signal_list.py hand over)
    "pages.signalen": Endpoint(page("get", "/signalen"), check=only_visible_signals),
    "pages.overdragen": Endpoint(page("post", "/signalen/{signal}/overdracht", data={"gemeente": "Arnhem", "reden": ""}),
                                 hands_over, per_stage=True),
    "api.hand_over": Endpoint(api("post", "/signals/{signal}/overdracht", json={"gemeente": "Arnhem", "reden": ""}),
                              hands_over, per_stage=True, api=True),
    # the chain partner directory (beheerder); no entry exists in this world (tests/web/test_admin__partners.py)
    "ketenpartners.lijst": Endpoint(page("get", "/beheer/ketenpartners"), is_beheerder),
    "ketenpartners.nieuw": Endpoint(page("post", "/beheer/ketenpartners/nieuw", data={"naam": ""}), is_beheerder),
    "ketenpartners.bewerken": Endpoint(page("get", "/beheer/ketenpartners/999999"), lambda *a: DENY),
    "ketenpartners.verwijderen": Endpoint(page("post", "/beheer/ketenpartners/999999/verwijderen"), lambda *a: DENY),
    # nothing was removed in this session: the beheerder hears "niets om terug te zetten", others are refused
    "ketenpartners.terugzetten": Endpoint(page("post", "/beheer/ketenpartners/terugzetten"), is_beheerder),
    # The catalog (roles, case tables, partner kinds, covenants) and the route set-up (issue #17); the
    # posts are invalid or refused (a built-in cannot go), so they change nothing.
    "catalogus.start": Endpoint(page("get", "/beheer/catalogus"), is_beheerder),
    "catalogus.lijst": Endpoint(page("post", "/beheer/catalogus/rol", data={"sleutel": ""}), is_beheerder),
    "catalogus.bewerken": Endpoint(page("get", "/beheer/catalogus/casustafel/signalenoverleg"), is_beheerder),
    "catalogus.verwijderen": Endpoint(page("post", "/beheer/catalogus/rol/analist/verwijderen"), is_beheerder),
    "route_inrichting.overzicht": Endpoint(page("get", "/beheer/route-inrichting"), sets_up_routes),
    "route_inrichting.opslaan": Endpoint(nijmegen_route_set_up, sets_up_nijmegen),
    # the process owners' editor and version comparison (pages; their data comes from modeler_api)
    "modeler_editor.bewerken": Endpoint(page("get", "/processen/signaal-naar-casus/bewerken"), changes_processes),
    "modeler_editor.vergelijken": Endpoint(page("get", "/processen/signaal-naar-casus/vergelijken"), changes_processes),
    # 'Wat verandert er?': history replayed against the draft (no draft: against the latest version)
    "modeler_impact.wat_verandert_er": Endpoint(page("get", "/processen/signaal-naar-casus/wat-verandert-er"),
                                                changes_processes),
    "modeler_impact.naspelen": Endpoint(page("post", "/processen/signaal-naar-casus/concept/naspelen"),
                                        changes_processes),
}


# --- the checks --------------------------------------------------------------------------------

def test_every_endpoint_has_an_expectation(world):
    endpoints = {rule.endpoint for rule in world.app.url_map.iter_rules()}

    assert endpoints - set(ENDPOINTS) == set(), "endpoints without an expectation in the access matrix"
    assert set(ENDPOINTS) - endpoints == set(), "expectations for endpoints that no longer exist"


def _to_sign_in(response) -> bool:
    return response.status_code == 302 and "/aanmelden" in response.headers.get("Location", "")


def _outcome(response, endpoint: Endpoint, signed_in: bool) -> str:
    """What the answer means: allowed, refused with a reason, denied — or broken.

    Allowed is an answer of the handler itself: a page, a redirect, or a refusal of the (on
    purpose invalid) input (400, 409, 422). Denied is the endpoint's :attr:`Endpoint.deny_status`
    with nothing said, or being sent to sign in. Anything else is broken: a server error, a 404
    where the table expects none (a wrong URL or a handler that hides what it should show), a
    deny in another form than the table says.
    """
    status = response.status_code
    if status >= 500:
        return f"broken ({status})"
    if endpoint.public:  # signing in and out redirect to the sign-in page by design
        return ALLOW if status < 400 else f"broken ({status})"
    if status == 401 or _to_sign_in(response):
        return "sent to sign in (the session was lost)" if signed_in else DENY
    if status == 403 and _reason(response):
        return REFUSE
    if status in (403, 404):
        return DENY if status == endpoint.deny_status else f"broken ({status}, the table denies with {endpoint.deny_status})"
    if status == 422 and response.is_json and "gemeente" in (response.get_json().get("velden") or {}):
        return DENY  # the report form: not a member of that municipality
    return ALLOW


_NOTHING_HERE = ("bestaat niet", "geen toegang", "Geef een API-token", "verlopen of ingetrokken")


def _reason(response) -> bool:
    text = response.get_json().get("fout", "") if response.is_json else response.get_data(as_text=True)
    return not any(phrase in text for phrase in _NOTHING_HERE)


def _difference(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"{a[max(0, at - 80):at + 80]!r} / {b[max(0, at - 80):at + 80]!r}"


def _normalised(response) -> str:
    return re.sub(r'(csrf_token" value="|data-csrf=")[^"]+', r"\1", response.get_data(as_text=True))


@pytest.mark.parametrize("endpoint_name", sorted(ENDPOINTS))
@pytest.mark.parametrize(("rol", "own"), WHO, ids=[f"{r}-{'eigen' if o else 'ander'}" for r, o in WHO])
def test_access(world, endpoint_name, rol, own):
    endpoint = ENDPOINTS[endpoint_name]
    if endpoint_name.startswith("auth."):
        world.clients.pop((rol, own), None)  # signing in or out may end this client's session: use a fresh one
    stages = STAGES if endpoint.per_stage else (None,)
    problems = []
    for stage in stages:
        ids = {"signal": world.signals.get(stage, MISSING), "task": world.tasks.get(stage, MISSING),
               "user": world.target_user}
        if not endpoint.api:
            world.forget_messages(rol, own)  # what one's own earlier requests flashed is no leak
        response = endpoint.call(world, rol, own, ids)
        got = _outcome(response, endpoint, signed_in=rol != ANONYMOUS)
        response.close()
        if rol == ANONYMOUS:
            expected = ALLOW if endpoint.public else DENY
        elif endpoint.public:
            expected = ALLOW
        else:
            expected = endpoint.expect(rol, own, stage)
        if got != expected:
            problems.append(f"{stage or '-'}: expected {expected}, got {got} ({response.status_code})")
            continue
        if got == ALLOW and endpoint.check is not None:
            endpoint.check(world, rol, own, response)
        if got == DENY and endpoint.per_stage and rol != ANONYMOUS:  # a visitor is sent to sign in, whatever the id
            world.forget_messages(rol, own)
            missing = endpoint.call(world, rol, own, {"signal": MISSING, "task": MISSING, "user": MISSING})
            missing.close()
            if (missing.status_code, _normalised(missing)) != (response.status_code, _normalised(response)):
                problems.append(f"{stage}: the deny differs from the answer for a missing id (it leaks): "
                                f"{response.status_code} {_difference(_normalised(response), _normalised(missing))}")
    if endpoint_name.startswith("auth."):
        world.clients.pop((rol, own), None)
    assert problems == []


@pytest.mark.parametrize(("rol", "own"), WHO, ids=[f"{r}-{'eigen' if o else 'ander'}" for r, o in WHO])
def test_care_data(world, rol, own):
    """Care data is special-category: of every role, only the zorgcoördinator of the signal's region sees the
    trajectory (API ``zorgtraject``, the reflection period among the ``termijnen``, the care steps; the signal
    page's care section); the others who see the signal see its route only, the manager counts only."""
    signal_id, care = world.signals[CARE], own and rol in SEES_CARE
    response = world.api(rol, own, "get", f"/signals/{signal_id}")
    if rol == ANONYMOUS:
        assert response.status_code == 401
        return
    if not sees_signal(rol, own, CARE):
        assert response.status_code in (401, 404)
    else:
        body = response.get_json()
        assert response.status_code == 200
        assert ("zorgtraject" in body) is care
        assert any("bedenktijd" in t["naam"] for t in body.get("termijnen", [])) is care
        assert any(s.get("zorgtraject") for s in body.get("stappen", [])) is care
        assert (CARE_PROVIDER in response.get_data(as_text=True)) is care
    page_answer = world.client(rol, own).get(f"/signalen/{signal_id}")
    text = page_answer.get_data(as_text=True)
    assert page_answer.status_code == (200 if sees_signal(rol, own, CARE) else 403)
    for marker in (CARE_PROVIDER, "Bedenktijd", "Twee weken voor het einde van de bedenktijd"):
        assert (marker in text) is care, marker
    task_page = world.client(rol, own).get(f"/taken/{world.tasks[CARE]}")
    assert task_page.status_code == (200 if own and rol in ("zorgcoordinator", "manager") else 403)
    assert "COSM" not in re.sub(r"data-(schema|gegevens)='[^']*'", "", task_page.get_data(as_text=True)) or care


def test_a_404_or_a_server_error_is_never_counted_as_allowed():
    from flask import Response

    on_a_page, in_the_api = Endpoint(page("get", "/ergens")), Endpoint(api("get", "/ergens"), api=True)
    hidden = "U heeft geen toegang tot deze pagina, of ze bestaat niet."

    assert _outcome(Response("Niet gevonden", status=404), on_a_page, signed_in=True).startswith("broken (404")
    assert _outcome(Response(hidden, status=403), on_a_page, signed_in=True) == DENY
    assert _outcome(Response('{"fout": "bestaat niet"}', status=404, mimetype="application/json"), in_the_api,
                    signed_in=True) == DENY
    assert _outcome(Response('{"fout": "bestaat niet"}', status=403, mimetype="application/json"), in_the_api,
                    signed_in=True).startswith("broken (403")
    assert _outcome(Response("Al geclaimd door Anna", status=403), on_a_page, signed_in=True) == REFUSE
    assert _outcome(Response("", status=500), on_a_page, signed_in=True) == "broken (500)"
    assert _outcome(Response("", status=404), Endpoint(page("get", "/"), public=True), signed_in=False) == "broken (404)"
