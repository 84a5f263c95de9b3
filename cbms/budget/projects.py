"""The round's budget read into projects, every row checked at once: missing columns and values, amounts that are
not soles or are negative, years, sectors outside the round's geography, duplicate project codes, needs, target
groups, statuses and categories nobody declared — each located by row and column, all listed in one error."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter

from cbms.budget.areas import Areas
from cbms.budget.declarations import Declarations
from cbms.budget.sheet import Cell, Sheet, read_sheet
from cbms.config import BudgetSource
from cbms.errors import (
    BUD_004,
    BUD_005,
    BUD_006,
    BUD_007,
    BUD_008,
    BUD_009,
    BUD_010,
    BUD_011,
    BUD_012,
    BUD_013,
    BUD_014,
    BUD_015,
    BUD_016,
    BUD_017,
    BUD_018,
    BUD_019,
    CbmsError,
    Detail,
    Notice,
)
from cbms.located import did_you_mean


@dataclass(frozen=True, slots=True)
class Field:
    """A column of the budget: the headers it is known by when the manifest does not name it, and its name."""

    headers: tuple[str, ...]
    required: bool
    es: str
    en: str


FIELDS: dict[str, Field] = {
    "code": Field(("codigo", "codigo_proyecto", "cod"), True, "el código del proyecto", "project code"),
    "name": Field(("nombre", "nombre_proyecto", "proyecto"), True, "el nombre", "name"),
    "year": Field(("anio", "ano"), True, "el año", "year"),
    "sectors": Field(("sector", "sectores"), True, "el sector", "sector"),
    "amount": Field(("monto", "monto_soles", "importe"), True, "el monto en soles", "amount in soles"),
    "status": Field(("estado",), True, "el estado", "status"),
    "category": Field(("categoria",), False, "la categoría", "category"),
    "need": Field(("necesidad", "necesidades"), False, "la necesidad", "need"),
    "target_group": Field(("grupo_objetivo", "poblacion_objetivo"), False, "el grupo objetivo", "target group"),
}
DISTRICT_WORDS = ("distrito", "district")
LIST_SEPARATORS = re.compile(r"[;,]")
YEARS = (1990, 2100)


@dataclass(frozen=True, slots=True)
class Project:
    """One row of the budget, checked."""

    code: str
    name: str
    year: int
    sectors: tuple[str, ...]  # sector codes; empty for a district-wide project
    amount: float  # soles
    status: str
    category: str | None
    needs: tuple[str, ...]  # the needs the file names for it (its category may link more)
    target_group: str | None
    row: int

    @property
    def district_wide(self) -> bool:
        """A project of the whole district, not of some of its sectors."""
        return not self.sectors


@dataclass(frozen=True, slots=True)
class Budget:
    """The checked budget: its projects and what reading it had to say."""

    label: str
    projects: tuple[Project, ...]
    notes: tuple[Notice, ...] = ()


def read_budget(source: BudgetSource, declarations: Declarations, areas: Areas, manifest: Path) -> Budget:
    """Read the budget file and check every row against the declarations and the round's areas; raise one CbmsError
    listing every problem, located, when there is any."""
    problems: list[Notice] = []
    sheet = read_sheet(source.file, source.sheet)
    columns = _columns(sheet, source.columns, manifest, problems)
    if not sheet.rows and not problems:
        problems.append(Notice(BUD_017, {"path": sheet.label}))
    projects: list[Project] = []
    if all(field in columns for field, spec in FIELDS.items() if spec.required):
        reader = _RowReader(sheet, columns, declarations, areas, problems)
        first: dict[str, int] = {}
        for number, cells in sheet.rows:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                continue
            code = _text(reader.cell(cells, "code"))
            if code and code in first:  # said even when the row has other faults: every problem at once
                problems.append(Notice(BUD_012, {**reader.at(number, "code"), "value": code, "first": first[code]}))
            first.setdefault(code, number)
            project = reader.project(number, cells)
            if project is not None and first[code] == number:
                projects.append(project)
        if not projects and not problems:
            problems.append(Notice(BUD_017, {"path": sheet.label}))
    if problems:
        raise CbmsError(BUD_018, path=sheet.label, count=len(problems)).with_problems(tuple(problems))
    return Budget(sheet.label, tuple(projects), sheet.notes)


def key(text: str) -> str:
    """A header or a code as compared: without accents, lower case, words joined by '_'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-./]+", "_", plain.strip().lower()).strip("_")


def _columns(sheet: Sheet, named: Mapping[str, str], manifest: Path, problems: list[Notice]) -> dict[str, int]:
    """Each field's column index: the manifest's name for it, or one of its usual headers."""
    for field in named:
        if field not in FIELDS:
            problems.append(Notice(BUD_019, {"path": manifest, "key": field, "fields": ", ".join(FIELDS),
                                              **did_you_mean(field, tuple(FIELDS))}))
    where = {key(h): i for i, h in reversed(list(enumerate(sheet.header)))}
    found: dict[str, int] = {}
    for field, spec in FIELDS.items():
        wanted = (key(named[field]),) if field in named else spec.headers
        index = next((where[w] for w in wanted if w in where), None)
        if index is not None:
            found[field] = index
        elif spec.required and (sheet.header or sheet.rows):
            expected = named.get(field, spec.headers[0])
            problems.append(Notice(BUD_004, {"path": sheet.label, "field": field, "field_es": spec.es,
                                              "field_en": spec.en, "column": expected,
                                              "columns": ", ".join(sheet.header) or "-",
                                              **did_you_mean(expected, tuple(sheet.header))}))
    return found


class _RowReader:
    """Reads one row into a project, adding each problem it finds to the shared list."""

    def __init__(self, sheet: Sheet, columns: Mapping[str, int], declarations: Declarations, areas: Areas,
                 problems: list[Notice]) -> None:
        self.sheet, self.columns, self.areas, self.problems = sheet, columns, areas, problems
        rules = declarations.rules
        self.declared = {"need": ({key(n.id): n.id for n in declarations.needs}, declarations.needs_file),
                         "target_group": ({key(c): c for c in rules.target_groups}, rules.label),
                         "status": ({key(c): c for c in rules.statuses}, rules.label),
                         "category": ({key(c): c for c in rules.categories}, rules.label)}

    def at(self, row: int, field: str) -> dict[str, object]:
        """Where a cell is, as the messages say it."""
        index = self.columns[field]
        return {"path": self.sheet.label, "row": row,
                "column": f"'{self.sheet.header[index]}' ({get_column_letter(index + 1)})"}

    def cell(self, cells: tuple[Cell, ...], field: str) -> Cell:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if isinstance(value, str) and not value.strip() else value

    def project(self, row: int, cells: tuple[Cell, ...]) -> Project | None:
        before = len(self.problems)
        for field, spec in FIELDS.items():
            if spec.required and self.cell(cells, field) is None:
                self.problems.append(Notice(BUD_005, {**self.at(row, field), "field_es": spec.es,
                                                      "field_en": spec.en}))
        values = {f: self.cell(cells, f) for f in FIELDS}
        amount = self._amount(row, values["amount"])
        year = self._year(row, values["year"])
        sectors = self._sectors(row, values["sectors"])
        status = self._declared(row, "status", values["status"], BUD_015)
        category = self._declared(row, "category", values["category"], BUD_016)
        target = self._declared(row, "target_group", values["target_group"], BUD_014)
        needs = tuple(n for part in _parts(values["need"]) if (n := self._declared(row, "need", part, BUD_013)))
        if len(self.problems) > before or amount is None or year is None or sectors is None or status is None:
            return None
        return Project(code=_text(values["code"]), name=_text(values["name"]), year=year, sectors=sectors,
                       amount=amount, status=status, category=category, needs=needs, target_group=target, row=row)

    def _amount(self, row: int, value: Cell) -> float | None:
        if value is None:
            return None
        amount = parse_amount(value)
        if isinstance(amount, str):
            self.problems.append(Notice(BUD_008, {**self.at(row, "amount"), "value": value}))
            return None
        if amount is None:
            self.problems.append(Notice(BUD_006, {**self.at(row, "amount"), "value": value}))
            return None
        if amount < 0:
            self.problems.append(Notice(BUD_007, {**self.at(row, "amount"), "value": f"{amount:g}"}))
            return None
        return float(amount)

    def _year(self, row: int, value: Cell) -> int | None:
        if value is None:
            return None
        text = _text(value)
        if text.isdigit() and YEARS[0] <= int(text) <= YEARS[1]:
            return int(text)
        self.problems.append(Notice(BUD_009, {**self.at(row, "year"), "value": text}))
        return None

    def _sectors(self, row: int, value: Cell) -> tuple[str, ...] | None:
        if value is None:
            return None
        parts = _parts(value)
        district = [p for p in parts if key(p) in DISTRICT_WORDS or p == self.areas.district]
        if district and len(district) < len(parts):
            self.problems.append(Notice(BUD_011, {**self.at(row, "sectors"), "value": _text(value)}))
            return None
        if district:
            return ()
        if not self.areas.checked:
            return tuple(dict.fromkeys(p.upper() for p in parts))
        known = {c.upper(): c for c in self.areas.sectors}
        found: list[str] = []
        for part in parts:
            if part.upper() in known:
                found.append(known[part.upper()])
                continue
            self.problems.append(Notice(BUD_010, {**self.at(row, "sectors"), "value": part,
                                                  "source": self.areas.source,
                                                  **did_you_mean(part.upper(), tuple(self.areas.sectors))}))
        return tuple(dict.fromkeys(found)) if len(found) == len(parts) else None

    def _declared(self, row: int, field: str, value: Cell, detail: Detail) -> str | None:
        """A code the declarations know (compared without accents or case), or None after saying so."""
        if value is None:
            return None
        codes, declared = self.declared[field]
        text = _text(value)
        if key(text) in codes:
            return codes[key(text)]
        context = {**self.at(row, field), "value": text, "declared": declared, "options": ", ".join(codes.values()),
                   **did_you_mean(key(text), tuple(codes))}
        self.problems.append(Notice(detail, context))
        return None


def parse_amount(value: Cell) -> float | str | None:
    """Soles from a cell: a number as it is; text such as '1250000', '1,250,000.50', '1.250.000,50', '1250000,5' or
    'S/ 1,250,000'. A single separator followed by exactly three digits ('1,250' or '1.250') could be thousands or
    decimals: 'ambiguous'. None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    # written by hand: locale-aware parsers (babel) need the locale up front, and a budget from Excel may carry
    # either convention whatever the machine's locale
    text = re.sub(r"^(S/\.?|PEN)\s*", "", str(value).strip(), flags=re.IGNORECASE).replace(" ", "")
    sign = -1.0 if text.startswith("-") else 1.0
    text = text.lstrip("+-")
    if not re.fullmatch(r"[0-9][0-9.,]*", text) or text.endswith((".", ",")):
        return None
    marks = [c for c in text if c in ".,"]
    if not marks:
        return sign * float(text)
    if len(set(marks)) == 2:
        decimal = text[max(text.rfind("."), text.rfind(","))]
        thousands = "," if decimal == "." else "."
        whole, _, fraction = text.rpartition(decimal)
        return _grouped(whole, thousands, fraction, sign)
    mark = marks[0]
    if len(marks) > 1:
        return _grouped(text, mark, "", sign)
    whole, fraction = text.split(mark)
    if len(fraction) == 3:
        return "ambiguous"
    return sign * float(f"{whole}.{fraction}")


def _grouped(whole: str, thousands: str, fraction: str, sign: float) -> float | None:
    groups = whole.split(thousands)
    if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])) or not all(g.isdigit() for g in groups):
        return None
    return sign * float("".join(groups) + (f".{fraction}" if fraction else ""))


def _text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""


def _parts(value: Cell) -> list[str]:
    """The items of a cell that lists several ('S01;S03', 'agua, cuidado')."""
    if value is None:
        return []
    return [p.strip() for p in LIST_SEPARATORS.split(_text(value)) if p.strip()]
