"""Wide tables: total cells only, suppressed values removed (flag kept), true zeros kept, the unpaid-hours gap."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb
import pytest

from cbms.errors import MAP_002, REP_003, CbmsError
from cbms.maps.wide import map_layers
from cbms.published import read_published
from tests.maps.mart import CATALOGUE, build_mart, export, manifest_for


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["code"]: r for r in csv.DictReader(handle)}


@pytest.fixture
def sector_rows(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> dict[str, dict[str, str]]:
    report = export(mart, manifest_for(tmp_path), tmp_path / "out")
    table = report.level("sector")
    assert table is not None and table.table is not None
    return _rows(table.table)


def test_columns_are_the_map_indicators_in_catalogue_order_then_the_gap(sector_rows: dict[str, dict[str, str]]) -> None:
    header = list(next(iter(sector_rows.values())))
    assert header == ["code", "name", "parent_code",
                      "GEN_01", "GEN_01_n", "GEN_01_suppressed",  # ord 50
                      "POV_01", "POV_01_n", "POV_01_suppressed",  # ord 120
                      "NUT_01", "NUT_01_n", "NUT_01_suppressed",  # ord 340; EDU_01 is not a map indicator
                      "GEN_01_GAP", "GEN_01_GAP_n_female", "GEN_01_GAP_n_male", "GEN_01_GAP_suppressed"]


def test_cells_are_the_totals(sector_rows: dict[str, dict[str, str]]) -> None:
    s01 = sector_rows["S01"]
    assert (s01["name"], s01["parent_code"]) == ("Primer Sector", "150142")
    # the total row (25.0, n 40), not the female (99.0) nor the female-head (98.0) breakdown
    assert (s01["POV_01"], s01["POV_01_n"], s01["POV_01_suppressed"]) == ("25", "40", "false")
    assert (s01["NUT_01"], s01["NUT_01_n"]) == ("10", "20")
    assert s01["GEN_01"] == "20.9"
    # the gap: women 30.0 - men 10.0 hours, with each sex's n
    assert (s01["GEN_01_GAP"], s01["GEN_01_GAP_n_female"], s01["GEN_01_GAP_n_male"]) == ("20", "12", "10")


def test_suppressed_values_are_removed_and_flagged(sector_rows: dict[str, dict[str, str]]) -> None:
    s02 = sector_rows["S02"]
    assert (s02["POV_01"], s02["POV_01_n"], s02["POV_01_suppressed"]) == ("", "", "true")  # n 3: not printed
    # the mart's flag says false, but n 8 is under the sensitive threshold 10: still never published
    assert (s02["NUT_01"], s02["NUT_01_suppressed"]) == ("", "true")
    # women's cell suppressed (n 3): the gap is too
    assert (s02["GEN_01_GAP"], s02["GEN_01_GAP_suppressed"]) == ("", "true")
    assert (s02["GEN_01"], s02["GEN_01_suppressed"]) == ("15", "false")


def test_true_zero_stays_zero(sector_rows: dict[str, dict[str, str]]) -> None:
    s03 = sector_rows["S03"]
    assert (s03["POV_01"], s03["POV_01_suppressed"]) == ("0", "false")
    # NUT_01's true zero in S03 is hidden to protect S02 (the district minus S01 and S03 would give S02 away)
    assert (s03["NUT_01"], s03["NUT_01_suppressed"]) == ("", "true")
    assert (s03["GEN_01_GAP"], s03["GEN_01_GAP_suppressed"]) == ("0", "false")  # 25.0 - 25.0


def test_every_area_with_data_has_a_row_even_without_a_polygon(sector_rows: dict[str, dict[str, str]]) -> None:
    assert list(sector_rows) == ["S01", "S02", "S03", "S04"]
    assert sector_rows["S04"]["POV_01_suppressed"] == "true"  # hidden to protect S02: the fewest cases of the rest
    assert sector_rows["S04"]["POV_01"] == "" and sector_rows["S04"]["GEN_01"] == ""
    assert sector_rows["S04"]["NUT_01"] == ""  # no row in the mart: empty, and not suppressed
    assert sector_rows["S04"]["NUT_01_suppressed"] == "false"


def test_no_suppressed_value_is_published_anywhere(mart: duckdb.DuckDBPyConnection, tmp_path: Path,
                                                    sectors: Path) -> None:
    report = export(mart, manifest_for(tmp_path, {"sector": sectors}), tmp_path / "out")
    records: list[dict[str, object]] = []
    for path in report.files:
        if path.suffix == ".csv":
            records.extend(_rows(path).values())
        elif path.suffix == ".geojson":
            records.extend(f["properties"] for f in json.loads(path.read_text(encoding="utf-8"))["features"])
    assert len(records) == 1 + 4 + 4  # district, sectors in the CSV, polygons in the GeoJSON
    flagged = 0
    for record in records:
        for key, flag in record.items():
            if key.endswith("_suppressed") and flag in ("true", True):
                flagged += 1
                assert record[key.removesuffix("_suppressed")] in ("", None)
    # S02's POV_01, NUT_01 and gap in the CSV and the GeoJSON; the cells hidden to protect them: S03's NUT_01 in
    # both, S04's POV_01 in the CSV only (S04 has no polygon)
    assert flagged == 3 * 2 + 2 + 1
    text = "".join(p.read_text(encoding="utf-8") for p in report.files if p.suffix in (".csv", ".geojson"))
    assert "33.3" not in text and "12.5" not in text  # S02's suppressed values


def test_district_table(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    report = export(mart, manifest_for(tmp_path), tmp_path / "out")
    district = report.level("district")
    assert district is not None and district.table is not None and district.geojson is None
    row = _rows(district.table)["150142"]
    assert (row["name"], row["POV_01"], row["GEN_01_GAP"]) == ("Villa El Salvador", "20", "")


def test_csv_is_utf8_with_names_as_written(mart: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    report = export(mart, manifest_for(tmp_path), tmp_path / "out")
    table = report.level("sector")
    assert table is not None and table.table is not None
    data = table.table.read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    assert next(csv.reader(io.StringIO(data.decode("utf-8")))) [0] == "code"


def test_no_mart_is_an_error(tmp_path: Path) -> None:
    con = duckdb.connect(":memory:")
    with pytest.raises(CbmsError) as caught:
        export(con, manifest_for(tmp_path), tmp_path / "out")
    assert caught.value.detail is REP_003
    assert not (tmp_path / "out").exists()


def test_no_map_indicator_is_an_error(tmp_path: Path) -> None:
    con = duckdb.connect(":memory:")
    build_mart(con, catalogue=[(*row[:6], False) for row in CATALOGUE])
    with pytest.raises(CbmsError) as caught:
        map_layers(read_published(con, manifest_for(tmp_path)))
    assert caught.value.detail is MAP_002


def test_empty_mart_is_an_error(tmp_path: Path) -> None:
    con = duckdb.connect(":memory:")
    build_mart(con, values=[])
    with pytest.raises(CbmsError) as caught:
        export(con, manifest_for(tmp_path), tmp_path / "out")
    assert caught.value.detail is REP_003


def test_reads_only_the_mart(mart: duckdb.DuckDBPyConnection, tmp_path: Path, sectors: Path) -> None:
    """Privacy: the export needs nothing but aggregates; this database has no clean.* or raw.* at all."""
    schemas = {r[0] for r in mart.execute("SELECT DISTINCT table_schema FROM information_schema.tables").fetchall()}
    assert schemas == {"mart"}
    report = export(mart, manifest_for(tmp_path, {"sector": sectors}), tmp_path / "out")
    assert report.files
