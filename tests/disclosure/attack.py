"""An attack on the published files, written apart from cbms.disclosure so that each checks the other.

It reads OUT/publicacion as anyone could, writes down every 'total = sum of its parts' it can see (a breakdown
collapsed, an area rolled into its parent), and solves for the blank cells with exact arithmetic: substitution
first (one unknown left: total minus parts), then elimination over the integers modulo a large prime (values
scaled to integers; several unknowns in several equations). Where a blank cell comes out, it is compared with the
truth of OUT/analisis: a cell is recovered when its n and its numerator both come back exactly."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

PRIME = (1 << 61) - 1
SCALE = 10**6  # numerators are sums of decimals: scaled to integers
DIMENSIONS = ("sex", "head_sex", "age_group")
Cell = tuple[str, str, str, str, str]  # indicator, area, sex, head_sex, age_group ('' for all)


@dataclass
class Result:
    """What the attack got out of one published folder."""

    blank: int = 0
    recovered: set[Cell] = field(default_factory=set)  # n and numerator both exact
    numerator_only: set[Cell] = field(default_factory=set)
    n_only: set[Cell] = field(default_factory=set)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _parents(folder: Path, rows: list[dict[str, str]]) -> dict[str, str]:
    parents = {r["code"]: r["parent_code"] for p in folder.glob("map_*.csv") for r in _read(p)
               if r.get("parent_code") and not p.name.startswith("map_district")}
    district = next(r["area_code"] for r in rows if r["area_level"] == "district")
    for row in rows:
        code = row["area_code"]
        if code not in parents and row["area_level"] == "sector":
            parents[code] = district
        elif code not in parents and row["area_level"] == "grupo":
            parents[code] = code.split("-")[0]
    return parents


def _groups(cells: Iterable[Cell], parents: dict[str, str]) -> Iterable[tuple[Cell, list[Cell]]]:
    """(total, parts): a breakdown collapsed to its total, an area rolled up to its parent."""
    present = set(cells)
    collapsed: dict[Cell, list[Cell]] = defaultdict(list)
    for cell in present:
        for i in range(2, 5):
            if cell[i]:
                total: Cell = (*cell[:i], "", *cell[i + 1:])  # type: ignore[assignment]
                collapsed[total].append(cell)
        if cell[1] in parents:
            collapsed[(cell[0], parents[cell[1]], *cell[2:])].append(cell)
    for total, parts in collapsed.items():
        if total in present:
            # parts of one total along one dimension only (a sex x age cell sits under its sex and its age)
            by_way: dict[int, list[Cell]] = defaultdict(list)
            for part in parts:
                way = next((i for i in range(1, 5) if part[i] != total[i]), 0)
                by_way[way].append(part)
            yield from ((total, sorted(group)) for group in by_way.values())


def _eliminate(equations: list[tuple[dict[Cell, int], int]]) -> dict[Cell, int]:
    """Reduced row echelon form modulo PRIME; the unknowns whose row holds them alone, with their values."""
    rows: dict[Cell, tuple[dict[Cell, int], int]] = {}  # pivot -> (row with pivot coefficient 1, right side)
    holding: dict[Cell, set[Cell]] = defaultdict(set)  # unknown -> pivots whose rows hold it
    for coeffs, rhs in equations:
        row, b = dict(coeffs), rhs % PRIME
        for var in [v for v in row if v in rows]:
            factor = row.pop(var, 0)
            if factor:
                prow, pb = rows[var]
                for v, c in prow.items():
                    if v != var:
                        row[v] = (row.get(v, 0) - factor * c) % PRIME
                b = (b - factor * pb) % PRIME
        row = {v: c for v, c in row.items() if c}
        if not row:
            continue
        pivot = min(row)
        inverse = pow(row[pivot], PRIME - 2, PRIME)
        row = {v: c * inverse % PRIME for v, c in row.items()}
        b = b * inverse % PRIME
        for other in list(holding[pivot]):  # keep every pivot row free of the new pivot
            orow, ob = rows[other]
            factor = orow.pop(pivot, 0)
            if not factor:
                continue
            for v, c in row.items():
                if v != pivot:
                    orow[v] = (orow.get(v, 0) - factor * c) % PRIME
                    if orow[v]:
                        holding[v].add(other)
                    else:
                        del orow[v]
            rows[other] = (orow, (ob - factor * b) % PRIME)
        holding[pivot] = set()
        rows[pivot] = (row, b)
        for v in row:
            if v != pivot:
                holding[v].add(pivot)
    return {p: b for p, (row, b) in rows.items() if len(row) == 1}


def _signed(value: int) -> int:
    return value - PRIME if value > PRIME // 2 else value


def attack(out: Path) -> Result:
    """Attack OUT/publicacion and score it against OUT/analisis."""
    folder = out / "publicacion"
    rows = _read(folder / "indicadores_publicados.csv")
    parents = _parents(folder, rows)
    known: dict[str, dict[Cell, int]] = {"n": {}, "numerator": {}}
    blank: set[Cell] = set()
    for row in rows:
        cell: Cell = (row["indicator_id"], row["area_code"], row["sex"], row["head_sex"], row["age_group"])
        if row["n"] == "":
            blank.add(cell)
        else:
            known["n"][cell] = int(row["n"])
            known["numerator"][cell] = round(float(row["numerator"]) * SCALE)
    cells = list(known["n"]) + sorted(blank)
    groups = list(_groups(cells, parents))
    found: dict[str, dict[Cell, int]] = {}
    for quantity, values in known.items():
        equations = []
        for total, parts in groups:
            members = [(total, -1), *((p, 1) for p in parts)]
            unknown = {c: k for c, k in members if c in blank}
            if unknown:
                rhs = -sum(k * values[c] for c, k in members if c not in blank)
                equations.append((unknown, rhs))
        found[quantity] = {c: _signed(v) for c, v in _eliminate(equations).items()}
    con = duckdb.connect()
    truth = {(r[0], r[1], r[2] or "", r[3] or "", r[4] or ""): (int(r[5]), round(float(r[6]) * SCALE)) for r in
             con.execute(f"SELECT indicator_id, area_code, sex, head_sex, age_group, n, numerator FROM "
                         f"'{out / 'analisis' / 'indicators.parquet'}'").fetchall()}
    con.close()
    result = Result(blank=len(blank))
    for cell in blank:
        n_ok = found["n"].get(cell) == truth[cell][0]
        numerator_ok = abs(found["numerator"].get(cell, -(10**18)) - truth[cell][1]) <= 1
        if n_ok and numerator_ok:
            result.recovered.add(cell)
        elif numerator_ok:
            result.numerator_only.add(cell)
        elif n_ok:
            result.n_only.add(cell)
    return result
