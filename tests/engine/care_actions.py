"""Helpers for the care trajectory tests (processes/zorgtraject): deploy it with a route that
reaches care, add shelter providers to the directory, and the form data of each step."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import ensure_gemeente
from engine.store.schema import gemeente, ketenpartner, zorgtraject
from tests.engine.route_actions import ROOT, TEST_DATA

CARE_PROCESS = ROOT / "processes" / "zorgtraject"
CARE_ROUTE = TEST_DATA / "zorg-route"


def deploy_care(orchestrator) -> None:
    """The trajectory, and a route whose first element starts it (``start_proces``)."""
    orchestrator.deploy_folder(CARE_PROCESS)
    orchestrator.deploy_folder(CARE_ROUTE)


REGIONS = {"Nijmegen": "Gelderland-Zuid", "Doetinchem": "Achterhoek"}


def add_provider(orchestrator, naam: str, *, gemeente_naam: str = "Nijmegen", now: dt.datetime) -> str:
    """A shelter provider (kind ``opvang``) in the region of ``gemeente_naam`` (put in its region first
    if it has none); its id as the form sends it."""
    with orchestrator.db.write() as conn:
        gemeente_id = ensure_gemeente(conn, gemeente_naam)
        regio_id = conn.execute(select(gemeente.c.regio_id).where(gemeente.c.id == gemeente_id)).scalar_one()
        if regio_id is None:
            regio_id = ensure_regio(conn, REGIONS[gemeente_naam])
            assign_gemeente(conn, regio_id, gemeente_id)
        new_id = conn.execute(insert(ketenpartner).returning(ketenpartner.c.id), {
            "regio_id": regio_id, "soort": "opvang", "naam": naam, "bijgewerkt_op": now}).scalar_one()
    return str(new_id)


def intake_zorg(**overrides) -> dict:
    data = {"leeftijdscategorie": "23_29", "geslacht": "vrouw", "nationaliteit_groep": "derdelander",
            "minderjarig": False, "uitbuitingsvorm": "seksueel", "wil_aangifte": "weet_niet",
            "bedenktijd_van_toepassing": True}
    data.update(overrides)
    return data


def opvang(provider: str, soort: str = "cosm", start: str = "2026-01-15", voogdij: str = "geen") -> dict:
    return {"opvang_soort": soort, "opvang_aanbieder": provider, "opvang_start": start, "voogdij": voogdij}


ZORGPLAN = {"zorgplan_domeinen": ["opvang", "gezondheid", "juridisch"], "aanbieder_opvang": "COSM Noord",
            "aanbieder_gezondheid": "Huisartsenpost", "aanbieder_juridisch": "Advocatenkantoor"}
COMENSHA = {"comensha_gemeld": True}


def monitoring(beeindigen: bool) -> dict:
    data = {f"voortgang_{d}": "goed" for d in ("opvang", "gezondheid", "juridisch", "inkomen", "veiligheid",
                                              "terugkeer_verblijf")}
    data["zorg_beeindigen"] = beeindigen
    return data


EINDE = {"einde_uitkomst": "zelfstandig", "einde_datum": "2026-06-01"}


def care_row(orchestrator, signal_id: int):
    with orchestrator.db.read() as conn:
        return conn.execute(select(zorgtraject).where(zorgtraject.c.signal_id == signal_id)).one()


def act(route, signal_id: int, bpmn_id: str, data: dict):
    """Complete the signal's open ``bpmn_id`` task as its role's user (other tasks may be open beside it:
    the reflection period runs beside the care plan)."""
    (task,) = [t for t in route.open_tasks(signal_id) if t.bpmn_id == bpmn_id]
    return route.orchestrator.complete_task(route.actor_for(task.rol), task.id, data)


def deploy_zvh_care_route(orchestrator) -> None:
    """``zorg-route-zvh``: the same route as a ZVH case (route ``zorg_en_strafrecht``), reaching care."""
    from engine.definitions.package import ProcessPackage
    from tests.engine.route_actions import package_with

    package = package_with(
        ProcessPackage.from_folder(CARE_ROUTE),
        **{"proces.json": lambda t: t.replace('"sleutel": "zorg-route"', '"sleutel": "zorg-route-zvh"'),
           "zorg-route.bpmn": lambda t: t.replace('route = "zorgtraject"', 'route = "zorg_en_strafrecht"')})
    orchestrator.deploy(package)
