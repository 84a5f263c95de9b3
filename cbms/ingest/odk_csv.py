"""ODK Central's CSV export (zip or folder): `{formId}.csv` plus `{formId}-{repeat}.csv` per repeat."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cbms.errors import ING_009, ING_010, ING_013, ING_022, CbmsError
from cbms.form.layout import ROOT, level_name
from cbms.form.spec import FormSpec
from cbms.ingest.columns import map_columns, mark_absent, normalise
from cbms.ingest.files import Bundle
from cbms.ingest.model import CENTRAL_META, Export

_REPEAT_FILE = re.compile(r"^(?P<form>.+?)-(?P<repeat>[^-]+?)(~\d+)?\.csv$", re.IGNORECASE)


def read_central_csv(bundle: Bundle, form: FormSpec) -> Export:
    """Read every CSV of a Central export into raw tables keyed by KEY / PARENT_KEY."""
    from cbms.ingest.text import read_csv_text

    parsed = {name: read_csv_text(bundle.path, name, data) for name, data in bundle.files.items()}
    roots = [n for n, p in parsed.items() if "KEY" in p.header and "PARENT_KEY" not in p.header]
    if len(roots) != 1:
        raise CbmsError(ING_022, path=bundle.path, count=len(roots))
    root_name = roots[0]
    form_id = root_name.rsplit(".", 1)[0]
    repeats = {r.name: r for r in form.repeats}
    tables: dict[str, pa.Table] = {}
    notices = tuple(n for p in parsed.values() for n in p.notices)
    for name, text in parsed.items():
        if name == root_name:
            level = ROOT
        else:
            match = _REPEAT_FILE.match(name)
            if not match or match.group("repeat") not in repeats or "PARENT_KEY" not in text.header:
                raise CbmsError(ING_013, path=bundle.path, name=name)
            level = level_name(repeats[match.group("repeat")].name)
        if "KEY" not in text.header:
            raise CbmsError(ING_010, path=f"{bundle.path}:{name}", column="KEY")
        tables[level] = _level_table(form, level, name, text.table)
    tables[ROOT] = mark_absent(tables)
    check_parents(str(bundle.path), tables, form)
    return Export("odk-csv", form_id, bundle.sources, tables,
                  warnings=notices)


def _level_table(form: FormSpec, level: str, source: str, table: pa.Table) -> pa.Table:
    rows = table.num_rows
    key = table.column("KEY")
    meta = (*CENTRAL_META, "KEY", "PARENT_KEY")
    mapping = map_columns(form, level, [c for c in table.column_names if c not in ("KEY", "PARENT_KEY")],
                          meta, separators="-/")
    head: dict[str, pa.Array] = {
        "_row_key": key,
        "_source_file": pa.repeat(pa.scalar(source, pa.string()), rows),
        "_row_number": pa.array(np.arange(1, rows + 1, dtype=np.int64)),
    }
    if level == ROOT:
        instance = next((c for c, raw in mapping.fields.items() if raw == "instanceID"), None)
        head["_submission_key"] = key
        head["_version_id"] = pc.coalesce(table.column(instance), key) if instance else key
        for column, target in (("SubmissionDate", "_submitted_at"), ("Edits", "_edits")):
            if column in table.column_names:
                head[target] = table.column(column)
        deprecated = next((c for c in table.column_names if c.endswith("deprecatedID")), None)
        if deprecated:
            head["_deprecated_id"] = table.column(deprecated)
    else:
        head["_parent_key"] = table.column("PARENT_KEY")
        head["_submission_key"] = _prefix(key)
    answers = table.drop_columns([c for c in ("KEY", "PARENT_KEY") if c in table.column_names])
    return normalise(form, level, answers, mapping, head, blanks_are_null=True, header=True)


def _prefix(keys: pa.ChunkedArray) -> pa.ChunkedArray:
    """`uuid:abc/member[2]` -> `uuid:abc`: the submission a repeat row belongs to."""
    return pc.list_element(pc.split_pattern(keys, "/", max_splits=1), 0)


def check_parents(path: str, tables: dict[str, pa.Table], form: FormSpec) -> None:
    """A repeat file none of whose rows finds its parent is from another export: refuse it."""
    for repeat in form.repeats:
        child = tables.get(repeat.name)
        parent = tables.get(level_name(repeat.parent))
        if child is None or parent is None or child.num_rows == 0:
            continue
        parents = parent.column("_row_key").combine_chunks()
        # the first rows nearly always find their parent: look at all of them only when those do not
        if not any(pc.any(pc.is_in(rows, value_set=parents)).as_py()
                   for rows in (child.column("_parent_key").slice(0, 1000), child.column("_parent_key"))):
            example = child.column("_parent_key")[0].as_py()
            raise CbmsError(ING_009, path=f"{path}:{child.column('_source_file')[0].as_py()}",
                            rows=child.num_rows, example=example)
