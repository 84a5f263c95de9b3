"""ODK Central's CSV export (zip or folder): `{formId}.csv` plus `{formId}-{repeat}.csv` per repeat.

A member too big to hold (a spilled zip, see cbms.ingest.files) is parsed a block at a time and each level staged
as Parquet in the export's scratch folder; the rows are those the in-memory reading gives, in the same order."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from cbms.errors import ING_009, ING_010, ING_013, ING_022, CbmsError
from cbms.form.layout import ROOT, level_name
from cbms.form.spec import FormSpec
from cbms.ingest.columns import map_columns, mark_absent, normalise
from cbms.ingest.files import Bundle
from cbms.ingest.model import CENTRAL_META, ORDER, Export, Table, column_batches, first_rows, row_count
from cbms.ingest.text import CsvStream, CsvText

_REPEAT_FILE = re.compile(r"^(?P<form>.+?)-(?P<repeat>[^-]+?)(~\d+)?\.csv$", re.IGNORECASE)


def read_central_csv(bundle: Bundle, form: FormSpec) -> Export:
    """Read every CSV of a Central export into raw tables keyed by KEY / PARENT_KEY."""
    from cbms.ingest.text import read_csv_text, stream_csv_text

    parsed: dict[str, CsvText | CsvStream] = {}
    for name, data in bundle.files.items():
        spilled = bundle.spilled.get(name)
        parsed[name] = (stream_csv_text(bundle.path, name, spilled) if spilled else None) or read_csv_text(
            bundle.path, name, spilled.read_bytes() if spilled else data)
    roots = [n for n, p in parsed.items() if "KEY" in p.header and "PARENT_KEY" not in p.header]
    if len(roots) != 1:
        raise CbmsError(ING_022, path=bundle.path, count=len(roots))
    root_name = roots[0]
    form_id = root_name.rsplit(".", 1)[0]
    repeats = {r.name: r for r in form.repeats}
    levels: dict[str, str] = {}
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
        levels[name] = level
    # which of the form's fields each file lacks is in its header: known before any row is read
    headers = {levels[name]: _level_table(form, levels[name], name, _empty(text.header))
               for name, text in parsed.items()}
    tables: dict[str, Table] = {}
    for name, text in parsed.items():
        level = levels[name]
        if isinstance(text, CsvText):
            tables[level] = _level_table(form, level, name, text.table)
            continue
        staged = _stage(form, level, name, text, headers, Path(bundle.scratch.name)) \
            if bundle.scratch is not None else None
        if staged is None:  # the careful reading of the whole file: it mends or locates what streaming refused
            careful = read_csv_text(bundle.path, name, text.path.read_bytes())
            notices += tuple(n for n in careful.notices if n not in text.notices)
            tables[level] = _level_table(form, level, name, careful.table)
            continue
        tables[level] = staged
    if isinstance(tables[ROOT], pa.Table):
        tables[ROOT] = mark_absent({**headers, ROOT: tables[ROOT]})
    check_parents(str(bundle.path), tables, form)
    return Export("odk-csv", form_id, bundle.sources, tables, warnings=notices, scratch=bundle.scratch)


def _empty(header: tuple[str, ...]) -> pa.Table:
    return pa.table({c: pa.array([], pa.string()) for c in header})


def _stage(form: FormSpec, level: str, source: str, text: CsvStream, headers: Mapping[str, pa.Table],
           scratch: Path) -> ds.Dataset | None:
    """A level's rows normalised a batch at a time into `scratch`/<level>.parquet, with their order in `_ord`; None
    when the file needs the careful reading (pyarrow refused a block: see CsvStream)."""
    target = scratch / f"{level}.parquet"
    writer: pq.ParquetWriter | None = None
    first = 0
    try:
        for batch in text.batches():
            table = _level_table(form, level, source, pa.Table.from_batches([batch]), first)
            if level == ROOT:
                table = mark_absent({**headers, ROOT: table})
            table = table.append_column(ORDER, pa.array(np.arange(first, first + table.num_rows, dtype=np.int64)))
            if writer is None:
                writer = pq.ParquetWriter(target, table.schema)
            writer.write_table(table.cast(writer.schema))
            first += table.num_rows
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        if writer is not None:
            writer.close()
        target.unlink(missing_ok=True)
        return None
    if writer is None:  # a header and no rows
        table = _level_table(form, level, source, _empty(text.header))
        if level == ROOT:
            table = mark_absent({**headers, ROOT: table})
        writer = pq.ParquetWriter(target, table.append_column(ORDER, pa.array([], pa.int64())).schema)
    writer.close()
    return ds.dataset(target, format="parquet")


def _level_table(form: FormSpec, level: str, source: str, table: pa.Table, first: int = 0) -> pa.Table:
    """A level's rows (`first` rows of its file before these) in the raw layout."""
    rows = table.num_rows
    key = table.column("KEY")
    meta = (*CENTRAL_META, "KEY", "PARENT_KEY")
    mapping = map_columns(form, level, [c for c in table.column_names if c not in ("KEY", "PARENT_KEY")],
                          meta, separators="-/")
    head: dict[str, pa.Array] = {
        "_row_key": key,
        "_source_file": pa.repeat(pa.scalar(source, pa.string()), rows),
        "_row_number": pa.array(np.arange(first + 1, first + rows + 1, dtype=np.int64)),
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


def check_parents(path: str, tables: Mapping[str, Table], form: FormSpec) -> None:
    """A repeat file none of whose rows finds its parent is from another export: refuse it."""
    for repeat in form.repeats:
        child = tables.get(repeat.name)
        parent = tables.get(level_name(repeat.parent))
        if child is None or parent is None or row_count(child) == 0:
            continue
        parents = pa.chunked_array(list(column_batches(parent, "_row_key")), pa.string()).combine_chunks()
        # the first rows nearly always find their parent: look at all of them only when those do not
        first = first_rows(child, 1000, ["_parent_key", "_source_file"])
        if not any(pc.any(pc.is_in(rows, value_set=parents)).as_py()
                   for rows in (first.column(0), *column_batches(child, "_parent_key"))):
            example = first.column(0)[0].as_py()
            source = first.column(1)[0].as_py()
            raise CbmsError(ING_009, path=f"{path}:{source}", rows=row_count(child), example=example)
