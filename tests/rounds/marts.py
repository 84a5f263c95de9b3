"""Two rounds' marts written by hand into one database, from markdown tables: the change stage's fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from cbms.indicators.compute import CATALOGUE_COLUMNS
from cbms.store import open_database
from cbms.store.db import transaction
from cbms.store.rounds import refresh, replace_table

# id, unit, value kind, sensitive, breakdowns (the shipped declarations of these three)
INDICATORS = {"DEM_01": ("person", "count", False, ["sex", "head_sex", "age_group"]),
              "HOU_03": ("household", "percent", False, ["head_sex"]),
              "SEC_01": ("person", "percent", True, ["sex", "head_sex", "age_group"])}
VALUES = pa.schema([("indicator_id", pa.string()), ("area_level", pa.string()), ("area_code", pa.string()),
                    ("sex", pa.string()), ("head_sex", pa.string()), ("age_group", pa.string()),
                    ("numerator", pa.float64()), ("denominator", pa.float64()), ("value", pa.float64()),
                    ("n", pa.int64()), ("n_missing", pa.int64()), ("suppressed", pa.bool_())])
SCALE = {"percent": 100.0, "count": None}


def rows(table: str) -> list[dict[str, object]]:
    """`| indicator | level | area | head_sex | numerator | denominator | n |` rows; the value is worked out here
    as the mart does (100 x numerator / denominator for a percent, the numerator for a count)."""
    lines = [[c.strip() for c in line.strip().strip("|").split("|")] for line in table.strip().splitlines()]
    header, body = lines[0], [line for line in lines[1:] if not set("".join(line)) <= set("-: ")]
    out = []
    for cells in body:
        r = dict(zip(header, cells, strict=True))
        kind = INDICATORS[r["indicator"]][1]
        numerator, n = float(r["numerator"]), int(r["n"])
        denominator = None if kind == "count" else float(r["denominator"])
        value = numerator if denominator is None else 100.0 * numerator / denominator
        out.append({"indicator_id": r["indicator"], "area_level": r["level"], "area_code": r["area"], "sex": None,
                    "head_sex": r["head_sex"] or None, "age_group": None, "numerator": numerator,
                    "denominator": denominator, "value": value, "n": n, "n_missing": 0,
                    "suppressed": n < (10 if INDICATORS[r["indicator"]][2] else 5)})
    return out


def write_round(db: Path, round_id: str, table: str) -> None:
    """A round's mart.indicator_values and mart.indicator_catalogue, as a computation would leave them."""
    values = pa.Table.from_pylist(rows(table), schema=VALUES)
    catalogue = pa.table([list(c) for c in zip(*[
        (ind, order, "x", ind, ind, "", "", unit, kind, json.dumps(breakdowns), sensitive, "[]", False, True, None)
        for order, (ind, (unit, kind, sensitive, breakdowns)) in enumerate(INDICATORS.items())], strict=True)],
        schema=pa.schema(CATALOGUE_COLUMNS))
    with open_database(db, round_id) as con:
        con.register("values_in", values)
        con.register("catalogue_in", catalogue)
        with transaction(con):
            replace_table(con, "mart.indicator_values", "SELECT * FROM values_in")
            replace_table(con, "mart.indicator_catalogue", "SELECT * FROM catalogue_in")
        refresh(con)
