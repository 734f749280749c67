"""Every municipality its own route (issue #17): the route set-up per municipality and region.

The same signal — an identifiable victim — runs the stroomschema in Nijmegen (Gelderland-Zuid), the
signalenroutekaart in Lisse (Holland Rijnland) and the ondermijningsoverleg route in Doetinchem
(Achterhoek); a change of a set-up affects new signals only.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from engine.errors import FieldErrors, NotFound
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import add_user, ensure_gemeente
from engine.store.schema import audit_event, dossier_stap, notificatie, process_definition, process_instance
from tests.engine.route_actions import ROOT

ROUTES = ("slachtoffer-in-beeld", "meldcode", "ondermijningsoverleg")
REGIONS = {"Gelderland-Zuid": ("Nijmegen", "Wijchen"), "Holland Rijnland": ("Lisse",),
           "Achterhoek": ("Doetinchem", "Winterswijk")}
VICTIM = {"identificeerbaar_slachtoffer": True, "slachtoffer_wil_melden": True, "uitbuitingsvormen": ["arbeid"]}


@dataclasses.dataclass
class Region:
    """The three set-ups of the seeds, with a reporter in each municipality."""

    orch: object
    ids: dict
    people: dict

    def person(self, key):
        return self.orch.actor(self.people[key])

    def owner(self, key="beheerder"):
        return self.person(key)  # the system's view of a user: with a second factor

    def report(self, gemeente: str, **answers):
        return self.orch.report_signal(self.person(f"melder-{gemeente}"), {
            "gemeente": gemeente, "omschrijving": "Man in de kas moest zijn paspoort afgeven.",
            "locatie": "Kas aan de Dorpsstraat", "minderjarige": "nee", "acute_nood": False, "sector": "agrarisch",
            **answers})

    def set_route(self, scope: str, name: str, modus: str, proces: str, actor=None):
        self.orch.region.set_route(actor or self.owner(), scope, self.ids[name], {"modus": modus, "proces": proces})

    def process_of(self, outcome) -> str:
        with self.orch.db.read() as conn:
            return conn.execute(select(process_definition.c.sleutel)
                                .join(process_instance, process_instance.c.definition_id == process_definition.c.id)
                                .where(process_instance.c.id == outcome.instance_id)).scalar_one()


@pytest.fixture
def region(orchestrator):
    for folder in ROUTES:
        orchestrator.deploy_folder(ROOT / "processes" / folder)
    now = orchestrator.clock.now()
    ids, people = {}, {}
    with orchestrator.db.write() as conn:
        for regio_naam, gemeenten in REGIONS.items():
            ids[regio_naam] = ensure_regio(conn, regio_naam)
            for naam in gemeenten:
                ids[naam] = ensure_gemeente(conn, naam)
                assign_gemeente(conn, ids[regio_naam], ids[naam])
                people[f"melder-{naam}"] = add_user(conn, f"melder-{naam.lower()}", now=now, naam=f"Melder {naam}",
                                                    roles=["melder"], gemeente_naam=naam)
        people["beheerder"] = add_user(conn, "beheerder", now=now, naam="Bea Beheer", roles=["beheerder"],
                                       gemeente_naam=None)
        people["pb-nijmegen"] = add_user(conn, "pb-nijmegen", now=now, naam="Pim Procesbeheer",
                                         roles=["procesbeheerder"], gemeente_naam="Nijmegen")
        people["af"] = add_user(conn, "af-doetinchem", now=now, naam="Anke Aandacht",
                                roles=["aandachtsfunctionaris"], gemeente_naam="Doetinchem")
        people["va"] = add_user(conn, "va-doetinchem", now=now, naam="Victor Veiligheid",
                                roles=["veiligheidsadviseur"], gemeente_naam="Doetinchem")
        people["riec"] = add_user(conn, "riec-achterhoek", now=now, naam="Rik RIEC", roles=["riec"],
                                  gemeente_naam=None, regio_naam="Achterhoek")
        people["regiomanager"] = add_user(conn, "regiomanager-achterhoek", now=now, naam="Regina Regio",
                                          roles=["regiomanager"], gemeente_naam=None, regio_naam="Achterhoek")
        people["manager"] = add_user(conn, "manager-doetinchem", now=now, naam="Maarten Manager", roles=["manager"],
                                     gemeente_naam="Doetinchem")
    setup = Region(orchestrator, ids, people)
    setup.set_route("regio", "Gelderland-Zuid", "proces", "signaal-naar-casus")
    setup.set_route("regio", "Holland Rijnland", "beslistabel", "signaal-naar-casus")
    setup.set_route("regio", "Achterhoek", "proces", "ondermijningsoverleg")
    return setup


def test_the_same_victim_signal_follows_each_regions_own_route(region):
    nijmegen, lisse, doetinchem = (region.report(g, **VICTIM) for g in ("Nijmegen", "Lisse", "Doetinchem"))

    assert (nijmegen.proces, [t["bpmn_id"] for t in nijmegen.nieuwe_taken]) == ("signaal-naar-casus", ["task_verrijken"])
    assert (lisse.proces, [t["bpmn_id"] for t in lisse.nieuwe_taken]) == ("slachtoffer-in-beeld", ["task_nla"])
    assert (doetinchem.proces, [t["bpmn_id"] for t in doetinchem.nieuwe_taken]) == (
        "ondermijningsoverleg", ["task_registratie_vt"])


def test_a_municipality_inherits_its_regions_set_up_and_its_own_overrides_it(region):
    assert region.report("Winterswijk", **VICTIM).proces == "ondermijningsoverleg"  # the Achterhoek's

    region.set_route("gemeente", "Winterswijk", "beslistabel", "signaal-naar-casus")

    assert region.report("Winterswijk", **VICTIM).proces == "slachtoffer-in-beeld"
    assert region.report("Doetinchem", **VICTIM).proces == "ondermijningsoverleg"  # the region is unchanged


def test_changing_a_set_up_changes_only_new_signals(region):
    before = region.report("Doetinchem", **VICTIM)

    region.set_route("regio", "Achterhoek", "proces", "signaal-naar-casus")
    after = region.report("Doetinchem", **VICTIM)

    assert (region.process_of(before), region.process_of(after)) == ("ondermijningsoverleg", "signaal-naar-casus")
    af = region.person("af")
    still_open = [t for t in region.orch.inbox(af)["taken"] if t["signaal_id"] == before.signal_id]
    assert [t["naam"] for t in still_open] == ["Registratie bij Veilig Thuis vastleggen"]
    # the removed set-up: back to the default, the stroomschema for every signal
    region.orch.region.set_route(region.owner(), "regio", region.ids["Achterhoek"], {"modus": ""})
    assert region.report("Doetinchem", **VICTIM).proces == "signaal-naar-casus"


def test_a_place_without_any_set_up_sends_every_signal_along_the_stroomschema(orchestrator, users, intake):
    for folder in ROUTES:
        orchestrator.deploy_folder(ROOT / "processes" / folder)

    assert orchestrator.report_signal(users.melder, intake(**VICTIM)).proces == "signaal-naar-casus"
    assert orchestrator.report_signal(users.melder, intake()).proces == "signaal-naar-casus"


def test_a_set_up_is_validated_with_dutch_field_errors(region):
    with pytest.raises(FieldErrors) as caught:
        region.set_route("gemeente", "Lisse", "proces", "bestaat-niet")
    assert caught.value.fields == {"proces": "kies een gedeployd proces"}

    with pytest.raises(FieldErrors) as caught:
        region.set_route("gemeente", "Lisse", "beslistabel", "ondermijningsoverleg")
    assert "geen beslistabel 'proceskeuze'" in caught.value.fields["proces"]

    with pytest.raises(FieldErrors) as caught:
        region.set_route("gemeente", "Lisse", "altijd", "signaal-naar-casus")
    assert set(caught.value.fields) == {"modus"}


def test_a_process_owner_sets_up_only_their_own_municipality(region):
    owner = region.owner("pb-nijmegen")

    region.set_route("gemeente", "Nijmegen", "beslistabel", "signaal-naar-casus", actor=owner)
    with pytest.raises(NotFound):
        region.set_route("gemeente", "Lisse", "proces", "signaal-naar-casus", actor=owner)
    with pytest.raises(NotFound):  # Wijchen is in the region too: the region is not theirs alone
        region.set_route("regio", "Gelderland-Zuid", "proces", "signaal-naar-casus", actor=owner)
    with pytest.raises(NotFound):  # without a second factor nobody changes a set-up
        region.set_route("gemeente", "Nijmegen", "proces", "signaal-naar-casus",
                         actor=dataclasses.replace(owner, tweede_factor=False))

    overview = region.orch.region.route_overview(owner)
    assert [(r["naam"], [g["naam"] for g in r["gemeenten"]], r["wijzigbaar"]) for r in overview["regios"]] == [
        ("Gelderland-Zuid", ["Nijmegen"], False)]
    with region.orch.db.read() as conn:
        changes = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "route_inrichting_gewijzigd")
                               .order_by(audit_event.c.id)).scalars().all()
    assert changes[-1] == {"gemeente": region.ids["Nijmegen"], "modus": "beslistabel", "proces": "signaal-naar-casus"}


def test_the_achterhoek_route_records_the_veilig_thuis_registration_and_the_tables_decision(region):
    outcome = region.report("Doetinchem", **VICTIM)
    orch, af, va = region.orch, region.person("af"), region.person("va")

    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == outcome.signal_id)
    orch.complete_task(af, task["id"], {"veilig_thuis_geregistreerd": "ja", "veilig_thuis_geregistreerd_op": "2026-03-02"})
    task = next(t for t in orch.inbox(va)["taken"] if t["signaal_id"] == outcome.signal_id)
    assert task["naam"] == "Ondermijningsoverleg voorbereiden"
    # the veiligheidsadviseur prepares the case: they see the unrouted signal in full (not who reported it)
    view = orch.signal(va, outcome.signal_id)
    assert view["gegevens"]["omschrijving"] == "Man in de kas moest zijn paspoort afgeven."
    assert "melder" not in view["gegevens"]
    registered = next(s for s in view["dossier"] if s.get("bpmn_id") == "task_registratie_vt")  # the case travels
    assert registered["gegevens"]["veilig_thuis_geregistreerd"] == "ja"
    orch.complete_task(va, task["id"], {"afgestemd_met_aandachtsfunctionaris": True, "voorstel_route": "riec",
                                        "ondermijnende_aspecten": "Panden op naam van een stroman."})
    # the local ondermijningsoverleg: the veiligheidsadviseur chairs, the aandachtsfunctionaris brings the case
    option = next(o for o in orch.meeting_planning_options(va) if o["tafel"] == "ondermijningsoverleg")
    overleg_id = orch.plan_meeting(va, tafel="ondermijningsoverleg", gemeente_id=option["gemeente_id"],
                                   regio_id=option["regio_id"], datum=orch.clock.now() + dt.timedelta(days=1),
                                   locatie="Stadhuis Doetinchem")
    waiting = next(t for t in orch.inbox(va)["taken"] if t["signaal_id"] == outcome.signal_id)
    item_id = orch.bring_to_table(af, waiting["id"], overleg_id)
    orch.clock.advance(dt.timedelta(days=1))
    decided = orch.record_decision(va, item_id, {"besluit_overleg": "riec", "toelichting_besluit": "Netwerk."})

    assert decided.route == "riec"
    with pytest.raises(NotFound):  # routed: shared under the RIEC covenant, no longer the municipality's preparation
        orch.signal(va, outcome.signal_id)
    riec = region.person("riec")
    assert [t["naam"] for t in orch.inbox(riec)["taken"] if t["signaal_id"] == outcome.signal_id] == [
        "Regie ondermijnende criminaliteit"]
    with orch.db.read() as conn:
        steps = conn.execute(select(dossier_stap.c.bpmn_id, dossier_stap.c.gegevens)
                             .where(dossier_stap.c.signal_id == outcome.signal_id)).all()
    registration = next(s.gegevens for s in steps if s.bpmn_id == "task_registratie_vt")
    assert registration["veilig_thuis_geregistreerd"] == "ja"


def test_an_overdue_task_of_a_regional_role_reaches_the_regiomanager_not_the_municipal_manager(region):
    outcome = region.report("Doetinchem", **VICTIM)
    gemeente_id = region.ids["Doetinchem"]
    orch = region.orch
    af, va = region.person("af"), region.person("va")
    task = next(t for t in orch.inbox(af)["taken"] if t["signaal_id"] == outcome.signal_id)
    orch.complete_task(af, task["id"], {"veilig_thuis_geregistreerd": "nee", "reden_niet_geregistreerd": "Geweigerd."})
    task = next(t for t in orch.inbox(va)["taken"] if t["signaal_id"] == outcome.signal_id)
    orch.complete_task(va, task["id"], {"afgestemd_met_aandachtsfunctionaris": True, "voorstel_route": "riec",
                                        "ondermijnende_aspecten": "Geldstromen."})
    option = next(o for o in orch.meeting_planning_options(va) if o["tafel"] == "ondermijningsoverleg")
    overleg_id = orch.plan_meeting(va, tafel="ondermijningsoverleg", gemeente_id=option["gemeente_id"],
                                   regio_id=option["regio_id"], datum=orch.clock.now() + dt.timedelta(days=1),
                                   locatie="Stadhuis")
    waiting = next(t for t in orch.inbox(va)["taken"] if t["signaal_id"] == outcome.signal_id)
    orch.clock.advance(dt.timedelta(days=1))
    orch.record_decision(va, orch.bring_to_table(af, waiting["id"], overleg_id),
                         {"besluit_overleg": "riec", "toelichting_besluit": "Netwerk."})

    orch.clock.advance(dt.timedelta(days=91))
    orch.fire_due_timers()

    with orch.db.read() as conn:
        notices = conn.execute(select(notificatie.c.rol, notificatie.c.gemeente_id)
                               .where(notificatie.c.signal_id == outcome.signal_id,
                                      notificatie.c.soort == "escalatie")).all()
    assert [(n.rol, n.gemeente_id) for n in notices] == [("regiomanager", gemeente_id)]
    assert len(orch.notifications(region.person("regiomanager"))) == 1
    assert orch.notifications(region.person("manager")) == []
