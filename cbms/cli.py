"""The `cbms` command line: a thin shell over the stages, and the ONLY place that catches CbmsError."""

from __future__ import annotations

import signal
import sys
import tempfile
import threading
import warnings
from contextlib import ExitStack
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cbms import __version__, console
from cbms.errors import CLI_003, CbmsError, Lang
from cbms.project import SHIPPED

if TYPE_CHECKING:
    import duckdb

    from cbms.config import Manifest
    from cbms.form.spec import FormSpec
    from cbms.published import Published
    from cbms.rounds.crosswalk import Crosswalk

HELP = ("cbms: monitoreo comunitario de hogares con enfoque de género (CBMS-GRB). / "
        "cbms: community-based household monitoring with a gender lens (CBMS-GRB).")


@dataclass
class _State:
    lang: Lang = "es"
    debug: bool = False


class _Lang(StrEnum):
    es = "es"
    en = "en"


state = _State()
app = typer.Typer(help=HELP, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
form_app = typer.Typer(help=(
    "Formularios XLSForm: construir, revisar, reflejar, imprimir. / XLSForms: build, check, mirror, print."),
    no_args_is_help=True)
app.add_typer(form_app, name="form")
indicators_app = typer.Typer(help=(
    "Indicadores: calcular, revisar el catálogo, listarlo. / Indicators: compute, check the catalogue, list it."))
app.add_typer(indicators_app, name="indicators")
budget_app = typer.Typer(help=(
    "Presupuesto frente a necesidades: calcular, revisar las declaraciones. / Budget against need: compute, check "
    "the declarations."))
app.add_typer(budget_app, name="budget")
rounds_app = typer.Typer(help=(
    "Rondas del censo en una base: listarlas, revisar sus tablas de correspondencias. / Census rounds in one "
    "database: list them, check their crosswalks."))
app.add_typer(rounds_app, name="rounds")


def _say(es: str, en: str) -> str:
    return es if state.lang == "es" else en


def _version(value: bool) -> None:
    if value:
        console.info(f"cbms {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    lang: Annotated[_Lang, typer.Option("--lang", envvar="CBMS_LANG",
                                        help="Idioma de los mensajes. / Language of messages.")] = _Lang.es,
    debug: Annotated[bool, typer.Option("--debug", help="Mostrar la traza completa. / Show the traceback.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Versión de cbms. / cbms version.")] = False,
) -> None:
    state.lang = "en" if lang is _Lang.en else "es"
    state.debug = debug


FormArg = Annotated[Path, typer.Argument(help="XLSForm (.xlsx).", show_default=False)]


@form_app.command("build")
def form_build(
    form: FormArg,
    out: Annotated[Path | None, typer.Option("--out", help="Carpeta del XForm. / XForm folder.")] = None,
    validate: Annotated[bool, typer.Option("--validate/--no-validate",
                                           help="Pasar ODK Validate (Java). / Run ODK Validate.")] = True,
) -> None:
    """Construye el XForm con pyxform y ODK Validate. / Build the XForm with pyxform and ODK Validate."""
    from cbms.form import build_form

    result = build_form(form, out, validate=validate)
    for warning in result.warnings:
        console.warning(" ".join(warning.split()))
    checked = _say(" (ODK Validate: conforme)", " (ODK Validate: passed)") if validate else ""
    console.success(_say(f"XForm escrito en {result.xform}", f"XForm written to {result.xform}") + checked)


@form_app.command("check")
def form_check(
    form: FormArg,
    validate: Annotated[bool, typer.Option("--validate/--no-validate",
                                           help="Pasar ODK Validate (Java). / Run ODK Validate.")] = True,
    core: Annotated[bool, typer.Option("--core/--no-core", help=(
        "Comparar con el diccionario básico CBMS-GRB. / Compare with the CBMS-GRB core dictionary."))] = True,
) -> None:
    """Revisa el formulario y lista todos sus problemas. / Check the form and list all its problems."""
    from cbms.errors import FORM_006
    from cbms.form import check_form

    findings = check_form(form, validate=validate, core=core)
    errors = [f for f in findings if f.severity == "error"]
    for finding in findings:
        (console.error if finding.severity == "error" else console.warning)(finding.message(state.lang))
    if errors:
        raise CbmsError(FORM_006, path=form, count=len(errors))
    console.success(_say(f"{form}: sin problemas", f"{form}: no problems found"))


@form_app.command("mirror")
def form_mirror(
    form: FormArg,
    out: Annotated[Path | None, typer.Option("--out", help="Archivo .md. / Markdown file.")] = None,
) -> None:
    """Escribe el espejo markdown del formulario. / Write the form's markdown mirror."""
    from cbms.form import write_mirror

    target = write_mirror(form, out)
    console.success(_say(f"Espejo escrito en {target}", f"Mirror written to {target}"))


@form_app.command("register")
def form_register(
    forms: Annotated[list[Path], typer.Argument(help=(
        "Versiones del formulario (.xlsx, .xls o asset .json de KoBo). / Form versions (.xlsx, .xls or KoBo "
        "asset .json)."), show_default=False)],
    db: Annotated[Path, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = Path("data/cbms.duckdb"),
) -> None:
    """Registra versiones del formulario para juzgar cada envío con la suya. / Register form versions, so each
    submission is judged by its own."""
    from cbms.store import open_database
    from cbms.store.db import register_forms, registered_forms

    specs = [(_load_form(f), str(f)) for f in forms]
    with open_database(db) as con:
        added = register_forms(con, specs[0][0].form_id, specs)
        known = registered_forms(con, specs[0][0].form_id)
    console.success(_say(f"{added} versión(es) nueva(s); la base conoce {len(known)}: ",
                         f"{added} new version(s); the database knows {len(known)}: ")
                    + ", ".join(sorted(str(v) for v in known)))


DocLang = Annotated[_Lang | None, typer.Option("--lang", help=(
    "Idioma del documento (por defecto, el de los mensajes). / Language of the document (default: the messages').")
)]


def _instrument(written: object, what_es: str, what_en: str) -> None:
    from cbms.form.output import Written

    assert isinstance(written, Written)
    for problem in written.problems:
        console.warning(problem.message(state.lang))
    console.success(_say(f"{what_es}:", f"{what_en}:"))
    for path in written.files:
        console.info(f"  {path}")


@form_app.command("paper")
def form_paper(
    form: FormArg,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")],
    lang: DocLang = None,
) -> None:
    """Cuestionario en papel (PDF y HTML) desde el formulario. / Paper questionnaire (PDF and HTML) from the form."""
    from cbms.form.paper import write_paper

    written = write_paper(form, out, "en" if (lang or state.lang) == "en" else "es")
    _instrument(written, "Cuestionario en papel escrito", "Paper questionnaire written")


@form_app.command("manual")
def form_manual(
    form: FormArg,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")],
    lang: DocLang = None,
) -> None:
    """Manual del encuestador/a (PDF y HTML) desde el formulario. / Enumerator's manual (PDF and HTML) from the form."""
    from cbms.form.manual import write_manual

    written = write_manual(form, out, "en" if (lang or state.lang) == "en" else "es")
    _instrument(written, "Manual del encuestador/a escrito", "Enumerator's manual written")


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")],
    households: Annotated[int, typer.Option("--households", help="Número de hogares. / Households.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Semilla. / Random seed.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="odk-csv | odk-odata | kobo-xlsx | kobo-json")] = "odk-csv",
    error_rate: Annotated[float, typer.Option("--error-rate", help=(
        "Proporción de hogares con errores inyectados. / Share of households with injected errors."))] = 0.0,
    round_: Annotated[int, typer.Option("--round", help=(
        "Ronda: 1, o 2 (dos años después, con el formulario revisado). / Round: 1, or 2 (two years later, with "
        "the revised form)."))] = 1,
) -> None:
    """Genera un censo sintético como exportación real de ODK o KoBo. / Write a synthetic census export."""
    from cbms.demo import write_demo

    result = write_demo(households=households, seed=seed, fmt=fmt, out=out, error_rate=error_rate, round_=round_)
    console.success(_say(
        f"{result.households} hogares, {result.members} personas, {result.deaths} defunciones; "
        f"{result.injected} errores inyectados",
        f"{result.households} households, {result.members} people, {result.deaths} deaths; "
        f"{result.injected} injected errors"))
    for path in result.files:
        console.info(f"  {path}")


def _load_form(form: Path):  # type: ignore[no-untyped-def]
    """An XLSForm (.xlsx, .xls) or a KoBo asset (.json): the form the exports belong to."""
    from cbms.form import open_form

    return open_form(form)


DEFAULT_FORM = SHIPPED.forms / "cbms_grb_hogar.xlsx"


def _crosswalks(round_: Manifest, form: FormSpec) -> tuple[Crosswalk, ...]:
    """The round's crosswalks (renamed questions, recoded codes of earlier form versions), checked."""
    from cbms.rounds.declared import round_crosswalks

    return round_crosswalks(round_.crosswalks, round_.project.pipelines, round_.path, form)


@app.command("ingest")
def ingest(
    exports: Annotated[list[Path], typer.Argument(help=(
        "Exportaciones: zip o carpeta de CSV de ODK Central, JSON OData, XLSX o JSON de KoBo. / "
        "Exports: ODK Central CSV zip or folder, OData JSON, KoBo XLSX or API JSON."), show_default=False)],
    db: Annotated[Path, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = Path("data/cbms.duckdb"),
    form: Annotated[Path | None, typer.Option("--form", help=(
        "Formulario (.xlsx o asset .json de KoBo); por omisión el del manifiesto. / Form (.xlsx or KoBo asset "
        ".json); by default the manifest's."), show_default=False)] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help=(
        "Manifiesto de la ronda a la que van los envíos. / Manifest of the round the submissions belong to."))] = None,
) -> None:
    """Carga exportaciones en la base, sin perder nada. / Load exports into the database, losing nothing."""
    from cbms.config import load_manifest
    from cbms.ingest import read_exports
    from cbms.rounds.aliases import read_through
    from cbms.store import open_database, write_tables

    round_ = load_manifest(manifest) if manifest else load_manifest()
    # an export of a form version the round's crosswalks name lands in the current names
    spec = _load_form(form or round_.form)
    spec = read_through(spec, _crosswalks(round_, spec))
    loaded = read_exports(exports, spec)  # every export is read before anything is written
    with open_database(db, round_.round_id) as con:
        reports = [write_tables(con, export, spec, db) for export in loaded]
    for report in reports:
        for warning in report.warnings:
            console.warning(warning.message(state.lang))
        console.info(_say(f"Carga {report.load_id or '-'} ({report.format}): ",
                          f"Load {report.load_id or '-'} ({report.format}): ") + ", ".join(report.sources))
        console.table("", [_say("envíos", "submissions"), _say("cantidad", "count")], [
            [_say("nuevos", "new"), report.new], [_say("actualizados (edición)", "updated (edit)"), report.updated],
            [_say("sin cambio", "unchanged"), report.unchanged],
            [_say("versión más antigua que la guardada", "older than the stored version"), report.stale],
            [_say("duplicados exactos (cargados una vez)", "exact duplicates (loaded once)"), report.duplicates],
            [_say("misma clave, contenido distinto", "same key, different content"), report.conflicts],
            [_say("versiones previas guardadas", "earlier versions kept"), report.superseded]])
        console.table("", [_say("tabla", "table"), _say("filas escritas", "rows written"),
                           _say("filas sin hogar", "rows without household")],
                      [[t, n, report.orphans.get(t, 0)] for t, n in report.rows.items()])
    console.success(_say(f"Base: {db}", f"Database: {db}"))


@app.command("pull")
def pull(
    out: Annotated[Path, typer.Option("--out", help="Carpeta donde guardar la exportación. / Output folder.")],
    server: Annotated[str | None, typer.Option("--server", help="URL de ODK Central. / ODK Central URL.")] = None,
    project: Annotated[int | None, typer.Option("--project", help="Proyecto de Central. / Central project id.")] = None,
    form: Annotated[str | None, typer.Option("--form", help="Formulario de Central. / Central form id.")] = None,
    kobo: Annotated[str | None, typer.Option("--kobo", help="URL de KoBoToolbox. / KoBoToolbox URL.")] = None,
    asset: Annotated[str | None, typer.Option("--asset", help="UID del formulario en KoBo. / KoBo asset UID.")] = None,
    config: Annotated[Path | None, typer.Option("--config", help=(
        "Archivo de configuración de pyodk. / pyodk config file."))] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", min=1, help=(
        "Segundos de silencio antes de rendirse. / Seconds of silence before giving up."))] = None,
) -> None:
    """Descarga los envíos de ODK Central o KoBoToolbox. / Download submissions from ODK Central or KoBo.

    Credenciales: archivo de pyodk o ODK_CENTRAL_USERNAME/ODK_CENTRAL_PASSWORD; KOBO_TOKEN para KoBo;
    nunca en la línea de comandos. / Credentials: pyodk's config file or ODK_CENTRAL_USERNAME/PASSWORD;
    KOBO_TOKEN for KoBo; never on the command line.
    """
    from cbms.ingest.pull import TIMEOUTS, Timeouts, pull_central, pull_kobo

    timeouts = Timeouts(TIMEOUTS.connect, timeout) if timeout is not None else TIMEOUTS
    if (server is None) == (kobo is None):
        raise typer.BadParameter(_say("use --server (ODK Central) o --kobo (KoBoToolbox), uno de los dos",
                                      "use either --server (ODK Central) or --kobo (KoBoToolbox)"))
    if server is not None:
        if project is None or form is None:
            raise typer.BadParameter(_say("--server necesita --project y --form",
                                          "--server needs --project and --form"))
        result = pull_central(server, project, form, out, config_path=config, timeouts=timeouts)
    else:
        if asset is None:
            raise typer.BadParameter(_say("--kobo necesita --asset", "--kobo needs --asset"))
        result = pull_kobo(kobo or "", asset, out, timeouts=timeouts)
    console.success(_say(f"{result.submissions} envíos en {result.pages} página(s), en {out}",
                         f"{result.submissions} submissions in {result.pages} page(s), in {out}"))
    for path in result.files:
        console.info(f"  {path}")


@app.command("validate")
def validate(
    db: Annotated[Path, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = Path("data/cbms.duckdb"),
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    form: Annotated[Path | None, typer.Option("--form", help=(
        "Formulario (.xlsx o asset .json de KoBo); por omisión el del manifiesto o el incluido. / Form (.xlsx or "
        "KoBo asset .json); by default the manifest's or the shipped one."), show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help=(
        "Salir con 1 si hay errores en los datos. / Exit 1 when the data have errors."))] = False,
    manifest: Annotated[Path | None, typer.Option("--manifest", help=(
        "Manifiesto de la ronda: periodo de campo y versiones del formulario. / "
        "Round manifest: field period and form versions."))] = None,
) -> None:
    """Valida los datos cargados: tablas limpias, problemas y cuarentena. / Validate the loaded data."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003, VAL_900
    from cbms.folders import ANALYSIS, SUPERVISION, Folders
    from cbms.rounds.aliases import read_through
    from cbms.store import open_database
    from cbms.store.db import check_versions, register_forms
    from cbms.validate import load_rules, validate_tables
    from cbms.validate.outputs import write_issues_parquet
    from cbms.validate.supervisors import supervisor_workbook

    round_ = load_manifest(manifest) if manifest else None
    round_id = (round_ or load_manifest()).round_id
    spec = _load_form(form or (round_.form if round_ else DEFAULT_FORM))
    crosswalks = _crosswalks(round_, spec) if round_ else ()
    versions = [(_load_form(p), str(p)) for p in (round_.form_versions if round_ else ())]
    spec = read_through(spec, crosswalks, [v for v, _ in versions])  # the codes a version added, kept
    check_versions(spec.form_id, versions)
    folders = Folders(out).make(ANALYSIS, SUPERVISION)
    if not db.exists():
        raise CbmsError(DB_003, path=db)
    with open_database(db, round_id) as con:
        register_forms(con, spec.form_id, versions)
        rules = load_rules(spec, round_.project.schemas) if round_ else None
        accounting = validate_tables(con, spec, rules, str(db), round_.period if round_ else None, crosswalks)
        written = [write_issues_parquet(con, folders.analysis),
                   supervisor_workbook(con, folders.supervision, state.lang, spec)]
    a = accounting
    console.table(_say("Cuentas: cada envío está en un lugar", "Accounting: every submission is somewhere"),
                  [_say("envíos", "submissions"), _say("cantidad", "count")], [
        [_say("en raw (versión actual)", "in raw (current version)"), a.raw],
        [_say("limpios (entran a los indicadores)", "clean (enter the indicators)"), a.clean],
        [_say("en cuarentena", "quarantined"), a.quarantined],
        [_say("visitas no completadas", "non-completed visits"), a.non_completed],
        [_say("versiones anteriores (aparte)", "earlier versions (apart)"), a.superseded],
        [_say("duplicados recibidos (aparte)", "duplicates received (apart)"), a.duplicates],
        [_say("filas sin hogar (descartadas)", "rows without household (dropped)"),
         sum(a.orphan_rows.values())]])
    check = "=" if a.balanced else "≠"
    console.info(f"{a.raw} {check} {a.clean} + {a.quarantined} + {a.non_completed}")
    console.info(_say(f"Problemas: {a.errors} errores, {a.warnings} avisos",
                      f"Issues: {a.errors} errors, {a.warnings} warnings"))
    for note in a.notes:
        console.warning(note.message(state.lang))
    for path in written:
        console.info(f"  {path}")
    if strict and a.errors:
        raise CbmsError(VAL_900, errors=a.errors)


class _Engine(StrEnum):
    duckdb = "duckdb"
    spark = "spark"


ManifestOpt = Annotated[Path | None, typer.Option("--manifest", help=(
    "Manifiesto de la ronda (TOML). / Round manifest (TOML)."))]


@indicators_app.callback(invoke_without_command=True)
def indicators(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
    engine: Annotated[_Engine, typer.Option("--engine", help=(
        "Motor: duckdb (una máquina) o spark (pyspark, extra 'spark'). / Engine: duckdb (one machine) or spark "
        "(pyspark, the 'spark' extra)."))] = _Engine.duckdb,
    master: Annotated[str, typer.Option("--master", help=(
        "Master de Spark. / Spark master."))] = "local[2]",
) -> None:
    """Calcula todos los indicadores. / Compute every indicator."""
    if ctx.invoked_subcommand is not None:
        return
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import ANALYSIS, Folders
    from cbms.indicators import compute_indicators, load_catalogue, write_indicator_files
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    catalogue = load_catalogue(_load_form(spec_manifest.form), spec_manifest.project.pipelines)
    database = db or spec_manifest.db
    folders = Folders(out).make(ANALYSIS)
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database, spec_manifest.round_id) as con:
        if engine is _Engine.spark:
            from cbms.indicators.spark import compute_indicators_spark

            # clean.* goes to Parquet beside the database, never under OUT: it holds names and phones
            report = compute_indicators_spark(con, catalogue, spec_manifest, database.with_suffix(".spark"), master)
        else:
            report = compute_indicators(con, catalogue, spec_manifest)
        files = write_indicator_files(con, folders.analysis)
    console.success(_say(
        f"{report.indicators} indicadores, {report.rows} celdas ({report.suppressed} bajo el umbral de publicación)",
        f"{report.indicators} indicators, {report.rows} cells ({report.suppressed} below the publication threshold)"))
    if report.skipped:
        console.warning(_say(f"No calculados (falta un parámetro en el manifiesto): {', '.join(report.skipped)}",
                             f"Not computed (a manifest parameter is missing): {', '.join(report.skipped)}"))
    for note in report.unknown:
        console.warning(note.message(state.lang))
    for path in files:
        console.info(f"  {path}")


@indicators_app.command("check")
def indicators_check(manifest: ManifestOpt = None) -> None:
    """Revisa el catálogo sin datos. / Lint the catalogue without data."""
    from cbms.config import load_manifest
    from cbms.indicators import load_catalogue

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    catalogue = load_catalogue(_load_form(spec_manifest.form), spec_manifest.project.pipelines)
    console.success(_say(f"Catálogo conforme: {len(catalogue.indicators)} indicadores",
                         f"Catalogue passes: {len(catalogue.indicators)} indicators"))


@indicators_app.command("docs")
def indicators_docs(
    out: Annotated[Path | None, typer.Option("--out", help="Archivo .md. / Markdown file.")] = None,
) -> None:
    """Escribe docs/indicators.md desde las declaraciones. / Write docs/indicators.md from the declarations."""
    from cbms.indicators import load_catalogue
    from cbms.indicators.docs import DOCS, write_docs

    target = write_docs(load_catalogue(), out or DOCS)
    console.success(_say(f"Documentación escrita en {target}", f"Documentation written to {target}"))


@indicators_app.command("list")
def indicators_list() -> None:
    """Lista el catálogo (id, nombre, unidad). / List the catalogue (id, name, unit)."""
    from cbms.indicators import load_catalogue
    from cbms.published.settings import load_settings

    catalogue, settings, lang = load_catalogue(), load_settings(), state.lang
    console.table(_say("Catálogo de indicadores", "Indicator catalogue"),
                  ["id", _say("nombre", "name"), _say("se cuenta en", "counted in"), _say("unidad", "unit")],
                  [[i.id, i.name(lang), settings.word(f"analysis_unit_{i.unit}", lang) if
                    f"analysis_unit_{i.unit}" in settings.labels else i.unit, settings.unit(i.id, i.value, lang)]
                   for i in catalogue.indicators])


@app.command("report")
def report_command(
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
    formats: Annotated[str, typer.Option("--format", help="xlsx,pdf")] = "xlsx,pdf",
) -> None:
    """Libro Excel y perfiles PDF del distrito y sus sectores. / Excel workbook and PDF profiles."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import PUBLISHED, Folders
    from cbms.published.long_tables import write_long_tables
    from cbms.published.table import write_published_table
    from cbms.report.budget_pdf import write_budget_pdf
    from cbms.report.coverage_pdf import write_coverage_pdf
    from cbms.report.profiles import start_profiles
    from cbms.report.workbook import write_workbook
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    wanted = {f.strip() for f in formats.split(",")}
    files: list[Path] = []
    with open_database(database, spec_manifest.round_id) as con:
        published = _published_with_programmes_and_budget(con, spec_manifest)
    problems: list[str] = [p.message(state.lang) for p in published.problems]
    folder = Folders(out).make(PUBLISHED).published
    files.append(write_published_table(published, folder))
    files += write_long_tables(published, folder)
    with ExitStack() as workers:  # the profiles are laid out in worker processes while the rest is written
        profiles = workers.enter_context(start_profiles(published, folder, state.lang)) if "pdf" in wanted else None
        if "xlsx" in wanted:
            files.append(write_workbook(published, folder, state.lang))
        if profiles is not None:
            for written in (write_budget_pdf(published, folder, state.lang),
                            write_coverage_pdf(published, folder, state.lang), profiles.wait()):
                files += list(written)
                problems += [p.message(state.lang) for p in written.problems]
    for problem in problems:
        console.warning(problem)
    for path in files:
        console.info(f"  {path}")


def _published_with_programmes_and_budget(con: duckdb.DuckDBPyConnection, manifest: Manifest) -> Published:
    """The published mart with the programmes' names and, when the manifest names a budget, its tables (as `cbms run`
    publishes them)."""
    from cbms.budget import check_budget
    from cbms.budget.stage import budget_tables
    from cbms.published import read_published
    from cbms.targeting import load_targeting

    rules = load_targeting(_load_form(manifest.form), manifest.project.pipelines).rules
    budget = None
    if manifest.budget is not None:
        inputs = check_budget(manifest)
        try:
            budget = (budget_tables(con, manifest, inputs), inputs.declarations)
        except CbmsError as exc:  # a database without the needs' indicators: the rest is still reported
            console.warning(exc.message(state.lang))
    return read_published(con, manifest, programmes=rules, budget=budget)


@app.command("map")
def map_(
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
    boundaries: Annotated[Path | None, typer.Option("--boundaries", help=(
        "GeoJSON de límites propio. / Your own boundaries GeoJSON."))] = None,
    code_property: Annotated[str | None, typer.Option("--code-property", help=(
        "Propiedad con el código de área. / Property holding the area code."))] = None,
    level: Annotated[str, typer.Option("--level", help="sector | grupo")] = "sector",
) -> None:
    """Insumos del mapa de pobreza y coropletas. / Poverty-map inputs and choropleths."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import PUBLISHED, Folders
    from cbms.maps import export_map_inputs
    from cbms.published import read_published
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database, spec_manifest.round_id) as con:
        published = read_published(con, spec_manifest, boundaries={level: boundaries} if boundaries else None,
                                   code_property=code_property)
    report = export_map_inputs(published, Folders(out).make(PUBLISHED).published, state.lang)
    for problem in (*published.problems, *report.problems):
        console.warning(problem.message(state.lang))
    for path in report.files:
        console.info(f"  {path}")


@budget_app.callback(invoke_without_command=True)
def budget(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
) -> None:
    """Presupuesto sensible al género: las necesidades del censo frente al presupuesto de la ronda. /
    Gender-responsive budgeting: the census's needs set against the round's budget."""
    if ctx.invoked_subcommand is not None:
        return
    from cbms.budget import BudgetRun, check_budget
    from cbms.budget.outputs import write_budget_files
    from cbms.budget.stage import budget_tables
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import ANALYSIS, Folders
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    inputs = check_budget(spec_manifest)  # every problem of the declarations and the budget, before anything is read
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database, spec_manifest.round_id) as con:
        tables = budget_tables(con, spec_manifest, inputs)  # refused (BUD_032, BUD_033) before any folder is made
    result = BudgetRun(tables, write_budget_files(tables, Folders(out).make(ANALYSIS).analysis))
    _print_budget(result, inputs)


@budget_app.command("check")
def budget_check(manifest: ManifestOpt = None) -> None:
    """Revisa las necesidades, las reglas y el presupuesto sin datos. / Lint the needs, the rules and the budget."""
    from cbms.budget import check_budget
    from cbms.config import load_manifest

    inputs = check_budget(load_manifest(manifest) if manifest else load_manifest())
    for note in inputs.notes:
        console.warning(note.message(state.lang))
    console.success(_say(f"Conforme: {len(inputs.declarations.needs)} necesidades, "
                         f"{len(inputs.budget.projects)} proyectos",
                         f"Passes: {len(inputs.declarations.needs)} needs, {len(inputs.budget.projects)} projects"))


def _print_budget(result: object, inputs: object) -> None:
    from cbms.budget import BudgetInputs, BudgetRun
    from cbms.budget.summary import summarise

    assert isinstance(result, BudgetRun) and isinstance(inputs, BudgetInputs)
    for summary in summarise(result.tables, state.lang):
        console.table(summary.title, summary.headers, summary.rows)
    for note in (*inputs.notes, *result.tables.notes):
        console.warning(note.message(state.lang))
    console.info(_say("Archivos (cifras exactas, para analistas):", "Files (exact figures, for analysts):"))
    for path in result.files:
        console.info(f"  {path}")


@app.command("coverage")
def coverage(
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help=(
        "Carpeta de salida (escribe en su analisis/). / Output folder (writes into its analisis/)."))] = Path("out"),
    manifest: ManifestOpt = None,
) -> None:
    """Cobertura de programas sociales: filtración y subcobertura. / Programme coverage: leakage and under-coverage."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import ANALYSIS, Folders
    from cbms.store import open_database
    from cbms.targeting import compute_coverage, load_targeting, write_coverage_files

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    targeting = load_targeting(_load_form(spec_manifest.form), spec_manifest.project.pipelines)
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    folder = Folders(out).make(ANALYSIS).analysis
    with open_database(database, spec_manifest.round_id) as con:
        report = compute_coverage(con, targeting, spec_manifest)
        files = write_coverage_files(con, folder)
    console.table(_say("Cobertura en el distrito", "Coverage in the district"),
                  [_say("programa", "programme"), _say("elegibles", "eligible"), _say("usuarios", "beneficiaries"),
                   _say("filtración %", "leakage %"), _say("subcobertura %", "under-coverage %")],
                  [[targeting.get(p).name(state.lang), f"{e:,.0f}", f"{b:,.0f}", _percent(leak), _percent(under)]
                   for p, e, b, leak, under in report.district])
    console.success(_say(f"{report.programmes} programas, {report.rows} celdas ({report.suppressed} bajo el umbral)",
                         f"{report.programmes} programmes, {report.rows} cells ({report.suppressed} below the "
                         f"threshold)"))
    for programme, count in report.unknown.items():
        if count:
            console.warning(_say(f"{programme}: {count} unidad(es) sin datos para decidir, fuera de las cuentas",
                                 f"{programme}: {count} unit(s) without the answers to decide, left out"))
    for path in files:
        console.info(f"  {path}")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@app.command("target")
def target(
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    rule: Annotated[Path | None, typer.Option("--rule", help=(
        "Regla (YAML, p. ej. pipelines/targeting/pension65.yaml). / Rule file (YAML)."))] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help=(
        "Para qué se usará la lista (obligatorio). / What the list will be used for (required)."))] = None,
    out: Annotated[Path | None, typer.Option("--out", help=(
        "Carpeta propia de las listas, fuera de los resultados de la corrida. / The lists' own folder, outside "
        "the run's outputs."))] = None,
    encrypt: Annotated[bool, typer.Option("--encrypt", help=(
        "Cifrar (Parquet AES-GCM) con la clave de CBMS_LIST_KEY. / Encrypt (Parquet AES-GCM) with the key in "
        "CBMS_LIST_KEY."))] = False,
    log: Annotated[bool, typer.Option("--log", help=(
        "Mostrar el registro de listas hechas. / Show the record of lists made."))] = False,
    manifest: ManifestOpt = None,
) -> None:
    """Lista confidencial de hogares para visitar (nunca se publica). / Confidential outreach list (never
    published)."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.store import open_database
    from cbms.targeting import list_log, load_rule, write_list

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    database = db or spec_manifest.db
    if not log and (rule is None or out is None):
        raise typer.BadParameter(_say("dé --rule y --out (o --log)", "give --rule and --out (or --log)"))
    targeting = load_rule(rule, _load_form(spec_manifest.form)) if rule is not None and not log else None
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database, spec_manifest.round_id) as con:
        if targeting is None:
            records: list[object] = list(list_log(con))
        else:
            assert out is not None
            written = write_list(con, targeting, spec_manifest, purpose, out, state.lang, encrypt)
    if targeting is None:
        _print_lists(records, database)
        return
    console.success(_say(f"{written.households} hogares en {written.path} (solo para su dueño/a; registrada como "
                         f"lista {written.record.list_id})",
                         f"{written.households} households in {written.path} (owner-only; recorded as list "
                         f"{written.record.list_id})"))


def _print_lists(records: list[object], database: Path) -> None:
    from cbms.targeting import ListRecord

    console.info(_say(f"Listas confidenciales hechas desde {database}: {len(records)}",
                      f"Confidential lists made from {database}: {len(records)}"))
    for r in records:
        assert isinstance(r, ListRecord)
        console.info(f"{r.list_id}  {r.created_at:%Y-%m-%d %H:%M:%S} UTC  {r.user_name}  {r.rule_id}  "
                     + _say(f"{r.households} hogares", f"{r.households} households")
                     + ("" if r.persons is None else _say(f", {r.persons} personas", f", {r.persons} persons"))
                     + ("  " + _say("cifrada", "encrypted") if r.encrypted else ""))
        console.info(_say(f"    finalidad: {r.purpose}", f"    purpose: {r.purpose}"))
        console.info(_say(f"    criterio: {r.criterion}", f"    criterion: {r.criterion}"))
        console.info(_say(f"    regla: {r.rule_file} (sha256 {r.rule_sha256})",
                          f"    rule: {r.rule_file} (sha256 {r.rule_sha256})"))
        console.info(_say(f"    archivo: {r.file} (sha256 {r.file_sha256})",
                          f"    file: {r.file} (sha256 {r.file_sha256})"))


@rounds_app.callback(invoke_without_command=True)
def rounds(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    manifest: ManifestOpt = None,
) -> None:
    """Las rondas que guarda la base. / The rounds the database holds."""
    if ctx.invoked_subcommand is not None:
        return
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.rounds.listing import list_rounds
    from cbms.store import open_database

    database = db or (load_manifest(manifest) if manifest else load_manifest()).db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database) as con:
        found = list_rounds(con)
    none = _say("—", "—")
    console.table(_say(f"Rondas en {database}", f"Rounds in {database}"),
                  [_say("ronda", "round"), _say("nombre", "name"), _say("campo", "fieldwork"),
                   _say("versiones del formulario", "form versions"), _say("hogares (recibidos / limpios)",
                                                                           "households (raw / clean)"),
                   _say("última corrida", "last run")],
                  [[r.round_id, r.name or none, " — ".join(r.period) if r.period else none,
                    ", ".join(r.form_versions) or none, f"{r.households_raw:,} / {r.households_clean:,}",
                    r.last_run or none] for r in found])


@rounds_app.command("check")
def rounds_check(
    manifest: ManifestOpt = None,
    previous: Annotated[Path | None, typer.Option("--previous", help=(
        "Manifiesto de la ronda anterior (por defecto, el que la base registró para ella, o el que está junto al "
        "manifiesto con ese id). / The earlier round's manifest (by default, the one the database recorded for it, "
        "or the one beside the manifest with that id)."))] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
) -> None:
    """Revisa las tablas de correspondencias del manifiesto. / Check the manifest's crosswalks."""
    from cbms.config import load_manifest
    from cbms.errors import RND_030
    from cbms.rounds.check import check_rounds
    from cbms.rounds.listing import recorded_manifest
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    if previous is None and db is not None and db.exists() and spec_manifest.previous_round is not None:
        with open_database(db) as con:
            previous = recorded_manifest(con, spec_manifest.previous_round)
    result = check_rounds(spec_manifest, previous)
    for warning in result.warnings:
        console.warning(warning.message(state.lang))
    if result.problems:
        raise CbmsError(RND_030, path=spec_manifest.path, count=len(result.problems)).with_problems(result.problems)
    console.success(_say(f"Tablas de correspondencias conformes: {result.crosswalks}",
                         f"Crosswalks pass: {result.crosswalks}"))


@app.command("change")
def change_command(
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
) -> None:
    """Qué cambió dónde desde la ronda anterior ([rounds] previous). / What changed where since the earlier round."""
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import ANALYSIS, Folders
    from cbms.rounds.change import check_crosswalks, compute_change, write_change_files
    from cbms.store import open_database

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    crosswalks = check_crosswalks(spec_manifest)
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    with open_database(database, spec_manifest.round_id) as con:
        result = compute_change(con, spec_manifest, crosswalks)
        files = write_change_files(con, Folders(out).make(ANALYSIS).analysis)
    for notice in result.notices:
        console.warning(notice.message(state.lang))
    console.success(_say(
        f"Cambios desde {result.round_from}: {result.rows} celdas, {result.comparable} comparables, "
        f"{result.suppressed} de ellas no publicables",
        f"Change since {result.round_from}: {result.rows} cells, {result.comparable} comparable, {result.suppressed} "
        f"of them not publishable"))
    for path in files:
        console.info(f"  {path}")


@app.command("audit-disclosure")
def audit_disclosure_command(
    out: Annotated[Path, typer.Argument(help=(
        "Carpeta de una corrida (OUT) o su carpeta publicacion. / A run's folder (OUT) or its publicacion folder."),
        show_default=False)],
) -> None:
    """Intenta recuperar las celdas protegidas a partir de lo publicado. / Try to recover protected cells from what
    is published."""
    from cbms.disclosure.audit import audit_disclosure
    from cbms.folders import Folders

    folder = out if (out / "indicadores_publicados.csv").is_file() else Folders(out).published
    audit = audit_disclosure(folder)
    console.table(_say(f"Auditoría de divulgación: {folder}", f"Disclosure audit: {folder}"),
                  [_say("qué", "what"), _say("cuántas", "how many")], [
        [_say("celdas publicadas", "published cells"), audit.cells],
        [_say("celdas protegidas", "protected cells"), audit.protected],
        [_say("recuperadas por las relaciones entre celdas", "recovered through the relations among cells"),
         len(audit.recovered)],
        [_say("impresas en otro archivo publicado", "printed in another published file"), len(audit.printed)],
        [_say("en cero porque su total es cero (no se cuenta)", "at zero because their total is zero (not counted)"),
         audit.zeros]])
    for cell in audit.recovered[:20]:
        console.warning(f"{cell[0]} {' '.join(str(k) for k in cell[1] if k)}")
    for name, cell in audit.printed[:20]:
        console.warning(f"{name}: {cell[0]} {' '.join(str(k) for k in cell[1] if k)}")
    audit.check()
    console.success(_say("Ninguna celda protegida se puede recuperar.", "No protected cell can be recovered."))


@app.command("run")
def run_command(
    exports: Annotated[list[Path] | None, typer.Argument(help=(
        "Exportaciones (zip, carpeta, JSON, XLSX). / Exports (zip, folder, JSON, XLSX)."), show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    demo: Annotated[bool, typer.Option("--demo", help=(
        "Generar y usar el censo de demostración. / Generate and use the demo census."))] = False,
    households: Annotated[int, typer.Option("--households", help="Hogares de la demo. / Demo households.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Semilla de la demo. / Demo seed.")] = 1,
    error_rate: Annotated[float, typer.Option("--error-rate", help=(
        "Errores inyectados en la demo. / Injected errors in the demo."))] = 0.02,
    manifest: ManifestOpt = None,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    formats: Annotated[str | None, typer.Option("--format", help="xlsx,pdf,maps")] = None,
    rounds_: Annotated[int, typer.Option("--rounds", min=1, max=2, help=(
        "Con --demo: 2 corre también la segunda ronda (2027) en la misma base y la compara con la primera. / With "
        "--demo: 2 also runs the second round (2027) into the same database and compares it with the first."))] = 1,
) -> None:
    """Todo el proceso: cargar, validar, calcular, reportar, mapear. / The whole chain, end to end."""
    from cbms.config import DEMO_MANIFESTS, load_manifest
    from cbms.folders import output_folder
    from cbms.run import run_all
    from cbms.usage import UsageError

    if not exports and not demo:
        raise UsageError(_say(
            "Falta qué cargar: indique una o más exportaciones (cbms run EXPORTACIÓN...) o use --demo para el censo "
            "de demostración.",
            "Nothing to load: name one or more exports (cbms run EXPORT...) or use --demo for the demo census."))
    if rounds_ > 1 and (not demo or manifest):
        raise UsageError(_say(
            "--rounds 2 es para la demostración: úselo con --demo y sin --manifest (cada ronda real se corre con su "
            "manifiesto en la misma base).",
            "--rounds 2 is for the demo: use it with --demo and without --manifest (each real round is run with its "
            "own manifest into the same database)."))
    spec_manifest = load_manifest(manifest) if manifest else load_manifest(DEMO_MANIFESTS[rounds_])
    with output_folder(out) as folders, tempfile.TemporaryDirectory(prefix="cbms-demo-") as scratch:
        database = db or (folders.supervision / "cbms.duckdb" if demo else spec_manifest.db)
        if demo:
            exports = _demo_exports(Path(scratch), households, seed, error_rate, rounds_, database)
        wanted = tuple(formats.split(",")) if formats else None
        with console.progress() as bar:
            tasks: dict[str, object] = {}

            def hook(event: str, stage: str) -> None:
                if event == "start":
                    tasks[stage] = bar.add_task(_stage(stage), total=1)
                else:
                    bar.update(tasks[stage], completed=1)  # type: ignore[arg-type]

            report = run_all(exports or [], spec_manifest, out, database, state.lang, wanted, hook)
    _print_run(report, out, database)
    if report.audit is not None:
        report.audit.check()  # DIS_002: what is published gives a protected cell back; the run is not complete


def _demo_exports(scratch: Path, households: int, seed: int, error_rate: float, rounds_: int,
                  database: Path) -> list[Path]:
    """The demo census's export of the last round; the earlier rounds first run into `database` (their reports,
    which the last round's replace, are not written). The generated censuses (names, phones) never enter OUT: they
    live as long as the run, in a temporary folder; the same seed and size write them again byte for byte."""
    from cbms.config import DEMO_MANIFESTS, load_manifest
    from cbms.demo import write_demo
    from cbms.run import run_all

    exports: list[Path] = []
    for number in range(1, rounds_ + 1):
        generated = write_demo(households=households, seed=seed, fmt="odk-csv", out=scratch / f"ronda{number}",
                               error_rate=error_rate, round_=number)
        exports = [p for p in generated.files if p.suffix == ".zip"]
        if number < rounds_:
            console.info(_say(f"Ronda {number} de la demostración en {database}",
                              f"Demo round {number} into {database}"))
            run_all(exports, load_manifest(DEMO_MANIFESTS[number]), scratch / f"salida{number}", database,
                    state.lang, ())
    return exports


STAGES = {"ingest": ("carga", "ingest"), "validate": ("validación", "validation"),
          "indicators": ("indicadores", "indicators"), "coverage": ("cobertura de programas", "programme coverage"),
          "budget": ("presupuesto", "budget"),
          "change": ("cambios desde la ronda anterior", "change since the earlier round"),
          "report": ("publicación", "publication"),
          "maps": ("mapas", "maps"), "disclosure": ("auditoría de divulgación", "disclosure audit")}


def _stage(name: str) -> str:
    """A stage of the run as the user reads it."""
    es, en = STAGES.get(name, (name, name))
    return _say(es, en)


def _print_run(report: object, out: Path, database: Path) -> None:
    from cbms.run import RunReport

    assert isinstance(report, RunReport)
    a, ind = report.accounting, report.indicators
    rows: list[list[object]] = []
    if a is not None:
        rows += [[_say("envíos en la base (versión actual)", "submissions in the database (current)"), a.raw],
                 [_say("limpios", "clean"), a.clean], [_say("en cuarentena", "quarantined"), a.quarantined],
                 [_say("visitas no completadas", "non-completed visits"), a.non_completed],
                 [_say("problemas: errores / avisos", "issues: errors / warnings"), f"{a.errors} / {a.warnings}"]]
    if ind is not None:
        rows += [[_say("indicadores calculados", "indicators computed"), ind.indicators],
                 [_say("celdas / bajo el umbral", "cells / below the threshold"), f"{ind.rows} / {ind.suppressed}"],
                 [_say("celdas ocultas además, para protegerlas", "cells hidden besides, to protect them"),
                  report.protected[1]]]
    if report.coverage is not None:
        cov = report.coverage
        rows += [[_say("cobertura: programas / celdas / bajo el umbral", "coverage: programmes / cells / below the "
                       "threshold"), f"{cov.programmes} / {cov.rows} / {cov.suppressed}"]]
    if report.change is not None:
        ch = report.change
        rows.append([_say(f"cambios desde {ch.round_from}: celdas / comparables / no publicables",
                          f"change since {ch.round_from}: cells / comparable / not publishable"),
                     f"{ch.rows} / {ch.comparable} / {ch.suppressed}"])
    if report.audit is not None:
        rows.append([_say("celdas protegidas recuperables de lo publicado", "protected cells recoverable from "
                          "what is published"), len(report.audit.recovered) + len(report.audit.printed)])
    rows += [[_say(f"segundos: {_stage(stage)}", f"seconds: {_stage(stage)}"), f"{seconds:.1f}"]
             for stage, seconds in report.seconds.items()]
    console.table(_say("Resumen de la corrida", "Run summary"), [_say("qué", "what"), _say("cuánto", "how much")],
                  rows)
    budget_notes = (*report.budget_inputs.notes, *report.budget.tables.notes) \
        if report.budget is not None and report.budget_inputs is not None else ()
    for note in (*(a.notes if a is not None else ()), *(ind.unknown if ind is not None else ()), *budget_notes):
        console.warning(note.message(state.lang))
    for notice in report.notices:
        console.warning(notice.message(state.lang))
    for problem in report.problems:
        console.warning(problem)
    console.info(_say(f"Archivos en {out} (base: {database}):", f"Files in {out} (database: {database}):"))
    for path in report.files:
        console.info(f"  {path}")


class _Stopped(BaseException):
    """SIGINT or SIGTERM, raised where the program is so that every `finally` and rollback runs on the way out
    (not a KeyboardInterrupt: click would swallow that into a bare "Aborted!")."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_signals: list[int] = []  # the stop signals received during this `main`


def _stop(signum: int, frame: object) -> None:
    _signals.append(signum)
    raise _Stopped(signum)


def _stopped(signum: int) -> int:
    console.error(CbmsError(CLI_003, signal=signal.Signals(signum).name).message(state.lang))
    return 128 + signum


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in the user's language: a CbmsError becomes one line and exit 1 (`--debug` re-raises); a usage
    error its usage line, a hint and the error, exit 2; Ctrl-C or SIGTERM undo what was half done and end with
    128 + the signal's number. Help texts are written "Spanish. / English.": the user reads one half."""
    from cbms import usage

    args = sys.argv[1:] if argv is None else list(argv)
    state.lang, state.debug = usage.language(args), False
    command = usage.localized(app, state.lang)
    _signals.clear()
    main_thread = threading.current_thread() is threading.main_thread()  # only it may set signal handlers
    handlers = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)} if main_thread else {}
    try:
        result = command.main(args=args, prog_name="cbms", standalone_mode=False)
    except _Stopped as stopped:
        return _stopped(stopped.signum)
    except CbmsError as exc:
        if state.debug:
            raise
        if _signals:
            return _stopped(_signals[0])
        for problem in exc.problems:
            console.error(problem.message(state.lang))
        console.error(exc.message(state.lang))
        return 1
    except usage.ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group called alone: typer printed its help
            return 2
        for line in usage.lines(exc, state.lang):
            if line is not None:
                console.plain(line, stderr=True)
        return int(getattr(exc, "exit_code", 1))
    except typer.Abort:
        if _signals:
            return _stopped(_signals[0])
        console.error(usage.word("aborted", state.lang))
        return 1
    except BaseException:
        # a signal that arrives inside a DuckDB query interrupts it, and DuckDB raises its own error in place of
        # ours ("Query interrupted"): after a stop signal, whatever ends the program is that stop
        if _signals and not state.debug:
            return _stopped(_signals[0])
        raise
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    # with the 'spark' extra installed, pandera imports pyspark.pandas, which warns about the pandas version on
    # every command; cbms hands no pandas object to Spark
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    sys.exit(main())
