"""Golden files as text: a workbook as CSV (cells as a reader sees them), a profile's HTML as its visible text."""

# Set CBMS_UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, then read the diff before committing.

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from openpyxl import load_workbook

GOLDEN = Path(__file__).parent / "golden"
TODAY = dt.date.today().isoformat()


def check(name: str, text: str) -> None:
    """Compare `text` with golden/<name> (or write it when CBMS_UPDATE_GOLDEN is set)."""
    path = GOLDEN / name
    if os.environ.get("CBMS_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with CBMS_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def _shown(value: object, number_format: str) -> str:
    """A number as Excel shows it under the workbook's formats (sign, thousands, decimals); text as it is."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    section = number_format.split(";")[0]
    decimals = len(section.split(".")[1]) if "." in section else 0
    text = f"{value:{',' if ',' in section else ''}.{decimals}f}"
    if section.startswith("+") and value > 0 and float(text.replace(",", "")) != 0:
        text = "+" + text
    return text


def workbook_text(path: Path, fills: dict[str, str]) -> str:
    """Every sheet as CSV; a cell whose fill is in `fills` (RGB -> mark) gets the mark after its text."""
    book = load_workbook(path)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for ws in book.worksheets:
        writer.writerow([f"## {ws.title}"])
        for row in ws.iter_rows():
            cells = []
            for cell in row:
                text = _shown(cell.value, cell.number_format).replace(TODAY, "<today>")
                colour = cell.fill.start_color.rgb if cell.fill and cell.fill.fill_type == "solid" else None
                mark = fills.get(str(colour)[-6:]) if colour else None
                cells.append(f"{text} {mark}".strip() if mark else text)
            while cells and not cells[-1]:
                cells.pop()
            writer.writerow(cells)
    return out.getvalue()


class _Text(HTMLParser):
    BLOCKS: ClassVar[set[str]] = {"h1", "h2", "h3", "p", "li", "tr", "dt", "dd", "title", "ol"}

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skip = 0
        self.mark = ""  # a gap cell where women are behind: [!] noticeable, [!!] large

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "style":
            self.skip += 1
        elif tag in ("td", "th"):
            if "".join(self.line).strip():
                self.line.append(" | ")
            css = dict(attrs).get("class") or ""
            self.mark = " [!!]" if "behind2" in css else " [!]" if "behind1" in css else ""
        elif tag == "img":
            self._flush()
            self.lines.append(f"[image: {dict(attrs).get('alt', '')}]")
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.mark:
            self.line.append(self.mark)
            self.mark = ""
        if tag == "style":
            self.skip -= 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.line.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.line).split())
        if text:
            self.lines.append(text)
        self.line = []


def html_text(html: str) -> str:
    """The visible text of a profile's HTML, one block (heading, paragraph, table row) per line, cells by ` | `,
    a gap where women are behind marked [!] (noticeable) or [!!] (large)."""
    parser = _Text()
    parser.feed(html)
    parser._flush()
    return "\n".join(parser.lines).replace(TODAY, "<today>") + "\n"
