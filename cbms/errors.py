"""The one catalogue of coded, bilingual messages, and the error that carries them."""

from __future__ import annotations

import errno
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

Lang = Literal["es", "en"]
LANGS: tuple[Lang, ...] = ("es", "en")


@dataclass(frozen=True, slots=True)
class Said:
    """A text a message carries (a reason) in both languages: the message shows the half in its own language."""

    es: str
    en: str

    def __str__(self) -> str:
        return self.en

    def text(self, lang: Lang) -> str:
        """The text in `lang`."""
        return self.es if lang == "es" else self.en


# The operating system says why a file or folder could not be used in English only (strerror).
OS_REASONS: dict[int, tuple[str, str]] = {
    errno.EACCES: ("permiso denegado", "permission denied"),
    errno.EPERM: ("operación no permitida", "operation not permitted"),
    errno.ENOENT: ("no existe", "does not exist"),
    errno.ENOSPC: ("no queda espacio en el disco", "no space left on the disk"),
    errno.EROFS: ("el disco es de solo lectura", "read-only file system"),
    errno.ENOTDIR: ("una parte de la ruta no es una carpeta", "part of the path is not a folder"),
    errno.EISDIR: ("es una carpeta", "it is a folder"),
    errno.EEXIST: ("ya existe", "it already exists"),
    errno.ENAMETOOLONG: ("el nombre es demasiado largo", "the name is too long"),
}


def os_reason(exc: OSError) -> Said:
    """Why the system refused a file or folder, in both languages."""
    es, en = OS_REASONS.get(exc.errno or 0, (f"error del sistema {exc.errno}", exc.strerror or type(exc).__name__))
    return Said(es, en)


@dataclass(frozen=True, slots=True)
class Detail:
    """A coded message with its Spanish and English text; `{name}` fields are filled at raise time."""

    code: str
    es: str
    en: str

    def format(self, lang: Lang = "es", /, **context: object) -> str:
        """The message in `lang`, prefixed with its code."""
        return f"[{self.code}] {self.text(lang, **context)}"

    def text(self, lang: Lang = "es", /, **context: object) -> str:
        """The message in `lang`, without its code (for tables that carry the code in a column); a Said field shows
        its half in `lang`."""
        fields = {k: v.text(lang) if isinstance(v, Said) else v for k, v in context.items()}
        return (self.es if lang == "es" else self.en).format(**fields)


@dataclass(frozen=True, slots=True)
class Notice:
    """A coded message and what fills it, said later in either language: a located problem in a declaration,
    a note of what a stage did."""

    detail: Detail
    context: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: Lang = "es") -> str:
        """The message in the chosen language, with its code."""
        return self.detail.format(lang, **self.context)


class Located(Protocol):
    """A problem with a place (file and line, sheet and row) that can say itself in either language."""

    def message(self, lang: Lang = "es") -> str: ...


class CbmsError(Exception):
    """A problem in the user's input or configuration: the CLI prints it in one line and exits 1.

    `problems` carries every located problem when a check found several at once (the CLI prints each).
    """

    def __init__(self, detail: Detail, **context: object) -> None:
        self.detail = detail
        self.context = context
        self.problems: tuple[Located, ...] = ()
        super().__init__(detail.format("en", **context))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled as its detail, context and problems, so it crosses from a worker process (the PDF writers)."""
        return _rebuilt, (self.detail, self.context, self.problems)

    def with_problems(self, problems: tuple[Located, ...]) -> CbmsError:
        """The same error, carrying every located problem a check found."""
        self.problems = problems
        return self

    @property
    def code(self) -> str:
        """The catalogue code, e.g. FORM_002."""
        return self.detail.code

    def message(self, lang: Lang = "es") -> str:
        """The message in the chosen language."""
        return self.detail.format(lang, **self.context)


def _rebuilt(detail: Detail, context: dict[str, object], problems: tuple[Located, ...]) -> CbmsError:
    return CbmsError(detail, **context).with_problems(problems)


# --- command line -------------------------------------------------------------------------------------
CLI_001 = Detail(
    "CLI_001",
    "Idioma desconocido '{lang}': use 'es' o 'en'.",
    "Unknown language '{lang}': use 'es' or 'en'.",
)
CLI_002 = Detail(
    "CLI_002",
    "No se puede escribir en la carpeta de salida '{path}': {reason}.",
    "Cannot write to the output folder '{path}': {reason}.",
)
CLI_003 = Detail(
    "CLI_003",
    "Interrumpido ({signal}): lo que estaba a medias se deshizo; la base y los archivos quedaron como estaban o "
    "completos.",
    "Interrupted ({signal}): what was half done was undone; the database and the files are as they were, or "
    "complete.",
)

# --- forms (XLSForm -> FormSpec / XForm) --------------------------------------------------------------
FORM_001 = Detail(
    "FORM_001",
    "No se encuentra el formulario '{path}'.",
    "Form file '{path}' not found.",
)
FORM_002 = Detail(
    "FORM_002",
    "'{path}' no es un XLSForm legible (se espera un .xlsx con las hojas survey y choices): {reason}",
    "'{path}' is not a readable XLSForm (expected an .xlsx with survey and choices sheets): {reason}",
)
FORM_003 = Detail(
    "FORM_003",
    "pyxform rechaza el formulario '{path}' ({where}): {reason}",
    "pyxform refuses the form '{path}' ({where}): {reason}",
)
FORM_004 = Detail(
    "FORM_004",
    "ODK Validate rechaza el XForm de '{path}': {reason}",
    "ODK Validate refuses the XForm of '{path}': {reason}",
)
FORM_005 = Detail(
    "FORM_005",
    "No se encuentra Java, que ODK Validate necesita: instálelo (make setup lo hace) o use --no-validate.",
    "Java, which ODK Validate needs, was not found: install it (make setup does) or use --no-validate.",
)
FORM_006 = Detail(
    "FORM_006",
    "El formulario '{path}' tiene {count} problema(s); vea la lista arriba.",
    "The form '{path}' has {count} problem(s); see the list above.",
)
FORM_007 = Detail(
    "FORM_007",
    "El archivo '{path}' es demasiado grande al descomprimirlo ({size} bytes; límite {limit}): no se abre.",
    "The file '{path}' is too large once uncompressed ({size} bytes; limit {limit}): not opened.",
)
FORM_009 = Detail(
    "FORM_009",
    "'{path}' no es un archivo .xlsx (no es un zip): guárdelo como 'Libro de Excel (.xlsx)'.",
    "'{path}' is not an .xlsx file (not a zip): save it as 'Excel Workbook (.xlsx)'.",
)
FORM_010 = Detail(
    "FORM_010",
    "'{path}' no tiene la hoja 'survey': no es un XLSForm.",
    "'{path}' has no 'survey' sheet: it is not an XLSForm.",
)
FORM_008 = Detail(
    "FORM_008",
    "El diccionario básico '{path}' no se puede leer: {reason}",
    "The core dictionary '{path}' cannot be read: {reason}",
)
FORM_011 = Detail(
    "FORM_011",
    "{path}, fila {row}: la {kind_es} de '{name}' no se puede poner en palabras; se imprime tal como está escrita: "
    "{expression}",
    "{path}, row {row}: the {kind_en} of '{name}' cannot be put into words; it is printed as written: {expression}",
)
FORM_012 = Detail(
    "FORM_012",
    "El formulario '{path}' no tiene textos en {lang_es}: las preguntas y opciones salen en '{found}'.",
    "The form '{path}' has no texts in {lang_en}: questions and options are printed in '{found}'.",
)
FORM_013 = Detail(
    "FORM_013",
    "No se pudo escribir '{path}': {reason}",
    "Could not write '{path}': {reason}",
)
FORM_014 = Detail(
    "FORM_014",
    "El archivo de los instrumentos '{path}' no sirve: {reason}",
    "The instruments file '{path}' is not usable: {reason}",
)
FORM_020 = Detail(
    "FORM_020",
    "'{path}' es el formulario '{found}', no una versión de '{expected}': no se puede usar para juzgar sus envíos.",
    "'{path}' is form '{found}', not a version of '{expected}': it cannot judge its submissions.",
)

# --- the run manifest (pipelines/ROUND.toml) -----------------------------------------------------------
MAN_001 = Detail(
    "MAN_001",
    "No se encuentra el manifiesto '{path}'.",
    "Manifest '{path}' not found.",
)
MAN_002 = Detail(
    "MAN_002",
    "'{path}' no es TOML válido: {reason}",
    "'{path}' is not valid TOML: {reason}",
)
MAN_003 = Detail(
    "MAN_003",
    "'{path}': clave desconocida '{key}'{hint_es}",
    "'{path}': unknown key '{key}'{hint_en}",
)
MAN_004 = Detail(
    "MAN_004",
    "'{path}': '{key}' debe ser {expected_es}, es {found!r}",
    "'{path}': '{key}' must be {expected_en}, it is {found!r}",
)
MAN_005 = Detail(
    "MAN_005",
    "'{path}': la línea de pobreza '{key}' debe ser un número positivo (soles por persona al mes), es {found!r}",
    "'{path}': poverty line '{key}' must be a positive number (soles per person per month), it is {found!r}",
)
MAN_006 = Detail(
    "MAN_006",
    "'{path}': el archivo '{key}' = '{file}' no existe",
    "'{path}': file '{key}' = '{file}' does not exist",
)
MAN_007 = Detail(
    "MAN_007",
    "'{path}': faltan las líneas de pobreza ([poverty_lines] z_total y z_extreme, con year y source)",
    "'{path}': the poverty lines are missing ([poverty_lines] z_total and z_extreme, with year and source)",
)
MAN_008 = Detail(
    "MAN_008",
    "El manifiesto '{path}' tiene {count} problema(s); vea la lista arriba.",
    "The manifest '{path}' has {count} problem(s); see the list above.",
)

# --- reading exports -----------------------------------------------------------------------------------
ING_001 = Detail(
    "ING_001",
    "No se encuentra la exportación '{path}'.",
    "Export '{path}' not found.",
)
ING_002 = Detail(
    "ING_002",
    "'{path}' está vacío.",
    "'{path}' is empty.",
)
ING_003 = Detail(
    "ING_003",
    "'{path}' no es una exportación reconocible de ODK Central (CSV en zip, OData JSON) ni de KoBoToolbox "
    "(XLSX, JSON de la API v2): {reason}",
    "'{path}' is not a recognisable ODK Central (CSV zip, OData JSON) or KoBoToolbox (XLSX, API v2 JSON) "
    "export: {reason}",
)
ING_004 = Detail(
    "ING_004",
    "'{path}' es un zip dañado o truncado: {reason}",
    "'{path}' is a damaged or truncated zip: {reason}",
)
ING_005 = Detail(
    "ING_005",
    "'{path}' ocupa {size} bytes al descomprimirlo (límite {limit}): no se abre. Si es legítimo, divida la "
    "exportación.",
    "'{path}' takes {size} bytes once uncompressed (limit {limit}): not opened. If it is genuine, split the "
    "export.",
)
ING_006 = Detail(
    "ING_006",
    "'{path}', registro {row}: el archivo está cortado o mal formado: {reason}",
    "'{path}', record {row}: the file is truncated or malformed: {reason}",
)
ING_007 = Detail(
    "ING_007",
    "'{path}' es del formulario '{found}', no de '{expected}' que pide el manifiesto.",
    "'{path}' belongs to form '{found}', not to '{expected}' named by the manifest.",
)
ING_008 = Detail(
    "ING_008",
    "'{path}': ninguna columna coincide con las preguntas del formulario '{form}': ¿es otro formulario?",
    "'{path}': no column matches the questions of form '{form}': is it another form?",
)
ING_009 = Detail(
    "ING_009",
    "'{path}': ninguna de sus {rows} filas apunta a un registro padre de la exportación (p. ej. "
    "PARENT_KEY '{example}'): ¿falta el archivo principal o es de otra exportación?",
    "'{path}': none of its {rows} rows points to a parent record of the export (e.g. PARENT_KEY "
    "'{example}'): is the main file missing, or from another export?",
)
ING_010 = Detail(
    "ING_010",
    "'{path}': falta la columna '{column}' que toda exportación de este tipo trae.",
    "'{path}': column '{column}', which every export of this kind has, is missing.",
)
ING_011 = Detail(
    "ING_011",
    "'{path}' no es UTF-8; se leyó como Windows-1252 (guardado por Excel): revise tildes y eñes.",
    "'{path}' is not UTF-8; it was read as Windows-1252 (saved by Excel): check accents.",
)
ING_012 = Detail(
    "ING_012",
    "'{path}' usa ';' como separador (guardado por Excel en configuración regional española): se leyó así.",
    "'{path}' uses ';' as separator (saved by Excel with Spanish regional settings): read as such.",
)
ING_013 = Detail(
    "ING_013",
    "'{path}': el archivo de repetición '{name}' no corresponde a ningún grupo repetido del formulario.",
    "'{path}': repeat file '{name}' matches no repeat group of the form.",
)
ING_014 = Detail(
    "ING_014",
    "'{path}': el JSON anida más de {limit} niveles; ninguna exportación de un formulario llega a tanto: no se lee.",
    "'{path}': the JSON nests deeper than {limit} levels; no form's export does: not read.",
)
ING_015 = Detail(
    "ING_015",
    "'{path}' crece {ratio} veces al descomprimirlo (se admite hasta {limit} veces pasados los 50 MB): parece una "
    "bomba zip y no se abre.",
    "'{path}' grows {ratio} times when uncompressed (up to {limit} times is accepted past 50 MB): it looks like a "
    "zip bomb and is not opened.",
)
ING_016 = Detail(
    "ING_016",
    "'{path}', hoja '{sheet}': sus celdas llegan hasta {cell}, un área de {cells} celdas (límite {limit}): no se "
    "abre. Borre lo que haya fuera de la tabla o descargue el JSON de la API (cbms pull --kobo).",
    "'{path}', sheet '{sheet}': its cells reach {cell}, an area of {cells} cells (limit {limit}): not opened. "
    "Delete whatever lies outside the table, or download the API JSON (cbms pull --kobo).",
)
ING_017 = Detail(
    "ING_017",
    "'{path}': la carpeta no tiene archivos .csv ni .json.",
    "'{path}': the folder holds no .csv or .json file.",
)
ING_018 = Detail(
    "ING_018",
    "'{path}': el JSON está cortado o mal formado en la línea {line}, columna {column}.",
    "'{path}': the JSON is truncated or malformed at line {line}, column {column}.",
)
ING_019 = Detail(
    "ING_019",
    "'{path}': falta la lista de envíos '{list}' que trae toda página de {source}.",
    "'{path}': the list of submissions '{list}' that every {source} page has is missing.",
)
ING_020 = Detail(
    "ING_020",
    "'{path}' no es CSV ni JSON: no es una exportación de ODK Central ni de KoBoToolbox.",
    "'{path}' is neither CSV nor JSON: not an ODK Central or KoBoToolbox export.",
)
ING_021 = Detail(
    "ING_021",
    "'{path}' mezcla formatos de exportación ({found}): cargue cada exportación por separado.",
    "'{path}' mixes export formats ({found}): load each export on its own.",
)
ING_022 = Detail(
    "ING_022",
    "'{path}': se esperaba un archivo principal con la columna KEY y sin PARENT_KEY; hay {count}.",
    "'{path}': expected one main file with a KEY column and no PARENT_KEY; found {count}.",
)
ING_023 = Detail(
    "ING_023",
    "'{path}', {what_es} {record}: no es un objeto JSON con respuestas: {value}",
    "'{path}', {what_en} {record}: not a JSON object of answers: {value}",
)
ING_024 = Detail(
    "ING_024",
    "'{path}', registro {record}: falta {key}, la clave que identifica cada envío.",
    "'{path}', record {record}: {key}, the key that identifies every submission, is missing.",
)
ING_025 = Detail(
    "ING_025",
    "'{path}': {count} byte(s) que no son UTF-8 (línea(s) {lines}) se reemplazaron por '\ufffd'; el resto se leyó "
    "como UTF-8. Revise esas líneas.",
    "'{path}': {count} byte(s) that are not UTF-8 (line(s) {lines}) were replaced by '\ufffd'; the rest was read "
    "as UTF-8. Check those lines.",
)
ING_026 = Detail(
    "ING_026",
    "'{path}' no trae ningún envío (solo encabezados o listas vacías): no hay nada que cargar.",
    "'{path}' holds no submission (only headers or empty lists): nothing to load.",
)
ING_027 = Detail(
    "ING_027",
    "'{path}': dos archivos del zip se llaman '{name}' ({first}, {second}): no se sabe cuál leer.",
    "'{path}': two files in the zip are called '{name}' ({first}, {second}): which one to read is unclear.",
)
ING_028 = Detail(
    "ING_028",
    "'{path}': la hoja '{sheet}' no se puede leer: {reason}",
    "'{path}': sheet '{sheet}' cannot be read: {reason}",
)
ING_029 = Detail(
    "ING_029",
    "'{path}' no es un libro XLSX legible ({reason}).",
    "'{path}' is not a readable XLSX workbook ({reason}).",
)
ING_030 = Detail(
    "ING_030",
    "'{path}': el libro no tiene hojas.",
    "'{path}': the workbook has no sheets.",
)
ING_031 = Detail(
    "ING_031",
    "'{path}': un JSON sin la lista 'value' (OData de ODK Central) ni 'results' (API de KoBoToolbox): no es una "
    "página de exportación.",
    "'{path}': a JSON without the 'value' list (ODK Central OData) or 'results' (KoBoToolbox API): not an export "
    "page.",
)
ING_040 = Detail(
    "ING_040",
    "'{path}' es una exportación CSV de KoBoToolbox, que trae solo la hoja principal; el formulario tiene grupos "
    "repetidos ({repeats}) que no vienen en ella. Exporte en XLSX o descargue con `cbms pull --kobo`.",
    "'{path}' is a KoBoToolbox CSV export, which carries the main sheet only; the form has repeat groups "
    "({repeats}) that it does not carry. Export as XLSX or download with `cbms pull --kobo`.",
)
ING_041 = Detail(
    "ING_041",
    "No se pudo descomprimir '{path}' en la carpeta temporal '{folder}' ({reason}): no se cargó nada. Libere "
    "espacio allí o indique otra carpeta con la variable de entorno TMPDIR, y vuelva a correrlo.",
    "Could not unpack '{path}' into the temporary folder '{folder}' ({reason}): nothing was loaded. Free space "
    "there or name another folder with the TMPDIR environment variable, and run it again.",
)

# --- the database --------------------------------------------------------------------------------------
DB_001 = Detail(
    "DB_001",
    "No se puede abrir la base de datos '{path}': {reason}",
    "Cannot open the database '{path}': {reason}",
)
DB_002 = Detail(
    "DB_002",
    "La base '{path}' guarda el formulario '{found}'; esta exportación es de '{expected}'. Use otra base "
    "(--db) para otro formulario.",
    "The database '{path}' holds form '{found}'; this export is of '{expected}'. Use another database "
    "(--db) for another form.",
)
DB_003 = Detail(
    "DB_003",
    "La base '{path}' no tiene datos cargados: corra primero 'cbms ingest'.",
    "The database '{path}' holds no loaded data: run 'cbms ingest' first.",
)
DB_004 = Detail(
    "DB_004",
    "Error de disco al trabajar con la base '{path}' ({reason}): la base quedó como estaba, sin nada de esta "
    "etapa. Libere espacio o revise los permisos (o elija otra carpeta con --db) y vuelva a correrla.",
    "Disk error while working on the database '{path}' ({reason}): the database is as it was, with nothing of "
    "this stage. Free space or check permissions (or choose another folder with --db) and run it again.",
)

# --- validation: declarations in schemas/ ---------------------------------------------------------------
SCH_001 = Detail(
    "SCH_001",
    "{where}: clave desconocida '{key}'{hint_es}",
    "{where}: unknown key '{key}'{hint_en}",
)
SCH_002 = Detail(
    "SCH_002",
    "{where}: falta la clave '{key}'",
    "{where}: key '{key}' is missing",
)
SCH_003 = Detail(
    "SCH_003",
    "{where}: el código de regla '{code}' ya se usa en {other}",
    "{where}: rule code '{code}' is already used in {other}",
)
SCH_004 = Detail(
    "SCH_004",
    "{where}: severidad '{value}' desconocida: use 'error' o 'warning'",
    "{where}: unknown severity '{value}': use 'error' or 'warning'",
)
SCH_005 = Detail(
    "SCH_005",
    "{where}: no se encuentra el archivo SQL '{path}'",
    "{where}: SQL file '{path}' not found",
)
SCH_006 = Detail(
    "SCH_006",
    "{where}: la auditoría SQL no corre: {reason}",
    "{where}: the SQL audit does not run: {reason}",
)
SCH_007 = Detail(
    "SCH_007",
    "{where}: la tabla '{table}' no existe en el formulario (hay: {tables})",
    "{where}: table '{table}' does not exist in the form (there are: {tables})",
)
SCH_008 = Detail(
    "SCH_008",
    "{where}: la columna '{column}' no existe en la tabla '{table}'",
    "{where}: column '{column}' does not exist in table '{table}'",
)
SCH_009 = Detail(
    "SCH_009",
    "{where}: YAML mal formado: {reason}",
    "{where}: malformed YAML: {reason}",
)
SCH_010 = Detail(
    "SCH_010",
    "Las reglas de validación en '{path}' tienen {count} problema(s); vea la lista arriba.",
    "The validation rules in '{path}' have {count} problem(s); see the list above.",
)
SCH_011 = Detail(
    "SCH_011",
    "{where}: la auditoría debe devolver las columnas {required}; devuelve {found}",
    "{where}: the audit must return the columns {required}; it returns {found}",
)
SCH_012 = Detail(
    "SCH_012",
    "{where}: un rango plausible se escribe {{min: número, max: número}} con min <= max; se encontró '{value}'",
    "{where}: a plausible range is written {{min: number, max: number}} with min <= max; found '{value}'",
)

# --- validation: what the form itself says about each answer (messages of clean.issues) ----------------
VAL_001 = Detail(
    "VAL_001",
    "'{column}': '{value}' no es {type_es}",
    "'{column}': '{value}' is not {type_en}",
)
VAL_002 = Detail(
    "VAL_002",
    "'{column}': '{value}' no es una opción de la lista '{list_name}'",
    "'{column}': '{value}' is not an option of list '{list_name}'",
)
VAL_003 = Detail(
    "VAL_003",
    "'{column}' = '{value}': {constraint_es}",
    "'{column}' = '{value}': {constraint_en}",
)
VAL_004 = Detail(
    "VAL_004",
    "'{column}' está vacío y es obligatorio para esta persona u hogar",
    "'{column}' is empty and is required for this person or household",
)
VAL_005 = Detail(
    "VAL_005",
    "'{column}' = '{value}': 'none' (ninguno) no puede ir junto con otras opciones",
    "'{column}' = '{value}': 'none' cannot go together with other options",
)
VAL_006 = Detail(
    "VAL_006",
    "'{column}' = '{value}' tiene respuesta aunque no correspondía preguntarlo",
    "'{column}' = '{value}' has an answer although it was not to be asked",
)
VAL_007 = Detail(
    "VAL_007",
    "'{column}': '{value}' es una opción de la versión '{version}' del formulario que la versión actual no tiene; "
    "se deja fuera de los indicadores hasta que una tabla de correspondencias la traduzca",
    "'{column}': '{value}' is an option of form version '{version}' that the current version does not have; "
    "it is left out of the indicators until a crosswalk translates it",
)
VAL_008 = Detail(
    "VAL_008",
    "'{column}' = '{value}' está fuera del rango plausible ({low} a {high}) declarado en {where}; se deja fuera "
    "de los indicadores",
    "'{column}' = '{value}' is outside the plausible range ({low} to {high}) declared in {where}; it is left out "
    "of the indicators",
)
VAL_009 = Detail(
    "VAL_009",
    "'{column}' = '{value}' cae fuera del periodo de la ronda ({period_start} a {period_end}); se conserva",
    "'{column}' = '{value}' falls outside the round's period ({period_start} to {period_end}); it is kept",
)
VAL_010 = Detail(
    "VAL_010",
    "La versión '{version}' del formulario no tiene archivo registrado: sus {count} envío(s) se juzgan con las "
    "reglas de la versión '{judge}' (la más cercana en número; la actual si las versiones no son números).",
    "Form version '{version}' has no registered form file: its {count} submission(s) are judged by the rules "
    "of version '{judge}' (the nearest in number; the current one when versions are not numbers).",
)
VAL_011 = Detail(
    "VAL_011",
    "Versión '{version}': la regla {rule} de '{column}' no se aplicó a {count} fila(s) porque lee '{missing}', "
    "que esos envíos no traen; ninguna respuesta se borró por ella.",
    "Version '{version}': rule {rule} of '{column}' was not applied to {count} row(s) because it reads "
    "'{missing}', which those submissions do not carry; no answer was emptied by it.",
)
VAL_012 = Detail(
    "VAL_012",
    "Versión '{version}': la regla {rule} de '{column}' no se aplicó a {count} fila(s): la expresión no se pudo "
    "evaluar ({reason}); ninguna respuesta se borró por ella.",
    "Version '{version}': rule {rule} of '{column}' was not applied to {count} row(s): its expression could not "
    "be evaluated ({reason}); no answer was emptied by it.",
)
VAL_013 = Detail(
    "VAL_013",
    "Versión '{version}': la regla {rule} de '{column}' no se aplicó a {count} fila(s): una respuesta que la "
    "decide está vacía (vacío no es 'no'); ninguna respuesta se borró por ella.",
    "Version '{version}': rule {rule} of '{column}' was not applied to {count} row(s): an answer that decides "
    "it is empty (empty is not 'no'); no answer was emptied by it.",
)

VAL_900 = Detail(
    "VAL_900",
    "Hay {errors} problema(s) de severidad 'error' en los datos y se pidió --strict.",
    "There are {errors} data problem(s) of severity 'error' and --strict was asked for.",
)

# --- indicators: declarations in pipelines/ --------------------------------------------------------------
IND_001 = Detail(
    "IND_001",
    "{where}: clave desconocida '{key}'{hint_es}",
    "{where}: unknown key '{key}'{hint_en}",
)
IND_002 = Detail(
    "IND_002",
    "{where}: falta la clave '{key}'",
    "{where}: key '{key}' is missing",
)
IND_003 = Detail(
    "IND_003",
    "{where}: el indicador '{id}' ya está declarado en {other}",
    "{where}: indicator '{id}' is already declared in {other}",
)
IND_004 = Detail(
    "IND_004",
    "{where}: la pregunta '{item}' no está en el formulario '{form}'{hint_es}",
    "{where}: item '{item}' is not in the form '{form}'{hint_en}",
)
IND_005 = Detail(
    "IND_005",
    "{where}: un indicador de personas debe desagregarse por 'sex' (añádalo a breakdowns)",
    "{where}: a person-level indicator must be broken down by 'sex' (add it to breakdowns)",
)
IND_006 = Detail(
    "IND_006",
    "{where}: '{key}' = '{value}' no es válido; opciones: {options}{hint_es}",
    "{where}: '{key}' = '{value}' is not valid; options: {options}{hint_en}",
)
IND_007 = Detail(
    "IND_007",
    "{where}: el SQL del indicador no corre sobre la unidad '{unit}': {reason}",
    "{where}: the indicator's SQL does not run on unit '{unit}': {reason}",
)
IND_008 = Detail(
    "IND_008",
    "{where}: el archivo se llama '{file}' pero declara el id '{id}'",
    "{where}: the file is called '{file}' but declares id '{id}'",
)
IND_009 = Detail(
    "IND_009",
    "{where}: YAML mal formado: {reason}",
    "{where}: malformed YAML: {reason}",
)
IND_010 = Detail(
    "IND_010",
    "El catálogo de indicadores en '{path}' tiene {count} problema(s); vea la lista arriba.",
    "The indicator catalogue in '{path}' has {count} problem(s); see the list above.",
)
IND_011 = Detail(
    "IND_011",
    "{where}: falta el texto en '{lang}' de '{key}'",
    "{where}: '{key}' has no text in '{lang}'",
)
IND_012 = Detail(
    "IND_012",
    "Ningún hogar entra a los indicadores (ninguna entrevista completa, con consentimiento y sin cuarentena): "
    "revise la validación.",
    "No household enters the indicators (no completed, consented, unquarantined interview): check validation.",
)
IND_013 = Detail(
    "IND_013",
    "La unidad '{unit}' ({path}) no corre: {reason}",
    "Unit '{unit}' ({path}) does not run: {reason}",
)
IND_015 = Detail(
    "IND_015",
    "{where}: la SQL compara '{column}' con '{code}', que no es una opción de su lista ({options}){hint_es}; "
    "esa comparación nunca sería cierta",
    "{where}: the SQL compares '{column}' with '{code}', which is not an option of its list ({options}){hint_en}; "
    "that comparison could never hold",
)
IND_014 = Detail(
    "IND_014",
    "{indicator}: el {percent} % de su universo en el distrito no tiene dato ({missing} de {total}; umbral "
    "{threshold} %). Ítems: {items_es}.",
    "{indicator}: {percent} % of its universe in the district is unknown ({missing} of {total}; threshold "
    "{threshold} %). Items: {items_en}.",
)

IND_020 = Detail(
    "IND_020",
    "Para calcular con Spark falta pyspark: instale el extra con pip install 'cbms[spark]' (y Java 17).",
    "Computing on Spark needs pyspark: install the extra with pip install 'cbms[spark]' (and Java 17).",
)
IND_021 = Detail(
    "IND_021",
    "Spark no arrancó (¿está Java 17 instalado y en el PATH?): {reason}",
    "Spark did not start (is Java 17 installed and on the PATH?): {reason}",
)
IND_022 = Detail(
    "IND_022",
    "{where}: el SQL no se pudo traducir del dialecto de DuckDB al de Spark: {reason}",
    "{where}: the SQL could not be translated from DuckDB's dialect to Spark's: {reason}",
)
IND_023 = Detail(
    "IND_023",
    "{where}: Spark no acepta el SQL traducido: {reason}",
    "{where}: Spark does not accept the translated SQL: {reason}",
)

# --- poverty-map inputs (cbms map: wide tables, boundaries, choropleths) ---------------------------
MAP_002 = Detail(
    "MAP_002",
    "Ningún indicador del catálogo está marcado para los mapas (map: true en pipelines/indicators/).",
    "No indicator of the catalogue is marked for the maps (map: true in pipelines/indicators/).",
)
MAP_003 = Detail(
    "MAP_003",
    "No se pueden escribir los mapas en '{path}': {reason}. Elija con --out una carpeta donde pueda escribir.",
    "Cannot write the maps to '{path}': {reason}. Choose with --out a folder you can write to.",
)
MAP_004 = Detail(
    "MAP_004",
    "El nivel '{level}' no tiene datos en la base: no se escriben su tabla ni sus mapas.",
    "Level '{level}' has no data in the database: neither its table nor its maps are written.",
)
MAP_005 = Detail(
    "MAP_005",
    "Nivel geográfico desconocido '{level}' para los límites '{path}': use {levels}.",
    "Unknown geographic level '{level}' for the boundaries '{path}': use {levels}.",
)
MAP_006 = Detail(
    "MAP_006",
    "No se encuentra el archivo de límites '{path}' (nivel {level}): no se dibujan sus mapas.",
    "Boundary file '{path}' (level {level}) not found: its maps are not drawn.",
)
MAP_007 = Detail(
    "MAP_007",
    "'{path}' no es un GeoJSON ({reason_es}): se espera un FeatureCollection de polígonos con la propiedad del "
    "código de área. No se dibujan los mapas de {level}.",
    "'{path}' is not a GeoJSON ({reason_en}): expected a FeatureCollection of polygons with the area-code "
    "property. The {level} maps are not drawn.",
)
MAP_008 = Detail(
    "MAP_008",
    "'{path}': las áreas no tienen la propiedad '{prop}' (tienen: {found}){hint_es}. Indique la propiedad del "
    "código con --code-property. No se dibujan los mapas de {level}.",
    "'{path}': the areas have no property '{prop}' (they have: {found}){hint_en}. Name the code property with "
    "--code-property. The {level} maps are not drawn.",
)
MAP_009 = Detail(
    "MAP_009",
    "'{path}': ningún código de la propiedad '{prop}' (p. ej. '{example}') coincide con los códigos de {level} "
    "de los datos (p. ej. '{data_example}'){hint_es}. ¿Es otra propiedad (--code-property) u otro nivel "
    "(--level)? No se dibujan los mapas de {level}.",
    "'{path}': no code of the property '{prop}' (e.g. '{example}') matches the {level} codes of the data "
    "(e.g. '{data_example}'){hint_en}. Is it another property (--code-property) or another level (--level)? "
    "The {level} maps are not drawn.",
)
MAP_010 = Detail(
    "MAP_010",
    "'{path}', área {index} ('{code}'): geometría inválida ({reason_es}); se reparó con make_valid.",
    "'{path}', area {index} ('{code}'): invalid geometry ({reason_en}); repaired with make_valid.",
)
MAP_011 = Detail(
    "MAP_011",
    "'{path}', área {index} ('{code}'): geometría inutilizable ({reason_es}); el área se omite del mapa.",
    "'{path}', area {index} ('{code}'): unusable geometry ({reason_en}); the area is left off the map.",
)
MAP_012 = Detail(
    "MAP_012",
    "'{path}', área {index}: no tiene código en la propiedad '{prop}'; se omite del mapa.",
    "'{path}', area {index}: has no code in property '{prop}'; it is left off the map.",
)
MAP_013 = Detail(
    "MAP_013",
    "'{path}': el código '{code}' aparece en {count} áreas; se unieron en una sola.",
    "'{path}': code '{code}' appears in {count} areas; they were merged into one.",
)
MAP_014 = Detail(
    "MAP_014",
    "'{path}' no tiene ninguna área utilizable: no se dibujan los mapas de {level}.",
    "'{path}' has no usable area: the {level} maps are not drawn.",
)
MAP_015 = Detail(
    "MAP_015",
    "{level}: {count} área(s) de los límites no tienen datos (se dibujan rayadas): {codes}",
    "{level}: {count} boundary area(s) have no data (drawn hatched): {codes}",
)
MAP_016 = Detail(
    "MAP_016",
    "{level}: {count} área(s) con datos no tienen límite en '{path}' (están en la tabla, no en el mapa): {codes}",
    "{level}: {count} area(s) with data have no boundary in '{path}' (in the table, not on the map): {codes}",
)
MAP_017 = Detail(
    "MAP_017",
    "{level}: el indicador {id} no tiene ningún valor publicable; no se dibuja su mapa.",
    "{level}: indicator {id} has no publishable value; its map is not drawn.",
)
MAP_018 = Detail(
    "MAP_018",
    "'{path}': las coordenadas no parecen longitud/latitud WGS84 (GeoJSON lo exige); se conservan tal cual.",
    "'{path}': the coordinates do not look like WGS84 longitude/latitude (GeoJSON requires it); kept as they are.",
)
MAP_019 = Detail(
    "MAP_019",
    "La tabla de geografía '{path}' no se puede leer ({reason}): los nombres de las áreas se toman de los límites.",
    "The geography table '{path}' cannot be read ({reason}): area names are taken from the boundaries.",
)
MAP_020 = Detail(
    "MAP_020",
    "Mapa de cambio de {id} (reports/change.yaml): el indicador no declara hacia dónde mejora (better: lower o "
    "higher en pipelines/indicators/{id}.yaml); no se dibuja.",
    "Change map of {id} (reports/change.yaml): the indicator does not declare which way it improves (better: "
    "lower or higher in pipelines/indicators/{id}.yaml); it is not drawn.",
)
MAP_021 = Detail(
    "MAP_021",
    "{level}: el indicador {id} no tiene ningún cambio publicable desde la ronda anterior (no calculado, no "
    "comparable u oculto en todas las áreas); no se dibuja su mapa de cambio.",
    "{level}: indicator {id} has no publishable change since the earlier round (not computed, not comparable or "
    "hidden in every area); its change map is not drawn.",
)

# --- reports: the indicator workbook and the PDF profiles (settings in reports/) -----------------------
REP_001 = Detail(
    "REP_001",
    "No se puede leer el archivo de reportes '{path}': {reason}",
    "Cannot read the report file '{path}': {reason}",
)
REP_002 = Detail(
    "REP_002",
    "'{path}': '{key}' no es válido: se espera {expected_es}, se encontró '{found}'.",
    "'{path}': '{key}' is not valid: expected {expected_en}, found '{found}'.",
)
REP_003 = Detail(
    "REP_003",
    "La base de datos no tiene indicadores calculados (mart.indicator_values): ejecute antes `cbms indicators`.",
    "The database holds no computed indicators (mart.indicator_values): run `cbms indicators` first.",
)
REP_004 = Detail(
    "REP_004",
    "La plantilla '{path}' tiene un error (línea {line}): {reason}. No se escribió ningún perfil PDF.",
    "The template '{path}' has an error (line {line}): {reason}. No PDF profile was written.",
)
REP_005 = Detail(
    "REP_005",
    "El área '{area}' no tiene datos en los indicadores: no se escribió su perfil.",
    "Area '{area}' has no data in the indicators: its profile was not written.",
)
REP_008 = Detail(
    "REP_008",
    "El sector '{area}' no está en el archivo de límites '{path}' (propiedad '{property}'): su mapa no lo resalta.",
    "Sector '{area}' is not in the boundary file '{path}' (property '{property}'): its map does not highlight it.",
)
REP_009 = Detail(
    "REP_009",
    "No se pudo escribir el perfil de '{area}': {reason}",
    "Could not write the profile of '{area}': {reason}",
)
REP_010 = Detail(
    "REP_010",
    "El manifiesto no indica límites de sectores (geography.sectors): los perfiles salen sin mapa.",
    "The manifest gives no sector boundaries (geography.sectors): the profiles come without a map.",
)

# --- disclosure control: what is published gives no protected cell back ----------------------------------
DIS_001 = Detail(
    "DIS_001",
    "'{path}' no tiene '{file}': no es la carpeta de publicación de una corrida (OUT/publicacion).",
    "'{path}' holds no '{file}': it is not a run's publication folder (OUT/publicacion).",
)
DIS_002 = Detail(
    "DIS_002",
    "La auditoría de divulgación recupera {count} celda(s) protegida(s) a partir de lo publicado en '{path}': la "
    "corrida no está completa y esa carpeta no debe difundirse. Vea 'cbms audit-disclosure {path}'.",
    "The disclosure audit recovers {count} protected cell(s) from what is published in '{path}': the run is not "
    "complete and that folder must not be released. See 'cbms audit-disclosure {path}'.",
)

# --- pulling from a live server (ODK Central with pyodk, KoBoToolbox API v2) ------------------------
PULL_001 = Detail(
    "PULL_001",
    "Faltan las credenciales de {server}: {how}",
    "Credentials for {server} are missing: {how}",
)
PULL_002 = Detail(
    "PULL_002",
    "El servidor {server} rechazó las credenciales (vencidas o incorrectas): renuévelas y vuelva a intentar.",
    "The server {server} refused the credentials (expired or wrong): renew them and try again.",
)
PULL_003 = Detail(
    "PULL_003",
    "No se puede conectar con {server}: {reason}",
    "Cannot reach {server}: {reason}",
)
PULL_004 = Detail(
    "PULL_004",
    "El servidor {server} no encuentra {what}: revise el identificador.",
    "The server {server} cannot find {what}: check the identifier.",
)
PULL_005 = Detail(
    "PULL_005",
    "Respuesta inesperada de {server} ({status}): {reason}",
    "Unexpected answer from {server} ({status}): {reason}",
)
PULL_006 = Detail(
    "PULL_006",
    "La dirección del servidor '{server}' no sirve: escríbala como https://servidor, sin usuario, clave ni "
    "parámetros (las credenciales van en el entorno o en el archivo de configuración).",
    "The server address '{server}' is not usable: write it as https://server, without user, password or "
    "parameters (credentials go in the environment or the config file).",
)
PULL_007 = Detail(
    "PULL_007",
    "'{value}' no sirve como identificador de {what}: use solo letras, números, '_', '-' y '.'.",
    "'{value}' is not usable as the identifier of {what}: use only letters, digits, '_', '-' and '.'.",
)
PULL_008 = Detail(
    "PULL_008",
    "La respuesta de {server} para {what} no tiene el formato esperado: {reason}",
    "The answer of {server} for {what} is not in the expected format: {reason}",
)
PULL_009 = Detail(
    "PULL_009",
    "{server} no respondió a tiempo ({what}: {seconds} s sin respuesta): no se cambió nada en la carpeta. Vuelva "
    "a intentar más tarde, o dé más tiempo con --timeout.",
    "{server} did not answer in time ({what}: {seconds} s without an answer): nothing changed in the folder. "
    "Try again later, or allow more time with --timeout.",
)

# --- findings of `cbms form check` (each located by sheet and row) ------------------------------------
CHK_001 = Detail(
    "CHK_001",
    "falta la pregunta básica '{name}' ({type}) del diccionario del cuestionario",
    "core item '{name}' ({type}) of the questionnaire dictionary is missing",
)
CHK_002 = Detail(
    "CHK_002",
    "la pregunta '{name}' es de tipo '{found}', el diccionario pide '{expected}'",
    "item '{name}' has type '{found}', the dictionary requires '{expected}'",
)
CHK_003 = Detail(
    "CHK_003",
    "la pregunta '{name}' no ofrece las opciones {choices} que pide el diccionario",
    "item '{name}' lacks the choices {choices} the dictionary requires",
)
CHK_004 = Detail(
    "CHK_004",
    "la pregunta '{name}' debe estar en '{expected}', está en '{found}'",
    "item '{name}' must sit in '{expected}', it sits in '{found}'",
)
CHK_005 = Detail(
    "CHK_005",
    "falta la columna '{column}' en {language}",
    "column '{column}' in {language} is missing",
)
CHK_006 = Detail(
    "CHK_006",
    "'{name}': falta el texto de '{column}'",
    "'{name}': '{column}' has no text",
)
CHK_007 = Detail(
    "CHK_007",
    "la lista de opciones '{list_name}' está definida pero ninguna pregunta la usa",
    "choice list '{list_name}' is defined but no question uses it",
)
CHK_008 = Detail(
    "CHK_008",
    "la pregunta '{name}' usa la lista '{list_name}', que no está definida en choices",
    "item '{name}' uses the list '{list_name}', which is not defined in choices",
)
CHK_009 = Detail(
    "CHK_009",
    "pyxform rechaza el formulario: {reason}",
    "pyxform refuses the form: {reason}",
)
CHK_010 = Detail(
    "CHK_010",
    "ODK Validate rechaza el XForm: {reason}",
    "ODK Validate refuses the XForm: {reason}",
)
CHK_011 = Detail(
    "CHK_011",
    "la selección múltiple '{name}' ofrece 'none' sin una restricción que la haga exclusiva",
    "select_multiple '{name}' offers 'none' without a constraint making it exclusive",
)
CHK_012 = Detail(
    "CHK_012",
    "falta el ajuste 'version': cada versión del formulario necesita su número",
    "setting 'version' is missing: every version of the form needs its number",
)
CHK_013 = Detail(
    "CHK_013",
    "'{name}' tiene una restricción sin mensaje en {language}",
    "'{name}' has a constraint without a message in {language}",
)
CHK_014 = Detail(
    "CHK_014",
    "aviso de pyxform: {reason}",
    "pyxform warning: {reason}",
)
CHK_015 = Detail(
    "CHK_015",
    "el idioma por defecto ('default_language') debe ser 'Español (es)', es '{found}'",
    "the default language ('default_language') must be 'Español (es)', it is '{found}'",
)

# --- demo census ---------------------------------------------------------------------------------------
DEMO_001 = Detail(
    "DEMO_001",
    "Número de hogares inválido ({households}): use --households con un entero entre 1 y {limit}.",
    "Invalid number of households ({households}): give --households a whole number from 1 to {limit}.",
)
DEMO_002 = Detail(
    "DEMO_002",
    "Semilla inválida ({seed}): use --seed con un entero de 0 o más.",
    "Invalid seed ({seed}): give --seed a whole number of 0 or more.",
)
DEMO_003 = Detail(
    "DEMO_003",
    "Formato desconocido '{fmt}': use uno de {formats}.",
    "Unknown format '{fmt}': use one of {formats}.",
)
DEMO_004 = Detail(
    "DEMO_004",
    "Tasa de errores inválida ({rate}): use --error-rate con un número entre 0 y 1 (p. ej. 0.05).",
    "Invalid error rate ({rate}): give --error-rate a number from 0 to 1 (e.g. 0.05).",
)
DEMO_005 = Detail(
    "DEMO_005",
    "No se puede escribir el censo de demostración en '{path}' ({reason}): elija con --out una carpeta donde "
    "pueda escribir.",
    "Cannot write the demo census to '{path}' ({reason}): choose with --out a folder you can write to.",
)
DEMO_006 = Detail(
    "DEMO_006",
    "El formulario '{path}' no tiene la repetición 'member' (lista de miembros del hogar) que el censo de "
    "demostración necesita.",
    "The form '{path}' has no 'member' repeat (household roster), which the demo census needs.",
)
DEMO_007 = Detail(
    "DEMO_007",
    "Ronda inválida ({round}): use --round con una de las rondas de la demostración: {rounds}.",
    "Invalid round ({round}): give --round one of the demo's rounds: {rounds}.",
)
DEMO_008 = Detail(
    "DEMO_008",
    "La tabla de correspondencias '{path}' de la ronda {round} tiene {count} problema(s) y la demostración no "
    "puede escribir esa ronda con ella; vea la lista arriba.",
    "The crosswalk '{path}' of round {round} has {count} problem(s) and the demo cannot write that round with "
    "it; see the list above.",
)
DEMO_009 = Detail(
    "DEMO_009",
    "{where}: varios {what_es} de la versión ({names}) corresponden a '{current}': la demostración no sabe cuál "
    "escribir.",
    "{where}: several {what_en} of the version ({names}) map to '{current}': the demo cannot tell which one to "
    "write.",
)

# --- targeting: eligibility rules (pipelines/targeting/), programme coverage, confidential outreach lists ------
TGT_001 = Detail(
    "TGT_001",
    "{where}: YAML mal formado: {reason}",
    "{where}: malformed YAML: {reason}",
)
TGT_002 = Detail(
    "TGT_002",
    "{where}: clave desconocida '{key}'{hint_es}",
    "{where}: unknown key '{key}'{hint_en}",
)
TGT_003 = Detail(
    "TGT_003",
    "{where}: falta la clave '{key}'",
    "{where}: key '{key}' is missing",
)
TGT_004 = Detail(
    "TGT_004",
    "{where}: el archivo se llama '{file}' pero declara el id '{id}'",
    "{where}: the file is called '{file}' but declares id '{id}'",
)
TGT_005 = Detail(
    "TGT_005",
    "{where}: el programa '{id}' ya está declarado en {other}",
    "{where}: programme '{id}' is already declared in {other}",
)
TGT_006 = Detail(
    "TGT_006",
    "{where}: '{key}' = '{value}' no es válido; opciones: {options}{hint_es}",
    "{where}: '{key}' = '{value}' is not valid; options: {options}{hint_en}",
)
TGT_007 = Detail(
    "TGT_007",
    "{where}: falta el texto en '{lang}' de '{key}'",
    "{where}: '{key}' has no text in '{lang}'",
)
TGT_008 = Detail(
    "TGT_008",
    "{where}: la recepción se lee de '{item}', que no es una pregunta de selección múltiple del hogar en el "
    "formulario '{form}'{hint_es}",
    "{where}: receipt is read from '{item}', which is not a household-level select_multiple question of the form "
    "'{form}'{hint_en}",
)
TGT_009 = Detail(
    "TGT_009",
    "{where}: '{code}' no es una opción de '{item}' (opciones: {options}){hint_es}",
    "{where}: '{code}' is not an option of '{item}' (options: {options}){hint_en}",
)
TGT_010 = Detail(
    "TGT_010",
    "{where}: el SQL de '{key}' no corre sobre la unidad '{unit}': {reason}",
    "{where}: the SQL of '{key}' does not run on unit '{unit}': {reason}",
)
TGT_011 = Detail(
    "TGT_011",
    "Las reglas de focalización en '{path}' tienen {count} problema(s); vea la lista arriba.",
    "The targeting rules in '{path}' have {count} problem(s); see the list above.",
)
TGT_012 = Detail(
    "TGT_012",
    "{where}: 'recipients' (quién del hogar cuenta como usuario/a) solo se declara en reglas de personas "
    "(unit: person)",
    "{where}: 'recipients' (who in the household counts as the user) is declared only in person rules "
    "(unit: person)",
)
TGT_013 = Detail(
    "TGT_013",
    "{where}: 'year' debe ser el año de la norma (un número entero), es '{value}'",
    "{where}: 'year' must be the year of the rule (a whole number), it is '{value}'",
)
TGT_014 = Detail(
    "TGT_014",
    "No se encuentra la regla '{path}'.",
    "Rule file '{path}' not found.",
)
TGT_015 = Detail(
    "TGT_015",
    "Una lista con datos personales necesita una finalidad: diga con --purpose para qué se usará "
    "(p. ej. --purpose \"visitas de afiliación a Pensión 65, sector 3\").",
    "A list of personal data needs a purpose: say with --purpose what it will be used for "
    "(e.g. --purpose \"Pensión 65 enrolment visits, sector 3\").",
)
TGT_016 = Detail(
    "TGT_016",
    "'{path}' está dentro de la carpeta de resultados de una corrida ('{run}'): las listas confidenciales "
    "nunca se escriben junto a lo publicado; elija con --out una carpeta aparte.",
    "'{path}' is inside the output folder of a run ('{run}'): confidential lists are never written beside "
    "published files; choose a separate folder with --out.",
)
TGT_017 = Detail(
    "TGT_017",
    "La carpeta '{path}' pueden leerla otras personas (permisos {mode}): use una carpeta nueva o restrínjala "
    "con 'chmod 700 {path}'.",
    "Others can read the folder '{path}' (permissions {mode}): use a new folder or restrict it with "
    "'chmod 700 {path}'.",
)
TGT_018 = Detail(
    "TGT_018",
    "Para cifrar la lista ponga la clave en la variable de entorno {variable} (32 bytes aleatorios en base64; "
    "p. ej. {variable}=$(openssl rand -base64 32)); nunca en la línea de comandos.",
    "To encrypt the list put the key in the environment variable {variable} (32 random bytes in base64; "
    "e.g. {variable}=$(openssl rand -base64 32)); never on the command line.",
)
TGT_019 = Detail(
    "TGT_019",
    "La clave de {variable} no sirve: debe ser una clave AES de 16, 24 o 32 bytes escrita en base64 "
    "(p. ej. la salida de 'openssl rand -base64 32').",
    "The key in {variable} is not usable: it must be an AES key of 16, 24 or 32 bytes written in base64 "
    "(e.g. the output of 'openssl rand -base64 32').",
)
TGT_020 = Detail(
    "TGT_020",
    "La lista cifrada '{path}' no se puede leer con esta clave: {reason}",
    "The encrypted list '{path}' cannot be read with this key: {reason}",
)
TGT_021 = Detail(
    "TGT_021",
    "{where}: el id '{id}' solo puede tener letras sin tilde, dígitos, '_' y '-' (nombra archivos y columnas)",
    "{where}: id '{id}' may only have unaccented letters, digits, '_' and '-' (it names files and columns)",
)

# --- the budget against need (cbms budget: the round's budget, pipelines/budget/needs.yaml and rules.yaml) ----
BUD_001 = Detail(
    "BUD_001",
    "No se encuentra el presupuesto '{path}'.",
    "Budget file '{path}' not found.",
)
BUD_002 = Detail(
    "BUD_002",
    "'{path}' no es un presupuesto legible (CSV, o libro XLSX, XLS u ODS): {reason}",
    "'{path}' is not a readable budget (CSV, or an XLSX, XLS or ODS workbook): {reason}",
)
BUD_003 = Detail(
    "BUD_003",
    "'{path}' ocupa {size} bytes (descomprimido); un presupuesto no pasa de {limit}: no se abre.",
    "'{path}' takes {size} bytes (uncompressed); a budget is not over {limit}: not opened.",
)
BUD_004 = Detail(
    "BUD_004",
    "'{path}': falta la columna de {field_es} ('{column}'){hint_es}; columnas del archivo: {columns}. Si se llama "
    "de otro modo, declárelo en el manifiesto: [budget.columns] {field} = \"nombre\".",
    "'{path}': the {field_en} column ('{column}') is missing{hint_en}; the file's columns: {columns}. If it is "
    "named otherwise, declare it in the manifest: [budget.columns] {field} = \"name\".",
)
BUD_005 = Detail(
    "BUD_005",
    "'{path}', fila {row}, columna {column}: falta {field_es}.",
    "'{path}', row {row}, column {column}: the {field_en} is missing.",
)
BUD_006 = Detail(
    "BUD_006",
    "'{path}', fila {row}, columna {column}: el monto '{value}' no es un número de soles.",
    "'{path}', row {row}, column {column}: the amount '{value}' is not a number of soles.",
)
BUD_007 = Detail(
    "BUD_007",
    "'{path}', fila {row}, columna {column}: el monto {value} es negativo.",
    "'{path}', row {row}, column {column}: the amount {value} is negative.",
)
BUD_008 = Detail(
    "BUD_008",
    "'{path}', fila {row}, columna {column}: el monto '{value}' es ambiguo (¿separador de miles o de decimales?): "
    "escríbalo sin separador de miles, p. ej. 1250000.50.",
    "'{path}', row {row}, column {column}: the amount '{value}' is ambiguous (thousands or decimal separator?): "
    "write it without a thousands separator, e.g. 1250000.50.",
)
BUD_009 = Detail(
    "BUD_009",
    "'{path}', fila {row}, columna {column}: '{value}' no es un año (cuatro cifras, p. ej. 2026).",
    "'{path}', row {row}, column {column}: '{value}' is not a year (four digits, e.g. 2026).",
)
BUD_010 = Detail(
    "BUD_010",
    "'{path}', fila {row}, columna {column}: el sector '{value}' no está en la geografía de la ronda ({source})"
    "{hint_es}; escriba un código de sector, varios separados por ';', o 'distrito'.",
    "'{path}', row {row}, column {column}: sector '{value}' is not in the round's geography ({source}){hint_en}; "
    "write a sector code, several separated by ';', or 'distrito' (district-wide).",
)
BUD_011 = Detail(
    "BUD_011",
    "'{path}', fila {row}, columna {column}: '{value}' mezcla 'distrito' con sectores: un proyecto es de todo el "
    "distrito o de sus sectores.",
    "'{path}', row {row}, column {column}: '{value}' mixes 'distrito' (district-wide) with sectors: a project is "
    "either district-wide or in its sectors.",
)
BUD_012 = Detail(
    "BUD_012",
    "'{path}', fila {row}, columna {column}: el código de proyecto '{value}' ya está en la fila {first}.",
    "'{path}', row {row}, column {column}: project code '{value}' is already on row {first}.",
)
BUD_013 = Detail(
    "BUD_013",
    "'{path}', fila {row}, columna {column}: la necesidad '{value}' no está declarada en {declared}{hint_es}.",
    "'{path}', row {row}, column {column}: need '{value}' is not declared in {declared}{hint_en}.",
)
BUD_014 = Detail(
    "BUD_014",
    "'{path}', fila {row}, columna {column}: el grupo objetivo '{value}' no está declarado en {declared}{hint_es}.",
    "'{path}', row {row}, column {column}: target group '{value}' is not declared in {declared}{hint_en}.",
)
BUD_015 = Detail(
    "BUD_015",
    "'{path}', fila {row}, columna {column}: el estado '{value}' no está declarado en {declared} (hay: {options})"
    "{hint_es}.",
    "'{path}', row {row}, column {column}: status '{value}' is not declared in {declared} (there are: {options})"
    "{hint_en}.",
)
BUD_016 = Detail(
    "BUD_016",
    "'{path}', fila {row}, columna {column}: la categoría '{value}' no está declarada en {declared}{hint_es}.",
    "'{path}', row {row}, column {column}: category '{value}' is not declared in {declared}{hint_en}.",
)
BUD_017 = Detail(
    "BUD_017",
    "'{path}' no tiene proyectos: ninguna fila con datos debajo de los encabezados.",
    "'{path}' holds no project: no row with data under the headers.",
)
BUD_018 = Detail(
    "BUD_018",
    "El presupuesto '{path}' tiene {count} problema(s); vea la lista arriba. No se escribió nada.",
    "The budget '{path}' has {count} problem(s); see the list above. Nothing was written.",
)
BUD_019 = Detail(
    "BUD_019",
    "'{path}': [budget.columns] '{key}' no es un campo del presupuesto{hint_es}; campos: {fields}.",
    "'{path}': [budget.columns] '{key}' is not a budget field{hint_en}; fields: {fields}.",
)
BUD_020 = Detail(
    "BUD_020",
    "{where}: clave desconocida '{key}'{hint_es}",
    "{where}: unknown key '{key}'{hint_en}",
)
BUD_021 = Detail(
    "BUD_021",
    "{where}: falta la clave '{key}'",
    "{where}: key '{key}' is missing",
)
BUD_022 = Detail(
    "BUD_022",
    "{where}: YAML mal formado: {reason}",
    "{where}: malformed YAML: {reason}",
)
BUD_023 = Detail(
    "BUD_023",
    "{where}: el indicador '{value}' no está en el catálogo (pipelines/indicators/){hint_es}",
    "{where}: indicator '{value}' is not in the catalogue (pipelines/indicators/){hint_en}",
)
BUD_024 = Detail(
    "BUD_024",
    "{where}: la necesidad '{value}' ya está declarada en {other}",
    "{where}: need '{value}' is already declared in {other}",
)
BUD_025 = Detail(
    "BUD_025",
    "{where}: '{key}' = '{value}' no es válido; opciones: {options}{hint_es}",
    "{where}: '{key}' = '{value}' is not valid; options: {options}{hint_en}",
)
BUD_026 = Detail(
    "BUD_026",
    "{where}: un costo unitario va con su fuente y su año (unit_cost, cost_source, cost_year); falta '{key}'",
    "{where}: a unit cost comes with its source and year (unit_cost, cost_source, cost_year); '{key}' is missing",
)
BUD_027 = Detail(
    "BUD_027",
    "{where}: '{key}' debe ser {expected_es}; es '{value}'",
    "{where}: '{key}' must be {expected_en}; it is '{value}'",
)
BUD_028 = Detail(
    "BUD_028",
    "{where}: falta el texto en '{lang}' de '{key}'",
    "{where}: '{key}' has no text in '{lang}'",
)
BUD_029 = Detail(
    "BUD_029",
    "{where}: el indicador {indicator} no puede medir una necesidad en '{unit}': {reason_es}",
    "{where}: indicator {indicator} cannot measure a need in '{unit}': {reason_en}",
)
BUD_030 = Detail(
    "BUD_030",
    "{where}: los pesos del ordenamiento deben sumar más de 0",
    "{where}: the ranking weights must add up to more than 0",
)
BUD_031 = Detail(
    "BUD_031",
    "Las declaraciones del presupuesto en '{path}' tienen {count} problema(s); vea la lista arriba.",
    "The budget declarations in '{path}' have {count} problem(s); see the list above.",
)
BUD_032 = Detail(
    "BUD_032",
    "La base no tiene indicadores calculados ({reason}): corra primero 'cbms indicators'.",
    "The database holds no computed indicators ({reason}): run 'cbms indicators' first.",
)
BUD_033 = Detail(
    "BUD_033",
    "Los indicadores de estas necesidades no se calcularon en la base: {missing}. Corra 'cbms indicators' (y "
    "revise si les falta un parámetro del manifiesto).",
    "The indicators of these needs were not computed in the database: {missing}. Run 'cbms indicators' (and "
    "check whether they lack a manifest parameter).",
)
BUD_034 = Detail(
    "BUD_034",
    "La tabla de geografía '{path}' no se puede leer ({reason}): los sectores del presupuesto no se pueden revisar.",
    "The geography table '{path}' cannot be read ({reason}): the budget's sectors cannot be checked.",
)
BUD_035 = Detail(
    "BUD_035",
    "El manifiesto '{path}' no declara un presupuesto: añada [budget] file = \"presupuesto.csv\".",
    "The manifest '{path}' declares no budget: add [budget] file = \"budget.csv\".",
)
BUD_036 = Detail(
    "BUD_036",
    "{count} proyecto(s) por S/ {amount} no atienden ninguna necesidad declarada (ni por su columna de necesidad "
    "ni por su categoría): {codes}. Cuentan en la clasificación, no en la comparación con las necesidades.",
    "{count} project(s) worth S/ {amount} address no declared need (neither by their need column nor by their "
    "category): {codes}. They count in the classification, not in the comparison with the needs.",
)
BUD_037 = Detail(
    "BUD_037",
    "{count} proyecto(s) por S/ {amount} tienen un estado que no cuenta como asignado ({statuses}): se clasifican "
    "pero no suman en los montos.",
    "{count} project(s) worth S/ {amount} have a status that does not count as allocated ({statuses}): they are "
    "classified but not added to the amounts.",
)
BUD_038 = Detail(
    "BUD_038",
    "S/ {amount} de proyectos de todo el distrito no se atribuyen a ningún sector: cuentan en el distrito, no en "
    "la comparación entre sectores.",
    "S/ {amount} of district-wide projects are attributed to no sector: they count in the district, not in the "
    "comparison between sectors.",
)
BUD_039 = Detail(
    "BUD_039",
    "El manifiesto no tiene tabla de geografía (geography.table): los sectores del presupuesto se revisan contra los "
    "de la base al correr 'cbms budget'.",
    "The manifest has no geography table (geography.table): the budget's sectors are checked against the "
    "database's when 'cbms budget' runs.",
)
BUD_040 = Detail(
    "BUD_040",
    "No se encuentra la declaración '{path}'.",
    "Declaration file '{path}' not found.",
)

# --- rounds: crosswalks between census rounds (pipelines/rounds/*.yaml), change tables ---------------------
RND_001 = Detail(
    "RND_001",
    "{where}: la tabla de correspondencias no se puede leer: {reason}",
    "{where}: the crosswalk cannot be read: {reason}",
)
RND_002 = Detail(
    "RND_002",
    "{where}: clave desconocida '{key}'{hint_es}",
    "{where}: unknown key '{key}'{hint_en}",
)
RND_003 = Detail(
    "RND_003",
    "{where}: '{key}' debe ser {expected_es}",
    "{where}: '{key}' must be {expected_en}",
)
RND_004 = Detail(
    "RND_004",
    "{where}: preguntas o códigos renombrados sin 'form_versions': diga de qué versiones del formulario son",
    "{where}: renamed questions or codes without 'form_versions': say which form versions they belong to",
)
RND_005 = Detail(
    "RND_005",
    "{where}: falta el motivo en '{lang}' de '{key}'",
    "{where}: the reason in '{lang}' of '{key}' is missing",
)
# (RND_040 on: reading a round's exports through its crosswalks; RND_001-039 are the declarations' and changes')
RND_040 = Detail(
    "RND_040",
    "Las tablas de correspondencias de la ronda ({path}) tienen {count} problema(s); no se cargó ni se validó "
    "nada. Vea la lista arriba.",
    "The round's crosswalks ({path}) have {count} problem(s); nothing was loaded or validated. See the list above.",
)
RND_041 = Detail(
    "RND_041",
    "{where}: la pregunta '{old}' se lee como '{current}', pero {other_where} la lee como '{other}': una columna "
    "de la exportación no puede ir a dos preguntas",
    "{where}: question '{old}' is read as '{current}', but {other_where} reads it as '{other}': one column of the "
    "export cannot go to two questions",
)
RND_042 = Detail(
    "RND_042",
    "{where}: el código '{old}' de '{question}' se lee como '{current}' en la(s) versión(es) {versions}, pero "
    "{other_where} lo lee como '{other}' en esas versiones",
    "{where}: code '{old}' of '{question}' is read as '{current}' in form version(s) {versions}, but "
    "{other_where} reads it as '{other}' in those versions",
)
RND_043 = Detail(
    "RND_043",
    "{where}: '{old}' se declara nombre anterior de '{current}', pero el formulario actual aún tiene una pregunta "
    "'{old}' en el mismo nivel: una columna '{old}' de la exportación no puede ser las dos",
    "{where}: '{old}' is declared an earlier name of '{current}', but the current form still has a question "
    "'{old}' at the same level: an export column '{old}' cannot be both",
)
# change tables and `cbms rounds` (numbered from 20: the crosswalk's reading of older form versions takes 6-19)
RND_020 = Detail(
    "RND_020",
    "Ronda '{round}': {count} área(s) de nivel {level} de la ronda anterior no tienen correspondencia en la geografía "
    "actual ni en las tablas de correspondencias, y quedan fuera de la tabla de cambios: {codes}",
    "Round '{round}': {count} {level} area(s) of the earlier round have no counterpart in the current geography nor "
    "in the crosswalks, and are left out of the change table: {codes}",
)
RND_021 = Detail(
    "RND_021",
    "La ronda anterior '{previous}' (manifiesto, [rounds] previous) no tiene indicadores en la base {path}: córrala "
    "antes en la misma base con su manifiesto (cbms run ... --manifest ... --db {path})",
    "The earlier round '{previous}' (manifest, [rounds] previous) has no indicators in the database {path}: run it "
    "first into the same database with its manifest (cbms run ... --manifest ... --db {path})",
)
RND_022 = Detail(
    "RND_022",
    "{path}: el manifiesto no nombra una ronda anterior con la que comparar: agregue [rounds] previous = \"id\"",
    "{path}: the manifest names no earlier round to compare with: add [rounds] previous = \"id\"",
)
RND_023 = Detail(
    "RND_023",
    "{where}: la versión '{version}' del formulario no está entre las versiones del manifiesto ([form] versions: "
    "{versions})",
    "{where}: form version '{version}' is not among the manifest's versions ([form] versions: {versions})",
)
RND_024 = Detail(
    "RND_024",
    "{where}: la pregunta '{name}' no existe en {form}{hint_es}",
    "{where}: question '{name}' does not exist in {form}{hint_en}",
)
RND_025 = Detail(
    "RND_025",
    "{where}: el código '{code}' no está en la lista de opciones de '{question}' en {form}{hint_es}",
    "{where}: code '{code}' is not in the choice list of '{question}' in {form}{hint_en}",
)
RND_026 = Detail(
    "RND_026",
    "{where}: el indicador '{indicator}' no está en el catálogo{hint_es}",
    "{where}: indicator '{indicator}' is not in the catalogue{hint_en}",
)
RND_027 = Detail(
    "RND_027",
    "{where}: el área '{code}' (nivel {level}) no está en la geografía de la ronda {round} ({path})",
    "{where}: area '{code}' ({level} level) is not in the geography of round {round} ({path})",
)
RND_028 = Detail(
    "RND_028",
    "{where}: 'from_round' es '{found}', pero la ronda anterior del manifiesto es '{previous}'",
    "{where}: 'from_round' is '{found}', but the manifest's earlier round is '{previous}'",
)
RND_029 = Detail(
    "RND_029",
    "No se encontró el manifiesto de la ronda anterior '{previous}' junto a {path}: los códigos de área anteriores "
    "no se revisaron (indique --previous MANIFIESTO)",
    "The manifest of the earlier round '{previous}' was not found beside {path}: the earlier area codes were not "
    "checked (give --previous MANIFEST)",
)
RND_030 = Detail(
    "RND_030",
    "{count} problema(s) en las tablas de correspondencias del manifiesto {path}",
    "{count} problem(s) in the crosswalks of the manifest {path}",
)
RND_031 = Detail(
    "RND_031",
    "{where}: '{question}' no es una pregunta de opciones en {form}: sus códigos no se pueden recodificar",
    "{where}: '{question}' is not a choice question in {form}: its codes cannot be recoded",
)
RND_032 = Detail(
    "RND_032",
    "No se calculó la tabla de cambios: la ronda anterior '{previous}' no tiene indicadores en esta base (córrala "
    "antes en la misma base con su manifiesto)",
    "The change table was not computed: the earlier round '{previous}' has no indicators in this database (run it "
    "first into the same database with its manifest)",
)
RND_033 = Detail(
    "RND_033",
    "{where}: el área '{code}' (nivel {level}) tiene correspondencia declarada en más de un archivo",
    "{where}: area '{code}' ({level} level) is mapped in more than one file",
)
