"""The in-process clock: one APScheduler per process with three jobs.

* the timer pass (:data:`JOB_ID`), every ``interval`` seconds: fire the due timers
  (:meth:`~engine.service.orchestrator.Orchestrator.fire_due_timers`);
* the mail pass (:data:`MAIL_JOB_ID`), every ``MailConfig.interval`` seconds: passed
  deadlines, the daily digests, sending the outbox (:mod:`engine.mail.outbox`);
* retention (:data:`RETENTION_JOB_ID`), daily at :data:`RETENTION_AT` Amsterdam time:
  anonymise closed signals whose period passed (:mod:`engine.runtime.retention`).

Started deliberately by ``signaalroute run`` and ``signaalroute worker`` — never at
import, never twice in one process, never in the debug reloader's watcher process.
Each process has its own scheduler with an in-memory job store; processes coordinate
through the database (see :mod:`engine.runtime.timers`), not through APScheduler.

Stopping is graceful: :meth:`Clock.stop` lets the pass in flight finish its batch (each
timer is its own transaction, so what it fired is committed) and starts no further batch
or job; a process killed outright instead loses only uncommitted work, which the next
pass of any process redoes (a timer fires once either way).
"""
from __future__ import annotations

import datetime
import logging
import os
import threading
import time

from apscheduler.schedulers.background import BackgroundScheduler

from ..ops.health import RECORD_EVERY, clock_name
from .orchestrator import Orchestrator

log = logging.getLogger(__name__)

JOB_ID = "signaalroute-timers"
RETENTION_JOB_ID = "signaalroute-retentie"
RETENTION_AT = {"hour": 3, "minute": 30}  # daily, Europe/Amsterdam: when hardly anyone works
MAIL_JOB_ID = "signaalroute-mail"
PASS_LIMIT = 500


class Clock:
    """A guarded background scheduler around :meth:`Orchestrator.fire_due_timers`.

    :param orchestrator: the engine to run passes on.
    :param interval: seconds between passes (default 1).
    """

    def __init__(self, orchestrator: Orchestrator, interval: float = 1.0):
        self.orchestrator = orchestrator
        self.interval = interval
        self._scheduler: BackgroundScheduler | None = None
        self._lock = threading.Lock()
        self.last_pass_at: float | None = None
        self.last_fired = 0
        self._recorded_at: float | None = None  # when this clock last wrote its klok_stand row (monotonic)
        self.total_fired = 0
        self._stopping = threading.Event()

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> bool:
        """Start the clock; ``False`` if it already runs or this is the reloader's watcher.

        The first pass runs at once, so what came due while nothing ran fires now.
        """
        if os.environ.get("FLASK_RUN_FROM_CLI") and os.environ.get("WERKZEUG_RUN_MAIN") != "true":
            return False  # the debug reloader's parent process: the child starts its own
        with self._lock:
            if self.running:
                return False
            self._stopping.clear()
            scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
            scheduler.add_job(self.run_pass, "interval", seconds=self.interval, id=JOB_ID,
                              next_run_time=datetime.datetime.now(datetime.UTC))
            # Mail (engine.mail.outbox): passed deadlines, the daily digests, sending the outbox.
            scheduler.add_job(self.run_mail_pass, "interval", seconds=self.orchestrator.mail_config().interval,
                              id=MAIL_JOB_ID, next_run_time=datetime.datetime.now(datetime.UTC))
            # Retention (engine.runtime.retention): once a day; several workers may run it at once safely.
            scheduler.add_job(self.run_retention, "cron", id=RETENTION_JOB_ID, timezone="Europe/Amsterdam",
                              **RETENTION_AT)
            scheduler.start()
            self._scheduler = scheduler
        log.info("clock started: a timer pass every %.1f s", self.interval)
        return True

    def run_pass(self) -> int:
        """Passes until one fires fewer than its limit; returns how many timers fired.

        A pass that hit its limit means more is due: the next one runs at once, not a tick
        later — unless the clock is stopping, then the batch just done is the last one.
        Errors are logged, never raised.
        """
        fired = []
        try:
            while not self._stopping.is_set():
                batch = self.orchestrator.fire_due_timers(limit=PASS_LIMIT)
                fired.extend(batch)
                self.total_fired += len(batch)
                if len(batch) < PASS_LIMIT:
                    break
            self._record_pass()
        except Exception:  # noqa: BLE001 - the clock must keep ticking when the database hiccups
            log.exception("timer pass failed")
        self.last_pass_at = time.time()
        self.last_fired = len(fired)
        if fired:
            log.info("fired %d timer(s)", len(fired))
        return len(fired)

    def _record_pass(self) -> None:
        """Tell /health this clock completed a pass (a write every RECORD_EVERY seconds, not every pass)."""
        at = time.monotonic()
        if self._recorded_at is None or at - self._recorded_at >= RECORD_EVERY:
            self.orchestrator.record_clock_pass(clock_name())
            self._recorded_at = at

    def run_mail_pass(self) -> dict[str, int]:
        """One mail pass (see :func:`engine.mail.outbox.mail_pass`); errors are logged, never raised."""
        try:
            result = self.orchestrator.mail_pass()
        except Exception:  # noqa: BLE001 - the clock must keep ticking when mail or the database hiccups
            log.exception("mail pass failed")
            return {}
        if any(result.values()):
            log.info("mail pass: %s", ", ".join(f"{k} {v}" for k, v in result.items() if v))
        return result

    def run_retention(self) -> int:
        """The daily retention run (see :func:`engine.runtime.retention.run_retention`); returns how many
        signals were anonymised. Errors are logged, never raised."""
        try:
            run = self.orchestrator.run_retention()
        except Exception:  # noqa: BLE001 - the clock must keep ticking when the database hiccups
            log.exception("retention run failed")
            return 0
        return len(run.signalen)

    def stop(self, wait: bool = True) -> None:
        """Stop the clock: no new pass or job starts; with ``wait`` (the default) a running
        pass finishes its current batch and a running mail or retention job finishes first."""
        self._stopping.set()
        with self._lock:
            if self._scheduler is not None and self._scheduler.running:
                self._scheduler.shutdown(wait=wait)
            self._scheduler = None
