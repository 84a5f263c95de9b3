"""The validation workbook for field supervisors: a summary, then every error and every warning in revisit order."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cbms import spreadsheet
from cbms.atomic import save_workbook
from cbms.errors import Lang
from cbms.validate.declarations import Severity

SEVERITIES: tuple[Severity, ...] = ("error", "warning")
ISSUE_COLUMNS = ("rule", "severity", "table", "submission_key", "row_key", "column", "value", "message_es",
                 "message_en", "enumerator_id", "sector", "grupo", "manzana", "line_no", "full_name")
FILE_NAME: Mapping[Lang, str] = {"es": "validacion.xlsx", "en": "validation.xlsx"}
# Revisit order: where to walk, whom to ask, which household, which member, which rule.
REVISIT_ORDER = ("sector", "grupo", "manzana", "enumerator_id", "submission_key", "line_no", "rule")
# One row per issue on the severity sheets: (issue column, Spanish header, English header).
ISSUE_SHEET_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("sector", "Sector", "Sector"),
    ("grupo", "Grupo", "Group"),
    ("manzana", "Manzana", "Block"),
    ("enumerator_id", "Encuestador", "Enumerator"),
    ("submission_key", "Clave del hogar", "Household key"),
    ("line_no", "N.º de línea", "Line no."),
    ("full_name", "Nombre", "Name"),
    ("table", "Tabla", "Table"),
    ("rule", "Regla", "Rule"),
    ("column", "Pregunta", "Question"),
    ("value", "Valor", "Value"),
    ("message", "Mensaje", "Message"),
)
WRAPPED = ("value", "message")  # the long free texts
LABELS: Mapping[str, tuple[str, str]] = {  # key -> (Spanish, English)
    "summary": ("Resumen", "Summary"),
    "error_sheet": ("Errores", "Errors"),
    "warning_sheet": ("Avisos", "Warnings"),
    "error": ("error", "error"),
    "warning": ("aviso", "warning"),
    "errors": ("Errores", "Errors"),
    "warnings": ("Avisos", "Warnings"),
    "total": ("Total", "Total"),
    "title": ("Validación de los datos CBMS-GRB", "CBMS-GRB data validation"),
    "explain_error": ("error: el hogar queda fuera de los indicadores hasta corregirlo.",
                      "error: the household is left out of the indicators until it is corrected."),
    "explain_warning": ("aviso: se usa el hogar, el dato dudoso queda fuera.",
                        "warning: the household is used; the doubtful value is left out."),
    "by_severity": ("Totales", "Totals"),
    "by_rule": ("Problemas por regla", "Issues by rule"),
    "by_enumerator": ("Problemas por encuestador", "Issues by enumerator"),
    "severity": ("Severidad", "Severity"),
    "issues": ("Problemas", "Issues"),
    "households": ("Hogares afectados", "Households affected"),
    "rule": ("Regla", "Rule"),
    "example": ("Ejemplo de mensaje", "Example message"),
    "enumerator": ("Encuestador", "Enumerator"),
    "no_enumerator": ("(sin encuestador)", "(no enumerator)"),
}
TABLE_NAMES: Mapping[str, tuple[str, str]] = {
    "household": ("hogar", "household"),
    "member": ("miembro", "member"),
    "death": ("defunción", "death"),
}
DIGITS = re.compile(r"\d+")
TITLE_FONT = Font(bold=True, size=14)
SECTION_FONT = Font(bold=True)


def write_issue_workbook(issues: pd.DataFrame, out: Path, lang: Literal["es", "en"] = "es", title: str = "") -> Path:
    """Write the supervisors' .xlsx (summary, errors, warnings) in `lang` to `out` (a file, or a folder that gets
    validacion.xlsx / validation.xlsx) through a temporary file in the same folder, so a crash never leaves half
    a file. Every answer is stored as inert text. Returns the path written."""
    target = Path(out) / FILE_NAME[lang] if Path(out).is_dir() else Path(out)
    frame = _prepared(issues, lang)
    book = Workbook(write_only=True)
    book.properties.creator = "cbms"
    _summary_sheet(book.create_sheet(_t("summary", lang)), frame, lang, title or _t("title", lang))
    for severity in SEVERITIES:
        _issue_sheet(book.create_sheet(_t(f"{severity}_sheet", lang)), frame[frame["severity"] == severity], lang)
    return save_workbook(target, book, private=True)  # holds names and phones


def _t(key: str, lang: Lang) -> str:
    es, en = LABELS[key]
    return es if lang == "es" else en


def _prepared(issues: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """The issues with the message and table in `lang`, line numbers as integers, in revisit order."""
    missing = [c for c in ISSUE_COLUMNS if c not in issues.columns]
    if missing:
        raise ValueError(f"issues lacks the columns {missing}")
    unknown = sorted(set(issues["severity"].dropna().astype(str)) - set(SEVERITIES)) + (
        ["<null>"] if issues["severity"].isna().any() else [])
    if unknown:
        raise ValueError(f"unknown severities in issues: {unknown}")
    frame = issues.loc[:, list(ISSUE_COLUMNS)].copy()
    other = "en" if lang == "es" else "es"
    frame["message"] = frame[f"message_{lang}"].fillna(frame[f"message_{other}"])  # rather than nothing
    frame["line_no"] = pd.to_numeric(frame["line_no"], errors="coerce").astype("Int64")
    frame["table"] = frame["table"].map(lambda t: _table_name(t, lang))
    return frame.sort_values(list(REVISIT_ORDER), key=_revisit_key, kind="stable").reset_index(drop=True)


def _table_name(table: object, lang: Lang) -> object:
    names = TABLE_NAMES.get(table) if isinstance(table, str) else None
    return table if names is None else names[0 if lang == "es" else 1]


def _revisit_key(column: pd.Series) -> pd.Series:
    """Sort key: line numbers with the household-level issues (no line) first; text in natural order
    (sector 2 before sector 10), case-insensitive, empty last."""
    if column.name == "line_no":
        return column.fillna(-1)
    return column.map({v: _natural(v) for v in column.dropna().unique()})


def _natural(value: object) -> str:
    # digits padded to a fixed width compare as numbers inside text ("Mz 2" < "Mz 10")
    return DIGITS.sub(lambda m: m.group().zfill(20), str(value).casefold())


def _issue_sheet(ws: Any, frame: pd.DataFrame, lang: Lang) -> None:
    """One row per issue, in revisit order; the value column always text (it is evidence of what came in)."""
    names = [name for name, _, _ in ISSUE_SHEET_COLUMNS]
    headers = [es if lang == "es" else en for _, es, en in ISSUE_SHEET_COLUMNS]
    columns: list[list[object]] = []
    for name in names:
        series = frame[name]
        if name == "line_no":
            columns.append([None if pd.isna(v) else int(v) for v in series])
        elif name == "value":
            columns.append([None if pd.isna(v) else str(v) for v in series])
        else:
            columns.append(series.astype(object).where(series.notna(), None).tolist())
    rows = [list(row) for row in zip(*columns, strict=True)]
    spreadsheet.write_table(ws, headers, rows, wrap={names.index(n) for n in WRAPPED})


def _summary_sheet(ws: Any, frame: pd.DataFrame, lang: Lang, title: str) -> None:
    """Totals by severity, issues by rule (most frequent first), issues by enumerator (most errors first)."""
    def t(key: str) -> str:
        return _t(key, lang)

    # (section title, headers, rows); the numbers stay in columns B-D, the example message alone in E
    sections: list[tuple[str, list[str], list[list[object]]]] = [
        (t("by_severity"), [t("severity"), t("issues"), t("households")], _totals(frame, lang)),
        (t("by_rule"), [t("rule"), t("severity"), t("issues"), t("households"), t("example")],
         _by_rule(frame, lang)),
        (t("by_enumerator"), [t("enumerator"), t("errors"), t("warnings"), t("households")],
         _by_enumerator(frame, lang)),
    ]
    # widths from the tables only: the title and the explanation lines overflow into the empty cells beside
    table_rows: list[Sequence[object]] = []
    for _, headers, rows in sections:
        table_rows += [headers, *rows]
    widths = spreadsheet.fit_widths([""] * 5, table_rows)
    spreadsheet.set_widths(ws, widths)
    spreadsheet.set_print(ws)
    wrap = {4: widths[4]}
    lines: list[tuple[list[Any], int]] = [  # (cells, lines of text the row needs)
        ([_styled(ws, title, TITLE_FONT)], 1), ([], 1), ([spreadsheet.safe_text(t("explain_error"))], 1),
        ([spreadsheet.safe_text(t("explain_warning"))], 1)]
    for name, headers, rows in sections:
        lines += [([], 1), ([_styled(ws, name, SECTION_FONT)], 1), (spreadsheet.header_cells(ws, headers), 1)]
        lines += [(spreadsheet.styled_row(ws, row, wrap), spreadsheet.row_lines(row, wrap)) for row in rows]
    for number, (cells, height) in enumerate(lines, 1):
        spreadsheet.set_row_height(ws, number, height)
        ws.append(cells)


def _styled(ws: Any, text: str, font: Font) -> Any:
    cell = WriteOnlyCell(ws, value=spreadsheet.safe_text(text))
    cell.font = font
    return cell


def _totals(frame: pd.DataFrame, lang: Lang) -> list[list[object]]:
    rows: list[list[object]] = []
    for severity in SEVERITIES:
        part = frame[frame["severity"] == severity]
        rows.append([_t(f"{severity}s", lang), len(part), part["submission_key"].nunique()])
    rows.append([_t("total", lang), len(frame), frame["submission_key"].nunique()])
    return rows


def _by_rule(frame: pd.DataFrame, lang: Lang) -> list[list[object]]:
    """Code, severity, count, households and the first message of each rule, most frequent first."""
    grouped = frame.groupby(["rule", "severity"], dropna=False, sort=False).agg(
        n=("message", "size"), households=("submission_key", "nunique"), example=("message", "first"))
    table = grouped.reset_index().sort_values(["n", "rule", "severity"], ascending=[False, True, True],
                                              kind="stable")
    return [[row.rule, _t(str(row.severity), lang), int(row.n), int(row.households), row.example]
            for row in table.itertuples(index=False)]


def _by_enumerator(frame: pd.DataFrame, lang: Lang) -> list[list[object]]:
    """Errors, warnings and households affected per enumerator, those with most errors first."""
    who = frame["enumerator_id"].astype(object).where(frame["enumerator_id"].notna(), _t("no_enumerator", lang))
    counts = pd.crosstab(who, frame["severity"]).reindex(columns=list(SEVERITIES), fill_value=0)
    households = frame.groupby(who)["submission_key"].nunique()
    table = counts.assign(households=households).reset_index(names="enumerator")
    table["order"] = table["enumerator"].map(_natural)
    table = table.sort_values(["error", "warning", "order"], ascending=[False, False, True], kind="stable")
    return [[row.enumerator, int(row.error), int(row.warning), int(row.households)]
            for row in table.itertuples(index=False)]
