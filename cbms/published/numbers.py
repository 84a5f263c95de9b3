"""How every output rounds and writes a number: decimals by unit, half away from zero, 1 234,5 in Spanish, 1,234.5 in
English; one function for the workbook's formats, the profiles' text and the maps' files and legends."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from cbms.errors import Lang

# Decimals shown, by the indicator's value unit (the exact values stay in the analysts' files).
DECIMALS = {"percent": 1, "mean": 1, "count": 0, "per_1000": 1, "index": 3}
RATIO_DECIMALS = 2
NBSP = "\u00a0"
MINUS = "\u2212"  # a true minus: never read as a hyphen (or the start of a formula)


def mart_number(value: object) -> float | None:
    """A number as the mart holds it: None for NULL and for NaN (a DuckDB DOUBLE read into Python)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)  # type: ignore[arg-type]


def decimals(value_unit: str) -> int:
    """The decimals a value in this unit is shown with."""
    return DECIMALS.get(value_unit, 1)


def rounded(value: float, places: int) -> float:
    """`value` rounded half away from zero from its shortest decimal form, as Excel and LibreOffice show it:
    25.45 gives 25.5 (Python's round gives 25.4, the binary 25.4499...). Never rounded twice: callers pass the
    exact value."""
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) + 0.0  # -0.0 becomes 0.0


def number_text(value: float, places: int, lang: Lang, sign: bool = False) -> str:
    """A number as a reader of `lang` writes it: 1 234,5 in Spanish (no-break space, decimal comma), 1,234.5 in
    English; `sign` puts + before a positive number; a value that rounds to zero never shows a sign."""
    shown = rounded(value, places)
    text = f"{abs(shown):,.{places}f}"
    if shown < 0:
        text = MINUS + text
    elif sign and shown > 0:
        text = "+" + text
    if lang == "es":
        text = text.replace(",", NBSP).replace(".", ",")
    return text


def excel_format(value_unit: str, gap: bool = False) -> str:
    """The workbook's number format for a unit: the same decimals as the text outputs; a gap always signed."""
    places = decimals(value_unit)
    body = "#,##0" + ("." + "0" * places if places else "")
    if not gap:
        return body
    zero = "0" + ("." + "0" * places if places else "")
    return f"+{body};-{body};{zero}"


def ratio_format() -> str:
    """The workbook's number format for a women-over-men ratio."""
    return "0." + "0" * RATIO_DECIMALS
