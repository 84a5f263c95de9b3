"""Write a census as KoBoToolbox's XLSX export (XML values and headers, groups in headers, `/` separator).

Layout (kobotoolbox/formpack reporting/export.py and kpi's export task, which call xlsxwriter in
constant_memory mode as here): a sheet for the submissions (named after the form title, 31 characters at
most) and one per repeat (named after the repeat), created when their first row comes. Columns: the
questions (notes and the automatic meta fields left out, except `meta/rootUuid`, which KoBo adds to every
deployed form and keeps across edits), a geopoint followed by `_gps_latitude`,
`_gps_longitude`, `_gps_altitude`, `_gps_precision`, a select_multiple as its space-separated codes followed
by one 0/1 column per choice; then on the main sheet `_id, _uuid, _submission_time, _validation_status,
_notes, _status, _submitted_by, __version__, _tags, _index`, and on a repeat sheet `_index,
_parent_table_name, _parent_index` and the submission's copy fields `_submission__id`, `_submission__uuid`...
Answers are stored as text (Kobo's default "store date and number responses as text").
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from cbms.demo.answers import NONE, Census, instance_items
from cbms.demo.kobo_json import kobo_ids, kobo_time, kobo_username
from cbms.form.spec import Question, Repeat

COPY_FIELDS = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
               "__version__", "_tags")
GPS_PARTS = ("latitude", "longitude", "altitude", "precision")
CREATED = datetime(2025, 12, 1, 12, 0, 0)  # fixed workbook dates: the same census gives the same bytes
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """An Excel-safe sheet name, as formpack's unique_name_for_xls makes it (31 characters, unique)."""
    base = _BAD_SHEET_CHARS.sub("_", name)[:31]
    candidate, i = base, 1
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({i})"
        candidate = base[: 31 - len(suffix)] + suffix
        i += 1
    return candidate


def _columns(census: Census, repeat: str | None) -> list[tuple[str, np.ndarray]]:
    """Header and text column for every question of one level, expanded as Kobo expands them."""
    spec = census.spec
    d = census.levels[repeat].data
    n = len(d)
    out: list[tuple[str, np.ndarray]] = []
    for item in instance_items(spec, repeat, notes=False):
        if isinstance(item, Repeat) or (item.path[0] == "meta"):
            continue
        col = d[item.xpath].to_numpy(object) if item.xpath in d else np.full(n, None, dtype=object)
        out.extend(_expand(census, item, col))
    return out


def _expand(census: Census, q: Question, col: np.ndarray) -> list[tuple[str, np.ndarray]]:
    header = q.xpath
    out = [(header, col)]
    empty = pd.isna(col)
    if q.type == "geopoint":
        parts = pd.Series(col, dtype=object).str.split(" ")
        prefix = "/".join(q.path[:-1])
        for i, part in enumerate(GPS_PARTS):
            name = f"_{q.name}_{part}"
            out.append((f"{prefix}/{name}" if prefix else name, parts.str.get(i).to_numpy(dtype=object)))
    elif q.type == "select_multiple":
        padded = pd.Series(col, dtype=object).fillna("").map(lambda v: f" {v} ")
        for choice in census.spec.choices.get(q.list_name or "", ()):
            chosen = padded.str.contains(f" {choice.name} ", regex=False).to_numpy()
            out.append((f"{header}/{choice.name}", np.where(empty, NONE, np.where(chosen, "1", "0"))))
    return out


def write_kobo_xlsx(census: Census, out: Path, seed: int, round_: int = 1) -> tuple[Path, ...]:
    """Write `{title} - latest version - False - ....xlsx`-like `{form_id}.xlsx` as Kobo exports it."""
    ids = kobo_ids(seed, round_)
    spec = census.spec
    meta = census.meta
    path = out / f"{spec.form_id}.xlsx"
    n_root = len(census.root.data)
    uuids = meta["__instance"].str.removeprefix("uuid:").to_numpy(object)
    submitted = np.array([kobo_time(str(s)) for s in meta["__submitted"]], dtype=object)
    users = np.array([kobo_username(str(e)) for e in meta["__enumerator"]], dtype=object)
    copy = {
        "_id": np.arange(ids.first_id, ids.first_id + n_root, dtype=np.int64),
        "_uuid": uuids,
        "_submission_time": submitted,
        "_validation_status": np.full(n_root, None, dtype=object),
        "_notes": np.full(n_root, None, dtype=object),
        "_status": np.full(n_root, "submitted_via_web", dtype=object),
        "_submitted_by": users,
        "__version__": np.full(n_root, ids.version_id, dtype=object),
        "_tags": np.full(n_root, None, dtype=object),
    }
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "strings_to_numbers": False})
    wb.use_zip64()
    wb.set_properties({"created": CREATED})
    taken: set[str] = set()
    main_name = sheet_name(spec.title or spec.form_id, taken)
    taken.add(main_name)
    # KoBo adds meta/rootUuid to every deployed form: the id that survives edits (`_uuid` changes)
    root_cols = [*_columns(census, None), ("meta/rootUuid", meta["__key"].to_numpy(object)), *copy.items()]
    root_cols.append(("_index", np.arange(1, n_root + 1, dtype=np.int64)))
    _write_sheet(wb.add_worksheet(main_name), root_cols)
    for rep in spec.repeats:
        level = census.levels.get(rep.name)
        if level is None or not len(level.data) or rep.parent is not None:
            continue  # formpack makes a repeat's sheet only when a row comes
        d = level.data
        parent = d["__parent"].to_numpy()
        real = parent >= 0
        p = np.maximum(parent, 0)
        cols = _columns(census, rep.name)
        cols.append(("_index", np.arange(1, len(d) + 1, dtype=np.int64)))
        cols.append(("_parent_table_name", np.full(len(d), main_name, dtype=object)))
        # a row whose submission is missing points past the last submission, as after a deletion
        cols.append(("_parent_index", np.where(real, p + 1, n_root + 1 + np.arange(len(d)))))
        for key, values in copy.items():
            v = np.asarray(values, dtype=object)[p]
            if key == "_uuid" and "__orphan_key" in d:
                orphan = d["__orphan_key"].to_numpy(object)
                v = np.where(real, v, pd.Series(orphan, dtype=object).str.removeprefix("uuid:").to_numpy(object))
            elif key in ("_id",):
                v = np.where(real, v, NONE)
            cols.append((f"_submission_{key}", v))
        name = sheet_name(rep.name, taken)
        taken.add(name)
        _write_sheet(wb.add_worksheet(name), cols)
    wb.close()
    return (path,)


def _write_sheet(ws: xlsxwriter.worksheet.Worksheet, cols: list[tuple[str, np.ndarray]]) -> None:
    ws.write_row(0, 0, [h for h, _ in cols])
    n = len(cols[0][1]) if cols else 0
    # column-wise arrays -> rows; ints stay numbers (Kobo's _id and _index), everything else is text
    data = [c.tolist() if c.dtype != object else list(c) for _, c in cols]
    write_string = ws.write_string
    write_number = ws.write_number
    for i in range(n):
        r = i + 1
        for j, col in enumerate(data):
            v = col[i]
            if v is None or v != v:
                continue
            if isinstance(v, str):
                write_string(r, j, v)
            else:
                write_number(r, j, v)
