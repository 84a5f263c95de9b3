"""One way to write a number: decimals by unit, half away from zero, 1 234,5 in Spanish and 1,234.5 in English."""

from __future__ import annotations

import pytest

from cbms.published.numbers import excel_format, number_text, rounded


@pytest.mark.parametrize(("value", "decimals", "lang", "sign", "text"), [
    (1234.56, 1, "es", False, "1\u00a0234,6"),
    (1234.56, 1, "en", False, "1,234.6"),
    (4.04, 1, "es", True, "+4,0"),
    (-0.04, 1, "es", True, "0,0"),  # rounds to zero: no sign
    (-2.5, 1, "en", True, "−2.5"),
    (0.000689, 3, "es", False, "0,001"),
    (25.45, 1, "es", False, "25,5"),  # half away from zero, as Excel shows it (Python's round gives 25.4)
    (-25.45, 1, "en", False, "−25.5"),
])
def test_number_text(value: float, decimals: int, lang: str, sign: bool, text: str) -> None:
    assert number_text(value, decimals, lang, sign) == text  # type: ignore[arg-type]


def test_rounding_works_on_the_decimal_form_not_the_binary_one() -> None:
    # 2.675 is 2.67499999... in binary: Python's round gives 2.67, Excel and LibreOffice show 2.68
    assert round(2.675, 2) == 2.67 and rounded(2.675, 2) == 2.68
    assert rounded(-0.04, 1) == 0.0 and str(rounded(-0.04, 1)) == "0.0"  # no negative zero


def test_excel_formats_show_the_same_decimals() -> None:
    assert excel_format("percent") == "#,##0.0" and excel_format("count") == "#,##0"
    assert excel_format("index", gap=True) == "+#,##0.000;-#,##0.000;0.000"
