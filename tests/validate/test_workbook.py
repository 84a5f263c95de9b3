"""The supervisors' validation workbook: sheets per language, summary counts, revisit order, inert text."""

from __future__ import annotations

import csv
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from cbms.errors import CbmsError
from cbms.spreadsheet import MAX_CELL_CHARS, safe_text
from cbms.validate.workbook import write_issue_workbook

HYPERLINK = '=HYPERLINK("http://evil","x")'
LONG_ES = ("No se registró a la jefa o jefe del hogar: sin esa persona no se calculan los indicadores "
           "del hogar.")
# One row per issue, deliberately out of order. Households: hh-a (sector 2, grupo 1, manzana B, enc01),
# hh-b (2, 1, A, enc02), hh-c (10, 3, C, enc03), hh-d (2, 12, A, enc01), hh-e (2, 2, A, enc02).
COLUMNS = ("n", "rule", "severity", "table", "submission_key", "column", "value", "enumerator_id",
           "sector", "grupo", "manzana", "line_no", "full_name")
ISSUES = [
    (1, "VAL_101", "error", "member", "uuid:hh-a", "edad", "150", "enc01", "2", "1", "B", 2, "María Quispe Ñahui"),
    (2, "VAL_102", "error", "member", "uuid:hh-a", "ingreso", "-150", "enc01", "2", "1", "B", 1, "José Ñahui Ramos"),
    (3, "VAL_201", "warning", "household", "uuid:hh-a", "telefono", HYPERLINK, "enc01", "2", "1", "B", None, None),
    (4, "VAL_301", "error", "household", "uuid:hh-b", "jefe", None, "enc02", "2", "1", "A", None, None),
    (5, "VAL_202", "warning", "member", "uuid:hh-b", "nombre", "@SUM(A1)", "enc02", "2", "1", "A", 3, "@SUM(A1)"),
    (6, "VAL_101", "error", "member", "uuid:hh-c", "edad", "-3", "enc03", "10", "3", "C", 1, "Rosa Huamán"),
    (7, "VAL_101", "error", "member", "uuid:hh-d", "edad", "999", "enc01", "2", "12", "A", 4, "Luis Pérez"),
    (8, "VAL_201", "warning", "household", "uuid:hh-d", "telefono", "+51 999 888 777", "enc01", "2", "12", "A", None, None),
    (9, "VAL_201", "warning", "household", "uuid:hh-e", "telefono", "98765\x07432", "enc02", "2", "2", "A", None, None),
    (10, "VAL_102", "error", "member", "uuid:hh-e", "ingreso", "-20", "enc02", "2", "2", "A", 1, "Ana Ccori"),
    (11, "VAL_201", "warning", "household", "uuid:hh-c", "telefono", "sin teléfono", "enc03", "10", "3", "C", None, None),
    (12, "VAL_101", "error", "member", "uuid:hh-b", "edad", "130", "enc02", "2", "1", "A", 2, "Pedro Ñaupari"),
    (13, "VAL_101", "error", "member", "uuid:hh-e", "edad", "200", "enc02", "2", "2", "A", 2, "Luz Ccori"),
]
MESSAGES = {  # rule -> (Spanish, English)
    "VAL_101": ("La edad está fuera de rango (0 a 110 años).", "Age is out of range (0 to 110 years)."),
    "VAL_102": ("Ingreso negativo.", "Negative income."),
    "VAL_201": ("Teléfono con formato dudoso.", "Phone number looks wrong."),
    "VAL_202": ("Nombre con caracteres extraños.", "Name has odd characters."),
    "VAL_301": (LONG_ES, "No household head: the household indicators cannot be computed without one."),
}
# Revisit order, by hand: sector 2 before 10; grupo 1, 2, 12; manzana; household; line (household-level first).
ERRORS_ORDER = [4, 12, 2, 1, 10, 13, 7, 6]
WARNINGS_ORDER = [5, 3, 9, 8, 11]
ISSUE_HEADERS = {
    "es": ["Sector", "Grupo", "Manzana", "Encuestador", "Clave del hogar", "N.º de línea", "Nombre", "Tabla",
           "Regla", "Pregunta", "Valor", "Mensaje"],
    "en": ["Sector", "Group", "Block", "Enumerator", "Household key", "Line no.", "Name", "Table", "Rule",
           "Question", "Value", "Message"],
}


def issues_frame() -> pd.DataFrame:
    rows = []
    for values in ISSUES:
        row = dict(zip(COLUMNS, values, strict=True))
        es, en = MESSAGES[str(row["rule"])]
        rows.append({**row, "row_key": f"row-{row.pop('n')}", "message_es": es, "message_en": en})
    frame = pd.DataFrame(rows)
    frame["line_no"] = frame["line_no"].astype("Int64")
    return frame


def by_n(n: int) -> dict[str, object]:
    return dict(zip(COLUMNS, ISSUES[n - 1], strict=True))


def blocks(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[list[list[object]]]:
    """The summary split at its blank rows, each row without its trailing empty cells."""
    out: list[list[list[object]]] = [[]]
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            out[-1].append(values)
        elif out[-1]:
            out.append([])
    return out


def sections(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, list[list[object]]]:
    """Summary tables by title: title row, header row, data rows."""
    return {str(b[0][0]): b[1:] for b in blocks(ws)[2:]}


@pytest.fixture
def workbook_es(tmp_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_issue_workbook(issues_frame(), tmp_path))


def test_sheet_names_per_language(tmp_path: Path) -> None:
    es = write_issue_workbook(issues_frame(), tmp_path, lang="es")
    en = write_issue_workbook(issues_frame(), tmp_path, lang="en")
    assert (es.name, en.name) == ("validacion.xlsx", "validation.xlsx")
    assert openpyxl.load_workbook(es).sheetnames == ["Resumen", "Errores", "Avisos"]
    assert openpyxl.load_workbook(en).sheetnames == ["Summary", "Errors", "Warnings"]


def test_summary_counts(workbook_es: openpyxl.Workbook) -> None:
    ws = workbook_es["Resumen"]
    top = blocks(ws)
    assert top[0] == [["Validación de los datos CBMS-GRB"]]
    assert top[1] == [["error: el hogar queda fuera de los indicadores hasta corregirlo."],
                      ["aviso: se usa el hogar, el dato dudoso queda fuera."]]
    found = sections(ws)
    # counted here from ISSUES, independently of the workbook code
    issues = [by_n(n) for n in range(1, len(ISSUES) + 1)]
    severities = Counter(str(i["severity"]) for i in issues)
    homes = {s: {i["submission_key"] for i in issues if i["severity"] == s} for s in ("error", "warning")}
    assert found["Totales"] == [
        ["Severidad", "Problemas", "Hogares afectados"],
        ["Errores", severities["error"], len(homes["error"])],
        ["Avisos", severities["warning"], len(homes["warning"])],
        ["Total", len(issues), len(homes["error"] | homes["warning"])],
    ]
    assert severities == {"error": 8, "warning": 5}  # by hand

    rules = Counter((str(i["rule"]), str(i["severity"])) for i in issues)
    expected_rules = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    label = {"error": "error", "warning": "aviso"}
    rule_homes = {rule: len({i["submission_key"] for i in issues if i["rule"] == rule}) for rule in MESSAGES}
    assert found["Problemas por regla"] == [
        ["Regla", "Severidad", "Problemas", "Hogares afectados", "Ejemplo de mensaje"],
        *[[rule, label[sev], count, rule_homes[rule], MESSAGES[rule][0]] for (rule, sev), count in expected_rules],
    ]
    assert [row[0] for row in found["Problemas por regla"][1:]] == [
        "VAL_101", "VAL_201", "VAL_102", "VAL_202", "VAL_301"]  # 5, 4, 2, 1, 1 (ties by code)

    people = {}
    for who in sorted({str(i["enumerator_id"]) for i in issues}):
        mine = [i for i in issues if i["enumerator_id"] == who]
        people[who] = [who, sum(i["severity"] == "error" for i in mine),
                       sum(i["severity"] == "warning" for i in mine), len({i["submission_key"] for i in mine})]
    assert found["Problemas por encuestador"] == [
        ["Encuestador", "Errores", "Avisos", "Hogares afectados"],
        people["enc02"], people["enc01"], people["enc03"],  # 4, 3 and 1 errors
    ]
    assert people["enc02"] == ["enc02", 4, 2, 2]


def test_issue_sheets_in_revisit_order(workbook_es: openpyxl.Workbook) -> None:
    for sheet, order in (("Errores", ERRORS_ORDER), ("Avisos", WARNINGS_ORDER)):
        rows = list(workbook_es[sheet].iter_rows(values_only=True))
        assert list(rows[0]) == ISSUE_HEADERS["es"]
        got = [(r[4], r[5], r[8]) for r in rows[1:]]
        assert got == [(by_n(n)["submission_key"], by_n(n)["line_no"], by_n(n)["rule"]) for n in order]


def test_input_order_changes_nothing(tmp_path: Path) -> None:
    frame = issues_frame()
    first = openpyxl.load_workbook(write_issue_workbook(frame, tmp_path / "a.xlsx"))
    second = openpyxl.load_workbook(write_issue_workbook(frame.iloc[::-1], tmp_path / "b.xlsx"))
    for name in first.sheetnames:
        assert list(first[name].values) == list(second[name].values)


def test_a_member_row_in_full(workbook_es: openpyxl.Workbook) -> None:
    row = [c.value for c in workbook_es["Errores"][5]]  # issue 1: second member of hh-a
    assert row == ["2", "1", "B", "enc01", "uuid:hh-a", 2, "María Quispe Ñahui", "miembro", "VAL_101", "edad",
                   "150", "La edad está fuera de rango (0 a 110 años)."]
    assert workbook_es["Errores"]["F5"].data_type == "n"  # line numbers stay numbers


def test_formula_like_text_is_stored_inert(workbook_es: openpyxl.Workbook) -> None:
    cells = {c.value: c for ws in workbook_es for row in ws.iter_rows() for c in row if c.value is not None}
    for text in (HYPERLINK, "-150", "@SUM(A1)", "+51 999 888 777", "-3", "-20"):
        cell = cells["'" + text]
        assert cell.data_type == "s"
    assert not [c for c in cells.values() if c.data_type == "f"]
    # the member called "@SUM(A1)" is neutralised in the name column as well as in the value column
    assert workbook_es["Avisos"]["G2"].value == "'@SUM(A1)"
    assert workbook_es["Avisos"]["K2"].value == "'@SUM(A1)"
    assert "98765432" in cells  # the control character was dropped, not the cell


def test_layout(workbook_es: openpyxl.Workbook) -> None:
    for name, count in (("Errores", 8), ("Avisos", 5)):
        ws = workbook_es[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:L{count + 1}"
        assert ws.print_title_rows == "$1:$1"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws["A1"].font.b and ws["A1"].fill.fill_type == "solid"
        widths = {letter: ws.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"}
        assert all(6 <= w <= 60 for w in widths.values())
    errors = workbook_es["Errores"]
    assert errors.column_dimensions["L"].width == 60  # the long VAL_301 message, capped
    assert errors.column_dimensions["E"].width >= len("Clave del hogar")
    assert errors["L2"].value == LONG_ES and errors["L2"].alignment.wrap_text
    assert errors.row_dimensions[2].height == 30  # two lines of 15 points for the wrapped message
    assert errors.row_dimensions[3].height is None
    warnings = workbook_es["Avisos"]
    assert warnings.column_dimensions["K"].width >= len(HYPERLINK) + 1


def test_english_workbook(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_issue_workbook(issues_frame(), tmp_path, lang="en", title="VES 2025"))
    assert blocks(book["Summary"])[0] == [["VES 2025"]]
    assert blocks(book["Summary"])[1][1] == ["warning: the household is used; the doubtful value is left out."]
    found = sections(book["Summary"])
    assert list(found) == ["Totals", "Issues by rule", "Issues by enumerator"]
    assert found["Issues by enumerator"][0] == ["Enumerator", "Errors", "Warnings", "Households affected"]
    assert found["Issues by rule"][2] == ["VAL_201", "warning", 4, 4, "Phone number looks wrong."]
    rows = list(book["Errors"].iter_rows(values_only=True))
    assert list(rows[0]) == ISSUE_HEADERS["en"]
    assert rows[4][7:] == ("member", "VAL_101", "edad", "150", "Age is out of range (0 to 110 years).")


def test_empty_sheets_keep_their_header(tmp_path: Path) -> None:
    only_errors = issues_frame().query("severity == 'error'")
    book = openpyxl.load_workbook(write_issue_workbook(only_errors, tmp_path, lang="en"))
    assert [list(r) for r in book["Warnings"].values] == [ISSUE_HEADERS["en"]]
    assert book["Warnings"].auto_filter.ref == "A1:L1"


def test_file_replaced_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "supervisores.xlsx"
    target.write_bytes(b"old")
    assert write_issue_workbook(issues_frame(), target) == target
    assert [p.name for p in tmp_path.iterdir()] == ["supervisores.xlsx"]  # no temporary file left
    before = target.read_bytes()

    write_bytes = Path.write_bytes

    def crash(self: Path, data: bytes) -> int:  # the disk fills up halfway through the file
        write_bytes(self, bytes(data)[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", crash)
    with pytest.raises(CbmsError) as caught:
        write_issue_workbook(issues_frame(), target)
    assert caught.value.code == "CLI_002"
    assert target.read_bytes() == before  # the previous workbook is intact
    assert [p.name for p in tmp_path.iterdir()] == ["supervisores.xlsx"]


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="full_name"):
        write_issue_workbook(issues_frame().drop(columns="full_name"), tmp_path)
    with pytest.raises(ValueError, match="fatal"):
        write_issue_workbook(issues_frame().assign(severity="fatal"), tmp_path)
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None,
                    reason="LibreOffice (soffice) is not on PATH: apt-get install libreoffice-calc-nogui")
def test_libreoffice_reads_it(tmp_path: Path) -> None:
    book = write_issue_workbook(issues_frame(), tmp_path / "in" / "validacion.xlsx")
    out = tmp_path / "csv"
    # filter options: comma, double quote, UTF-8, ..., last token -1 = every sheet to its own file
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                    "--outdir", str(out), str(book)], check=True, capture_output=True, timeout=180)

    def read(sheet: str) -> list[list[str]]:
        with (out / f"validacion-{sheet}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))

    errors = read("Errores")
    assert errors[0] == ISSUE_HEADERS["es"]
    assert [row[4] for row in errors[1:]] == [str(by_n(n)["submission_key"]) for n in ERRORS_ORDER]
    assert errors[3][5:] == ["1", "José Ñahui Ramos", "miembro", "VAL_102", "ingreso", "'-150", "Ingreso negativo."]
    warnings = read("Avisos")
    assert [row[10] for row in warnings[1:]] == ["'@SUM(A1)", "'" + HYPERLINK, "98765432", "'+51 999 888 777",
                                                 "sin teléfono"]
    summary = read("Resumen")
    assert ["Errores", "8", "5", "", ""] in summary and ["enc02", "4", "2", "2", ""] in summary


XML_CHAR = {0x9, 0xA, 0xD}  # XML 1.0 Char production, written out here as the oracle


def xml_allowed(ch: str) -> bool:
    code = ord(ch)
    return code in XML_CHAR or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000


texts = st.one_of(
    st.text(st.characters(exclude_categories=())),  # surrogates and control characters included
    st.tuples(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\x01=", "\x00-", "'", "\ufffe@"]),
              st.text()).map("".join),
)


@given(texts)
def test_safe_text_never_leaves_a_formula(text: str) -> None:
    safe = safe_text(text)
    assert safe is not None
    assert safe.startswith("'") or not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert all(xml_allowed(ch) for ch in safe) and not ILLEGAL_CHARACTERS_RE.search(safe)
    assert len(safe) <= MAX_CELL_CHARS
    assert safe_text(safe) == safe  # twice is once


@given(st.integers(MAX_CELL_CHARS - 2, MAX_CELL_CHARS + 100), st.sampled_from(["=", "a", "\x02"]))
def test_safe_text_fits_in_a_cell(length: int, first: str) -> None:
    safe = safe_text(first + "x" * length)
    assert safe is not None and len(safe) <= MAX_CELL_CHARS


def test_safe_text_leaves_plain_text_and_empties_alone() -> None:
    assert safe_text("Villa El Salvador, sector 2") == "Villa El Salvador, sector 2"
    assert safe_text("línea 1\nlínea 2") == "línea 1\nlínea 2"
    assert safe_text(-150) == "'-150"
    assert safe_text(None) is None and safe_text(float("nan")) is None and safe_text(pd.NA) is None
