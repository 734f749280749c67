"""The demo data (``signaalroute init --demo``): its municipalities in regions, the regional roles
granted per region, and a routed demo case in the regie party's task list."""
from __future__ import annotations

from sqlalchemy import select

from engine.people.users import verify_password
from engine.service.demo import DEMO_PASSWORD, DEMO_REGION_USERS, DEMO_USERS, load_demo
from engine.store.schema import gemeente, regio, user, user_role


def _ids(orchestrator) -> dict[str, int]:
    with orchestrator.db.read() as conn:
        return dict(conn.execute(select(user.c.gebruikersnaam, user.c.id)).all())


def test_the_demo_puts_its_municipalities_in_regions_and_grants_regional_roles_per_region(orchestrator):
    tokens = load_demo(orchestrator)
    assert set(tokens) == {username for username, *_ in (*DEMO_USERS, *DEMO_REGION_USERS)}
    with orchestrator.db.read() as conn:
        regions = {r.naam: r.regio for r in conn.execute(
            select(gemeente.c.naam, regio.c.naam.label("regio")).outerjoin(regio, regio.c.id == gemeente.c.regio_id))}
        grants = {(r.gebruikersnaam, r.rol): (r.gemeente_id, r.regio) for r in conn.execute(
            select(user.c.gebruikersnaam, user_role.c.rol, user_role.c.gemeente_id, regio.c.naam.label("regio"))
            .join(user_role, user_role.c.user_id == user.c.id).outerjoin(regio, regio.c.id == user_role.c.regio_id))}
        gemeente_ids = dict(conn.execute(select(gemeente.c.naam, gemeente.c.id)).all())
    assert regions == {"Nijmegen": "Gelderland-Zuid", "Wijchen": "Gelderland-Zuid", "Arnhem": "Gelderland-Midden",
                       "Lisse": "Holland Rijnland", "Doetinchem": "Achterhoek", "Winterswijk": "Achterhoek"}
    for username in ("zorgcoordinator", "zvh", "riec"):
        assert grants[(username, username)] == (None, "Gelderland-Zuid")
        roles = orchestrator.actor(_ids(orchestrator)[username]).roles
        assert roles == {(username, gemeente_ids["Nijmegen"]), (username, gemeente_ids["Wijchen"])}
    assert grants[("beheerder", "beheerder")] == (None, None)  # installation-wide
    assert grants[("analist", "analist")] == (gemeente_ids["Nijmegen"], None)
    assert grants[("ketenregisseur-achterhoek", "ketenregisseur")] == (None, "Achterhoek")


def test_the_routed_demo_case_is_in_the_regional_task_list_and_the_password_is_unchanged(orchestrator):
    load_demo(orchestrator)
    ids = _ids(orchestrator)
    zvh = orchestrator.actor(ids["zvh"])
    assert len(orchestrator.inbox(zvh)["taken"]) == 1  # the demo's first signal, routed to the ZVH
    with orchestrator.db.read() as conn:
        assert verify_password(conn, "riec", DEMO_PASSWORD) == ids["riec"]


def test_the_demo_has_example_partners_per_region_and_signals_on_the_new_routes(orchestrator):
    from engine.people.partners import SOORTEN
    from engine.store.schema import ketenpartner
    from tests.engine.route_actions import ROOT

    for folder in ("slachtoffer-in-beeld", "meldcode", "ondermijningsoverleg"):
        orchestrator.deploy_folder(ROOT / "processes" / folder)
    load_demo(orchestrator)
    ids = _ids(orchestrator)

    with orchestrator.db.read() as conn:
        per_region = conn.execute(select(ketenpartner.c.regio_id, ketenpartner.c.soort)).all()
    assert len(per_region) == 4 * len(SOORTEN) and {soort for _r, soort in per_region} == set(SOORTEN)
    # Lisse's route map chose the new routes; Nijmegen's signals all follow the stroomschema
    steps = {t["bpmn_id"] for t in orchestrator.inbox(orchestrator.actor(ids["aandachtsfunctionaris-lisse"]),
                                                      limit=200)["taken"]}
    assert {"task_nla", "task_zorgcoordinator", "task_uitkomst_vt"} <= steps
    nijmegen = orchestrator.inbox(orchestrator.actor(ids["aandachtsfunctionaris"]), limit=200)["taken"]
    assert not {"task_nla", "task_zorgcoordinator", "task_uitkomst_vt"} & {t["bpmn_id"] for t in nijmegen}
    # the Achterhoek: the first signal registered by Veilig Thuis, waiting for the veiligheidsadviseur
    va = orchestrator.actor(ids["veiligheidsadviseur-doetinchem"])
    assert [t["naam"] for t in orchestrator.inbox(va)["taken"]] == ["Ondermijningsoverleg voorbereiden"]
