"""Confidential outreach lists: the households a declared criterion selects (e.g. eligible for Pensión 65 and
not receiving it), with what the outreach team needs to find them, written owner-only into a folder of its own
(never a run's output folder), optionally encrypted, and recorded in meta.target_lists."""

from __future__ import annotations

import dataclasses
import getpass
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
from openpyxl import Workbook

from cbms import __version__, spreadsheet
from cbms.atomic import write_atomically
from cbms.config import Manifest
from cbms.errors import CLI_002, TGT_015, TGT_016, TGT_017, CbmsError, Lang
from cbms.indicators.compile import quote
from cbms.indicators.compute import prepare_units
from cbms.targeting.encryption import list_key, write_encrypted
from cbms.targeting.log import ListRecord, next_list_id, record_list
from cbms.targeting.rules import Rule, Targeting, evaluated

# What a run leaves in its output folder (today's flat layout, and the three audiences' folders): a list is
# never written in, or under, a folder holding one of these.
RUN_MARKERS = (".cbms-out", "indicators.parquet", "issues.parquet", "coverage.parquet",
               "publicacion/indicadores_publicados.csv", "analisis/indicators.parquet", "analisis/issues.parquet")
LINE_ORDER = "TRY_CAST(line_no AS INTEGER) NULLS LAST, line_no"  # line_no is a calculate: text in clean.*
COLUMNS = ("household_key", "sector", "grupo", "manzana", "address", "head_name", "persons", "line_nos")
HEADERS: dict[Lang, tuple[str, ...]] = {
    "es": ("clave del hogar", "sector", "grupo", "manzana", "dirección", "jefe/a del hogar", "personas",
           "n.º de línea"),
    "en": ("household key", "sector", "grupo", "manzana", "address", "household head", "persons", "line no."),
}
ABOUT: dict[Lang, tuple[str, ...]] = {
    "es": ("lista", "acerca", "Lista confidencial", "programa", "criterio", "finalidad", "regla", "sha256 de la regla",
           "fecha (UTC)", "hecha por", "hogares", "personas",
           "Datos personales (Ley N.º 29733): úsela solo para la finalidad indicada, no la copie ni la publique, "
           "y elimínela cuando ya no se necesite. Cada lista queda registrada en la base (cbms target --log)."),
    "en": ("list", "about", "Confidential list", "programme", "criterion", "purpose", "rule", "rule sha256",
           "date (UTC)", "made by", "households", "persons",
           "Personal data (Peru's Law No. 29733): use it only for the stated purpose, do not copy or publish it, "
           "and delete it when no longer needed. Every list is recorded in the database (cbms target --log)."),
}


@dataclass(frozen=True, slots=True)
class WrittenList:
    """A list written and recorded."""

    path: Path
    households: int
    persons: int | None  # person rules: the persons selected in those households
    record: ListRecord


def run_folder_of(path: Path) -> Path | None:
    """The run output folder that `path` is, or is inside, if any."""
    path = path.resolve()
    for folder in (path, *path.parents):
        if any((folder / marker).exists() for marker in RUN_MARKERS):
            return folder
    return None


def list_folder(out: Path) -> Path:
    """The list's own folder, created owner-only (0700); refused inside a run's outputs or readable by others."""
    run = run_folder_of(out)
    if run is not None:
        raise CbmsError(TGT_016, path=out, run=run)
    try:
        if out.exists():
            mode = stat.S_IMODE(out.stat().st_mode)
            if mode & 0o077:
                raise CbmsError(TGT_017, path=out, mode=oct(mode)[2:])
        else:
            out.mkdir(parents=True, mode=0o700)
            out.chmod(0o700)  # mkdir's mode is filtered by the umask
    except OSError as exc:
        raise CbmsError(CLI_002, path=out, reason=exc.strerror or str(exc)) from exc
    return out


def list_select(rule: Rule, address: bool) -> str:
    """The households `rule.select` picks, one row each, in the order of a walk: sector, grupo, manzana."""
    unit = quote(rule.unit)
    chosen = f"SELECT * FROM ({evaluated(rule)}) AS {unit} WHERE coalesce(({rule.select}), FALSE)"
    if rule.unit == "person":
        picked = (f"SELECT _parent_key AS _row_key, count(*) AS persons, string_agg(CAST(line_no AS VARCHAR), ';' "
                  f"ORDER BY {LINE_ORDER}) AS line_nos FROM ({chosen}) GROUP BY _parent_key")
    else:
        picked = f"SELECT _row_key, CAST(NULL AS BIGINT) AS persons, CAST(NULL AS VARCHAR) AS line_nos FROM ({chosen})"
    address_sql = "CAST(h.address AS VARCHAR)" if address else "CAST(NULL AS VARCHAR)"
    return f"""
        SELECT CAST(h._submission_key AS VARCHAR) AS household_key, CAST(h.sector AS VARCHAR) AS sector,
               CAST(h.grupo AS VARCHAR) AS grupo, CAST(h.manzana AS VARCHAR) AS manzana, {address_sql} AS address,
               hd.head_name, CAST(p.persons AS BIGINT) AS persons, p.line_nos
        FROM ({picked}) p
        JOIN clean.household h ON h._row_key = p._row_key
        LEFT JOIN (SELECT _parent_key, CAST(first(full_name ORDER BY {LINE_ORDER}) AS VARCHAR) AS head_name
                   FROM clean.member WHERE relationship = 'head' GROUP BY _parent_key) hd
               ON hd._parent_key = h._row_key
        ORDER BY sector, grupo, manzana NULLS LAST, household_key"""


def _has_address(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_columns() WHERE schema_name = 'clean' "
                            "AND table_name = 'household' AND column_name = 'address'").fetchall()[0][0])


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some containers): the numeric user id says who
        return str(os.getuid())


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _workbook(table: pa.Table, rule: Rule, record: ListRecord, lang: Lang) -> Workbook:
    sheet, about, title, *labels, note = ABOUT[lang]
    book = Workbook(write_only=True)
    names = [c for c in COLUMNS if rule.unit == "person" or c not in ("persons", "line_nos")]
    headers = [HEADERS[lang][COLUMNS.index(c)] for c in names]
    rows = [[row[c] for c in names] for row in table.to_pylist()]
    spreadsheet.write_table(book.create_sheet(sheet), headers, rows)
    values = (rule.name(lang), rule.select, record.purpose, record.rule_file, record.rule_sha256,
              record.created_at.strftime("%Y-%m-%d %H:%M:%S"), record.user_name, record.households, record.persons)
    info: list[list[object]] = [[label, value] for label, value in zip(labels, values, strict=True)]
    info.append([note, None])
    spreadsheet.write_table(book.create_sheet(about), [title, ""], info, wrap={0})
    return book


def write_list(con: duckdb.DuckDBPyConnection, targeting: Targeting, manifest: Manifest, purpose: str | None,
               out: Path, lang: Lang = "es", encrypt: bool = False) -> WrittenList:
    """The list of `targeting`'s one rule: refused without a purpose, written owner-only into `out` (an .xlsx,
    or an encrypted .parquet with the key of CBMS_LIST_KEY), and recorded in meta.target_lists."""
    if not (purpose or "").strip():
        raise CbmsError(TGT_015)
    (rule,) = targeting.rules
    folder = list_folder(out)
    key = list_key() if encrypt else None
    prepare_units(con, targeting.units, manifest)
    table = con.sql(list_select(rule, _has_address(con))).to_arrow_table()
    created = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    list_id = next_list_id(con)
    name = f"lista_{list_id:04d}_{rule.id}_{created:%Y%m%dT%H%M%S}" + (".parquet" if key else ".xlsx")
    persons = sum(n or 0 for n in table.column("persons").to_pylist()) if rule.unit == "person" else None
    assert rule.path is not None
    record = ListRecord(list_id=list_id, created_at=created, user_name=_user(), rule_id=rule.id,
                        rule_file=str(rule.path.resolve()), rule_sha256=_sha256(rule.path), criterion=rule.select,
                        purpose=str(purpose).strip(), households=table.num_rows, persons=persons,
                        file=str((folder / name).resolve()), file_sha256="", encrypted=key is not None,
                        cbms_version=__version__)
    if key is not None:
        metadata = {"purpose": record.purpose, "rule_id": rule.id, "criterion": rule.select,
                    "created_at": created.isoformat()}
        encrypted = table.replace_schema_metadata(metadata)
        target = write_atomically(folder / name, lambda tmp: write_encrypted(encrypted, tmp, key), private=True)
    else:
        book = _workbook(table, rule, record, lang)
        target = write_atomically(folder / name, lambda tmp: book.save(tmp), private=True)
    record = dataclasses.replace(record, file_sha256=_sha256(target))
    try:
        record_list(con, record)
    except BaseException:  # a list that is not recorded must not exist: remove it, then let the error propagate
        target.unlink(missing_ok=True)
        raise
    return WrittenList(target, table.num_rows, persons, record)
