"""Programme coverage as it may be published: the cells of mart.coverage with the small ones hidden, and those that
would give them away (the indicators' own secondary suppression, cbms.disclosure), each programme with its names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from cbms.disclosure import Key, Protection, protect
from cbms.errors import Lang
from cbms.published.numbers import mart_number
from cbms.targeting.rules import Rule

CoverageKey = tuple[str, str, str | None, str | None]  # programme, area code, sex, head_sex
COUNTS = ("eligible", "beneficiaries", "eligible_beneficiaries")


@dataclass(frozen=True, slots=True)
class Programme:
    """A social programme as the outputs name it."""

    id: str
    name_es: str
    name_en: str
    unit: str  # household | person

    def name(self, lang: Lang) -> str:
        """Its name in a language."""
        return self.name_es if lang == "es" else self.name_en


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """One programme x area x breakdown as published: a protected cell carries no number at all."""

    programme: str
    area_level: str
    area_code: str
    sex: str | None
    head_sex: str | None
    eligible: float | None
    beneficiaries: float | None
    eligible_beneficiaries: float | None
    leakage: float | None
    undercoverage: float | None
    n: int | None  # units that are eligible or beneficiaries (both rates rest on them)
    protected: bool


@dataclass(frozen=True)
class PublishedCoverage:
    """Every programme's cells, in mart.coverage's order, and what the protection hid."""

    programmes: tuple[Programme, ...]
    cells: tuple[CoverageCell, ...]
    protection: Mapping[str, Protection]  # programme -> its hidden cells
    _index: dict[CoverageKey, CoverageCell] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update({(c.programme, c.area_code, c.sex, c.head_sex): c for c in self.cells})

    def cell(self, programme: str, area: str, sex: str | None = None,
             head_sex: str | None = None) -> CoverageCell | None:
        """A cell, None when the mart has no row for it."""
        return self._index.get((programme, area, sex, head_sex))

    def undercoverage(self, programme: str, areas: Sequence[str]) -> dict[str, float | None]:
        """Each area's published under-coverage of a programme (None: protected, or no one eligible there)."""
        values: dict[str, float | None] = {}
        for area in areas:
            cell = self.cell(programme, area)
            values[area] = None if cell is None or cell.protected else cell.undercoverage
        return values

    @property
    def protected_counts(self) -> tuple[int, int]:
        """Cells hidden as too small, and hidden to protect them."""
        return (sum(len(p.primary) for p in self.protection.values()),
                sum(len(p.secondary) for p in self.protection.values()))


def read_coverage(con: duckdb.DuckDBPyConnection, rules: Sequence[Rule],
                  parents: Mapping[str, str]) -> PublishedCoverage | None:
    """mart.coverage protected (None when the database has no coverage table): per programme, the cells the mart
    flags as small and, by cbms.disclosure.protect, every cell that would let one be worked back along the area
    hierarchy (`parents`: area -> parent area) and the sex and head's-sex margins."""
    present = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'mart' "
                          "AND table_name = 'coverage'").fetchall()[0][0]
    if not present:
        return None
    rows = con.execute("SELECT programme, area_level, area_code, sex, head_sex, eligible, beneficiaries, "
                       "eligible_beneficiaries, leakage, undercoverage, suppressed FROM mart.coverage").fetchall()
    sizes: dict[str, dict[Key, int]] = {}
    small: dict[str, set[Key]] = {}
    for programme, _, code, sex, head_sex, eligible, beneficiaries, both, _, _, flag in rows:
        key: Key = (str(code), sex, head_sex, None)
        sizes.setdefault(programme, {})[key] = _units(eligible, beneficiaries, both)
        if flag:
            small.setdefault(programme, set()).add(key)
    protection = {p: protect(cells, small.get(p, set()), parents) for p, cells in sizes.items()}
    cells = []
    for programme, level, code, sex, head_sex, eligible, beneficiaries, both, leakage, under, _ in rows:
        if (str(code), sex, head_sex, None) in protection[programme].hidden:
            cells.append(CoverageCell(programme, str(level), str(code), sex, head_sex, None, None, None, None, None,
                                      None, True))
        else:
            cells.append(CoverageCell(programme, str(level), str(code), sex, head_sex, mart_number(eligible),
                                      mart_number(beneficiaries), mart_number(both), mart_number(leakage),
                                      mart_number(under), _units(eligible, beneficiaries, both), False))
    known = {p for p in sizes}
    programmes = tuple(Programme(r.id, r.name_es, r.name_en, r.unit) for r in rules if r.id in known)
    named = {p.id for p in programmes}
    programmes += tuple(Programme(p, p, p, "household") for p in sorted(known - named))
    return PublishedCoverage(programmes, tuple(cells), protection)


def _units(eligible: object, beneficiaries: object, both: object) -> int:
    """Units eligible or beneficiaries: eligible + beneficiaries - both (a census counts each unit once)."""
    return round((mart_number(eligible) or 0.0) + (mart_number(beneficiaries) or 0.0) - (mart_number(both) or 0.0))
