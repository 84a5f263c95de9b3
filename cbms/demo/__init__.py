"""Synthetic census generator: writes a plausible census of the form in `forms/` as a real server export.

`write_demo()` is the one entry point (the CLI's `cbms demo` calls it). Same arguments, same bytes. `round_=2`
writes the demo's second round (cbms.demo.rounds): the same district two years later, in the revised form.
"""

from __future__ import annotations

import gc
import json
import logging
import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from cbms.demo.answers import Census, answer_form
from cbms.demo.geography import build_geography
from cbms.demo.inject import inject_errors
from cbms.demo.population import Population, simulate
from cbms.demo.rounds import FORM, demo_round, revision
from cbms.errors import DEMO_001, DEMO_002, DEMO_003, DEMO_004, DEMO_005, DEMO_006, CbmsError, os_reason
from cbms.form import FormSpec, read_form
from cbms.form.xpath import days

log = logging.getLogger(__name__)

FORMATS = ("odk-csv", "odk-odata", "kobo-xlsx", "kobo-json")
INJECTED = "injected.json"
MAX_HOUSEHOLDS = 5_000_000

__all__ = ["FORM", "FORMATS", "DemoResult", "build_census", "write_demo"]


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


def _server_metadata(pop: Population, rng: np.random.Generator) -> None:
    """Keys, devices and submitters: what the phone and the server add to each household visit."""
    from cbms.demo.answers import _uuids

    hh = pop.households
    n = len(hh)
    n_enum = int(hh["enumerator_i"].max()) + 1 if n else 0
    alphabet = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"), dtype=object)
    devices = np.array(["collect:" + "".join(alphabet[rng.integers(0, len(alphabet), 16)]) for _ in range(n_enum)],
                       dtype=object)
    enum = hh["enumerator_i"].to_numpy()
    hh["__instance"] = _uuids(rng, n)
    hh["__device"] = devices[enum] if n else np.zeros(0, dtype=object)
    hh["__submitter_id"] = (enum + 101).astype(str).astype(object)
    hh["__submitter_name"] = hh["enumerator_id"].to_numpy(object)
    submitted = hh["submitted_utc"].to_numpy().astype("datetime64[ms]")
    hh["__submitted"] = np.datetime_as_string(submitted, unit="ms").astype(object) + "Z"


def build_census(households: int, seed: int, form: FormSpec, error_rate: float = 0.0,
                 formats_orphans: bool = True, round_: int = 1) -> tuple[Census, list[dict[str, object]], Population]:
    """The census of a demo round as submissions of `form` (with errors injected), without writing anything."""
    demo = demo_round(round_)
    # a later round draws from its own streams: a census is new households, keys and answers
    root = np.random.default_rng(seed if round_ == 1 else [seed, round_])
    model_rng, meta_rng, answer_rng, error_rng = root.spawn(4)
    pop = simulate(households, model_rng, build_geography(round_), demo.design)
    _server_metadata(pop, meta_rng)
    today = days(demo.design.field_start + timedelta(days=demo.design.field_days + 7))
    census = answer_form(form, pop, answer_rng, today, revision(demo, form.version))
    meta = pd.DataFrame({
        "__key": pop.households["__instance"].to_numpy(object),
        "__instance": pop.households["__instance"].to_numpy(object),
        "__deprecated": np.full(households, None, dtype=object),
        "__submitted": pop.households["__submitted"].to_numpy(object),
        "__updated": np.full(households, None, dtype=object),
        "__submitter_id": pop.households["__submitter_id"].to_numpy(object),
        "__submitter_name": pop.households["__submitter_name"].to_numpy(object),
        "__device": pop.households["__device"].to_numpy(object),
        "__edits": np.zeros(households, dtype=np.int64).astype(object),
        "__review_state": np.full(households, None, dtype=object),
        "__enumerator": pop.households["enumerator_id"].to_numpy(object),
    }, dtype=object)  # text stays Python text (None = empty), never pandas' NaN-holding string dtype
    census.meta = meta
    records = inject_errors(census, error_rate, error_rng, orphans=formats_orphans) if error_rate > 0 else []
    return census, records, pop


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
    gc_was_on = gc.isenabled()
    gc.disable()  # millions of small strings and dicts, no cycles: the collector would only rescan them
    try:
        census, records, _ = build_census(  # the model is dropped: only the answers are written
           households, seed, spec, float(error_rate), formats_orphans=not nested, round_=round_)
        files = _writer(fmt)(census, out, seed, round_)
    finally:
        if gc_was_on:
            gc.enable()
    injected = out / INJECTED
    if error_rate > 0:
        located = _locate(records, census, fmt)
        injected.write_text(json.dumps(located, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                            encoding="utf-8")
        files = (*files, injected)
    elif injected.exists():
        injected.unlink()  # a stale list from an earlier run would describe errors this census lacks
    member = census.levels.get("member")
    death = census.levels.get("death")
    log.info("demo census written: round %s, %s households, format %s, %s", round_, households, fmt, out)
    return DemoResult(
        files=tuple(files), households=households,
        members=0 if member is None else len(member.data),
        deaths=0 if death is None else len(death.data),
        injected=len(records), fmt=fmt, submissions=len(census.root.data), round_=round_,
    )


def _writer(fmt: str):  # type: ignore[no-untyped-def]
    if fmt == "odk-csv":
        from cbms.demo.odk_csv import write_odk_csv

        return write_odk_csv
    if fmt == "odk-odata":
        from cbms.demo.odk_odata import write_odk_odata

        return write_odk_odata
    if fmt == "kobo-xlsx":
        from cbms.demo.kobo_xlsx import write_kobo_xlsx

        return write_kobo_xlsx
    from cbms.demo.kobo_json import write_kobo_json

    return write_kobo_json


def _locate(records: list[dict[str, object]], census: Census, fmt: str) -> list[dict[str, object]]:
    """The injected records with the row key each format gives a repeat row, sorted for a stable file."""
    from cbms.demo.inject import row_key

    out = []
    for r in records:
        rec = dict(r)
        rec["row_key"] = row_key(census, rec, fmt)
        out.append(rec)
    out.sort(key=lambda r: (str(r["key"]), str(r["table"]), int(str(r.get("line_no") or 0)), str(r["error"]),
                            str(r.get("column") or "")))
    return out
