"""Loads: the same export twice changes nothing; edits replace and keep history; duplicates once; a killed
load leaves the database as it was."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cbms.config import load_manifest
from cbms.form import FormSpec
from cbms.ingest import read_export
from cbms.store import connect, write_tables
from tests.ingest.paths import FORMS

HEADER = ("SubmissionDate,name,age,meta-instanceID,meta-deprecatedID,KEY,SubmitterID,SubmitterName,"
          "AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion")


def _root(*rows: str) -> str:
    return HEADER + "\n" + "".join(r + "\n" for r in rows)


def _row(key: str, name: str, age: int, version: str | None = None, deprecated: str = "", edits: int = 0) -> str:
    return f"2024-05-01T10:00:00.000Z,{name},{age},{version or key},{deprecated},{key},,,0,0,,,,{edits},1"


def _export(folder: Path, root: str, children: list[tuple[str, str, int]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "multirepeat.csv").write_text(root)
    lines = ["name,age,PARENT_KEY,KEY"]
    counts: dict[str, int] = {}
    for parent, name, age in children:
        counts[parent] = counts.get(parent, 0) + 1
        lines.append(f"{name},{age},{parent},{parent}/children/child[{counts[parent]}]")
    (folder / "multirepeat-child.csv").write_text("\n".join(lines) + "\n")
    return folder


def _dump(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute("SELECT schema_name || '.' || table_name FROM duckdb_tables() "
                                            "ORDER BY 1").fetchall()]
        return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
    finally:
        con.close()


ROUND = load_manifest().round_id


@pytest.fixture
def load(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> Callable[[Path], object]:
    form = form_of("multirepeat")
    db = tmp_path / "cbms.duckdb"

    def run(export: Path) -> object:
        con = connect(db, ROUND)  # the round `cbms ingest` opens it for (its default manifest's)
        try:
            return write_tables(con, read_export(export, form), form, db)
        finally:
            con.close()

    run.db = db  # type: ignore[attr-defined]
    return run


def test_same_export_twice_changes_nothing(tmp_path: Path, load: Callable[[Path], object]) -> None:
    export = _export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30), _row("uuid:b", "Beto", 40)),
                     [("uuid:a", "Hija", 4), ("uuid:b", "Hijo", 9), ("uuid:b", "Hija", 2)])
    first = load(export)
    assert (first.new, first.rows) == (2, {"household": 2, "child": 3, "toy": 0})  # type: ignore[attr-defined]
    before = _dump(load.db)  # type: ignore[attr-defined]
    second = load(export)
    assert (second.new, second.unchanged, second.load_id) == (0, 2, None)  # type: ignore[attr-defined]
    assert _dump(load.db) == before  # type: ignore[attr-defined]


def test_comparison_reads_the_stored_rows_not_a_stored_hash(tmp_path: Path,
                                                             load: Callable[[Path], object]) -> None:
    # a hash written by another cbms (or none: first loads do not hash) must not make a reload look edited
    export = _export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30), _row("uuid:b", "Beto", 40)),
                     [("uuid:a", "Hija", 4), ("uuid:b", "Hijo", 9)])
    load(export)
    con = duckdb.connect(str(load.db))  # type: ignore[attr-defined]
    con.execute("UPDATE raw.submission_versions SET _content_hash = 'written by an older cbms'")
    con.close()
    again = load(export)
    assert (again.unchanged, again.updated, again.load_id) == (2, 0, None)  # type: ignore[attr-defined]
    edited = _export(tmp_path / "e2", _root(_row("uuid:a", "Ana", 30), _row("uuid:b", "Beto", 40)),
                     [("uuid:a", "Hija", 5), ("uuid:b", "Hijo", 9)])
    changed = load(edited)
    assert (changed.unchanged, changed.updated) == (1, 1)  # type: ignore[attr-defined]


def test_rows_in_another_order_are_the_same_content(tmp_path: Path, load: Callable[[Path], object]) -> None:
    export = _export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30)), [("uuid:a", "Hija", 4), ("uuid:a", "Hijo", 7)])
    load(export)
    child = (export / "multirepeat-child.csv").read_text().splitlines()
    (export / "multirepeat-child.csv").write_text("\n".join([child[0], child[2], child[1]]) + "\n")
    again = load(export)
    assert (again.unchanged, again.updated) == (1, 0)  # type: ignore[attr-defined]


def test_an_edit_replaces_children_and_keeps_the_old_version(tmp_path: Path, load: Callable[[Path], object]) -> None:
    load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30)), [("uuid:a", "Hija", 4), ("uuid:a", "Hijo", 7)]))
    edited = _export(tmp_path / "e2", _root(_row("uuid:a", "Ana", 31, "uuid:a2", "uuid:a", 1)),
                     [("uuid:a", "Hija", 4)])
    report = load(edited)
    assert (report.updated, report.new) == (1, 0)  # type: ignore[attr-defined]
    con = duckdb.connect(str(load.db), read_only=True)  # type: ignore[attr-defined]
    try:
        assert con.execute("SELECT _version_id, age FROM raw.household").fetchall() == [("uuid:a2", "31")]
        assert con.execute("SELECT name FROM raw.child").fetchall() == [("Hija",)]
        versions = con.execute("SELECT _version_id, status, content FROM raw.submission_versions "
                               "ORDER BY first_load_id").fetchall()
    finally:
        con.close()
    assert [(v, s) for v, s, _ in versions] == [("uuid:a", "superseded"), ("uuid:a2", "current")]
    con = duckdb.connect(str(load.db), read_only=True)  # type: ignore[attr-defined]
    try:  # the replaced version's hash is filled in when it is compared, so history can be matched later
        assert con.execute("SELECT count(*) FROM raw.submission_versions WHERE status = 'superseded' "
                           "AND _content_hash IS NOT NULL").fetchall() == [(1,)]
    finally:
        con.close()
    old = json.loads(versions[0][2])
    assert [c["name"] for c in old["child"]] == ["Hija", "Hijo"] and old["household"][0]["age"] == "30"
    # the older export loaded again is recognised as an old version and changes nothing
    before = _dump(load.db)  # type: ignore[attr-defined]
    stale = load(tmp_path / "e1")
    assert stale.stale == 1 and _dump(load.db) == before  # type: ignore[attr-defined]


def test_exact_duplicates_are_loaded_once(tmp_path: Path, load: Callable[[Path], object]) -> None:
    row = _row("uuid:a", "Ana", 30)
    export = _export(tmp_path / "e1", _root(row, row, _row("uuid:b", "Beto", 40)),
                     [("uuid:a", "Hija", 4), ("uuid:b", "Hijo", 9)])
    # the duplicate submission carries its children again, under the same keys
    child_file = export / "multirepeat-child.csv"
    child_file.write_text(child_file.read_text() + "Hija,4,uuid:a,uuid:a/children/child[1]\n")
    report = load(export)
    assert (report.new, report.duplicates, report.rows) == (  # type: ignore[attr-defined]
        2, 1, {"household": 2, "child": 2, "toy": 0})


def test_a_household_row_sent_again_without_its_members_keeps_them(tmp_path: Path,
                                                                  load: Callable[[Path], object]) -> None:
    # issue 20, case 8: the copy of the household line has no child rows of its own; before, it became current
    # and the two children survived only as JSON in the version history, and the copy counted as a conflict
    row = _row("uuid:a", "Ana", 30)
    report = load(_export(tmp_path / "e1", _root(row, _row("uuid:b", "Beto", 40), row),
                          [("uuid:a", "Hija", 4), ("uuid:a", "Hijo", 7), ("uuid:b", "Hijo", 9)]))
    assert (report.new, report.duplicates, report.conflicts) == (2, 1, 0)  # type: ignore[attr-defined]
    assert report.rows == {"household": 2, "child": 3, "toy": 0}  # type: ignore[attr-defined]


def test_an_edited_household_row_without_members_keeps_them_too(tmp_path: Path,
                                                                 load: Callable[[Path], object]) -> None:
    # the later line is an edit (one more edit, a new instanceID) sent without the member rows: it wins, and
    # the members it did not repeat stay with the submission rather than being dropped
    report = load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30),
                                                 _row("uuid:a", "Ana", 31, "uuid:a2", "uuid:a", 1)),
                          [("uuid:a", "Hija", 4), ("uuid:a", "Hijo", 7)]))
    assert (report.new, report.superseded) == (1, 1)  # type: ignore[attr-defined]
    con = duckdb.connect(str(load.db), read_only=True)  # type: ignore[attr-defined]
    try:
        assert con.execute("SELECT _version_id, age FROM raw.household").fetchall() == [("uuid:a2", "31")]
        assert sorted(con.execute("SELECT name FROM raw.child").fetchall()) == [("Hija",), ("Hijo",)]
    finally:
        con.close()


def test_two_versions_in_one_export_newest_wins(tmp_path: Path, load: Callable[[Path], object]) -> None:
    export = _export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 31, "uuid:a2", "uuid:a", 1),
                                            _row("uuid:a", "Ana", 30)), [])
    report = load(export)
    assert (report.new, report.superseded) == (1, 1)  # type: ignore[attr-defined]
    con = duckdb.connect(str(load.db), read_only=True)  # type: ignore[attr-defined]
    try:
        assert con.execute("SELECT age FROM raw.household").fetchall() == [("31",)]
    finally:
        con.close()


def test_same_key_different_content_is_kept_as_a_conflict(tmp_path: Path, load: Callable[[Path], object]) -> None:
    report = load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30), _row("uuid:a", "Ana", 35)), []))
    assert (report.new, report.conflicts) == (1, 1)  # type: ignore[attr-defined]
    con = duckdb.connect(str(load.db), read_only=True)  # type: ignore[attr-defined]
    try:
        statuses = sorted(r[0] for r in con.execute("SELECT status FROM raw.submission_versions").fetchall())
    finally:
        con.close()
    assert statuses == ["conflict", "current"]


def test_orphan_rows_are_kept_not_lost(tmp_path: Path, load: Callable[[Path], object]) -> None:
    report = load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30)),
                          [("uuid:a", "Hija", 4), ("uuid:zzz", "Nadie", 3)]))
    assert report.orphans == {"child": 1} and report.rows["child"] == 2  # type: ignore[attr-defined]


KILLER = """
import os, signal, sys
from pathlib import Path
from cbms.form import read_form
from cbms.ingest import read_export
from cbms.store import connect, write_tables
import cbms.store.load as load

original = load._apply
def apply_then_die(*args, **kwargs):
    result = original(*args, **kwargs)  # every row is written, the transaction is not committed yet
    os.kill(os.getpid(), signal.SIGKILL)
    return result
load._apply = apply_then_die
form = read_form(sys.argv[1])
con = connect(sys.argv[2])
write_tables(con, read_export(sys.argv[3], form), form, sys.argv[2])
"""


def test_a_load_killed_half_way_leaves_the_database_as_it_was(tmp_path: Path, load: Callable[[Path], object]) -> None:
    load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30)), [("uuid:a", "Hija", 4)]))
    before = _dump(load.db)  # type: ignore[attr-defined]
    second = _export(tmp_path / "e2", _root(_row("uuid:a", "Ana", 31, "uuid:a2", "uuid:a", 1),
                                            _row("uuid:b", "Beto", 40)), [("uuid:b", "Hijo", 9)])
    from tests.conftest import md_to_xlsx

    form = md_to_xlsx((FORMS / "multirepeat.md").read_text(), tmp_path / "multirepeat.xlsx")
    done = subprocess.run([sys.executable, "-c", KILLER, str(form), str(load.db), str(second)],  # type: ignore[attr-defined]
                          capture_output=True, text=True, check=False)
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert _dump(load.db) == before  # type: ignore[attr-defined]
    report = load(second)  # and the same load, run again to the end, goes through
    assert (report.new, report.updated) == (1, 1)  # type: ignore[attr-defined]


STOPPER = """
import os, signal, sys
import cbms.store.load as load
from cbms.cli import main

original = load._apply
def apply_then_stopped(*args, **kwargs):
    result = original(*args, **kwargs)  # every row is written, the transaction is not committed yet
    os.kill(os.getpid(), signal.SIGTERM)  # as `kill` or a closing terminal would
    return result
load._apply = apply_then_stopped
sys.exit(main(["ingest", sys.argv[3], "--db", sys.argv[2], "--form", sys.argv[1]]))
"""


def test_a_load_stopped_with_sigterm_says_so_and_leaves_the_database_as_it_was(
        tmp_path: Path, load: Callable[[Path], object]) -> None:
    load(_export(tmp_path / "e1", _root(_row("uuid:a", "Ana", 30)), [("uuid:a", "Hija", 4)]))
    before = _dump(load.db)  # type: ignore[attr-defined]
    second = _export(tmp_path / "e2", _root(_row("uuid:b", "Beto", 40)), [("uuid:b", "Hijo", 9)])
    from cbms.errors import CLI_003
    from tests.conftest import md_to_xlsx

    form = md_to_xlsx((FORMS / "multirepeat.md").read_text(), tmp_path / "multirepeat.xlsx")
    done = subprocess.run([sys.executable, "-c", STOPPER, str(form), str(load.db), str(second)],  # type: ignore[attr-defined]
                          capture_output=True, text=True, check=False)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert done.stderr.strip().splitlines() == ["✗ " + CLI_003.format("es", signal="SIGTERM")]
    assert _dump(load.db) == before  # type: ignore[attr-defined]
