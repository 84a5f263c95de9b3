"""KoBoToolbox's XLSX export: the main sheet first, one sheet per repeat linked by `_parent_table_name` and
`_parent_index` to the parent sheet's `_index` (renumbered on every export, so used only inside one file)."""

from __future__ import annotations

import datetime as dt
import io
from itertools import zip_longest
from typing import Any

import pyarrow as pa
from python_calamine import CalamineError, CalamineWorkbook

from cbms.errors import ING_010, ING_013, ING_028, ING_029, ING_030, CbmsError
from cbms.form.layout import ROOT, layout_of, level_name
from cbms.form.spec import FormSpec
from cbms.ingest.columns import map_columns, mark_absent, normalise
from cbms.ingest.files import Bundle
from cbms.ingest.model import Export, child_key
from cbms.ingest.text import unique_names
from cbms.ingest.xlsx_size import WorkbookCheck

SHEET_NAME_LIMIT = 31  # Excel's limit: KoBo truncates repeat names to it
KOBO_XLSX_META = ("_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
                  "_submitted_by", "__version__", "_tags", "_index", "_parent_table_name", "_parent_index",
                  "meta/rootUuid", "meta/deprecatedID")


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_rows(workbook: CalamineWorkbook, name: str, where: str) -> tuple[list[str], list[list[str | None]]]:
    try:
        values = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise CbmsError(ING_028, path=where, sheet=name, reason=" ".join(str(exc).split())) from exc
    if not values:
        return [], []
    header = [str(h) if h is not None else "" for h in values[0]]
    # text cells, nearly all of them, are taken as they are: no call per cell (26 million at 100,000 households)
    rows = [[(v or None) if type(v) is str else (None if v is None else _text(v)) for v in row]
            for row in values[1:] if any(v not in (None, "") for v in row)]
    return header, rows


def read_kobo_xlsx(bundle: Bundle, form: FormSpec) -> Export:
    """Read a KoBo XLSX export into raw tables, rebuilding Central-style keys from the parent links."""
    (name, data), = bundle.files.items()
    where = str(bundle.path)
    with WorkbookCheck(where, data) as check:  # each sheet proven readable before calamine parses it
        return _read(bundle, form, name, data, where, check)


def _read(bundle: Bundle, form: FormSpec, name: str, data: bytes, where: str, check: WorkbookCheck) -> Export:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except CalamineError as exc:
        raise CbmsError(ING_029, path=where, reason=" ".join(str(exc).split())) from exc
    sheets = list(workbook.sheet_names)
    if not sheets:
        raise CbmsError(ING_030, path=where)
    by_sheet = {sheets[0]: ROOT}
    for sheet in sheets[1:]:
        repeat = next((r for r in form.repeats if r.name[:SHEET_NAME_LIMIT] == sheet), None)
        if repeat is None:
            raise CbmsError(ING_013, path=where, name=sheet)
        by_sheet[sheet] = level_name(repeat.name)
    keys: dict[tuple[str, str], tuple[str, str]] = {}  # (sheet, _index) -> (row key, submission key)
    tables: dict[str, pa.Table] = {}
    for sheet in sheets:
        level = by_sheet[sheet]
        check.sheet(sheet)
        header, rows = _sheet_rows(workbook, sheet, where)
        if "_index" not in header:
            raise CbmsError(ING_010, path=f"{where}:{sheet}", column="_index")
        col = {h: i for i, h in enumerate(header)}
        head: dict[str, list[Any]] = {k: [] for k in (
            "_submission_key", "_version_id", "_row_key", "_parent_key", "_submitted_at", "_deprecated_id",
            "_row_number")}
        siblings: dict[str, int] = {}
        for number, row in enumerate(rows, start=1):
            index = row[col["_index"]] or str(number)

            def get(column: str, row: list[str | None] = row, col: dict[str, int] = col) -> str | None:
                return row[col[column]] if column in col else None

            if level == ROOT:
                uuid = get("_uuid")
                version = get("meta/instanceID") or (f"uuid:{uuid}" if uuid else None)
                submission = get("meta/rootUuid") or version or f"row:{number}"
                row_key, parent_key = submission, None
                head["_version_id"].append(version or submission)
                head["_submitted_at"].append(get("_submission_time"))
                head["_deprecated_id"].append(get("meta/deprecatedID"))
            else:
                parent = (get("_parent_table_name") or "", get("_parent_index") or "")
                parent_key, submission = keys.get(parent) or (
                    f"missing:{parent[0]}[{parent[1]}]", f"uuid:{get('_submission__uuid')}")
                # counted per parent ROW: a submission sent twice gives its children the same keys twice
                sibling = f"{parent[0]}[{parent[1]}]"
                position = siblings[sibling] = siblings.get(sibling, 0) + 1
                parent_level = by_sheet.get(parent[0], ROOT)
                relative = layout_of(form).repeat_root(level)[len(layout_of(form).repeat_root(parent_level)):]
                row_key = child_key(parent_key, relative, position)
                head["_version_id"].append(None)
                head["_submitted_at"].append(None)
                head["_deprecated_id"].append(None)
            keys[(sheet, index)] = (row_key, submission)
            head["_submission_key"].append(submission)
            head["_row_key"].append(row_key)
            head["_parent_key"].append(parent_key)
            head["_row_number"].append(number)
        names = unique_names(header)
        columns = list(zip_longest(*rows)) if rows else [() for _ in names]  # rows -> columns, in C
        table = pa.table({n: pa.array(columns[i] if i < len(columns) else [None] * len(rows), pa.string())
                          for i, n in enumerate(names)})
        meta = tuple(c for c in names if c in KOBO_XLSX_META or c.startswith("_submission_"))
        mapping = map_columns(form, level, names, meta)
        arrays = {k: pa.array(v, pa.int64() if k == "_row_number" else pa.string()) for k, v in head.items()}
        arrays["_source_file"] = pa.array([name] * len(rows), pa.string())
        tables[level] = normalise(form, level, table, mapping, arrays, header=True)
    tables[ROOT] = mark_absent(tables)
    return Export("kobo-xlsx", None, bundle.sources, tables)

