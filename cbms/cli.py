"""The `cbms` command line: a thin shell over the stages, and the ONLY place that catches CbmsError."""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cbms import __version__, console
from cbms.errors import CbmsError, Lang

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
form_app = typer.Typer(help="Formularios XLSForm: construir, revisar, reflejar. / XLSForms: build, check, mirror.",
                       no_args_is_help=True)
app.add_typer(form_app, name="form")
indicators_app = typer.Typer(help=(
    "Indicadores: calcular, revisar el catálogo, listarlo. / Indicators: compute, check the catalogue, list it."))
app.add_typer(indicators_app, name="indicators")


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


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")],
    households: Annotated[int, typer.Option("--households", help="Número de hogares. / Households.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Semilla. / Random seed.")] = 1,
    fmt: Annotated[str, typer.Option("--format", help="odk-csv | odk-odata | kobo-xlsx | kobo-json")] = "odk-csv",
    error_rate: Annotated[float, typer.Option("--error-rate", help=(
        "Proporción de hogares con errores inyectados. / Share of households with injected errors."))] = 0.0,
) -> None:
    """Genera un censo sintético como exportación real de ODK o KoBo. / Write a synthetic census export."""
    from cbms.demo import write_demo

    result = write_demo(households=households, seed=seed, fmt=fmt, out=out, error_rate=error_rate)
    console.success(_say(
        f"{result.households} hogares, {result.members} personas, {result.deaths} defunciones; "
        f"{result.injected} errores inyectados",
        f"{result.households} households, {result.members} people, {result.deaths} deaths; "
        f"{result.injected} injected errors"))
    for path in result.files:
        console.info(f"  {path}")


def _load_form(form: Path):  # type: ignore[no-untyped-def]
    """An XLSForm (.xlsx) or a KoBo asset (.json): the form the exports belong to."""
    if form.suffix.lower() == ".json":
        from cbms.form.kobo import read_kobo_asset  # imports pyxform: only when asked for

        return read_kobo_asset(form)
    from cbms.form import read_form

    return read_form(form)


DEFAULT_FORM = Path(__file__).resolve().parents[1] / "forms" / "cbms_grb_hogar.xlsx"


@app.command("ingest")
def ingest(
    exports: Annotated[list[Path], typer.Argument(help=(
        "Exportaciones: zip o carpeta de CSV de ODK Central, JSON OData, XLSX o JSON de KoBo. / "
        "Exports: ODK Central CSV zip or folder, OData JSON, KoBo XLSX or API JSON."), show_default=False)],
    db: Annotated[Path, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = Path("data/cbms.duckdb"),
    form: Annotated[Path, typer.Option("--form", help=(
        "Formulario (.xlsx o asset .json de KoBo). / Form (.xlsx or KoBo asset .json)."))] = DEFAULT_FORM,
) -> None:
    """Carga exportaciones en la base, sin perder nada. / Load exports into the database, losing nothing."""
    from cbms.ingest import read_exports
    from cbms.store import connect, write_tables

    spec = _load_form(form)
    loaded = read_exports(exports, spec)  # every export is read before anything is written
    con = connect(db)
    try:
        reports = [write_tables(con, export, spec, db) for export in loaded]
    finally:
        con.close()
    for report in reports:
        for warning in report.warnings:
            console.warning(warning)
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
) -> None:
    """Descarga los envíos de ODK Central o KoBoToolbox. / Download submissions from ODK Central or KoBo.

    Credenciales: archivo de pyodk o ODK_CENTRAL_USERNAME/ODK_CENTRAL_PASSWORD; KOBO_TOKEN para KoBo;
    nunca en la línea de comandos. / Credentials: pyodk's config file or ODK_CENTRAL_USERNAME/PASSWORD;
    KOBO_TOKEN for KoBo; never on the command line.
    """
    from cbms.ingest.pull import pull_central, pull_kobo

    if (server is None) == (kobo is None):
        raise typer.BadParameter(_say("use --server (ODK Central) o --kobo (KoBoToolbox), uno de los dos",
                                      "use either --server (ODK Central) or --kobo (KoBoToolbox)"))
    if server is not None:
        if project is None or form is None:
            raise typer.BadParameter(_say("--server necesita --project y --form",
                                          "--server needs --project and --form"))
        result = pull_central(server, project, form, out, config_path=config)
    else:
        if asset is None:
            raise typer.BadParameter(_say("--kobo necesita --asset", "--kobo needs --asset"))
        result = pull_kobo(kobo or "", asset, out)
    console.success(_say(f"{result.submissions} envíos en {result.pages} página(s), en {out}",
                         f"{result.submissions} submissions in {result.pages} page(s), in {out}"))
    for path in result.files:
        console.info(f"  {path}")


@app.command("validate")
def validate(
    db: Annotated[Path, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = Path("data/cbms.duckdb"),
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    form: Annotated[Path, typer.Option("--form", help=(
        "Formulario (.xlsx o asset .json de KoBo). / Form (.xlsx or KoBo asset .json)."))] = DEFAULT_FORM,
    strict: Annotated[bool, typer.Option("--strict", help=(
        "Salir con 1 si hay errores en los datos. / Exit 1 when the data have errors."))] = False,
) -> None:
    """Valida los datos cargados: tablas limpias, problemas y cuarentena. / Validate the loaded data."""
    from cbms.errors import DB_003, VAL_900
    from cbms.folders import ANALYSIS, SUPERVISION, Folders
    from cbms.store import connect
    from cbms.validate import validate_tables
    from cbms.validate.outputs import write_issues_parquet
    from cbms.validate.supervisors import supervisor_workbook

    spec = _load_form(form)
    folders = Folders(out).make(ANALYSIS, SUPERVISION)
    if not db.exists():
        raise CbmsError(DB_003, path=db)
    con = connect(db)
    try:
        accounting = validate_tables(con, spec, db_path=str(db))
        written = [write_issues_parquet(con, folders.analysis),
                   supervisor_workbook(con, folders.supervision, state.lang, spec)]
    finally:
        con.close()
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
    for path in written:
        console.info(f"  {path}")
    if strict and a.errors:
        raise CbmsError(VAL_900, errors=a.errors)


ManifestOpt = Annotated[Path | None, typer.Option("--manifest", help=(
    "Manifiesto de la ronda (TOML). / Round manifest (TOML)."))]


@indicators_app.callback(invoke_without_command=True)
def indicators(
    ctx: typer.Context,
    db: Annotated[Path | None, typer.Option("--db", help="Base DuckDB. / DuckDB file.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Carpeta de salida. / Output folder.")] = Path("out"),
    manifest: ManifestOpt = None,
) -> None:
    """Calcula todos los indicadores. / Compute every indicator."""
    if ctx.invoked_subcommand is not None:
        return
    from cbms.config import load_manifest
    from cbms.errors import DB_003
    from cbms.folders import ANALYSIS, Folders
    from cbms.indicators import compute_indicators, load_catalogue, write_indicator_files
    from cbms.store import connect

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    catalogue = load_catalogue(_load_form(spec_manifest.form))
    database = db or spec_manifest.db
    folders = Folders(out).make(ANALYSIS)
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    con = connect(database)
    try:
        report = compute_indicators(con, catalogue, spec_manifest)
        files = write_indicator_files(con, folders.analysis)
    finally:
        con.close()
    console.success(_say(
        f"{report.indicators} indicadores, {report.rows} celdas ({report.suppressed} bajo el umbral de publicación)",
        f"{report.indicators} indicators, {report.rows} cells ({report.suppressed} below the publication threshold)"))
    if report.skipped:
        console.warning(_say(f"No calculados (falta un parámetro en el manifiesto): {', '.join(report.skipped)}",
                             f"Not computed (a manifest parameter is missing): {', '.join(report.skipped)}"))
    for path in files:
        console.info(f"  {path}")


@indicators_app.command("check")
def indicators_check(manifest: ManifestOpt = None) -> None:
    """Revisa el catálogo sin datos. / Lint the catalogue without data."""
    from cbms.config import load_manifest
    from cbms.indicators import load_catalogue

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    catalogue = load_catalogue(_load_form(spec_manifest.form))
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
    from cbms.published import read_published
    from cbms.published.table import write_published_table
    from cbms.report import write_profiles, write_workbook
    from cbms.store import connect

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    wanted = {f.strip() for f in formats.split(",")}
    files: list[Path] = []
    con = connect(database)
    try:
        published = read_published(con, spec_manifest)
    finally:
        con.close()
    problems: list[str] = [p.message(state.lang) for p in published.problems]
    folder = Folders(out).make(PUBLISHED).published
    files.append(write_published_table(published, folder))
    if "xlsx" in wanted:
        files.append(write_workbook(published, folder, state.lang))
    if "pdf" in wanted:
        written = write_profiles(published, folder, state.lang)
        files += list(written)
        problems += [p.message(state.lang) for p in written.problems]
    for problem in problems:
        console.warning(problem)
    for path in files:
        console.info(f"  {path}")


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
    from cbms.store import connect

    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    database = db or spec_manifest.db
    if not database.exists():
        raise CbmsError(DB_003, path=database)
    con = connect(database)
    try:
        published = read_published(con, spec_manifest, boundaries={level: boundaries} if boundaries else None,
                                   code_property=code_property)
    finally:
        con.close()
    report = export_map_inputs(published, Folders(out).make(PUBLISHED).published, state.lang)
    for problem in (*published.problems, *report.problems):
        console.warning(problem.message(state.lang))
    for path in report.files:
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
) -> None:
    """Todo el proceso: cargar, validar, calcular, reportar, mapear. / The whole chain, end to end."""
    from cbms.config import load_manifest
    from cbms.folders import output_folder
    from cbms.run import run_all
    from cbms.usage import UsageError

    if not exports and not demo:
        raise UsageError(_say(
            "Falta qué cargar: indique una o más exportaciones (cbms run EXPORTACIÓN...) o use --demo para el censo "
            "de demostración.",
            "Nothing to load: name one or more exports (cbms run EXPORT...) or use --demo for the demo census."))
    spec_manifest = load_manifest(manifest) if manifest else load_manifest()
    with output_folder(out) as folders, tempfile.TemporaryDirectory(prefix="cbms-demo-") as scratch:
        if demo:
            from cbms.demo import write_demo

            # the generated census (names, phones) never enters OUT: it lives as long as the run, in a temporary
            # folder; the same seed and size write it again byte for byte (cbms demo)
            generated = write_demo(households=households, seed=seed, fmt="odk-csv", out=Path(scratch),
                                   error_rate=error_rate)
            exports = [p for p in generated.files if p.suffix == ".zip"]
        database = db or (folders.supervision / "cbms.duckdb" if demo else spec_manifest.db)
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


STAGES = {"ingest": ("carga", "ingest"), "validate": ("validación", "validation"),
          "indicators": ("indicadores", "indicators"), "report": ("publicación", "publication"),
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
    if report.audit is not None:
        rows.append([_say("celdas protegidas recuperables de lo publicado", "protected cells recoverable from "
                          "what is published"), len(report.audit.recovered) + len(report.audit.printed)])
    rows += [[_say(f"segundos: {_stage(stage)}", f"seconds: {_stage(stage)}"), f"{seconds:.1f}"]
             for stage, seconds in report.seconds.items()]
    console.table(_say("Resumen de la corrida", "Run summary"), [_say("qué", "what"), _say("cuánto", "how much")],
                  rows)
    for problem in report.problems:
        console.warning(problem)
    console.info(_say(f"Archivos en {out} (base: {database}):", f"Files in {out} (database: {database}):"))
    for path in report.files:
        console.info(f"  {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI in the user's language: a CbmsError becomes one line and exit 1 (`--debug` re-raises); a usage
    error its usage line, a hint and the error, exit 2. Help texts are written "Spanish. / English.": the user
    reads one half."""
    from cbms import usage

    args = sys.argv[1:] if argv is None else list(argv)
    state.lang, state.debug = usage.language(args), False
    command = usage.localized(app, state.lang)
    try:
        result = command.main(args=args, prog_name="cbms", standalone_mode=False)
    except CbmsError as exc:
        if state.debug:
            raise
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
        console.error(usage.word("aborted", state.lang))
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
