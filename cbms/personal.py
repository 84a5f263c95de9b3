"""Personal data out of every shared file: the declaration (schemas/personal_data.yaml) and the scrubbing of the
texts a file carries, so that a declared item's value is neither a value nor a quote inside a message."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

import duckdb
import yaml

from cbms.config import ROOT

PERSONAL_DATA = ROOT / "schemas" / "personal_data.yaml"
MASKS = {"es": "[dato personal]", "en": "[personal data]"}
SHORTEST = 2  # a one-character answer ("1", "a") is no one's identity, and would mask every digit of a message


def personal_items(path: Path = PERSONAL_DATA) -> tuple[str, ...]:
    """The items declared as personal data (never in a file that leaves the supervisors' hands)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return tuple(str(x) for x in data.get("personal", []))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def personal_values(con: duckdb.DuckDBPyConnection, keys: Iterable[str],
                    items: Collection[str]) -> dict[str, set[str]]:
    """Submission key -> every value a personal item takes in that household's rows (its members' and deaths'
    too), for the submissions `keys` only."""
    wanted = sorted({k for k in keys if k})
    found: dict[str, set[str]] = {key: set() for key in wanted}
    if not wanted:
        return found
    columns = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'raw' "
        "AND list_contains(?, column_name) AND table_name <> 'submission_versions'", [list(items)]).fetchall()
    for table, column in columns:
        rows = con.execute(
            f"SELECT _submission_key, CAST({_quote(column)} AS VARCHAR) FROM raw.{_quote(table)} "
            f"WHERE {_quote(column)} IS NOT NULL AND list_contains(?, _submission_key)", [wanted]).fetchall()
        for key, value in rows:
            for text in (value, value.strip()):
                if len(text) >= SHORTEST:
                    found[key].add(text)
    return found


def scrub(text: str | None, values: Collection[str], mask: str) -> str | None:
    """`text` with every personal value in it replaced by `mask` (longest first: a name before its first part)."""
    if not text:
        return text
    for value in sorted(values, key=len, reverse=True):
        text = text.replace(value, mask)
    return text


def scrub_rows(rows: Iterable[Mapping[str, object]], values: Mapping[str, Collection[str]],
               items: Collection[str]) -> list[dict[str, object]]:
    """Issue rows safe to share: `value` empty where its item is personal or it holds a personal value; the messages
    with every personal value of the row's household masked."""
    safe = []
    for row in rows:
        known = values.get(str(row.get("submission_key") or ""), set())
        out = dict(row)
        value = out.get("value")
        if out.get("column") in items or (isinstance(value, str) and scrub(value, known, "") != value):
            out["value"] = None
        for lang, mask in MASKS.items():
            message = out.get(f"message_{lang}")
            out[f"message_{lang}"] = scrub(message, known, mask) if isinstance(message, str) else message
        safe.append(out)
    return safe
