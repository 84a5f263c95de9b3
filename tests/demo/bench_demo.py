"""Benchmark of the demo generator: seconds and peak memory per format, each in a fresh process.

    .venv/bin/python tests/demo/bench_demo.py [HOUSEHOLDS] [FORMAT ...]

Prints one line per format; it is a script, not a test (pytest does not collect it).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile

CHILD = """
import resource, sys, time
from pathlib import Path
from cbms.demo import write_demo
t = time.perf_counter()
r = write_demo(households=int(sys.argv[1]), seed=1, fmt=sys.argv[2], out=Path(sys.argv[3]))
seconds = time.perf_counter() - t
size = sum(p.stat().st_size for p in r.files)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{sys.argv[2]:10s} {r.households:>8d} households {r.members:>8d} members "
      f"{seconds:7.1f} s  peak {peak:7.0f} MB  files {size / 1e6:7.1f} MB")
"""


def main(argv: list[str]) -> None:
    households = argv[0] if argv else "100000"
    formats = argv[1:] or ["odk-csv", "odk-odata", "kobo-json", "kobo-xlsx"]
    for fmt in formats:
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, "-c", CHILD, households, fmt, out], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
