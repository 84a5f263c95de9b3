"""`make bench`: the whole chain on demo censuses of growing size; seconds and peak memory per stage.

Each stage runs as its own `cbms` process, so its peak resident memory (ru_maxrss from wait4) is its own.
The Central CSV export carries the chain (ingest, validate, indicators, report, maps); the other formats are
generated and ingested beside it. A benchmark prints figures; it never fails on a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cbms import console

FORMATS = ("odk-csv", "odk-odata", "kobo-json", "kobo-xlsx")
XLSX_LIMIT = 200_000  # a KoBo XLSX sheet holds at most 1,048,576 rows, and openpyxl-sized files get slow


@dataclass(frozen=True, slots=True)
class Figure:
    """One measured stage."""

    size: int
    stage: str
    seconds: float
    peak_mb: float


def _run(args: list[str]) -> tuple[float, float]:
    """Run `cbms ARGS` and return (wall seconds, peak RSS in MB) of that process."""
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "cbms", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        message = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"cbms {' '.join(args)} failed:\n{message}")
    return seconds, usage.ru_maxrss / 1024


def _export(folder: Path) -> Path:
    files = [p for p in sorted(folder.iterdir()) if p.name != "injected.json"]
    return files[0] if len(files) == 1 else folder


def _measure(size: int, formats: tuple[str, ...], work: Path, previous: dict[str, Figure]) -> list[Figure]:
    figures: list[Figure] = []

    def note(stage: str, seconds: float, peak: float) -> None:
        figure = Figure(size, stage, seconds, peak)
        figures.append(figure)
        _print(figure, previous.get(stage))
        previous[stage] = figure

    out = work / f"{size}-out"
    for fmt in formats:
        if fmt == "kobo-xlsx" and size > XLSX_LIMIT:
            continue
        folder = work / f"{size}-{fmt}"
        note(f"demo {fmt}", *_run(["demo", "--households", str(size), "--seed", "1", "--format", fmt,
                                   "--error-rate", "0.02", "--out", str(folder)]))
        db = work / f"{size}-{fmt}.duckdb"
        note(f"ingest {fmt}", *_run(["ingest", str(_export(folder)), "--db", str(db)]))
        if fmt != "odk-csv":
            db.unlink(missing_ok=True)
    db = work / f"{size}-odk-csv.duckdb"
    chain = [("validate", ["validate", "--db", str(db), "--out", str(out)]),
             ("indicators", ["indicators", "--db", str(db), "--out", str(out)]),
             ("report xlsx+pdf", ["report", "--db", str(db), "--out", str(out)]),
             ("maps", ["map", "--db", str(db), "--out", str(out)]),
             ("disclosure audit", ["audit-disclosure", str(out)])]
    for stage, args in chain:
        note(stage, *_run(args))
    total = sum(f.seconds for f in figures if f.stage in ("ingest odk-csv", *(s for s, _ in chain)))
    peak = max(f.peak_mb for f in figures if f.stage in ("ingest odk-csv", *(s for s, _ in chain)))
    note("end to end (csv)", total, peak)
    return figures


def _print(f: Figure, before: Figure | None) -> None:
    growth = ""
    if before is not None and before.seconds > 0:
        growth = (f"x{f.seconds / before.seconds:.1f} time, x{f.peak_mb / before.peak_mb:.1f} memory "
                  f"for x{f.size / before.size:.0f} households")
    console.info(f"{f.size:>10,}  {f.stage:<22} {f.seconds:>8.1f} {f.peak_mb:>8.0f}  {growth}")


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
    console.info(f"{'households':>10}  {'stage':<22} {'seconds':>8} {'peak MB':>8}  growth")
    previous: dict[str, Figure] = {}
    try:
        for size in sizes:
            _measure(size, formats, work, previous)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
