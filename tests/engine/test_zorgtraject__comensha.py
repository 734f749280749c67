"""The CoMensha export holds the registration categories and nothing that identifies a person: no
name, address, date of birth, description or free text of any signal in the database — checked
against generated data, on SQLite and PostgreSQL. Each export is processing-logged."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random

import pytest

from engine.domain.care import COMENSHA_FIELDS
from engine.errors import Forbidden
from engine.queries.comensha import FIELDS
from tests.db_views import audit_details
from tests.engine.care_actions import (
    COMENSHA,
    act,
    add_provider,
    deploy_care,
    intake_zorg,
    opvang,
)

SYLLABLES = ["ka", "mi", "ro", "ve", "lin", "dra", "sto", "ju", "ber", "na", "tes", "vol", "ri", "an"]
STREETS = ["Waalkade", "Molenstraat", "Lange Hezelstraat", "Graafseweg", "Hatertseweg", "Kerkstraat"]


def _name(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize() for _ in range(2))


def generated_case(rng: random.Random) -> dict:
    """A report and care plan full of what identifies a person: names, an address, a date of birth, free text."""
    victim, reporter, provider_person = _name(rng), _name(rng), _name(rng)
    born = dt.date(rng.randint(1960, 2008), rng.randint(1, 12), rng.randint(1, 28))
    address = f"{rng.choice(STREETS)} {rng.randint(1, 300)}, Nijmegen"
    text = f"{victim} (geboren {born.isoformat()}) woont op {address} en werkt zonder contract bij {_name(rng)}."
    return {
        "victim": victim, "reporter": reporter, "born": born.isoformat(), "born_nl": born.strftime("%d-%m-%Y"),
        "address": address, "text": text, "contact": f"{reporter.split()[0].lower()}@example.org",
        "plan": f"Begeleiding door {provider_person}, wekelijks gesprek op {address}",
    }


@pytest.fixture
def registered(route, orchestrator, intake, clock, users):
    """Eight trajectories reported to CoMensha, each from a signal full of generated personal data."""
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Gelderland", now=clock.now())
    rng = random.Random(18)
    cases = []
    for i in range(8):
        case = generated_case(rng)
        started = route.report(intake(omschrijving=case["text"], locatie=case["address"],
                                      melder={"naam": case["reporter"], "afdeling": "Burgerzaken",
                                              "contact": case["contact"]}),
                               proces="zorg-route")
        sid = started.signal_id
        act(route, sid, "task_intake", intake_zorg(geslacht=rng.choice(["man", "vrouw"]),
                                                   minderjarig=False, leeftijdscategorie="30_39"))
        act(route, sid, "task_opvang", opvang(provider, soort=rng.choice(["cosm", "vrouwenopvang", "gespecialiseerd"]),
                                              start=clock.now().date().isoformat()))
        act(route, sid, "task_zorgplan", {"zorgplan_domeinen": ["opvang", "gezondheid"],
                                          "aanbieder_opvang": case["plan"], "aanbieder_gezondheid": case["victim"]})
        if i < 7:  # one not (yet) reported: not in the export
            act(route, sid, "task_comensha", COMENSHA)
        cases.append(case)
    return cases


def _period(clock):
    today = clock.now().date()
    return {"van": today - dt.timedelta(days=1), "tot": today + dt.timedelta(days=1)}


def test_the_export_holds_categories_only_and_nothing_of_any_signal(orchestrator, users, registered, clock):
    csv_text = orchestrator.care.export(users.zorgcoordinator, "csv", **_period(clock)).decode("utf-8-sig")
    body = json.loads(orchestrator.care.export(users.zorgcoordinator, "json", **_period(clock)))

    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == len(body["registraties"]) == 7
    for exported in (csv_text, json.dumps(body, ensure_ascii=False)):
        for case in registered:
            for key in ("victim", "reporter", "born", "born_nl", "address", "text", "contact", "plan"):
                assert case[key] not in exported, (key, case[key])
            for word in case["victim"].split() + case["reporter"].split():
                assert word not in exported, word
        assert "Burgerzaken" not in exported and "MH-" not in exported
    for row in body["registraties"]:
        assert list(row) == list(FIELDS)
        for key, allowed in COMENSHA_FIELDS.items():
            assert row[key] in allowed, (key, row[key])
        assert row["gemeente"] == "Nijmegen" and row["volgnummer"] in range(1, 8)
        assert row["gemeld_in"] == f"{clock.now():%Y-%m}"


def test_an_export_is_processing_logged_without_its_content(orchestrator, users, registered, clock):
    orchestrator.care.export(users.zorgcoordinator, "csv", **_period(clock))
    (event,) = audit_details(orchestrator, "comensha_export")
    assert event["aantal"] == 7 and event["bestand"] == "csv"
    assert set(event) <= {"aantal", "bestand", "periode"}


@pytest.mark.parametrize("who", ["analist", "aandachtsfunctionaris", "zvh", "riec", "melder"])
def test_only_the_zorgcoordinator_exports(orchestrator, users, registered, clock, who):
    with pytest.raises(Forbidden):
        orchestrator.care.export(getattr(users, who), "json", **_period(clock))
    assert audit_details(orchestrator, "comensha_export") == []
