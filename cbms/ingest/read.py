"""read_exports: any supported export (format detected from its content) -> Export tables for the form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow.compute as pc

from cbms.errors import ING_007, ING_008, ING_026, CbmsError
from cbms.form.layout import ROOT, layout_of
from cbms.form.spec import FormSpec
from cbms.ingest.files import Bundle, open_export
from cbms.ingest.model import Export, column_batches, row_count

Reader = Callable[[Bundle, FormSpec], Export]


def _readers() -> dict[str, Reader]:
    from cbms.ingest.kobo_csv import read_kobo_csv
    from cbms.ingest.kobo_json import read_kobo_json
    from cbms.ingest.kobo_xlsx import read_kobo_xlsx
    from cbms.ingest.odk_csv import read_central_csv
    from cbms.ingest.odk_odata import read_central_odata

    return {"odk-csv": read_central_csv, "odk-odata": read_central_odata,
            "kobo-json": read_kobo_json, "kobo-xlsx": read_kobo_xlsx, "kobo-csv": read_kobo_csv}


def read_export(path: Path | str, form: FormSpec) -> Export:
    """Read one export (a file or a folder) for `form`, refusing one that belongs to another form."""
    path = Path(path)
    bundle = open_export(path)
    export = _readers()[bundle.format](bundle, form)
    root = export.tables.get(ROOT)
    if root is None or row_count(root) == 0:  # loading nothing is never what was meant: say so, load nothing
        raise CbmsError(ING_026, path=path)
    if export.form_id and form.form_id and export.form_id != form.form_id:
        raise CbmsError(ING_007, path=path, found=export.form_id, expected=form.form_id)
    _check_overlap(path, export, form)
    single = len(bundle.sources) == 1
    source_of = {}
    for level_table in export.tables.values():
        names = dict.fromkeys(n for chunk in column_batches(level_table, "_source_file")
                              for n in pc.unique(chunk).to_pylist())  # in the order they come
        for name in names:
            source = bundle.sources[0] if single else next(
                (s for s in bundle.sources if s.path.name == name), bundle.sources[0])
            display = f"{source.path}" if source.path.name == name else f"{source.path}/{name}"
            source_of[name] = (display, source.sha256)
    return Export(export.format, export.form_id, export.sources, export.tables, export.warnings, source_of,
                  export.scratch)


def read_exports(paths: Iterable[Path | str], form: FormSpec) -> list[Export]:
    """Read several exports; the first bad one stops everything before anything is stored."""
    return [read_export(p, form) for p in paths]


def _check_overlap(path: Path, export: Export, form: FormSpec) -> None:
    """An export none of whose answer columns belongs to the form is another form's export."""
    root = export.tables.get(ROOT)
    fields = [f for f in layout_of(form).fields[ROOT] if f != "instanceID"]
    if root is None or row_count(root) == 0 or not fields:
        return
    if not any(chunk.null_count < len(chunk) for f in fields for chunk in column_batches(root, f)):
        raise CbmsError(ING_008, path=path, form=form.form_id)
