"""The XPath evaluator on Arrow answers: format-date, references to the enclosing level, '.' in constraints.

Expected values are worked out by hand from the calendar (2024-02-29 is a leap day, 1968 is before 1970)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from cbms.form.xpath import ArrowValues, Frame, evaluate, truth


def _frame(**columns: list[str | None]) -> Frame:
    values = ArrowValues({k: pa.chunked_array([pa.array(v, pa.string())]) for k, v in columns.items()})
    return Frame(values=values, n=len(next(iter(columns.values()))), cache={})


def test_format_date_parts() -> None:
    frame = _frame(d=["2024-02-29", "1968-11-26", None, "2025-01-05"])
    assert list(evaluate("format-date(${d}, '%Y')", frame).data) == ["2024", "1968", "", "2025"]
    assert list(evaluate("format-date(${d}, '%m%d')", frame).data) == ["0229", "1126", "", "0105"]
    assert list(evaluate("format-date(${d}, '%e/%n/%y')", frame).data) == ["29/2/24", "26/11/68", "", "5/1/25"]
    # a code outside %Y %y %m %n %d %e still goes through strftime
    assert list(evaluate("format-date(${d}, '%b')", frame).data) == ["Feb", "Nov", "", "Jan"]


def test_age_from_birth_date_as_the_form_checks_it() -> None:
    # the birth_date constraint of forms/cbms_grb_hogar.xlsx, on an interview of 2025-03-01
    frame = _frame(interview=["2025-03-01"] * 3, birth=["2020-03-01", "2020-03-02", "2020-02-29"],
                   age=["5", "5", "5"])
    rule = (". <= ${interview} and number(format-date(${interview}, '%Y')) - number(format-date(., '%Y')) - "
            "if(number(format-date(${interview}, '%m%d')) < number(format-date(., '%m%d')), 1, 0) = ${age}")
    dot = frame.values.columns["birth"]  # type: ignore[attr-defined]
    # born 2020-03-01: 5 on the day; born 2020-03-02: still 4; born 2020-02-29: 5
    assert list(truth(rule, frame, dot)) == [True, False, True]


def test_a_reference_to_the_enclosing_level() -> None:
    parent = _frame(sex=["female", "male"])
    child_values = ArrowValues({"age": pa.chunked_array([pa.array(["30", "40", "50"])])})
    child = Frame(values=child_values, n=3, parent=parent, parent_row=np.array([1, 0, 0]), cache={})
    assert list(truth("${sex} = 'female' and ${age} >= 40", child)) == [False, True, True]
    assert list(evaluate("${age} + 1", child).data) == [31.0, 41.0, 51.0]
