"""The same catalogue on Spark: the unit views and indicator SQL transpiled from DuckDB's dialect with sqlglot,
run by pyspark on the clean tables exported as Parquet partitioned by area, and the results brought back to mart.*.

Only SQL runs on Spark (no Python function is shipped to the executors), so a cluster needs cbms on the driver
alone. The declarations stay the single source: nothing here restates an indicator. What differs between the
two engines is handled once, in :func:`to_spark`:

- a literal such as ``1.0`` is a DECIMAL in Spark and would make ``/ 6.0`` a decimal division: cast to DOUBLE;
- ``grouping(a, b)`` takes one column in Spark: ``grouping_id(a, b)``; ``ANY_VALUE(x) IGNORE NULLS`` is
  ``any_value(x, TRUE)``; DuckDB's ``list && list`` is ``arrays_overlap``;
- the exact sums: DuckDB turns a DOUBLE into DECIMAL(38, 12) as round(x * 10^12) (measured: it differs from
  the exact decimal of the double in about 1 value in 100), Spark exactly; Spark is made to round as DuckDB
  does. A DECIMAL sum goes back to DOUBLE through its text, which Java parses to the nearest double, as
  DuckDB converts it (Spark's own cast divides a long by 10^12 and can round twice).

The WHO height-for-age z-score (``haz``) is computed by DuckDB when the tables are exported (a lookup in WHO's
table and a power that must give the same double), and travels with them.
"""

from __future__ import annotations

import argparse
import logging
import shutil
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import sqlglot
from sqlglot import exp

from cbms.config import Manifest, load_manifest
from cbms.disclosure.empty import empty_table
from cbms.errors import IND_012, IND_020, IND_021, IND_022, IND_023, CbmsError
from cbms.indicators.catalogue import Catalogue, Indicator, load_catalogue
from cbms.indicators.compile import HAZ_DDL, quote, render_unit
from cbms.indicators.compute import (
    EMPTY_KEYS,
    EMPTY_VALUES_SQL,
    EXACT,
    ComputeReport,
    choose,
    combo_rows,
    create_params,
    fine_sql,
    kind_rows,
    merge_sql,
    values_sql,
    write_mart,
)
from cbms.indicators.haz import create_haz

if TYPE_CHECKING:
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

AREA = ("_district", "_sector")  # Hive partitions of every exported table: one folder per district and sector
SETTINGS = {
    "spark.sql.ansi.enabled": "false",  # DuckDB's semantics: x / 0 is NULL
    "spark.sql.decimalOperations.allowPrecisionLoss": "false",  # decimal products keep their 12 places
    "spark.sql.sources.partitionColumnTypeInference.enabled": "false",  # '150142' stays text
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}
LOCAL = {"spark.driver.memory": "2g"}  # local mode: the driver is the executor (spark-submit sets its own)
PLACES = 10**12  # the scale of EXACT


# ------------------------------------------------------------------------------------------- translation
def _double(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("DOUBLE"))


def _is_exact(node: exp.Cast) -> bool:
    return bool(node.to == exp.DataType.build(EXACT, dialect="duckdb"))


def _rewrite(node: exp.Expression) -> exp.Expression:
    if (isinstance(node, exp.Literal) and not node.is_string and "." in node.this
            and "e" not in node.this.lower() and not isinstance(node.parent, exp.Cast | exp.DataTypeParam)):
        return _double(node.copy())
    if isinstance(node, exp.Grouping) and len(node.expressions) > 1:
        return exp.Anonymous(this="grouping_id", expressions=[e.copy() for e in node.expressions])
    if isinstance(node, exp.IgnoreNulls) and isinstance(node.this, exp.AnyValue):
        return exp.Anonymous(this="any_value", expressions=[node.this.this.copy(), exp.true()])
    if isinstance(node, exp.ArrayOverlaps):
        return exp.Anonymous(this="arrays_overlap", expressions=[node.this.copy(), node.expression.copy()])
    if isinstance(node, exp.Table) and node.db == "clean":
        renamed = node.copy()  # temp views have no schema: clean.member is clean_member
        renamed.set("db", None)
        renamed.set("this", exp.to_identifier(f"clean_{node.name}"))
        return renamed
    if isinstance(node, exp.Cast) and _is_exact(node):
        # DuckDB: round(x * 10^12) / 10^12; the product with a DECIMAL(38, 12) unit keeps it exact
        scaled = exp.Anonymous(this="round", expressions=[
            exp.Mul(this=exp.Paren(this=node.this.copy()), expression=exp.Literal.number("1e12"))])
        whole = exp.Cast(this=scaled, to=exp.DataType.build("DECIMAL(38, 0)"))
        unit = exp.Cast(this=exp.Literal.number("0.000000000001"), to=exp.DataType.build("DECIMAL(38, 12)"))
        return exp.Cast(this=exp.Mul(this=whole, expression=unit), to=exp.DataType.build("DECIMAL(38, 12)"))
    if (isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.DOUBLE
            and isinstance(node.this, exp.Sum)):
        return _double(exp.Cast(this=node.this.copy(), to=exp.DataType.build("STRING")))
    return node


def to_spark(sql: str) -> str:
    """Spark SQL of a DuckDB query of the catalogue (see the module docstring for what changes)."""
    return "; ".join(e.transform(_rewrite).sql("spark") for e in sqlglot.parse(sql, read="duckdb") if e)


def _translate(sql: str, where: str) -> str:
    try:
        return to_spark(sql)
    except sqlglot.errors.SqlglotError as exc:
        raise CbmsError(IND_022, where=where, reason=" ".join(str(exc).split())[:400]) from exc


def clean_tables(catalogue: Catalogue) -> list[str]:
    """The clean.* tables the unit views read."""
    names: set[str] = set()
    for template in catalogue.units.values():
        for table in sqlglot.parse_one(render_unit(template, None), read="duckdb").find_all(exp.Table):
            if table.db == "clean":
                names.add(table.name)
    return sorted(names)


# ----------------------------------------------------------------------------------------------- export
def _text(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no parameter for its target)."""
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, manifest: Manifest, folder: Path) -> Path:
    """clean.* (the tables the units read), haz and params as Parquet in `folder`, partitioned by area.

    Each row carries its household's district and sector (`_district`, `_sector`), the folders Spark reads.
    """
    create_params(con, manifest)
    con.execute(HAZ_DDL)
    create_haz(con)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    area = ("coalesce(CAST(h.ubigeo AS VARCHAR), (SELECT ubigeo FROM params), 'none') AS _district, "
            "coalesce(CAST(h.sector AS VARCHAR), 'none') AS _sector")
    queries = {name: (f"SELECT t.*, {area} FROM clean.{quote(name)} t LEFT JOIN clean.household h "
                      f"ON h._row_key = t.{'_row_key' if name == 'household' else '_parent_key'}")
               for name in clean_tables(catalogue)}
    queries["haz"] = (f"SELECT z.*, {area} FROM haz z JOIN clean.member m ON m._row_key = z._row_key "
                      "LEFT JOIN clean.household h ON h._row_key = m._parent_key")
    for name, query in queries.items():
        target = folder / name
        if con.execute(f"SELECT count(*) FROM ({query})").fetchall()[0][0]:
            con.execute(f"COPY ({query}) TO {_text(target)} (FORMAT parquet, PARTITION_BY ({', '.join(AREA)}))")
        else:  # no folder of partitions to read the columns from: one empty file holds them
            target.mkdir()
            con.execute(f"COPY ({query}) TO {_text(target / 'empty.parquet')} (FORMAT parquet)")
    (folder / "params").mkdir()
    con.execute(f"COPY params TO {_text(folder / 'params' / 'params.parquet')} (FORMAT parquet)")
    return folder


# ------------------------------------------------------------------------------------------------ spark
@contextmanager
def spark_session(master: str | None) -> Iterator[SparkSession]:
    """A Spark session with the settings the translation relies on; `master` None keeps spark-submit's."""
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas versions; cbms gives it no pandas
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.errors import PySparkException
            from pyspark.sql import SparkSession
    except ImportError as exc:
        raise CbmsError(IND_020) from exc
    builder = SparkSession.builder.appName("cbms-indicators")
    if master:
        builder = builder.master(master)
    for key, value in (SETTINGS | (LOCAL if master and master.startswith("local") else {})).items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except (PySparkException, OSError) as exc:
        raise CbmsError(IND_021, reason=" ".join(str(exc).split())[:400]) from exc
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        if master:
            session.stop()


def _sql(spark: SparkSession, sql: str, where: str) -> DataFrame:
    from pyspark.errors import AnalysisException, ParseException

    translated = _translate(sql, where)
    try:
        return spark.sql(translated)
    except (AnalysisException, ParseException) as exc:
        raise CbmsError(IND_023, where=where, reason=" ".join(str(exc).split())[:400]) from exc


def _view(name: str, frame: DataFrame) -> DataFrame:
    # each unit is read by many indicators: computed once, now, and cut from its plan (a persisted view's plan
    # is still inlined into the 59 branches of the union, each with its own broadcast joins)
    kept = frame.localCheckpoint(eager=True)
    kept.createOrReplaceTempView(name)
    return kept


def _arrow_frame(spark: SparkSession, table: pa.Table, schema: str) -> DataFrame:
    return spark.createDataFrame([tuple(r.values()) for r in table.to_pylist()], schema=schema)


def _at(location: str, name: str) -> str:
    """A file or folder inside a location that may be a URI (s3://, hdfs://), which pathlib would mangle."""
    return f"{location.rstrip('/')}/{name}"


def _read(spark: SparkSession, folder: str) -> DataFrame:
    return spark.read.option("basePath", folder).parquet(folder)


def run_spark(spark: SparkSession, catalogue: Catalogue, manifest: Manifest, parquet: Sequence[str],
              fine: Sequence[str], out: str) -> tuple[list[Indicator], tuple[str, ...]]:
    """Compute on Spark: the clean tables of every folder in `parquet` (each one as export_parquet writes
    them; several are several parts of one census), plus the exact sums already computed for other parts
    (`fine`); write `out/fine` (exact sums by grupo and breakdown, for a later merge) and `out/values`.
    Locations are paths or URIs Spark reads (s3://, hdfs://)."""
    chosen, skipped = choose(catalogue, manifest)
    parts: list[DataFrame] = []
    if parquet:
        for name in [*clean_tables(catalogue), "haz", "params"]:
            frames = [_read(spark, _at(folder, name)) for folder in parquet]
            union = frames[0]
            for other in frames[1:]:
                union = union.unionByName(other)
            _view(name if name in ("haz", "params") else f"clean_{name}",
                  union.limit(1) if name == "params" else union)
        for name, template in catalogue.units.items():
            _view(name, _sql(spark, render_unit(template, manifest.weight), f"pipelines/units ({name})"))
        if not spark.table("household").limit(1).count():
            raise CbmsError(IND_012)
        parts.append(_sql(spark, fine_sql(chosen, catalogue), "pipelines/indicators"))
    parts += [spark.read.parquet(folder) for folder in fine]
    merged = parts[0]
    for other in parts[1:]:
        merged = merged.unionByName(other)
    merged.createOrReplaceTempView("ind_parts")
    whole = _view("ind_fine", _sql(spark, merge_sql("ind_parts"), "cbms.indicators.compute (merge)"))
    whole.write.mode("overwrite").parquet(_at(out, "fine"))
    _arrow_frame(spark, combo_rows(chosen, catalogue), "indicator_id STRING, combo STRING") \
        .createOrReplaceTempView("ind_combos")
    _arrow_frame(spark, kind_rows(chosen), "indicator_id STRING, value_kind STRING, sensitive BOOLEAN, ord INT") \
        .createOrReplaceTempView("ind_kinds")
    values = _sql(spark, values_sql(manifest), "cbms.indicators.compute (roll-up)").cache()
    keys = [tuple(r) for r in values.select(*EMPTY_KEYS).collect()]
    _arrow_frame(spark, empty_table(keys, "indicator_id"), ", ".join(f"{k} STRING" for k in EMPTY_KEYS)) \
        .createOrReplaceTempView("ind_empty")
    values = values.unionByName(_sql(spark, EMPTY_VALUES_SQL, "cbms.disclosure.empty"))
    values.drop("parent_code").coalesce(1).write.mode("overwrite").parquet(_at(out, "values"))
    return chosen, skipped


def compute_indicators_spark(con: duckdb.DuckDBPyConnection, catalogue: Catalogue, manifest: Manifest,
                             work: Path, master: str | None = "local[2]") -> ComputeReport:
    """compute_indicators on Spark: export clean.* to `work/clean`, compute there, replace mart.* from the result."""
    parquet = export_parquet(con, catalogue, manifest, work / "clean")
    with spark_session(master) as spark:
        chosen, skipped = run_spark(spark, catalogue, manifest, [str(parquet)], [], str(work))
    con.execute("CREATE OR REPLACE TEMP TABLE ind_values AS SELECT * FROM read_parquet(?)",
                [str(work / "values" / "*.parquet")])
    con.register("ind_kinds_in", kind_rows(chosen))
    con.execute("CREATE OR REPLACE TEMP TABLE ind_kinds AS SELECT * FROM ind_kinds_in")
    con.unregister("ind_kinds_in")
    return write_mart(con, catalogue, chosen, skipped)


# ---------------------------------------------------------------------------------------- spark-submit
def main(argv: Sequence[str] | None = None) -> None:
    """spark-submit entry point: compute from Parquet folders (and earlier parts' sums) into a folder."""
    parser = argparse.ArgumentParser(prog="cbms.indicators.spark", description=__doc__.split("\n")[0])
    parser.add_argument("parquet", nargs="*", help="folders written by export_parquet (one per part), paths or URIs")
    parser.add_argument("--fine", nargs="*", default=[], help="out/fine folders of parts computed before")
    parser.add_argument("--out", required=True, help="where fine/ and values/ are written (path or URI)")
    parser.add_argument("--manifest", type=Path, help="round manifest (TOML)")
    parser.add_argument("--master", help="Spark master; spark-submit's when absent")
    args = parser.parse_args(argv)
    manifest = load_manifest(args.manifest) if args.manifest else load_manifest()
    catalogue = load_catalogue()
    with spark_session(args.master) as spark:
        chosen, _ = run_spark(spark, catalogue, manifest, args.parquet, args.fine, args.out)
    log.info("%d indicators computed into %s", len(chosen), args.out)


if __name__ == "__main__":
    main()
