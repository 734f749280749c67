"""The regional monitor (engine/queries/monitor.py): per municipality and region, per quarter and half-year,
scoped by region, with no count of 1 to 4 shown or derivable; the report's download and mail are logged."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from engine.errors import FieldErrors, Forbidden
from engine.people.users import add_user
from engine.store.schema import audit_event, mail_bericht, mail_bijlage, mail_instelling
from tests.engine.care_actions import COMENSHA, EINDE, ZORGPLAN, act, add_provider, deploy_care, intake_zorg, monitoring, opvang
from tests.engine.monitor_actions import add_ketenregisseur, make_regions, register_with_veilig_thuis

SMALL_NUMBERS = {1, 2, 3, 4}


@pytest.fixture
def region(orchestrator, clock):
    now = clock.now()
    with orchestrator.db.write() as conn:
        regions = make_regions(conn, now)
        ids = {
            "keten": add_ketenregisseur(conn, "keten-zuid", regions["zuid"], now),
            "keten_midden": add_ketenregisseur(conn, "keten-midden", regions["midden"], now),
            "af_wijchen": add_user(conn, "af-wijchen", now=now, roles=["aandachtsfunctionaris"], gemeente_naam="Wijchen"),
            "manager": add_user(conn, "manager-nijmegen", now=now, roles=["manager"], gemeente_naam="Nijmegen"),
            "analist": add_user(conn, "analist-nijmegen", now=now, roles=["analist"], gemeente_naam="Nijmegen"),
            "melder_wijchen": add_user(conn, "melder-wijchen", now=now, roles=["melder"], gemeente_naam="Wijchen"),
        }
        conn.execute(mail_instelling.insert().values(user_id=ids["keten"], email="keten@example.org", wijze="direct",
                                                     updated_at=now))
    return {"regions": regions, **{k: orchestrator.actor(v) for k, v in ids.items()}}


@pytest.fixture
def signals(orchestrator, users, region, intake, clock):
    """Q1 2026: 9 in Nijmegen (6 from Burgerzaken, 3 from the Wijkteam; 2 registered with Veilig Thuis), 2 in Wijchen."""
    ids = []
    for i in range(9):
        data = intake(melder={"naam": f"Medewerker {i}", "afdeling": "Burgerzaken" if i < 6 else "Wijkteam Oost"},
                      sector="horeca" if i < 7 else "bouw")
        ids.append(orchestrator.report_signal(users.melder, data).signal_id)
    for _ in range(2):
        ids.append(orchestrator.report_signal(region["melder_wijchen"], intake(gemeente="Wijchen")).signal_id)
    with orchestrator.db.write() as conn:
        for signal_id in ids[:2]:
            register_with_veilig_thuis(conn, signal_id, clock.now())
    return ids


def _table(data, key):
    return {row["naam"]: row["cellen"] for row in next(t for t in data["tabellen"] if t["sleutel"] == key)["rijen"]}


def _numbers(data) -> list:
    return [v for t in data["tabellen"] for row in t["rijen"] for values in row["cellen"].values() for v in values]


def test_the_region_side_by_side_per_municipality_quarter_and_half_year(orchestrator, region, signals):
    data = orchestrator.monitor.figures(region["keten"], jaar=2026, halfjaar=1)
    assert data["regio"]["naam"] == "Gelderland-Zuid"
    assert [c["naam"] for c in data["kolommen"]] == ["Nijmegen", "Wijchen", "Totaal Gelderland-Zuid"]
    assert [p["sleutel"] for p in data["perioden"]] == ["1", "2", "h"]
    received = _table(data, "signalen")["Ontvangen signalen"]
    # Wijchen's 2 is small; Nijmegen's 9 would give it away beside the region's 11: one of them goes too
    assert received["1"][1] == "<5"
    assert "x" in received["1"]
    assert received["2"] == [0, 0, 0]
    departments = _table(data, "afdeling")
    assert "Burgerzaken" in departments  # 6 signals: named
    assert "Wijkteam Oost" not in departments  # 3: counted with the others, not named
    assert any(name.startswith("Overige afdelingen") for name in departments)
    assert _table(data, "veilig_thuis")["Geregistreerd bij Veilig Thuis"]["h"][0] == "<5"
    assert not SMALL_NUMBERS & {v for v in _numbers(data) if isinstance(v, int)}


def test_the_numbers_count_what_was_received(orchestrator, region, users, intake, signals):
    for _ in range(4):  # Wijchen to 6 signals: nothing small left in the received row
        orchestrator.report_signal(region["melder_wijchen"], intake(gemeente="Wijchen"))
    data = orchestrator.monitor.figures(region["af_wijchen"], jaar=2026, halfjaar=1)
    assert _table(data, "signalen")["Ontvangen signalen"]["h"] == [9, 6, 15]
    assert _table(data, "bron")["Interne meldroute"]["1"] == [9, 6, 15]
    assert _table(data, "vorm")["Arbeidsuitbuiting"]["h"] == [9, 6, 15]
    sectors = _table(data, "sector")
    # Nijmegen: 7 horeca and 2 bouw of 9 received; the 7 is hidden too, or 9 - 7 gives the 2 away
    assert sectors["Bouw"]["h"][0] == "<5" and sectors["Horeca"]["h"][0] == "x"
    assert sectors["Logistiek en transport"]["h"][:2] == [0, 6]


def test_scope_is_the_region_of_the_role(orchestrator, region, signals):
    manager = orchestrator.monitor.figures(region["manager"], jaar=2026, halfjaar=1)
    assert [c["naam"] for c in manager["kolommen"]][:2] == ["Nijmegen", "Wijchen"]
    midden = orchestrator.monitor.figures(region["keten_midden"], jaar=2026, halfjaar=1)
    assert [c["naam"] for c in midden["kolommen"]] == ["Arnhem", "Totaal Gelderland-Midden"]
    with pytest.raises(Forbidden):
        orchestrator.monitor.figures(region["keten_midden"], jaar=2026, halfjaar=1, regio_id=region["regions"]["zuid"])
    with pytest.raises(Forbidden):
        orchestrator.monitor.figures(region["analist"], jaar=2026, halfjaar=1)
    with pytest.raises(FieldErrors) as error:
        orchestrator.monitor.figures(region["keten"], jaar=2026, halfjaar=3)
    assert "halfjaar" in error.value.fields


def test_the_report_in_excel_holds_no_small_number_and_no_personal_data(orchestrator, region, signals):
    body = orchestrator.monitor.report(region["keten"], "xlsx", jaar=2026, halfjaar=1)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["1e kwartaal 2026", "2e kwartaal 2026", "1e halfjaar 2026", "Verantwoording"]
    values = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert not [v for v in values if isinstance(v, (int, float)) and v in SMALL_NUMBERS]
    text = " ".join(str(v) for v in values)
    assert "<5" in text and "Burgerzaken" in text
    for personal in ("Medewerker", "Waalkade", "arbeidsmigranten", "Wijkteam Oost"):
        assert personal not in text
    with orchestrator.db.read() as conn:
        events = conn.execute(select(audit_event.c.actie, audit_event.c.detail, audit_event.c.user_id)
                              .where(audit_event.c.actie == "monitorrapport_gedownload")).all()
    assert [(e.detail["bestand"], e.user_id) for e in events] == [("xlsx", region["keten"].id)]


class _PdfDrawn:
    """Stands in for the web's WeasyPrint drawing (the engine draws no HTML): records what it was given."""

    def __init__(self):
        self.given = []

    def __call__(self, data: dict) -> bytes:
        self.given.append(data)
        return b"%PDF-1.7 monitoringsrapport"


def test_mailing_queues_the_report_with_its_files_for_the_ketenregisseur_and_is_logged(orchestrator, region, signals):
    pdf = _PdfDrawn()
    queued = orchestrator.monitor.mail_report(region["manager"], jaar=2026, halfjaar=1, render_pdf=pdf)
    assert queued == 1
    with orchestrator.db.read() as conn:
        rows = conn.execute(select(mail_bericht).where(mail_bericht.c.soort == "monitorrapport")).all()
        files = conn.execute(select(mail_bijlage).order_by(mail_bijlage.c.id)).all()
        logged = conn.execute(select(audit_event.c.detail).where(audit_event.c.actie == "monitorrapport_gemaild")).all()
    assert [(r.user_id, r.status) for r in rows] == [(region["keten"].id, "wachtend")]
    assert rows[0].link.startswith("/overzicht/monitor?regio=")
    assert [(f.mail_bericht_id, f.bestandsnaam, f.mimetype) for f in files] == [
        (rows[0].id, "monitoring-mensenhandel-2026-H1.pdf", "application/pdf"),
        (rows[0].id, "monitoring-mensenhandel-2026-H1.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    # the PDF is drawn once from the suppressed report data; the workbook is the download's
    [given] = pdf.given
    assert given["regio"]["naam"] == "Gelderland-Zuid" and given["secties"] and given["verantwoording"]
    assert bytes(files[0].inhoud) == b"%PDF-1.7 monitoringsrapport"
    book = load_workbook(io.BytesIO(bytes(files[1].inhoud)))
    assert "Verantwoording" in book.sheetnames
    assert logged[0].detail["ontvangers"] == 1
    # the midden region has no ketenregisseur with an address: nothing drawn, nothing queued, and said so
    assert orchestrator.monitor.mail_report(region["keten_midden"], jaar=2026, halfjaar=1, render_pdf=pdf) == 0
    assert len(pdf.given) == 1


def test_care_trajectories_their_duration_and_comensha(orchestrator, route, intake, clock, region):
    deploy_care(orchestrator)
    provider = add_provider(orchestrator, "Opvang Oost", now=clock.now())
    started = []
    for _ in range(6):
        sid = route.report(intake(), proces="zorg-route").signal_id
        act(route, sid, "task_intake", intake_zorg())
        act(route, sid, "task_opvang", opvang(provider, soort="vrouwenopvang", start=clock.now().date().isoformat()))
        act(route, sid, "task_zorgplan", ZORGPLAN)
        act(route, sid, "task_comensha", COMENSHA)
        started.append(sid)
    clock.advance(dt.timedelta(days=28, minutes=1))  # the monitoring moment of the trajectory
    orchestrator.fire_due_timers()
    for sid in started[:5]:
        act(route, sid, "task_monitoring", monitoring(beeindigen=True))
        act(route, sid, "task_einde", EINDE)
    data = orchestrator.monitor.figures(region["manager"], jaar=2026, halfjaar=1)
    care = _table(data, "zorg")
    assert care["Zorgtrajecten gestart"]["1"][0] == 6 and care["Registraties gemeld bij CoMensha"]["h"][0] == 6
    assert care["Zorgtrajecten beëindigd"]["h"][0] == 5
    assert data["zorgduur"]["h"][0] == pytest.approx(28 * 86400, rel=0.01)  # five ended: the median is shown
    assert data["zorgduur"]["2"] == [None, None, None]
    # the care steps stay out of the time per step
    assert not {s["bpmn_id"] for s in data["doorlooptijden"]} & {"task_intake", "task_opvang", "task_zorgplan"}
