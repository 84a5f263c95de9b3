"""The one catalogue of coded, bilingual messages, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["es", "en"]
LANGS: tuple[Lang, ...] = ("es", "en")


@dataclass(frozen=True, slots=True)
class Detail:
    """A coded message with its Spanish and English text; `{name}` fields are filled at raise time."""

    code: str
    es: str
    en: str

    def format(self, lang: Lang = "es", **context: object) -> str:
        """The message in `lang`, prefixed with its code."""
        text = self.es if lang == "es" else self.en
        return f"[{self.code}] {text.format(**context)}"


class CbmsError(Exception):
    """A problem in the user's input or configuration: the CLI prints it in one line and exits 1."""

    def __init__(self, detail: Detail, **context: object) -> None:
        self.detail = detail
        self.context = context
        super().__init__(detail.format("en", **context))

    @property
    def code(self) -> str:
        """The catalogue code, e.g. FORM_002."""
        return self.detail.code

    def message(self, lang: Lang = "es") -> str:
        """The message in the chosen language."""
        return self.detail.format(lang, **self.context)


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
