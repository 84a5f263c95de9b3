"""KoBoToolbox API v2 data pages (`count/next/previous/results`): flat records keyed by full path, repeats
as lists of records; `meta/rootUuid` is the submission key that survives edits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cbms.errors import ING_014, ING_019, ING_023, ING_024, CbmsError
from cbms.form.layout import ROOT
from cbms.form.spec import FormSpec
from cbms.ingest.files import JSON_DEPTH, Bundle, located, parse_json
from cbms.ingest.model import Export
from cbms.ingest.nested import Collector, as_text, excerpt

KOBO_META = ("_id", "_uuid", "_submission_time", "_status", "_submitted_by", "_validation_status",
             "_attachments", "_geolocation", "_tags", "_notes", "_xform_id_string", "__version__",
             "formhub/uuid", "meta/rootUuid", "meta/deprecatedID")


def submission_key(record: dict[str, Any]) -> str | None:
    """The id that survives edits: meta/rootUuid, else the first instanceID, else `uuid:` + _uuid."""
    for field in ("meta/rootUuid", "meta/instanceID"):
        value = as_text(record.get(field))
        if value:
            return value
    uuid = as_text(record.get("_uuid"))
    return f"uuid:{uuid}" if uuid else None


def _is_repeat(collector: Collector, name: str, value: list[Any]) -> bool:
    """A list is a repeat when the form says so, or when it holds records and is not KoBo's own metadata
    (`_attachments`, `_notes`: lists of objects too); an unknown repeat is refused by `repeat_level`."""
    return collector.has_repeat(name) or (
        name not in KOBO_META and not name.startswith("_") and any(isinstance(v, dict) for v in value))


def _walk(collector: Collector, record: dict[str, Any], level: str, row_key: str, submission: str,
          source: str, depth: int = 1) -> dict[str, str | None]:
    if depth > JSON_DEPTH:
        raise CbmsError(ING_014, path=located(Path(collector.where), source), limit=JSON_DEPTH)
    row: dict[str, str | None] = {}
    for name, value in record.items():
        if type(value) is str:  # most KoBo answers are text: no call for them
            row[name] = value or None
        elif type(value) is list and _is_repeat(collector, name, value):
            child_level = collector.repeat_level(name)
            for position, item in enumerate(value, start=1):
                if type(item) is not dict:
                    raise CbmsError(ING_023, path=located(Path(collector.where), source),
                                    what_es=f"elemento de '{name}'", what_en=f"item of '{name}'", record=position,
                                    value=excerpt(item))
                key = collector.key(row_key, child_level, level, position)
                child = _walk(collector, item, child_level, key, submission, source, depth + 1)
                rows = collector.levels[child_level]
                rows.add(child, _submission_key=submission, _row_key=key, _parent_key=row_key,
                         _source_file=source, _row_number=rows.count + 1)
        else:
            row[name] = as_text(value)
    return row


def read_kobo_json(bundle: Bundle, form: FormSpec) -> Export:
    """Read every data page of a KoBo API v2 export into raw tables."""
    collector = Collector(form, str(bundle.path))
    for name in sorted(bundle.files):
        where = located(bundle.path, name)
        page = parse_json(where, bundle.files.pop(name))  # the page's bytes are let go once parsed
        if isinstance(page, dict) and "content" in page and "uid" in page:
            continue  # the asset JSON that travels with the pages
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise CbmsError(ING_019, path=where, list="results", source="KoBoToolbox (API v2)")
        try:
            for number, record in enumerate(page["results"], start=1):
                _record(collector, record, number, name, where)
        except RecursionError as exc:  # json.dumps of an answer nested ~1,000 deep (the walk itself stops at 64)
            raise CbmsError(ING_014, path=where, limit=JSON_DEPTH) from exc
        del page  # a page's parsed records go before the next page is parsed (one page in memory, not two)
    return Export("kobo-json", None, bundle.sources, collector.tables(KOBO_META))


def _record(collector: Collector, record: object, number: int, name: str, where: str) -> None:
    """One submission of a page into the root level (and its repeats into theirs)."""
    if type(record) is not dict:
        raise CbmsError(ING_023, path=where, what_es="registro", what_en="record", record=number,
                        value=excerpt(record))
    key = submission_key(record)
    if key is None:
        raise CbmsError(ING_024, path=where, record=number, key="'meta/rootUuid', 'meta/instanceID', '_uuid'")
    row = _walk(collector, record, ROOT, key, key, name)
    rows = collector.levels[ROOT]
    rows.add(row, _submission_key=key, _version_id=as_text(record.get("meta/instanceID")) or key,
             _row_key=key, _submitted_at=as_text(record.get("_submission_time")),
             _deprecated_id=as_text(record.get("meta/deprecatedID")), _source_file=name,
             _row_number=rows.count + 1)
