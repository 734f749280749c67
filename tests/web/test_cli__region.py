"""The region as configuration on the command line (issue #17): the catalog and the route set-up."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.domain import catalog
from engine.people.regions import assign_gemeente, ensure_regio
from engine.people.users import ensure_gemeente
from engine.store.schema import audit_event, route_inrichting
from web.cli import main


@pytest.fixture
def run(orchestrator, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", orchestrator.db.engine.url.render_as_string(hide_password=False))

    def _run(*args):
        return CliRunner().invoke(main, list(args), catch_exceptions=False)

    yield _run
    catalog.reset()


def test_a_role_added_on_the_command_line_can_be_granted_and_is_logged(run, orchestrator):
    assert run("user", "add", "wim", "--role", "wijkagent", "--gemeente", "Nijmegen").exit_code == 2

    added = run("catalogus", "set", "rol", "wijkagent", "--naam", "Wijkagent", "--taakrol")
    assert (added.exit_code, added.stderr.strip()) == (0, "rol 'wijkagent' toegevoegd.")
    assert run("user", "add", "wim", "--role", "wijkagent", "--gemeente", "Nijmegen").exit_code == 0
    assert "wijkagent\tWijkagent\tregionaal=nee taakrol=ja" in run("catalogus", "list", "rol").stdout

    refused = run("catalogus", "remove", "rol", "wijkagent")
    assert refused.exit_code == 2 and "er hebben nog gebruikers deze rol" in refused.stderr
    with orchestrator.db.read() as conn:
        logged = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "catalogus_gewijzigd")).scalar_one()
    assert logged["sleutel"] == "wijkagent" and logged["via"] == "commandoregel"


def test_a_bad_catalog_entry_names_its_fields(run):
    result = run("catalogus", "set", "casustafel", "jeugd", "--naam", "Jeugdoverleg", "--niveau", "gemeente",
                 "--deelnemer", "spook", "--voorzitter", "analist")
    assert result.exit_code == 2
    assert "deelnemers: onbekende rol 'spook'" in result.stderr


def test_the_route_set_up_of_a_region_on_the_command_line(run, orchestrator):
    with orchestrator.db.write() as conn:
        assign_gemeente(conn, ensure_regio(conn, "Achterhoek"), ensure_gemeente(conn, "Doetinchem"))

    result = run("route-inrichting", "--regio", "Achterhoek", "--modus", "proces", "--proces", "signaal-naar-casus")
    assert result.exit_code == 0, result.stderr
    with orchestrator.db.read() as conn:
        assert conn.execute(select(route_inrichting.c.modus, route_inrichting.c.proces)).one() == (
            "proces", "signaal-naar-casus")
    missing = run("route-inrichting", "--regio", "Achterhoek", "--modus", "proces", "--proces", "bestaat-niet")
    assert missing.exit_code == 2 and "proces: kies een gedeployd proces" in missing.stderr
    assert run("route-inrichting", "--gemeente", "Atlantis", "--modus", "").exit_code != 0
