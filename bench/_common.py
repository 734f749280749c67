"""Shared helpers for the benchmarks: timing rounds, wall-time attribution, cProfile tables.

Nothing here changes what is measured; the diagnostics (``Attribution``,
``print_profile``) only run when a benchmark is asked for them, after its figures.
"""
from __future__ import annotations

import cProfile
import gc
import pstats
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(values) -> float:
    return statistics.median(values)


class Attribution:
    """Wall-clock attribution by wrapping named callables for the duration of a run.

    Each wrapped call records its inclusive time; *exclusive* is inclusive minus the
    time of wrapped callees, so the exclusive column sums to the measured total without
    double counting. The cost is a few µs of bookkeeping per wrapped call, far less
    than cProfile's, but with hundreds of wrapped calls per instance the total still
    runs ~30-40 % above the unwrapped figure: compare shares, not absolutes.
    Wrappers are removed by :meth:`undo` (use it in ``finally``).
    """

    def __init__(self):
        self.incl: dict[str, float] = {}
        self.excl: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.group: dict[str, str] = {}
        self.overhead = 0.0  # time spent computing labels, kept out of every bucket
        self._stack: list[list[float]] = []
        self._undo: list[tuple[object, str, object, bool]] = []

    def wrap(self, owner, attr: str, label: str | Callable[..., str], group: str | None = None) -> None:
        """Replace ``owner.attr`` by a timing wrapper; ``label`` may be a function of the call's args."""
        original = getattr(owner, attr)
        timer = self

        def wrapper(*args, **kwargs):
            t_label = time.perf_counter()
            name = label(*args, **kwargs) if callable(label) else label
            frame = [0.0]
            timer._stack.append(frame)
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                timer._stack.pop()
                if timer._stack:  # the label's cost is not the caller's own time either
                    timer._stack[-1][0] += elapsed + (start - t_label)
                timer.overhead += start - t_label
                timer.incl[name] = timer.incl.get(name, 0.0) + elapsed
                timer.excl[name] = timer.excl.get(name, 0.0) + elapsed - frame[0]
                timer.calls[name] = timer.calls.get(name, 0) + 1
                if group:
                    timer.group[name] = group

        own = attr in vars(owner)  # inherited or bound methods get deleted again, not re-set
        self._undo.append((owner, attr, vars(owner).get(attr), own))
        setattr(owner, attr, wrapper)

    def undo(self) -> None:
        for owner, attr, original, own in reversed(self._undo):
            if own:
                setattr(owner, attr, original)
            else:
                delattr(owner, attr)
        self._undo.clear()

    def per_instance(self, n: int) -> dict[str, tuple[float, float, float]]:
        """label -> (exclusive ms, inclusive ms, calls) per instance."""
        return {k: (self.excl[k] / n * 1000, self.incl[k] / n * 1000, self.calls[k] / n) for k in self.excl}


def report_attribution(rounds: list[tuple[Attribution, float]], n: int, title: str) -> None:
    """Print the median over rounds of each label's per-instance figures.

    :param rounds: (attribution, total seconds) per round, each over ``n`` instances.
    """
    labels = {k for att, _ in rounds for k in att.excl}
    groups = {k: g for att, _ in rounds for k, g in att.group.items()}
    rows = {}
    for label in labels:
        figs = [att.per_instance(n).get(label, (0.0, 0.0, 0.0)) for att, _ in rounds]
        rows[label] = tuple(median(col) for col in zip(*figs, strict=True))
    total = median(t / n * 1000 for _, t in rounds)
    print(f"\n{title}: {len(rounds)} rounds x {n} instances, median {total:.3f} ms/instance")
    print("(ms per instance, median over rounds; excl = own time minus wrapped callees. ~360 wrapped calls per"
          " instance add overhead, so the total runs above the unwrapped figure: read the shares)")
    print(f"{'excl ms':>8} {'incl ms':>8} {'calls':>6}  what")
    for label in sorted(rows, key=lambda k: rows[k][0], reverse=True):
        ex, inc, calls = rows[label]
        print(f"{ex:8.3f} {inc:8.3f} {calls:6.1f}  {label}")
    overhead = median(att.overhead / n * 1000 for att, _ in rounds)
    print(f"{overhead:8.3f} {'':>8} {'':>6}  (attribution overhead: computing labels)")
    rest = total - sum(r[0] for r in rows.values()) - overhead
    print(f"{rest:8.3f} {'':>8} {'':>6}  (unwrapped: benchmark loop; medians need not add up)")
    sub: dict[str, list[float]] = {}
    for label, grp in groups.items():
        acc = sub.setdefault(grp, [0.0, 0.0])
        acc[0] += rows[label][0]
        acc[1] += rows[label][2]
    if sub:
        print("subtotals (exclusive):")
        for grp, (ms, calls) in sorted(sub.items(), key=lambda kv: -kv[1][0]):
            print(f"{ms:8.3f} {'':>8} {calls:6.1f}  {grp}")


def print_profile(run: Callable[[], object], n: int, top: int, title: str) -> None:
    """cProfile ``run`` ``n`` times; print the top functions by cumulative and by self time."""
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    for _ in range(n):
        run()
    prof.disable()
    stats = pstats.Stats(prof)
    rows = []
    for (filename, line, func), (_cc, ncalls, tottime, cumtime, _callers) in stats.stats.items():
        short = filename.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/", 1)[1]
        rows.append((cumtime, tottime, ncalls, f"{short}:{line}({func})"))
    print(f"\n{title}: cProfile, {n} instances (profiler overhead inflates absolute figures ~2-3x)")
    print(f"{'cum ms':>9} {'self ms':>9} {'calls':>7}  function   [per instance]")
    for cum, tot, calls, name in sorted(rows, reverse=True)[:top]:
        print(f"{cum / n * 1000:9.3f} {tot / n * 1000:9.3f} {calls / n:7.1f}  {name}")
    print(f"\n{title}: top by self time")
    for cum, tot, calls, name in sorted(rows, key=lambda r: r[1], reverse=True)[:top]:
        print(f"{cum / n * 1000:9.3f} {tot / n * 1000:9.3f} {calls / n:7.1f}  {name}")
