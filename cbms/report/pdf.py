"""Turn a profile's HTML into a PDF with WeasyPrint, parsing the stylesheet and loading the fonts once for all."""

from __future__ import annotations

from pathlib import Path

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from cbms.errors import REP_001, CbmsError


class PdfEngine:
    """One stylesheet and one font configuration shared by every profile of a run."""

    def __init__(self, stylesheet: Path) -> None:
        self.base = str(stylesheet.parent)
        self.fonts = FontConfiguration()
        try:
            self.css = CSS(string=stylesheet.read_text(encoding="utf-8"), base_url=self.base, font_config=self.fonts)
        except (OSError, UnicodeDecodeError) as exc:
            raise CbmsError(REP_001, path=stylesheet, reason=" ".join(str(exc).split())) from exc

    def write(self, html: str, target: Path) -> None:
        """Write the PDF of `html` to `target`."""
        HTML(string=html, base_url=self.base).write_pdf(target, stylesheets=[self.css], font_config=self.fonts)
