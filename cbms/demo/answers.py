"""Put the synthetic population into a form: one answer per data-storing question, level by level.

The form decides everything an export shows: which questions exist, in which group and order, which are
asked (relevance, group and repeat relevance included), which are required and what they accept. Core items
(QUESTIONNAIRE.md) take the population model's values; any other question of the form gets a plausible value
of its type that satisfies its constraint, or stays empty when it is not relevant. Calculations are computed.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cbms.demo.population import FIRST_NAMES_F, FIRST_NAMES_M, SURNAMES, Population
from cbms.form.spec import FormSpec, Question, Repeat
from cbms.form.xpath import Frame, Unsupported, evaluate, truth

log = logging.getLogger(__name__)

NONE = np.array(None, dtype=object)  # an empty answer, broadcast by np.where into object arrays

ATTACHMENT_TYPES = frozenset({"image", "audio", "video", "file", "background-audio", "audit"})
_CENTRAL_FAR_FUTURE = "2999-01-01"
CHUNK = 50_000  # households whose repeat rows are answered at a time


@dataclass(frozen=True, slots=True)
class Revision:
    """The names and codes a form version writes the model's answers in (the model speaks the current form):
    current question -> the version's name, and per current question, current code -> the version's code.
    Empty for the current form."""

    renamed: Mapping[str, str] = field(default_factory=dict)
    recoded: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def write(self, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Answers as text by current name, in the version's codes and names."""
        if not self.renamed and not self.recoded:
            return values
        coded = {name: _recode(v, self.recoded[name]) if name in self.recoded else v for name, v in values.items()}
        return {self.renamed.get(name, name): v for name, v in coded.items()}


def _recode(values: np.ndarray, codes: Mapping[str, str]) -> np.ndarray:
    """Each code of an answer (a select_multiple's space-separated ones too) recoded; None stays None."""
    index, distinct = pd.factorize(np.asarray(values, dtype=object))
    table = np.empty(len(distinct) + 1, dtype=object)
    table[:-1] = [" ".join(codes.get(c, c) for c in str(v).split(" ")) for v in distinct]
    return np.asarray(table[index], dtype=object)  # index -1 (empty) is the last entry, None


@dataclass
class Level:
    """One table of the submissions: the root (name None) or a repeat; answers as text, None = empty."""

    name: str | None
    repeat: Repeat | None
    questions: tuple[Question, ...]
    data: pd.DataFrame  # one column per question (by xpath); repeats add `__parent` (root row) and `__pos`


@dataclass
class Census:
    """The submissions of a form: its levels, plus the server-side metadata of each root row."""

    spec: FormSpec
    levels: dict[str | None, Level]
    meta: pd.DataFrame  # per root row: __key, __instance, __deprecated, __submitted, __submitter_id, ...

    @property
    def root(self) -> Level:
        return self.levels[None]


# ------------------------------------------------------------------------------------------- formatting
def _shared_text(values: np.ndarray, text: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """`text` of each value, one string object per distinct value: a census repeats its ages, hours and
    amounts millions of times, and a Python string per cell was most of the generator's memory."""
    if values.dtype.kind == "f":  # by bit pattern: -0.0 keeps its own text, as it had one string per cell
        keys, inverse = np.unique(values.view(np.int64), return_inverse=True)
        distinct = keys.view(np.float64)
    else:
        distinct, inverse = np.unique(values, return_inverse=True)
    return np.asarray(text(distinct).astype(object)[inverse], dtype=object)


def _text_int(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    out = np.full(len(x), None, dtype=object)
    out[ok] = _shared_text(np.round(x[ok]).astype(np.int64), lambda v: v.astype(str))
    return out


def _text_dec(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    ok = np.isfinite(x)
    out = np.full(len(x), None, dtype=object)
    if ok.any():
        def text(v: np.ndarray) -> np.ndarray:
            s = np.char.mod("%.2f", v)
            return np.char.rstrip(np.char.rstrip(s, "0"), ".")

        out[ok] = _shared_text(np.round(x[ok], 2), text)
    return out


def _text_date(x: np.ndarray) -> np.ndarray:
    d = np.asarray(x).astype("datetime64[D]")
    s = np.datetime_as_string(d).astype(object)
    return np.where(np.isnat(d), NONE, s)


def odk_datetime(ms_local: np.ndarray, offset_h: int = -5) -> np.ndarray:
    """Local times as ODK Collect writes them: 2025-09-03T10:15:30.123-05:00."""
    s = np.datetime_as_string(np.asarray(ms_local).astype("datetime64[ms]"), unit="ms").astype(object)
    return s + f"{offset_h:+03d}:00"


def _text_obj(x: np.ndarray) -> np.ndarray:
    """Text answers as Python strings, one object per distinct answer (a column read from pandas' string
    storage would make one per cell), None where empty."""
    codes, distinct = pd.factorize(np.asarray(x, dtype=object))
    table = np.empty(len(distinct) + 1, dtype=object)
    table[:-1] = np.asarray(distinct, dtype=object)
    return np.asarray(table[codes], dtype=object)  # code -1 (empty) is the last entry, None


def _uuids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Version-4 UUIDs from the seeded generator, as ODK writes instanceIDs (uuid:...)."""
    b = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    b[:, 6] = (b[:, 6] & 0x0F) | 0x40
    b[:, 8] = (b[:, 8] & 0x3F) | 0x80
    hexes = [bytes(row).hex() for row in b]
    return np.array([f"uuid:{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}" for h in hexes], dtype=object)


# ---------------------------------------------------------------------------------- the model's answers
def _household_values(pop: Population) -> dict[str, np.ndarray]:
    hh = pop.households
    n_deaths = hh["n_deaths"].to_numpy()
    gps = (hh["gps_lat"].map("{:.7f}".format) + " " + hh["gps_lon"].map("{:.7f}".format) + " "
           + hh["gps_alt"].map("{:.1f}".format) + " " + hh["gps_acc"].map("{:.1f}".format)).to_numpy(object)
    values = {
        "start": odk_datetime(hh["start"].to_numpy()),
        "end": odk_datetime(hh["end"].to_numpy()),
        "today": _text_date(hh["interview_date"].to_numpy()),
        "deviceid": hh["__device"].to_numpy(object),
        "interview_date": _text_date(hh["interview_date"].to_numpy()),
        "gps": gps,
        "any_death": np.where(n_deaths > 0, "yes", "no").astype(object),
        "n_deaths": _text_int(np.where(n_deaths > 0, n_deaths, np.nan)),
        "hh_size": _text_int(np.where(hh["hh_size"].to_numpy() > 0, hh["hh_size"].to_numpy(), np.nan)),
        "rooms": _text_int(hh["rooms"].to_numpy()),
        "income_household_other": _text_dec(hh["income_household_other"].to_numpy()),
    }
    for name in ("visit_result", "consent", "enumerator_id", "ubigeo", "sector", "grupo", "manzana",
                 "dwelling_tenure", "title_holder", "wall_material", "roof_material", "floor_material",
                 "water_source", "sanitation", "electricity", "phone_mobile", "phone_fixed", "internet",
                 "cooking_fuel", "hunger", "programs", "decides_purchases"):
        values[name] = _text_obj(hh[name].to_numpy())
    return values


_MEMBER_INT = ("age", "years_schooling", "hours_worked")
_MEMBER_DEC = ("income_labour", "income_other", "hours_unpaid_domestic", "hours_unpaid_care", "height_cm",
               "weight_kg")
_MEMBER_TEXT = ("full_name", "relationship", "sex", "mother_tongue", "has_dni", "health_insurance",
                "disability", "literate", "education_level", "attends_school", "worked_last_week",
                "has_job_absent", "looked_for_work", "employment_category", "org_member", "org_leader",
                "pp_participated", "crime_victim", "pregnant", "measure_position", "oedema")


def _member_values(m: pd.DataFrame) -> dict[str, np.ndarray]:
    values = {name: _text_int(m[name].to_numpy(dtype=float)) for name in _MEMBER_INT}
    values |= {name: _text_dec(m[name].to_numpy(dtype=float)) for name in _MEMBER_DEC}
    values |= {name: _text_obj(m[name].to_numpy()) for name in _MEMBER_TEXT}
    values["birth_date"] = _text_date(m["birth_date"].to_numpy())
    return values


def _death_values(d: pd.DataFrame) -> dict[str, np.ndarray]:
    return {
        "death_sex": _text_obj(d["death_sex"].to_numpy()),
        "death_age": _text_int(d["death_age"].to_numpy(dtype=float)),
        "death_age_months": _text_int(d["death_age_months"].to_numpy(dtype=float)),
        "death_pregnancy_related": _text_obj(d["death_pregnancy_related"].to_numpy()),
    }


# ------------------------------------------------------------------------------- answers to other items
class _Generic:
    """Plausible answers for questions the population model does not know, by type and name."""

    def __init__(self, spec: FormSpec, rng: np.random.Generator) -> None:
        self.spec = spec
        self.rng = rng

    def candidates(self, q: Question, frame: Frame, rows: np.ndarray) -> list[np.ndarray]:
        """Successive proposals for the rows `rows` (indices into the frame); the first that passes wins."""
        n = len(rows)
        rng = self.rng
        t = q.type
        name = q.name.lower()
        if t in ("select_one", "select_multiple"):
            return [self._select(q, frame, rows) for _ in range(8)]
        if t == "integer":
            return [rng.integers(lo, hi + 1, n).astype(str).astype(object)
                    for lo, hi in ((1, 5), (0, 10), (1, 30), (0, 120), (0, 1000))]
        if t in ("decimal", "range"):
            return [_text_dec(np.round(rng.uniform(lo, hi, n), 1)) for lo, hi in ((0, 10), (0, 100), (0, 1000))]
        if t == "date":
            base = frame.lookup("interview_date")[rows] if "interview_date" in frame.values else None
            if base is not None:
                return [np.asarray(base, dtype=object)]
            return [np.full(n, "2025-10-01", dtype=object)]
        if t == "time":
            return [np.full(n, "10:00:00.000-05:00", dtype=object)]
        if t == "dateTime":
            return [np.full(n, "2025-10-01T10:00:00.000-05:00", dtype=object)]
        if t in ("geopoint", "geotrace", "geoshape"):
            return [np.asarray(frame.lookup("gps")[rows], dtype=object)] if "gps" in frame.values else []
        if t == "acknowledge":
            return [np.full(n, "OK", dtype=object)]
        if t == "barcode":
            return [rng.integers(10**7, 10**8, n).astype(str).astype(object)]
        if t == "text":
            return self._texts(name, n)
        return []

    def _texts(self, name: str, n: int) -> list[np.ndarray]:
        rng = self.rng
        phones = ("9" + pd.Series(rng.integers(0, 10**8, n)).map("{:08d}".format)).to_numpy(object)
        if any(k in name for k in ("phone", "tel", "celular", "movil")):
            return [phones]
        if "name" in name or "nombre" in name:
            first = np.where(rng.random(n) < 0.5, np.asarray(FIRST_NAMES_F, dtype=object)[rng.integers(
                0, len(FIRST_NAMES_F), n)], np.asarray(FIRST_NAMES_M, dtype=object)[rng.integers(
                    0, len(FIRST_NAMES_M), n)])
            return [first + " " + np.asarray(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]]
        if "address" in name or "direccion" in name:
            lot = rng.integers(1, 40, n).astype(str).astype(object)
            return [np.full(n, "Mz. ", dtype=object) + np.asarray(list("ABCDEFGHJKLMN"), dtype=object)[
                rng.integers(0, 13, n)] + " Lt. " + lot]
        if name.endswith("_other") or name.endswith("_otro"):
            opts = np.array(["Vivienda en construcción", "Local comercial", "Vivienda deshabitada temporalmente",
                             "Informante menor de edad"], dtype=object)
            return [opts[rng.integers(0, len(opts), n)]]
        opts = np.array(["Sin observaciones", "Informante colaboradora", "Se completó en segunda visita",
                         "Hogar con vivienda compartida"], dtype=object)
        return [opts[rng.integers(0, len(opts), n)], rng.integers(0, 10**6, n).astype(str).astype(object),
                phones]

    def _select(self, q: Question, frame: Frame, rows: np.ndarray) -> np.ndarray:
        choices = self.spec.choices.get(q.list_name or "", ())
        names = np.array([c.name for c in choices], dtype=object)
        n = len(rows)
        if not len(names):
            return np.full(n, None, dtype=object)
        allowed = np.ones((n, len(names)), dtype=bool)
        if q.choice_filter:
            sub = _subframe(frame, rows)
            for j, c in enumerate(choices):
                sub.choice = dict(c.extra)
                allowed[:, j] = truth(q.choice_filter, sub)
        if q.type == "select_multiple":
            allowed[:, names == "none"] = False
        weights = allowed * self.rng.random((n, len(names)))
        pick = np.argmax(weights, axis=1)
        out = np.where(allowed.any(axis=1), names[pick], NONE)
        if q.type == "select_multiple":
            none = (names == "none").any() & (self.rng.random(n) < 0.6)
            out = np.where(none, "none", out)
        return np.asarray(out, dtype=object)


def _subframe(frame: Frame, rows: np.ndarray) -> Frame:
    values = {k: v[rows] for k, v in frame.values.items()}
    return Frame(values=values, n=len(rows), parent=frame.parent,
                 parent_row=None if frame.parent_row is None else frame.parent_row[rows],
                 position=None if frame.position is None else frame.position[rows], today=frame.today)


# ------------------------------------------------------------------------------------------ the binding
Special = Callable[[Frame, np.random.Generator], np.ndarray]


def _respondent_line(frame: Frame, rng: np.random.Generator) -> np.ndarray:
    """The respondent: usually the head (line 1) or the spouse (line 2), never beyond the roster."""
    size = pd.to_numeric(pd.Series(frame.lookup("hh_size")), errors="coerce").to_numpy()
    line = np.where(rng.random(frame.n) < 0.65, 1, 2)
    line = np.minimum(line, np.nan_to_num(size, nan=1)).astype(float)
    return _text_int(np.where(np.isnan(size), np.nan, line))


SPECIALS: dict[str, Special] = {"respondent_line": _respondent_line}
OPTIONAL_SHARE = {"contact_phone": 0.85, "comments": 0.06, "address": 0.9}


class _Binder:
    def __init__(self, spec: FormSpec, rng: np.random.Generator, today: float) -> None:
        self.spec = spec
        self.rng = rng
        self.today = today
        self.generic = _Generic(spec, rng)
        self.cache: dict[tuple[int, str], np.ndarray] = {}

    def fill(self, questions: tuple[Question, ...], model: dict[str, np.ndarray], frame: Frame) -> None:
        """Answer `questions` in form order into frame.values (by name)."""
        for q in questions:
            if q.type in ATTACHMENT_TYPES:
                frame.values[q.name] = np.full(frame.n, None, dtype=object)
                continue
            relevant = np.ones(frame.n, dtype=bool)
            for expr in (*q.relevant_chain, q.relevant):
                if expr:
                    relevant &= self._truth(expr, frame, q)
            if q.calculation:
                values = self._calculate(q, frame)
            elif q.name in model:
                values = np.asarray(model[q.name], dtype=object).copy()
            elif q.name in SPECIALS:
                values = SPECIALS[q.name](frame, self.rng)
            else:
                values = np.full(frame.n, None, dtype=object)
            values = np.where(relevant, values, NONE)
            frame.values[q.name] = values
            missing = relevant & pd.isna(values)
            want = q.required or (q.name not in model and q.type not in ("calculate",) and not q.calculation)
            if want and missing.any():
                rows = np.flatnonzero(missing)
                share = OPTIONAL_SHARE.get(q.name, 1.0 if q.required else 0.0)
                if not q.required and share < 1.0:
                    rows = rows[self.rng.random(len(rows)) < share]
                if len(rows):
                    values[rows] = self._generate(q, frame, rows)
                    frame.values[q.name] = values

    def _truth(self, expr: str, frame: Frame, q: Question) -> np.ndarray:
        # the same group relevance guards many questions; what it reads is final once evaluated
        key = (id(frame), expr)
        if key in self.cache:
            return self.cache[key]
        try:
            self.cache[key] = truth(expr, frame)
            return self.cache[key]
        except Unsupported as exc:
            log.warning("relevance of %s not evaluated (%s): treated as relevant", q.name, exc)
            return np.ones(frame.n, dtype=bool)

    def _calculate(self, q: Question, frame: Frame) -> np.ndarray:
        try:
            v = evaluate(q.calculation or "", frame)
        except Unsupported as exc:
            log.warning("calculation of %s not evaluated (%s): left empty", q.name, exc)
            return np.full(frame.n, None, dtype=object)
        from cbms.form.xpath import as_str

        out = as_str(v)
        return np.asarray(np.where(out == "", NONE, out), dtype=object)

    def _generate(self, q: Question, frame: Frame, rows: np.ndarray) -> np.ndarray:
        """Values for `rows` that pass the question's constraint (first passing proposal per row)."""
        result = np.full(len(rows), None, dtype=object)
        todo = np.ones(len(rows), dtype=bool)
        for proposal in self.generic.candidates(q, frame, rows):
            if not todo.any():
                break
            ok = todo & ~pd.isna(proposal)
            if q.constraint:
                sub = _subframe(frame, rows)
                try:
                    ok &= truth(q.constraint, sub, dot=proposal)
                except Unsupported as exc:
                    log.warning("constraint of %s not evaluated (%s)", q.name, exc)
            result[ok] = proposal[ok]
            todo &= ~ok
        if todo.any():
            log.warning("no valid value found for %s in %d row(s): left empty", q.name, int(todo.sum()))
        return result


def answer_form(spec: FormSpec, pop: Population, rng: np.random.Generator, today: float,
                revision: Revision | None = None) -> Census:
    """The submissions the population gives for this form (no server metadata beyond keys and dates); a
    `revision` writes the model's current names and codes as the form's version has them."""
    revision = revision or Revision()
    hh = pop.households
    binder = _Binder(spec, rng, today)
    root_q = spec.table(None)
    root_frame = Frame(values={}, n=len(hh), today=today)
    root_model = revision.write(_household_values(pop))
    root_model["instanceID"] = hh["__instance"].to_numpy(object)
    binder.fill(root_q, root_model, root_frame)
    levels: dict[str | None, Level] = {None: Level(None, None, root_q, _frame_table(root_q, root_frame))}
    sources = {"member": (pop.members, _member_values), "death": (pop.deaths, _death_values)}
    for rep in spec.repeats:
        if rep.parent is not None:
            log.warning("nested repeat %s is left empty by the demo generator", rep.name)
        questions = spec.table(rep.name)
        count = _repeat_counts(rep, root_frame)
        table, to_model = sources.get(rep.name, (pd.DataFrame({"hh": np.zeros(0, int)}), None))
        parent = np.repeat(np.arange(len(hh)), count)
        position = _positions(count)
        # the model's rows for (household, position); rows the model lacks stay for the generic answers
        model_rows = _model_rows(table, parent, position)
        columns = revision.write(to_model(table)) if to_model is not None and len(table) else {}
        answers = {q.xpath: np.full(len(parent), None, dtype=object) for q in questions}
        # households in chunks: only the answers themselves are kept for the whole census. The same bytes as
        # in one piece, since a repeat's answers read their own household and draw no random numbers for the
        # shipped form (tests/demo/test_bytes.py)
        bounds = np.searchsorted(parent, np.arange(0, len(hh) + CHUNK, CHUNK))
        for lo, hi in itertools.pairwise(bounds):
            if lo == hi:
                continue
            rows = model_rows[lo:hi]
            model = {name: np.where(rows >= 0, col[np.maximum(rows, 0)], NONE) for name, col in columns.items()}
            frame = Frame(values={}, n=int(hi - lo), parent=root_frame, parent_row=parent[lo:hi],
                          position=position[lo:hi], today=today)
            binder.fill(questions, model, frame)
            binder.cache.clear()  # keyed by the frame's id, which the next chunk's frame may reuse
            for q in questions:
                answers[q.xpath][lo:hi] = frame.values[q.name]
        del columns
        data = pd.DataFrame(answers, dtype=object, copy=False)
        data["__parent"] = parent
        data["__pos"] = position
        levels[rep.name] = Level(rep.name, rep, questions, data)
    return Census(spec=spec, levels=levels, meta=pd.DataFrame(index=range(len(hh))))


def _repeat_counts(rep: Repeat, root: Frame) -> np.ndarray:
    relevant = truth(rep.relevant, root) if rep.relevant else np.ones(root.n, dtype=bool)
    if rep.count:
        try:
            counts = pd.to_numeric(pd.Series(evaluate(rep.count, root).data), errors="coerce").to_numpy()
        except Unsupported as exc:
            log.warning("repeat_count of %s not evaluated (%s): no rows", rep.name, exc)
            counts = np.zeros(root.n)
    else:
        counts = np.ones(root.n)
    return np.where(relevant, np.nan_to_num(counts, nan=0.0), 0).astype(int)


def rows_by_parent(parent: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A repeat's rows grouped by their submission 0..n-1, in row order: (row indices, start of each group; n + 1
    starts). Rows without a submission (parent -1) are in no group."""
    order = np.argsort(parent, kind="stable")
    starts = np.searchsorted(parent[order], np.arange(n + 1), side="left")
    return order, starts


def _positions(count: np.ndarray) -> np.ndarray:
    total = int(count.sum())
    starts = np.repeat(np.cumsum(count) - count, count)
    return np.asarray(np.arange(total) - starts + 1)


def _model_rows(table: pd.DataFrame, parent: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Row of `table` for each (household, position), -1 where the model has none."""
    if not len(table):
        return np.full(len(parent), -1)
    hh = table["hh"].to_numpy()
    pos = table.groupby("hh").cumcount().to_numpy() + 1
    key_model = hh.astype(np.int64) * 1000 + pos
    key_want = parent.astype(np.int64) * 1000 + position
    order = np.argsort(key_model)
    idx = np.searchsorted(key_model[order], key_want)
    idx = np.minimum(idx, len(order) - 1)
    found = key_model[order][idx] == key_want
    return np.where(found, order[idx], -1)


def _frame_table(questions: tuple[Question, ...], frame: Frame) -> pd.DataFrame:
    return pd.DataFrame({q.xpath: np.asarray(frame.values[q.name], dtype=object) for q in questions}, dtype=object)


def instance_items(spec: FormSpec, repeat: str | None, notes: bool = True) -> list[Question | Repeat]:
    """The questions and child repeats of one level in the order of the XForm instance (survey rows;
    the automatic meta fields last)."""
    items: list[tuple[float, int, Question | Repeat]] = []
    for i, q in enumerate(spec.questions):
        if q.repeat == repeat and q.type not in ("group", "repeat") and (notes or q.type != "note"):
            items.append((q.row if q.row is not None else 1e9 + i, i, q))
    for j, r in enumerate(spec.repeats):
        if r.parent == repeat:
            items.append((r.row if r.row is not None else 1e9 + j, j, r))
    items.sort(key=lambda t: (t[0], t[1]))
    return [t[2] for t in items]


def relative_path(spec: FormSpec, item: Question | Repeat) -> tuple[str, ...]:
    """The path of a question or repeat below its enclosing repeat (the whole path at the root)."""
    parent = item.repeat if isinstance(item, Question) else item.parent
    if parent is None:
        return item.path
    rep = next(r for r in spec.repeats if r.name == parent)
    return item.path[len(rep.path):]
