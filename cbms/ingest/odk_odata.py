"""ODK Central's OData export with `$expand=*`: one JSON (or several pages) of nested submissions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cbms.errors import ING_014, ING_019, ING_023, ING_024, CbmsError
from cbms.form.layout import ROOT
from cbms.form.spec import FormSpec
from cbms.ingest.files import JSON_DEPTH, Bundle, located, parse_json
from cbms.ingest.model import Export
from cbms.ingest.nested import Collector, as_text, excerpt

_FORM_IN_CONTEXT = re.compile(r"/forms/([^/]+?)\.svc")
SYSTEM = ("__id", "__system")
SYSTEM_FIELDS = ("submissionDate", "updatedAt", "deletedAt", "submitterId", "submitterName", "attachmentsPresent",
                 "attachmentsExpected", "status", "reviewState", "deviceId", "edits", "formVersion")


def _geopoint(value: dict[str, Any]) -> str | None:
    """GeoJSON Point -> ODK's `lat lon alt acc` text (anything else in its place is kept as JSON)."""
    coords, properties = value.get("coordinates"), value.get("properties")
    if not isinstance(coords, list) or not all(type(c) in (int, float) for c in coords):
        return as_text(value)
    if len(coords) < 2:
        return None
    lon, lat = coords[0], coords[1]
    alt = coords[2] if len(coords) > 2 else 0
    accuracy = properties.get("accuracy", 0) if isinstance(properties, dict) else 0
    return " ".join(as_text(v) or "0" for v in (lat, lon, alt, accuracy))


def _walk(collector: Collector, node: dict[str, Any], level: str, prefix: str, row: dict[str, str | None],
          row_key: str, submission: str, source: str, depth: int = 1) -> None:
    """Copy a node's answers into `row` (group paths joined by '/'); recurse into groups and repeats."""
    if depth > JSON_DEPTH:
        raise CbmsError(ING_014, path=located(Path(collector.where), source), limit=JSON_DEPTH)
    for name, value in node.items():
        if name in SYSTEM:
            continue
        kind = type(value)
        if kind is str:  # most answers, tested first (this loop runs ~20 million times for 100,000 households)
            if not name.endswith("@odata.navigationLink"):
                row[prefix + name] = value or None
        elif value is None:  # not asked: a missing key reads as empty all the same
            continue
        elif kind is int:
            row[prefix + name] = str(value)
        elif kind is dict:
            if value.get("type") == "Point":
                row[prefix + name] = _geopoint(value)
            else:
                _walk(collector, value, level, f"{prefix}{name}/", row, row_key, submission, source, depth + 1)
        elif kind is list:
            child_level = collector.repeat_level(name)
            rows = collector.levels[child_level]
            for position, item in enumerate(value, start=1):
                if type(item) is not dict:
                    raise CbmsError(ING_023, path=located(Path(collector.where), source),
                                    what_es=f"elemento de '{name}'", what_en=f"item of '{name}'", record=position,
                                    value=excerpt(item))
                key = collector.key(row_key, child_level, level, position)
                child: dict[str, str | None] = {"__id": as_text(item.get("__id"))}
                _walk(collector, item, child_level, "", child, key, submission, source, depth + 1)
                rows.add(child, _submission_key=submission, _row_key=key, _parent_key=row_key,
                         _source_file=source, _row_number=rows.count + 1)
        else:
            row[prefix + name] = as_text(value)


def read_central_odata(bundle: Bundle, form: FormSpec) -> Export:
    """Read OData pages (`value` lists) into raw tables; `__id` is the submission key."""
    collector = Collector(form, str(bundle.path))
    form_ids: set[str] = set()
    for name in sorted(bundle.files):
        where = located(bundle.path, name)
        page = parse_json(where, bundle.files.pop(name))  # the page's bytes are let go once parsed
        if not isinstance(page, dict) or not isinstance(page.get("value"), list):
            raise CbmsError(ING_019, path=where, list="value", source="OData (ODK Central)")
        match = _FORM_IN_CONTEXT.search(str(page.get("@odata.context", "")))
        if match:
            form_ids.add(match.group(1))
        try:
            for number, record in enumerate(page["value"], start=1):
                _record(collector, record, number, name, where)
        except RecursionError as exc:  # json.dumps of an answer nested ~1,000 deep (the walk itself stops at 64)
            raise CbmsError(ING_014, path=where, limit=JSON_DEPTH) from exc
        del page  # a page's parsed records go before the next page is parsed (one page in memory, not two)
    meta_columns = (*(f"__system/{k}" for k in SYSTEM_FIELDS), "__id")
    form_id = form_ids.pop() if len(form_ids) == 1 else None
    return Export("odk-odata", form_id, bundle.sources, collector.tables(meta_columns))


def _record(collector: Collector, record: object, number: int, name: str, where: str) -> None:
    """One submission of a page into the root level (and its repeats into theirs)."""
    if type(record) is not dict:
        raise CbmsError(ING_023, path=where, what_es="registro", what_en="record", record=number,
                        value=excerpt(record))
    submission = as_text(record.get("__id"))
    if submission is None:
        raise CbmsError(ING_024, path=where, record=number, key="'__id'")
    system, meta = record.get("__system"), record.get("meta")
    row: dict[str, str | None] = ({f"__system/{k}": as_text(v) for k, v in system.items()}
                                  if isinstance(system, dict) else {"__system": as_text(system)})
    system = system if isinstance(system, dict) else {}
    meta = meta if isinstance(meta, dict) else {}  # a damaged one is kept all the same, as an answer
    _walk(collector, record, ROOT, "", row, submission, submission, name)
    collector.levels[ROOT].add(
        row, _submission_key=submission, _version_id=as_text(meta.get("instanceID")) or submission,
        _row_key=submission, _submitted_at=as_text(system.get("submissionDate")),
        _edits=as_text(system.get("edits")), _deprecated_id=as_text(meta.get("deprecatedID")),
        _source_file=name, _row_number=collector.levels[ROOT].count + 1)
