"""The published budget and coverage (issues 14 and 15): the workbook's sheets and the PDFs show exactly the
analysts' tables (budget.parquet, coverage.parquet) after protection, no cell under the threshold is printed, and
the disclosure audit works none of the protected cells back."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from cbms.cli import main
from cbms.disclosure.audit import audit_disclosure
from cbms.published.numbers import number_text
from cbms.published.settings import load_settings

LABELS = load_settings()


def _rows(path: Path) -> list[dict[str, object]]:
    con = duckdb.connect()
    try:
        result = con.execute(f"SELECT * FROM '{path}'")
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    finally:
        con.close()


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _sheet(book: Path, key: str, lang: str = "es") -> list[dict[str, object]]:
    """A table sheet's rows as header -> value, up to the blank row before the notes."""
    ws = load_workbook(book, read_only=True)[LABELS.word(key, lang)]  # type: ignore[arg-type]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    out = []
    for row in rows[1:]:
        if all(v is None for v in row):
            break
        out.append(dict(zip(header, row, strict=False)))
    return out


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    assert main(["run", "--demo", "--households", "400", "--seed", "3", "--out", str(out)]) == 0
    return out


def _english(run: Path, tmp: Path) -> tuple[Path, Path]:
    """The budget and coverage PDFs in English, from the run's database (a run writes its own language only)."""
    from cbms.budget import check_budget
    from cbms.budget.stage import budget_tables
    from cbms.config import load_manifest
    from cbms.form import open_form
    from cbms.published import read_published
    from cbms.report.budget_pdf import write_budget_pdf
    from cbms.report.coverage_pdf import write_coverage_pdf
    from cbms.targeting import load_targeting

    manifest = load_manifest()
    inputs = check_budget(manifest)
    con = duckdb.connect(str(run / "supervision" / "cbms.duckdb"), read_only=True)
    try:
        tables = budget_tables(con, manifest, inputs)
        rules = load_targeting(open_form(manifest.form), manifest.project.pipelines).rules
        published = read_published(con, manifest, programmes=rules, budget=(tables, inputs.declarations))
    finally:
        con.close()
    return write_budget_pdf(published, tmp, "en")[0], write_coverage_pdf(published, tmp, "en")[0]


def _key(row: dict[str, object]) -> tuple[object, ...]:
    return (row["programme"], row["area_code"], row["sex"] or None, row["head_sex"] or None)


@pytest.mark.slow
def test_the_coverage_sheet_is_coverage_parquet_after_protection(run: Path) -> None:
    exact = {_key(r): r for r in _rows(run / "analisis" / "coverage.parquet")}
    published = {_key(r): r for r in _csv(run / "publicacion" / "cobertura_publicada.csv")}
    assert published.keys() == exact.keys()
    # every cell the mart flags as small is protected (blank), and more besides (secondary suppression)
    small = {k for k, r in exact.items() if r["suppressed"]}
    hidden = {k for k, r in published.items() if r["suppressed"] == "true"}
    assert small and small < hidden
    assert all(published[k]["eligible"] == published[k]["undercoverage"] == "" for k in hidden)
    sheet = _sheet(next((run / "publicacion").glob("indicadores_*.xlsx")), "coverage_sheet")
    assert len(sheet) == len(exact)
    word = LABELS.word
    breakdown = {word("total", "es"): (None, None), word("women", "es"): ("female", None),
                 word("men", "es"): ("male", None), word("female_head", "es"): (None, "female"),
                 word("male_head", "es"): (None, "male")}
    columns = {"eligible": "eligible", "beneficiaries": "beneficiaries",
               "eligible_beneficiaries": "eligible_beneficiaries", "leakage": "leakage",
               "undercoverage": "undercoverage"}
    seen = 0
    for row in sheet:
        sex, head = breakdown[str(row[word("breakdown", "es")])]
        key = (row[word("id_code", "es")], row[word("area_code", "es")], sex, head)
        for column, source in columns.items():
            shown = row[word(column, "es")]
            if key in hidden:
                assert shown == "x"
            elif exact[key][source] is None:
                assert shown == "n.a."  # a rate over zero
            else:
                assert shown == pytest.approx(exact[key][source], abs=1e-9)  # the exact value, formatted by Excel
                seen += 1
    assert seen > 100


@pytest.mark.slow
def test_the_budget_sheets_are_budget_parquet_after_protection(run: Path) -> None:
    exact = _rows(run / "analisis" / "budget.parquet")
    published = _csv(run / "publicacion" / "presupuesto_publicado.csv")
    assert len(published) == len(exact)
    book = next((run / "publicacion").glob("indicadores_*.xlsx"))
    word = LABELS.word
    # the allocation sheet: one row per need and area of budget_against_need.parquet; in need and soles equal
    against = _rows(run / "analisis" / "budget_against_need.parquet")
    sheet = _sheet(book, "budget_against_sheet")
    assert [(r[word("id_code", "es")], r[word("area_code", "es")]) for r in sheet] == \
        [(r["need_id"], r["area_code"]) for r in against]
    totals = {(r["need_id"], r["area_code"]): r for r in published if r["sex"] == r["head_sex"] == ""}
    for shown, row in zip(sheet, against, strict=True):
        assert shown[word("allocated", "es")] == pytest.approx(row["allocated"])  # soles are public: always shown
        cell = totals[(row["need_id"], row["area_code"])]
        if cell["suppressed"] == "true":
            assert shown[word("in_need", "es")] == "x" and shown[word("per_unit", "es")] == "x"
        else:
            assert shown[word("in_need", "es")] == pytest.approx(row["in_need"])
            assert float(cell["in_need"]) == pytest.approx(row["in_need"])
    # the ranking sheet shows the declared weights beside every sector (pipelines/budget/rules.yaml: 0.4/0.4/0.2)
    ranking = _sheet(book, "budget_ranking_sheet")
    assert [r[word("rank", "es")] for r in ranking] == list(range(1, len(ranking) + 1))
    assert {(r[word("weight_severity", "es")], r[word("weight_size", "es")], r[word("weight_gap", "es")])
            for r in ranking} == {(0.4, 0.4, 0.2)}
    # the class shares, as budget_classes.parquet has them
    classes = _rows(run / "analisis" / "budget_classes.parquet")
    assert [r[word("amount", "es")] for r in _sheet(book, "budget_classes_sheet")] == [r["amount"] for r in classes]


@pytest.mark.slow
def test_the_coverage_pdf_prints_each_programmes_district_figures(run: Path, tmp_path: Path) -> None:
    exact = [r for r in _rows(run / "analisis" / "coverage.parquet")
             if r["area_level"] == "district" and r["sex"] is None and r["head_sex"] is None]
    english = _english(run, tmp_path)[1]
    assert english.name.endswith("_en.pdf")
    for lang, pdf in (("es", next((run / "publicacion").glob("cobertura_programas_sociales_*.pdf"))),
                      ("en", english)):
        text = " ".join(_pdf_text(pdf).split())
        assert LABELS.word("coverage_title", lang) in text
        for row in exact:  # the district is never small in the demo: each programme's under-coverage is printed
            assert number_text(float(row["undercoverage"]), 1, lang) in text  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_budget_pdf_names_the_five_sectors_where_need_most_exceeds_allocation(run: Path,
                                                                                    tmp_path: Path) -> None:
    ranking = _rows(run / "analisis" / "budget_ranking.parquet")
    published = _csv(run / "publicacion" / "presupuesto_publicado.csv")
    hidden = any(r["suppressed"] == "true" for r in published if r["area_level"] == "sector")
    # computed another way: the sectors whose share of the need exceeds their share of the budget, most first
    top = sorted((r for r in ranking if r["unmet"] > 0), key=lambda r: -r["unmet"])[:5]  # type: ignore[operator]
    assert len(top) == 5
    pdf = next((run / "publicacion").glob("presupuesto_*_ves-demo.pdf"))
    text = " ".join(_pdf_text(pdf).split())
    start = text.index(LABELS.word("top_unmet_title", "es"))
    for row in top:
        assert f"({row['area_code']})" in text[start:]
        shown = number_text(float(row["budget_share"]), 1, "es")  # type: ignore[arg-type]
        assert shown in text[start:]
        # where a sector's cell is hidden the scores (and so the difference) are not printed: only the order stays
        assert (number_text(float(row["unmet"]), 1, "es") in text[start:]) or hidden  # type: ignore[arg-type]
    assert text.index(f"({top[0]['area_code']})", start) < text.index(f"({top[1]['area_code']})", start)
    english = " ".join(_pdf_text(_english(run, tmp_path)[0]).split())
    assert LABELS.word("budget_title", "en") in english and LABELS.word("budget_title", "es") not in english


@pytest.mark.slow
def test_no_budget_or_coverage_cell_under_the_threshold_is_printed(run: Path) -> None:
    # the demo's manifest: min_cell = 5 (10 for the sensitive programme); a census counts each unit with weight 1,
    # so a published count of eligible units or of beneficiaries is 0 (no one) or at least 5
    for row in _csv(run / "publicacion" / "cobertura_publicada.csv"):
        counts = ("eligible", "beneficiaries", "n")
        assert all(row[c] == "" for c in counts) == (row["suppressed"] == "true")
        if row["suppressed"] == "false":
            assert all(float(row[c]) == 0 or float(row[c]) >= 5 for c in ("eligible", "beneficiaries"))
    # a count in need is an indicator's numerator: printed only where the indicator cell is not small
    small = {(r["indicator_id"], r["area_code"], r["sex"], r["head_sex"]) for r in
             _rows(run / "analisis" / "indicators.parquet") if r["suppressed"] and r["age_group"] is None}
    printed = [r for r in _csv(run / "publicacion" / "presupuesto_publicado.csv") if r["in_need"] != ""]
    assert printed
    assert not [r for r in printed if (r["indicator_id"], r["area_code"], r["sex"] or None, r["head_sex"] or None)
                in small]
    exact = {(r["programme"], r["area_code"], r["sex"], r["head_sex"]): r
             for r in _rows(run / "analisis" / "coverage.parquet")}
    for row in _csv(run / "publicacion" / "cobertura_publicada.csv"):
        cell = exact[(row["programme"], row["area_code"], row["sex"] or None, row["head_sex"] or None)]
        if cell["suppressed"]:
            assert row["suppressed"] == "true"


@pytest.mark.slow
def test_the_audit_attacks_the_new_tables_and_recovers_nothing(run: Path) -> None:
    audit = audit_disclosure(run / "publicacion")
    assert not audit.recovered and not audit.printed
    table = run / "publicacion" / "cobertura_publicada.csv"
    protected = sum(r["suppressed"] == "true" for r in _csv(table))
    indicators = sum(r["suppressed"] == "true" for r in _csv(run / "publicacion" / "indicadores_publicados.csv"))
    budget = sum(r["suppressed"] == "true" for r in _csv(run / "publicacion" / "presupuesto_publicado.csv"))
    assert audit.protected == indicators + protected + budget  # the audit read all three tables


@pytest.mark.slow
def test_the_audit_finds_what_only_primary_suppression_would_leave(run: Path, tmp_path: Path) -> None:
    """The same coverage with only the small cells blank: the audit works some back by subtraction."""
    folder = tmp_path / "publicacion"
    folder.mkdir()
    (folder / "indicadores_publicados.csv").write_bytes(
        (run / "publicacion" / "indicadores_publicados.csv").read_bytes())
    exact = _rows(run / "analisis" / "coverage.parquet")
    with (folder / "cobertura_publicada.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["programme", "area_level", "area_code", "sex", "head_sex", "eligible", "beneficiaries",
                         "eligible_beneficiaries", "leakage", "undercoverage", "n", "suppressed"])
        for r in exact:
            blank = bool(r["suppressed"])
            writer.writerow([r["programme"], r["area_level"], r["area_code"], r["sex"] or "", r["head_sex"] or "",
                             *("" if blank else r[c] for c in ("eligible", "beneficiaries", "eligible_beneficiaries",
                                                                "leakage", "undercoverage")), "",
                             "true" if blank else "false"])
    audit = audit_disclosure(folder)
    assert any(cell[0].startswith("cobertura/") for cell in audit.recovered)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 29])
def test_the_audit_recovers_nothing_on_other_demo_runs(seed: int, tmp_path: Path) -> None:
    assert main(["run", "--demo", "--households", "250", "--seed", str(seed), "--format", "xlsx",
                 "--out", str(tmp_path)]) == 0
    audit = audit_disclosure(tmp_path / "publicacion")
    assert not audit.recovered and not audit.printed
