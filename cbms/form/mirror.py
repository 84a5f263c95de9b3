"""A markdown mirror of an XLSForm's sheets, so that form changes can be reviewed as text."""

from __future__ import annotations

from pathlib import Path

from cbms.errors import CLI_002, CbmsError, os_reason
from cbms.form.sheets import SHEETS, Sheet, read_sheets


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "\n").replace("\n", "<br>")


def _table(sheet: Sheet) -> list[str]:
    columns = [h for h in sheet.headers if any(r.get(h) for r in sheet.rows)]
    lines = [f"## {sheet.name}", "", "| row | " + " | ".join(columns) + " |",
             "|---|" + "---|" * len(columns)]
    lines += ["| " + " | ".join([str(r.row), *(_cell(r.get(c)) for c in columns)]) + " |" for r in sheet.rows]
    return [*lines, ""]


def render_mirror(path: Path | str) -> str:
    """The markdown text of the survey, choices and settings sheets, with spreadsheet row numbers."""
    path = Path(path)
    sheets = read_sheets(path)
    lines = [
        f"# {path.name}: markdown mirror",
        "",
        f"Generated from `{path.name}` by `make forms` (`cbms form mirror`). Do not edit by hand: edit the",
        "workbook and regenerate; a test fails when this file is stale. `row` is the spreadsheet row.",
        "",
    ]
    for name in SHEETS:
        if name in sheets:
            lines += _table(sheets[name])
    return "\n".join(lines)


def write_mirror(path: Path | str, out: Path | str | None = None) -> Path:
    """Write the markdown mirror beside the form (or to `out`) and return its path."""
    path = Path(path)
    target = Path(out) if out is not None else path.with_suffix(".md")
    text = render_mirror(path)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CbmsError(CLI_002, path=target.parent, reason=os_reason(exc)) from exc
    return target
