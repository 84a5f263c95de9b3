"""Exports that are broken, hostile or someone else's: one located message, nothing loaded."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from cbms.cli import main
from cbms.errors import CbmsError
from cbms.form import FormSpec
from cbms.ingest import files, read_export
from tests.ingest.paths import CENTRAL, FORMS

HEADER = "SubmissionDate,name,age,meta-instanceID,KEY,SubmitterID,SubmitterName,AttachmentsPresent," \
         "AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion"


def _code(path: Path, form: FormSpec) -> str:
    with pytest.raises(CbmsError) as info:
        read_export(path, form)
    return info.value.code


def test_missing_and_empty(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    form = form_of("multirepeat")
    assert _code(tmp_path / "nope.zip", form) == "ING_001"
    (tmp_path / "empty.csv").write_bytes(b"")
    assert _code(tmp_path / "empty.csv", form) == "ING_002"


def test_a_zip_that_is_not_a_zip(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    fake = tmp_path / "export.zip"
    fake.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert _code(fake, form_of("multirepeat")) == "ING_004"


@pytest.mark.outside
def test_a_truncated_zip(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    good = tmp_path / "good.zip"
    with zipfile.ZipFile(good, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ("multirepeat.csv", "multirepeat-child.csv", "multirepeat-toy.csv"):
            zf.write(CENTRAL / name, name)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:-40])
    assert _code(cut, form_of("multirepeat")) == "ING_004"


def test_a_zip_bomb_is_refused_from_its_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  form_of: Callable[[str], FormSpec]) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("multirepeat.csv", HEADER + "\n" + "0" * 5_000_000)
    monkeypatch.setattr(files, "MAX_UNCOMPRESSED_BYTES", 1_000_000)
    assert _code(bomb, form_of("multirepeat")) == "ING_005"


def test_a_truncated_csv_is_located(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    csv = tmp_path / "multirepeat.csv"
    csv.write_text(HEADER + "\n2018-01-01,\"Alice has a quote that never ends,30,one,one,,,0,0,,,,0,v\n")
    with pytest.raises(CbmsError) as info:
        read_export(csv, form_of("multirepeat"))
    assert info.value.code == "ING_006" and str(csv) in info.value.message("es")


def test_excel_latin1_semicolon_csv_with_accents(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    csv = tmp_path / "multirepeat.csv"
    text = HEADER.replace(",", ";") + "\n2018-01-01;Begoña Peñafiel;30;one;one;;;0;0;;;;0;v\n"
    csv.write_bytes(text.encode("cp1252"))
    export = read_export(csv, form_of("multirepeat"))
    assert export.tables["household"].column("name").to_pylist() == ["Begoña Peñafiel"]
    assert {w.code for w in export.warnings} == {"ING_011", "ING_012"}


def test_a_bom_does_not_hide_the_first_column(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    csv = tmp_path / "multirepeat.csv"
    csv.write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n2018-01-01,Ana,30,one,one,,,0,0,,,,0,v\n").encode())
    table = read_export(csv, form_of("multirepeat")).tables["household"]
    assert table.column("_submitted_at").to_pylist() == ["2018-01-01"]


def test_formula_text_is_stored_verbatim(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    csv = tmp_path / "multirepeat.csv"
    csv.write_text(HEADER + '\n2018-01-01,"=HYPERLINK(""http://x"",""y"")",30,one,one,,,0,0,,,,0,v\n')
    table = read_export(csv, form_of("multirepeat")).tables["household"]
    assert table.column("name").to_pylist() == ['=HYPERLINK("http://x","y")']


@pytest.mark.outside
def test_export_of_another_form(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    other = tmp_path / "otherForm.csv"
    shutil.copy(CENTRAL / "multirepeat.csv", other)
    assert _code(other, form_of("multirepeat")) == "ING_007"
    # an export whose columns share nothing with the form, whatever its file is called
    assert _code(CENTRAL / "all-data-types.csv", form_of("multirepeat")) in {"ING_007", "ING_008"}


@pytest.mark.outside
def test_repeat_file_whose_parents_match_nothing(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(CENTRAL / "multirepeat.csv", folder / "multirepeat.csv")
    (folder / "multirepeat-child.csv").write_text("name,age,PARENT_KEY,KEY\nZoe,3,elsewhere,elsewhere/children/child[1]\n")
    with pytest.raises(CbmsError) as info:
        read_export(folder, form_of("multirepeat"))
    assert info.value.code == "ING_009" and "multirepeat-child.csv" in info.value.message("en")


@pytest.mark.outside
def test_unknown_repeat_file(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(CENTRAL / "multirepeat.csv", folder / "multirepeat.csv")
    (folder / "multirepeat-pets.csv").write_text("name,PARENT_KEY,KEY\nRex,one,one/pets[1]\n")
    assert _code(folder, form_of("multirepeat")) == "ING_013"


def test_cli_bad_export_is_one_line_and_nothing_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = tmp_path / "export.zip"
    fake.write_bytes(b"PK\x03\x04garbage")
    db = tmp_path / "cbms.duckdb"
    form = tmp_path / "multirepeat.xlsx"
    from tests.conftest import md_to_xlsx

    md_to_xlsx((FORMS / "multirepeat.md").read_text(), form)
    assert main(["--lang", "en", "ingest", str(fake), "--db", str(db), "--form", str(form)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("✗ [ING_004]") and "damaged or truncated zip" in err[0]
    assert not db.exists()


@pytest.mark.outside
def test_a_folder_of_pages_with_other_json_beside_them(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    folder = tmp_path / "pulled"
    folder.mkdir()
    shutil.copy(CENTRAL / "odata_doubleRepeat_expand_star.json", folder / "page-0001.json")
    (folder / "notes.json").write_text('{"checked_by": "supervisor"}')
    assert read_export(folder, form_of("double_repeat")).tables["household"].num_rows == 1
    (folder / "page-0002.json").write_text('{"value": [{"__id": "x"')  # cut short: never skipped silently
    assert _code(folder, form_of("double_repeat")) == "ING_018"


def test_an_answer_with_a_line_break(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    csv = tmp_path / "multirepeat.csv"
    csv.write_text(HEADER + '\n2018-01-01,"Ana\nMaría",30,one,one,,,0,0,,,,0,v\n2018-01-01,Beto,31,two,two,,,0,0,,,,0,v\n')
    table = read_export(csv, form_of("multirepeat")).tables["household"]
    assert table.column("name").to_pylist() == ["Ana\nMaría", "Beto"]


def test_answers_that_spell_missing_are_kept_as_text(tmp_path: Path, form_of: Callable[[str], FormSpec]) -> None:
    # pyarrow's default null markers ("NA", "null", "N/A", "nan", ...) would turn these answers into blanks
    csv = tmp_path / "multirepeat.csv"
    rows = [f"2018-01-01,{name},30,k{i},k{i},,,0,0,,,,0,v" for i, name in enumerate(["NA", "null", "N/A", "nan", ""])]
    csv.write_text(HEADER + "\n" + "\n".join(rows) + "\n")
    table = read_export(csv, form_of("multirepeat")).tables["household"]
    assert table.column("name").to_pylist() == ["NA", "null", "N/A", "nan", None]
