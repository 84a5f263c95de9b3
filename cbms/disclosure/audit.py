"""The disclosure audit: read only what is published (indicadores_publicados.csv, the coverage and budget tables,
the maps' CSV and GeoJSON, the indicator workbook) and try to work every protected cell back: a number another file
prints for it, or the linear relations among the published cells (totals minus parts along the area hierarchy and
every margin)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

from cbms.disclosure.relations import Key, relations
from cbms.disclosure.solve import determined
from cbms.errors import DIS_001, DIS_002, CbmsError

TABLE = "indicadores_publicados.csv"
COVERAGE = "cobertura_publicada.csv"  # programme x area x sex / head's sex (issue 15)
BUDGET = "presupuesto_publicado.csv"  # need x area x sex / head's sex (issue 14)
CellId = tuple[str, Key]  # indicator, (area, sex, head_sex, age_group)
WORKBOOK_ROWS = ("total", "female", "male")  # an indicator's first rows in a domain sheet; gap and ratio follow


@dataclass(frozen=True, slots=True)
class Audit:
    """What the audit found in one published folder."""

    folder: Path
    cells: int  # rows of the published table
    protected: int  # of them, protected (blank)
    recovered: tuple[CellId, ...]  # protected cells the relations give back exactly (n, numerator, value)
    printed: tuple[tuple[str, CellId], ...]  # (file, cell): a protected cell's number printed by another file
    zeros: int  # protected cells known to be 0 % or 100 % because their total is (said, not a failure: see docs)

    @property
    def failed(self) -> bool:
        """Whether any protected cell can be worked back."""
        return bool(self.recovered or self.printed)

    def check(self) -> None:
        """DIS_002 when the audit failed: the run must not be called complete."""
        if self.failed:
            raise CbmsError(DIS_002, count=len(set(self.recovered) | {c for _, c in self.printed}),
                            path=self.folder)


def _text(value: str) -> str | None:
    return value if value != "" else None


def _table(path: Path) -> tuple[dict[CellId, dict[str, str]], set[CellId], dict[str, str]]:
    """The published long table: every cell's columns, the protected cells, each area's level."""
    cells: dict[CellId, dict[str, str]] = {}
    protected: set[CellId] = set()
    levels: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cell: CellId = (row["indicator_id"], (row["area_code"], _text(row["sex"]), _text(row["head_sex"]),
                                                  _text(row["age_group"])))
            cells[cell] = row
            levels[row["area_code"]] = row["area_level"]
            if row["suppressed"] == "true" or row["value"] == "":
                protected.add(cell)
    return cells, protected, levels


def _map_rows(folder: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """Every area row of the maps' CSV and GeoJSON files."""
    for path in sorted(folder.glob("map_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield path.name, dict(row)
    for path in sorted(folder.glob("map_*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8")).get("features", []):
            yield path.name, dict(feature.get("properties") or {})


def _parents(folder: Path, levels: Mapping[str, str]) -> dict[str, str]:
    """Each area's parent as the maps publish it; else the district for a sector, and for a grupo the sector its
    code starts with (as anyone reading the codes would guess)."""
    parents: dict[str, str] = {}
    for _, row in _map_rows(folder):
        if row.get("parent_code") and row.get("code") and levels.get(str(row["code"])) != "district":
            parents[str(row["code"])] = str(row["parent_code"])
    district = next((a for a, level in levels.items() if level == "district"), "")
    sectors = sorted((a for a, level in levels.items() if level == "sector"), key=len, reverse=True)
    for area, level in sorted(levels.items()):
        if area not in parents and level == "sector":
            parents[area] = district
        elif area not in parents and level == "grupo":
            parents[area] = next((s for s in sectors if area.startswith(s)), "")
    return parents


def _empty(value: object) -> bool:
    return value is None or value == ""


def _printed_in_maps(folder: Path, protected: set[CellId]) -> set[tuple[str, CellId]]:
    """Protected cells whose value or n a map file prints (a gap is women minus men: with one side printed, it
    gives the other away)."""
    found: set[tuple[str, CellId]] = set()
    for name, row in _map_rows(folder):
        code = str(row.get("code", ""))
        for column, value in row.items():
            if _empty(value) or column in ("code", "name", "parent_code") or column.endswith("_suppressed"):
                continue
            base = column.removesuffix("_n").removesuffix("_n_female").removesuffix("_n_male")
            if base.endswith("_GAP"):
                indicator = base.removesuffix("_GAP")
                sides = [(indicator, (code, sex, None, None)) for sex in ("female", "male")]
                if column.endswith("_n_female"):
                    sides = sides[:1]
                elif column.endswith("_n_male"):
                    sides = sides[1:]
                found |= {(name, side) for side in sides if side in protected}
            elif (base, (code, None, None, None)) in protected:
                found.add((name, (base, (code, None, None, None))))
    return found


def _printed_in_workbooks(folder: Path, protected: set[CellId], district: str,
                          by_sex: set[str]) -> set[tuple[str, CellId]]:
    """Protected cells whose value a domain sheet of the indicator workbook prints (total, women, men); the first
    area column is the district's, the others start with their sector's code."""
    found: set[tuple[str, CellId]] = set()
    for path in sorted(folder.glob("*.xlsx")):
        book = load_workbook(path, read_only=True)
        for ws in book.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            if len(rows) < 4 or not rows[2] or len(rows[2]) < 5:
                continue
            areas = [district, *(str(h).split("\n")[0] for h in rows[2][5:] if h is not None)]
            seen: dict[str, int] = defaultdict(int)
            for row in rows[3:]:
                if not row or not isinstance(row[0], str) or len(row) < 5:
                    continue
                indicator, position = row[0], seen[row[0]]
                seen[indicator] += 1
                if position >= len(WORKBOOK_ROWS):
                    continue
                kind = WORKBOOK_ROWS[position]
                for area, value in zip(areas, row[4:], strict=False):
                    if not isinstance(value, int | float):
                        continue
                    pair = (area, kind, None, None) if indicator in by_sex else (area, None, kind, None)
                    candidates = [(indicator, (area, None, None, None) if kind == "total" else pair)]
                    found |= {(path.name, c) for c in candidates if c in protected}
    return found


def _rest(cells: Mapping[CellId, dict[str, str]], ind: str, keys: tuple[Key, ...], column: str) -> float:
    return sum(float(cells[(ind, k)][column] or 0) for k in keys)


def _zeros(cells: Mapping[CellId, dict[str, str]], protected: set[CellId], parents: Mapping[str, str]) -> int:
    """Protected cells whose share is known because a published total is 0 % (no part can be above 0) or 100 %
    (no part below): what publishing that total says of every group inside it, whatever is hidden."""
    by_indicator: dict[str, list[Key]] = defaultdict(list)
    for ind, key in cells:
        by_indicator[ind].append(key)
    implied: set[CellId] = set()
    for ind, keys in by_indicator.items():
        for relation in relations(keys, parents):
            total = cells[(ind, relation.total)]
            hidden = [p for p in relation.parts if (ind, p) in protected]
            shown = tuple(p for p in relation.parts if (ind, p) not in protected)
            if not hidden or (ind, relation.total) in protected or total["numerator"] in ("", None):
                continue
            numerator = float(total["numerator"]) - _rest(cells, ind, shown, "numerator")
            spare = (float(total["denominator"]) - _rest(cells, ind, shown, "denominator") - numerator
                     if total["denominator"] not in ("", None) else None)
            if abs(numerator) < 1e-9 or (spare is not None and abs(spare) < 1e-9):
                implied.update((ind, p) for p in hidden)
    return len(implied)


def _other_table(path: Path, table: str, group: str, counts: tuple[str, ...]
                 ) -> tuple[dict[CellId, dict[str, str]], set[CellId]]:
    """A published long table of coverage or budget: its cells (`<table>/<group>` as their indicator, so they never
    meet the indicators') and the protected ones (blank in every column of `counts`)."""
    cells: dict[CellId, dict[str, str]] = {}
    protected: set[CellId] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            cell: CellId = (f"{table}/{row[group]}", (row["area_code"], _text(row["sex"]), _text(row["head_sex"]),
                                                      None))
            cells[cell] = row
            if row["suppressed"] == "true" or all(row[c] == "" for c in counts):
                protected.add(cell)
    return cells, protected


def _printed_in_budget(rows: Mapping[CellId, dict[str, str]], protected: set[CellId]) -> set[tuple[str, CellId]]:
    """Indicator cells the indicator table protects whose numerator the budget table prints as its count in need."""
    found: set[tuple[str, CellId]] = set()
    for (_, key), row in rows.items():
        cell = (row["indicator_id"], key)
        if cell in protected and any(row[c] != "" for c in ("in_need", "cost_needed", "allocated_per_unit")):
            found.add((BUDGET, cell))
    return found


def audit_disclosure(folder: Path) -> Audit:
    """Try to recover every protected cell of the published folder; DIS_001 when it holds no published table."""
    path = Path(folder) / TABLE
    if not path.is_file():
        raise CbmsError(DIS_001, path=folder, file=TABLE)
    cells, protected, levels = _table(path)
    parents = _parents(path.parent, levels)
    by_indicator: dict[str, list[Key]] = defaultdict(list)
    for ind, key in cells:
        by_indicator[ind].append(key)
    recovered: set[CellId] = set()
    for ind, keys in sorted(by_indicator.items()):
        hidden = {key for key in keys if (ind, key) in protected}
        if hidden:
            recovered |= {(ind, key) for key in determined(relations(keys, parents), hidden)}
    district = next((a for a, level in levels.items() if level == "district"), "")
    by_sex = {ind for ind, key in cells if key[1] is not None}  # the workbook's women and men: by sex, else head
    printed = _printed_in_maps(path.parent, protected) | _printed_in_workbooks(path.parent, protected, district,
                                                                               by_sex)
    others = 0, 0
    for name, table, group, counts in ((COVERAGE, "cobertura", "programme", ("eligible", "beneficiaries")),
                                       (BUDGET, "presupuesto", "need_id", ("in_need",))):
        if not (path.parent / name).is_file():
            continue
        rows, hidden_rows = _other_table(path.parent / name, table, group, counts)
        others = others[0] + len(rows), others[1] + len(hidden_rows)
        grouped: dict[str, list[Key]] = defaultdict(list)
        for ind, key in rows:
            grouped[ind].append(key)
        for ind, keys in sorted(grouped.items()):
            hidden = {key for key in keys if (ind, key) in hidden_rows}
            if hidden:
                recovered |= {(ind, key) for key in determined(relations(keys, parents), hidden)}
        if name == BUDGET:
            printed |= _printed_in_budget(rows, protected)
    return Audit(folder=Path(folder), cells=len(cells) + others[0], protected=len(protected) + others[1],
                 recovered=tuple(sorted(recovered, key=repr)), printed=tuple(sorted(printed, key=repr)),
                 zeros=_zeros(cells, protected, parents))
