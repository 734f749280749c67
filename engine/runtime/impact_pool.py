"""Replays on every core: a large history split over worker processes (engine.runtime.impact).

SpiffWorkflow runs in pure Python, so one process replays on one core. A history of more than
:data:`PARALLEL_FROM` signals is split into chunks that worker processes replay; each worker compiles
the draft and the versions once, from their files (a compiled spec does not travel between processes),
and answers each chunk with its :class:`~engine.runtime.impact.ImpactTally`. Workers are started with
``spawn`` (never ``fork``: the caller may be a threaded web server) and ended when the run ends, also
when the caller stops reading. The history travels to the workers through a pipe of this machine only.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from ..definitions.package import ProcessPackage
from ..definitions.validation import CompiledDefinition, compile_package
from ..queries.replay_history import RecordedSignal
from .impact import CHUNK, ImpactTally, replay_one

PARALLEL_FROM = 1500  # below this, starting workers costs more than it saves
MAX_WORKERS = 4

_versions: dict[int, CompiledDefinition] = {}
_draft: list[CompiledDefinition] = []


def workers() -> int:
    """How many worker processes a large run uses: the cores this process may use, at most :data:`MAX_WORKERS`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


def _start_worker(draft_files: dict[str, bytes], version_files: dict[int, dict[str, bytes]]) -> None:
    _draft.append(compile_package(ProcessPackage(draft_files)))
    for definition_id, files in version_files.items():
        _versions[definition_id] = compile_package(ProcessPackage(files))


def _replay_chunk(chunk: list[RecordedSignal], now: dt.datetime) -> ImpactTally:
    tally = ImpactTally()
    for recorded in chunk:
        replay_one(recorded, _versions[recorded.definition_id], _draft[0], now, tally)
    return tally


def replay_in_workers(history: list[RecordedSignal], draft_files: dict[str, bytes],
                      version_files: dict[int, dict[str, bytes]], now: dt.datetime, tally: ImpactTally,
                      processes: int | None = None) -> Iterator[int]:
    """Replay ``history`` in worker processes into ``tally``; yield how many signals are done as chunks finish.

    :param draft_files: the draft's files; :param version_files: each version's files, by definition id.
    """
    chunks = [history[i:i + CHUNK] for i in range(0, len(history), CHUNK)]
    context = multiprocessing.get_context("spawn")
    done = 0
    with ProcessPoolExecutor(max_workers=processes or workers(), mp_context=context, initializer=_start_worker,
                             initargs=(draft_files, version_files)) as pool:
        pending = {pool.submit(_replay_chunk, chunk, now): len(chunk) for chunk in chunks}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    tally.merge(future.result())
                    done += pending.pop(future)
                yield done
        finally:
            for future in pending:
                future.cancel()
