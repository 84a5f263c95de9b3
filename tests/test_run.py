"""`cbms run`, end to end on the demo: every output written, re-running changes nothing, nothing personal
published, and bad input is one clear line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from cbms.cli import main
from tests.conftest import ROOT

MACHINE_FILES = ("analisis/indicators.parquet", "analisis/indicators.csv", "analisis/issues.parquet",
                 "publicacion/indicadores_publicados.csv")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--demo", "--households", "400", "--seed", "3", "--out", str(out)]) == 0
    return out


@pytest.mark.slow
def test_every_output_is_written_in_its_audiences_folder(demo_run: Path) -> None:
    assert sorted(p.name for p in demo_run.iterdir()) == ["analisis", "publicacion", "supervision"]
    assert all((demo_run / name).is_file() for name in MACHINE_FILES)
    published = {p.name for p in (demo_run / "publicacion").iterdir()}
    assert any(n.endswith(".xlsx") and n.startswith("indicadores") for n in published)
    assert len(list((demo_run / "publicacion" / "perfiles").glob("*.pdf"))) == 11  # the district and its 10 sectors
    assert {"map_sector.csv", "map_sector.geojson", "map_grupo.csv"} <= published
    assert any(n.startswith("map_sector_") and n.endswith(".png") for n in published)
    supervision = demo_run / "supervision"
    assert sorted(p.name for p in supervision.iterdir()) == ["cbms.duckdb", "validacion.xlsx"]
    assert supervision.stat().st_mode & 0o777 == 0o700  # the field supervisors' folder: its owner only
    assert (supervision / "validacion.xlsx").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_running_again_changes_nothing(demo_run: Path) -> None:
    maps = ("publicacion/map_sector.csv", "publicacion/map_sector.geojson")
    before = {name: _digest(demo_run / name) for name in (*MACHINE_FILES, *maps)}
    database = _dump(demo_run / "supervision" / "cbms.duckdb")
    assert main(["run", "--demo", "--households", "400", "--seed", "3", "--out", str(demo_run)]) == 0
    assert {name: _digest(demo_run / name) for name in before} == before  # the same cells protected, too
    assert _dump(demo_run / "supervision" / "cbms.duckdb") == database


def _personal(export: Path) -> dict[str, set[str]]:
    """Names, phones, GPS points, block codes and birth dates of the demo census, read from its Central CSV export."""
    with zipfile.ZipFile(export) as zf:
        root = list(csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar.csv"), "utf-8")))
        members = list(csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar-member.csv"), "utf-8")))
    def column(rows: list[dict[str, str]], suffix: str) -> set[str]:
        return {v for r in rows for k, v in r.items() if k.endswith(suffix) and v}
    return {"names": column(members, "full_name"), "phones": column(root, "contact_phone"),
            "gps": column(root, "gps-Latitude") | column(root, "gps-Longitude"),
            "blocks": column(root, "manzana"), "births": column(members, "birth_date"),
            "addresses": column(root, "address")}


def demo_keys(tmp: Path, households: int, seed: int) -> set[str]:
    """The household keys of a demo census (uuid:...): the analysts' issues file names them, nothing published may."""
    from cbms.demo import write_demo

    generated = write_demo(households=households, seed=seed, fmt="odk-csv", out=tmp, error_rate=0.02)
    with zipfile.ZipFile(next(p for p in generated.files if p.suffix == ".zip")) as zf:
        root = list(csv.DictReader(io.TextIOWrapper(zf.open("cbms_grb_hogar.csv"), "utf-8")))
    return {r["KEY"] for r in root if r.get("KEY")}


def demo_secrets(tmp: Path, households: int, seed: int) -> dict[str, set[str]]:
    """The personal values of a demo census, from the same export written again (same seed, same bytes)."""
    from cbms.demo import write_demo

    generated = write_demo(households=households, seed=seed, fmt="odk-csv", out=tmp, error_rate=0.02)
    return _personal(next(p for p in generated.files if p.suffix == ".zip"))


def shared_texts(out: Path, folders: tuple[str, ...] = ("publicacion", "analisis")) -> list[str]:
    """Every text of the published and the analysts' files (the PDFs as pdftotext reads them)."""
    cells: list[str] = []
    for path in sorted(p for folder in folders for p in (out / folder).rglob("*")):
        if path.suffix in (".csv", ".geojson"):
            cells += re.split(r'[,\n"{}\[\]:]+', path.read_text(encoding="utf-8"))
        elif path.suffix == ".parquet":
            con = duckdb.connect()
            cells += [str(v) for row in con.execute(f"SELECT * FROM '{path}'").fetchall() for v in row]
            con.close()
        elif path.suffix == ".xlsx":
            for sheet in load_workbook(path, read_only=True).worksheets:
                cells += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        elif path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
            cells += text.split("\n")
    return cells


@pytest.mark.slow
def test_no_personal_data_in_published_or_analysts_files(demo_run: Path, tmp_path: Path) -> None:
    secrets = demo_secrets(tmp_path, 400, 3)
    assert all(secrets.values())
    cells = shared_texts(demo_run)
    published = set(cells)
    joined = "\n".join(cells)
    assert not (secrets["blocks"] & published)
    assert not (secrets["phones"] & published) and not any(p in joined for p in secrets["phones"])
    assert not any(g in joined for g in secrets["gps"])
    assert not any(n in joined for n in secrets["names"])
    assert not (secrets["births"] & published)
    keys = demo_keys(tmp_path / "keys", 400, 3)
    published_text = "\n".join(shared_texts(demo_run, folders=("publicacion",)))
    assert keys and not any(k in published_text for k in keys)  # a household's key (uuid:...) in a published file
    assert not (secrets["addresses"] & published)
    scanned = {p.name for p in (demo_run / "publicacion").rglob("*")} | {p.name for p in
                                                                        (demo_run / "analisis").iterdir()}
    # the coverage and budget outputs are among the files scanned (issues 14 and 15)
    assert {"coverage.parquet", "budget.parquet", "cobertura_publicada.csv", "presupuesto_publicado.csv"} <= scanned
    assert any(n.startswith("presupuesto_") and n.endswith(".pdf") for n in scanned)
    assert any(n.startswith("cobertura_") and n.endswith(".pdf") for n in scanned)


@pytest.mark.slow
def test_a_run_writes_no_outreach_list(demo_run: Path) -> None:
    """`cbms target` lists are confidential: `cbms run` never makes one (none recorded, no file of one)."""
    con = duckdb.connect(str(demo_run / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        lists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'meta' "
                            "AND table_name = 'target_lists'").fetchall()[0][0]
        if lists:
            assert con.execute("SELECT count(*) FROM meta.target_lists").fetchall()[0][0] == 0
    finally:
        con.close()
    assert not [p for p in demo_run.rglob("*") if "lista" in p.name.lower() or "list" in p.name.lower()]


def test_missing_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "nope.zip"), "--out", str(tmp_path / "out"),
                 "--db", str(tmp_path / "db.duckdb")]) == 1
    assert "[ING_001]" in capsys.readouterr().err


def test_manifest_with_a_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "round.toml"
    text = (ROOT / "pipelines" / "ves_demo.toml").read_text().replace("min_cell = 5", "min_cel = 5")
    manifest.write_text(text.replace("../", str(ROOT) + "/"))
    assert main(["--lang", "en", "run", "--demo", "--manifest", str(manifest), "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert "[MAN_003]" in err and "did you mean 'min_cell'" in err


def test_output_folder_that_cannot_be_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["run", "--demo", "--out", str(blocker / "out")]) == 1
    assert "[CLI_002]" in capsys.readouterr().err


def test_manifest_without_poverty_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "round.toml"
    text = (ROOT / "pipelines" / "ves_demo.toml").read_text()
    text = re.sub(r"\[poverty_lines\].*?\n\n", "", text, flags=re.S)
    manifest.write_text(text.replace("../", str(ROOT) + "/"))
    assert main(["run", "--demo", "--manifest", str(manifest), "--out", str(tmp_path / "o")]) == 1
    assert "[MAN_007]" in capsys.readouterr().err


def test_a_negative_poverty_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = tmp_path / "round.toml"
    text = (ROOT / "pipelines" / "ves_demo.toml").read_text().replace("z_extreme = 251", "z_extreme = -1")
    manifest.write_text(text.replace("../", str(ROOT) + "/"))
    assert main(["run", "--demo", "--manifest", str(manifest), "--out", str(tmp_path / "o")]) == 1
    assert "[MAN_005]" in capsys.readouterr().err


@pytest.mark.slow
def test_provenance_is_recorded(demo_run: Path) -> None:
    con = duckdb.connect(str(demo_run / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        runs = con.execute("SELECT cbms_version, form_version, manifest_sha256, loads FROM meta.runs").fetchall()
    finally:
        con.close()
    assert len(runs) == 1 and runs[0][1] and len(runs[0][2]) == 64 and json.loads(runs[0][3]) == [1]


@pytest.mark.outside
def test_an_export_of_another_form_touches_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import EXTERNAL

    db = tmp_path / "cbms.duckdb"
    export = EXTERNAL / "odk_central" / "all-data-types.csv"
    assert main(["run", str(export), "--db", str(db), "--out", str(tmp_path / "out")]) == 1
    assert "[ING_007]" in capsys.readouterr().err
    assert not db.exists()


def test_a_failed_run_leaves_no_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "new" / "out"
    assert main(["run", str(tmp_path / "nope.zip"), "--out", str(out), "--db", str(tmp_path / "db.duckdb")]) == 1
    assert "[ING_001]" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()  # neither the folder asked for nor the one made on the way
