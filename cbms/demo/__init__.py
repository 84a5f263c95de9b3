"""Synthetic census generator: writes a plausible census of the form in `forms/` as a real server export.

`write_demo()` is the one entry point (the CLI's `cbms demo` calls it). Same arguments, same bytes. `round_=2`
writes the demo's second round (cbms.demo.rounds): the same district two years later, in the revised form.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from cbms.demo.answers import Census, Level, answer_form
from cbms.demo.geography import build_geography
from cbms.demo.inject import inject_errors
from cbms.demo.population import Population, simulate_people, visits
from cbms.demo.rounds import FORM, demo_round, revision
from cbms.errors import DEMO_001, DEMO_002, DEMO_003, DEMO_004, DEMO_005, DEMO_006, CbmsError, os_reason
from cbms.form import FormSpec, read_form
from cbms.form.xpath import days

log = logging.getLogger(__name__)

FORMATS = ("odk-csv", "odk-odata", "kobo-xlsx", "kobo-json")
INJECTED = "injected.json"
MAX_HOUSEHOLDS = 5_000_000

__all__ = ["FORM", "FORMATS", "DemoResult", "build_census", "census_chunks", "write_demo"]


@dataclass(frozen=True, slots=True)
class DemoResult:
    """What `write_demo` wrote: the files, and how many units they hold."""

    files: tuple[Path, ...]
    households: int
    members: int
    deaths: int
    injected: int
    fmt: str = ""
    submissions: int = 0
    round_: int = 1


def _check(households: int, seed: int, fmt: str, error_rate: float, round_: int) -> None:
    if isinstance(households, bool) or not isinstance(households, int) or not 1 <= households <= MAX_HOUSEHOLDS:
        raise CbmsError(DEMO_001, households=households, limit=MAX_HOUSEHOLDS)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise CbmsError(DEMO_002, seed=seed)
    if fmt not in FORMATS:
        raise CbmsError(DEMO_003, fmt=fmt, formats=", ".join(FORMATS))
    if not isinstance(error_rate, int | float) or not 0.0 <= float(error_rate) <= 1.0 or error_rate != error_rate:
        raise CbmsError(DEMO_004, rate=error_rate)
    demo_round(round_)  # refuses a round the demo does not have


def _prepare_out(out: Path) -> Path:
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CbmsError(DEMO_005, path=out, reason=os_reason(exc)) from exc
    if not out.is_dir() or not os.access(out, os.W_OK | os.X_OK):
        raise CbmsError(DEMO_005, path=out, reason="permission denied" if out.is_dir() else "not a folder")
    return out


CHUNK = 100_000  # households modelled, answered and written at a time: memory does not grow with the census


def _devices(visits: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each enumerator's phone (ODK Collect's deviceID), for the whole census."""
    n_enum = int(visits["enumerator_i"].max()) + 1 if len(visits) else 0
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), dtype=object)
    return np.array(["collect:" + "".join(alphabet[rng.integers(0, len(alphabet), 16)]) for _ in range(n_enum)],
                    dtype=object)


def _server_metadata(pop: Population, devices: np.ndarray, rng: np.random.Generator) -> None:
    """Keys, devices and submitters: what the phone and the server add to each household visit."""
    from cbms.demo.answers import _uuids

    hh = pop.households
    n = len(hh)
    enum = hh["enumerator_i"].to_numpy()
    hh["__instance"] = _uuids(rng, n)
    hh["__device"] = devices[enum] if n else np.zeros(0, dtype=object)
    hh["__submitter_id"] = (enum + 101).astype(str).astype(object)
    hh["__submitter_name"] = hh["enumerator_id"].to_numpy(object)
    submitted = hh["submitted_utc"].to_numpy().astype("datetime64[ms]")
    hh["__submitted"] = np.datetime_as_string(submitted, unit="ms").astype(object) + "Z"


def _meta(pop: Population) -> pd.DataFrame:
    """What the server keeps of each household's submission: keys, times, submitter, device, review state."""
    hh = pop.households
    n = len(hh)
    return pd.DataFrame({
        "__key": hh["__instance"].to_numpy(object),
        "__instance": hh["__instance"].to_numpy(object),
        "__deprecated": np.full(n, None, dtype=object),
        "__submitted": hh["__submitted"].to_numpy(object),
        "__updated": np.full(n, None, dtype=object),
        "__submitter_id": hh["__submitter_id"].to_numpy(object),
        "__submitter_name": hh["__submitter_name"].to_numpy(object),
        "__device": hh["__device"].to_numpy(object),
        "__edits": np.zeros(n, dtype=np.int64).astype(object),
        "__review_state": np.full(n, None, dtype=object),
        "__enumerator": hh["enumerator_id"].to_numpy(object),
    }, dtype=object)  # text stays Python text (None = empty), never pandas' NaN-holding string dtype


Chunk = tuple[Census, list[dict[str, object]], Population]


def census_chunks(households: int, seed: int, form: FormSpec, error_rate: float = 0.0,
                  formats_orphans: bool = True, round_: int = 1) -> Iterator[Chunk]:
    """The census of a demo round as submissions of `form` (with errors injected), CHUNK households at a time, in
    the order the server received them; nothing written.

    The visits (grupo, enumerator, result, times of each household) are drawn for the whole census, then each
    chunk's people, answers and errors. The first chunk draws from the census's own streams, so a census of at most
    CHUNK households is the one the generator made in one piece (tests/demo/test_bytes.py); a later chunk draws
    from streams of its own (seed, round, chunk number)."""
    demo = demo_round(round_)
    # a later round draws from its own streams: a census is new households, keys and answers
    root = np.random.default_rng(seed if round_ == 1 else [seed, round_])
    model_rng, meta_rng, answer_rng, error_rng = root.spawn(4)
    geo = build_geography(round_)
    streams = model_rng.spawn(9)
    with pd.option_context("mode.string_storage", "python"):
        visited = visits(households, streams[0], geo, demo.design)
    devices = _devices(visited, meta_rng)
    today = days(demo.design.field_start + timedelta(days=demo.design.field_days + 7))
    written_as = revision(demo, form.version)
    for k, lo in enumerate(range(0, households, CHUNK)):
        if k == 0:
            people, meta, answer, error = streams[1:], meta_rng, answer_rng, error_rng
        else:
            model, meta, answer, error = np.random.default_rng([seed, round_, k]).spawn(4)
            people = model.spawn(8)
        # pandas' text columns kept as Python strings: Arrow-backed ones (pandas 3's default) convert the model's
        # object arrays back and forth, for the same values (100,000 households: 16.9 -> 14.9 s of CPU)
        with pd.option_context("mode.string_storage", "python"):
            pop = simulate_people(visited.iloc[lo:lo + CHUNK].reset_index(drop=True), people, geo, demo.design)
            _server_metadata(pop, devices, meta)
            census = answer_form(form, pop, answer, today, written_as)
            census.meta = _meta(pop)
            records = inject_errors(census, error_rate, error, orphans=formats_orphans) if error_rate > 0 else []
        yield census, records, pop
        del census, records, pop  # not kept while the next chunk is made


def build_census(households: int, seed: int, form: FormSpec, error_rate: float = 0.0,
                 formats_orphans: bool = True, round_: int = 1) -> Chunk:
    """The census of a demo round in one piece (see `census_chunks`), without writing anything."""
    chunks = list(census_chunks(households, seed, form, error_rate, formats_orphans, round_))
    census = join_census([c for c, _, _ in chunks])
    pop = join_population([p for _, _, p in chunks])
    return census, [r for _, records, _ in chunks for r in records], pop


def write_demo(households: int, seed: int, fmt: str, out: Path, error_rate: float = 0.0,
               form: Path | None = None, round_: int = 1) -> DemoResult:
    """Write a synthetic census of `households` visits as a `fmt` export into `out`; see FORMATS. `round_` is the
    demo round (1, or 2: two years later, in the revised form unless `form` says another)."""
    _check(households, seed, fmt, error_rate, round_)
    form = form or demo_round(round_).form
    out = _prepare_out(out)
    spec = read_form(form)
    if not any(r.name == "member" for r in spec.repeats):
        raise CbmsError(DEMO_006, path=form)
    nested = fmt in ("odk-odata", "kobo-json")  # a nested export cannot hold a member without its household
    counts = {"members": 0, "deaths": 0, "submissions": 0}
    located: list[dict[str, object]] = []

    def censuses() -> Iterator[Census]:
        for census, records, pop in census_chunks(
                households, seed, spec, float(error_rate), formats_orphans=not nested, round_=round_):
            del pop  # the model is dropped: only the answers are written
            # a KoBo XLSX row key counts rows in the whole census: located once it is joined
            located.extend(records if fmt == "kobo-xlsx" else _locate(records, census, fmt))
            for level in ("member", "death"):
                counts[f"{level}s"] += len(census.levels[level].data) if level in census.levels else 0
            counts["submissions"] += len(census.root.data)
            yield census
            del census, records

    gc_was_on = gc.isenabled()
    gc.disable()  # millions of small strings and dicts, no cycles: the collector would only rescan them
    try:
        if fmt == "kobo-xlsx":
            # one sheet holds at most 1,048,575 rows: a census a workbook can hold is a census memory can hold
            from cbms.demo.kobo_xlsx import write_kobo_xlsx

            census = join_census(list(censuses()))
            located = _locate(located, census, fmt)
            files = write_kobo_xlsx(census, out, seed, round_)
            del census
        else:
            files = _writer(fmt)(censuses(), out, seed, round_)
    finally:
        if gc_was_on:
            gc.enable()
    located.sort(key=lambda r: (str(r["key"]), str(r["table"]), int(str(r.get("line_no") or 0)), str(r["error"]),
                                str(r.get("column") or "")))
    injected = out / INJECTED
    if error_rate > 0:
        injected.write_text(json.dumps(located, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
        files = (*files, injected)
    elif injected.exists():
        injected.unlink()  # a stale list from an earlier run would describe errors this census lacks
    log.info("demo census written: round %s, %s households, format %s, %s", round_, households, fmt, out)
    return DemoResult(
        files=tuple(files), households=households, members=counts["members"], deaths=counts["deaths"],
        injected=len(located), fmt=fmt, submissions=counts["submissions"], round_=round_,
    )


def join_census(parts: list[Census]) -> Census:
    """Chunks of a census as one census: rows in chunk order, each repeat row's `__parent` counted in the whole."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    offsets = np.cumsum([0, *(len(p.meta) for p in parts[:-1])])
    levels: dict[str | None, Level] = {}
    for name, level in first.levels.items():
        tables = []
        for offset, part in zip(offsets, parts, strict=True):
            d = part.levels[name].data
            if name is not None:
                parent = d["__parent"].to_numpy()
                d = d.assign(__parent=np.where(parent >= 0, parent + offset, -1))
            tables.append(d)
        data = pd.concat(tables, axis=0, ignore_index=True)
        if "__orphan_key" in data:  # only chunks with an orphan have the column
            data["__orphan_key"] = data["__orphan_key"].astype(object).where(data["__orphan_key"].notna(), None)
        levels[name] = Level(name, level.repeat, level.questions, data)
    meta = pd.concat([p.meta for p in parts], axis=0, ignore_index=True)
    return Census(spec=first.spec, levels=levels, meta=meta)


def join_population(parts: list[Population]) -> Population:
    """Chunks of the model as one: members and deaths point to their household in the whole census."""
    if len(parts) == 1:
        return parts[0]
    offsets = np.cumsum([0, *(len(p.households) for p in parts[:-1])])
    return Population(
        households=pd.concat([p.households for p in parts], ignore_index=True),
        members=pd.concat([p.members.assign(hh=p.members["hh"] + o) for o, p in zip(offsets, parts, strict=True)],
                          ignore_index=True),
        deaths=pd.concat([p.deaths.assign(hh=p.deaths["hh"] + o) for o, p in zip(offsets, parts, strict=True)],
                         ignore_index=True),
    )


def _writer(fmt: str):  # type: ignore[no-untyped-def]
    if fmt == "odk-csv":
        from cbms.demo.odk_csv import write_odk_csv

        return write_odk_csv
    if fmt == "odk-odata":
        from cbms.demo.odk_odata import write_odk_odata

        return write_odk_odata
    from cbms.demo.kobo_json import write_kobo_json

    return write_kobo_json


def _locate(records: list[dict[str, object]], census: Census, fmt: str) -> list[dict[str, object]]:
    """The injected records with the row key each format gives a repeat row."""
    from cbms.demo.inject import row_key

    out = []
    for r in records:
        rec = dict(r)
        rec["row_key"] = row_key(census, rec, fmt)
        out.append(rec)
    return out
