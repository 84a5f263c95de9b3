"""Write a census as KoBoToolbox API v2 data pages (`/api/v2/assets/{uid}/data/?format=json`).

Shape (fixtures kobo_api_v2/*.data.json; robotoolbox): `{count, next, previous, results}`; each result is
the submission flattened by full path with `/` (`ident/sector`), every answer as text, unanswered items
left out, repeats as lists of objects keyed by full path (`member/basic/age`), then Kobo's own keys:
`_id`, `formhub/uuid`, `__version__`, `meta/instanceID`, `_xform_id_string`, `_uuid`, `_attachments`,
`_status`, `_geolocation`, `_submission_time`, `_tags`, `_notes`, `_validation_status`, `_submitted_by`,
`meta/rootUuid`. An edit changes `_uuid` and `meta/instanceID` (with `meta/deprecatedID`) and keeps
`meta/rootUuid` and `_id`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cbms.demo.answers import Census, instance_items, rows_by_parent
from cbms.demo.pages import write_pages
from cbms.form.spec import Repeat

PAGE = 10_000
SERVER = "https://kf.kobotoolbox.org/api/v2/assets"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
META_FIELDS = ("instanceID", "instanceName")


@dataclass(frozen=True, slots=True)
class KoboIds:
    """The identifiers a KoBoToolbox project gives: asset uid, deployed version, formhub uuid, first _id."""

    asset_uid: str
    version_id: str
    formhub_uuid: str
    first_id: int


def kobo_ids(seed: int, round_: int = 1) -> KoboIds:
    """Identifiers derived from the seed (same seed, same export). A later round is the same project (asset,
    formhub uuid) redeployed with the revised form: a version uid of its own, and `_id`s the server reached since."""
    rng = np.random.default_rng([seed, 0x6B6F626F])
    letters = np.array(list(_ALNUM))
    asset_uid = "a" + "".join(letters[rng.integers(0, len(letters), 21)])
    version_id = "v" + "".join(letters[rng.integers(0, len(letters), 21)])
    formhub_uuid = bytes(rng.integers(0, 256, 16, dtype=np.uint8)).hex()
    first_id = int(400_000_000 + rng.integers(0, 50_000_000))
    for _ in range(1, round_):
        version_id = "v" + "".join(letters[rng.integers(0, len(letters), 21)])
        first_id += int(60_000_000 + rng.integers(0, 20_000_000))  # two years of the whole server's submissions
    return KoboIds(asset_uid=asset_uid, version_id=version_id, formhub_uuid=formhub_uuid, first_id=first_id)


def kobo_time(utc: str) -> str:
    """Kobo's `_submission_time`: UTC to the second, no zone suffix."""
    return utc[:19]


def kobo_username(enumerator: str) -> str:
    return f"ves_{enumerator.lower()}"


def _segments(census: Census, repeat: str | None) -> list[tuple[list[str], list[np.ndarray]] | Repeat]:
    """One level's columns in instance order, cut where a child repeat sits (Kobo nests it there)."""
    spec = census.spec
    d = census.levels[repeat].data
    out: list[tuple[list[str], list[np.ndarray]] | Repeat] = [([], [])]
    for item in instance_items(spec, repeat, notes=False):
        if isinstance(item, Repeat):
            if item.name in census.levels:
                out += [item, ([], [])]
            continue
        if repeat is None and item.path[0] == "meta":
            continue  # written with Kobo's own keys below
        keys, cols = out[-1]  # type: ignore[misc]
        keys.append(item.xpath)
        cols.append(d[item.xpath].to_numpy(object) if item.xpath in d else np.full(len(d), None, dtype=object))
    return out


def _fill(obj: dict[str, Any], keys: list[str], values: tuple[Any, ...]) -> None:
    """Add the answered items (Kobo leaves unanswered ones out)."""
    for k, v in zip(keys, values, strict=True):
        if v is not None:
            obj[k] = v


def results(census: Census, ids: KoboIds, offset: int = 0) -> Iterator[dict[str, Any]]:
    """Every submission as one `results` item of the API, one at a time (a page holds PAGE of them); `offset` is
    how many submissions earlier chunks of the census held."""
    spec = census.spec
    meta = {c: census.meta[c].to_numpy(object) for c in census.meta.columns}
    n = len(census.root.data)
    groups: dict[str, tuple[list[str], list[np.ndarray], np.ndarray, np.ndarray]] = {}
    for rep in spec.repeats:
        if rep.name not in census.levels or rep.parent is not None:
            continue
        d = census.levels[rep.name].data
        first = _segments(census, rep.name)[0]  # one level of repeats: no child segments
        assert not isinstance(first, Repeat)
        keys, cols = first
        groups[rep.name] = (keys, cols, *rows_by_parent(d["__parent"].to_numpy(), n))

    def children(name: str, parent: int) -> list[dict[str, Any]]:
        keys, cols, order, starts = groups[name]
        rows = []
        for j in order[starts[parent]:starts[parent + 1]]:
            row: dict[str, Any] = {}
            _fill(row, keys, tuple(c[j] for c in cols))
            rows.append(row)
        return rows

    segments = _segments(census, None)
    row_iters = [zip(*seg[1], strict=True) if not isinstance(seg, Repeat) and seg[1] else None
                 for seg in segments]
    gps_q = next((q for q in census.root.questions if q.type == "geopoint"), None)
    gps = census.root.data[gps_q.xpath].to_numpy(object) if gps_q else np.full(n, None)
    name_col = next((q.xpath for q in census.root.questions if q.path == ("meta", "instanceName")), None)
    names = census.root.data[name_col].to_numpy(object) if name_col else np.full(n, None)
    for i in range(n):
        obj: dict[str, Any] = {"_id": ids.first_id + offset + i, "formhub/uuid": ids.formhub_uuid}
        for seg, it in zip(segments, row_iters, strict=True):
            if isinstance(seg, Repeat):
                rows = children(seg.name, i)
                if rows:
                    obj["/".join(seg.path)] = rows
            elif it is not None:
                _fill(obj, seg[0], next(it))
        instance = str(meta["__instance"][i])
        obj["__version__"] = ids.version_id
        obj["meta/instanceID"] = instance
        if names[i] is not None:
            obj["meta/instanceName"] = names[i]
        if meta["__deprecated"][i] is not None:
            obj["meta/deprecatedID"] = meta["__deprecated"][i]
        point: list[float | None] = [None, None]
        if gps[i] is not None:
            lat, lon = str(gps[i]).split()[:2]
            point = [float(lat), float(lon)]
        obj |= {
            "_xform_id_string": ids.asset_uid,
            "_uuid": instance.removeprefix("uuid:"),
            "_attachments": [],
            "_status": "submitted_via_web",
            "_geolocation": point,
            "_submission_time": kobo_time(str(meta["__submitted"][i])),
            "_tags": [],
            "_notes": [],
            "_validation_status": {},
            "_submitted_by": kobo_username(str(meta["__enumerator"][i])),
            "meta/rootUuid": meta["__key"][i],
        }
        yield obj


def write_kobo_json(censuses: Iterable[Census], out: Path, seed: int, round_: int = 1) -> tuple[Path, ...]:
    """Write `data-0001.json`, ... : the API's pages of `limit=PAGE` records, from a census made in chunks."""
    ids = kobo_ids(seed, round_)

    def rows() -> Iterator[dict[str, Any]]:
        offset = 0
        for census in censuses:
            yield from results(census, ids, offset)
            offset += len(census.root.data)
            del census  # not kept while the next chunk is made

    base = f"{SERVER}/{ids.asset_uid}/data/?format=json&limit={PAGE}"

    def head(p: int, pages: int, count: int) -> dict[str, Any]:
        return {
            "count": count,
            "next": f"{base}&start={(p + 1) * PAGE}" if p + 1 < pages else None,
            "previous": (f"{base}&start={(p - 1) * PAGE}" if p > 1 else base) if p > 0 else None,
        }

    return write_pages(rows(), PAGE, lambda p: out / f"data-{p + 1:04d}.json", "results", head)
