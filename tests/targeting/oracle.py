"""A second implementation of the declared rules, in plain Python over clean.* (no unit views, no SQL): each
programme's eligibility and receipt per unit, with SQL's three-valued logic (None = unknown), and the coverage
cells they add up to. The test compares it with the engine on the demo census."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

Truth = bool | None
Z_TOTAL, Z_EXTREME = 446.0, 251.0  # the demo manifest's INEI 2023 lines


def both(*values: Truth) -> Truth:
    """Kleene AND: false wins, then unknown."""
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def either(*values: Truth) -> Truth:
    """Kleene OR: true wins, then unknown."""
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


def compare(a: Any, op: Callable[[Any, Any], bool], b: Any) -> Truth:
    """A comparison that is unknown when either side is."""
    return None if a is None or b is None else op(a, b)


def _num(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


@dataclass
class Household:
    key: str
    ubigeo: str
    sector: str
    grupo: str
    head_sex: str | None
    y: float | None
    hunger: str | None
    programs: set[str] | None
    members: list[dict[str, Any]]


def households(con: duckdb.DuckDBPyConnection) -> list[Household]:
    """Clean households with their members and per-capita income, computed here from the answers (INEI: the
    economic household leaves out domestic workers and boarders; unknown when an earner's income is empty)."""
    rows = con.execute("SELECT _row_key, ubigeo, sector, grupo, hunger, programs, income_household_other "
                       "FROM clean.household WHERE _status = 'clean'").fetchall()
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    cursor = con.execute("SELECT * FROM clean.member")
    names = [d[0] for d in cursor.description]
    for row in cursor.fetchall():
        member = dict(zip(names, row, strict=True))
        members[member["_parent_key"]].append(member)
    out = []
    for key, ubigeo, sector, grupo, hunger, programs, other in rows:
        roster = members.get(key, [])
        economic = [m for m in roster if m["relationship"] not in ("domestic_worker", "boarder")]
        gap = any((m["age"] is None or m["age"] >= 14)
                  and (_num(m["income_labour"]) is None or _num(m["income_other"]) is None) for m in economic)
        income = sum((_num(m["income_labour"]) or 0.0) + (_num(m["income_other"]) or 0.0) for m in economic)
        y = None if gap or not economic or _num(other) is None else (income + float(other)) / len(economic)
        heads = [m["sex"] for m in roster if m["relationship"] == "head"]
        out.append(Household(str(key), str(ubigeo or "150142"), str(sector), str(grupo), heads[0] if heads else None,
                             y, hunger, None if programs is None else set(programs.split()), roster))
    return out


def _lt(a: Any, b: float) -> Truth:
    return compare(_num(a), lambda x, z: x < z, b)


def _age(m: dict[str, Any], low: int, high: int) -> Truth:
    return None if m["age"] is None else low <= m["age"] <= high


def _is(value: Any, wanted: str) -> Truth:
    return None if value is None else value == wanted


def _infant(h: Household) -> bool:
    return any(m["age"] == 0 for m in h.members)


def _mother(m: dict[str, Any], h: Household) -> Truth:
    return both(_is(m["sex"], "female"), _age(m, 12, 49), either(_is(m["pregnant"], "yes"), _infant(h)))


# programme -> (unit, eligible(unit, household), recipients(unit, household) or None for household rules)
RULES: dict[str, tuple[str, Callable[..., Truth], Callable[..., Truth] | None]] = {
    "juntos": ("household", lambda h: both(
        _lt(h.y, Z_TOTAL), any((m["age"] is not None and m["age"] <= 19) or m["pregnant"] == "yes"
                               for m in h.members)), None),
    "pension65": ("person", lambda m, h: both(_age(m, 65, 200), _lt(h.y, Z_EXTREME)),
                  lambda m, h: _age(m, 65, 200)),
    "vaso_de_leche": ("person", lambda m, h: both(_lt(h.y, Z_TOTAL), either(_age(m, 0, 6), _mother(m, h))),
                      lambda m, h: either(_age(m, 0, 13), _age(m, 65, 200), _mother(m, h))),
    "comedor": ("household", lambda h: either(_lt(h.y, Z_TOTAL), _is(h.hunger, "yes")), None),
    "qali_warma": ("person", lambda m, h: both(_age(m, 3, 11), _is(m["attends_school"], "yes")),
                   lambda m, h: _age(m, 3, 11)),
    "cuna_mas": ("person", lambda m, h: both(_age(m, 0, 2), _lt(h.y, Z_TOTAL)), lambda m, h: _age(m, 0, 2)),
    "contigo": ("person", lambda m, h: both(_is(m["disability"], "yes"), _lt(h.y, Z_TOTAL),
                                            either(compare(m["age"], lambda a, b: a < b, 14),
                                                   compare(_num(m["income_labour"]), lambda a, b: a == b, 0.0))),
                lambda m, h: _is(m["disability"], "yes")),
}


@dataclass
class Unit:
    household: Household
    sex: str | None
    line_no: Any
    eligible: Truth
    receives: Truth
    beneficiary: Truth


def units(programme: str, homes: list[Household]) -> list[Unit]:
    """Every unit of a programme with its eligibility, receipt and being a beneficiary."""
    unit, eligible, recipients = RULES[programme]
    out = []
    for h in homes:
        receives = None if h.programs is None else programme in h.programs
        if unit == "household":
            out.append(Unit(h, None, None, eligible(h), receives, receives))
        else:
            for m in h.members:
                out.append(Unit(h, m["sex"], m["line_no"], eligible(m, h), receives,
                                both(receives, recipients(m, h) if recipients else True)))
    return out


def cells(programme: str, homes: list[Household]) -> dict[tuple[Any, ...], tuple[int, int, int]]:
    """(area_level, area_code, sex, head_sex) -> (eligible, beneficiaries, both), over units whose eligibility
    and receipt are known, for the total, the head's sex and (person programmes) the person's sex."""
    found: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for u in units(programme, homes):
        if u.eligible is None or u.beneficiary is None:
            continue
        h = u.household
        for level, code in (("district", h.ubigeo), ("sector", h.sector), ("grupo", h.grupo)):
            keys: list[tuple[Any, ...]] = [(level, code, None, None)]
            if h.head_sex is not None:
                keys.append((level, code, None, h.head_sex))
            if RULES[programme][0] == "person" and u.sex is not None:
                keys.append((level, code, u.sex, None))
            for key in keys:
                counts = found[key]
                counts[0] += int(u.eligible)
                counts[1] += int(u.beneficiary)
                counts[2] += int(u.eligible and u.beneficiary)
    return {k: (e, b, eb) for k, (e, b, eb) in found.items()}
