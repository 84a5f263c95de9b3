"""WHO 2006 length/height-for-age: the LMS table, the z-score (HAZ) in numpy, and the same in DuckDB SQL."""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt
import pandas as pd

from cbms.project import SHIPPED

# WHO Child Growth Standards 2006, lhfa by day (WHO's lhfa_boys_z_exp / lhfa_girls_z_exp); see data/who/README.md.
LHFA_CSV = SHIPPED.data / "who" / "lhfa_lms.csv"

SEXES = ("male", "female")
MAX_AGE_DAYS = 1856  # last day of WHO's table (WHO anthro: allowed_age_range = c(0, 1856))
HEIGHT_FROM_DAYS = 731  # length (lying) below 731 days, height (standing) from 731 days: WHO 2006, chapter 7
POSITION_CM = 0.7  # lying length = standing height + 0.7 cm (WHO 2006)
DAYS_PER_MONTH = 30.4375  # 365.25 / 12, WHO anthro's ANTHRO_DAYS_OF_MONTH: an age in months x this = age in days

FloatArray = npt.NDArray[np.float64]
Column = npt.ArrayLike | None  # a sequence, numpy array or pandas Series, or one value for every child (None: missing)


@cache
def _lhfa() -> pd.DataFrame:
    types = {"sex": str, "age_days": "int64", "L": "float64", "M": "float64", "S": "float64"}
    return pd.read_csv(LHFA_CSV, dtype=types)


def lhfa_table() -> pd.DataFrame:
    """WHO 2006 length/height-for-age LMS by sex and age in days: columns sex, age_days, L, M, S; 2 x 1857 rows."""
    return _lhfa().copy()


@cache
def _lms(column: str) -> FloatArray:
    """One of L, M, S as a (sex, day) grid: row SEXES.index(sex), column age in days."""
    grid = _lhfa().pivot(index="sex", columns="age_days", values=column)
    values: FloatArray = grid.reindex(index=list(SEXES), columns=range(MAX_AGE_DAYS + 1)).to_numpy(np.float64)
    return values


def _numbers(values: Column) -> FloatArray:
    array = np.atleast_1d(np.asarray(values))
    if array.dtype.kind in "biuf":
        return array.astype(np.float64)
    series = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)), dtype=object)
    numbers: FloatArray = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    return numbers


def _codes(values: Column, labels: tuple[str, ...]) -> npt.NDArray[np.int64]:
    """Index of each value in labels; -1 for anything else (missing included)."""
    series = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)), dtype=object)
    codes = np.full(len(series), -1, dtype=np.int64)
    for i, label in enumerate(labels):
        codes[series.isin([label]).to_numpy()] = i
    return codes


def round_half_up(x: FloatArray) -> FloatArray:
    """Age rounding of WHO anthro's round_up(): floor, plus one when the fraction is >= 0.5 (730.5 days -> 731)."""
    whole = np.floor(x)
    rounded: FloatArray = whole + (x - whole >= 0.5)
    return rounded


def round2(z: FloatArray) -> FloatArray:
    """Two decimals, half away from zero on z x 100, as DuckDB's round(DOUBLE, 2) does (numpy's round is half-even)."""
    scaled = z * 100.0
    whole = np.trunc(scaled)
    rounded: FloatArray = (whole + np.sign(scaled) * (np.abs(scaled - whole) >= 0.5)) / 100.0
    return rounded


def round2_sql(scaled: str) -> str:
    """SQL of :func:`round2` on an expression already multiplied by 100: the same operations in the same order."""
    return (f"((trunc({scaled}) + sign({scaled}) * CASE WHEN abs({scaled} - trunc({scaled})) >= 0.5 THEN 1 ELSE 0 "
            f"END) / 100.0)")


def haz(age_days: Column, sex: Column, height_cm: Column, measure_position: Column) -> FloatArray:
    """Length/height-for-age z-score, rounded to 2 decimals, as WHO's software computes it; NaN where there is none.

    Arguments broadcast like numpy arrays (a scalar applies to every child). ``age_days`` may be fractional:
    it is rounded half up to whole days, as WHO anthro does (an age in months: pass months x DAYS_PER_MONTH;
    anthro converts the same way, 24 months = 730.5 -> 731 days). ``sex`` is ``"male"``/``"female"``;
    ``measure_position`` is ``"lying"``/``"standing"``, anything else counts as missing.

    Length is used below 731 days and height from 731: 0.7 cm is added to a standing measure below 731 days
    and taken off a lying one from 731 days; a missing position is taken to be the expected one (lying below
    731 days, standing from 731), so nothing is added, as in anthro. z = ((x/M)^L - 1) / (S L) with the LMS
    of the child's sex and day of age (WHO 2006, chapter 7; anthro's compute_zscore, no SD23 adjustment for
    this indicator).

    NaN when the age is missing, negative or above 1856 days after rounding, the sex is neither male nor
    female, or the (adjusted) measure is missing or not positive.

    Where current WHO anthro (R package, 2019 WHO/UNICEF recommendations) differs from the project's rule:
    it treats a standing position below 9 months as wrong (no +0.7 cm) and gives no z-score from 60.0
    months (1827-1856 days). This function follows the project's rule (spec INDICATORS.md: +0.7 cm below
    731 days, table to 1856 days); the NUT universe (0-59 months) keeps the second case out.
    """
    age, x = _numbers(age_days), _numbers(height_cm)
    sex_code, position = _codes(sex, SEXES), _codes(measure_position, ("lying", "standing"))
    age, x, sex_code, position = np.broadcast_arrays(age, x, sex_code, position)
    day = round_half_up(np.where(np.isfinite(age) & (age >= 0), age, np.nan))
    valid = (day <= MAX_AGE_DAYS) & (sex_code >= 0)  # NaN days compare False
    lying, standing = position == 0, position == 1
    x = np.where((day < HEIGHT_FROM_DAYS) & standing, x + POSITION_CM,
                 np.where((day >= HEIGHT_FROM_DAYS) & lying, x - POSITION_CM, x))
    valid &= np.isfinite(x) & (x > 0)
    row = np.where(valid, sex_code, 0), np.where(valid, day, 0).astype(np.int64)
    ell, m, s = (np.where(valid, _lms(column)[row], np.nan) for column in ("L", "M", "S"))
    with np.errstate(invalid="ignore"):
        z = (np.power(x / m, ell) - 1.0) / (s * ell)
    return round2(z)


def haz_sql(children: str) -> str:
    """DuckDB query adding ``haz`` to every row of ``children``: the same number :func:`haz` gives, or NULL.

    ``children`` is a table name or a SELECT with at least the columns age_days (integer or fractional days),
    sex (``'male'``/``'female'``), height_cm and measure_position (``'lying'``/``'standing'``); the result
    has all of its columns, unchanged, plus ``haz`` (DOUBLE). :func:`lhfa_table` must be registered as
    ``who_lhfa``. Each step is the same IEEE operation in the same order as in :func:`haz`, and the rounding
    is :func:`round2` written out (DuckDB's own round(DOUBLE, 2) changed how it breaks ties in 2.0), so both
    give the same double.
    """
    cm = f"CAST({POSITION_CM} AS DOUBLE)"
    z = "((pow(c._who_x / w.M, w.L) - 1) / (w.S * w.L) * 100.0)"
    return f"""
SELECT c.* EXCLUDE (_who_day, _who_x),
       CASE WHEN isfinite(c._who_x) AND c._who_x > 0
            THEN {round2_sql(z)} END AS haz
FROM (
    SELECT c.* EXCLUDE (_who_age),
           CASE WHEN isfinite(c._who_age) AND c._who_age >= 0 THEN CAST(
               floor(c._who_age) + CASE WHEN c._who_age - floor(c._who_age) >= 0.5 THEN 1 ELSE 0 END AS BIGINT)
           END AS _who_day,
           CAST(c.height_cm AS DOUBLE) + CASE
               WHEN _who_day < {HEIGHT_FROM_DAYS} AND c.measure_position = 'standing' THEN {cm}
               WHEN _who_day >= {HEIGHT_FROM_DAYS} AND c.measure_position = 'lying' THEN -{cm}
               ELSE 0 END AS _who_x
    FROM (SELECT c.*, CAST(c.age_days AS DOUBLE) AS _who_age FROM ({children}) AS c) AS c
) AS c
LEFT JOIN who_lhfa AS w ON w.sex = c.sex AND w.age_days = c._who_day
"""
