"""Playing a draft in the sandbox: the path, the decision's row, roles and deadlines, the clock
that fires escalations; and nothing of it reaches the real tables, mail or audit log."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from engine.errors import FieldErrors, Forbidden
from engine.store.schema import (
    audit_event,
    dossier_stap,
    human_task,
    mail_bericht,
    notificatie,
    process_instance,
    signal,
    timer,
    zorgtraject,
)
from tests.engine.route_actions import VERRIJKT
from tests.engine.tryout_actions import MELDING, SLEUTEL, ZORG_NODIG, care_goes_to_zvh, draft_texts

BEGIN = "2026-01-05T09:00:00Z"


def _play(orchestrator, users, stappen, begin=BEGIN) -> dict:
    return orchestrator.tryouts.play(users.procesbeheerder, SLEUTEL, stappen, begin)


def _counts(orchestrator) -> dict:
    with orchestrator.db.read() as conn:
        return {t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
                for t in (signal, process_instance, human_task, timer, audit_event, mail_bericht, notificatie,
                          dossier_stap, zorgtraject)}


def test_the_default_route_plays_to_its_end_with_the_decisions_row(orchestrator, users):
    played = _play(orchestrator, users, ZORG_NODIG)

    assert played["status"] == "afgerond" and played["uitkomst"] == "Zorgtraject gestart"
    assert played["route"] == "zorgtraject" and played["fout"] is None and played["uitgevoerd"] == 3
    assert played["pad"][:2] == ["start_signaal", "gw_acute_nood"]
    assert {"task_verrijken", "task_beoordelen", "task_routering", "end_zorgtraject"} <= set(played["pad"])
    assert played["beslissingen"] == [{"element": "task_routering", "beslissing": "Routering", "regel": 4,
                                       "regel_id": "rule_zorgtraject", "omschrijving": played["beslissingen"][0]["omschrijving"]}]
    assert played["beslissingen"][0]["omschrijving"].startswith("Zorg nodig")
    texts = [e["tekst"] for e in played["gebeurtenissen"]]
    assert any(t.startswith("Beslistabel 'Routering' koos regel 4") for t in texts)
    assert any("het proces 'zorgtraject'" in t for t in texts)


def test_each_open_step_shows_its_role_and_deadline(orchestrator, users):
    played = _play(orchestrator, users, ZORG_NODIG[:1])

    assert played["status"] == "lopend"
    (task,) = played["open_taken"]
    assert task["stap"] == "task_verrijken" and task["rol"] == "analist" and task["rol_naam"] == "Analist Meldpunt Ondermijning"
    assert task["deadline"] == "2026-01-10T09:00:00Z" and task["deadline_tekst"] == "10-01-2026 10:00"
    assert not task["verlopen"] and not task["geescaleerd"]
    assert played["timers"][0]["element"] == "deadline_verrijken" and played["timers"][0]["actie"] == "escalatie"


def test_jumping_the_clock_past_a_deadline_fires_the_escalation(orchestrator, users):
    played = _play(orchestrator, users, [*ZORG_NODIG[:1], {"soort": "klok", "duur": "P6D"}])

    assert played["nu"] == "2026-01-11T09:00:00Z"
    (task,) = played["open_taken"]
    assert task["stap"] == "task_verrijken" and task["verlopen"] and task["geescaleerd"]
    kinds = [(e["soort"], e["element"]) for e in played["gebeurtenissen"]]
    assert ("timer", "deadline_verrijken") in kinds and ("escalatie", "task_verrijken") in kinds
    fired = next(e for e in played["gebeurtenissen"] if e["soort"] == "timer")
    assert fired["tijd"] == "2026-01-10T09:00:01Z"  # at its own time, not at the end of the jump
    assert "end_escalatie_verrijken" in played["pad"]


def test_a_cycle_fires_at_each_of_its_times_when_the_clock_jumps_far(orchestrator, users):
    to_zvh = {"soort": "taak", "stap": "task_beoordelen",
              "gegevens": {**ZORG_NODIG[2]["gegevens"], "strafrechtelijk_traject": True}}
    played = _play(orchestrator, users, [*ZORG_NODIG[:2], to_zvh, {"soort": "klok", "duur": "P43D"}])

    # every 14 days the follow-up asks for feedback on the regie: a 'Terugkoppeling regie' step each time
    assert sorted(t["stap"] for t in played["open_taken"]) == ["task_regie_zvh"] + ["task_terugkoppeling"] * 3
    follow_ups = [e for e in played["gebeurtenissen"] if e["element"] == "terugkoppeling_zvh"]
    assert len(follow_ups) == 3  # day 14, 28 and 42


def test_a_try_out_writes_nothing(orchestrator, users):
    before = _counts(orchestrator)

    _play(orchestrator, users, [*ZORG_NODIG[:1], {"soort": "klok", "duur": "P30D"}])
    _play(orchestrator, users, ZORG_NODIG)

    assert _counts(orchestrator) == before


def test_a_wrong_answer_stops_the_run_at_that_step_naming_the_field(orchestrator, users):
    wrong = {**VERRIJKT}
    del wrong["vermoeden_versterkt"]
    played = _play(orchestrator, users, [ZORG_NODIG[0], {"soort": "taak", "stap": "task_verrijken", "gegevens": wrong}])

    assert played["fout"]["actie"] == 1 and "vermoeden_versterkt" in played["fout"]["velden"]
    assert played["uitgevoerd"] == 1 and [t["stap"] for t in played["open_taken"]] == ["task_verrijken"]


def test_a_step_that_is_not_open_is_named(orchestrator, users):
    played = _play(orchestrator, users, [ZORG_NODIG[0], ZORG_NODIG[2]])

    assert played["fout"]["velden"] == {"stap": "de stap 'Afstemmen en beoordelen' staat nu niet open"}


@pytest.mark.parametrize("stappen, field", [
    ([], "stappen"),
    ([{"soort": "taak", "stap": "task_verrijken"}], "stappen[0]"),
    ([{"soort": "melden", "gegevens": MELDING}, {"soort": "klok", "duur": "P1Y"}], "stappen[1].duur"),
    ([{"soort": "melden", "gegevens": MELDING}, {"soort": "klok", "duur": "__import__('os')"}], "stappen[1].duur"),
])
def test_malformed_steps_are_refused_naming_the_step(orchestrator, users, stappen, field):
    with pytest.raises(FieldErrors) as refused:
        _play(orchestrator, users, stappen)
    assert field in refused.value.fields


def test_the_draft_is_played_not_the_deployed_version(orchestrator, users):
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, draft_texts(routering__dmn=care_goes_to_zvh))

    played = _play(orchestrator, users, ZORG_NODIG)

    assert played["route"] == "zorg_en_strafrecht" and played["status"] == "lopend"
    assert [t["stap"] for t in played["open_taken"]] == ["task_regie_zvh"]


def test_a_new_try_out_starts_at_the_clocks_time(orchestrator, users, clock):
    played = orchestrator.tryouts.play(users.procesbeheerder, SLEUTEL, ZORG_NODIG[:1])

    assert played["begin"] == clock.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
    assert dt.datetime.fromisoformat(played["nu"].replace("Z", "+00:00")) == clock.now().replace(microsecond=0)


def test_only_who_may_change_processes_may_try_them(orchestrator, users):
    for actor in (users.analist, users.aandachtsfunctionaris, users.melder):
        with pytest.raises(Forbidden):
            orchestrator.tryouts.play(actor, SLEUTEL, ZORG_NODIG)
        with pytest.raises(Forbidden):
            orchestrator.tryouts.begin(actor, SLEUTEL)


def test_the_start_offers_the_report_form_and_the_examples(orchestrator, users):
    found = orchestrator.tryouts.begin(users.procesbeheerder, SLEUTEL)

    assert any(c.get("key") == "omschrijving" for c in found["startformulier"]["components"])
    assert found["voorbeelden"] and all(v["melding"]["gemeente"] for v in found["voorbeelden"])
    assert found["scenarios"] == []


def test_a_draft_with_an_unsafe_condition_is_not_played(orchestrator, users):
    files = draft_texts()
    bpmn = "signaal-naar-casus.bpmn"
    files[bpmn] = files[bpmn].replace("vermoeden_versterkt == False", "().__class__.__mro__ == False", 1)
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, files)

    with pytest.raises(FieldErrors) as refused:
        _play(orchestrator, users, ZORG_NODIG)
    assert refused.value.fields == {"concept": "het concept is niet geldig"}
    assert "niet toegestaan" in str(refused.value)


def test_a_table_without_a_matching_row_gets_stuck_at_the_decision(orchestrator, users):
    files = draft_texts()
    table = files["routering.dmn"]
    files["routering.dmn"] = table.replace(
        '<inputEntry id="rule_zorgtraject_zorg">\n          <text></text>', '<inputEntry id="rule_zorgtraject_zorg">\n'
        '          <text>False</text>', 1)
    assert files["routering.dmn"] != table
    orchestrator.owners.save_draft(users.procesbeheerder, SLEUTEL, files)

    played = _play(orchestrator, users, ZORG_NODIG)

    assert played["status"] == "vastgelopen" and played["fout"]["actie"] == 2
    assert "heeft geen regel" in played["fout"]["bericht"]
    assert played["beslissingen"][-1]["regel"] is None
