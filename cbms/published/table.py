"""OUT/publicacion/indicadores_publicados.csv: the long table of indicators.parquet as it may be published, every
protected cell blank (OUTPUTS.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.published.mart import Published

FILE = "indicadores_publicados.csv"
COLUMNS = ("indicator_id", "area_level", "area_code", "sex", "head_sex", "age_group", "numerator", "denominator",
           "value", "n", "n_missing", "suppressed")


def cell_text(value: object) -> str:
    """A value as the published tables write it: empty for none, a float exactly (no -0.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value + 0.0)  # the exact value, as the analysts' file has it (no -0.0)
    return str(value)


def published_csv(published: Published) -> str:
    """The table as CSV text (UTF-8, comma, point decimals), in the mart's order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for key, level in published.levels.items():
        cell = published.cells[key]
        ind, code, sex, head_sex, age = key
        writer.writerow([ind, level, code, sex or "", head_sex or "", age or "", cell_text(cell.numerator),
                         cell_text(cell.denominator), cell_text(cell.value), cell_text(cell.n),
                         cell_text(cell.n_missing),
                         "true" if cell.protected else "false"])
    return buffer.getvalue()


def write_published_table(published: Published, out: Path) -> Path:
    """Write indicadores_publicados.csv into the folder `out`."""
    data = published_csv(published).encode("utf-8")
    return write_atomically(Path(out) / FILE, lambda tmp: tmp.write_bytes(data))
