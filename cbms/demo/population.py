"""The synthetic census model: households, members and deaths of a peri-urban Lima district, numpy-vectorised.

It knows nothing of forms or export formats: it returns typed tables keyed by the item names of
QUESTIONNAIRE.md, with NaN / None where an item is not asked of that unit (age, sex and visit rules).
`cbms.demo.answers` then puts them into the form.

Where each distribution was set from (published figures for Lima Metropolitana or Villa El Salvador, then
rounded; the demo only needs indicators in realistic ranges, not an estimate of anything):

- Visit results (absent ~6 %, refused ~3 %, vacant ~3 %, partial ~1.5 %): usual non-response of INEI's
  ENAHO urban fieldwork and of municipal censuses (CBMS round reports), rounded.
- Household size (mean ~3.9) and composition (one-person ~10 %, nuclear ~55 %, extended ~30 %, composite
  ~3 %); female headship ~35 %: INEI, Censos Nacionales 2017, Villa El Salvador (3.9 persons per private
  household) and ENAHO 2023 Lima Metropolitana (female-headed households ~37 %).
- Age-sex pyramid (0-14 ~24 %, 65+ ~8 %), ages at first birth (mean ~25), spouse age gap (husband ~3 years
  older): Censos 2017 VES pyramid; ENDES 2023 (median age at first birth, Lima Metropolitana).
- Mother tongue (Spanish ~87 %, Quechua ~10 % of adults, Aymara ~1 %): Censos 2017, Lima Metropolitana.
- Schooling: attainment of adults 25+ (secondary complete or more ~75 %, mean ~11 years), attendance 3-5
  ~85 %, 6-11 ~98 %, 12-16 ~93 %; illiteracy 15+ ~2 % (women 60+ ~8 %): ENAHO 2023 Lima Metropolitana.
- Employment: labour force participation 14+ ~70 % (men ~80 %, women ~60 %), unemployment ~7 %, categories
  (self-employed ~38 %, employees and workers ~50 %, unpaid family workers ~5 %): INEI, Informe Técnico
  Situación del Mercado Laboral en Lima Metropolitana, 2023.
- Labour income of the employed: lognormal, median ~S/ 1,200, women ~28 % below men, ~7 % more per year of
  schooling; pensions for ~30 % of people 65+: ENAHO 2023 (ingreso promedio mensual proveniente del trabajo,
  Lima Metropolitana ~S/ 1,800). Calibrated so that the monetary poverty headcount against the INEI 2023 lines
  (S/ 446 total, S/ 251 extreme, per person per month) falls near 22 % (INEI, Evolución de la Pobreza
  Monetaria 2014-2023: Lima Metropolitana ~28 %; VES sits near the Lima Sur average).
- Stunting: heights drawn from an approximate WHO 2006 length/height-for-age median and coefficient of
  variation by month (interpolated from the published medians and -2 SD values at 0, 3, 6, 9, 12, 18, 24,
  36, 48, 60 months; the exact LMS tables come with the indicators),
  with z ~ N(-0.55, 1.05) so that ~8-9 % fall below -2 SD (ENDES 2023: stunting under 5, Lima Metropolitana
  ~5 %, urban Peru ~7 %, national 11.5 %; the demo sits a little above Lima to make the indicator visible).
- Unpaid work: women ~2.4x men's weekly hours of domestic and care work (INEI, Encuesta Nacional de Uso del
  Tiempo 2010: women 39h28, men 15h54 of unpaid domestic work a week); more care where young children,
  elderly or disabled members live.
- Services by sector: network water ~88 %, sewer ~85 %, electricity ~98 % in the consolidated sectors, and
  tanker water, latrines, estera walls and earth floors on the hillside and newer settlements (Censos 2017,
  VES by sector, and the district's Plan de Desarrollo Concertado).
- Deaths: crude death rate ~6 per 1,000 a year, most of them of people 60+, under-five mortality ~12 per
  1,000 (INEI, Perú: Estimaciones y Proyecciones; ENDES 2023 Lima Metropolitana).
- Social programs (Vaso de Leche, comedores, Qali Warma, Pensión 65, Juntos, Cuna Más, Contigo), crime
  victimisation (~25 % of people 15+, ENAPRES 2023 Lima Metropolitana) and organisation membership: MIDIS
  program registers and ENAPRES, rounded.

A later round is the same model with a `Design`: its own field period, and what changed by design since the first
round (network connections, consolidation, children's growth, how the crime question reads), declared per sector
in `cbms.demo.rounds`. The defaults are the first round, drawn exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from cbms.demo.geography import UBIGEO, Geography

NONE = np.array(None, dtype=object)  # an item not asked, broadcast by np.where into object arrays

# ---------------------------------------------------------------------------------------------- constants
FIELD_START = date(2025, 9, 1)  # the first round's field period (pipelines/ves_demo.toml): 2025-09-01 .. 2025-10-31
FIELD_DAYS = 61
LIMA_UTC_OFFSET_H = -5

VISIT_RESULTS = ("completed", "partial", "absent", "refused", "vacant", "other")
VISIT_P = (0.865, 0.015, 0.06, 0.03, 0.025, 0.005)

RELATIONSHIPS = ("head", "spouse", "child", "child_in_law", "grandchild", "parent", "parent_in_law",
                 "sibling", "other_relative", "domestic_worker", "boarder", "non_relative")
EDUCATION = ("none", "initial", "primary_incomplete", "primary_complete", "secondary_incomplete",
             "secondary_complete", "higher_tech_incomplete", "higher_tech_complete",
             "university_incomplete", "university_complete", "postgraduate", "special_basic")
# years of schooling (low, high) per level
EDU_YEARS = {0: (0, 0), 1: (0, 0), 2: (1, 5), 3: (6, 6), 4: (7, 10), 5: (11, 11), 6: (12, 13), 7: (14, 14),
             8: (12, 15), 9: (16, 16), 10: (17, 18), 11: (0, 8)}
# adults' final attainment (levels 0, 2..10, 11), for cohorts born before ~1965 and after
ATTAIN_LEVELS = np.array([0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
ATTAIN_OLD = np.array([0.06, 0.14, 0.14, 0.17, 0.28, 0.04, 0.08, 0.03, 0.05, 0.005, 0.005])
ATTAIN_YOUNG = np.array([0.005, 0.02, 0.035, 0.11, 0.39, 0.075, 0.14, 0.08, 0.125, 0.015, 0.005])
TONGUES = ("spanish", "quechua", "aymara", "amazonian", "other_native", "foreign", "sign_language")
TONGUE_P = (0.87, 0.10, 0.01, 0.003, 0.002, 0.013, 0.002)
EMPLOYMENT = ("employer", "self_employed", "employee", "worker", "unpaid_family_worker", "domestic_worker",
              "other")
EMPLOYMENT_P_MEN = (0.05, 0.38, 0.30, 0.23, 0.02, 0.005, 0.015)
EMPLOYMENT_P_WOMEN = (0.03, 0.40, 0.32, 0.09, 0.09, 0.06, 0.01)
ORGS = ("comedor", "vaso_de_leche", "neighbourhood", "women", "parents", "youth", "religious", "political")
PROGRAMS = ("juntos", "pension65", "vaso_de_leche", "comedor", "qali_warma", "cuna_mas", "contigo")
INSURANCE = ("sis", "essalud", "armed_forces", "private", "other")

# approximate WHO 2006 length-for-age (0-24 months, lying) and height-for-age (24-60 months, standing):
# median (cm) and coefficient of variation, the CV taken from the published median and -2 SD values
_WHO = {
    ("male", "length"): ([0, 3, 6, 9, 12, 18, 24], [49.9, 61.4, 67.6, 72.0, 75.7, 82.3, 87.8],
                         [0.0381, 0.0334, 0.0318, 0.0313, 0.0310, 0.0328, 0.0348]),
    ("male", "height"): ([24, 36, 48, 60], [87.1, 96.1, 103.3, 110.0], [0.0350, 0.0385, 0.0407, 0.0423]),
    ("female", "length"): ([0, 3, 6, 9, 12, 18, 24], [49.1, 59.8, 65.7, 70.1, 74.0, 80.7, 86.4],
                           [0.0377, 0.0351, 0.0342, 0.0342, 0.0345, 0.0359, 0.0370]),
    ("female", "height"): ([24, 36, 48, 60], [85.7, 95.1, 102.7, 109.4], [0.0373, 0.0405, 0.0419, 0.0434]),
}
# rough median weight (kg) for length/height (cm), both sexes
_WFH_CM = np.array([45, 50, 60, 70, 80, 90, 100, 110, 120])
_WFH_KG = np.array([2.4, 3.3, 5.9, 8.4, 10.6, 12.9, 15.5, 18.6, 22.4])
HAZ_MEAN, HAZ_SD = -0.55, 1.05

FIRST_NAMES_F = ("María", "Rosa", "Carmen", "Ana", "Luz", "Juana", "Elena", "Gloria", "Julia", "Martha",
                 "Sofía", "Valeria", "Camila", "Lucía", "Milagros", "Flor", "Yolanda", "Nancy", "Ruth",
                 "Isabel", "Diana", "Karina", "Silvia", "Jimena", "Fiorella", "Ximena", "Brenda", "Norma")
FIRST_NAMES_M = ("José", "Luis", "Juan", "Carlos", "Jorge", "Miguel", "Pedro", "César", "Víctor", "Manuel",
                 "Jesús", "Alberto", "Raúl", "Walter", "Julio", "Diego", "Sebastián", "Mateo", "Santiago",
                 "Renzo", "Kevin", "Jhon", "Edwin", "Hugo", "Percy", "Wilmer", "Ángel", "Fernando")
SURNAMES = ("Quispe", "Flores", "Sánchez", "Rodríguez", "García", "Rojas", "Huamán", "Mamani", "Chávez",
            "Ramos", "Torres", "Díaz", "Vásquez", "Mendoza", "Castillo", "Ccama", "Gutiérrez", "Espinoza",
            "Cruz", "Vargas", "Ramírez", "López", "Pérez", "Condori", "Salazar", "Huaranga", "Palomino",
            "Cárdenas", "Paredes", "Villanueva", "Yupanqui", "Apaza", "Soto", "Aguilar", "Medina", "Lázaro")


@dataclass(frozen=True, slots=True)
class Design:
    """A round's field period and what its census changed by design against the first round's model. Per sector
    code: the share of the households without network water (sewer) that got a connection, a change of the
    consolidation that drives dwellings and services, a shift of children's mean height-for-age z-score. And the
    share of people reporting a crime (aged 15+, under 15), which moves with how the question reads."""

    field_start: date = FIELD_START
    field_days: int = FIELD_DAYS
    water_connected: Mapping[str, float] = field(default_factory=dict)
    sewer_connected: Mapping[str, float] = field(default_factory=dict)
    consolidation: Mapping[str, float] = field(default_factory=dict)
    height_for_age: Mapping[str, float] = field(default_factory=dict)
    crime_victims: tuple[float, float] = (0.21, 0.04)


@dataclass(frozen=True, slots=True)
class Population:
    """The census as typed tables; `hh` links members and deaths to households (0..n-1)."""

    households: pd.DataFrame
    members: pd.DataFrame
    deaths: pd.DataFrame


def _choice(rng: np.random.Generator, codes: tuple[str, ...], p: np.ndarray | tuple[float, ...],
            size: int) -> np.ndarray:
    """Codes drawn with probabilities p (one row of p, or one row per draw)."""
    p = np.asarray(p, dtype=float)
    if p.ndim == 1:
        idx = rng.choice(len(codes), size=size, p=p / p.sum())
    else:
        cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
        idx = np.minimum((rng.random(size)[:, None] > cum).sum(axis=1), len(codes) - 1)
    return np.asarray(codes, dtype=object)[idx]


def _yes(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "yes", "no").astype(object)


def _per_hh(values: np.ndarray, hh: np.ndarray, n: int) -> np.ndarray:
    """Sum of values (or count of True) per household 0..n-1."""
    return np.bincount(hh, weights=np.asarray(values, dtype=float), minlength=n)


def _by_sector(values: Mapping[str, float], hh: pd.DataFrame) -> np.ndarray:
    """A design's per-sector value for each household (0 where it names no value for the sector)."""
    return np.asarray(hh["sector"].map(dict(values)).fillna(0.0).to_numpy(dtype=float))


def _where(ask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values where the item is asked, None (object) or NaN (numbers) elsewhere."""
    if values.dtype == object:
        return np.asarray(np.where(ask, values, NONE), dtype=object)
    return np.asarray(np.where(ask, values.astype(float), np.nan), dtype=float)


# ------------------------------------------------------------------------------------------- households
def _visits(n: int, rng: np.random.Generator, geo: Geography, design: Design) -> pd.DataFrame:
    # households per grupo: about equal, a bit more in the big old sectors
    weights = 1.0 + 0.4 * geo.consolidation[geo.grupo_sector] + rng.random(len(geo.grupo_codes)) * 0.3
    grupo = np.sort(rng.choice(len(geo.grupo_codes), size=n, p=weights / weights.sum()))
    sector = geo.grupo_sector[grupo]
    # enumerators: about one per 1,500 households, each working inside one sector
    n_enum = max(len(geo.sector_codes), round(n / 1500) + len(geo.sector_codes))
    enum_sector = np.arange(n_enum) % len(geo.sector_codes)
    enum = np.empty(n, dtype=np.int64)
    for s in range(len(geo.sector_codes)):
        mine = np.flatnonzero(enum_sector == s)
        rows = np.flatnonzero(sector == s)
        enum[rows] = rng.choice(mine, size=len(rows))
    day = rng.integers(0, design.field_days, size=n)
    weekday = (np.datetime64(design.field_start) + day).astype("datetime64[D]").view("int64") % 7  # 0 = Thursday
    day = np.where(weekday == 3, day - 1, day)  # no fieldwork on Sundays: move to Saturday
    day = np.clip(day, 0, design.field_days - 1)
    start_min = rng.integers(8 * 60 + 30, 19 * 60, size=n)  # local time
    visit = _choice(rng, VISIT_RESULTS, VISIT_P, n)
    completed = np.isin(visit, ("completed", "partial"))
    length_s = np.where(completed, rng.gamma(6.0, 6.0, size=n) * 60 + 900, rng.integers(40, 240, size=n))
    start = (np.datetime64(design.field_start, "ms") + day.astype("timedelta64[D]")
             + (start_min * 60_000 + rng.integers(0, 60_000, size=n)).astype("timedelta64[ms]"))
    end = start + (length_s * 1000).astype("int64").astype("timedelta64[ms]")
    # sent when back in signal: minutes to two days later; in UTC on the server
    delay = np.where(rng.random(n) < 0.6, rng.integers(1, 90, size=n) * 60_000, rng.integers(3, 48, size=n)
                     * 3_600_000) + rng.integers(0, 60_000, size=n)
    submitted_utc = end - np.timedelta64(LIMA_UTC_OFFSET_H, "h") + delay.astype("timedelta64[ms]")
    order = np.argsort(submitted_utc, kind="stable")
    df = pd.DataFrame({
        "grupo_i": grupo, "sector_i": sector, "enumerator_i": enum, "visit_result": visit,
        "start": start, "end": end, "submitted_utc": submitted_utc,
    }).iloc[order].reset_index(drop=True)
    df["interview_date"] = df["start"].to_numpy().astype("datetime64[D]")
    df["sector"] = np.asarray(geo.sector_codes, dtype=object)[df["sector_i"].to_numpy()]
    df["grupo"] = np.asarray(geo.grupo_codes, dtype=object)[df["grupo_i"].to_numpy()]
    df["enumerator_id"] = np.array([f"E{e + 1:03d}" for e in range(n_enum)], dtype=object)[df["enumerator_i"]]
    df["ubigeo"] = UBIGEO
    lat, lon = geo.points(df["grupo_i"].to_numpy(), rng)
    hill = 1.0 - geo.consolidation[df["sector_i"].to_numpy()]
    df["gps_lat"] = np.round(lat, 7)
    df["gps_lon"] = np.round(lon, 7)
    df["gps_alt"] = np.round(rng.normal(60 + 140 * hill, 15), 1)
    df["gps_acc"] = np.round(rng.gamma(3.0, 2.0, size=n) + 2.0, 1)
    blocks = np.array([f"{chr(65 + i % 26)}{i // 26 if i >= 26 else ''}" for i in range(60)], dtype=object)
    df["manzana"] = blocks[rng.integers(0, 57, size=n)]
    return df


# ---------------------------------------------------------------------------------------------- members
def _roster(hh: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """Who lives in each interviewed household: relationship, sex, age; returns (members, head_sex)."""
    n = len(hh)
    interviewed = np.isin(hh["visit_result"].to_numpy(), ("completed", "partial"))
    head_age = np.clip(np.round(rng.gamma(6.5, 6.0, size=n) + 9), 18, 95).astype(int)
    # one-person households: more among the old
    alone = rng.random(n) < np.where(head_age >= 65, 0.18, np.where(head_age < 30, 0.09, 0.05))
    p_female = np.where(alone, 0.5, 0.33) + np.where(head_age >= 65, 0.08, 0.0)
    head_f = rng.random(n) < p_female
    has_spouse = ~alone & (rng.random(n) < np.where(head_f, 0.22, 0.86))
    spouse_age = np.clip(np.round(head_age + np.where(head_f, 3.0, -3.0) + rng.normal(0, 4, n)), 16, 99)
    spouse_age = spouse_age.astype(int)
    # the youngest parent bounds the children's ages (>= 15 years younger than both)
    ref_age = np.where(has_spouse, np.minimum(head_age, spouse_age), head_age)
    mean_kids = np.interp(ref_age, [18, 25, 32, 40, 48, 58, 70, 90], [0.9, 1.7, 2.3, 2.5, 2.1, 1.4, 0.8, 0.4])
    mean_kids = np.where(has_spouse | head_f, mean_kids, mean_kids * 0.45)  # lone fathers: fewer at home
    n_kids = np.where(alone, 0, np.minimum(rng.poisson(mean_kids), 8))
    old = head_age >= 45
    n_grand = np.where(~alone & old & (rng.random(n) < np.interp(head_age, [45, 55, 65, 80], [0.1, 0.28,
                       0.38, 0.35])), rng.integers(1, 4, size=n), 0)
    n_kids = np.where((n_grand > 0) & (n_kids == 0), 1, n_kids)  # a grandchild's parent lives here
    n_cil = np.where((n_grand > 0) & (rng.random(n) < 0.35), 1, 0)
    n_parent = np.where(~alone & (head_age < 60) & (rng.random(n) < 0.07), 1, 0)
    n_pil = np.where(~alone & has_spouse & (head_age < 60) & (rng.random(n) < 0.03), 1, 0)
    n_sib = np.where(~alone & (rng.random(n) < 0.06), rng.integers(1, 3, size=n), 0)
    n_orel = np.where(~alone & (rng.random(n) < 0.05), rng.integers(1, 3, size=n), 0)
    n_dom = np.where(~alone & (rng.random(n) < 0.008), 1, 0)
    n_board = np.where(~alone & (rng.random(n) < 0.012), 1, 0)
    n_nonrel = np.where(~alone & (rng.random(n) < 0.015), 1, 0)
    counts = np.stack([np.ones(n, int), has_spouse.astype(int), n_kids, n_cil, n_grand, n_parent, n_pil,
                       n_sib, n_orel, n_dom, n_board, n_nonrel], axis=1)
    counts[~interviewed] = 0
    per_hh = counts.sum(axis=1)
    m_hh = np.repeat(np.arange(n), per_hh)
    m_rel = np.concatenate([np.repeat(np.full(n, r), counts[:, r]) for r in range(len(RELATIONSHIPS))])
    m_hh_by_rel = np.concatenate([np.repeat(np.arange(n), counts[:, r]) for r in range(len(RELATIONSHIPS))])
    order = np.lexsort((m_rel, m_hh_by_rel))
    m_rel = m_rel[order]
    m_hh = m_hh_by_rel[order]
    k = len(m_hh)
    h_age = head_age[m_hh]
    r_age = ref_age[m_hh]
    hf = head_f[m_hh]
    age = np.zeros(k, dtype=int)
    female = rng.random(k) < 0.5
    is_ = {name: m_rel == i for i, name in enumerate(RELATIONSHIPS)}
    age[is_["head"]] = h_age[is_["head"]]
    female[is_["head"]] = hf[is_["head"]]
    age[is_["spouse"]] = spouse_age[m_hh][is_["spouse"]]
    female[is_["spouse"]] = ~hf[is_["spouse"]]
    c = is_["child"]
    birth_age = np.clip(rng.normal(25.5, 5.5, size=k), 15, 44)
    unborn = birth_age > r_age  # too young a parent for that draw: a small child instead
    child_age = np.where(unborn, np.floor(rng.random(k) * np.clip(r_age - 15, 1, 5)), np.floor(r_age - birth_age))
    child_age = np.clip(child_age, 0, 60)
    age[c] = child_age[c]
    female[c] = rng.random(c.sum()) < 0.49
    g = is_["grandchild"]
    age[g] = np.floor(rng.random(g.sum()) * np.clip(h_age[g] - 35, 1, 25))
    cil = is_["child_in_law"]
    age[cil] = np.clip(np.round(h_age[cil] - rng.normal(26, 4, cil.sum())), 18, 70)
    female[cil] = rng.random(cil.sum()) < 0.7
    for rel in ("parent", "parent_in_law"):
        m = is_[rel]
        age[m] = np.clip(np.round(h_age[m] + rng.normal(27, 4, m.sum())), h_age[m] + 15, 104)
        female[m] = rng.random(m.sum()) < 0.72
    s = is_["sibling"]
    age[s] = np.clip(np.round(h_age[s] + rng.normal(0, 7, s.sum())), 12, 95)
    o = is_["other_relative"]
    age[o] = np.clip(np.round(rng.gamma(2.0, 11.0, o.sum())), 0, 90)
    d = is_["domestic_worker"]
    age[d] = rng.integers(18, 56, d.sum())
    female[d] = rng.random(d.sum()) < 0.95
    b = is_["boarder"] | is_["non_relative"]
    age[b] = rng.integers(17, 55, b.sum())
    # children by age, oldest first, as enumerators list them
    key = np.where(c, 1000 - age, 0)
    order = np.lexsort((key, m_rel, m_hh))
    members = pd.DataFrame({"hh": m_hh[order], "rel_i": m_rel[order], "age": age[order],
                            "female": female[order]})
    members["line_no"] = members.groupby("hh").cumcount() + 1
    return members, head_f


def _schooling(m: pd.DataFrame, rng: np.random.Generator, birth_year: np.ndarray) -> None:
    age = m["age"].to_numpy()
    k = len(m)
    female = m["female"].to_numpy()
    level = np.full(k, -1)
    years = np.full(k, np.nan)
    adult = age >= 17
    young = np.clip((birth_year - 1950) / 40.0, 0, 1)[:, None]
    p = ATTAIN_OLD[None, :] * (1 - young) + ATTAIN_YOUNG[None, :] * young
    # older women: less schooling
    p = np.where((female & (birth_year < 1970))[:, None], p * np.array([2.2, 1.6, 1.2, 1, 0.8, 0.8, 0.8, 0.8,
                                                                         0.7, 0.7, 1])[None, :], p)
    cum = np.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    draw = ATTAIN_LEVELS[np.minimum((rng.random(k)[:, None] > cum).sum(axis=1), len(ATTAIN_LEVELS) - 1)]
    level[adult] = draw[adult]
    # too young to have finished: technical degrees from 19, university from 22, postgraduate from 24
    level[adult & (level == 7) & (age < 19)] = 6
    level[adult & (level == 9) & (age < 22)] = 8
    level[adult & (level == 10) & (age < 24)] = 9
    level[adult & (level == 9) & (age < 22)] = 8
    # 17-24 still studying: higher education incomplete
    studying = (age >= 17) & (age <= 24) & (rng.random(k) < np.interp(age, [17, 20, 24], [0.55, 0.42, 0.2]))
    studying &= level >= 5
    level[studying] = np.where(rng.random(studying.sum()) < 0.45, 6, 8)
    kid = (age >= 3) & (age <= 16)
    level[(age >= 3) & (age <= 5)] = 1
    level[(age >= 6) & (age <= 11)] = 2
    level[(age == 12)] = 3
    level[(age >= 13) & (age <= 16)] = 4
    behind = kid & (age >= 7) & (rng.random(k) < 0.06)  # a year or two behind
    level[(age == 12) & behind] = 2
    special = (age >= 6) & (rng.random(k) < 0.003)
    level[special] = 11
    lo = np.array([EDU_YEARS[i][0] for i in range(12)])
    hi = np.array([EDU_YEARS[i][1] for i in range(12)])
    ok = level >= 0
    years[ok] = lo[level[ok]] + np.floor(rng.random(ok.sum()) * (hi[level[ok]] - lo[level[ok]] + 1))
    years[special] = np.minimum(years[special], np.maximum(age[special] - 6, 0))
    in_school = (age >= 6) & (age <= 16) & (level != 11)
    years[in_school] = np.clip(age[in_school] - 6 - behind[in_school], 0, 10)
    years[(age >= 17) & (level == 4)] = np.minimum(years[(age >= 17) & (level == 4)], 10)
    m["education_level"] = _where(level >= 0, np.asarray(EDUCATION, dtype=object)[np.maximum(level, 0)])
    m["years_schooling"] = _where(level >= 0, years)
    attends = np.zeros(k, dtype=bool)
    attends |= (age >= 3) & (age <= 5) & (rng.random(k) < np.interp(age, [3, 5], [0.74, 0.95]))
    attends |= (age >= 6) & (age <= 11) & (rng.random(k) < 0.985)
    attends |= (age >= 12) & (age <= 16) & (rng.random(k) < np.interp(age, [12, 16], [0.97, 0.86]))
    attends |= studying
    attends |= (age >= 17) & (age <= 24) & (level == 4) & (rng.random(k) < 0.4)
    m["attends_school"] = _where((age >= 3) & (age <= 24), _yes(attends))
    literate = np.where(age <= 5, rng.random(k) < 0.05,
                        np.where(age <= 7, rng.random(k) < np.interp(age, [6, 7], [0.55, 0.9]),
                                 level >= 3))
    literate |= (level == 2) & (age >= 8) & (rng.random(k) < 0.93)
    literate &= ~((age >= 15) & (level <= 0) & (rng.random(k) < 0.8))
    m["literate"] = _where(age >= 3, _yes(literate))
    m["_level"] = level


def _work(m: pd.DataFrame, rng: np.random.Generator) -> None:
    age = m["age"].to_numpy()
    female = m["female"].to_numpy()
    k = len(m)
    asked = age >= 14
    studying = m["attends_school"].to_numpy() == "yes"
    p_work = np.where(female, np.interp(age, [14, 18, 25, 35, 50, 60, 70, 80], [0.06, 0.3, 0.6, 0.65, 0.62,
                                                                               0.45, 0.22, 0.06]),
                      np.interp(age, [14, 18, 25, 35, 50, 60, 70, 80], [0.08, 0.4, 0.84, 0.9, 0.88, 0.72,
                                                                        0.45, 0.15]))
    p_work = np.where(studying, p_work * 0.45, p_work)
    head = m["rel_i"].to_numpy() == 0  # heads of working age nearly always bring an income
    p_work = np.where(head & (age >= 20) & (age < 65), np.maximum(p_work, np.where(female, 0.74, 0.93)), p_work)
    p_work = np.where(m["rel_i"].to_numpy() == RELATIONSHIPS.index("domestic_worker"), 1.0, p_work)
    worked = rng.random(k) < p_work
    absent = ~worked & (rng.random(k) < 0.045 * (age < 70))
    employed = worked | absent
    p_look = np.where(studying, 0.05, np.interp(age, [14, 20, 30, 50, 60, 70], [0.04, 0.22, 0.2, 0.14,
                                                                                0.07, 0.01]))
    p_look = np.where(female, p_look * 0.8, p_look)
    looked = ~employed & (rng.random(k) < p_look)
    m["worked_last_week"] = _where(asked, _yes(worked))
    m["has_job_absent"] = _where(asked & ~worked, _yes(absent))
    m["looked_for_work"] = _where(asked & ~employed, _yes(looked))
    cat = np.where(female[:, None], np.array(EMPLOYMENT_P_WOMEN)[None, :], np.array(EMPLOYMENT_P_MEN)[None, :])
    category = _choice(rng, EMPLOYMENT, cat, k)
    category = np.where(m["rel_i"].to_numpy() == RELATIONSHIPS.index("domestic_worker"), "domestic_worker",
                        category)
    category = np.where((age < 18) & (category == "employer"), "unpaid_family_worker", category)
    m["employment_category"] = _where(asked & employed, category.astype(object))
    hours = np.where(female, rng.normal(38, 14, k), rng.normal(46, 12, k))
    hours = np.where(studying, hours * 0.55, hours)
    hours = np.clip(np.round(hours), 4, 96)
    hours = np.where(worked, hours, 0)
    m["hours_worked"] = _where(asked & employed, hours)
    # labour income, soles a month: lognormal, returns to schooling, gender gap, informality
    years = np.nan_to_num(m["years_schooling"].to_numpy(dtype=float), nan=6.0)
    log_mu = (np.log(1450) + 0.075 * (years - 11) - np.where(female, 0.33, 0.0)
              + np.where(np.isin(category, ("employer",)), 0.5, 0.0)
              + np.where(np.isin(category, ("employee",)), 0.15, 0.0)
              - np.where(np.isin(category, ("domestic_worker",)), 0.25, 0.0)
              + 0.012 * np.clip(age - 18, 0, 30) - 0.01 * np.clip(age - 60, 0, 30)
              + np.log(np.clip(hours, 8, 60) / 44.0) * 0.7)
    income = np.exp(log_mu + rng.normal(0, 0.45, k))
    income = np.where(absent, income * 0.9, income)
    # formal full-time wage earners get at least the minimum wage (RMV S/ 1,025 since May 2022)
    formal = np.isin(category, ("employee", "worker")) & (hours >= 40) & (rng.random(k) < 0.6)
    income = np.where(formal, np.maximum(income, 1025.0), income)
    paid = employed & (category != "unpaid_family_worker")
    income = np.where(paid, income, 0.0)
    income = np.where(income > 500, np.round(income / 50) * 50, np.round(income / 10) * 10)
    m["income_labour"] = _where(asked, income)
    # other income: pensions (60+), transfers, rents
    pension = (age >= 60) & (rng.random(k) < np.interp(age, [60, 65, 75], [0.12, 0.3, 0.36]))
    other = np.where(pension, np.round(rng.lognormal(np.log(900), 0.5, k) / 10) * 10, 0.0)
    transfer = asked & ~pension & (rng.random(k) < 0.06)
    other = np.where(transfer, np.round(rng.lognormal(np.log(250), 0.7, k) / 10) * 10, other)
    m["income_other"] = _where(asked, other)
    m["_employed"] = employed


def _care(m: pd.DataFrame, hh: pd.DataFrame, rng: np.random.Generator) -> None:
    age = m["age"].to_numpy()
    female = m["female"].to_numpy()
    k = len(m)
    hh_i = m["hh"].to_numpy()
    young_kids = _per_hh(age < 6, hh_i, len(hh))[hh_i]
    frail = _per_hh(age >= 75, hh_i, len(hh))[hh_i]
    dis_hh = _per_hh(m["disability"].to_numpy() == "yes", hh_i, len(hh))[hh_i]
    employed = m["_employed"].to_numpy()
    hours_paid = np.nan_to_num(m["hours_worked"].to_numpy(dtype=float))
    base_dom = np.where(female, 30.0, 11.5) * np.interp(age, [12, 16, 20, 30, 70, 90], [0.35, 0.5, 0.7, 1, 1,
                                                                                     0.6])
    base_dom = base_dom * (1 - 0.25 * np.clip(hours_paid / 48, 0, 1))
    dom = np.clip(rng.normal(base_dom, base_dom * 0.35 + 1), 0, 70)
    need = young_kids * 1.0 + frail * 0.6 + dis_hh * 0.5
    base_care = np.where(female, 9.0, 3.6) * need * np.interp(age, [12, 18, 25, 60, 80], [0.3, 0.6, 1, 0.8,
                                                                                          0.3])
    care = np.clip(rng.normal(base_care, base_care * 0.4 + 0.5), 0, 60)
    care = np.where(need == 0, np.clip(rng.normal(1.0, 1.5, k), 0, 8) * female, care)
    is_dom_worker = m["rel_i"].to_numpy() == RELATIONSHIPS.index("domestic_worker")
    dom = np.where(is_dom_worker, np.clip(dom * 0.3, 0, 20), dom)
    # the form caps a week at 168 hours: paid + domestic + care
    dom = np.round(dom * 2) / 2
    care = np.minimum(np.round(care * 2) / 2, np.maximum(168 - 56 - dom - hours_paid, 0))
    asked = age >= 12
    m["hours_unpaid_domestic"] = _where(asked, dom)
    m["hours_unpaid_care"] = _where(asked, care)
    del employed, hh


def _people(m: pd.DataFrame, hh: pd.DataFrame, rng: np.random.Generator, design: Design) -> None:
    """Personal items other than schooling and work."""
    k = len(m)
    age = m["age"].to_numpy()
    female = m["female"].to_numpy()
    hh_i = m["hh"].to_numpy()
    m["sex"] = np.where(female, "female", "male").astype(object)
    # mother tongue: a household trait for adults, Spanish for most children born in Lima
    hh_tongue = _choice(rng, TONGUES, TONGUE_P, len(hh))
    own = _choice(rng, TONGUES, (0.9, 0.07, 0.005, 0.002, 0.001, 0.02, 0.002), k)
    tongue = np.where(age >= 30, np.where(rng.random(k) < 0.8, hh_tongue[hh_i], own),
                      np.where(rng.random(k) < 0.85, "spanish", own))
    tongue = np.where((age < 30) & (tongue == "quechua") & (rng.random(k) < 0.5), "spanish", tongue)
    m["mother_tongue"] = tongue.astype(object)
    migrant = (hh_tongue[hh_i] == "foreign") | (rng.random(len(hh)) < 0.03)[hh_i]
    no_dni = np.where(migrant, rng.random(k) < 0.7, rng.random(k) < np.where(age < 1, 0.06, 0.006))
    m["has_dni"] = _yes(~no_dni)
    m["disability"] = _yes(rng.random(k) < 0.015 + 0.0016 * age)
    m["crime_victim"] = _yes(rng.random(k) < np.where(age >= 15, *design.crime_victims))
    preg_ask = female & (age >= 12) & (age <= 49)
    p_preg = np.interp(age, [12, 15, 18, 25, 32, 40, 45, 49], [0.0, 0.01, 0.04, 0.07, 0.06, 0.025, 0.006, 0.0])
    m["pregnant"] = _where(preg_ask, _yes(rng.random(k) < p_preg))
    first = np.where(female, np.asarray(FIRST_NAMES_F, dtype=object)[rng.integers(0, len(FIRST_NAMES_F), k)],
                     np.asarray(FIRST_NAMES_M, dtype=object)[rng.integers(0, len(FIRST_NAMES_M), k)])
    sn = np.asarray(SURNAMES, dtype=object)
    hh_s1 = sn[rng.integers(0, len(sn), len(hh))]
    hh_s2 = sn[rng.integers(0, len(sn), len(hh))]
    own1 = sn[rng.integers(0, len(sn), k)]
    own2 = sn[rng.integers(0, len(sn), k)]
    rel = m["rel_i"].to_numpy()
    blood = np.isin(rel, [0, 2, 4, 7])
    s1 = np.where(blood, hh_s1[hh_i], own1)
    s2 = np.where(blood, np.where(rel == 2, own2, hh_s2[hh_i]), own2)
    m["full_name"] = first + " " + s1 + " " + s2


def _insurance_orgs(m: pd.DataFrame, rng: np.random.Generator) -> None:
    k = len(m)
    age = m["age"].to_numpy()
    female = m["female"].to_numpy()
    hh_i = m["hh"].to_numpy()
    cat = m["employment_category"].to_numpy()
    employee = np.isin(cat, ("employee", "worker"))
    formal = employee & (rng.random(k) < 0.6)
    hh_formal = pd.Series(formal).groupby(hh_i).transform("any").to_numpy()
    essalud = formal | (hh_formal & (rng.random(k) < 0.85))
    sis = ~essalud & (rng.random(k) < np.where(age < 18, 0.86, 0.72))
    private = rng.random(k) < np.where(essalud, 0.05, 0.015)
    armed = ~essalud & ~sis & (rng.random(k) < 0.02)
    other = ~essalud & ~sis & ~armed & (rng.random(k) < 0.01)
    codes = np.stack([sis, essalud, armed, private, other], axis=1)
    m["health_insurance"] = _multi(codes, INSURANCE)
    # organisations (15+): women run the comedores and the Vaso de Leche committees
    asked = age >= 15
    p = np.stack([
        np.where(female, 0.06, 0.01), np.where(female, 0.10, 0.01), np.full(k, 0.09),
        np.where(female, 0.05, 0.0), np.where(female, 0.05, 0.02) * (age < 55),
        np.where(age <= 29, 0.04, 0.0), np.full(k, 0.06), np.full(k, 0.01),
    ], axis=1)
    orgs = rng.random((k, len(ORGS))) < p
    m["org_member"] = _where(asked, _multi(orgs, ORGS))
    member = asked & orgs.any(axis=1)
    m["org_leader"] = _where(member, _yes(rng.random(k) < np.where(female, 0.17, 0.15)))
    pp = rng.random(k) < np.where(member, 0.16, 0.025)
    m["pp_participated"] = _where(age >= 18, _yes(pp))


def _multi(flags: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
    """Space-separated codes of a select_multiple, `none` when no flag is set."""
    out = np.full(len(flags), "", dtype=object)
    for j, code in enumerate(codes):
        out = np.where(flags[:, j], out + (" " + code), out)
    out = np.char.strip(out.astype(str)).astype(object)
    return np.where(out == "", "none", out)


def _children(m: pd.DataFrame, hh: pd.DataFrame, rng: np.random.Generator, design: Design) -> None:
    """Birth dates for the under-fives and their anthropometry (WHO-based heights, see module docstring)."""
    age = m["age"].to_numpy()
    k = len(m)
    u5 = age < 5
    interview = hh["interview_date"].to_numpy().astype("datetime64[D]")[m["hh"].to_numpy()]
    # at most 363 days past the birthday: never a full year more, leap days or not
    days = np.floor(age * 365.25 + rng.random(k) * 363).astype(int)
    birth = interview - days.astype("timedelta64[D]")
    # completed years from the dates themselves, so age and birth date always agree
    by = birth.astype("datetime64[Y]").astype(int) + 1970
    iy = interview.astype("datetime64[Y]").astype(int) + 1970
    bmd = (birth - birth.astype("datetime64[Y]")).astype(int)
    imd = (interview - interview.astype("datetime64[Y]")).astype(int)
    b_month_day = pd.to_datetime(birth).strftime("%m%d").to_numpy()
    i_month_day = pd.to_datetime(interview).strftime("%m%d").to_numpy()
    exact = iy - by - (i_month_day < b_month_day)
    del bmd, imd
    age = np.where(u5, np.minimum(exact, 4), age)
    m["age"] = age
    m["birth_date"] = np.where(u5, birth, np.datetime64("NaT"))
    age_days = (interview - birth).astype(int)
    months = age_days / 30.4375
    female = m["female"].to_numpy()
    med = np.zeros(k)
    cv = np.zeros(k)
    for (sex, kind), (at, median, coef) in _WHO.items():
        rows = (female == (sex == "female")) & ((age_days < 731) == (kind == "length"))
        med[rows] = np.interp(months[rows], at, median)
        cv[rows] = np.interp(months[rows], at, coef)
    z = rng.normal(HAZ_MEAN, HAZ_SD, k)
    if design.height_for_age:
        z = z + _by_sector(design.height_for_age, hh)[m["hh"].to_numpy()]
    standardised = med * (1 + cv * z)  # length below 731 days, height from then on
    lying = np.where(age_days < 731, rng.random(k) < 0.95, rng.random(k) < 0.04)
    # a lying length reads 0.7 cm more than a standing height (WHO: add or subtract 0.7 cm)
    measured = standardised + np.where(lying & (age_days >= 731), 0.7, 0.0) \
        - np.where(~lying & (age_days < 731), 0.7, 0.0)
    height = np.round(np.clip(measured, 38.5, 129.5), 1)
    weight = np.interp(height, _WFH_CM, _WFH_KG) * np.exp(rng.normal(0.0, 0.09, k))
    weight = np.round(np.clip(weight, 1.0, 29.5), 1)
    m["height_cm"] = _where(u5, height)
    m["weight_kg"] = _where(u5, weight)
    m["measure_position"] = _where(u5, np.where(lying, "lying", "standing").astype(object))
    m["oedema"] = _where(u5, _yes(rng.random(k) < 0.001))


# -------------------------------------------------------------------------------------- dwelling & more
def _dwelling(hh: pd.DataFrame, m: pd.DataFrame, geo: Geography, rng: np.random.Generator, design: Design) -> None:
    n = len(hh)
    base = geo.consolidation[hh["sector_i"].to_numpy()]
    if design.consolidation:
        base = base + _by_sector(design.consolidation, hh)
    c = np.clip(base + rng.normal(0, 0.08, n), 0.02, 0.98)
    # a household-level wealth score, used for the goods money buys (walls, floors, internet)
    hh_income = m.groupby("hh")["income_labour"].sum().reindex(range(n), fill_value=0).to_numpy()
    size = m.groupby("hh").size().reindex(range(n), fill_value=1).to_numpy()
    w = np.clip(np.log1p(hh_income / np.maximum(size, 1)) / 7.5, 0, 1)

    def pick(codes: tuple[str, ...], p: list[np.ndarray]) -> np.ndarray:
        return _choice(rng, codes, np.clip(np.stack(p, axis=1), 1e-4, None), n)

    tenure = pick(("owned_titled", "owned_untitled", "rented", "ceded", "invaded", "other"),
                  [0.72 * c, 0.28 * (1 - c) + 0.04, np.full(n, 0.15), np.full(n, 0.07), 0.12 * (1 - c) ** 2,
                   np.full(n, 0.01)])
    hh["dwelling_tenure"] = tenure
    holder = pick(("woman", "man", "joint", "other", "none"),
                  [np.full(n, 0.27), np.full(n, 0.30), np.full(n, 0.38), np.full(n, 0.03), np.full(n, 0.02)])
    hh["title_holder"] = _where(tenure == "owned_titled", holder)
    wall = pick(("brick_concrete", "adobe", "wood", "quincha", "estera", "calamina", "scrap", "other"),
                [0.35 + 0.6 * c * (0.7 + 0.3 * w), np.full(n, 0.01), 0.18 * (1 - c), np.full(n, 0.004),
                 0.14 * (1 - c) ** 1.5, 0.05 * (1 - c), 0.02 * (1 - c), np.full(n, 0.005)])
    hh["wall_material"] = wall
    precarious = np.isin(wall, ("wood", "estera", "calamina", "scrap"))
    roof = pick(("concrete", "wood", "calamina", "estera", "scrap", "other"),
                [np.where(precarious, 0.02, 0.25 + 0.6 * c), np.where(precarious, 0.2, 0.04),
                 np.where(precarious, 0.55, 0.2), np.where(precarious, 0.18, 0.01) * (1.5 - c),
                 np.where(precarious, 0.04, 0.002), np.full(n, 0.01)])
    hh["roof_material"] = roof
    hh["floor_material"] = pick(("earth", "cement", "tile", "wood", "parquet", "other"),
                                [0.35 * (1 - c) ** 1.3 + 0.01, 0.55 + 0.2 * (1 - c), 0.05 + 0.35 * c * w,
                                 np.full(n, 0.02), 0.01 + 0.03 * w, np.full(n, 0.005)])
    hh["water_source"] = pick(("network_inside", "network_outside", "standpipe", "tanker", "well", "river",
                               "other"),
                              [0.15 + 0.8 * c ** 1.2, np.full(n, 0.04), 0.1 * (1 - c), 0.45 * (1 - c) ** 1.5,
                               np.full(n, 0.003), np.full(n, 0.0005), np.full(n, 0.005)])
    hh["sanitation"] = pick(("sewer_inside", "sewer_outside", "septic", "latrine", "cesspit", "river", "none"),
                            [0.1 + 0.85 * c ** 1.2, np.full(n, 0.03), 0.05 * (1 - c), 0.35 * (1 - c) ** 1.3,
                             0.12 * (1 - c), np.full(n, 0.001), 0.03 * (1 - c)])
    hh["electricity"] = _yes(rng.random(n) < 0.9 + 0.09 * c)
    hh["phone_mobile"] = _yes(rng.random(n) < 0.9 + 0.07 * w)
    hh["phone_fixed"] = _yes(rng.random(n) < 0.04 + 0.3 * c * w)
    hh["internet"] = _yes(rng.random(n) < 0.15 + 0.55 * w + 0.15 * c)
    fuel = pick(("gas_lpg", "natural_gas", "electricity", "kerosene", "charcoal", "wood", "dung", "none"),
                [np.full(n, 0.84), 0.16 * c ** 2, np.full(n, 0.015), np.full(n, 0.002), 0.02 * (1 - c),
                 0.03 * (1 - c) ** 1.5, np.full(n, 0.0005), np.where(size == 1, 0.08, 0.005)])
    hh["cooking_fuel"] = fuel
    rooms = 1 + rng.poisson(np.clip(0.35 * size + 0.8 * c + 0.6 * w - 0.2, 0.1, None))
    hh["rooms"] = np.clip(rooms, 1, 12).astype(float)
    if design.water_connected:
        _connect(hh, "water_source", ("network_inside", "network_outside"), _by_sector(design.water_connected, hh),
                 rng)
    if design.sewer_connected:
        _connect(hh, "sanitation", ("sewer_inside", "sewer_outside"), _by_sector(design.sewer_connected, hh), rng)


def _connect(hh: pd.DataFrame, item: str, network: tuple[str, str], share: np.ndarray,
             rng: np.random.Generator) -> None:
    """Connections to the public network since the first round: in each sector, that share of the households
    without one; most reach inside the dwelling."""
    codes = hh[item].to_numpy(object)
    n = len(codes)
    connected = ~np.isin(codes, network) & (rng.random(n) < share)
    inside = rng.random(n) < 0.85
    hh[item] = np.where(connected, np.where(inside, network[0], network[1]), codes).astype(object)


def _household_items(hh: pd.DataFrame, m: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(hh)
    size = m.groupby("hh").size().reindex(range(n), fill_value=0).to_numpy()
    economic = ~np.isin(m["rel_i"].to_numpy(), (RELATIONSHIPS.index("domestic_worker"),
                                                RELATIONSHIPS.index("boarder")))
    inc = np.nan_to_num(m["income_labour"].to_numpy(dtype=float)) + np.nan_to_num(
        m["income_other"].to_numpy(dtype=float))
    total = pd.Series(np.where(economic, inc, 0.0)).groupby(m["hh"].to_numpy()).sum()
    total = total.reindex(range(n), fill_value=0.0).to_numpy()
    n_econ = pd.Series(economic.astype(int)).groupby(m["hh"].to_numpy()).sum().reindex(range(n), fill_value=0)
    n_econ = np.maximum(n_econ.to_numpy(), 1)
    # remittances, rents, help from relatives: most households with no earner live on them
    earners = _per_hh(inc > 0, m["hh"].to_numpy(), n)
    p_other = np.where(earners == 0, 0.92, 0.12)
    other = np.where(rng.random(n) < p_other, np.round(rng.lognormal(np.log(np.where(earners == 0, 850, 350)),
                                                                     0.6) / 10) * 10, 0.0)
    hh["income_household_other"] = other
    y = (total + other) / n_econ
    poor = y < 446
    hh["hunger"] = _yes(rng.random(n) < np.where(y < 251, 0.35, np.where(poor, 0.18, 0.04)))
    g = m.groupby("hh")["age"]

    def has(cond: pd.Series) -> np.ndarray:
        return np.asarray(cond.groupby(m["hh"].to_numpy()).any().reindex(range(n), fill_value=False), dtype=bool)

    age = m["age"]
    kids_u7 = has(age < 7)
    kids_u3 = has(age < 3)
    school = has((age >= 3) & (age <= 11))
    old65 = has(age >= 65)
    dis = has(m["disability"] == "yes")
    del g
    r = rng.random((n, len(PROGRAMS)))
    # targeting errors as programme registers show them: some households outside the rule receive (leakage),
    # most of those inside it do not (under-coverage); the same draws `r`, so no other answer changes
    flags = np.stack([
        kids_u7 & (r[:, 0] < np.where(y < 251, 0.25, np.where(poor, 0.08, 0.02))),
        old65 & poor & (r[:, 1] < 0.45),
        (kids_u7 | old65) & (r[:, 2] < np.where(poor, 0.45, 0.15)),
        r[:, 3] < np.where(poor, 0.14, 0.03),
        school & (r[:, 4] < 0.62),
        kids_u3 & (r[:, 5] < np.where(poor, 0.18, 0.03)),
        dis & poor & (r[:, 6] < 0.2),
    ], axis=1)
    hh["programs"] = _multi(flags, PROGRAMS)
    head = m[m["rel_i"] == 0].set_index("hh")
    head_female = head["female"].reindex(range(n), fill_value=False).to_numpy()
    spouse = has(m["rel_i"] == 1)
    p = np.where(spouse[:, None], np.array([0.18, 0.24, 0.56, 0.02])[None, :],
                 np.where(head_female[:, None], np.array([0.86, 0.03, 0.03, 0.08])[None, :],
                          np.array([0.05, 0.82, 0.03, 0.10])[None, :]))
    hh["decides_purchases"] = _choice(rng, ("woman", "man", "joint", "other"), p, n)
    hh["hh_size"] = size.astype(float)


def _deaths(hh: pd.DataFrame, m: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(hh)
    interviewed = np.isin(hh["visit_result"].to_numpy(), ("completed", "partial"))
    size = m.groupby("hh").size().reindex(range(n), fill_value=0).to_numpy()
    elderly = (m["age"] >= 65).groupby(m["hh"].to_numpy()).sum().reindex(range(n), fill_value=0).to_numpy()
    young = (m["age"] < 5).groupby(m["hh"].to_numpy()).sum().reindex(range(n), fill_value=0).to_numpy()
    lam = np.where(interviewed, 0.0022 * size + 0.03 * elderly + 0.006 * young, 0.0)
    n_deaths = np.minimum(rng.poisson(lam), 3)
    d_hh = np.repeat(np.arange(n), n_deaths)
    k = len(d_hh)
    kind = rng.random(k)
    age = np.where(kind < 0.06, 0, np.where(kind < 0.09, rng.integers(1, 5, k),
                   np.where(kind < 0.22, rng.integers(5, 50, k), np.clip(rng.normal(76, 10, k), 50, 104))))
    age = np.round(age).astype(int)
    female = rng.random(k) < 0.47
    months = np.where(age == 0, rng.integers(0, 12, k), age * 12 + rng.integers(0, 12, k))
    fertile = female & (age >= 12) & (age <= 49)
    deaths = pd.DataFrame({
        "hh": d_hh,
        "death_sex": np.where(female, "female", "male").astype(object),
        "death_age": age.astype(float),
        "death_age_months": _where(age < 5, months.astype(float)),
        "death_pregnancy_related": _where(fertile, _yes(rng.random(k) < 0.04)),
    })
    deaths["line_no"] = deaths.groupby("hh").cumcount() + 1
    hh["n_deaths"] = n_deaths.astype(float)
    return deaths


def visits(households: int, rng: np.random.Generator, geo: Geography, design: Design) -> pd.DataFrame:
    """The census's visits (grupo, enumerator, result, times and place of each household, in the order the server
    received them): drawn for the whole census at once, a few numbers per household, so that households can then
    be modelled in chunks (`simulate_people`) in the census's own order."""
    return _visits(households, rng, geo, design)


def simulate_people(hh: pd.DataFrame, streams: list[np.random.Generator], geo: Geography,
                    design: Design) -> Population:
    """Who lives in the visited households `hh` (rows 0..n-1) and what they answer, from 8 random streams."""
    members, _ = _roster(hh, streams[0])
    interview_year = hh["interview_date"].to_numpy().astype("datetime64[Y]").astype(int)[members["hh"]] + 1970
    birth_year = interview_year - members["age"].to_numpy()
    _people(members, hh, streams[1], design)
    _children(members, hh, streams[2], design)
    _schooling(members, streams[3], birth_year)
    _work(members, streams[4])
    _care(members, hh, streams[5])
    _insurance_orgs(members, streams[5])
    _dwelling(hh, members, geo, streams[6], design)
    _household_items(hh, members, streams[6])
    deaths = _deaths(hh, members, streams[7])
    members["relationship"] = np.asarray(RELATIONSHIPS, dtype=object)[members["rel_i"].to_numpy()]
    interviewed = np.isin(hh["visit_result"].to_numpy(), ("completed", "partial"))
    hh["consent"] = np.where(interviewed, "yes", np.where(hh["visit_result"] == "refused", "no", NONE))
    hh["interviewed"] = interviewed
    return Population(households=hh, members=members, deaths=deaths)
