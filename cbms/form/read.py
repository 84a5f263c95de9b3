"""XLSForm -> FormSpec, through pyxform's own parser so every XLSForm dialect it accepts is understood."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cbms.errors import FORM_003, CbmsError
from cbms.form.sheets import Sheet, check_archive, read_sheets
from cbms.form.spec import XLSFORM_TYPES, Choice, FormSpec, Group, Question, Repeat

if TYPE_CHECKING:
    from pyxform.xls2xform import ConvertResult

_ROW = re.compile(r"\[row\s*:\s*(\d+)\]")
_SHEET = re.compile(r"'(survey|choices|settings|entities)' sheet")


def pyxform_location(message: str) -> tuple[str | None, int | None]:
    """The sheet and row a pyxform message names, when it names them."""
    row = _ROW.search(message)
    sheet = _SHEET.search(message)
    return (sheet.group(1) if sheet else ("survey" if row else None), int(row.group(1)) if row else None)


def convert_form(path: Path) -> ConvertResult:
    """Run pyxform on a form file (no ODK Validate), turning its refusal into a located CbmsError."""
    from pyxform.errors import PyXFormError  # imported here: a cached form needs no pyxform (form/cache.py)
    from pyxform.xls2xform import convert

    check_archive(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl: dropped Excel extensions
            return convert(xlsform=str(path), pretty_print=True)
    except PyXFormError as exc:
        message = " ".join(str(exc).split())
        sheet, row = pyxform_location(message)
        where = f"{sheet or '?'}:{row}" if row else (sheet or "?")
        raise CbmsError(FORM_003, path=path, where=where, reason=message) from exc


def read_form(path: Path | str) -> FormSpec:
    """Read an XLSForm into a FormSpec (questions, choices, groups, repeats, rules, rows)."""
    from cbms.form import cache

    path = Path(path)
    data = path.read_bytes() if path.is_file() else None
    spec = cache.cached(data) if data is not None else None
    if spec is not None:
        return spec
    result = convert_form(path)
    sheets = read_sheets(path)
    spec = spec_from_pyxform(result._pyxform or {}, sheets.get("survey"))
    if data is not None:
        cache.keep(data, spec)
    return spec


def open_form(path: Path | str) -> FormSpec:
    """A form file as the user gives it: an XLSForm (.xlsx, .xls) or a KoBo asset (.json)."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        from cbms.form.kobo import read_kobo_asset

        return read_kobo_asset(path)
    return read_form(path)


def _texts(value: Any, default_language: str | None) -> dict[str, str]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    return {default_language or "default": str(value)}


def _required(bind: Mapping[str, Any]) -> bool:
    return str(bind.get("required", "")).strip().lower() in {"yes", "true", "true()", "1"}


def _required_if(bind: Mapping[str, Any]) -> str | None:
    text = str(bind.get("required", "")).strip()
    return None if text.lower() in {"", "yes", "true", "true()", "1", "no", "false", "false()", "0"} else text


def _row_finder(survey: Sheet | None) -> Iterator[tuple[str, int]]:
    if survey is None:
        return iter(())
    return iter((r.get("name"), r.row) for r in survey.rows if r.get("name"))


class _Rows:
    """Hands out the survey-sheet row of each named element, in sheet order."""

    def __init__(self, survey: Sheet | None) -> None:
        self._pending = list(_row_finder(survey))

    def take(self, name: str) -> int | None:
        for i, (n, row) in enumerate(self._pending):
            if n == name:
                del self._pending[i]
                return row
        return None


def spec_from_pyxform(tree: Mapping[str, Any], survey: Sheet | None = None) -> FormSpec:
    """Build a FormSpec from pyxform's JSON representation of a survey."""
    default_language = tree.get("default_language")
    languages: set[str] = set()
    questions: list[Question] = []
    repeats: list[Repeat] = []
    groups: list[Group] = []
    rows = _Rows(survey)

    def collect_languages(value: Any) -> None:
        if isinstance(value, dict):
            languages.update(str(k) for k in value)

    def walk(children: list[Mapping[str, Any]], path: tuple[str, ...], repeat: str | None,
             chain: tuple[str, ...]) -> None:
        for node in children:
            kind = str(node.get("type", ""))
            name = str(node.get("name", ""))
            bind = node.get("bind", {}) or {}
            control = node.get("control", {}) or {}
            relevant = bind.get("relevant")
            collect_languages(node.get("label"))
            if kind in ("group", "repeat"):
                row = rows.take(name) if not control.get("bodyless") else None
                child_chain = (*chain, relevant) if relevant else chain
                if kind == "repeat":
                    repeats.append(Repeat(
                        name=name, path=(*path, name), parent=repeat,
                        labels=_texts(node.get("label"), default_language),
                        count=control.get("jr:count"), relevant=relevant, row=row,
                    ))
                    walk(node.get("children", []), (*path, name), name, child_chain)
                else:
                    if not control.get("bodyless"):
                        groups.append(Group(name=name, path=(*path, name),
                                            labels=_texts(node.get("label"), default_language),
                                            relevant=relevant, row=row))
                    walk(node.get("children", []), (*path, name), repeat, child_chain)
                continue
            list_name = node.get("itemset") or node.get("list_name")
            questions.append(Question(
                name=name,
                type=XLSFORM_TYPES.get(kind, kind),
                path=(*path, name),
                repeat=repeat,
                list_name=str(list_name) if list_name else None,
                labels=_texts(node.get("label"), default_language),
                hints=_texts(node.get("hint"), default_language),
                relevant=relevant,
                relevant_chain=chain,
                constraint=bind.get("constraint"),
                constraint_messages=_texts(bind.get("jr:constraintMsg"), default_language),
                required=_required(bind),
                required_messages=_texts(bind.get("jr:requiredMsg"), default_language),
                required_if=_required_if(bind),
                calculation=bind.get("calculate") or node.get("calculation"),
                choice_filter=node.get("choice_filter"),
                default=None if node.get("default") is None else str(node.get("default")),
                appearance=control.get("appearance"),
                row=rows.take(name),
            ))

    walk(list(tree.get("children", [])), (), None, ())
    choices = _choices(tree, questions, default_language)
    return FormSpec(
        form_id=str(tree.get("id_string") or tree.get("name") or ""),
        version=None if tree.get("version") is None else str(tree.get("version")),
        title=str(tree.get("title") or ""),
        default_language=default_language,
        languages=tuple(sorted(languages)),
        questions=tuple(questions),
        choices=choices,
        repeats=tuple(repeats),
        groups=tuple(groups),
    )


def _choices(tree: Mapping[str, Any], questions: list[Question],
             default_language: str | None) -> dict[str, tuple[Choice, ...]]:
    raw: Mapping[str, list[Mapping[str, Any]]] = tree.get("choices") or {}
    out: dict[str, tuple[Choice, ...]] = {}
    for list_name, options in raw.items():
        out[str(list_name)] = tuple(
            Choice(
                name=str(o.get("name", "")),
                labels=_texts(o.get("label"), default_language),
                extra={str(k): str(v) for k, v in o.items()
                       if k not in ("name", "label", "media") and isinstance(v, str | int | float)},
            )
            for o in options
        )
    return out
