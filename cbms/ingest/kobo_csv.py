"""KoBoToolbox's CSV export: the main sheet only (`;` or `,`, group paths joined by `/`, select_multiple as codes
plus 0/1 columns). It carries no repeat group, so a form with repeats (a household roster) is refused with a
pointer to the exports that carry them; a form without repeats is read whole."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cbms.errors import ING_040, CbmsError
from cbms.form.layout import ROOT
from cbms.form.spec import FormSpec
from cbms.ingest.columns import map_columns, mark_absent, normalise
from cbms.ingest.files import Bundle
from cbms.ingest.kobo_xlsx import KOBO_XLSX_META
from cbms.ingest.model import Export

STRING = pa.string()


def _column(table: pa.Table, name: str) -> pa.ChunkedArray:
    return table.column(name) if name in table.column_names else pa.chunked_array([pa.nulls(table.num_rows, STRING)])


def read_kobo_csv(bundle: Bundle, form: FormSpec) -> Export:
    """Read the one CSV of a KoBo CSV export into the root table, keyed as KoBo keys survive edits."""
    from cbms.ingest.text import read_csv_text

    if form.repeats:
        raise CbmsError(ING_040, path=bundle.path, repeats=", ".join(r.name for r in form.repeats))
    (name, data), = bundle.files.items()
    parsed = read_csv_text(bundle.path, name, data)
    table = parsed.table
    rows = table.num_rows
    uuid = _column(table, "_uuid")
    instance = pc.coalesce(_column(table, "meta/instanceID"),
                           pc.binary_join_element_wise("uuid:", uuid, ""))
    submission = pc.coalesce(_column(table, "meta/rootUuid"), instance,
                             pa.array([f"row:{n}" for n in range(1, rows + 1)], STRING))
    head = {"_submission_key": submission, "_row_key": submission, "_version_id": pc.coalesce(instance, submission),
            "_submitted_at": _column(table, "_submission_time"), "_deprecated_id": _column(table, "meta/deprecatedID"),
            "_source_file": pa.repeat(pa.scalar(name, STRING), rows),
            "_row_number": pa.array(np.arange(1, rows + 1, dtype=np.int64))}
    meta = tuple(c for c in table.column_names if c in KOBO_XLSX_META or c.startswith("_submission_"))
    mapping = map_columns(form, ROOT, table.column_names, meta)
    root = normalise(form, ROOT, table, mapping, head, blanks_are_null=True, header=True)
    root = mark_absent({ROOT: root})
    return Export("kobo-csv", None, bundle.sources, {ROOT: root}, warnings=parsed.notices)
