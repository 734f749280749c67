"""Trying a draft: play a process version in memory, step by step, with a clock of its own.

A try-out ("Proberen" in the editor) is a list of actions — the report, each step's answers, each
jump of the clock — replayed from the start on every request against a compiled draft. Nothing is
stored and nothing touches the database: no signal, task or timer row, no mail, no figures, no
audit or processing-log entry. The same engine runs it as a real signal (the parsed spec, the
restricted script environment, the strict decision tables, :func:`project` for tasks, deadlines
and timers); what production does besides moving the workflow (mail, an escalation's notice) is
told as an event instead.

Actions (API fields in Dutch):

* ``{"soort": "melden", "gegevens": {...}}`` — the report (first, once);
* ``{"soort": "taak", "stap": "<element id>", "gegevens": {...}}`` — complete an open step;
* ``{"soort": "klok", "duur": "P5D"}`` — move the clock on; timers fire in the order they come due.

A failing action stops the run; :class:`Played` says which one and why (``fout``), so a
replay of a saved scenario against a changed draft shows where it now ends.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from ..clock import AMSTERDAM, isoformat
from ..definitions.forms import Form, validate_submission
from ..definitions.validation import CompiledDefinition, parse_duration
from ..domain.feedback import feedback_text
from ..domain.labels import ROUTES
from ..domain.roles import ROLES
from ..errors import FieldErrors, WorkflowFailed
from ..spiff.serialization import new_workflow
from ..spiff.spiff_compat import coalesce_cycles, engine_time, recording_decisions
from .care import check_care_rules
from .instances import run_engine
from .intake import report_defaults, route_defaults
from .projections import FINISHED, open_before, project, waiting_before

MAX_ACTIONS = 200
MAX_JUMP = dt.timedelta(days=800)
MAX_FIRINGS = 500  # timers fired in one jump (a 14-day cycle over two years is 52)
REPORTER = "Proefmelder"  # the reporter of a try-out's report: nobody real
ACTIONS = ("melden", "taak", "klok")


@dataclass
class Played:
    """Where a try-out stands after its actions, as the editor and scenarios read it."""

    nu: dt.datetime
    status: str = "niet_gestart"  # niet_gestart, lopend, afgerond, vastgelopen
    uitkomst: str | None = None
    route: str | None = None
    terugkoppeling: str | None = None
    pad: list[str] = field(default_factory=list)
    open_taken: list[dict] = field(default_factory=list)
    timers: list[dict] = field(default_factory=list)
    beslissingen: list[dict] = field(default_factory=list)
    gebeurtenissen: list[dict] = field(default_factory=list)
    fout: dict | None = None  # {"actie": index, "bericht", "velden"} of the action that failed
    uitgevoerd: int = 0  # how many actions ran

    def as_dict(self) -> dict:
        return {
            "nu": isoformat(self.nu), "status": self.status, "uitkomst": self.uitkomst, "route": self.route,
            "route_naam": ROUTES.get(self.route or "", self.route), "terugkoppeling": self.terugkoppeling,
            "pad": self.pad, "open_taken": self.open_taken, "timers": self.timers,
            "beslissingen": self.beslissingen, "gebeurtenissen": self.gebeurtenissen, "fout": self.fout,
            "uitgevoerd": self.uitgevoerd,
        }


def when(moment: dt.datetime | None) -> str:
    """A moment as the owner reads it: dd-mm-jjjj uu:mm in Amsterdam."""
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M") if moment else ""


def check_actions(actions) -> list[dict]:
    """``actions`` as a list of well-formed actions, or :class:`FieldErrors` naming the first bad one."""
    if not isinstance(actions, list) or not actions:
        raise FieldErrors({"stappen": "geef de stappen van het proberen als een lijst (begin met de melding)"})
    if len(actions) > MAX_ACTIONS:
        raise FieldErrors({"stappen": f"te veel stappen (hoogstens {MAX_ACTIONS})"})
    for index, action in enumerate(actions):
        where = f"stappen[{index}]"
        if not isinstance(action, dict) or action.get("soort") not in ACTIONS:
            raise FieldErrors({where: "elke stap is een object met soort melden, taak of klok"})
        if (action["soort"] == "melden") != (index == 0):
            raise FieldErrors({where: "het proberen begint met de melding, en alleen daarmee"})
        if action["soort"] in ("melden", "taak") and not isinstance(action.get("gegevens", {}), dict):
            raise FieldErrors({f"{where}.gegevens": "de antwoorden als een object {veld: waarde}"})
        if action["soort"] == "taak" and not isinstance(action.get("stap"), str):
            raise FieldErrors({f"{where}.stap": "welke stap (het element-id)"})
        if action["soort"] == "klok":
            _jump_of(action.get("duur"), f"{where}.duur")
    return actions


def _jump_of(value, name: str) -> dt.timedelta:
    try:
        step = parse_duration(value) if isinstance(value, str) else None
    except (ValueError, TypeError, ArithmeticError):
        step = None
    if step is None or step <= dt.timedelta(0) or step > MAX_JUMP:
        raise FieldErrors({name: "een duur als P5D (5 dagen) of PT4H (4 uur), hoogstens 800 dagen"})
    return step


def play(compiled: CompiledDefinition, actions: list[dict], *, begin: dt.datetime,
         report_form: Form | None) -> Played:
    """Replay ``actions`` against ``compiled`` from ``begin``; where the try-out then stands.

    :param report_form: the form the report is checked against (the process's start form, or the
        shared report form for a route without one: :func:`engine.runtime.intake.intake_form`).
    """
    run = _Run(compiled, report_form, begin)
    for index, action in enumerate(check_actions(actions)):
        try:
            run.apply(action)
        except FieldErrors as exc:
            run.played.fout = {"actie": index, "bericht": str(exc), "velden": exc.fields}
            break
        except WorkflowFailed as exc:
            run.played.fout = {"actie": index, "bericht": str(exc), "velden": {}}
            run.played.status = "vastgelopen"
            break
        run.played.uitgevoerd = index + 1
    return run.view()


class _Run:
    def __init__(self, compiled: CompiledDefinition, report_form: Form | None, begin: dt.datetime):
        self.compiled = compiled
        self.report_form = report_form
        self.played = Played(begin)
        self.wf = None
        self.due: dict[str, dt.datetime | None] = {}  # spiff id of a user task → its deadline
        self.escalated: set[str] = set()

    def event(self, soort: str, tekst: str, element: str | None = None) -> None:
        self.played.gebeurtenissen.append({"tijd": isoformat(self.played.nu), "soort": soort, "tekst": tekst,
                                           "element": element})

    def apply(self, action: dict) -> None:
        kind = action["soort"]
        if kind == "melden":
            self.report(action.get("gegevens") or {})
        elif self.wf is None or self.played.status != "lopend":
            raise FieldErrors({"stappen": "het proces loopt niet (meer): er is niets meer te doen"})
        elif kind == "taak":
            self.complete(action["stap"], action.get("gegevens") or {})
        else:
            self.jump(_jump_of(action["duur"], "duur"))

    # --- the actions ------------------------------------------------------------------------
    def report(self, raw: dict) -> None:
        if self.report_form is None:
            raise FieldErrors({"proces": "dit proces heeft geen meldformulier (formulier op het startevent)"})
        clean = route_defaults(validate_submission(self.report_form, report_defaults(raw, self.played.nu, REPORTER)))
        self.wf = new_workflow(self.compiled.spec, self.compiled.subprocess_specs)
        for task in self.wf.get_tasks(state=TaskState.READY):
            task.data.update(clean)
        self.event("melding", "Het signaal is gemeld (een proefmelding).")
        self.move(lambda: run_engine(self.wf), {}, set())

    def complete(self, stap: str, raw: dict) -> None:
        task = next((t for t in self.wf.get_tasks(state=TaskState.READY)
                     if t.task_spec.manual and t.task_spec.bpmn_id == stap), None)
        meta = self.compiled.tasks.get(stap)
        if task is None or meta is None:
            naam = meta.naam if meta else stap
            raise FieldErrors({"stap": f"de stap '{naam}' staat nu niet open"})
        form = self.compiled.forms[meta.formulier]
        clean = validate_submission(form, raw)
        check_care_rules(self.compiled, task.data, clean)
        before, open_tasks = waiting_before(self.wf, self.compiled), open_before(self.wf)
        open_tasks.discard(str(task.id))
        task.data.update(clean)
        self.event("taak", f"'{meta.naam}' is afgerond ({ROLES.get(meta.rol, meta.rol)}).", stap)

        def run():
            try:
                task.run()
            except SpiffWorkflowException as exc:
                raise WorkflowFailed(f"De taak '{meta.naam}' kon niet worden afgerond: {exc}", stap) from exc
            run_engine(self.wf, stap)
        self.move(run, before, open_tasks)

    def jump(self, step: dt.timedelta) -> None:
        target = self.played.nu + step
        self.event("klok", f"De klok gaat vooruit naar {when(target)}.")
        for _ in range(MAX_FIRINGS):
            waiting = waiting_before(self.wf, self.compiled)
            due = min((w.due_at for w in waiting.values()), default=None)
            if due is None or due >= target or self.played.status != "lopend":
                break
            self.played.nu = max(self.played.nu, due + dt.timedelta(seconds=1))  # a timer fires once its time passed
            self.fire()
        self.played.nu = target
        if self.played.status == "lopend":
            self.fire()

    def fire(self) -> None:
        before, open_tasks = waiting_before(self.wf, self.compiled), open_before(self.wf)

        def run():
            coalesce_cycles(self.wf)
            self.wf.refresh_timers()
            run_engine(self.wf)
        self.move(run, before, open_tasks)

    # --- running and telling what changed -------------------------------------------------------
    def move(self, run, before: dict, open_tasks: set[str]) -> None:
        decisions: list = []
        try:
            with engine_time(self.played.nu), recording_decisions(decisions):
                run()
        finally:  # a table without a matching row stops the run: it is still shown
            for task, decision_id, decision_name, rules in decisions:
                self.decision(task, decision_id, decision_name, rules)
        now = self.played.nu
        projection = project(self.wf, self.compiled, open_tasks, now, before)
        for spiff_id, fired in projection.finished_timers.items():
            if fired:
                self.timer_fired(before[spiff_id])
        for spiff_id, waiting in projection.waiting.items():
            if spiff_id in before and before[spiff_id].due_at != waiting.due_at:
                self.timer_fired(before[spiff_id])  # a cycle: it fired and waits for its next time
        for spiff_id in projection.vanishing:
            self.event("vervallen", "Een open stap is vervallen: het proces ging langs een andere weg verder.")
            self.due.pop(spiff_id, None)
        for row in projection.new_tasks:
            self.due[row["spiff_task_id"]] = row["due_at"]
            deadline = f", deadline {when(row['due_at'])}" if row["due_at"] else ""
            self.event("taak_open", f"'{row['naam']}' staat open voor {ROLES.get(row['rol'], row['rol'])}{deadline}.",
                       row["bpmn_id"])
        for _spiff_id, process in projection.starts:
            self.event("start_proces", f"Hier start in het echt het proces '{process}' (bij het proberen niet).")
        if projection.terugkoppeling and projection.terugkoppeling != self.played.terugkoppeling:
            self.event("terugkoppeling", f"De melder hoort: {feedback_text(projection.terugkoppeling)}")
        self.played.terugkoppeling = projection.terugkoppeling
        self.played.route = projection.route
        self.played.timers = [
            {"element": w.bpmn_id, "naam": self.compiled.timers[w.bpmn_id].naam if w.bpmn_id in self.compiled.timers
             else w.bpmn_id, "actie": self.compiled.timers[w.bpmn_id].actie if w.bpmn_id in self.compiled.timers
             else None, "gaat_af": isoformat(w.due_at), "gaat_af_tekst": when(w.due_at)}
            for w in sorted(projection.waiting.values(), key=lambda w: w.due_at)]
        if projection.status == FINISHED:
            self.played.status, self.played.uitkomst = "afgerond", projection.uitkomst
            self.event("einde", f"Het proces is afgerond: {projection.uitkomst or 'zonder uitkomst'}.")
        else:
            self.played.status = "lopend"

    def decision(self, task, decision_id: str, decision_name: str, rules: list) -> None:
        rule = rules[0] if rules else None
        number = rule.row_number if rule is not None else None
        found = {"element": task.task_spec.bpmn_id, "beslissing": decision_name or decision_id,
                 "regel": number, "regel_id": rule.id if rule is not None else None,
                 "omschrijving": (rule.description or "") if rule is not None else ""}
        self.played.beslissingen.append(found)
        if rule is None:
            self.event("beslissing", f"Beslistabel '{found['beslissing']}': geen regel past.", found["element"])
            return
        about = f": {found['omschrijving']}" if found["omschrijving"] else ""
        self.event("beslissing", f"Beslistabel '{found['beslissing']}' koos regel {number}{about}", found["element"])

    def timer_fired(self, waiting) -> None:
        meta = self.compiled.timers.get(waiting.bpmn_id)
        naam = meta.naam if meta else waiting.bpmn_id
        self.event("timer", f"'{naam}' ging af (gepland {when(waiting.due_at)}).", waiting.bpmn_id)
        if meta is None or meta.actie != "escalatie" or waiting.attached_task is None:
            return
        if waiting.attached_task in self.due and waiting.attached_task not in self.escalated:
            self.escalated.add(waiting.attached_task)
            task_name = self.compiled.tasks[meta.attached_to].naam if meta.attached_to in self.compiled.tasks \
                else meta.attached_to
            self.event("escalatie", f"Escalatie: de deadline van '{task_name}' is verstreken. In het echt krijgt de "
                                    "manager van de gemeente hiervan een melding.", meta.attached_to)

    def view(self) -> Played:
        played = self.played
        if self.wf is None:
            return played
        tasks = [t for t in self.wf.get_tasks() if t.task_spec.bpmn_id and t.state == TaskState.COMPLETED]
        played.pad = [t.task_spec.bpmn_id for t in sorted(tasks, key=lambda t: t.last_state_change)]
        for task in self.wf.get_tasks(state=TaskState.READY):
            if not task.task_spec.manual:
                continue
            meta = self.compiled.tasks[task.task_spec.bpmn_id]
            due = self.due.get(str(task.id))
            played.open_taken.append({
                "stap": meta.bpmn_id, "naam": meta.naam, "rol": meta.rol, "rol_naam": ROLES.get(meta.rol, meta.rol),
                "formulier": meta.formulier, "deadline": isoformat(due), "deadline_tekst": when(due),
                "verlopen": due is not None and due < played.nu, "geescaleerd": str(task.id) in self.escalated,
                "casustafel": meta.casustafel,
            })
        return played
