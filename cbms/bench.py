"""`make bench`: run the stages on demo censuses of growing size and print seconds and peak memory per stage.

Each stage runs as its own `cbms` process, so its peak resident memory (ru_maxrss from wait4) is its own.
A benchmark prints figures; it never fails on a time.
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


def _measure(size: int, formats: tuple[str, ...], work: Path) -> list[Figure]:
    figures: list[Figure] = []
    for fmt in formats:
        out = work / f"{size}-{fmt}"
        seconds, peak = _run(["demo", "--households", str(size), "--seed", "1", "--format", fmt,
                              "--error-rate", "0.02", "--out", str(out)])
        figures.append(Figure(size, f"demo {fmt}", seconds, peak))
        export = next(p for p in sorted(out.iterdir()) if p.name != "injected.json")
        db = work / f"{size}-{fmt}.duckdb"
        seconds, peak = _run(["ingest", str(export), "--db", str(db)])
        figures.append(Figure(size, f"ingest {fmt}", seconds, peak))
    return figures


def _print(figures: list[Figure]) -> None:
    console.info(f"{'households':>10}  {'stage':<22} {'seconds':>8} {'peak MB':>8}  growth")
    previous: dict[str, Figure] = {}
    for f in figures:
        growth = ""
        if f.stage in previous:
            p = previous[f.stage]
            growth = (f"x{f.seconds / p.seconds:.1f} time, x{f.peak_mb / p.peak_mb:.1f} memory "
                      f"for x{f.size // p.size} households")
        console.info(f"{f.size:>10,}  {f.stage:<22} {f.seconds:>8.2f} {f.peak_mb:>8.0f}  {growth}")
        previous[f.stage] = f


def main() -> None:
    """Parse the sizes and formats, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="households, comma-separated")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    formats = tuple(args.formats.split(","))
    work = args.keep or Path(tempfile.mkdtemp(prefix="cbms-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        figures = [f for size in sizes for f in _measure(size, formats, work)]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    _print(figures)


if __name__ == "__main__":
    main()
