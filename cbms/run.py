"""run_all(): the stages in order — ingest, validate, indicators, coverage, budget, change since the earlier round,
report, maps, disclosure audit — with no logic of its own."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cbms.budget import BudgetInputs, BudgetRun
from cbms.config import Manifest
from cbms.errors import Lang, Notice
from cbms.indicators import Catalogue, ComputeReport
from cbms.store import LoadReport
from cbms.targeting import CoverageReport
from cbms.validate import Accounting

if TYPE_CHECKING:
    import duckdb

    from cbms.disclosure.audit import Audit
    from cbms.form.spec import FormSpec
    from cbms.published import Published
    from cbms.report.profiles import Profiles
    from cbms.rounds.change import ChangeReport
    from cbms.rounds.crosswalk import Crosswalk

StageHook = Callable[[str, str], None]  # (event 'start' | 'done', stage name)


@dataclass
class RunReport:
    """What a run did: loads, accounting, indicators, files, problems, seconds per stage."""

    loads: list[LoadReport] = field(default_factory=list)
    accounting: Accounting | None = None
    indicators: ComputeReport | None = None
    coverage: CoverageReport | None = None
    budget: BudgetRun | None = None  # when the manifest names a budget
    budget_inputs: BudgetInputs | None = None
    files: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # outputs that could not be written, in the run's language
    notices: list[Notice] = field(default_factory=list)  # what a stage said, in either language
    seconds: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None
    protected: tuple[int, int] = (0, 0)  # cells hidden as too small, and hidden to protect them
    audit: Audit | None = None
    change: ChangeReport | None = None  # when the manifest names an earlier round the database holds


@contextmanager
def _stage(report: RunReport, name: str, hook: StageHook | None) -> Iterator[None]:
    if hook:
        hook("start", name)
    start = time.perf_counter()
    yield
    report.seconds[name] = report.seconds.get(name, 0.0) + time.perf_counter() - start
    if hook:
        hook("done", name)


def run_all(exports: list[Path], manifest: Manifest, out: Path, db: Path, lang: Lang = "es",
            formats: tuple[str, ...] | None = None, hook: StageHook | None = None) -> RunReport:
    """Every stage on the exports, leaving every output of OUTPUTS.md in `out`'s three folders, then the disclosure
    audit of what is published: `report.audit.check()` raises DIS_002 when it worked a protected cell back (the
    run is then not complete)."""
    from cbms.disclosure.audit import audit_disclosure
    from cbms.folders import Folders
    from cbms.form import open_form
    from cbms.indicators import compute_indicators, load_catalogue, write_indicator_files
    from cbms.ingest import read_exports
    from cbms.published import read_published
    from cbms.published.long_tables import write_long_tables
    from cbms.published.table import write_published_table
    from cbms.rounds.aliases import read_through
    from cbms.rounds.declared import round_crosswalks
    from cbms.store import open_database, write_tables
    from cbms.store.db import check_versions, register_forms
    from cbms.store.runs import record_round, record_run
    from cbms.targeting import compute_coverage, load_targeting, write_coverage_files
    from cbms.validate import load_rules, validate_tables
    from cbms.validate.outputs import write_issues_parquet

    report = RunReport()
    formats = manifest.formats if formats is None else formats  # () writes none of the reports
    folders = Folders(out).make()
    # the round's crosswalks first: an export of a version they name is read in the current names and codes
    form = open_form(manifest.form)
    crosswalks = round_crosswalks(manifest.crosswalks, manifest.project.pipelines, manifest.path, form)
    versions = [(open_form(path), str(path)) for path in manifest.form_versions]
    form = read_through(form, crosswalks, [v for v, _ in versions])
    check_versions(form.form_id, versions)
    # the declarations (the round's own folders, or the shipped ones) are checked before any data is touched
    catalogue = load_catalogue(form, manifest.project.pipelines)
    rules = load_rules(form, manifest.project.schemas)
    targeting = load_targeting(form, manifest.project.pipelines)
    report.budget_inputs = _budget_inputs(manifest, catalogue)  # checked before any data, as the catalogue is
    with _stage(report, "ingest", hook):
        loaded = read_exports(exports, form)  # every export is read (and refused) before the database is opened
    with open_database(db, manifest.round_id) as con:
        with _stage(report, "ingest", hook):
            report.loads = [write_tables(con, export, form, db) for export in loaded]
            register_forms(con, form.form_id, versions)  # after the loads: they refuse a database of another form
            report.problems += [w.message(lang) for load in report.loads for w in load.warnings]
        with _stage(report, "validate", hook):
            report.accounting = validate_tables(con, form, rules, str(db), manifest.period, crosswalks)
            report.files.append(write_issues_parquet(con, folders.analysis))
            report.files += _validation_workbook(con, folders.supervision, lang, form)
        with _stage(report, "indicators", hook):
            report.indicators = compute_indicators(con, catalogue, manifest)
            report.files += list(write_indicator_files(con, folders.analysis))
            folder = catalogue.folder
            record_round(con, manifest)
            report.run_id = record_run(con, manifest.path, sorted((folder / "indicators").glob("*.yaml"))
                                       + sorted((folder / "units").glob("*"))
                                       + sorted((folder / "targeting").glob("*.yaml"))).run_id
        with _stage(report, "coverage", hook):
            report.coverage = compute_coverage(con, targeting, manifest, units_ready=True)
            report.files += list(write_coverage_files(con, folders.analysis))
        if report.budget_inputs is not None:
            with _stage(report, "budget", hook):
                report.budget = _budget(con, manifest, folders.analysis, report.budget_inputs)
                report.files += list(report.budget.files)
        with _stage(report, "report", hook):
            budget = (report.budget.tables, report.budget_inputs.declarations) \
                if report.budget is not None and report.budget_inputs is not None else None
            published = read_published(con, manifest, programmes=targeting.rules, budget=budget)
        if manifest.previous_round is not None:
            with _stage(report, "change", hook):
                published = _change(con, manifest, crosswalks, published, folders.analysis, report)
        with ExitStack() as workers:  # the profiles are laid out in worker processes while the rest is written
            with _stage(report, "report", hook):
                report.problems += [p.message(lang) for p in published.problems]
                report.protected = published.protected_counts
                report.files.append(write_published_table(published, folders.published))
                report.files += write_long_tables(published, folders.published)
                profiles = workers.enter_context(_start_profiles(published, folders.published, lang)) \
                    if "pdf" in formats else None
                _reports(published, folders.published, lang, formats, report)
            if "maps" in formats:
                with _stage(report, "maps", hook):
                    _maps(published, folders.published, lang, report)
            if profiles is not None:
                with _stage(report, "report", hook):
                    written = profiles.wait()
                    report.files += list(written)
                    report.problems += [p.message(lang) for p in written.problems]
    with _stage(report, "disclosure", hook):
        report.audit = audit_disclosure(folders.published)
    return report


def _budget_inputs(manifest: Manifest, catalogue: Catalogue) -> BudgetInputs | None:
    from cbms.budget import check_budget

    return check_budget(manifest, catalogue) if manifest.budget is not None else None


def _change(con: duckdb.DuckDBPyConnection, manifest: Manifest, crosswalks: tuple[Crosswalk, ...],
            published: Published, out: Path, report: RunReport) -> Published:
    """The change since the earlier round, when the database holds it (else a notice, and no change table); the
    published mart with its publishable changes."""
    from dataclasses import replace

    from cbms.errors import RND_032
    from cbms.published.changes import read_changes
    from cbms.rounds.change import compute_change, write_change_files
    from cbms.store.rounds import rounds_with

    previous = manifest.previous_round
    if previous not in rounds_with(con, "mart.indicator_values"):
        report.notices.append(Notice(RND_032, {"previous": previous}))
        return published
    report.change = compute_change(con, manifest, crosswalks, published)
    report.notices += report.change.notices
    report.files += list(write_change_files(con, out))
    return replace(published, changes=read_changes(con))


def _budget(con: duckdb.DuckDBPyConnection, manifest: Manifest, out: Path, inputs: BudgetInputs) -> BudgetRun:
    from cbms.budget import run_budget

    return run_budget(con, manifest, out, inputs)


def _validation_workbook(con: duckdb.DuckDBPyConnection, out: Path, lang: Lang, form: FormSpec) -> list[Path]:
    from cbms.validate.supervisors import supervisor_workbook

    return [supervisor_workbook(con, out, lang, form)]


def _start_profiles(published: Published, out: Path, lang: Lang) -> Profiles:
    from cbms.report.profiles import start_profiles

    return start_profiles(published, out, lang)


def _reports(published: Published, out: Path, lang: Lang, formats: tuple[str, ...], report: RunReport) -> None:
    """The workbook and the budget and coverage documents (the profiles are started before, and waited for after
    the maps)."""
    from cbms.report.workbook import write_workbook

    if "xlsx" in formats:
        report.files.append(write_workbook(published, out, lang))
    if "pdf" in formats:
        from cbms.report.budget_pdf import write_budget_pdf
        from cbms.report.coverage_pdf import write_coverage_pdf

        for write in (write_budget_pdf, write_coverage_pdf):
            written = write(published, out, lang)
            report.files += list(written)
            report.problems += [p.message(lang) for p in written.problems]


def _maps(published: Published, out: Path, lang: Lang, report: RunReport) -> None:
    from cbms.maps import export_map_inputs
    from cbms.maps.coverage_maps import write_coverage_maps

    result = export_map_inputs(published, out, lang)
    report.files += list(result.files)
    report.problems += [p.message(lang) for p in result.problems]
    coverage = write_coverage_maps(published, out, lang)
    report.files += coverage.files
    report.problems += [p.message(lang) for p in coverage.problems]
