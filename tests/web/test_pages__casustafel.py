"""The case table pages through the test client: plan, bring to the table, decide at the meeting;
the reporter's pages say only that the signal was passed on."""
from __future__ import annotations

import datetime as dt
import re

from engine.store.schema import agendapunt
from tests.web.pages_actions import Browser

INTAKE = {"gemeente": "Nijmegen", "omschrijving": "Busjes met arbeiders bij een bedrijfspand aan de Havenweg.",
          "uitbuitingsvormen": ["arbeid", "crimineel"], "minderjarige": "nee"}


def _as(app, username) -> Browser:
    other = Browser(app.test_client())
    assert other.login(username).status_code == 302
    return other


def _waiting_at_the_riec_table(orchestrator, page_users) -> tuple[int, int]:
    started = orchestrator.report_signal(page_users["melder"], INTAKE)
    for username, data in (("analist", {"vermoeden_versterkt": True}),
                           ("af", {"voldoende_aanleiding": True, "ondermijnende_criminaliteit": True,
                                   "casustafel_bespreken": True})):
        task = next(t for t in orchestrator.inbox(page_users[username])["taken"] if t["signaal_id"] == started.signal_id)
        orchestrator.complete_task(page_users[username], task["id"], data)
    task = next(t for t in orchestrator.inbox(page_users["riec"])["taken"] if t["signaal_id"] == started.signal_id)
    return started.signal_id, task["id"]


def test_a_table_decision_is_taken_at_the_meeting_page_not_the_task_page(app, orchestrator, page_users, clock):
    signal_id, task_id = _waiting_at_the_riec_table(orchestrator, page_users)
    riec, af = _as(app, "riec"), _as(app, "af")

    task_page = riec.client.get(f"/taken/{task_id}").get_data(as_text=True)
    assert "Dit besluit neemt de casustafel" in task_page and "sr-formulier" not in task_page
    refused = riec.post_json(f"/taken/{task_id}", {"besluit_casustafel": "bevestigd"})
    assert refused.status_code == 403 and "casustafel" in refused.get_json()["fout"]

    planned = riec.post_form("/overleggen", optie="0", datum=(clock.now() + dt.timedelta(days=2)).strftime(
        "%Y-%m-%dT%H:%M"), locatie="Online")
    assert planned.status_code == 302
    overleg_url = planned.headers["Location"]
    overleg_id = int(overleg_url.rsplit("/", 1)[1])
    signal_page = af.client.get(f"/signalen/{signal_id}").get_data(as_text=True)
    assert "Agenderen voor RIEC-casustafel" in signal_page
    assert af.post_form(f"/taken/{task_id}/agenderen", overleg_id=str(overleg_id),
                        terug=f"/signalen/{signal_id}").headers["Location"] == f"/signalen/{signal_id}"
    with orchestrator.db.read() as conn:
        [item_id] = conn.execute(agendapunt.select().with_only_columns(agendapunt.c.id)).scalars().all()

    early = riec.post_json(f"/agendapunten/{item_id}/besluit", {"besluit_casustafel": "bevestigd",
                                                                        "toelichting": "Past bij de RIEC."})
    assert early.status_code == 409
    clock.advance(dt.timedelta(days=2))
    riec = _as(app, "riec")  # two days later: the session of before has long ended
    decided = riec.post_json(f"/agendapunten/{item_id}/besluit?terug={overleg_url}",
                             {"besluit_casustafel": "bevestigd", "toelichting": "Past bij de RIEC."})

    assert decided.status_code == 200 and decided.get_json()["doorsturen"] == overleg_url
    meeting = riec.client.get(overleg_url).get_data(as_text=True)
    assert "Het besluit is vastgelegd." in meeting and "Casus: regie zoals voorgesteld" in meeting
    assert "Regie ondermijning (RIEC)" in riec.client.get("/werkvoorraad").get_data(as_text=True)


def test_the_reporter_reads_passed_on_to_a_chain_partner_and_no_more(app, orchestrator, page_users):
    signal_id, task_id = _waiting_at_the_riec_table(orchestrator, page_users)
    overleg_id = orchestrator.plan_meeting(page_users["riec"], tafel="riec_tafel", gemeente_id=None, regio_id=None,
                                           datum=orchestrator.clock.now(), locatie="Online")  # meets now
    item_id = orchestrator.bring_to_table(page_users["af"], task_id, overleg_id)
    orchestrator.record_decision(page_users["riec"], item_id, {"besluit_casustafel": "bevestigd",
                                                               "toelichting": "Past bij de RIEC."})
    melder = _as(app, "melder")

    for path in ("/mijn-meldingen", f"/signalen/{signal_id}"):
        page = melder.client.get(path).get_data(as_text=True)
        assert "het signaal is doorgegeven aan een ketenpartner" in page
        main = page.split("<main", 1)[1]
        assert not re.search("RIEC|riec|ondermijn|Havenweg|casustafel", main), path
    assert "/overleggen" not in melder.client.get("/mijn-meldingen").get_data(as_text=True)


def test_a_meeting_is_not_found_for_who_does_not_sit_at_its_table(app, orchestrator, page_users, clock):
    overleg_id = orchestrator.plan_meeting(page_users["af"], tafel="signalenoverleg",
                                           gemeente_id=orchestrator.gemeente_id("Nijmegen"), regio_id=None,
                                           datum=clock.now() + dt.timedelta(days=1))
    for username in ("analist-arnhem", "riec", "manager", "melder"):
        response = _as(app, username).client.get(f"/overleggen/{overleg_id}")
        missing = _as(app, username).client.get("/overleggen/999999")
        assert (response.status_code, missing.status_code) == (403, 403)
        assert "geen toegang" in response.get_data(as_text=True)
    assert "Stadhuis" not in _as(app, "analist-arnhem").client.get("/overleggen").get_data(as_text=True)
    assert f"/overleggen/{overleg_id}" in _as(app, "analist").client.get("/overleggen").get_data(as_text=True)
