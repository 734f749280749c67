"""Shared helpers for the benchmarks: medians and cProfile tables.

Nothing here changes what is measured; ``print_profile`` only runs when a
benchmark is asked for it, after its figures.
"""
from __future__ import annotations

import cProfile
import gc
import pstats
import statistics
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(values) -> float:
    return statistics.median(values)


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
