"""`python -m cbms.bench` on two tiny censuses prints every stage beside its floor, with memory and growth."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from cbms.bench import FLOORS

NUMBER = r"\d+\.\d"


@pytest.mark.slow
def test_bench_prints_each_stage_beside_its_floor() -> None:
    done = subprocess.run([sys.executable, "-m", "cbms.bench", "--sizes", "60,120", "--formats",
                           "odk-csv,odk-odata,kobo-json"],
                          capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert any(line.strip() == "60 households" for line in lines)
    second = lines.index("120 households")
    for stage, floor in FLOORS.items():
        # at the second size: seconds, peak MB, its floor with seconds and the ratio, then growth in time and memory
        pattern = (rf"^\s+{re.escape(stage)}\s+{NUMBER}\s+\d+\s+{re.escape(floor)}\s+{NUMBER}\s+x{NUMBER}"
                   rf"\s+x{NUMBER}\s+x{NUMBER}$")
        assert any(re.match(pattern, line) for line in lines[second:]), (stage, done.stdout)
    for floor in set(FLOORS.values()):  # the floors themselves, measured in the same run
        assert any(re.match(rf"^\s+{re.escape(floor)}\s+{NUMBER}\s+\d+", line) for line in lines[second:])
    assert any(line.strip().startswith("end to end (csv)") for line in lines[second:])
    # the report's cost per page, per table cell and per chart, at each size
    for size in ("60", "120"):
        block = lines[lines.index(f"{size} households"):]
        assert re.search(rf"\d+ profiles, \d+ pages in {NUMBER} s = \d+\.\d\d s a page", "\n".join(block))
        assert re.search(rf"[\d,]+ cells, -?{NUMBER} s = -?\d+\.\d\d ms a cell", "\n".join(block))
        assert re.search(rf"\d+, -?{NUMBER} s = -?\d+\.\d+ s a chart", "\n".join(block))
