"""Write a field instrument as HTML and as PDF (WeasyPrint, through the profiles' PdfEngine), each atomically."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from cbms.atomic import write_atomically
from cbms.errors import FORM_013, CbmsError


@dataclass(frozen=True)
class Written:
    """The files an instrument wrote, and the problems met (rules printed as written, a missing language)."""

    files: tuple[Path, ...]
    problems: tuple[CbmsError, ...]


def write_document(html: str, out: Path, stem: str, stylesheet: Path) -> tuple[Path, ...]:
    """`out/<stem>.html` (the stylesheet inside, so it opens alone in a browser) and `out/<stem>.pdf`; a PDF
    WeasyPrint cannot lay out is FORM_013."""
    from cbms.report.pdf import PdfEngine  # WeasyPrint takes a second to import: only when a PDF is made

    engine = PdfEngine(stylesheet)
    styled = html.replace("</head>", f"<style>\n{stylesheet.read_text(encoding='utf-8')}</style>\n</head>", 1)
    page = write_atomically(out / f"{stem}.html", lambda tmp: tmp.write_text(styled, encoding="utf-8"))
    target = out / f"{stem}.pdf"
    try:
        pdf = write_atomically(target, functools.partial(engine.write, html))
    except ValueError as exc:  # what WeasyPrint raises on content it cannot lay out
        raise CbmsError(FORM_013, path=target, reason=" ".join(str(exc).split())) from exc
    return page, pdf
