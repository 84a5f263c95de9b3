"""Write a census as ODK Central's CSV zip: `{formId}.csv` plus one `{formId}-{repeat}.csv` per repeat.

Layout (central-backend lib/data/briefcase.js, fixtures in shared/fixtures/external/odk_central): the root file
starts with `SubmissionDate`, then every field of the instance in form order (group path joined by `-`, notes
included because Central derives columns from the instance and its binds, a geopoint split into `-Latitude`,
`-Longitude`, `-Altitude`, `-Accuracy`, a select_multiple as space-separated codes), then `KEY, SubmitterID,
SubmitterName, AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID, Edits, FormVersion`.
A repeat file holds its fields (path relative to the repeat) and ends with `PARENT_KEY, KEY`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from cbms.demo.answers import Census
from cbms.demo.inject import central_key
from cbms.form.spec import FormSpec, Question

ROOT_TAIL = ("KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status",
             "ReviewState", "DeviceID", "Edits", "FormVersion")
GEO_PARTS = ("Latitude", "Longitude", "Altitude", "Accuracy")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same census gives the same bytes


def instance_fields(spec: FormSpec, repeat: str | None) -> tuple[Question, ...]:
    """The instance's fields at one level, notes included (they are fields of the XForm instance)."""
    return tuple(q for q in spec.questions if q.repeat == repeat and q.type not in ("group", "repeat"))


def _relative(q: Question, spec: FormSpec) -> tuple[str, ...]:
    if q.repeat is None:
        return q.path
    rep = next(r for r in spec.repeats if r.name == q.repeat)
    return q.path[len(rep.path):]


def _columns(q: Question, spec: FormSpec, values: np.ndarray | None, n: int) -> dict[str, np.ndarray]:
    name = "-".join(_relative(q, spec))
    empty = np.full(n, None, dtype=object)
    if values is None:
        values = empty
    if q.type != "geopoint":
        return {name: values}
    parts = pd.Series(values, dtype=object).str.split(" ", expand=False)
    out = {}
    for i, part in enumerate(GEO_PARTS):
        out[f"{name}-{part}"] = parts.str.get(i).to_numpy(dtype=object) if n else empty
    return out


def central_tables(census: Census) -> dict[str, pd.DataFrame]:
    """The CSV files of Central's export, by file name, as text tables (None = empty cell)."""
    spec = census.spec
    root = census.root.data
    meta = census.meta
    n = len(root)
    cols: dict[str, np.ndarray] = {"SubmissionDate": meta["__submitted"].to_numpy(object)}
    for q in instance_fields(spec, None):
        cols |= _columns(q, spec, root[q.xpath].to_numpy(object) if q.xpath in root else None, n)
    cols |= {
        "KEY": meta["__key"].to_numpy(object),
        "SubmitterID": meta["__submitter_id"].to_numpy(object),
        "SubmitterName": meta["__submitter_name"].to_numpy(object),
        "AttachmentsPresent": np.full(n, "0", dtype=object),
        "AttachmentsExpected": np.full(n, "0", dtype=object),
        "Status": np.full(n, None, dtype=object),
        "ReviewState": meta["__review_state"].to_numpy(object),
        "DeviceID": meta["__device"].to_numpy(object),
        "Edits": np.array([str(int(e)) for e in meta["__edits"]], dtype=object),
        "FormVersion": np.full(n, spec.version or "", dtype=object),
    }
    tables = {f"{spec.form_id}.csv": pd.DataFrame(cols, dtype=object, copy=False)}
    keys = meta["__key"].to_numpy(object)
    for rep in spec.repeats:
        level = census.levels.get(rep.name)
        if level is None:
            continue
        d = level.data
        m = len(d)
        rcols: dict[str, np.ndarray] = {}
        for q in instance_fields(spec, rep.name):
            rcols |= _columns(q, spec, d[q.xpath].to_numpy(object) if q.xpath in d else None, m)
        parent = d["__parent"].to_numpy()
        orphan = d["__orphan_key"].to_numpy(object) if "__orphan_key" in d else np.full(m, None, dtype=object)
        parent_key = np.where(parent >= 0, keys[np.maximum(parent, 0)] if n else orphan, orphan)
        path = "/".join(rep.path)
        rcols["PARENT_KEY"] = parent_key
        rcols["KEY"] = np.array([central_key(k, path, p) for k, p in zip(parent_key, d["__pos"], strict=True)],
                                dtype=object)
        tables[f"{spec.form_id}-{rep.name}.csv"] = pd.DataFrame(rcols, dtype=object, copy=False)
    return tables


ROWS = 20_000  # rows formatted at a time: the CSV text of a whole census never sits in memory
BLOCK = 1 << 20  # bytes copied into the zip at a time


def write_odk_csv(censuses: Iterable[Census], out: Path, seed: int, round_: int = 1) -> tuple[Path, ...]:
    """Write `{formId}.zip` as Central's "download all submissions" gives it, from a census made in chunks: each
    file's rows go to a scratch file chunk by chunk, then into the zip (Central names the form version itself,
    from the form: seed and round change nothing here)."""
    path: Path | None = None
    with contextlib.ExitStack() as stack:
        scratch: dict[str, tuple[IO[bytes], io.TextIOWrapper, Any]] = {}
        for census in censuses:
            path = out / f"{census.spec.form_id}.zip"
            for name, table in central_tables(census).items():
                if name not in scratch:
                    file = stack.enter_context(tempfile.TemporaryFile(dir=out))
                    text = io.TextIOWrapper(file, encoding="utf-8", newline="", write_through=True)
                    writer = csv.writer(text, lineterminator="\n")  # quotes only where needed, as Central does
                    writer.writerow(table.columns)
                    scratch[name] = (file, text, writer)
                writer = scratch[name][2]
                columns = [table[c].to_numpy(object) for c in table.columns]
                for start in range(0, len(table), ROWS):
                    writer.writerows(zip(*(c[start:start + ROWS] for c in columns), strict=False))
                del columns, table
            del census  # not kept while the next chunk is made
        assert path is not None  # a census has at least one chunk
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, (scratch_file, scratch_text, _) in scratch.items():
                scratch_text.flush()
                scratch_text.detach()  # the scratch file stays open for the zip
                info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                info._compresslevel = 6  # type: ignore[attr-defined]  # what writestr(..., compresslevel=6) sets
                # the size known before the member opens, as writestr knows it: it decides the zip64 header
                info.file_size = scratch_file.tell()
                scratch_file.seek(0)
                with zf.open(info, "w") as member:
                    shutil.copyfileobj(scratch_file, member, BLOCK)
    return (path,)
