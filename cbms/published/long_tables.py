"""OUT/publicacion/cobertura_publicada.csv and presupuesto_publicado.csv: the long tables of coverage.parquet and
budget.parquet as they may be published, every protected cell blank (what `cbms audit-disclosure` attacks)."""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.published.mart import Published
from cbms.published.table import cell_text

COVERAGE_FILE = "cobertura_publicada.csv"
BUDGET_FILE = "presupuesto_publicado.csv"
COVERAGE_COLUMNS = ("programme", "area_level", "area_code", "sex", "head_sex", "eligible", "beneficiaries",
                    "eligible_beneficiaries", "leakage", "undercoverage", "n", "suppressed")
# budget.parquet's columns, its `sex` told apart as the person's or the household head's (as the indicators do)
BUDGET_COLUMNS = ("need_id", "indicator_id", "area_level", "area_code", "sex", "head_sex", "in_need", "unit_cost",
                  "cost_needed", "allocated", "allocated_per_unit", "suppressed")


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([("true" if v else "false") if isinstance(v, bool) else cell_text(v) for v in row])
    return buffer.getvalue()


def coverage_csv(published: Published) -> str | None:
    """The coverage table as CSV text, in mart.coverage's order (None when the run has no coverage)."""
    if published.coverage is None:
        return None
    return _csv(COVERAGE_COLUMNS, ((c.programme, c.area_level, c.area_code, c.sex, c.head_sex, c.eligible,
                                    c.beneficiaries, c.eligible_beneficiaries, c.leakage, c.undercoverage, c.n,
                                    c.protected) for c in published.coverage.cells))


def budget_csv(published: Published) -> str | None:
    """The budget table as CSV text, in budget.parquet's order (None when the run has no budget)."""
    budget = published.budget
    if budget is None:
        return None
    rows = []
    for r in budget.tables.budget:
        by_sex = budget.need(r.need_id).basis == "sex"
        rows.append((r.need_id, r.indicator_id, r.area_level, r.area_code, r.sex if by_sex else None,
                     None if by_sex else r.sex, r.in_need, r.unit_cost, r.cost_needed, r.allocated,
                     r.allocated_per_unit, r.suppressed))
    return _csv(BUDGET_COLUMNS, rows)


def _write(data: bytes, tmp: Path) -> None:
    tmp.write_bytes(data)


def write_long_tables(published: Published, out: Path) -> list[Path]:
    """Write the tables the run has into the folder `out`."""
    written = []
    for name, text in ((COVERAGE_FILE, coverage_csv(published)), (BUDGET_FILE, budget_csv(published))):
        if text is not None:
            written.append(write_atomically(Path(out) / name, functools.partial(_write, text.encode("utf-8"))))
    return written
