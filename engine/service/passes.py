"""The clock's passes: timers, mail and retention, each opening its own transactions.

The scheduler (:mod:`engine.service.scheduler`) runs them through the
:class:`~engine.service.orchestrator.Orchestrator`. Each pass loops over rows and gives every
row its own transaction, so one failing row never undoes or stops the others; what one row
does is in the layer below (:mod:`engine.runtime.timers`, :mod:`engine.mail.outbox`,
:mod:`engine.runtime.retention`), which also states what several worker processes may rely on.
"""
from __future__ import annotations

import datetime as dt

from ..definitions.definitions import DefinitionCache
from ..mail import outbox
from ..mail.notify import queue_overdue
from ..ops import metrics
from ..runtime import retention, timers
from ..runtime.instances import StaleInstance
from ..store import catalog_rows
from ..store.db import Database, is_postgres

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def fire_due_timers(db: Database, cache: DefinitionCache, clock, limit: int = 500) -> list[timers.Fired]:
    """One pass: fire up to ``limit`` due timers, each in its own transaction.

    :param clock: where ``now`` comes from; read for each timer, so a timer that falls
        due during a long pass is still taken, and each firing carries its own time.
    :param limit: the most timers one pass fires (the clock runs another pass at once
        when a pass hit it).

    Returns what fired. Safe to run in any number of processes at once (see
    :mod:`engine.runtime.timers`: rows are claimed ``SKIP LOCKED`` on PostgreSQL, passes take
    turns on SQLite); a timer fires at most once per due time.
    """
    now = clock.now()
    with db.read() as conn:  # the common case, nothing due, takes no write lock
        if not timers.any_due(conn, now=now):
            return []
        catalog_rows.refresh(conn)  # who hears of an escalation is catalog data (engine.runtime.effects)
    postgres = is_postgres(db.engine)
    fired: list[timers.Fired] = []
    after = (_EPOCH, 0)  # the pass's cursor: each due row is looked at once per pass
    # One connection for the whole pass, one transaction per timer.
    with db.engine.connect().execution_options(write=True) as conn:
        if postgres:
            # A commit lost in a crash leaves the timer waiting: it fires again, once. Set
            # for this pass's connection, not per transaction (one round trip less per timer).
            conn.exec_driver_sql("SET synchronous_commit = off")
            conn.commit()
        try:
            while len(fired) < limit:
                row = None
                now = clock.now()
                try:
                    with conn.begin():
                        row = timers.claim_next(conn, now=now, after=after, postgres=postgres)
                        if row is None:
                            break
                        after = (row.attempt_at, row.id)
                        firing = timers.fire_claimed(conn, cache, row, now=now)
                    # Counted as each commit lands, so /metrics never lags what the database shows.
                    metrics.timers_fired(firing)
                    fired.extend(firing)
                except StaleInstance:
                    continue  # a user's command moved the instance first; the next pass retries
                except Exception as exc:  # noqa: BLE001 - one broken instance must not stop the clock
                    if row is None:
                        raise  # no row claimed: the database itself failed; let the caller see it
                    # The message may quote process data: it goes to the incident row, not the log.
                    timers.log.warning("timer %s of instance %s failed (%s at %s); recorded as an incident", row.id,
                                       row.instance_id, type(exc).__name__, getattr(exc, "element_id", None) or "?")
                    with db.write() as failed:
                        timers.record_failure(failed, row.id, row.instance_id, exc, now)
                    metrics.timers_fired((), failures=1)
        finally:
            if postgres and not conn.invalidated:
                conn.exec_driver_sql("RESET synchronous_commit")
                conn.commit()
    return fired


def send_due(db: Database, config: outbox.MailConfig, clock, limit: int = 200) -> dict[str, int]:
    """Send what is waiting for people who want mail at once: claimed in one short transaction,
    sent outside any, each marked in its own; returns counts per result."""
    with db.write() as conn:
        rows = outbox.claim_due(conn, now=clock.now(), limit=limit, postgres=is_postgres(db.engine))
        files = outbox.attachments_of(conn, [r.id for r in rows])
    result = {outbox.SENT: 0, outbox.FAILED: 0, outbox.NO_ADDRESS: 0, outbox.UNDELIVERED: 0, "opnieuw": 0}
    for row in rows:
        outcome, values = outbox.deliver(row, config, clock, files.get(row.id, ()))
        with db.write() as conn:
            outbox.mark(conn, row.id, values)
        result[outcome] += 1
    return result


def mail_pass(db: Database, config: outbox.MailConfig, clock) -> dict[str, int]:
    """One pass (see :mod:`engine.mail.outbox`): scan deadlines, make the day's digests when due, send; counts."""
    postgres = is_postgres(db.engine)
    with db.write() as conn:
        overdue = queue_overdue(conn, clock.now(), postgres=postgres)
    with db.write() as conn:
        digests = outbox.queue_digests(conn, config, now=clock.now(), postgres=postgres)
    sent = send_due(db, config, clock)
    return {"te_laat_taken": overdue, "dagoverzichten": digests, **sent}


def run_retention(db: Database, cache: DefinitionCache, clock, policy: retention.RetentionPolicy, *,
                  dry_run: bool = False, limit: int = 10_000) -> retention.RetentionRun:
    """Anonymise what has expired, each signal in its own transaction; a summary event at the end.

    Safe in several worker processes at once: on PostgreSQL a signal another process is
    anonymising is skipped (``SKIP LOCKED``), and a signal done already is never done twice.

    :param dry_run: only list what would go; write nothing.
    :param limit: the most signals one run handles (the next day's run takes the rest).
    """
    now = clock.now()
    with db.read() as conn:
        items = retention.expired(conn, policy, now)[:limit]
    run = retention.RetentionRun(dry_run)
    if dry_run:
        run.signalen = items
        return run
    postgres = is_postgres(db.engine)
    for item in items:
        try:
            with db.write() as conn:
                if retention.anonymise(conn, cache, item, now=now, postgres=postgres):
                    run.signalen.append(item)
        except Exception as exc:  # noqa: BLE001 - one broken instance must not stop the rest
            retention.log.warning("retention of %s failed: %s", item.referentie, exc)
            run.mislukt.append((item.referentie, str(exc)))
    if run.signalen or run.mislukt:
        with db.write() as conn:
            retention.record_run(conn, run, now=now)
    retention.log.info("retention: %d signal(s) anonymised %s, %d failed", len(run.signalen), run.per_categorie(),
                       len(run.mislukt))
    return run
