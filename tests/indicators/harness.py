"""Run the indicator engine on a census written by hand (an example YAML) and compare with expected rows.

An example gives `households`, `members` and `deaths` as lists of answers by question name, `manifest`
overrides (poverty lines, thresholds, weight column, area type, quintile1), the hand `working`, and the
`expected` rows: each names its cell (area_level, area_code, sex, head_sex, age_group; absent = NULL) and the
values it checks (numerator, denominator, value, n, n_missing, suppressed). Rows not listed are not checked,
except that `absent` lists cells that must not exist.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import duckdb
import yaml

from cbms.config import Manifest, load_manifest
from cbms.form import FormSpec
from cbms.form.layout import ROOT, STAGE_KEYS, layout_of
from cbms.indicators import Catalogue, compute_indicators
from cbms.store.db import quote
from cbms.validate.stage import typed_select

EXAMPLES = Path(__file__).parent / "examples"
HOUSEHOLD_DEFAULTS = {"ubigeo": "150142", "sector": "S01", "grupo": "S01-G01", "visit_result": "completed",
                      "consent": "yes", "interview_date": "2025-09-15", "_status": "clean"}
CELL = ("area_level", "area_code", "sex", "head_sex", "age_group")
CHECKED = ("numerator", "denominator", "value", "n", "n_missing", "suppressed")


def load_example(path: Path) -> dict[str, Any]:
    """An example file."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def build_clean(con: duckdb.DuckDBPyConnection, form: FormSpec, example: dict[str, Any]) -> None:
    """clean.* tables holding the example's census, typed as validation would write them."""
    con.execute("CREATE SCHEMA IF NOT EXISTS scratch")
    con.execute("CREATE SCHEMA IF NOT EXISTS clean")
    keys = STAGE_KEYS
    rows_by_level: dict[str, list[dict[str, Any]]] = {ROOT: [], "member": [], "death": []}
    status: dict[str, str] = {}
    for h in example.get("households", []):
        key = str(h["key"])
        row = {**HOUSEHOLD_DEFAULTS, **{k: v for k, v in h.items() if k != "key"}}
        status[key] = str(row.pop("_status"))
        rows_by_level[ROOT].append({**row, "_submission_key": key, "_row_key": key})
    for level in ("member", "death"):
        counters: dict[str, int] = {}
        for item in example.get(f"{level}s", []):
            parent = str(item["household"])
            counters[parent] = counters.get(parent, 0) + 1
            row = {k: v for k, v in item.items() if k != "household"}
            rows_by_level[level].append({**row, "_submission_key": parent, "_parent_key": parent,
                                         "_row_key": f"{parent}/{level}[{counters[parent]}]"})
    for level, fields in layout_of(form).fields.items():
        columns = (*keys, *fields)
        con.execute(f"CREATE OR REPLACE TABLE scratch.{quote(level)} ({', '.join(f'{quote(c)} VARCHAR' for c in columns)})")
        unknown = {k for r in rows_by_level[level] for k in r} - set(columns)
        if unknown:
            raise KeyError(f"{level}: not in the form: {sorted(unknown)}")
        for row in rows_by_level[level]:
            con.execute(f"INSERT INTO scratch.{quote(level)} ({', '.join(quote(c) for c in row)}) "
                        f"VALUES ({', '.join('?' for _ in row)})", [_text(v) for v in row.values()])
        extra = ", CAST(NULL AS VARCHAR) AS _status" if level == ROOT else ""
        con.execute(f"CREATE OR REPLACE TABLE clean.{quote(level)} AS SELECT *{extra} "
                    f"FROM ({typed_select(form, level, f'scratch.{quote(level)}')})")
    for key, value in status.items():
        con.execute(f"UPDATE clean.{ROOT} SET _status = ? WHERE _row_key = ?", [value, key])


def manifest_for(example: dict[str, Any]) -> Manifest:
    """The demo manifest with the example's overrides (suppression off unless asked)."""
    base = load_manifest()
    overrides = dict(example.get("manifest", {}))
    poverty = dataclasses.replace(base.poverty, **{k: overrides.pop(k) for k in
                                                   ("z_total", "z_extreme", "quintile1") if k in overrides})
    overrides.setdefault("min_cell", 1)
    overrides.setdefault("min_cell_sensitive", 1)
    return dataclasses.replace(base, poverty=poverty, **overrides)


def run_example(form: FormSpec, catalogue: Catalogue, example: dict[str, Any]) -> list[dict[str, Any]]:
    """The mart rows of the example's indicator."""
    con = duckdb.connect()
    try:
        build_clean(con, form, example)
        only = dataclasses.replace(catalogue, indicators=(catalogue.get(example["indicator"]),))
        compute_indicators(con, only, manifest_for(example))
        frame = con.execute("SELECT * FROM mart.indicator_values WHERE indicator_id = ?",
                            [example["indicator"]]).df()
    finally:
        con.close()
    return [{k: (None if v != v else v) for k, v in row.items()} for row in frame.to_dict("records")]


def cell(row: dict[str, Any]) -> tuple[Any, ...]:
    """The key of a cell: area level and code, and the breakdown values (None = all)."""
    return tuple(None if row.get(c) is None else str(row.get(c)) for c in CELL)
