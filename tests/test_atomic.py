"""Output files are whole or absent, and a killed run's temporaries do not stay (issue 20, case 6: a killed run left
0-byte `.perfil_*.tmp` files beside the PDFs)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from cbms.atomic import owned, remove_stale, write_atomically

KILLED_WHILE_WRITING = """
import os, signal, sys
from pathlib import Path
from cbms.atomic import write_atomically

def half_then_killed(tmp: Path) -> None:
    tmp.write_bytes(b"%PDF-1.7 half a profile")
    os.kill(os.getpid(), signal.SIGKILL)

write_atomically(Path(sys.argv[1]), half_then_killed)
"""


def _dead_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    return int(done.stdout)


def test_a_write_killed_outright_leaves_a_temporary_the_next_write_removes(tmp_path: Path) -> None:
    target = tmp_path / "perfiles" / "perfil_distrito_150142.pdf"
    killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(target)], check=False)
    assert killed.returncode == -signal.SIGKILL
    left = list(target.parent.iterdir())
    assert [p.name.startswith(".perfil_distrito_150142.pdf.") and p.suffix == ".tmp" for p in left] == [True]
    assert not target.exists()  # never half a file under the real name

    write_atomically(target, lambda tmp: tmp.write_bytes(b"%PDF-1.7 whole"))

    assert [p.name for p in target.parent.iterdir()] == [target.name]
    assert target.read_bytes() == b"%PDF-1.7 whole"


def test_only_temporaries_of_processes_that_are_gone_are_removed(tmp_path: Path) -> None:
    prefix = ".cbms-pull-"
    gone = tmp_path / f"{prefix}{_dead_pid()}.abc"
    gone.mkdir()
    (gone / "page-0001.json").write_text("{}")
    running = tmp_path / f"{owned(prefix)}def"  # this process: still writing
    running.mkdir()
    parent = tmp_path / f"{prefix}{os.getppid()}.ghi"  # another process that runs
    parent.mkdir()
    other = tmp_path / f"{prefix}notapid"  # not ours to judge
    other.mkdir()

    remove_stale(tmp_path, prefix)

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, parent.name, other.name])
