"""Inject the errors field teams really make into a census, and say where each one went.

About `rate` of the households get one error each, drawn from ERRORS (weights below). Each leaves a record
{key, error, table, line_no, column} (the writer adds the format's row_key), so validation can be scored.
Keys are the submission's stable key: ODK Central's KEY and KoBoToolbox's meta/rootUuid (the first
instanceID), which stays when a submission is edited.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import numpy as np
import pandas as pd

from cbms.demo.answers import Census, _uuids

ERRORS: dict[str, float] = {
    "duplicate_submission": 0.09,
    "edited_submission": 0.09,
    "two_heads": 0.08,
    "no_head": 0.06,
    "orphan_member": 0.06,
    "impossible_age": 0.08,
    "child_older_than_parent": 0.08,
    "pregnant_man": 0.07,
    "anthropometry_out_of_range": 0.07,
    "required_empty": 0.1,
    "negative_income": 0.08,
    "none_with_other": 0.08,
}
HOUSEHOLD, MEMBER = "household", "member"
Record = dict[str, object]


class _Injector:
    def __init__(self, census: Census, rng: np.random.Generator, allow_orphans: bool = True) -> None:
        self.allow_orphans = allow_orphans
        self.c = census
        self.rng = rng
        self.spec = census.spec
        self.root = census.root.data
        self.member = census.levels["member"].data
        self.col = {q.name: q.xpath for lvl in census.levels.values() for q in lvl.questions}
        self.by_parent = self.member.groupby("__parent").indices
        self.new_roots: list[int] = []  # rows to duplicate
        self.orphans: list[tuple[int, str]] = []  # (member row to copy, fake parent key)

    def key(self, row: int) -> str:
        return str(self.c.meta.at[row, "__key"])

    def rec(self, row: int, error: str, table: str, line_no: int | None, column: str | None) -> Record:
        return {"key": self.key(row), "error": error, "table": table, "line_no": line_no, "column": column}

    def members(self, row: int) -> np.ndarray:
        return np.asarray(self.by_parent.get(row, np.zeros(0, dtype=int)))

    def value(self, name: str, m: int) -> object:
        return self.member.at[m, self.col[name]]

    def setm(self, m: int, name: str, value: object) -> None:
        self.member.at[m, self.col[name]] = value

    def age(self, m: int) -> int:
        v = self.value("age", m)
        return int(str(v)) if v is not None and str(v).lstrip("-").isdigit() else -1

    def pick(self, rows: np.ndarray) -> int | None:
        return int(rows[self.rng.integers(0, len(rows))]) if len(rows) else None

    # ----------------------------------------------------------------------------------- the errors
    def duplicate_submission(self, row: int) -> Record | None:
        self.new_roots.append(row)
        return self.rec(row, "duplicate_submission", HOUSEHOLD, None, None)

    def edited_submission(self, row: int) -> Record | None:
        new = str(_uuids(self.rng, 1)[0])
        meta = self.c.meta
        meta.at[row, "__deprecated"] = meta.at[row, "__instance"]
        meta.at[row, "__instance"] = new
        meta.at[row, "__edits"] = 1
        meta.at[row, "__review_state"] = "edited"
        stamp = pd.Timestamp(str(meta.at[row, "__submitted"]).rstrip("Z")) + pd.Timedelta(hours=26)
        meta.at[row, "__updated"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"
        if "instanceID" in self.col:
            self.root.at[row, self.col["instanceID"]] = new
        if "rooms" in self.col and self.root.at[row, self.col["rooms"]] is not None:
            rooms = int(self.root.at[row, self.col["rooms"]])
            self.root.at[row, self.col["rooms"]] = str(rooms + 1 if rooms < 30 else rooms - 1)
        return self.rec(row, "edited_submission", HOUSEHOLD, None, "instanceID")

    def two_heads(self, row: int) -> Record | None:
        ms = [m for m in self.members(row)[1:] if self.age(m) >= 16]
        m = self.pick(np.array(ms, dtype=int))
        if m is None:
            return None
        self.setm(m, "relationship", "head")
        return self.rec(row, "two_heads", MEMBER, int(self.member.at[m, "__pos"]), "relationship")

    def no_head(self, row: int) -> Record | None:
        ms = self.members(row)
        if not len(ms):
            return None
        self.setm(int(ms[0]), "relationship", "other_relative")
        return self.rec(row, "no_head", MEMBER, 1, "relationship")

    def orphan_member(self, row: int) -> Record | None:
        if not self.allow_orphans:
            return None  # a nested export cannot hold it: the household gets its next drawn error instead
        m = self.pick(self.members(row))
        if m is None:
            return None
        fake = str(_uuids(self.rng, 1)[0])
        self.orphans.append((m, fake))
        return {"key": fake, "error": "orphan_member", "table": MEMBER, "line_no": 1, "column": None}

    def impossible_age(self, row: int) -> Record | None:
        m = self.pick(np.array([m for m in self.members(row) if self.age(m) >= 5], dtype=int))
        if m is None:
            return None
        self.setm(m, "age", str(int(self.rng.choice([121, 130, 150, 999]))))
        return self.rec(row, "impossible_age", MEMBER, int(self.member.at[m, "__pos"]), "age")

    def child_older_than_parent(self, row: int) -> Record | None:
        ms = self.members(row)
        kids = np.array([m for m in ms if self.value("relationship", m) == "child" and self.age(m) >= 5],
                        dtype=int)
        m = self.pick(kids)
        if m is None or not len(ms):
            return None
        head_age = self.age(int(ms[0]))
        self.setm(m, "age", str(min(head_age + int(self.rng.integers(1, 12)), 110)))
        return self.rec(row, "child_older_than_parent", MEMBER, int(self.member.at[m, "__pos"]), "age")

    def pregnant_man(self, row: int) -> Record | None:
        if "pregnant" not in self.col:
            return None
        men = np.array([m for m in self.members(row) if self.value("sex", m) == "male" and 12 <= self.age(m) <= 60],
                       dtype=int)
        m = self.pick(men)
        if m is None:
            return None
        self.setm(m, "pregnant", "yes")
        return self.rec(row, "pregnant_man", MEMBER, int(self.member.at[m, "__pos"]), "pregnant")

    def anthropometry_out_of_range(self, row: int) -> Record | None:
        if "height_cm" not in self.col:
            return None
        kids = np.array([m for m in self.members(row) if 0 <= self.age(m) < 5
                         and self.value("height_cm", m) is not None], dtype=int)
        m = self.pick(kids)
        if m is None:
            return None
        if self.rng.random() < 0.6:
            self.setm(m, "height_cm", str(self.rng.choice(["210.5", "15", "168"])))
            column = "height_cm"
        else:
            self.setm(m, "weight_kg", str(self.rng.choice(["45", "0.3", "112.5"])))
            column = "weight_kg"
        return self.rec(row, "anthropometry_out_of_range", MEMBER, int(self.member.at[m, "__pos"]), column)

    def required_empty(self, row: int) -> Record | None:
        if self.rng.random() < 0.4:
            names = [q.name for q in self.c.root.questions if q.required and q.name in (
                "water_source", "sanitation", "wall_material", "cooking_fuel", "hunger", "decides_purchases")]
            name = str(self.rng.choice(names)) if names else None
            if name is None or self.root.at[row, self.col[name]] is None:
                return None
            self.root.at[row, self.col[name]] = None
            return self.rec(row, "required_empty", HOUSEHOLD, None, name)
        adults = np.array([m for m in self.members(row) if self.age(m) >= 14], dtype=int)
        m = self.pick(adults)
        if m is None:
            return None
        name = str(self.rng.choice(["sex", "income_labour", "education_level"]))
        if name not in self.col:
            return None
        self.setm(m, name, None)
        return self.rec(row, "required_empty", MEMBER, int(self.member.at[m, "__pos"]), name)

    def negative_income(self, row: int) -> Record | None:
        adults = np.array([m for m in self.members(row) if self.age(m) >= 14], dtype=int)
        m = self.pick(adults)
        if m is None or "income_labour" not in self.col:
            return None
        value = self.value("income_labour", m)
        amount = float(str(value)) if value not in (None, "", "0") else float(self.rng.integers(3, 30) * 50)
        self.setm(m, "income_labour", f"{-amount:g}")
        return self.rec(row, "negative_income", MEMBER, int(self.member.at[m, "__pos"]), "income_labour")

    def none_with_other(self, row: int) -> Record | None:
        if self.rng.random() < 0.5 and "programs" in self.col:
            self.root.at[row, self.col["programs"]] = "vaso_de_leche none"
            return self.rec(row, "none_with_other", HOUSEHOLD, None, "programs")
        m = self.pick(self.members(row))
        if m is None or "health_insurance" not in self.col:
            return None
        self.setm(m, "health_insurance", "none sis")
        return self.rec(row, "none_with_other", MEMBER, int(self.member.at[m, "__pos"]), "health_insurance")


def inject_errors(census: Census, rate: float, rng: np.random.Generator, orphans: bool = True) -> list[Record]:
    """Put errors into about `rate` of the households of `census` (in place); return their records."""
    if "member" not in census.levels:
        return []
    inj = _Injector(census, rng, allow_orphans=orphans)
    root = census.root.data
    consent_col = next((q.xpath for q in census.root.questions if q.name == "consent"), None)
    eligible = np.flatnonzero(root[consent_col].to_numpy() == "yes") if consent_col else np.arange(len(root))
    eligible = np.array([r for r in eligible if len(inj.members(int(r)))], dtype=int)
    n = len(root)
    p = min(1.0, rate * n / max(len(eligible), 1))
    chosen = eligible[rng.random(len(eligible)) < p]
    names = list(ERRORS)  # the same draws for every format: the same seed gives the same errors
    weights = np.array([ERRORS[e] for e in names])
    records: list[Record] = []
    base = int(rng.integers(0, 2**62))
    for row in chosen:
        # each household draws from its own stream, so what one error consumes never shifts the next
        inj.rng = np.random.default_rng([base, int(row)])
        for error in inj.rng.choice(names, size=4, p=weights / weights.sum()):
            method: Callable[[int], Record | None] = getattr(inj, str(error))
            rec = method(int(row))
            if rec is not None:
                records.append(rec)
                break
    _apply_copies(census, inj, rng)
    return records


def _apply_copies(census: Census, inj: _Injector, rng: np.random.Generator) -> None:
    """Append duplicated submissions (same key, sent again) and orphan member rows."""
    root = census.root.data
    meta = census.meta
    n = len(root)
    if inj.new_roots:
        rows = np.array(inj.new_roots, dtype=int)
        dup_root = root.iloc[rows].copy()
        dup_meta = meta.iloc[rows].copy()
        later = pd.to_datetime(dup_meta["__submitted"].str.rstrip("Z")) + pd.to_timedelta(
            rng.integers(2, 600, len(rows)), unit="m")
        dup_meta["__submitted"] = later.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
        new_index = np.arange(n, n + len(rows))
        census.root.data = pd.concat([root, dup_root.set_axis(new_index)], axis=0)
        census.meta = pd.concat([meta, dup_meta.set_axis(new_index)], axis=0)
        remap = dict(zip(rows.tolist(), new_index.tolist(), strict=True))
        for name, level in census.levels.items():
            if name is None:
                continue
            d = level.data
            copies = d[d["__parent"].isin(rows)].copy()
            copies["__parent"] = copies["__parent"].map(remap)
            level.data = pd.concat([d, copies], axis=0, ignore_index=True)
    member = census.levels["member"]
    if inj.orphans:
        copies = member.data.iloc[[m for m, _ in inj.orphans]].copy()
        copies["__parent"] = -1
        copies["__pos"] = 1
        for q in member.questions:
            if q.calculation and q.calculation.replace(" ", "") == "position(..)":
                copies[q.xpath] = "1"  # first (and only) row of its missing submission
        copies["__orphan_key"] = [k for _, k in inj.orphans]
        member.data = pd.concat([member.data, copies], axis=0, ignore_index=True)
    # keep submissions in the order the server received them; repeats follow their submission
    order = np.argsort(census.meta["__submitted"].to_numpy().astype(str), kind="stable")
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(len(order))
    census.root.data = census.root.data.iloc[order].reset_index(drop=True)
    census.meta = census.meta.iloc[order].reset_index(drop=True)
    for name, level in census.levels.items():
        if name is None:
            continue
        d = level.data
        parent = d["__parent"].to_numpy()
        d["__parent"] = np.where(parent >= 0, position[np.maximum(parent, 0)], -1)
        level.data = d.sort_values(["__parent", "__pos"], kind="stable", key=_orphans_last).reset_index(drop=True)


def _orphans_last(s: pd.Series) -> pd.Series:
    return s.where(s >= 0, np.iinfo(np.int64).max) if s.name == "__parent" else s


# ------------------------------------------------------------------------------------- row keys by format
def central_key(key: str, repeat_path: str, pos: int) -> str:
    """ODK Central's KEY of a repeat row: the submission key, the repeat's path and its 1-based index."""
    return f"{key}/{repeat_path}[{pos}]"


def odata_id(key: str, repeat_path: str, pos: int) -> str:
    """A stable 40-hex id for a repeat row in OData, as Central gives (sha1 of the row's path)."""
    return hashlib.sha1(central_key(key, repeat_path, pos).encode("utf-8")).hexdigest()


def kobo_member_index(census: Census, record: Record) -> int | None:
    """The `_index` the KoBo XLSX member sheet gives the record's row (rows in export order)."""
    member = census.levels["member"].data
    keys = census.meta["__key"].to_numpy(object)
    parent = member["__parent"].to_numpy()
    row_keys = np.where(parent >= 0, keys[np.maximum(parent, 0)], member.get("__orphan_key", pd.Series(
        [None] * len(member))).to_numpy(object))
    hits = np.flatnonzero((row_keys == record["key"]) & (member["__pos"].to_numpy() == record["line_no"]))
    return int(hits[0]) + 1 if len(hits) else None


def row_key(census: Census, record: Record, fmt: str) -> str | int | None:
    """How the format names the row an injected record sits on (None where the format has no row key)."""
    key = str(record["key"])
    if record["table"] == HOUSEHOLD:
        if fmt == "kobo-xlsx":  # the main sheet's `_index` of the first row with that key
            hits = np.flatnonzero(census.meta["__key"].to_numpy(object) == key)
            return int(hits[0]) + 1 if len(hits) else None
        return key
    path = "/".join(census.levels["member"].repeat.path) if census.levels["member"].repeat else "member"
    pos = int(str(record["line_no"] or 1))
    if fmt == "odk-csv":
        return central_key(key, path, pos)
    if fmt == "odk-odata":
        return odata_id(key, path, pos)
    if fmt == "kobo-xlsx":
        return kobo_member_index(census, record)
    return None
