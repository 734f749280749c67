"""What the engine counts for Prometheus: commands by kind and outcome, timers fired, lateness.

Counters and histograms live in ``prometheus_client``'s registry of this process. With
several processes (gunicorn's web workers, ``signaalroute worker``) on one machine, set
``PROMETHEUS_MULTIPROC_DIR`` to one directory for all of them *before they start*:
``prometheus_client`` then writes each process's values to memory-mapped files there,
and a scrape of any web process adds them up (:func:`exposition`). The directory must be
emptied when the whole set of processes (re)starts, never while they run
(docs/operations.md, "Metrics").

What is state rather than an event (timers due but not fired, open incidents, open tasks
per step, the clock's last pass) is not counted here: :class:`DatabaseCollector` reads
it from the database at scrape time, so every process reports the same, true figure.

Nothing here imports Flask; the web layer times requests with :data:`REQUEST_LATENCY`.
"""
from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from ..errors import Conflict, DeployRejected, FieldErrors, Forbidden, NotFound

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if MULTIPROC_DIR:  # the values are files there from the first metric on: the directory must exist
    os.makedirs(MULTIPROC_DIR, exist_ok=True)

OUTCOMES = ("ok", "conflict", "invalid", "forbidden", "error")

REQUEST_LATENCY = Histogram(
    "signaalroute_http_request_duration_seconds",
    "Time to answer a request, by Flask endpoint name (never the URL: it carries ids).",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUESTS = Counter("signaalroute_http_requests", "Requests answered, by endpoint and status code.",
                   ["endpoint", "status"])
COMMANDS = Counter("signaalroute_commands", "Engine commands, by kind and outcome.", ["kind", "outcome"])
TIMERS_FIRED = Counter("signaalroute_timers_fired", "Timers fired by the clock (each once).")
TIMER_LATENESS = Histogram(
    "signaalroute_timer_lateness_seconds",
    "How late a timer fired: the firing command's time minus the timer's due time.",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)


def outcome_of(exc: BaseException | None) -> str:
    """The outcome label of a command that raised ``exc`` (``None``: it succeeded)."""
    if exc is None:
        return "ok"
    if isinstance(exc, Conflict) or type(exc).__name__ == "StaleInstance":
        return "conflict"
    if isinstance(exc, FieldErrors | DeployRejected):
        return "invalid"
    if isinstance(exc, Forbidden | NotFound):  # NotFound: does not exist, or may not be known to exist
        return "forbidden"
    return "error"


@contextlib.contextmanager
def counting(kind: str) -> Iterator[None]:
    """Count one command of ``kind`` with the outcome of the block (the exception passes on)."""
    try:
        yield
    except BaseException as exc:
        COMMANDS.labels(kind, outcome_of(exc)).inc()
        raise
    COMMANDS.labels(kind, "ok").inc()


def command(kind: str) -> Callable:
    """Decorate an :class:`~engine.service.orchestrator.Orchestrator` command so it is counted as ``kind``."""
    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def counted(*args, **kwargs):
            with counting(kind):
                return method(*args, **kwargs)
        return counted
    return decorate


def timers_fired(fired: Iterable, failures: int = 0) -> None:
    """Record firings that committed (each with its lateness) and failed attempts (``fire_timer`` commands)."""
    count = 0
    for item in fired:
        count += 1
        TIMER_LATENESS.observe(max((item.fired_at - item.due_at).total_seconds(), 0.0))
    if count:
        TIMERS_FIRED.inc(count)
        COMMANDS.labels("fire_timer", "ok").inc(count)
    if failures:
        COMMANDS.labels("fire_timer", "error").inc(failures)


class DatabaseCollector:
    """The gauges read from the database at scrape time (see :func:`engine.ops.health.gauges`).

    :param read: returns the figures (a dict as :func:`engine.ops.health.gauges` makes it).
    """

    def __init__(self, read: Callable[[], dict]):
        self.read = read

    def describe(self):
        return []  # nothing is read at registration; only when scraped

    def collect(self):
        figures = self.read()
        yield GaugeMetricFamily("signaalroute_timers_due", "Waiting timers whose due time has passed (not yet fired).",
                                value=figures["timers_due"])
        yield GaugeMetricFamily("signaalroute_timers_due_oldest_seconds",
                                "How long the oldest due-but-unfired timer has been due (0: none).",
                                value=figures["timers_due_oldest_s"])
        yield GaugeMetricFamily("signaalroute_incidents_open", "Failing steps not resolved (one per timer or instance).",
                                value=figures["incidents_open"])
        tasks = GaugeMetricFamily("signaalroute_open_tasks", "Open human tasks, by step (BPMN element id).",
                                  labels=["bpmn_id"])
        for step, count in sorted(figures["open_tasks"].items()):
            tasks.add_metric([step], count)
        yield tasks
        age = figures["clock_last_pass_age_s"]
        yield GaugeMetricFamily("signaalroute_clock_last_pass_age_seconds",
                                "Seconds since any clock last completed a timer pass (-1: never).",
                                value=-1 if age is None else age)


def exposition(read_database: Callable[[], dict]) -> bytes:
    """The text a scrape gets: this process's (or, in multiprocess mode, all processes') counters
    and histograms, and the database gauges."""
    registry = CollectorRegistry()
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry, path=MULTIPROC_DIR)
    else:
        from prometheus_client import REGISTRY

        registry = _Both(REGISTRY, registry)
    registry.register(DatabaseCollector(read_database))
    return generate_latest(registry)


class _Both(CollectorRegistry):
    """The process's default registry plus collectors of one scrape, without touching the default."""

    def __init__(self, default, extra):
        super().__init__(auto_describe=False)
        self._default = default
        self._extra = extra

    def register(self, collector) -> None:
        self._extra.register(collector)

    def collect(self):
        yield from self._default.collect()
        yield from self._extra.collect()

