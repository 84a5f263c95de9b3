"""The paper questionnaire and the enumerator's manual: every label, choice and rule printed; the grid fits A4."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cbms.cli import main
from cbms.errors import FORM_011, FORM_012
from cbms.form import FormSpec, read_form
from cbms.form.document import Document, form_language, load_settings
from cbms.form.manual import build_manual, indicator_uses, render_manual, write_manual
from cbms.form.paper import build_paper, render_paper, write_paper
from tests.conftest import EXTERNAL, FORM
from tests.report.golden import html_text

SETTINGS = load_settings()
OUTSIDE = EXTERNAL / "xlsforms"
needs_outside = pytest.mark.outside  # skipped without ../shared, failed then under CI (tests/conftest.py)
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftotext, pdftoppm) is not installed")
_REF = re.compile(r"\$\{[^}]+\}")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _pattern(text: str) -> re.Pattern[str]:
    """A form text as printed: its ${references} become (P12), so any bracketed name matches there; a hyphen may
    be missing (pdftotext joins 'white-' and 'collar' at a line end into 'whitecollar')."""
    parts = [re.escape(re.sub(r"\s+", " ", p)).replace(r"\-", "-?") for p in _REF.split(text.strip())]
    return re.compile(r"\(.{1,40}?\)".join(parts))


def _printed(spec: FormSpec, doc: Document, notes: bool = True) -> list[tuple[str, str]]:
    """(what, text) for every question label (and note) and choice label of the form in the document's language."""
    texts: list[tuple[str, str]] = []
    for q in spec.questions:
        if not (q.asked or (notes and q.type == "note")):
            continue
        texts.append((q.name, _pick(q.labels, doc) or q.name))
        for choice in spec.choices.get(q.list_name or "", ()):
            texts.append((f"{q.name}/{choice.name}", _pick(choice.labels, doc) or choice.name))
    return texts


def _pick(labels: dict[str, str] | object, doc: Document) -> str:
    assert isinstance(labels, dict)
    return str(labels.get(doc.language or "") or labels.get(doc.spec.default_language or "")
               or labels.get("default") or "")


def _missing(spec: FormSpec, doc: Document, text: str, notes: bool = True) -> list[str]:
    flat = _flat(text)
    return [what for what, label in _printed(spec, doc, notes) if not _pattern(label).search(flat)]


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _instructions(spec: FormSpec, doc: Document) -> list[tuple[str, str]]:
    """(question, the instruction its relevance must print): the words, or the expression itself."""
    return [(q.name, doc.phrasing.relevance(q.relevant).text) for q in spec.questions
            if q.relevant and (q.asked or q.type == "note")]


# ------------------------------------------------------------------------------------------------ languages
def test_the_forms_languages_are_found_by_code_or_name() -> None:
    spec = read_form(FORM)
    assert form_language(spec, "es") == "Español (es)"
    assert form_language(spec, "en") == "English (en)"
    assert form_language(FormSpec("f", None, "", None, ("Spanish", "English"), (), {}, ()), "es") == "Spanish"
    assert form_language(FormSpec("f", None, "", None, ("Français (fr)",), (), {}, ()), "en") is None


# ------------------------------------------------------------------------------------------------ the paper
@pytest.mark.parametrize("lang", ["es", "en"])
def test_paper_html_prints_every_label_choice_and_instruction(lang: str) -> None:
    spec = read_form(FORM)
    paper, doc = build_paper(spec, lang, FORM)  # type: ignore[arg-type]
    text = html_text(render_paper(paper, SETTINGS.folder))
    assert _missing(spec, doc, text) == []
    flat = _flat(text)
    assert [name for name, words in _instructions(spec, doc) if _flat(words) not in flat] == []
    # the three shapes the issue names, with the form's own numbers (P9 visit result, P11 consent, P52 pregnant)
    if lang == "es":
        assert "Solo si P11 = Sí" in flat and "Solo para mujeres de 12 a 49 años" in flat
        assert "Pase a P11" in flat and "Entre 1 y 30" in flat
    else:
        assert "Only if Q11 = Yes" in flat and "Only for women aged 12 to 49" in flat and "Go to Q11" in flat
        assert not {"Solo si", "Pase a", "una respuesta", "anote"} & set(re.findall(r"Solo si|Pase a|una respuesta|anote",
                                                                                  flat))  # no Spanish leaks


def test_skips_follow_the_form() -> None:
    spec = read_form(FORM)
    doc = Document(spec, "es", SETTINGS, FORM)
    # by hand from the form: visit_result 'completed' skips visit_result_other (P10) to consent (P11); 'absent'
    # skips everything (consent is not asked, and every later group needs consent = yes); 'other' goes on to P10
    skips = doc.skips(spec.question("visit_result"))
    assert skips["completed"] == "Pase a P11" and skips["absent"] == "Fin de la entrevista"
    assert "other" not in skips
    # in the roster: worked_last_week = yes skips has_job_absent and looked_for_work (P38, P39) to P40
    assert doc.skips(spec.question("worked_last_week")) == {"yes": "Pase a P40"}
    assert doc.skips(spec.question("any_death")) == {"no": "Pase a P63"}  # the death roster is skipped


def test_a_rule_not_in_words_is_printed_as_written_and_listed(md_form: Callable[[str], Path]) -> None:
    path = md_form("""
| survey |
|        | type    | name | label | relevant                   | constraint      | constraint_message |
|        | text    | code | Code  |                            | regex(., '^A$') | One capital A      |
|        | integer | n    | N     | string-length(${code}) > 0 | . >= 1          |                    |
""")
    spec = read_form(path)
    paper, doc = build_paper(spec, "es", path)
    html = render_paper(paper, SETTINGS.folder)
    assert "regex(., &#39;^A$&#39;)" in html and "One capital A" in html
    assert "string-length((P1)) &gt; 0" not in html and "string-length(${code}) &gt; 0" in html
    # the form has no language columns (FORM_012), and two rules are not in words (FORM_011), each listed once
    assert sorted((p.code, str(p.context.get("name"))) for p in doc.problems) == [
        (FORM_011.code, "code"), (FORM_011.code, "n"), (FORM_012.code, "None")]


def test_a_wide_repeat_is_split_into_panels(md_form: Callable[[str], Path]) -> None:
    rows = "\n".join(f"|  | integer | q{i} | Question number {i} with a long label to wrap | | |" for i in range(20))
    path = md_form(f"""
| survey |
|        | type         | name   | label  | relevant | constraint |
|        | begin_repeat | member | Member |          |            |
{rows}
|        | end_repeat   |        |        |          |            |
""")
    paper, _ = build_paper(read_form(path), "en", path)
    roster = next(s.roster for s in paper.sections if s.roster)
    # 20 questions, at most 8 a panel (instruments.yaml): 3 panels of 7, 7, 6
    assert [len(p.columns) for p in roster.panels] == [7, 7, 6]
    assert [p.part for p in roster.panels] == ["part 1 of 3", "part 2 of 3", "part 3 of 3"]


def _landscape_pages_fit(pdf: Path, folder: Path) -> int:
    """Render each page to PNG; on every landscape page (a roster) nothing may reach into the right or bottom
    margin, where a table too wide or too tall would be cut. Returns the number of landscape pages."""
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(folder / "page")], check=True)
    landscape = 0
    for png in sorted(folder.glob("page-*.png")):
        pixels = np.asarray(Image.open(png).convert("L"))
        height, width = pixels.shape
        if width <= height:
            continue
        landscape += 1
        ink = np.argwhere(pixels < 200)
        mm = width / 297  # pixels per millimetre
        right, bottom = ink[:, 1].max(), ink[:, 0].max()
        assert right <= width - 8 * mm, f"{png.name}: ink {(width - right) / mm:.1f} mm from the right edge"
        assert bottom <= height - 4 * mm, f"{png.name}: ink {(height - bottom) / mm:.1f} mm from the bottom"
    return landscape


@pytest.mark.slow
@needs_poppler
@pytest.mark.parametrize("lang", ["es", "en"])
def test_paper_pdf_of_the_shipped_form(lang: str, tmp_path: Path) -> None:
    written = write_paper(FORM, tmp_path, lang)  # type: ignore[arg-type]
    pdf = next(p for p in written.files if p.suffix == ".pdf")
    html = next(p for p in written.files if p.suffix == ".html")
    assert "<style>" in html.read_text(encoding="utf-8")  # the HTML opens alone, with its stylesheet
    spec = read_form(FORM)
    doc = Document(spec, lang, SETTINGS, FORM)  # type: ignore[arg-type]
    text = _pdftotext(pdf)
    assert _missing(spec, doc, text) == []
    flat = _flat(text)
    assert [name for name, words in _instructions(spec, doc) if _flat(words) not in flat] == []
    # the member roster (31 questions) in 4 panels, the death roster in 1: 5 grids on landscape pages
    assert _landscape_pages_fit(pdf, tmp_path) >= 5
    part = "parte" if lang == "es" else "part"
    assert all(f"{part} {i} {'de' if lang == 'es' else 'of'} 4" in flat for i in range(1, 5))


@pytest.mark.slow
@needs_poppler
def test_a_wide_roster_still_fits_the_page(md_form: Callable[[str], Path], tmp_path: Path) -> None:
    rows = "\n".join(f"|  | select_one yn | q{i} | Una pregunta larga número {i} que ocupa varias líneas en la grilla | "
                     f"${{q0}} = 'yes' |" for i in range(26))
    path = md_form(f"""
| survey |
|        | type         | name   | label   | relevant |
|        | begin_repeat | member | Persona |          |
{rows}
|        | end_repeat   |        |         |          |
| choices |
|         | list_name | name | label                              |
|         | yn        | yes  | Sí, con una etiqueta bastante larga |
|         | yn        | no   | No, con una etiqueta bastante larga |
|         | yn        | dk   | No sabe o no responde               |
""")
    written = write_paper(path, tmp_path / "out", "es")
    assert _landscape_pages_fit(next(p for p in written.files if p.suffix == ".pdf"), tmp_path) >= 4


# ------------------------------------------------------------------------------------------------ the manual
@pytest.mark.parametrize("lang", ["es", "en"])
def test_manual_has_an_entry_per_question_naming_its_indicators(lang: str) -> None:
    spec = read_form(FORM)
    manual, doc = build_manual(spec, lang, FORM)  # type: ignore[arg-type]
    entries = {e.name: e for chapter in manual.chapters for e in chapter.entries}
    asked = [q.name for q in spec.questions if q.asked]
    assert list(entries) == asked  # one entry per data question, in form order
    uses = indicator_uses(lang)  # type: ignore[arg-type]
    html = render_manual(manual, SETTINGS.folder)
    text = _flat(html_text(html))
    for name in asked:
        assert [u.id for u in entries[name].indicators] == [u.id for u in uses.get(name, ())]
    # by hand from pipelines/indicators: NUT_01 (stunting) reads height_cm, POV_01 reads income_labour
    assert "NUT_01" in [u.id for u in entries["height_cm"].indicators]
    assert "POV_01" in [u.id for u in entries["income_labour"].indicators]
    message = {"es": "«Anote un número de habitaciones entre 1 y 30.»", "en": "“Enter a number of rooms between 1 and 30.”"}
    assert entries["rooms"].on_break[0].endswith(message[lang])
    assert _missing(spec, doc, text, notes=False) == []
    opening = "El consentimiento" if lang == "es" else "Consent"
    assert opening in text and ("Hogar económico" if lang == "es" else "Economic household") in text


def test_respondents_and_dependants() -> None:
    spec = read_form(FORM)
    manual, _ = build_manual(spec, "en", FORM)
    entries = {e.name: e for chapter in manual.chapters for e in chapter.entries}
    assert entries["weight_kg"].respondent.startswith("The enumerator, who measures")
    assert entries["rooms"].respondent.startswith("The household respondent")
    assert entries["literate"].respondent.startswith("Each person aged 12 or over")
    # worked_last_week decides has_job_absent (Q38), looked_for_work (Q39), the category and hours (Q40, Q41)
    assert entries["worked_last_week"].decides == "Q38–Q41"


@pytest.mark.slow
@needs_poppler
def test_manual_pdf_of_the_shipped_form(tmp_path: Path) -> None:
    written = write_manual(FORM, tmp_path, "es")
    text = _flat(_pdftotext(next(p for p in written.files if p.suffix == ".pdf")))
    spec = read_form(FORM)
    doc = Document(spec, "es", SETTINGS, FORM)
    assert _missing(spec, doc, text, notes=False) == []
    assert "NUT_01" in text and "Lo que el teléfono calcula o registra solo" in text


# ------------------------------------------------------------------------------------------------ outside forms
@needs_outside
@pytest.mark.parametrize("name", ["liberiaStdForm.xlsx", "pyodk_simple_repeat.xlsx"])
def test_outside_forms_in_html(name: str) -> None:
    path = OUTSIDE / name
    spec = read_form(path)
    paper, doc = build_paper(spec, "en", path)
    assert _missing(spec, doc, html_text(render_paper(paper, SETTINGS.folder))) == []
    manual, _ = build_manual(spec, "en", path)
    assert [e.name for c in manual.chapters for e in c.entries] == [q.name for q in spec.questions if q.asked]
    assert any(s.roster for s in paper.sections)  # each has a repeat


@pytest.mark.slow
@needs_outside
@needs_poppler
@pytest.mark.parametrize("name", ["liberiaStdForm.xlsx", "pyodk_simple_repeat.xlsx"])
def test_outside_forms_build_both_pdfs(name: str, tmp_path: Path) -> None:
    path = OUTSIDE / name
    for lang in ("es", "en"):
        paper = write_paper(path, tmp_path / lang, lang)  # type: ignore[arg-type]
        manual = write_manual(path, tmp_path / lang, lang)  # type: ignore[arg-type]
        # a form with only default labels (no language named): they are printed, and a warning says so
        assert [p.code for p in paper.problems if p.code == FORM_012.code] == [FORM_012.code]
        pdf = next(p for p in paper.files if p.suffix == ".pdf")
        spec = read_form(path)
        assert _missing(spec, Document(spec, lang, SETTINGS, path), _pdftotext(pdf)) == []  # type: ignore[arg-type]
        assert _landscape_pages_fit(pdf, tmp_path / lang) >= 1
        assert all(p.exists() for p in manual.files)


# ------------------------------------------------------------------------------------------------ command line
@pytest.mark.slow
def test_commands_write_both_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["form", "paper", str(FORM), "--out", str(tmp_path), "--lang", "en"]) == 0
    assert main(["form", "manual", str(FORM), "--out", str(tmp_path)]) == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "questionnaire_cbms_grb_hogar.html", "questionnaire_cbms_grb_hogar.pdf",
        "manual_encuestador_cbms_grb_hogar.html", "manual_encuestador_cbms_grb_hogar.pdf"}
    captured = capsys.readouterr()
    assert "FORM_011" in captured.out + captured.err  # the regex constraints, listed as warnings


def test_a_missing_form_is_one_line_and_exit_1(tmp_path: Path) -> None:
    assert main(["form", "paper", str(tmp_path / "nowhere.xlsx"), "--out", str(tmp_path)]) == 1
    assert main(["form", "manual", str(tmp_path / "nowhere.xlsx"), "--out", str(tmp_path)]) == 1


@needs_outside
def test_an_outside_form_gets_the_general_respondent() -> None:
    path = OUTSIDE / "liberiaStdForm.xlsx"
    manual, _ = build_manual(read_form(path), "en", path)
    entries = {e.name: e for chapter in manual.chapters for e in chapter.entries}
    # the declarations in instruments.yaml are for cbms_grb_hogar: this form's root and repeat get the general words
    assert entries["id"].respondent == "The respondent."
    assert entries["oedema"].respondent.startswith("For each “Anthropometry”")
