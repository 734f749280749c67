"""The engine's front door: one object per process holding the database, clock and spec cache.

Each method is one command in one transaction, or one named query. What belongs to one
kind of user sits on a desk, an attribute of the orchestrator sharing its database and
clock: :attr:`~Orchestrator.managers`, :attr:`~Orchestrator.owners`, :attr:`~Orchestrator.admin`,
:attr:`~Orchestrator.partners`, :attr:`~Orchestrator.signin`, :attr:`~Orchestrator.operator` and
:attr:`~Orchestrator.cases` and :attr:`~Orchestrator.dossier` (the case file).
The web layer calls these and nothing below them.
"""
from __future__ import annotations

import datetime
import re
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from ..audit.audit import record_read
from ..audit.audit_chain import ChainReport, verify
from ..clock import SystemClock, isoformat
from ..definitions import definitions
from ..definitions.definitions import DefinitionCache, Deployment
from ..definitions.package import ProcessPackage
from ..errors import Conflict, FieldErrors, Forbidden, NotFound, WorkflowFailed
from ..mail import notify, outbox
from ..ops import health, metrics
from ..people.access import may_change_processes, may_work_task, refusal
from ..people.partners import task_partner
from ..people.users import Actor, find_gemeente, load_actor, user_names
from ..queries import processing_log, queries
from ..runtime import casustafel, commands, incidents, route_change, timers
from ..runtime.care import choices as care_choices
from ..runtime.instances import Outcome, StaleInstance
from ..runtime.intake import intake_form
from ..runtime.projections import OPEN
from ..runtime.retention import RetentionPolicy, RetentionRun
from ..store.db import Database
from ..store.schema import human_task, process_instance, signal
from . import passes, scenario_checks
from .admin import AdminDesk
from .care import CareDesk
from .case_file import CaseFileDesk
from .cases import CasesDesk
from .impact import ImpactDesk
from .managers import ManagersDesk
from .monitor import MonitorDesk
from .operator import OperatorDesk
from .owners import OwnersDesk
from .partners import PartnersDesk
from .region import RegionDesk
from .retry import retry
from .signin import SignInDesk
from .tryouts import TryoutsDesk

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Orchestrator:
    """Commands and queries of Signaalroute.

    :param database: where state lives.
    :param clock: where ``now`` comes from (tests pass a :class:`~engine.clock.FixedClock`).
    :param retention: how long closed signals are kept (:class:`~engine.runtime.retention.RetentionPolicy`).

    The desks: ``managers`` (board, workload, figures, heat map, reassigning), ``owners``
    (library, drafts, versions, instance migration, BPMN import), ``admin`` (users, their tokens,
    undelivered mail), ``partners`` (the chain partner directory), ``signin`` (password, tokens,
    sessions, two-factor, single sign-on), ``monitor`` (the regional monitor and its report), ``operator``
    (the command line's user, token and region commands, schema upgrades) and ``cases`` (the Signalen
    list, handovers to another municipality).
    """

    def __init__(self, database: Database, clock=None, retention: RetentionPolicy | None = None):
        self.db = database
        self.clock = clock or SystemClock()
        self.cache = DefinitionCache()
        self.retention = retention or RetentionPolicy()
        self.mail = outbox.MailConfig()
        self.managers = ManagersDesk(self.db, self.clock, self.cache)
        self.care = CareDesk(self.db, self.clock)  # the CoMensha export (engine.service.care)
        self.monitor = MonitorDesk(self.db, self.clock)  # the regional monitor (engine.service.monitor)
        self.owners = OwnersDesk(self.db, self.clock, self.cache)
        self.tryouts = TryoutsDesk(self.db, self.clock, self.cache)  # playing a draft (engine.service.tryouts)
        self.impact = ImpactDesk(self.db, self.clock, self.cache)  # 'Wat verandert er?' (engine.service.impact)
        self.admin = AdminDesk(self.db, self.clock)
        self.partners = PartnersDesk(self.db, self.clock)
        self.region = RegionDesk(self.db, self.clock)  # the catalog and the route set-ups (issue #17)
        self.signin = SignInDesk(self.db, self.clock)
        self.operator = OperatorDesk(self.db, self.clock)
        self.cases = CasesDesk(self.db, self.clock)  # the Signalen list, handovers to another municipality
        self.dossier = CaseFileDesk(self.db, self.clock, self.cache)

    # --- who -----------------------------------------------------------------------------
    def actor(self, user_id: int) -> Actor:
        with self.db.read() as conn:
            return load_actor(conn, user_id)

    # --- definitions ---------------------------------------------------------------------
    @metrics.command("deploy")
    def deploy(self, package: ProcessPackage, actor: Actor | None = None, opmerking: str | None = None,
               scenarios_bevestigd: bool = False) -> Deployment:
        """Deploy a package as a new version; ``actor`` ``None`` is the system (CLI, init).

        The package's scenarios are replayed first: one that now ends differently raises
        :class:`~engine.errors.ScenariosChanged` unless ``scenarios_bevestigd`` (then with a comment).
        """
        if actor is not None and not may_change_processes(actor):
            raise Forbidden(refusal(actor, "Alleen een procesbeheerder kan een proces deployen."))
        with self.db.write() as conn:
            return scenario_checks.deploy_package_checked(
                conn, self.cache, package, opmerking=opmerking, bevestigd=scenarios_bevestigd,
                user_id=actor.id if actor else None, now=self.clock.now())

    def deploy_folder(self, path: str | Path, opmerking: str | None = None,
                      scenarios_bevestigd: bool = False) -> Deployment:
        return self.deploy(ProcessPackage.from_folder(path), None, opmerking, scenarios_bevestigd)

    def definitions_json(self) -> list[dict]:
        """Every deployed version, as the API lists them."""
        with self.db.read() as conn:
            rows = definitions.list_definitions(conn)
            names = user_names(conn, {r["deployed_by"] for r in rows})
        return [
            {"id": r["id"], "sleutel": r["sleutel"], "versie": r["versie"], "naam": r["naam"],
             "bpmn_proces_id": r["bpmn_proces_id"], "checksum": r["checksum"],
             "gedeployed_door": names.get(r["deployed_by"]), "gedeployed_op": isoformat(r["deployed_at"]),
             "opmerking": r["opmerking"], "lopende_instanties": r["lopend"]}
            for r in rows
        ]

    def healthy(self) -> bool:
        """Whether the database answers."""
        try:
            with self.db.read() as conn:
                conn.execute(select(1))
            return True
        except OperationalError:
            return False

    def gemeente_id(self, naam: str) -> int | None:
        with self.db.read() as conn:
            return find_gemeente(conn, naam)

    # --- commands ------------------------------------------------------------------------
    @metrics.command("report")
    def report_signal(self, actor: Actor, data: dict, proces: str | None = None) -> Outcome:
        """Report a signal; without ``proces`` the intake's answers choose the process (engine.runtime.route_choice)."""
        with self.db.write() as conn:
            return commands.start_signal(conn, self.cache, actor, data, now=self.clock.now(), proces=proces)

    @metrics.command("change_process")
    def change_process(self, actor: Actor, signal_id: int, proces: str, reden: str) -> Outcome:
        """Move a signal to another process (engine.runtime.route_change): the old instance is cancelled, audited."""
        try:
            with self.db.write() as conn:
                return route_change.change_process(conn, self.cache, actor, signal_id, proces, reden,
                                                   now=self.clock.now())
        except StaleInstance:
            raise Conflict("Het dossier is intussen door iemand anders gewijzigd; probeer het opnieuw.") from None

    def process_choices(self, actor: Actor, signal_id: int) -> list[dict]:
        """The processes ``actor`` may move signal ``signal_id`` to (none if they may not move it)."""
        with self.db.read() as conn:
            return route_change.choices(conn, actor, signal_id, self.cache)

    @metrics.command("complete")
    def complete_task(self, actor: Actor, task_id: int, data: dict) -> Outcome:
        """Complete a user task with its form's data; the process runs on to its next wait, in one transaction.

        :param actor: who completes it: the task's assignee, or anyone of its role while unclaimed.
        :param task_id: the ``human_task`` row.
        :param data: the submitted form, checked against the task's form definition.
        :returns: where the signal stands now (status, route, the next open tasks).
        :raises NotFound: the task does not exist or ``actor`` may not see it.
        :raises Forbidden: ``actor`` may see but not do it (another's claim; a case table's decision).
        :raises FieldErrors: the data does not fit the form (each wrong field named).
        :raises Conflict: someone else completed or changed the case first (says who).
        :raises WorkflowFailed: the process failed on the data; nothing changed, an incident is recorded.
        """
        try:
            with self.db.write() as conn:
                return commands.complete_task(conn, self.cache, actor, task_id, data, now=self.clock.now())
        except StaleInstance:
            raise self._explain_conflict(task_id) from None
        except WorkflowFailed as exc:  # rolled back; recorded apart so the case does not stall unseen
            with self.db.write() as conn:
                incidents.record_command_failure(conn, task_id=task_id, exc=exc, now=self.clock.now())
            raise

    @metrics.command("claim")
    def claim(self, actor: Actor, task_id: int) -> None:
        """Put an open task of ``actor``'s role on their name; claiming one's own claim again does nothing.

        :param actor: who claims it; they must hold the task's role where the task is.
        :param task_id: the ``human_task`` row.
        :raises NotFound: the task does not exist or ``actor`` may not see it.
        :raises Forbidden: ``actor`` sees the task but lacks its role.
        :raises Conflict: the task was completed, or someone else claimed it first (says who).
        """
        try:
            with self.db.write() as conn:
                commands.claim_task(conn, actor, task_id, now=self.clock.now())
        except StaleInstance:
            raise self._explain_conflict(task_id) from None

    @metrics.command("unclaim")
    def unclaim(self, actor: Actor, task_id: int) -> None:
        """Give a task ``actor`` claimed back to the queue of its role; an unclaimed task stays as it is.

        :param actor: the task's assignee (nobody else may give it back).
        :param task_id: the ``human_task`` row.
        :raises NotFound: the task does not exist or ``actor`` may not see it.
        :raises Forbidden: someone else holds the task.
        :raises Conflict: the task was completed meanwhile.
        """
        try:
            with self.db.write() as conn:
                commands.unclaim_task(conn, actor, task_id, now=self.clock.now())
        except StaleInstance:
            raise self._explain_conflict(task_id) from None

    def _explain_conflict(self, task_id: int) -> Conflict:
        """After losing a race: say who won, read from the committed state."""
        with self.db.read() as conn:
            row = conn.execute(select(human_task).where(human_task.c.id == task_id)).first()
            if row is not None and row.status != OPEN:
                return commands.already_done(conn, row)
            if row is not None and row.toegewezen_aan is not None:
                who = user_names(conn, {row.toegewezen_aan}).get(row.toegewezen_aan, "een ander")
                return Conflict(f"Deze taak is intussen geclaimd door {who}.")
        return Conflict("Het dossier is intussen door iemand anders gewijzigd; probeer het opnieuw.")

    def fire_due_timers(self, limit: int = 500) -> list[timers.Fired]:
        """One pass of the clock: fire the timers due now (see :mod:`engine.runtime.timers`)."""
        return passes.fire_due_timers(self.db, self.cache, self.clock, limit)

    # --- mail (engine.mail) ---------------------------------------------------------------
    def configure_mail(self, config: outbox.MailConfig) -> None:
        """How this process delivers mail (the web app sets it from ``MAIL_URL``)."""
        self.mail = config

    def mail_config(self) -> outbox.MailConfig:
        return self.mail

    def mail_delivery_on(self) -> bool:
        """Whether this process delivers mail (``MAIL_URL`` set) or only records it as not delivered."""
        return getattr(self.mail.mailer, "delivers", True)

    def mail_settings(self, actor: Actor) -> dict:
        """``actor``'s own address and preference."""
        with self.db.read() as conn:
            return notify.settings(conn, actor.id)

    def save_mail_settings(self, actor: Actor, *, email: str | None, wijze: str) -> None:
        """Store ``actor``'s own address and preference; empty address: no mail at all."""
        email = (email or "").strip() or None
        errors = {}
        if email is not None and (len(email) > 254 or not _EMAIL.fullmatch(email)):
            errors["email"] = "is geen geldig e-mailadres"
        if wijze not in notify.PREFERENCES:
            errors["wijze"] = f"kies uit: {', '.join(notify.PREFERENCES)}"
        if errors:
            raise FieldErrors(errors)
        with self.db.write() as conn:
            notify.save_settings(conn, actor.id, email=email, wijze=wijze, now=self.clock.now())

    def mail_pass(self) -> dict[str, int]:
        """The clock's mail job: passed deadlines, the daily digests, sending (:mod:`engine.mail.outbox`)."""
        return passes.mail_pass(self.db, self.mail, self.clock)

    # --- incidents (engine.runtime.incidents) ----------------------------------------------------
    def incidents(self, actor: Actor, **page) -> dict:
        """The failing steps a ``beheerder`` may see, open ones first."""
        with self.db.read() as conn:
            return incidents.incident_list(conn, actor, self.clock.now(), **page)

    @metrics.command("retry_incident")
    def retry_incident(self, actor: Actor, incident_id: int) -> incidents.RetryResult:
        """Fire the failing timer of an incident now (after its cause was fixed); audited either way."""
        return retry(self.db, self.cache, actor, incident_id, self.clock.now())

    @metrics.command("resolve_incident")
    def resolve_incident(self, actor: Actor, incident_id: int) -> None:
        """Mark an incident resolved (handled outside the engine); audited."""
        with self.db.write() as conn:
            incidents.resolve(conn, actor, incident_id, self.clock.now())

    # --- health and metrics (engine.ops.health, engine.ops.metrics) ------------------------------
    def health(self, window: datetime.timedelta = health.DEFAULT_WINDOW) -> health.Health:
        """The database, the clocks' last pass and mail delivery, for /health."""
        try:
            with self.db.read() as conn:
                return health.check(conn, self.clock.now(), window, mail_delivery=self.mail_delivery_on())
        except OperationalError:
            return health.Health(False)

    def record_clock_pass(self, naam: str) -> None:
        """Record that the clock ``naam`` completed a timer pass now (engine.service.scheduler calls this)."""
        with self.db.write() as conn:
            health.record_pass(conn, naam, self.clock.now())

    def metrics_text(self) -> bytes:
        """The Prometheus exposition: counters of every process, gauges read from the database now."""
        def read() -> dict:
            with self.db.read() as conn:
                return health.gauges(conn, self.clock.now())
        return metrics.exposition(read)

    # --- queries -------------------------------------------------------------------------
    def overdue(self, actor: Actor, **page) -> dict:
        """Open tasks in ``actor``'s scope whose deadline has passed, most overdue first."""
        with self.db.read() as conn:
            return queries.overdue(conn, self.clock.now(), actor, **page)

    def due_soon(self, actor: Actor, within: datetime.timedelta, **page) -> dict:
        """Open tasks in ``actor``'s scope due within ``within`` from now (not yet overdue)."""
        with self.db.read() as conn:
            return queries.due_soon(conn, self.clock.now(), within, actor, **page)

    def intake_form(self, proces: str = commands.DEFAULT_PROCESS) -> dict:
        """The form-js schema of the report form of ``proces``'s newest version (:func:`engine.runtime.intake.intake_form`)."""
        with self.db.read() as conn:
            compiled = self.cache.get(conn, definitions.latest_definition_id(conn, proces))
            form = intake_form(conn, self.cache, compiled)
        if form is None:
            raise NotFound(f"proces '{proces}' heeft geen meldformulier")
        return form.schema

    def may_work(self, actor: Actor, task_id: int) -> bool:
        """Whether ``actor`` may claim and complete the task (for showing the form or not)."""
        with self.db.read() as conn:
            row = conn.execute(select(human_task).where(human_task.c.id == task_id)).first()
        return row is not None and may_work_task(actor, row)

    def inbox_counts(self, actor: Actor) -> dict:
        with self.db.read() as conn:
            return queries.inbox_counts(conn, actor)

    def task_list(self, actor: Actor, **filters) -> dict:
        """A task list page with its step filter and the navigation counts (one transaction)."""
        with self.db.read() as conn:
            result = queries.task_list(conn, actor, **filters)
            result["gemeenten"] = queries.gemeente_names(conn, actor.gemeenten())
            return result

    def inbox_filters(self, actor: Actor) -> dict:
        """What the task list can be filtered on: its steps, and the user's municipalities."""
        with self.db.read() as conn:
            return {"stappen": queries.inbox_steps(conn, actor),
                    "gemeenten": queries.gemeente_names(conn, actor.gemeenten())}

    def signal_diagram(self, actor: Actor, signal_id: int) -> bytes:
        """The BPMN XML of the version ``signal_id`` runs on, if ``actor`` may see the signal."""
        with self.db.read() as conn:
            view, _ = queries.signal_view(conn, actor, signal_id)
            if "proces" not in view:
                raise NotFound("Dit signaal bestaat niet of u heeft er geen toegang toe.")
            package = definitions.load_package(conn, view["proces"]["definitie_id"])
        return package.files[package.bpmn_file()]

    def notifications(self, actor: Actor, **page) -> list[dict]:
        with self.db.read() as conn:
            return queries.notifications(conn, actor, **page)

    def inbox(self, actor: Actor, **filters) -> dict:
        """The open tasks ``actor`` may do (theirs and their roles'), earliest deadline first, one page.

        :param actor: whose inbox.
        :param filters: those of :func:`engine.queries.queries.inbox`: ``bpmn_id``, ``gemeente_id``,
            ``alleen_mijn``, ``overdue_at``, ``due_before``, ``due_after``, ``latest_first``,
            ``limit``, ``offset``, ``total``.
        :returns: ``{"taken": [...], "totaal": n, ...}``, read from the projection tables only.
        """
        with self.db.read() as conn:
            return queries.inbox(conn, actor, **filters)

    def task(self, actor: Actor, task_id: int) -> dict:
        """One task as ``actor`` may see it, with its form's schema and, for a referral, the partner's contacts.

        :param actor: who looks; they must be allowed to see the task (its role, the signal's access).
        :param task_id: the ``human_task`` row.
        :returns: the task's fields, ``formulier_schema`` (``None`` without a form) and ``ketenpartner``.
        :raises NotFound: the task does not exist or ``actor`` may not see it.
        """
        with self.db.read() as conn:
            detail = queries.task_detail(conn, actor, task_id)
            compiled = self.cache.get(conn, _definition_of(conn, detail["instance_id"]))
            detail["ketenpartner"] = task_partner(conn, compiled, detail)  # a referral task: whom to (engine.people.partners)
            # the options the engine supplies to the form (valuesKey), e.g. the shelter providers of the region
            detail["keuzes"] = care_choices(conn, compiled, detail["gemeente_id"])
        form = compiled.forms.get(detail["formulier"] or "")
        detail["formulier_schema"] = form.schema if form else None
        return detail

    def signal(self, actor: Actor, signal_id: int, *, via: str = "web", timeline: bool = True) -> dict:
        """A signal as ``actor`` may see it; a view of personal data is logged first (one event).

        :param via: the channel it is seen through (``web``, ``api``), for the processing log.
        :param timeline: ``False`` for a task page: the signal and its case file, without its open
            tasks, steps, process and history (:func:`engine.queries.queries.signal_read`).
        """
        try:
            with self.db.read() as conn:
                read = queries.signal_read(conn, actor, signal_id, timeline=timeline)
        except NotFound:  # a municipality that handed it over keeps the reference and the fact
            return self.cases.handed_over_view(actor, signal_id)
        if read.categorieen:
            with self.db.write() as conn:
                record_read(conn, at=self.clock.now(), user_id=actor.id, rol=read.rol, signal_id=signal_id,
                            categorieen=read.categorieen, via=via)
        return read.view

    def my_signals(self, actor: Actor, **page) -> list[dict]:
        with self.db.read() as conn:
            return queries.my_signals(conn, actor, **page)

    def signal_count(self) -> int:
        """How many signals exist at all (the demo loader runs only on an empty database)."""
        with self.db.read() as conn:
            return conn.execute(select(func.count()).select_from(signal)).scalar_one()

    def visible_signals(self, actor: Actor, **page) -> list[dict]:
        with self.db.read() as conn:
            return queries.visible_signals(conn, actor, **page)

    # --- the processing log and retention -------------------------------------------------
    def audit_log(self, actor: Actor, *, via: str = "web", **filters) -> dict:
        """The processing log for a ``beheerder`` (filtered, paged); the view itself is logged."""
        with self.db.read() as conn:
            result = processing_log.audit_log(conn, actor, **filters)
        with self.db.write() as conn:
            record_read(conn, at=self.clock.now(), user_id=actor.id, rol="beheerder", signal_id=None,
                        categorieen=("verwerkingslog",), actie="verwerkingslog_ingezien", via=via)
        return result

    def signal_access_log(self, actor: Actor, signal_id: int, *, via: str = "web", **page) -> dict:
        """Who viewed or changed a signal, for its aandachtsfunctionaris; the view itself is logged."""
        with self.db.read() as conn:
            result = processing_log.signal_access_log(conn, actor, signal_id, **page)
        with self.db.write() as conn:
            record_read(conn, at=self.clock.now(), user_id=actor.id, rol="aandachtsfunctionaris",
                        signal_id=signal_id, categorieen=("verwerkingslog",), actie="verwerkingslog_ingezien",
                        via=via)
        return result

    def verify_audit(self) -> ChainReport:
        """Check the audit log's hash chain from the first event to the head."""
        with self.db.read() as conn:
            return verify(conn)

    def run_retention(self, *, dry_run: bool = False) -> RetentionRun:
        """Anonymise the closed signals whose retention period passed (or, dry, list them)."""
        return passes.run_retention(self.db, self.cache, self.clock, self.retention, dry_run=dry_run)

    # --- case tables (engine.runtime.casustafel) -------------------------------------------------
    def meetings(self, actor: Actor) -> dict:
        """The meetings of the tables ``actor`` sits at: planned ones first, then held ones."""
        with self.db.read() as conn:
            return casustafel.meetings(conn, actor, now=self.clock.now())

    def meeting(self, actor: Actor, overleg_id: int) -> dict:
        """One meeting with its agenda (participants only; others get "not found")."""
        with self.db.read() as conn:
            return casustafel.meeting_detail(conn, self.cache, actor, overleg_id, self.clock.now())

    def agenda_item_of_task(self, actor: Actor, task_id: int) -> dict | None:
        """The meeting and agenda item a table task is on (for who sits at that table), or ``None``."""
        with self.db.read() as conn:
            return casustafel.agenda_item_of_task(conn, actor, task_id, self.clock.now())

    def meeting_planning_options(self, actor: Actor) -> list[dict]:
        """The tables and places ``actor`` may plan a meeting for."""
        with self.db.read() as conn:
            return casustafel.planning_options(conn, actor)

    def agenda_options(self, actor: Actor, signal_id: int) -> list[dict]:
        """The signal's waiting table decisions ``actor`` may bring to the table, with their meetings."""
        with self.db.read() as conn:
            return casustafel.agenda_options(conn, actor, signal_id, self.clock.now())

    @metrics.command("plan_meeting")
    def plan_meeting(self, actor: Actor, *, tafel: str, gemeente_id: int | None, regio_id: int | None, datum,
                     locatie: str | None = None) -> int:
        """Plan a meeting of a case table (its chair); returns its id."""
        with self.db.write() as conn:
            return casustafel.plan_meeting(conn, actor, tafel=tafel, gemeente_id=gemeente_id, regio_id=regio_id,
                                           datum=datum, locatie=locatie, now=self.clock.now())

    @metrics.command("change_meeting")
    def change_meeting(self, actor: Actor, overleg_id: int, *, datum, locatie: str | None = None) -> None:
        with self.db.write() as conn:
            casustafel.change_meeting(conn, actor, overleg_id, datum=datum, locatie=locatie, now=self.clock.now())

    @metrics.command("open_meeting")
    def open_meeting(self, actor: Actor, overleg_id: int) -> None:
        """Open a planned meeting now (its chair): its decisions can be recorded from then on."""
        with self.db.write() as conn:
            casustafel.open_meeting(conn, actor, overleg_id, now=self.clock.now())

    @metrics.command("record_minutes")
    def record_minutes(self, actor: Actor, overleg_id: int, notulen: str) -> None:
        with self.db.write() as conn:
            casustafel.record_minutes(conn, actor, overleg_id, notulen, now=self.clock.now())

    @metrics.command("bring_to_table")
    def bring_to_table(self, actor: Actor, task_id: int, overleg_id: int) -> int:
        """Put a waiting table decision on a meeting's agenda; returns the agenda item's id."""
        with self.db.write() as conn:
            return casustafel.bring_to_table(conn, actor, task_id, overleg_id, now=self.clock.now())

    @metrics.command("record_decision")
    def record_decision(self, actor: Actor, item_id: int, data: dict) -> Outcome:
        """Record a table's decision on an agenda item: completes its task, the process goes on."""
        try:
            with self.db.write() as conn:
                return casustafel.record_decision(conn, self.cache, actor, item_id, data, now=self.clock.now())
        except StaleInstance:
            raise Conflict("Het dossier is intussen door iemand anders gewijzigd; laad het overleg opnieuw.") from None


def _definition_of(conn, instance_id: int) -> int:
    return conn.execute(
        select(process_instance.c.definition_id).where(process_instance.c.id == instance_id)
    ).scalar_one()
