"""KoBoToolbox API v2 data pages (`count/next/previous/results`): flat records keyed by full path, repeats
as lists of records; `meta/rootUuid` is the submission key that survives edits."""

from __future__ import annotations

import json
from typing import Any

from cbms.errors import ING_003, CbmsError
from cbms.form.spec import FormSpec
from cbms.ingest.files import Bundle
from cbms.ingest.model import ROOT, Export
from cbms.ingest.nested import Collector, as_text

KOBO_META = ("_id", "_uuid", "_submission_time", "_status", "_submitted_by", "_validation_status",
             "_attachments", "_geolocation", "_tags", "_notes", "_xform_id_string", "__version__",
             "formhub/uuid", "meta/rootUuid", "meta/deprecatedID")


def submission_key(record: dict[str, Any]) -> str:
    """The id that survives edits: meta/rootUuid, else the first instanceID, else `uuid:` + _uuid."""
    for field in ("meta/rootUuid", "meta/instanceID"):
        value = as_text(record.get(field))
        if value:
            return value
    return f"uuid:{record.get('_uuid')}"


def _walk(collector: Collector, record: dict[str, Any], level: str, row_key: str, submission: str,
          source: str) -> dict[str, str | None]:
    row: dict[str, str | None] = {}
    for name, value in record.items():
        if type(value) is str:  # most KoBo answers are text: no call for them
            row[name] = value or None
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            child_level = collector.repeat_level(name)
            for position, item in enumerate(value, start=1):
                key = collector.key(row_key, child_level, level, position)
                child = _walk(collector, item, child_level, key, submission, source)
                rows = collector.levels[child_level]
                rows.add(child, _submission_key=submission, _row_key=key, _parent_key=row_key,
                         _source_file=source, _row_number=len(rows.rows) + 1)
        else:
            row[name] = as_text(value)
    return row


def read_kobo_json(bundle: Bundle, form: FormSpec) -> Export:
    """Read every data page of a KoBo API v2 export into raw tables."""
    collector = Collector(form, str(bundle.path))
    for name, data in sorted(bundle.files.items()):
        try:
            page = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CbmsError(ING_003, path=f"{bundle.path}:{name}", reason=f"JSON {exc}") from exc
        if isinstance(page, dict) and "content" in page and "uid" in page:
            continue  # the asset JSON that travels with the pages
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise CbmsError(ING_003, path=f"{bundle.path}:{name}",
                            reason="una página sin la lista 'results' / a page without the 'results' list")
        for record in page["results"]:
            key = submission_key(record)
            row = _walk(collector, record, ROOT, key, key, name)
            rows = collector.levels[ROOT]
            rows.add(row, _submission_key=key, _version_id=as_text(record.get("meta/instanceID")) or key,
                     _row_key=key, _submitted_at=as_text(record.get("_submission_time")),
                     _deprecated_id=as_text(record.get("meta/deprecatedID")), _source_file=name,
                     _row_number=len(rows.rows) + 1)
    return Export("kobo-json", None, bundle.sources, collector.tables(KOBO_META))
