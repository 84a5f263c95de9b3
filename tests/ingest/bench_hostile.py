"""Hostile and broken exports (issue 20): how `cbms ingest` ends on each, with its time and peak memory.

    .venv/bin/python tests/ingest/bench_hostile.py [CASE ...]      # cases: see HOSTILE below; default all

Every file is generated in a temporary folder from a 200-household demo census (nothing large is kept in the
repository) and loaded by `cbms ingest` in a fresh process under `/usr/bin/time`, onto a database that already
holds the clean demo load. One line per file: exit code, seconds, peak memory, whether the database changed
(content hash of its tables), the last line the command wrote. It is a script, not a test.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CBMS = [sys.executable, "-m", "cbms"]
FORM_ID = "cbms_grb_hogar"


def _demo(folder: Path, fmt: str, households: int = 200) -> Path:
    out = folder / f"demo-{fmt}"
    if not out.exists():
        subprocess.run([*CBMS, "demo", "--households", str(households), "--seed", "1", "--format", fmt,
                        "--out", str(out)], check=True, capture_output=True)
    return out


def _members(zip_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(zip_path) as archive:
        return {i.filename: archive.read(i) for i in archive.infolist()}


def _zip(target: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return target


def random_zip(folder: Path) -> Path:
    target = folder / "random.zip"
    target.write_bytes(random.Random(1).randbytes(65536))
    return target


def cr_only(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    return _zip(folder / "cr_only.zip", {n: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r") for n, d in members.items()})


def long_header(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    root = members[f"{FORM_ID}.csv"]
    head, _, rest = root.partition(b"\n")
    members[f"{FORM_ID}.csv"] = head + b"," + b"x" * 200_000 + b"\n" + rest.replace(b"\n", b",kept\n")
    return _zip(folder / "long_header.zip", members)


def deep_json(folder: Path) -> Path:
    target = folder / "deep.json"
    target.write_bytes(b'{"value": [{"__id": "uuid:a", "q": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}]}")
    return target


def odata_strings(folder: Path) -> Path:
    page = json.loads((_demo(folder, "odk-odata") / "Submissions-0001.json").read_bytes())
    page["value"][0]["member"] = ["not", "a", "record"]
    target = folder / "odata_strings.json"
    target.write_text(json.dumps(page))
    return target


def kobo_strings(folder: Path) -> Path:
    target = folder / "kobo_strings.json"
    target.write_text(json.dumps({"count": 2, "next": None, "previous": None, "results": ["a", "b"]}))
    return target


def stray_byte(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    member = members[f"{FORM_ID}-member.csv"]
    at = member.index(b"\n", 1000) + 1  # the start of a data line: its first answer gets the stray byte
    members[f"{FORM_ID}-member.csv"] = member[:at] + b"\xff" + member[at:]
    return _zip(folder / "stray_byte.zip", members)


def _rewrite_xlsx(folder: Path, name: str, change: Callable[[str, bytes], bytes]) -> Path:
    source = _demo(folder, "kobo-xlsx") / f"{FORM_ID}.xlsx"
    target = folder / name
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, change(info.filename, zin.read(info)))
    return target


def far_cell(folder: Path) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet3.xml":
            return data
        return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is>'
                                              b"</c></row></sheetData>")
    return _rewrite_xlsx(folder, "far_cell.xlsx", change)


def huge_sheet(folder: Path, gigabytes: float = 3.0) -> Path:
    """A sheet of `gigabytes` of XML that deflates ~170:1 (under the ratio rule), written as a stream."""
    source = _demo(folder, "kobo-xlsx") / f"{FORM_ID}.xlsx"
    target = folder / "huge_sheet.xlsx"
    row = b"".join(b'<c r="%s%%d" t="inlineStr"><is><t>%s</t></is></c>' % (col.encode(), b"yes")
                   for col in ("A", "B", "C", "D", "E", "F", "G", "H"))
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename != "xl/worksheets/sheet3.xml":
                zout.writestr(info, data)
                continue
            head, _, _ = data.partition(b"<sheetData>")
            with zout.open(info.filename, "w", force_zip64=True) as out:
                out.write(re.sub(rb'<dimension ref="[^"]*"/>', b"", head) + b"<sheetData>")
                written, number = 0, 1
                while written < gigabytes * 1e9:
                    block = b"".join(b'<row r="%d">' % n + row.replace(b"%d", str(n).encode()) + b"</row>"
                                     for n in range(number, number + 10_000))
                    number += 10_000
                    out.write(block)
                    written += len(block)
                out.write(b"</sheetData></worksheet>")
    return target


def lying_zip(folder: Path, inflated: int = 2 * 1024**3, declared: int = 100_000) -> Path:
    """One member whose deflate stream inflates to `inflated` bytes while the zip says `declared`."""
    name = f"{FORM_ID}.csv".encode()
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunks, crc, left = [], 0, inflated
    block = b"0" * (1 << 20)
    while left > 0:
        piece = block[:min(left, len(block))]
        crc = zlib.crc32(piece, crc)
        chunks.append(packer.compress(piece))
        left -= len(piece)
    chunks.append(packer.flush())
    data = b"".join(chunks)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), declared, len(name), 0) + name
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), declared,
                          len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(data), 0)
    target = folder / "lying.zip"
    target.write_bytes(local + data + central + end)
    return target


def many_members(folder: Path, count: int) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    extra = {f"notes/nota{i}.csv": b"KEY,nota\nuuid:x,revisar\n" for i in range(count - len(members))}
    return _zip(folder / f"members_{count}.zip", {**members, **extra})


def duplicate_household(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    root = members[f"{FORM_ID}.csv"]
    lines = root.split(b"\n")
    members[f"{FORM_ID}.csv"] = b"\n".join([*lines[:-1], lines[1], lines[-1]])  # row 1 again, byte for byte
    return _zip(folder / "duplicate_household.zip", members)


def kobo_attachments(folder: Path) -> Path:
    page = json.loads((_demo(folder, "kobo-json") / "data-0001.json").read_bytes())
    page["results"][0]["_attachments"] = [{"download_url": "https://kf.kobotoolbox.org/a.jpg", "mimetype": "image/jpeg",
                                           "filename": "ves/attachments/a.jpg", "instance": 1, "id": 7}]
    page["results"][1]["_notes"] = [{"note": "revisar", "date_created": "2025-09-02T10:00:00", "id": 3, "user": "sup"}]
    target = folder / "kobo_attachments.json"
    target.write_text(json.dumps(page, ensure_ascii=False))
    return target


def ratio_bomb(folder: Path) -> Path:
    target = folder / "ratio.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{FORM_ID}.csv", b"0" * 300_000_000)
    return target


def big_cell(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    root = members[f"{FORM_ID}.csv"]
    lines = root.split(b"\n")
    first = lines[1].split(b",")
    first[14] = b"x" * 50_000_000  # ident-address
    lines[1] = b",".join(first)
    return _zip(folder / "big_cell.zip", {**members, f"{FORM_ID}.csv": b"\n".join(lines)})


def header_only(folder: Path) -> Path:
    members = _members(_demo(folder, "odk-csv") / f"{FORM_ID}.zip")
    return _zip(folder / "header_only.zip", {n: d.split(b"\n", 1)[0] + b"\n" for n, d in members.items()})


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "random_zip": random_zip, "cr_only": cr_only, "long_header": long_header, "deep_json": deep_json,
    "odata_strings": odata_strings, "kobo_strings": kobo_strings, "stray_byte": stray_byte, "far_cell": far_cell,
    "huge_sheet": huge_sheet, "lying_zip": lying_zip, "members_1000": lambda f: many_members(f, 1000),
    "members_5000": lambda f: many_members(f, 5000), "duplicate_household": duplicate_household,
    "kobo_attachments": kobo_attachments, "ratio_bomb": ratio_bomb, "big_cell": big_cell, "header_only": header_only,
}


def _db_hash(db: Path) -> str:
    code = ("import duckdb, hashlib, sys; con = duckdb.connect(sys.argv[1], read_only=True); h = hashlib.sha256(); "
            "[h.update(repr(sorted(con.execute(f'SELECT * FROM {t}').fetchall(), key=repr)).encode()) for t in "
            "[r[0] for r in con.execute(\"SELECT schema_name || '.' || table_name FROM duckdb_tables() ORDER BY 1\")"
            ".fetchall()]]; print(h.hexdigest())")
    return subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True, check=True).stdout.strip()


def main(argv: list[str]) -> None:
    wanted = argv or list(HOSTILE)
    with tempfile.TemporaryDirectory(prefix="cbms-hostile-") as tmp:
        folder = Path(tmp)
        base = folder / "base.duckdb"
        subprocess.run([*CBMS, "ingest", str(_demo(folder, "odk-csv") / f"{FORM_ID}.zip"), "--db", str(base)],
                       check=True, capture_output=True)
        before = _db_hash(base)
        for case in wanted:
            path = HOSTILE[case](folder)
            db = folder / f"{case}.duckdb"
            shutil.copy(base, db)
            start = time.perf_counter()
            done = subprocess.run(["/usr/bin/time", "-f", "%M", *CBMS, "ingest", str(path), "--db", str(db)],
                                  capture_output=True, text=True, check=False)
            seconds = time.perf_counter() - start
            lines = [x for x in done.stderr.strip().splitlines() if x.strip() and not x.startswith("Command ")]
            peak = int(lines[-1]) // 1024 if lines and lines[-1].isdigit() else -1
            said = ("TRACEBACK " if "Traceback" in done.stderr else "") + (lines[-2] if len(lines) > 1 else "")
            changed = "changed" if _db_hash(db) != before else "unchanged"
            print(f"{case:20s} exit {done.returncode:>4d} {seconds:7.1f} s {peak:7d} MB  db {changed:9s} "
                  f"{str(said)[:150]}", flush=True)
            path.unlink()
            db.unlink()
            for wal in folder.glob("*.wal"):
                wal.unlink()


if __name__ == "__main__":
    main(sys.argv[1:])
