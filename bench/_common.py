"""Shared helpers for the benchmarks: medians and cProfile tables.

Nothing here changes what is measured; ``print_profile`` only runs when a
benchmark is asked for it, after its figures.
"""
from __future__ import annotations

import cProfile
import gc
import math
import pstats
import statistics
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(values) -> float:
    """The median; nan when there are no values (a bench must still print its table)."""
    return statistics.median(values) if values else float("nan")


def percentile(values, p: float) -> float:
    """The p-th percentile by nearest rank (as wrk and locust report it): a value that was measured."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * p / 100))
    return ordered[rank - 1]


def _short(path: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def _is_project(path: str) -> bool:
    return path.startswith(str(ROOT / "engine")) or path.startswith(str(ROOT / "web"))


def print_profile_stats(profiler: cProfile.Profile, n: int, top: int, title: str, unit: str = "request") -> None:
    """Print a cProfile run as ms per ``unit``: the project's functions by cumulative time, then
    every function by its own time (cProfile inflates Python-heavy code: compare shares)."""
    rows = [(ct, tt, nc, f"{_short(filename)}:{line}({func})", _is_project(filename))
            for (filename, line, func), (_cc, nc, tt, ct, _callers) in pstats.Stats(profiler).stats.items()]
    per = 1000.0 / max(n, 1)
    total = sum(r[1] for r in rows)
    print(f"\n[{title}] cProfile, {n} {unit}s; {total * per:.2f} ms/{unit} under the profiler "
          f"(it inflates Python-heavy code; compare shares)")
    print(f"{'cum ms':>11}{'own ms':>11}{'calls':>10}  project function (engine/, web/), per {unit}")
    for ct, tt, nc, name, _ in sorted((r for r in rows if r[4]), key=lambda r: -r[0])[:top]:
        print(f"{ct * per:11.3f}{tt * per:11.3f}{nc / max(n, 1):10.1f}  {name}")
    print(f"{'cum ms':>11}{'own ms':>11}{'calls':>10}  any function, by own time, per {unit}")
    for ct, tt, nc, name, _ in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"{ct * per:11.3f}{tt * per:11.3f}{nc / max(n, 1):10.1f}  {name}")


def print_profile(run: Callable[[], object], n: int, top: int, title: str) -> None:
    """cProfile ``run`` ``n`` times and print where the time goes per run."""
    prof = cProfile.Profile()
    gc.collect()
    prof.enable()
    for _ in range(n):
        run()
    prof.disable()
    print_profile_stats(prof, n, top, title, unit="instance")
