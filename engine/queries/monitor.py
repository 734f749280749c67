"""The regional monitor: anonymised figures per municipality and for the region, per quarter and half-year.

For the aandachtsfunctionaris, the ketenregisseur and managers (:data:`~engine.people.access.MONITOR_ROLES`):
every municipality of the regions they hold such a role in, side by side, with the region's total.
One half-year is computed at a time, its two quarters and the half-year together, so that the
three views hide the same cells (a quarter's count could otherwise be found as the half-year's
minus the other quarter's): counts are suppressed jointly over every table, municipality and
period (:mod:`engine.queries.suppression`, the rule in its docstring and in docs/monitor.md).
Durations are medians shown only over five or more.

What is counted (the raw counts: :mod:`engine.queries.monitor_counts`): signals received in the
period by source, by the reporter's department (a department is named only once five signals of
the region's half-year came from it; the others are counted together), by form of exploitation,
sector, route and outcome; those registered with Veilig Thuis; care trajectories started and
ended; CoMensha registrations; the median time per step and the median duration of care.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection, select

from ..domain.labels import BRONNEN, ROUTES, SECTOREN, VORMEN
from ..errors import FieldErrors, Forbidden
from ..people.access import monitor_held
from ..people.users import Actor
from ..store.schema import gemeente, regio
from .monitor_counts import STILL_RUNNING, count, quarters
from .suppression import SMALL, shown, suppress

REGION = "regio"  # the column key of the region's total
HALF = "h"  # the period key of the whole half-year
NO_REGION = 0  # the pseudo-region of municipalities that are in none
OTHER_DEPARTMENTS = "Overige afdelingen (elk minder dan 5 signalen in de regio)"
FIRST_YEAR, LAST_YEAR = 2000, 2100

# (key, title, explanation, additive): additive tables' categories add up to the signals received.
TABLES = (
    ("signalen", "Ontvangen signalen", "Signalen ontvangen in de periode.", False),
    ("bron", "Signalen per bron", "Langs welke weg het signaal binnenkwam.", True),
    ("afdeling", "Signalen per afdeling van de melder", "Wie meldt: voor gerichte scholing. Een afdeling wordt pas bij "
                 "naam genoemd vanaf 5 signalen in de regio in het halfjaar.", True),
    ("vorm", "Per vorm van uitbuiting", "Een signaal kan onder meer dan één vorm vallen: de rijen tellen niet op.",
     False),
    ("sector", "Per sector", "", True),
    ("route", "Per route", "De route waarlangs het signaal is doorgeleid.", True),
    ("uitkomst", "Per uitkomst", "De uitkomst van afgesloten signalen; signalen in behandeling apart.", True),
    ("veilig_thuis", "Veilig Thuis", "Signalen waarvan een stap vastlegde dat Veilig Thuis ze registreerde.", False),
    ("zorg", "Zorgtrajecten en CoMensha", "Zorgtrajecten gestart en beëindigd in de periode, en registraties gemeld "
             "bij CoMensha.", False),
)
FIXED_LABELS = {
    ("signalen", "ontvangen"): "Ontvangen signalen",
    ("veilig_thuis", "geregistreerd"): "Geregistreerd bij Veilig Thuis",
    ("zorg", "gestart"): "Zorgtrajecten gestart", ("zorg", "beeindigd"): "Zorgtrajecten beëindigd",
    ("zorg", "comensha"): "Registraties gemeld bij CoMensha",
}
# Tables whose counts are each at most the signals received (they count signals, but not as parts of a sum).
AT_MOST_RECEIVED = ("vorm", "veilig_thuis")
CODE_LABELS = {"bron": BRONNEN, "vorm": VORMEN, "sector": SECTOREN, "route": ROUTES}
EMPTY_LABELS = {"route": "Nog niet doorgeleid", "uitkomst": "(geen uitkomst vastgelegd)",
                "afdeling": "(niet ingevuld)"}


def monitor_regions(conn: Connection, actor: Actor) -> list[dict]:
    """The regions ``actor`` sees in the monitor, each with its municipalities (id → name), by name.

    :raises Forbidden: ``actor`` holds no monitor role.
    """
    held = monitor_held(actor)
    if held is not None and not held:
        raise Forbidden("De regionale monitor is er voor de aandachtsfunctionaris, de ketenregisseur en managers.")
    rows = conn.execute(select(gemeente.c.id, gemeente.c.naam, gemeente.c.regio_id, regio.c.naam.label("regio"))
                        .outerjoin(regio, regio.c.id == gemeente.c.regio_id).order_by(gemeente.c.naam)).all()
    if held is not None:
        regions = {r.regio_id for r in rows if r.id in held and r.regio_id is not None}
        rows = [r for r in rows if r.regio_id in regions or r.id in held]
    result: dict[int, dict] = {}
    for r in rows:
        key = r.regio_id or NO_REGION
        entry = result.setdefault(key, {"id": key, "naam": r.regio or "Gemeenten zonder regio", "gemeenten": {}})
        entry["gemeenten"][r.id] = r.naam
    return sorted(result.values(), key=lambda e: (e["id"] == NO_REGION, e["naam"]))


def choose_region(regions: list[dict], regio_id: int | None) -> dict:
    """The region asked for among ``regions``, else the first.

    :raises Forbidden: a region asked for that the actor does not see.
    """
    if regio_id is None:
        return regions[0]
    for entry in regions:
        if entry["id"] == regio_id:
            return entry
    raise Forbidden("U ziet de cijfers van deze regio niet.")


def check_period(jaar: int, halfjaar: int) -> None:
    """:raises FieldErrors: a year or half-year out of range."""
    errors = {}
    if not FIRST_YEAR <= jaar <= LAST_YEAR:
        errors["jaar"] = f"kies een jaar van {FIRST_YEAR} tot en met {LAST_YEAR}"
    if halfjaar not in (1, 2):
        errors["halfjaar"] = "kies het eerste (1) of tweede (2) halfjaar"
    if errors:
        raise FieldErrors(errors)


def monitor(conn: Connection, actor: Actor, *, jaar: int, halfjaar: int, regio_id: int | None = None) -> dict:
    """The monitor of one region and half-year for ``actor``: every count already suppressed.

    :raises Forbidden: no monitor role, or a region not theirs.
    :raises FieldErrors: an impossible year or half-year.
    """
    check_period(jaar, halfjaar)
    regions = monitor_regions(conn, actor)
    if not regions:
        raise Forbidden("Er zijn nog geen gemeenten om cijfers van te tonen.")
    chosen = choose_region(regions, regio_id)
    gemeenten: dict[int, str] = chosen["gemeenten"]
    raw = count(conn, frozenset(gemeenten), jaar, halfjaar)
    qs = quarters(jaar, halfjaar)
    periods = [q.nummer for q in qs] + [HALF]
    columns = [*gemeenten, REGION]
    counts = _rename_departments(raw.counts)
    rows = _rows(counts)
    cells = _cells(counts, rows, gemeenten, qs)
    equations = _equations(rows, gemeenten, qs)
    slack = _at_most_received(cells, equations, rows, columns, periods)
    headline = frozenset(k for k in cells if k[0] == "signalen")  # hide the signals received last of all
    marks = suppress(cells, equations, keep=headline, unseen=slack)
    tables = []
    for key, title, explanation, _ in TABLES:
        table_rows = [{"naam": _label(key, category),
                       "cellen": {str(p): [shown(cells[(key, category, g, p)], marks.get((key, category, g, p)))
                                           for g in columns] for p in periods}}
                      for category in rows[key]]
        tables.append({"sleutel": key, "titel": title, "toelichting": explanation, "rijen": table_rows})
    return {
        "regio": {"id": chosen["id"], "naam": chosen["naam"]},
        "regios": [{"id": r["id"], "naam": r["naam"]} for r in regions],
        "jaar": jaar, "halfjaar": halfjaar,
        "perioden": [*({"sleutel": str(q.nummer), "naam": f"{q.nummer}e kwartaal {jaar}", "van": q.van.isoformat(),
                        "tot": q.tot.isoformat()} for q in qs),
                     {"sleutel": HALF, "naam": f"{halfjaar}e halfjaar {jaar}", "van": qs[0].van.isoformat(),
                      "tot": qs[1].tot.isoformat()}],
        "kolommen": [{"sleutel": g, "naam": gemeenten[g]} for g in gemeenten]
                    + [{"sleutel": REGION, "naam": f"Totaal {chosen['naam']}"}],
        "tabellen": tables,
        "doorlooptijden": _lead_times(raw, gemeenten, periods),
        "zorgduur": {str(p): [_median(raw.zorgduur.get((g if g != REGION else None, None if p == HALF else p)))
                              for g in columns] for p in periods},
        "klein": SMALL,
    }


def _rename_departments(counts: Counter) -> Counter:
    """Departments by a name shared by spelling; named only from :data:`SMALL` signals in the region's half-year."""
    per_key: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for (table, category, _, _), n in counts.items():
        if table == "afdeling" and category is not None:
            per_key[category.casefold()] += n
            spellings.setdefault(category.casefold(), Counter())[category] += n
    result: Counter = Counter()
    for (table, category, g, q), n in counts.items():
        if table == "afdeling" and category is not None:
            folded = category.casefold()
            category = (spellings[folded].most_common(1)[0][0] if per_key[folded] >= SMALL else OTHER_DEPARTMENTS)
        result[(table, category, g, q)] += n
    return result


def _rows(counts: Counter) -> dict[str, list]:
    """Per table, the categories that occur, most frequent first (fixed rows always)."""
    totals: dict[str, Counter] = {key: Counter() for key, *_ in TABLES}
    for (table, category, _, _), n in counts.items():
        totals[table][category] += n
    for table, category in FIXED_LABELS:
        totals[table].setdefault(category, 0)
    return {table: sorted(found, key=lambda c: (c == OTHER_DEPARTMENTS, -found[c], str(_label(table, c))))
            for table, found in totals.items()}


def _cells(counts: Counter, rows: dict, gemeenten: dict, qs) -> dict:
    """Every cell: per table, category, municipality (and the region) and quarter (and the half-year)."""
    cells = {}
    for table, categories in rows.items():
        for category in categories:
            for g in gemeenten:
                per_q = [counts.get((table, category, g, q.nummer), 0) for q in qs]
                for q, n in zip(qs, per_q, strict=True):
                    cells[(table, category, g, q.nummer)] = n
                cells[(table, category, g, HALF)] = sum(per_q)
            for p in [q.nummer for q in qs] + [HALF]:
                cells[(table, category, REGION, p)] = sum(cells[(table, category, g, p)] for g in gemeenten)
    return cells


def _equations(rows: dict, gemeenten: dict, qs) -> list:
    """The sums a reader can check: region = its municipalities, half-year = its quarters, and for
    the additive tables the signals received = the categories."""
    periods = [q.nummer for q in qs] + [HALF]
    columns = [*gemeenten, REGION]
    equations = []
    for table, categories in rows.items():
        for category in categories:
            for p in periods:
                equations.append(((table, category, REGION, p), [(table, category, g, p) for g in gemeenten]))
            for g in columns:
                equations.append(((table, category, g, HALF), [(table, category, g, q.nummer) for q in qs]))
    for key, _, _, additive in TABLES:
        if additive:
            for g in columns:
                for p in periods:
                    equations.append((("signalen", "ontvangen", g, p), [(key, c, g, p) for c in rows[key]]))
    return equations


def _at_most_received(cells: dict, equations: list, rows: dict, columns: list, periods: list) -> frozenset:
    """What the reader knows beside the sums: a count of signals with a form of exploitation, or registered
    with Veilig Thuis, is at most the signals received. Written as a sum with an unseen slack cell
    (``received = count + slack``), added to ``cells`` and ``equations``; the slack cells' keys."""
    slack = set()
    for table, _, _, additive in TABLES:
        if additive or table not in AT_MOST_RECEIVED:
            continue
        for category in rows[table]:
            for g in columns:
                for p in periods:
                    key, received = ("ruimte", table, category, g, p), ("signalen", "ontvangen", g, p)
                    cells[key] = cells[received] - cells[(table, category, g, p)]
                    equations.append((received, [(table, category, g, p), key]))
                    slack.add(key)
    return frozenset(slack)


def _label(table: str, category) -> str:
    if (table, category) in FIXED_LABELS:
        return FIXED_LABELS[(table, category)]
    if table == "uitkomst" and category == STILL_RUNNING:
        return "Nog in behandeling"
    if category is None:
        return EMPTY_LABELS.get(table, "(niet ingevuld)")
    return CODE_LABELS.get(table, {}).get(category, category)


def _median(entry) -> float | None:
    """A median duration (seconds) as it may be shown: only over :data:`SMALL` or more."""
    if entry is None:
        return None
    n, median = entry
    return median if n >= SMALL else None


def _lead_times(raw, gemeenten: dict, periods: list) -> list[dict]:
    columns = [*gemeenten, REGION]
    result = []
    for bpmn_id, naam in sorted(raw.stappen.items(), key=lambda item: item[1] or ""):
        cellen = {str(p): [_median(raw.doorloop.get((bpmn_id, g if g != REGION else None, None if p == HALF else p)))
                           for g in columns] for p in periods}
        if any(v is not None for values in cellen.values() for v in values):
            result.append({"bpmn_id": bpmn_id, "naam": naam, "cellen": cellen})
    return result
