"""The areas a budget is located in: the district's code and its sectors with their names, from the manifest's
geography table, or from the database's indicator cells when the manifest has none."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from cbms.config import Manifest
from cbms.errors import BUD_034, CbmsError


@dataclass(frozen=True, slots=True)
class Areas:
    """The district and its sectors (code -> name); `checked` is False when there is no list yet to check a
    budget's sectors against."""

    district: str
    sectors: Mapping[str, str] = field(default_factory=dict)
    source: str = ""  # where the sector codes come from, as messages say it
    checked: bool = True


def geography_areas(manifest: Manifest) -> Areas:
    """The district and sectors of the manifest's geography table (unchecked when the manifest has none)."""
    if manifest.geography is None:
        return Areas(manifest.ubigeo, checked=False)
    try:
        with manifest.geography.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        sectors = {r["code"].strip(): (r.get("name") or r["code"]).strip() for r in rows
                   if (r.get("level") or "").strip() == "sector" and (r.get("code") or "").strip()}
    except (OSError, UnicodeDecodeError, KeyError, csv.Error) as exc:
        raise CbmsError(BUD_034, path=manifest.geography, reason=str(exc)) from exc
    district = next((r["code"].strip() for r in rows if (r.get("level") or "").strip() == "district"),
                    manifest.ubigeo)
    return Areas(district, sectors, str(manifest.geography))


def mart_areas(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> Areas:
    """The district and the sectors the database's indicator cells have (their codes are their names)."""
    codes = [r[0] for r in con.execute("SELECT DISTINCT area_code FROM mart.indicator_values "
                                       "WHERE area_level = 'sector' ORDER BY 1").fetchall()]
    district = con.execute("SELECT min(area_code) FROM mart.indicator_values WHERE area_level = 'district'").fetchone()
    return Areas(str(district[0]) if district and district[0] else manifest.ubigeo, {c: c for c in codes},
                 "mart.indicator_values")
