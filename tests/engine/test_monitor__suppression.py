"""Small-cell suppression (engine/queries/suppression.py) against generated tables: no count of 1 to 4
is shown, and none can be computed back from what is shown, not even by subtracting from a total."""
from __future__ import annotations

import random

import pytest

from engine.queries.suppression import HIDDEN, INF, LESS_THAN, PRIMARY, SECONDARY, WHOLE, shown, suppress


def _table(rows: list[list[int]]):
    """Cells and equations of a table with row totals, column totals and a grand total, as published."""
    cells, equations = {}, []
    for r, row in enumerate(rows):
        for c, n in enumerate(row):
            cells[(r, c)] = n
        cells[(r, "t")] = sum(row)
        equations.append(((r, "t"), [(r, c) for c in range(len(row))]))
    for c in [*range(len(rows[0])), "t"]:
        cells[("t", c)] = sum(cells[(r, c)] for r in range(len(rows)))
        equations.append((("t", c), [(r, c) for r in range(len(rows))]))
    # the totals row adds up too (every sum that holds is given: the reader knows it)
    equations.append((("t", "t"), [("t", c) for c in range(len(rows[0]))]))
    return cells, equations


def _solvable(values: dict, hidden: list, domains: dict, equations) -> bool:
    """Whether the hidden cells can be filled in (each within its domain) so that every equation holds:
    a search that fills a cell straight away when an equation leaves it the only unknown."""
    for total, parts in equations:
        members = (total, *parts)
        unknown = [k for k in members if k not in values]
        if not unknown:
            if values[total] != sum(values[p] for p in parts):
                return False
        elif len(unknown) == 1:
            key = unknown[0]
            rest = sum(values[p] for p in parts if p != key)
            value = values[total] - rest if key != total else rest
            if value not in domains[key]:
                return False
            return _solvable({**values, key: value}, hidden, domains, equations)
    left = [k for k in hidden if k not in values]
    if not left:
        return True
    return any(_solvable({**values, left[0]: v}, hidden, domains, equations) for v in domains[left[0]])


def _reader_solutions(cells, marks, equations, limit=12):
    """Every value each hidden small count can take that agrees with what is shown: what a reader who
    knows the rule (``<5`` is 1–4, ``x`` is 5 or more) can work out from all equations together."""
    hidden = sorted(marks, key=repr)
    domains = {k: {PRIMARY: range(1, 5), SECONDARY: range(5, limit + 1), WHOLE: range(0, limit + 1)}[marks[k]]
               for k in hidden}
    known = {k: n for k, n in cells.items() if k not in marks}
    return {key: {v for v in domains[key] if _solvable({**known, key: v}, hidden, domains, equations)}
            for key in hidden if marks[key] == PRIMARY}


def test_the_subtraction_case_hides_a_second_cell():
    # a row total of 20 with 3 beside 10 and 7: showing 10, 7 and 20 gives the 3 away
    cells = {"t": 20, "a": 3, "b": 10, "c": 7}
    marks = suppress(cells, [("t", ["a", "b", "c"])])
    assert marks == {"a": PRIMARY, "c": SECONDARY}  # the smallest other count goes too
    assert [shown(cells[k], marks.get(k)) for k in ("t", "a", "b", "c")] == [20, LESS_THAN, 10, HIDDEN]


def test_two_ones_beside_a_total_are_not_enough():
    # 1 + 1 + 6 = 8: with "<5", "<5", 6 and 8 shown, both small cells add up to 2: each is 1
    cells = {"t": 8, "a": 1, "b": 1, "c": 6}
    marks = suppress(cells, [("t", ["a", "b", "c"])])
    assert marks["c"] == SECONDARY
    possible = _reader_solutions(cells, marks, [("t", ["a", "b", "c"])])
    assert possible["a"] == {1, 2} and possible["b"] == {1, 2}


def test_a_zero_is_never_hidden_to_cover_a_small_count():
    # 3 + 0 = 3: the total is small too, and the zero stays shown (a hidden zero would give the 3 away)
    cells = {"t": 3, "a": 3, "b": 0}
    marks = suppress(cells, [("t", ["a", "b"])])
    assert marks == {"t": PRIMARY, "a": PRIMARY}


def test_small_parts_under_a_small_total_are_hidden_whole():
    # 4 signals in 4 sectors: "<5" four times under a total "<5" says each is 1 (four parts of at least 1 make 4)
    cells = {"t": 4, "a": 1, "b": 1, "c": 1, "d": 1}
    marks = suppress(cells, [("t", ["a", "b", "c", "d"])])
    assert marks["t"] == PRIMARY and {marks[k] for k in "abcd"} == {WHOLE}
    assert [shown(cells[k], marks[k]) for k in "tabcd"] == [LESS_THAN, HIDDEN, HIDDEN, HIDDEN, HIDDEN]
    assert len(_reader_solutions(cells, marks, [("t", ["a", "b", "c", "d"])])["t"]) > 1


def test_a_count_that_is_at_most_another_is_reasoned_with_too():
    # region 9 = Nijmegen 8 + Wijchen 1; 8 signals in Nijmegen were about sexual exploitation (at most the 8
    # received there): with the 8 shown, Nijmegen's hidden total is at least 8, so Wijchen's is 1
    cells = {"r": 9, "n": 8, "w": 1, "f": 8, "s": 0}
    equations = [("r", ["n", "w"]), ("n", ["f", "s"])]
    marks = suppress(cells, equations, unseen=frozenset({"s"}))
    assert "s" not in marks and marks["w"] == PRIMARY
    assert marks.get("f") or marks.get("r")  # the form's count or the region's total goes too
    assert len(_reader_solutions(cells, {**marks, "s": WHOLE}, equations, limit=30)["w"]) > 1


def test_nothing_small_nothing_hidden():
    cells, equations = _table([[5, 0, 12], [7, 9, 0]])
    assert suppress(cells, equations) == {}


def test_an_equation_that_does_not_add_up_is_refused():
    with pytest.raises(ValueError, match="does not add up"):
        suppress({"t": 5, "a": 3}, [("t", ["a"])])


@pytest.mark.parametrize("seed", range(60))
def test_generated_tables_show_no_small_count_and_give_none_away(seed):
    rng = random.Random(seed)
    n_rows, n_cols = rng.randint(2, 3), rng.randint(2, 3)
    rows = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20]) for _ in range(n_cols)] for _ in range(n_rows)]
    cells, equations = _table(rows)
    marks = suppress(cells, equations)
    published = {k: shown(n, marks.get(k)) for k, n in cells.items()}
    # nothing from 1 to 4 is shown as a number, totals included
    assert not [k for k, v in published.items() if isinstance(v, int) and 1 <= v <= 4]
    # and no hidden small count can be pinned down from the rest (rows, columns and totals together)
    possible = _reader_solutions(cells, marks, equations, limit=cells[("t", "t")] + 20)
    for key, values in possible.items():
        assert cells[key] in values
        assert len(values) > 1, (rows, key, values)


def test_a_hidden_count_stays_hidden_across_linked_tables():
    # one municipality's quarter counts and the half-year: Q2 = 3 would follow from H = 14 and Q1 = 11
    cells = {("q1", "a"): 11, ("q2", "a"): 3, ("h", "a"): 14,
             ("q1", "b"): 20, ("q2", "b"): 8, ("h", "b"): 28,
             ("q1", "r"): 31, ("q2", "r"): 11, ("h", "r"): 42}
    equations = [((p, "r"), [(p, "a"), (p, "b")]) for p in ("q1", "q2", "h")]
    equations += [(("h", g), [("q1", g), ("q2", g)]) for g in ("a", "b", "r")]
    marks = suppress(cells, equations)
    possible = _reader_solutions(cells, marks, equations, limit=45)
    assert len(possible[("q2", "a")]) > 1


def test_the_reader_bounds_use_infinity_for_hidden_large_counts():
    assert INF > 10**9 and HIDDEN == "x" and LESS_THAN == "<5"


def test_a_region_of_eight_municipalities_is_suppressed_in_a_page_request():
    """The monitor's own tables (engine/queries/monitor.py) for an Achterhoek-sized region of generated signals:
    done well within a page request, nothing small shown, no small count pinned by the reader's reasoning."""
    import time
    from collections import Counter

    from engine.queries import monitor
    from engine.queries.monitor_counts import quarters
    from engine.queries.suppression import _exposed

    rng = random.Random(8)
    gemeenten = {g: f"Gemeente {g}" for g in range(1, 9)}
    categories = {"bron": ["intern", "netwerk", "extern", "meldcode"], "afdeling": ["Burgerzaken", "Wijkteam", None],
                  "vorm": ["arbeid", "seksueel", "crimineel"], "sector": ["horeca", "bouw", "agrarisch", None],
                  "route": ["zorgtraject", "riec", None], "uitkomst": ["Afgesloten", "__lopend__"]}
    counts = Counter()
    for g in gemeenten:
        for q in (1, 2):
            for _ in range(rng.randint(0, rng.choice([3, 12, 40]))):
                counts[("signalen", "ontvangen", g, q)] += 1
                for table, options in categories.items():
                    counts[(table, rng.choice(options), g, q)] += 1
                if rng.random() < 0.3:
                    counts[("veilig_thuis", "geregistreerd", g, q)] += 1
    quarters_ = quarters(2026, 1)
    rows = monitor._rows(counts)
    cells = monitor._cells(counts, rows, gemeenten, quarters_)
    equations = monitor._equations(rows, gemeenten, quarters_)
    started = time.perf_counter()
    marks = suppress(cells, equations, keep=frozenset(k for k in cells if k[0] == "signalen"))
    assert time.perf_counter() - started < 2.0
    assert not [k for k, n in cells.items() if 1 <= n <= 4 and k not in marks]
    around = {}
    for index, (total, parts) in enumerate(equations):
        for key in (total, *parts):
            around.setdefault(key, []).append(index)
    assert _exposed(cells, marks, [(t, tuple(p)) for t, p in equations], around) == []
