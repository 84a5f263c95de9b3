"""JSON pages of a paged API written one at a time, before the total they each state is known.

A server's page names the total (`@odata.count`, Kobo's `count`) and whether a next page follows, but a census
made in chunks knows its total (duplicates included) only once the last chunk is made. Each page's list is
written to its file as it fills; `finish` then puts each page's head in front of it, the file read back a
block at a time. The bytes are those of `json.dumps(head | {key: rows})`.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

BLOCK = 1 << 20  # bytes copied at a time when a page gets its head


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_pages(rows: Iterable[dict[str, Any]], size: int, paths: Callable[[int], Path], key: str,
                head: Callable[[int, int, int], dict[str, Any]]) -> tuple[Path, ...]:
    """Write `rows` in pages of `size` (at least one page, maybe empty) to `paths(page)` (page from 0), each
    `head(page, pages, count) | {key: its rows}`, the head known only once every row is counted."""
    it = iter(rows)
    bodies: list[Path] = []
    count = 0
    while True:
        page = list(itertools.islice(it, size))
        if not page and bodies:
            break
        count += len(page)
        body = paths(len(bodies)).with_suffix(".part")
        body.write_text(_dumps(page), encoding="utf-8")
        bodies.append(body)
        del page
        if count % size or count == 0:
            break  # a short page is the last one
    files = []
    for p, body in enumerate(bodies):
        path = paths(p)
        start = _dumps(head(p, len(bodies), count))[:-1] + f",{_dumps(key)}:"
        with path.open("w", encoding="utf-8") as out, body.open(encoding="utf-8") as rows_text:
            out.write(start)
            shutil.copyfileobj(rows_text, out, BLOCK)
            out.write("}\n")
        body.unlink()
        files.append(path)
    return tuple(files)
