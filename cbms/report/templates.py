"""The jinja2 environment of the templates in reports/ (profiles, field instruments) and its located errors."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markupsafe

from cbms.errors import REP_004, CbmsError


def css_string(text: object) -> markupsafe.Markup:
    """Text as a quoted CSS string, safe inside <style>: quotes, backslashes, < > and control characters as CSS
    escapes (a round name can never close the style element)."""
    escaped = "".join(f"\\{ord(ch):x} " if ch in '"\\<>&' or ord(ch) < 32 else ch for ch in str(text))
    return markupsafe.Markup(f'"{escaped}"')


def environment(folder: Path) -> jinja2.Environment:
    """The templates of a reports/ folder, escaping HTML, failing on any undefined name."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(folder), autoescape=True, trim_blocks=True,
                             lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["css_string"] = css_string
    return env


def template_error(template: Path, exc: jinja2.TemplateError) -> CbmsError:
    """REP_004 with the template's line: a syntax error carries it; a runtime one is found in the traceback, where
    jinja2 puts the template's own frame."""
    path = str(getattr(exc, "filename", None) or template)
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while line is None and tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return CbmsError(REP_004, path=path, line=line or "?", reason=" ".join(str(exc.message or exc).split()))
