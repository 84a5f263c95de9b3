"""The XLSX size check places cells as calamine does: checked against calamine itself on small crafted sheets."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cbms.errors import CbmsError
from cbms.ingest.xlsx_size import check_workbook, column_label, column_number, grid_of

WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"""
RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
 Target="worksheets/sheet1.xml"/></Relationships>"""
ROOT_RELS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
 Target="xl/workbook.xml"/></Relationships>"""
TYPES = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""


def workbook(sheet_data: bytes, dimension: bytes = b"") -> bytes:
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + dimension + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("[Content_Types].xml", TYPES), ("_rels/.rels", ROOT_RELS), ("xl/workbook.xml", WORKBOOK),
                           ("xl/_rels/workbook.xml.rels", RELS), ("xl/worksheets/sheet1.xml", sheet)):
            archive.writestr(name, data)
    return buffer.getvalue()


def calamine_cells(data: bytes) -> int:
    """The grid calamine builds for the sheet (its height x width; 0 for no cell)."""
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("s")
    start, end = sheet.start, sheet.end
    if start is None or end is None:
        return 0
    return (end[0] - start[0] + 1) * (end[1] - start[1] + 1)


def measured(data: bytes) -> int:
    """The grid the check computes for the sheet (0 for no cell)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        grid = grid_of(archive, archive.getinfo("xl/worksheets/sheet1.xml"))
    return grid.cells if grid else 0


# one cell: how it is written, and where; calamine is the judge of where it lands
CELL = st.tuples(
    st.integers(1, 40), st.integers(1, 60),
    st.sampled_from(["plain", "lower", "attributes-first", "single-quote", "spaces", "positional", "prefix",
                     "self-closing"]))


def cell_xml(row: int, column: int, how: str) -> bytes:
    ref = f"{column_label(column)}{row}"
    value = "<is><t>v</t></is>"
    xml = {
        "plain": f'<c r="{ref}" t="inlineStr">{value}</c>',
        "lower": f'<c r="{ref.lower()}" t="inlineStr">{value}</c>',
        "attributes-first": f'<c t="inlineStr" s="0" r="{ref}">{value}</c>',
        "single-quote": f"<c r='{ref}' t='inlineStr'>{value}</c>",
        "spaces": f'<c  r = "{ref}" t="inlineStr">{value}</c>',
        "positional": f'<c t="inlineStr">{value}</c>',
        "prefix": f'<x:c xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" r="{ref}" '
                  f't="inlineStr"><x:is><x:t>v</x:t></x:is></x:c>',
        "self-closing": f'<c r="{ref}"/>',
    }[how]
    return xml.encode()


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 40)), st.lists(CELL, max_size=4)), max_size=6),
       declared=st.one_of(st.none(), st.tuples(st.integers(1, 50), st.integers(1, 70))))
def test_the_check_never_sees_a_smaller_grid_than_calamine_builds(
        rows: list[tuple[int | None, list[tuple[int, int, str]]]], declared: tuple[int, int] | None) -> None:
    sheet = b"".join((b'<row r="%d">' % r if r else b"<row>") + b"".join(cell_xml(*c) for c in cells) + b"</row>"
                     for r, cells in rows)
    dimension = b'<dimension ref="A1:%s%d"/>' % (column_label(declared[1]).encode(), declared[0]) if declared else b""
    data = workbook(sheet, dimension)
    assert measured(data) >= calamine_cells(data)


def test_plain_sheets_measure_exactly_what_calamine_builds() -> None:
    sheet = b"".join(b'<row r="%d">' % r + cell_xml(r, 3, "plain") + cell_xml(r, 7, "plain") + b"</row>"
                     for r in range(2, 12))
    data = workbook(sheet, b'<dimension ref="C2:G11"/>')
    assert calamine_cells(data) == 10 * 5  # rows 2-11, columns C-G
    assert measured(data) == 11 * 7  # counted from A1: a bound, never less


@pytest.mark.parametrize("how", ["plain", "lower", "attributes-first", "single-quote", "spaces", "prefix"])
def test_a_far_cell_in_every_spelling_is_refused(how: str) -> None:
    dimension = b'<dimension ref="A1:B2"/>'  # a dimension that lies small does not hide it
    data = workbook(b"<row>" + cell_xml(1, 1, "plain") + cell_xml(1_048_576, 16_384, how) + b"</row>", dimension)
    with pytest.raises(CbmsError) as refused:
        check_workbook("far.xlsx", data)
    assert refused.value.code == "ING_016" and refused.value.context["cells"] == 1_048_576 * 16_384


def test_a_far_self_closing_row_or_cell_moves_the_next_cell_there() -> None:
    # calamine expands <row r="N"/> and <c r="X"/>: a valueless cell does not count, the one after it does
    rows = workbook(b"<row>" + cell_xml(1, 1, "plain") + b'</row><row r="1048575"/><row>'
                    + cell_xml(1, 1, "positional") + b"</row>")
    assert measured(rows) >= calamine_cells(rows) >= 1_048_576  # a million rows of one column: calamine copes
    cells = workbook(b"<row>" + cell_xml(1, 1, "plain") + b'</row><row r="1048576"><c r="XFD1048576"/>'
                     + cell_xml(1, 1, "positional") + b"</row>")  # would be XFE1048576: calamine would abort
    assert measured(cells) == 1_048_576 * 16_385
    with pytest.raises(CbmsError):
        check_workbook("far.xlsx", cells)


def test_a_far_self_closing_cell_is_harmless_to_calamine_and_let_through() -> None:
    data = workbook(b"<row>" + cell_xml(1, 1, "plain") + b"</row>" + b'<row r="1048576">'
                    + cell_xml(1_048_576, 16_384, "self-closing") + b"</row>")
    assert calamine_cells(data) == 1
    check_workbook("far.xlsx", data)


def test_column_labels_round_trip() -> None:
    assert [column_number(column_label(n)) for n in (1, 26, 27, 702, 703, 16_384)] == [1, 26, 27, 702, 703, 16_384]
    assert column_label(16_384) == "XFD" and column_number("xfd") == 16_384
