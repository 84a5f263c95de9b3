"""`make bench`: the whole chain on demo censuses of growing size, each stage beside its floor, with peak memory.

Each stage and each floor runs as its own process, so its peak resident memory (ru_maxrss from wait4) is its
own. The floors are measured in the same run, on the same rows, so the ratios hold on whatever machine runs it:

- read CSVs: DuckDB reading the export's CSV files into tables (what ingest does at the least);
- read JSON: DuckDB's JSON reader parsing the same OData or KoBo pages into a table (the JSON ingests' floor);
- write Parquet: DuckDB writing the loaded rows to Parquet (one pass over every row: validate, indicators, maps);
- empty page: WeasyPrint laying out one empty page (the report's fixed cost; its cost per page is the rest).

After each size's table, the report's cost per page, per table cell and per chart: every profile laid out by
WeasyPrint in one process, whole, without its charts and without its tables (cbms/bench_pages.py).

The Central CSV export carries the chain (ingest, validate, indicators, report, maps); the other formats are
generated and ingested beside it. Growth is each figure over the same one at the size before. A benchmark
prints figures; it never fails on a time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cbms import console

FORMATS = ("odk-csv", "odk-odata", "kobo-json", "kobo-xlsx")
XLSX_LIMIT = 200_000  # a KoBo XLSX sheet holds at most 1,048,576 rows, and openpyxl-sized files get slow
READ_CSVS = """
import sys, duckdb
con = duckdb.connect()
for i, path in enumerate(sys.argv[1:]):
    con.execute(f"CREATE TABLE t{i} AS SELECT * FROM read_csv('{path}', all_varchar = true)")
"""
WRITE_PARQUET = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'").fetchall()
for (name,) in tables:
    con.execute(f"COPY raw.{name} TO '{sys.argv[2]}/{name}.parquet' (FORMAT parquet)")
"""
READ_JSON = """
import sys, duckdb
con = duckdb.connect()
con.execute("CREATE TABLE pages AS SELECT * FROM read_json(?, maximum_object_size = 1073741824)", [sys.argv[1:]])
"""
EMPTY_PAGE = """
import sys
from weasyprint import HTML
HTML(string="<html><body></body></html>").write_pdf(sys.argv[1])
"""
JSON_FORMATS = ("odk-odata", "kobo-json")
FLOORS = {"demo": "write Parquet", "ingest odk-csv": "read CSVs", "validate": "write Parquet",
          **{f"ingest {fmt}": f"read JSON {fmt}" for fmt in JSON_FORMATS},
          "indicators": "write Parquet", "report xlsx+pdf": "empty page", "maps": "write Parquet"}


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured stage or floor."""

    size: int
    stage: str
    seconds: float
    peak_mb: float


def _wait(command: list[str]) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak RSS in MB) of that process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        message = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed:\n{message}")
    return seconds, usage.ru_maxrss / 1024


def _cbms(args: list[str]) -> tuple[float, float]:
    return _wait([sys.executable, "-m", "cbms", *args])


def _python(code: str, args: list[str]) -> tuple[float, float]:
    return _wait([sys.executable, "-c", code, *args])


def _export(folder: Path) -> Path:
    files = [p for p in sorted(folder.iterdir()) if p.name != "injected.json"]
    return files[0] if len(files) == 1 else folder


def _csvs(export: Path, folder: Path) -> list[str]:
    """The export's CSV files, unzipped (not timed) so the floor reads what ingest reads."""
    with zipfile.ZipFile(export) as zf:
        zf.extractall(folder)
    return [str(p) for p in sorted(folder.glob("*.csv"))]


def _measure(size: int, formats: tuple[str, ...], work: Path) -> tuple[list[Figure], dict[str, float]]:
    figures: list[Figure] = []

    def note(stage: str, measured: tuple[float, float]) -> None:
        figures.append(Figure(size, stage, *measured))

    out = work / f"{size}-out"
    for fmt in formats:
        if fmt == "kobo-xlsx" and size > XLSX_LIMIT:
            continue
        folder = work / f"{size}-{fmt}"
        note("demo" if fmt == "odk-csv" else f"demo {fmt}",
             _cbms(["demo", "--households", str(size), "--seed", "1", "--format", fmt, "--error-rate", "0.02",
                    "--out", str(folder)]))
        db = work / f"{size}-{fmt}.duckdb"
        note(f"ingest {fmt}", _cbms(["ingest", str(_export(folder)), "--db", str(db)]))
        if fmt != "odk-csv":
            db.unlink(missing_ok=True)
    db = work / f"{size}-odk-csv.duckdb"
    note("read CSVs", _python(READ_CSVS, _csvs(_export(work / f"{size}-odk-csv"), work / f"{size}-csv")))
    for fmt in (f for f in JSON_FORMATS if f in formats):
        pages = sorted(str(p) for p in (work / f"{size}-{fmt}").glob("*.json") if p.name != "injected.json")
        note(f"read JSON {fmt}", _python(READ_JSON, pages))
    parquet = work / f"{size}-parquet"
    parquet.mkdir(exist_ok=True)
    note("write Parquet", _python(WRITE_PARQUET, [str(db), str(parquet)]))
    note("empty page", _python(EMPTY_PAGE, [str(work / "empty.pdf")]))
    chain = [("validate", ["validate", "--db", str(db), "--out", str(out)]),
             ("indicators", ["indicators", "--db", str(db), "--out", str(out)]),
             ("report xlsx+pdf", ["report", "--db", str(db), "--out", str(out)]),
             ("maps", ["map", "--db", str(db), "--out", str(out)]),
             ("disclosure audit", ["audit-disclosure", str(out)])]
    for stage, args in chain:
        note(stage, _cbms(args))
    whole = [f for f in figures if f.stage in ("ingest odk-csv", *(s for s, _ in chain))]
    figures.append(Figure(size, "end to end (csv)", sum(f.seconds for f in whole), max(f.peak_mb for f in whole)))
    measured = work / f"{size}-pages.json"
    _wait([sys.executable, "-m", "cbms.bench_pages", "--db", str(db), "--out", str(measured)])
    return figures, json.loads(measured.read_text(encoding="utf-8"))


def _ratio(a: float, b: float) -> str:
    return f"x{a / b:.1f}" if b > 0 else "-"


def _pages(pages: dict[str, float]) -> None:
    """The report's cost per page, per table cell and per chart (cbms/bench_pages.py)."""
    whole, cells, charts = pages["whole"], pages["cells"], pages["charts"]
    if not (pages["pages"] and cells and charts):
        console.info("  report: no profile with tables and charts to measure per page")
        return
    tables, drawn = whole - pages["no tables"], whole - pages["no charts"]
    console.info(f"  report, WeasyPrint's CPU seconds in one process: {pages['profiles']:.0f} profiles, "
                 f"{pages['pages']:.0f} pages in {whole:.1f} s = {whole / pages['pages']:.2f} s a page "
                 f"(empty page {pages['empty page']:.3f} s)")
    console.info(f"    tables: {cells:,.0f} cells, {tables:.1f} s = {1000 * tables / cells:.2f} ms a cell;   "
                 f"charts and maps: {charts:.0f}, {drawn:.1f} s = {drawn / charts:.3f} s a chart")


def _report(size: int, figures: list[Figure], before: dict[str, Figure]) -> None:
    by_stage = {f.stage: f for f in figures}
    console.info("")
    console.info(f"{size:,} households")
    console.info(f"  {'stage':<22} {'seconds':>8} {'peak MB':>8}   {'floor':<19} {'seconds':>8} {'x floor':>8}   "
                 f"{'growth time':>11} {'growth memory':>13}")
    for f in figures:
        floor_name = FLOORS.get(f.stage, "")
        floor = by_stage.get(floor_name)
        prior = before.get(f.stage)
        growth_t = _ratio(f.seconds, prior.seconds) if prior else ""
        growth_m = _ratio(f.peak_mb, prior.peak_mb) if prior else ""
        floor_cols = (f"{floor_name:<19} {floor.seconds:>8.1f} {_ratio(f.seconds, floor.seconds):>8}" if floor
                      else f"{'':<19} {'':>8} {'':>8}")
        console.info(f"  {f.stage:<22} {f.seconds:>8.1f} {f.peak_mb:>8.0f}   {floor_cols}   "
                     f"{growth_t:>11} {growth_m:>13}")
        before[f.stage] = f


def main() -> None:
    """Parse the sizes and formats, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="households, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = tuple(args.formats.split(","))
    if "odk-csv" not in formats:
        formats = ("odk-csv", *formats)
    work = args.keep or Path(tempfile.mkdtemp(prefix="cbms-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    console.info("Each stage in its own process: wall seconds, peak resident memory, and the stage over its floor "
                 "(the same rows read, written or laid out by the simplest tool); growth = over the size before.")
    before: dict[str, Figure] = {}
    try:
        for size in sizes:
            figures, pages = _measure(size, formats, work)
            _report(size, figures, before)
            _pages(pages)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
