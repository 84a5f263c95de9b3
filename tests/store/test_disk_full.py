"""Issue 20, case 6: a full disk under the database or the output folder. Before: a DuckDB IOException traceback
from ingest, validate, indicators and run; `cbms report --format pdf` warned and exited 0 with 0-2 of 11 PDFs.

The database's disk is made full with a file-size limit (RLIMIT_FSIZE) in a child process: every write past it
fails with EFBIG, as on a full disk, and no root or tmpfs is needed. The output folder's disk is made full by
writing each output into /dev/full (every write fails with ENOSPC)."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cbms import atomic
from cbms.cli import main
from cbms.demo import FORM, write_demo
from cbms.errors import OS_REASONS
from tests.conftest import Census
from tests.database import content_hash, leftovers

FULL = """
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails with EFBIG instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from cbms.cli import main
sys.exit(main(sys.argv[2:]))
"""
LIMIT = 4096  # bytes any file may grow to: the database's next write (its log) does not fit


def _on_full_disk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", FULL, str(LIMIT), *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def stages(census: Census, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Databases ready for each stage (loaded; validated; with indicators) and a new export to load."""
    folder = tmp_path_factory.mktemp("stages")
    new = write_demo(households=20, seed=9, fmt="odk-csv", out=folder / "new").files[0]
    validated, computed = folder / "validated.duckdb", folder / "computed.duckdb"
    shutil.copy(census.db, validated)
    assert main(["validate", "--db", str(validated), "--out", str(folder / "out")]) == 0
    shutil.copy(validated, computed)
    assert main(["indicators", "--db", str(computed), "--out", str(folder / "out")]) == 0
    return {"export": new, "loaded": census.db, "validated": validated, "computed": computed}


@pytest.mark.parametrize(("command", "database"), [
    (["ingest", "{export}", "--form", str(FORM)], "loaded"),
    (["validate"], "loaded"),
    (["indicators"], "validated"),
    (["run", "{export}"], "loaded"),
])
def test_a_full_disk_under_the_database_leaves_it_as_it_was(stages: dict[str, Path], tmp_path: Path,
                                                             command: list[str], database: str) -> None:
    db = tmp_path / "cbms.duckdb"
    shutil.copy(stages[database], db)
    before = content_hash(db)
    args = [part.format(export=stages["export"]) for part in command]

    out = [] if command[0] == "ingest" else ["--out", str(tmp_path / "out")]
    done = _on_full_disk(*args, "--db", str(db), *out)

    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[-1].startswith("✗ [DB_004]") and "File too large" in lines[-1]
    assert content_hash(db) == before
    assert leftovers(tmp_path) == []


@pytest.fixture
def full_output_disk(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every output file is written into /dev/full, through the usual temporary file and rename."""
    real = atomic.write_atomically

    def into_full_disk(target: Path, write: object, private: bool = False) -> Path:
        return real(target, lambda tmp: write(Path("/dev/full")), private)  # type: ignore[operator]

    for module in list(sys.modules.values()):
        if module is not None and getattr(module, "write_atomically", None) is real:
            monkeypatch.setattr(module, "write_atomically", into_full_disk)
    yield
    for module in list(sys.modules.values()):  # one first imported during the test took the patched function
        if module is not None and getattr(module, "write_atomically", None) is into_full_disk:
            module.write_atomically = real  # not monkeypatch: its undo would bring the patch back


@pytest.mark.parametrize(("command", "database"), [
    (["validate"], "loaded"),
    (["indicators"], "validated"),
    (["report", "--format", "xlsx"], "computed"),
    (["report", "--format", "pdf"], "computed"),
    (["map"], "computed"),
], ids=["validate", "indicators", "workbook", "pdf", "map"])
@pytest.mark.usefixtures("full_output_disk")
def test_a_full_output_folder_is_exit_1_and_leaves_no_half_file(
        stages: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str],
        database: str) -> None:
    db, out = tmp_path / "cbms.duckdb", tmp_path / "out"
    shutil.copy(stages[database], db)

    code = main([*command, "--db", str(db), "--out", str(out)])

    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and lines[-1].startswith("✗ [CLI_002]"), lines  # before, the PDFs: a warning and exit 0
    assert OS_REASONS[errno.ENOSPC][0] in lines[-1]  # the system's reason, from the catalogue, in Spanish
    assert not [p for p in out.rglob("*") if p.is_file()]  # nothing half-written, no temporary left
    assert leftovers(tmp_path) == []


AUTOCOMMIT = """
import resource, signal, sys
from cbms.errors import CbmsError
from cbms.store import open_database
with open_database(sys.argv[1]) as con:  # the schemas are written before the limit
    pass
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    with open_database(sys.argv[1]) as con:
        con.execute("CREATE TABLE meta.big AS SELECT range AS n, repeat('x', 100) AS t FROM range(100000)")
except CbmsError as exc:
    print(exc.code)
"""


def test_a_statement_outside_a_transaction_refused_by_the_disk_is_db_004(tmp_path: Path) -> None:
    db = tmp_path / "cbms.duckdb"
    done = subprocess.run([sys.executable, "-c", AUTOCOMMIT, str(db)], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "DB_004"), done.stderr
    assert leftovers(tmp_path) == []
