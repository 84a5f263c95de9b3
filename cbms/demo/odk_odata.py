"""Write a census as ODK Central's OData feed `Submissions?$expand=*`, in pages a client would fetch.

Shape (central-backend lib/formats/odata.js; fixture odata_doubleRepeat_expand_star.json): each submission
is an object with `__id` (Central's KEY: the first instanceID), `__system` (submission date, submitter,
review state, edits, form version...), the fields in instance order with groups as nested objects, typed
values (numbers for integer/decimal, GeoJSON for a geopoint, null when empty), and each repeat as a list
beside its `<repeat>@odata.navigationLink`; repeat rows carry a 40-hex `__id`. An edited submission keeps
`__id` and shows the new `meta.instanceID` with `meta.deprecatedID` the version it replaced.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbms.demo.answers import Census, instance_items, relative_path, rows_by_parent
from cbms.demo.inject import odata_id
from cbms.demo.pages import write_pages
from cbms.form.spec import Question, Repeat

PAGE = 10_000
SERVER = "https://central.example.org/v1/projects/1/forms"


def _typed(q: Question, values: np.ndarray) -> list[Any]:
    """JSON values of one column, as Central types them."""
    s = pd.Series(values, dtype=object)
    empty = s.isna().to_numpy()
    if q.type == "integer":
        num = pd.to_numeric(s, errors="coerce")
        return [None if e or x != x else int(x) for e, x in zip(empty, num, strict=True)]
    if q.type == "decimal":
        num = pd.to_numeric(s, errors="coerce")
        # JavaScript numbers: a whole decimal prints without ".0"
        return [None if e or x != x else (int(x) if x == int(x) else float(x))
                for e, x in zip(empty, num, strict=True)]
    if q.type == "geopoint":
        out: list[Any] = []
        for e, v in zip(empty, s, strict=True):
            if e:
                out.append(None)
                continue
            lat, lon, alt, acc = (float(p) for p in str(v).split()[:4])
            out.append({"type": "Point", "coordinates": [lon, lat, alt], "properties": {"accuracy": acc}})
        return out
    return [None if e else v for e, v in zip(empty, s, strict=True)]


class _Shape:
    """How one level's rows become nested objects: a list of steps run for every row.

    Steps are ("group", path) to open a group object where its first field comes, ("field", path, key,
    column) and ("repeat", path, repeat), so keys come out in instance order without walking paths per row.
    """

    def __init__(self, census: Census, repeat: str | None) -> None:
        spec = census.spec
        level = census.levels[repeat]
        n = len(level.data)
        self.steps: list[tuple[Any, ...]] = []
        opened: set[tuple[str, ...]] = {()}
        for item in instance_items(spec, repeat):
            path = relative_path(spec, item)
            groups = path[:-1]
            if isinstance(item, Repeat) and item.name not in census.levels:
                continue
            for k in range(1, len(groups) + 1):
                if groups[:k] not in opened:
                    opened.add(groups[:k])
                    self.steps.append(("group", groups[:k]))
            if isinstance(item, Repeat):
                self.steps.append(("repeat", groups, item))
                continue
            col = level.data[item.xpath].to_numpy(object) if item.xpath in level.data else np.full(n, None)
            self.steps.append(("field", groups, path[-1], _typed(item, col)))

    def build(self, i: int, children: dict[str, list[dict[str, Any]]], link: str) -> dict[str, Any]:
        obj: dict[str, Any] = {}
        nodes: dict[tuple[str, ...], dict[str, Any]] = {(): obj}
        for step in self.steps:
            kind = step[0]
            if kind == "field":
                nodes[step[1]][step[2]] = step[3][i]
            elif kind == "group":
                g = step[1]
                nodes[g] = nodes[g[:-1]][g[-1]] = {}
            else:
                groups, rep = step[1], step[2]
                rows = children.get(rep.name)
                if rows:
                    target = nodes[groups]
                    target[f"{rep.name}@odata.navigationLink"] = f"{link}/{'/'.join((*groups, rep.name))}"
                    target[rep.name] = rows
        return obj


def submissions(census: Census) -> Iterator[dict[str, Any]]:
    """Every submission as Central's OData gives it with $expand=* (one level of repeats), one at a time: a
    page holds PAGE of them, never the census."""
    spec = census.spec
    meta = {c: census.meta[c].to_numpy(object) for c in census.meta.columns}
    keys = meta["__key"]
    root_shape = _Shape(census, None)
    children: list[tuple[str, _Shape, str, np.ndarray, np.ndarray, np.ndarray]] = []
    for rep in spec.repeats:
        level = census.levels.get(rep.name)
        if level is None or rep.parent is not None:
            continue
        d = level.data
        order, starts = rows_by_parent(d["__parent"].to_numpy(), len(keys))  # a row without its submission
        children.append((rep.name, _Shape(census, rep.name), "/".join(rep.path), d["__pos"].to_numpy(), order,
                         starts))  # cannot be in a nested feed: it is in no group

    def child_rows(parent: int) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for name, shape, path, pos, order, starts in children:
            rows = []
            for i in order[starts[parent]:starts[parent + 1]]:
                row_id = odata_id(str(keys[parent]), path, int(pos[i]))
                row = {"__id": row_id}
                row |= shape.build(int(i), {}, f"Submissions('{keys[parent]}')/{path}('{row_id}')")
                rows.append(row)
            out[name] = rows
        return out

    version = spec.version or ""
    for i in range(len(keys)):
        system = {
            "submissionDate": meta["__submitted"][i],
            "updatedAt": meta["__updated"][i],
            "deletedAt": None,
            "submitterId": meta["__submitter_id"][i],
            "submitterName": meta["__submitter_name"][i],
            "attachmentsPresent": 0,
            "attachmentsExpected": 0,
            "status": None,
            "reviewState": meta["__review_state"][i],
            "deviceId": meta["__device"][i],
            "edits": int(meta["__edits"][i]),
            "formVersion": version,
        }
        obj: dict[str, Any] = {"__id": keys[i], "__system": system}
        obj |= root_shape.build(i, child_rows(i), f"Submissions('{keys[i]}')")
        deprecated = meta["__deprecated"][i]
        if deprecated is not None and isinstance(obj.get("meta"), dict):
            obj["meta"]["deprecatedID"] = deprecated
        yield obj


def write_odk_odata(censuses: Iterable[Census], out: Path, seed: int, round_: int = 1) -> tuple[Path, ...]:
    """Write `Submissions-0001.json`, ... : pages of $top=PAGE, each with its `@odata.nextLink`, from a census
    made in chunks (the form version comes from the form: seed and round change nothing here)."""
    form = ""

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal form
        for census in censuses:
            form = census.spec.form_id
            yield from submissions(census)
            del census  # not kept while the next chunk is made

    def head(p: int, pages: int, count: int) -> dict[str, Any]:
        doc: dict[str, Any] = {"@odata.context": f"{SERVER}/{form}.svc/$metadata#Submissions", "@odata.count": count}
        if p + 1 < pages:
            doc["@odata.nextLink"] = (f"{SERVER}/{form}.svc/Submissions?%24expand=*&%24count=true"
                                      f"&%24top={PAGE}&%24skip={(p + 1) * PAGE}")
        return doc

    return write_pages(rows(), PAGE, lambda p: out / f"Submissions-{p + 1:04d}.json", "value", head)
