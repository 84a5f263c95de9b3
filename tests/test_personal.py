"""Personal data out of the shared issues file: a personal item's value blanked, and every message quoting a
household's personal values masked, by the one declaration (schemas/personal_data.yaml)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbms.personal import MASKS, personal_items
from cbms.validate.outputs import PUBLIC_COLUMNS, write_issues_parquet

# issue 18's examples: a phone in a constraint message, a block code, a birth date, a name inside another rule's text
ISSUES = [
    ("VAL_003", "error", "household", "uuid:h1", "uuid:h1", "contact_phone", "94351498",
     "'contact_phone' = '94351498': el teléfono debe tener 9 dígitos", "'contact_phone' = '94351498': the phone "
     "must have 9 digits", "E01"),
    ("VAL_002", "error", "household", "uuid:h1", "uuid:h1", "manzana", "Mz K2",
     "'manzana' = 'Mz K2' no es una opción", "'manzana' = 'Mz K2' is not an option", "E01"),
    ("VAL_107", "warning", "member", "uuid:h1", "uuid:h1/m1", "age", "2019-03-02",
     "La fecha de nacimiento 2019-03-02 da 6 años, pero la edad es 9.", "Birth date 2019-03-02 gives 6 years, but "
     "the age is 9.", "E01"),
    ("VAL_118", "warning", "member", "uuid:h1", "uuid:h1/m1", "full_name", "Rosa Quispe Mamani|female|2019-03-02",
     "La misma persona (Rosa Quispe Mamani, female, 2019-03-02) figura en otro hogar.",
     "The same person (Rosa Quispe Mamani, female, 2019-03-02) is listed in another household.", "E01"),
    ("VAL_003", "error", "member", "uuid:h2", "uuid:h2/m1", "age", "999", "'age' = '999': fuera de rango",
     "'age' = '999': out of range", "E02"),
]


def _database() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA clean")
    con.execute("CREATE TABLE raw.household (_submission_key VARCHAR, contact_phone VARCHAR, manzana VARCHAR)")
    con.execute("INSERT INTO raw.household VALUES ('uuid:h1', '94351498', 'Mz K2'), ('uuid:h2', '987654321', 'A')")
    con.execute("CREATE TABLE raw.member (_submission_key VARCHAR, full_name VARCHAR, birth_date VARCHAR)")
    con.execute("INSERT INTO raw.member VALUES ('uuid:h1', 'Rosa Quispe Mamani', '2019-03-02'), "
                "('uuid:h2', 'Luis Pérez', '1999-12-31')")
    con.execute(f"CREATE TABLE clean.issues ({', '.join(f'{chr(34)}{c}{chr(34)} VARCHAR' for c in PUBLIC_COLUMNS)})")
    con.executemany(f"INSERT INTO clean.issues VALUES ({', '.join('?' * len(PUBLIC_COLUMNS))})", ISSUES)
    return con


def test_no_personal_value_in_any_text_column(tmp_path: Path) -> None:
    con = _database()
    path = write_issues_parquet(con, tmp_path)
    rows = con.execute(f"SELECT * FROM '{path}'").fetchall()
    secrets = ("94351498", "Mz K2", "2019-03-02", "Rosa Quispe Mamani", "987654321", "Luis Pérez")
    assert len(rows) == len(ISSUES)
    assert not [(row, s) for row in rows for s in secrets for v in row if isinstance(v, str) and s in v]


def test_what_is_not_personal_stays(tmp_path: Path) -> None:
    con = _database()
    rows = {r[0] + r[4]: r for r in con.execute(
        f"SELECT rule, value, message_es, message_en, row_key FROM '{write_issues_parquet(con, tmp_path)}'"
    ).fetchall()}
    assert rows["VAL_003uuid:h2/m1"][1:4] == ("999", "'age' = '999': fuera de rango", "'age' = '999': out of range")
    phone = rows["VAL_003uuid:h1"]
    assert phone[1] is None and phone[2] == f"'contact_phone' = '{MASKS['es']}': el teléfono debe tener 9 dígitos"
    assert rows["VAL_107uuid:h1/m1"][3] == f"Birth date {MASKS['en']} gives 6 years, but the age is 9."


def test_the_declaration_names_the_birth_date() -> None:
    assert {"full_name", "contact_phone", "manzana", "gps", "birth_date"} <= set(personal_items())
