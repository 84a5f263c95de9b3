"""A KoBoToolbox asset (API v2 JSON, `content.survey/choices`) -> the same FormSpec an XLSForm gives."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from cbms.errors import FORM_002, FORM_003, CbmsError
from cbms.form.read import spec_from_pyxform
from cbms.form.spec import FormSpec

SELECTS = ("select_one", "select_multiple", "rank")


def _labels(row: dict[str, Any], column: str, translations: list[str | None]) -> dict[str, str]:
    values = row.get(column)
    if not isinstance(values, list):
        return {column: str(values)} if values not in (None, "") else {}
    out = {}
    for lang, value in zip(translations, values, strict=False):
        if value not in (None, ""):
            out[f"{column}::{lang}" if lang else column] = str(value)
    return out


def _row(row: dict[str, Any], translations: list[str | None], translated: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in row.items():
        if key.startswith("$") or key in translated or key == "select_from_list_name":
            continue
        if isinstance(value, bool):
            out[key] = "yes" if value else "no"
        elif isinstance(value, str | int | float):
            out[key] = str(value)
    kind = str(row.get("type", ""))
    if kind in SELECTS and row.get("select_from_list_name"):
        out["type"] = f"{kind} {row['select_from_list_name']}"
    if "name" not in out and row.get("$autoname") and not kind.startswith("end"):
        out["name"] = str(row["$autoname"])
    for column in translated:
        out.update(_labels(row, column, translations))
    return out


def read_kobo_asset(path: Path | str) -> FormSpec:
    """Read the form of a KoBo asset JSON (as `GET /api/v2/assets/<uid>/` returns it)."""
    path = Path(path)
    try:
        asset = json.loads(path.read_text(encoding="utf-8"))
        content = asset["content"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CbmsError(FORM_002, path=path, reason=str(exc)) from exc
    translations = list(content.get("translations") or [None])
    translated = list(content.get("translated") or ["label"])
    settings = dict(content.get("settings") or {})
    settings.setdefault("form_id", str(asset.get("uid") or path.stem))
    settings.setdefault("form_title", str(asset.get("name") or settings["form_id"]))
    if asset.get("version_id"):  # KoBo stamps each submission's `__version__` with the deployed version's uid
        settings["version"] = str(asset["version_id"])
    workbook = {
        "survey": [_row(r, translations, translated) for r in content.get("survey", [])],
        "choices": [_row(r, translations, translated) for r in content.get("choices", [])],
        "settings": [{k: str(v) for k, v in settings.items()}],
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            result = convert(xlsform=workbook)
    except PyXFormError as exc:
        raise CbmsError(FORM_003, path=path, where="asset", reason=" ".join(str(exc).split())) from exc
    return spec_from_pyxform(result._pyxform or {})
