"""Action helpers for the engine tests: report a signal, find and complete its tasks, count rows.

Imported by the test modules beside it (``from route_actions import ...``).
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from engine.definitions.package import ProcessPackage
from engine.people.users import Actor, add_user
from engine.runtime.instances import Outcome
from engine.runtime.projections import OPEN
from engine.service.orchestrator import Orchestrator
from engine.store.schema import human_task, process_instance, signal
from tests.db_views import audit_events

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROCESS = ROOT / "processes" / "signaal-naar-casus"
TEST_DATA = ROOT / "tests" / "data"

# Form data that moves the default process along, per user task.
VERRIJKT = {"adresgegevens": "Waalkade 1: zes ingeschrevenen", "vermoeden_versterkt": True, "toelichting": "Bevestigd."}
NIET_VERRIJKT = {"vermoeden_versterkt": False, "reden_afsluiten": "Regulier huurconflict.", "toelichting": "Nagevraagd."}
REGIE = {"regie_opgepakt": True, "resultaat": "hulp_gestart", "behandelaar": "J. de Vries", "covenant": "geen",
         "toelichting": "Intake gepland."}
# 'Gemeentelijke opvolging' (processes/*/formulieren/gemeentelijke-opvolging.form.json), per choice.
REGULIERE_HULP = {"opvolging": "regulier", "hulp_partij": "wijkteam", "hulp_contact": "Sociaal wijkteam Oost, P. Jansen",
                  "hulp_ingeschakeld_op": "2026-01-06"}
AANGEMELD_ZVH = {"opvolging": "zvh", "zvh_aangemeld_op": "2026-01-06", "zvh_contact": "Procesregisseur"}
OPVOLGING_AFGESLOTEN = {"opvolging": "afsluiten", "reden_afsluiten": "Betrokkene is verhuisd naar het buitenland."}
# 'Zorg oppakken' of the zorgcoördinator beside the ZVH's regie.
# 'Acute situatie opvolgen'.
ACUUT_GEBELD = {"politie_gebeld": True, "politie_gebeld_op": "2026-01-05T10:00:00+01:00",
                "acute_acties": "Melder gebeld; politie ter plaatse."}
ACUUT_NIET_GEBELD = {"politie_gebeld": False, "reden_niet_gebeld": "Betrokkene is in veiligheid bij familie.",
                     "acute_acties": "Melder gebeld."}


def beoordeeld(*, aanleiding: bool = True, ondermijnend: bool = False, strafrecht: bool = False,
               tafel: bool = False, zorg: bool = True) -> dict:
    """Form data for 'Afstemmen en beoordelen' (``tafel``: first to the case table of the route)."""
    return {
        "casustafel_bespreken": tafel,
        "geraadpleegde_ketenpartners": ["avim", "zorgcoordinator"],
        "voldoende_aanleiding": aanleiding,
        **({} if aanleiding else {"reden_geen_casustafel": "Geen aanwijzingen na afstemming met AVIM."}),
        "zorg_nodig": zorg,
        "strafrechtelijk_traject": strafrecht,
        "ondermijnende_criminaliteit": ondermijnend,
        "toelichting": "Afgestemd met AVIM.",
    }


def besluit(besluit_casustafel: str, andere_route: str | None = None) -> dict:
    """Form data for a case table's decision ('casustafel-besluit')."""
    return {"besluit_casustafel": besluit_casustafel, "andere_route": andere_route, "toelichting": "Besproken."}


LOCATIE = {"adres": "Industrieweg 4, Nijmegen", "soort_pand": "huisvesting_arbeidsmigranten",
           "sector_locatie": "land_en_tuinbouw", "eigenaar_bekend": True, "bijzonderheden": "Veertig bedden."}
CONTROLE = {"doorverwezen": True, "contactpersoon": "Team handhaving", "controle_gepland_op": "2026-02-01",
            "toelichting_doorverwijzing": "Samen met de omgevingsdienst."}
LOCATION_PROCESS = ROOT / "processes" / "locatie-in-beeld"
# The chair who plans a table's meetings, per table (engine.domain.tafels).
CHAIR = {"signalenoverleg": "aandachtsfunctionaris", "mdo_zvh": "zvh", "riec_tafel": "riec"}


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced by ``new``; ``old`` must occur exactly once."""
    assert text.count(old) == 1, f"expected exactly one {old!r}"
    return text.replace(old, new)


# A new step for v2 packages: 'Melder informeren' (analist), with its form.
INFORM_FORM = ('{"type": "default", "components": [{"type": "checkbox", "key": "melder_geinformeerd", '
               '"label": "Melder geïnformeerd", "validate": {"required": true}}]}')


def inform_step(incoming: str, outgoing: str, target: str) -> str:
    """The BPMN of 'Melder informeren' reached by flow ``incoming``, on to ``target`` by a new flow ``outgoing``."""
    return f"""<bpmn:userTask id="task_melder_informeren" name="Melder informeren">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="rol" value="analist" />
          <spiffworkflow:property name="formulier" value="melder-informeren" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming>
      <bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="{outgoing}" sourceRef="task_melder_informeren" targetRef="{target}" />
    """


def package_with(package: ProcessPackage, **changes) -> ProcessPackage:
    """A copy of ``package`` with files changed: ``name=callable(text) -> text``, or ``None`` to delete.

    File names are keyword-unfriendly, so pass them as ``**{"routering.dmn": ...}``.
    """
    files = dict(package.files)
    for name, change in changes.items():
        if change is None:
            del files[name]
        else:
            files[name] = change(files[name].decode()).encode()
    return ProcessPackage(files)


@dataclass
class RouteActions:
    """Drive signals through the process as the people of the ``users`` fixture would."""

    orchestrator: Orchestrator
    users: object

    def actor_for(self, rol: str) -> Actor:
        return {
            "analist": self.users.analist,
            "aandachtsfunctionaris": self.users.aandachtsfunctionaris,
            "zorgcoordinator": self.users.zorgcoordinator,
            "zvh": self.users.zvh,
            "riec": self.users.riec,
        }[rol]

    def report(self, data: dict, actor: Actor | None = None, proces: str = "signaal-naar-casus") -> Outcome:
        return self.orchestrator.report_signal(actor or self.users.melder, data, proces=proces)

    def open_tasks(self, signal_id: int):
        """The signal's open ``human_task`` rows, oldest first."""
        with self.orchestrator.db.read() as conn:
            return conn.execute(
                select(human_task).where(human_task.c.signal_id == signal_id, human_task.c.status == OPEN)
                .order_by(human_task.c.id)
            ).all()

    def open_task(self, signal_id: int, bpmn_id: str | None = None):
        """The signal's one open task, or its one open ``bpmn_id`` task (beside others on a parallel route)."""
        tasks = self.open_tasks(signal_id)
        if bpmn_id is not None:
            tasks = [t for t in tasks if t.bpmn_id == bpmn_id] or tasks
        assert len(tasks) == 1, [t.bpmn_id for t in tasks]
        assert bpmn_id is None or tasks[0].bpmn_id == bpmn_id, (tasks[0].bpmn_id, bpmn_id)
        return tasks[0]

    def complete(self, signal_id: int, bpmn_id: str, data: dict, *, claim: bool = False):
        """Complete the signal's open ``bpmn_id`` task as its role's user."""
        task = self.open_task(signal_id, bpmn_id)
        actor = self.actor_for(task.rol)
        if claim:
            self.orchestrator.claim(actor, task.id)
        return self.orchestrator.complete_task(actor, task.id, data)

    def walk(self, signal_id: int, steps) -> None:
        """Complete ``(bpmn_id, data)`` steps in order (a table's decision at a meeting of that table)."""
        for bpmn_id, data in steps:
            if self.open_task(signal_id, bpmn_id).casustafel:
                self.decide_at_table(signal_id, bpmn_id, data)
            else:
                self.complete(signal_id, bpmn_id, data)

    def plan_meeting(self, tafel: str, gemeente_id: int, *, days: int = 1) -> int:
        """A meeting of ``tafel`` ``days`` from now covering ``gemeente_id``, planned by its chair."""
        chair = self.actor_for(CHAIR[tafel])
        option = next(o for o in self.orchestrator.meeting_planning_options(chair)
                      if o["tafel"] == tafel and o["gemeente_id"] in (None, gemeente_id))
        when = self.orchestrator.clock.now() + dt.timedelta(days=days)
        return self.orchestrator.plan_meeting(chair, tafel=tafel, gemeente_id=option["gemeente_id"],
                                              regio_id=option["regio_id"], datum=when, locatie="Stadhuis")

    def decide_at_table(self, signal_id: int, bpmn_id: str, data: dict) -> Outcome:
        """Plan a meeting of the task's table, put the task on its agenda, let the day come, record the decision."""
        task = self.open_task(signal_id, bpmn_id)
        overleg_id = self.plan_meeting(task.casustafel, task.gemeente_id)
        item_id = self.orchestrator.bring_to_table(self.users.aandachtsfunctionaris, task.id, overleg_id)
        self.orchestrator.clock.advance(dt.timedelta(days=1))
        return self.orchestrator.record_decision(self.actor_for(task.rol), item_id, data)

    def instance(self, instance_id: int):
        with self.orchestrator.db.read() as conn:
            return conn.execute(select(process_instance).where(process_instance.c.id == instance_id)).one()

    def signal_row(self, signal_id: int):
        with self.orchestrator.db.read() as conn:
            return conn.execute(select(signal).where(signal.c.id == signal_id)).one()

    def audit(self, signal_id: int, actie: str | None = None) -> list:
        return audit_events(self.orchestrator, actie or None, signal_id=signal_id)

    def count(self, table) -> int:
        with self.orchestrator.db.read() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    def counts(self, *tables) -> dict[str, int]:
        return {table.name: self.count(table) for table in tables}

    def add_user(self, username: str, naam: str, rol: str, gemeente: str | None) -> Actor:
        with self.orchestrator.db.write() as conn:
            user_id = add_user(conn, username, now=self.orchestrator.clock.now(), naam=naam, roles=[rol],
                               gemeente_naam=gemeente)
        return self.orchestrator.actor(user_id)


def race(*calls: Callable[[], object]) -> list[tuple[str, object]]:
    """Run ``calls`` in threads released together; ``("ok", result)`` or ``("error", exception)`` each."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[str, object]] = [("not run", None)] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            outcomes[index] = ("ok", call())
        except Exception as exc:  # noqa: BLE001 - handed to the test, which names what it expected
            outcomes[index] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a command hung"
    return outcomes


def small_intake(**overrides) -> dict:
    """An intake for the test packages' short report form (tests/data/timer-*)."""
    data = {"gemeente": "Nijmegen", "omschrijving": "Vier mensen slapen achter in een nagelsalon.",
            "uitbuitingsvormen": ["arbeid"], "minderjarige": "ja", "indicatoren": ["onderbetaling"]}
    data.update(overrides)
    return data


def break_gateway(monkeypatch, name: str = "minderjarige"):
    """Make every condition that mentions ``name`` fail (a calculation service that is down), as
    tests/data/timer-wachten's gateway after its timer does; returns the fix."""
    from engine.spiff.sandbox import RestrictedEnvironment

    original = RestrictedEnvironment.evaluate

    def failing(self, expression, context, external_context=None):
        if name in expression:
            raise RuntimeError("rekenmodule niet bereikbaar")
        return original(self, expression, context, external_context)

    monkeypatch.setattr(RestrictedEnvironment, "evaluate", failing)
    return lambda: monkeypatch.setattr(RestrictedEnvironment, "evaluate", original)


def start_worker(db_url: str, *args: str, **env: str):
    """``signaalroute worker ARGS`` in its own process on ``db_url`` (plus ``env``); stop it with :func:`stop_worker`."""
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items()
            if k not in ("FLASK_RUN_FROM_CLI", "WERKZEUG_RUN_MAIN", "PROMETHEUS_MULTIPROC_DIR")}
    return subprocess.Popen([sys.executable, "-m", "web.cli", "worker", *args], cwd=ROOT,
                            env={**base, "DATABASE_URL": db_url, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stop_worker(worker) -> str:
    """SIGTERM, then wait for the clean stop; returns what it wrote on stderr (killed and raised after 15 s)."""
    import signal
    import subprocess

    worker.send_signal(signal.SIGTERM)
    try:
        _out, err = worker.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        raise
    return err


def use_intake_table(orchestrator, gemeente: str = "Nijmegen", proces: str = "signaal-naar-casus") -> None:
    """Let ``gemeente``'s intake choose the process by the ``proceskeuze`` table of ``proces`` (its route
    set-up, issue #17); a municipality without a set-up sends every signal along the stroomschema."""
    from engine.people.users import ensure_gemeente

    with orchestrator.db.write() as conn:
        gemeente_id = ensure_gemeente(conn, gemeente)
    orchestrator.region.set_route(None, "gemeente", gemeente_id, {"modus": "beslistabel", "proces": proces})
