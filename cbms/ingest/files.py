"""Open what the user points at (zip, folder, file), refusing hostile archives, and say what format it is."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cbms.errors import ING_001, ING_002, ING_003, ING_004, ING_005, CbmsError
from cbms.ingest.model import SourceFile

# A district export is ~100 MB of CSV; a country-size one a few GB. Past this, refuse before inflating.
MAX_UNCOMPRESSED_BYTES = 8 * 1024**3
MAX_RATIO = 200  # deflate rarely beats 20:1 on survey text; a zip bomb is 1000:1 or more


@dataclass(frozen=True, slots=True)
class Bundle:
    """The files of one export, as bytes by name, with where they came from."""

    path: Path
    format: str  # odk-csv | odk-odata | kobo-json | kobo-xlsx | kobo-csv
    files: dict[str, bytes]
    sources: tuple[SourceFile, ...]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_zip(path: Path) -> list[str]:
    """The member names of a zip whose directory promises a sane size; refuse a bomb before inflating it."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise CbmsError(ING_004, path=path, reason=str(exc)) from exc
    size = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if size > MAX_UNCOMPRESSED_BYTES or (size > 50 * 1024**2 and size / packed > MAX_RATIO):
        raise CbmsError(ING_005, path=path, size=size, limit=MAX_UNCOMPRESSED_BYTES)
    return [i.filename for i in infos]


def _unzip(path: Path) -> dict[str, bytes]:
    """Every member's bytes by file name; members inflate on two threads (zlib lets go of the GIL), the
    largest first (a 100,000-household export: 0.45 s -> 0.27 s)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist()
                     if not i.is_dir() and not Path(i.filename).name.startswith(("._", "."))]
        with ThreadPoolExecutor(max_workers=2) as pool:
            inflated = dict(pool.map(lambda info: _member(path, info), sorted(infos, key=lambda i: -i.file_size)))
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise CbmsError(ING_004, path=path, reason=str(exc)) from exc
    return {Path(info.filename).name: inflated[info.filename] for info in infos}


def _member(path: Path, info: zipfile.ZipInfo) -> tuple[str, bytes]:
    with zipfile.ZipFile(path) as archive:  # one handle per thread
        return info.filename, archive.read(info)


def open_export(path: Path) -> Bundle:
    """Read an export (Central CSV zip or folder, OData JSON, KoBo XLSX or API JSON) and detect its format."""
    if path.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(path.iterdir())
                 if p.is_file() and p.suffix.lower() in (".csv", ".json") and not p.name.startswith(".")}
        if not files:
            raise CbmsError(ING_003, path=path, reason="la carpeta no tiene archivos .csv ni .json / "
                                                       "the folder holds no .csv or .json file")
        # a folder of pages may hold other JSON beside them (the form's asset, notes): only exports are read
        files = {n: b for n, b in files.items() if not _other_json(n, b)} or files
        sources = tuple(SourceFile(path / n, _sha256(b)) for n, b in files.items())
        return Bundle(path, _detect(path, files), files, sources)
    if not path.is_file():
        raise CbmsError(ING_001, path=path)
    data = path.read_bytes()
    if not data.strip():
        raise CbmsError(ING_002, path=path)
    source = (SourceFile(path, _sha256(data)),)
    if data[:2] == b"PK":
        names = check_zip(path)
        if "xl/workbook.xml" in names:
            return Bundle(path, "kobo-xlsx", {path.name: data}, source)
        files = _unzip(path)
        return Bundle(path, _detect(path, files), files, source)
    return Bundle(path, _detect(path, {path.name: data}), {path.name: data}, source)


def _looks_like_page(data: bytes) -> bool:
    """OData and KoBo API pages name their row list near the top: no need to parse 40 MB to know."""
    head = data[:4096]
    return b'"value"' in head or b'"results"' in head


def _other_json(name: str, data: bytes) -> bool:
    """A well-formed JSON file that is not an export page (a damaged one is kept, so it is reported)."""
    if not name.lower().endswith(".json") or _looks_like_page(data):
        return False
    try:
        return _json_kind(json.loads(data)) in (None, "kobo-asset")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return False


def _json_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if isinstance(value.get("value"), list):
            return "odk-odata"
        if isinstance(value.get("results"), list):
            return "kobo-json"
        if "content" in value and "uid" in value:
            return "kobo-asset"
    return None


def _csv_kind(data: bytes) -> str:
    """KoBo's CSV export names `_uuid` and no `KEY` in its header; Central's names `KEY`."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    end = data.find(b"\n")
    header = {c.strip(b'"\r ') for c in re.split(rb"[;,]", data[: end if end >= 0 else len(data)])}
    return "kobo-csv" if b"_uuid" in header and b"KEY" not in header else "odk-csv"


def _detect(path: Path, files: dict[str, bytes]) -> str:
    """The one format of all the files (big JSON pages are recognised by their head; the reader parses
    each page once and refuses one that is not what its head said)."""
    kinds: set[str] = set()
    for name, data in files.items():
        head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
        if head in (b"{", b"[") and len(data) > 1 << 20 and _looks_like_page(data):
            kinds.add("odk-odata" if b'"value"' in data[:4096] else "kobo-json")
        elif head in (b"{", b"["):
            try:
                kind = _json_kind(json.loads(data))
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise CbmsError(ING_003, path=path, reason=f"{name}: JSON {exc}") from exc
            if kind is None:
                raise CbmsError(ING_003, path=path, reason=f"{name}: JSON sin 'value' ni 'results' / "
                                                           "JSON without 'value' or 'results'")
            if kind != "kobo-asset":
                kinds.add(kind)
        elif name.lower().endswith(".csv") or b"," in data[:4096] or b";" in data[:4096]:
            kinds.add(_csv_kind(data))
        else:
            raise CbmsError(ING_003, path=path, reason=f"{name}: ni CSV ni JSON / neither CSV nor JSON")
    if len(kinds) != 1:
        found = ", ".join(sorted(kinds)) or "-"
        raise CbmsError(ING_003, path=path, reason=f"formatos mezclados o ninguno / mixed or no formats: {found}")
    return kinds.pop()
