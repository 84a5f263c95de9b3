"""What typer and click say themselves (help, usage lines, usage errors), in the user's language only.

typer and the click it carries write their words in English (help panels, "Show this message and exit", "No such
option", "Missing argument"...) and our help texts are written "Spanish. / English.". Nothing in typer translates
them at run time, so this module does it: it keeps one half of each help text, sets the words typer's help panels
read, and says each usage error again from the exception's own fields."""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Sequence
from typing import Any

import typer
from typer import rich_utils

from cbms.errors import Lang

# typer.BadParameter is click's BadParameter(UsageError(ClickException)), wherever the installed typer keeps click
# (typer 0.29 carries its own copy): take the classes from there rather than from a private module.
UsageError: type[Exception] = typer.BadParameter.__mro__[1]
ClickException: type[Exception] = UsageError.__mro__[1]

# The words of typer's help panels (rich_utils reads them at each call).
PANEL_WORDS: dict[str, tuple[str, str]] = {
    "DEPRECATED_STRING": ("(obsoleto) ", "(deprecated) "),
    "DEFAULT_STRING": ("[por defecto: {}]", "[default: {}]"),
    "ENVVAR_STRING": ("[variable de entorno: {}]", "[env var: {}]"),
    "REQUIRED_LONG_STRING": ("[obligatorio]", "[required]"),
    "ARGUMENTS_PANEL_TITLE": ("Argumentos", "Arguments"),
    "OPTIONS_PANEL_TITLE": ("Opciones", "Options"),
    "COMMANDS_PANEL_TITLE": ("Comandos", "Commands"),
    "ERRORS_PANEL_TITLE": ("Error", "Error"),
    "ABORTED_TEXT": ("Interrumpido.", "Aborted."),
    "RICH_HELP": ("Pruebe [blue]'{command_path} {help_option}'[/] para ver la ayuda.",
                  "Try [blue]'{command_path} {help_option}'[/] for help."),
}
WORDS: dict[str, tuple[str, str]] = {
    "usage": ("Uso: ", "Usage: "),
    "options": ("[OPCIONES]", "[OPTIONS]"),
    "command": ("COMANDO [ARGS]...", "COMMAND [ARGS]..."),
    "help": ("Muestra esta ayuda y termina.", "Show this message and exit."),
    "try": ("Pruebe '{command} --help' para ver la ayuda.", "Try '{command} --help' for help."),
    "error": ("Error: {message}", "Error: {message}"),
    "aborted": ("Interrumpido.", "Aborted."),
    "no_such_option": ("No existe la opción {name}.", "No such option: {name}."),
    "did_you_mean": (" ¿Quiso decir {names}?", " Did you mean {names}?"),
    "missing_argument": ("Falta el argumento {hint}.", "Missing argument {hint}."),
    "missing_option": ("Falta la opción {hint}.", "Missing option {hint}."),
    "invalid_value": ("Valor no válido para {hint}: {message}", "Invalid value for {hint}: {message}"),
    "invalid": ("Valor no válido: {message}", "Invalid value: {message}"),
}
# Metavars of options by their type, and of arguments by their name.
TYPES: dict[str, tuple[str, str]] = {
    "int": ("ENTERO", "INTEGER"), "float": ("NÚMERO", "NUMBER"), "Path": ("RUTA", "PATH"), "str": ("TEXTO", "TEXT"),
}
ARGUMENTS: dict[str, tuple[str, str]] = {
    "exports": ("EXPORTACIONES", "EXPORTS"), "form": ("FORMULARIO", "FORM"), "out": ("CARPETA", "FOLDER"),
}
# click's own messages inside a usage error, and how they read in Spanish (fields by position).
MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), es) for p, es in (
    (r"^Input should be a valid integer.*$", "se espera un número entero"),
    (r"^Input should be a valid number.*$", "se espera un número"),
    (r"^Input should be a valid boolean.*$", "se espera sí o no (true/false)"),
    (r"^(?:Value error, )?'(.*)' is not one of (.*?)\.?$", "'{0}' no es una de {1}"),
    (r"^Option '(.*)' requires an argument\.$", "La opción '{0}' necesita un valor."),
    (r"^Option '(.*)' does not take a value\.$", "La opción '{0}' no lleva valor."),
    (r"^Got unexpected extra arguments? ?\(?s?\)? \((.*)\)$", "Sobra(n) argumento(s): {0}"),
    (r"^No such command '(.*)'\.$", "No existe el comando '{0}'."),
    (r"^Missing command\.$", "Falta el comando."),
    (r"^(?:File|Directory|Path) '(.*)' does not exist\.$", "'{0}' no existe."),
    (r"^(.*) \(env var: '(.*)'\)$", "{0} (variable de entorno: '{1}')"),
))


def language(args: Sequence[str]) -> Lang:
    """The language asked for, read before typer parses anything (its own words must already be in it): `--lang`
    before the command, else CBMS_LANG, else Spanish."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang":
            return "en" if args[i + 1:i + 2] == ["en"] else "es"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "es"
    return "en" if os.environ.get("CBMS_LANG") == "en" else "es"


def word(key: str, lang: Lang, **fields: object) -> str:
    """One of this module's words in `lang`."""
    es, en = WORDS[key]
    return (es if lang == "es" else en).format(**fields)


def half(text: str | None, lang: Lang) -> str | None:
    """A help text written "Spanish. / English." (paragraph by paragraph) in one language."""
    if not text:
        return text
    paragraphs = []
    for paragraph in text.split("\n\n"):
        parts = paragraph.split(" / ")
        paragraphs.append(paragraph if len(parts) != 2 else parts[0 if lang == "es" else 1].strip())
    return "\n\n".join(paragraphs)


def _formatter(lang: Lang, base: Any) -> Any:
    class Formatter(base):  # type: ignore[misc]
        """click's help formatter with its usage line in the user's language."""

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, word("usage", lang) if prefix is None else prefix)

    return Formatter


def _context(lang: Lang, base: Any) -> Any:
    class Context(base):  # type: ignore[misc]
        """click's context, formatting help in the user's language."""

        formatter_class = _formatter(lang, base.formatter_class)

    return Context


def _localize(command: Any, lang: Lang, context: Any) -> None:
    command.help = half(command.help, lang)
    command.short_help = half(command.short_help, lang)
    command.context_class = context
    command.options_metavar = word("options", lang)
    if hasattr(command, "commands"):
        command.subcommand_metavar = word("command", lang)
        for sub in command.commands.values():
            _localize(sub, lang, context)
    for param in command.params:
        param.help = half(getattr(param, "help", None), lang)
        if param.param_type_name == "argument":
            es, en = ARGUMENTS.get(param.name, (param.name.upper(), param.name.upper()))
            param.metavar = es if lang == "es" else en
            names = TYPES.get(param.bare_type().removeprefix("list[").removesuffix("]"))
            shown = (names[0 if lang == "es" else 1] + ("..." if param.nargs != 1 else "")) if names else None
            param.display_type_rich = lambda ctx, shown=shown: shown  # typer shows an argument's Python type
        elif getattr(param, "is_flag", False):
            param.metavar = ""  # a flag takes no value: no type to show
        elif param.metavar is None and param.bare_type() in TYPES:
            param.metavar = TYPES[param.bare_type()][0 if lang == "es" else 1]
    option = command.get_help_option(typer.Context(command, info_name=command.name))
    if option is not None:
        option.help, option.metavar = word("help", lang), ""


def localized(app: typer.Typer, lang: Lang) -> Any:
    """The app's click command with every word of its help and usage in `lang`."""
    for name, (es, en) in PANEL_WORDS.items():
        setattr(rich_utils, name, es if lang == "es" else en)
    command = typer.main.get_command(app)
    _localize(command, lang, _context(lang, command.context_class))
    return command


def _translated(message: str, lang: Lang) -> str:
    if lang == "en":
        return message
    for pattern, es in MESSAGES:
        found = pattern.match(message)
        if found:
            return es.format(*(_translated(g, lang) if g else g for g in found.groups()))
    return message


def _hint(param: Any, ctx: Any) -> str:
    """A parameter as an error names it ('--out'); click asks for the context, typer 0.29's copy does not."""
    method = param.get_error_hint
    return str(method(ctx) if inspect.signature(method).parameters else method())


def message(exc: Exception, lang: Lang) -> str:
    """A usage error said in `lang`, from its fields (click builds its English sentence from the same fields)."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    if kind == "NoSuchOption":
        possibilities = sorted(getattr(exc, "possibilities", None) or ())
        text = word("no_such_option", lang, name=getattr(exc, "option_name", ""))
        return text + (word("did_you_mean", lang, names=", ".join(possibilities)) if possibilities else "")
    if kind == "MissingParameter" and param is not None:
        hint = _translated(_hint(param, ctx), lang)
        return word("missing_argument" if param.param_type_name == "argument" else "missing_option", lang, hint=hint)
    if isinstance(exc, typer.BadParameter):
        inner = _translated(str(getattr(exc, "message", "")), lang)
        given = getattr(exc, "param_hint", None) or (_hint(param, ctx) if param is not None else None)
        if isinstance(given, list | tuple):
            given = " / ".join(f"'{h}'" for h in given)
        if not given:
            return word("invalid", lang, message=inner)
        return word("invalid_value", lang, hint=_translated(str(given), lang), message=inner)
    return _translated(str(getattr(exc, "message", exc)), lang)


def lines(exc: Exception, lang: Lang) -> tuple[str | None, str | None, str]:
    """What a usage error prints: the command's usage line, how to get help, the error itself."""
    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return None, None, word("error", lang, message=message(exc, lang))
    usage = ctx.get_usage().strip()
    hint = word("try", lang, command=ctx.command_path)
    return usage, hint, word("error", lang, message=message(exc, lang))
