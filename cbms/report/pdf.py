"""Turn HTML into PDFs with WeasyPrint: in this process, or in worker processes (one per free core) for many profiles;
either way the stylesheet is parsed and the fonts loaded once per process."""

# WeasyPrint lays a document out on one core, and a profile costs about a second of it (its tables' cells and its
# SVG charts; an empty page costs 0.02 s): the profiles of a run are independent, so they are laid out side by side
# in worker processes. Workers are spawned, not forked: the parent holds DuckDB's and the progress bar's threads.

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

import psutil
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from cbms.atomic import write_atomically
from cbms.errors import REP_001, CbmsError


def _stylesheet(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CbmsError(REP_001, path=path, reason=" ".join(str(exc).split())) from exc


class PdfEngine:
    """One stylesheet and one font configuration shared by every document this process writes."""

    def __init__(self, stylesheet: Path, css: str | None = None) -> None:
        self.base = str(stylesheet.parent)
        self.fonts = FontConfiguration()
        text = _stylesheet(stylesheet) if css is None else css
        self.css = CSS(string=text, base_url=self.base, font_config=self.fonts)

    def document(self, html: str) -> Document:
        """`html` laid out in pages."""
        return HTML(string=html, base_url=self.base).render(stylesheets=[self.css], font_config=self.fonts)

    def write(self, html: str, target: Path) -> None:
        """Write the PDF of `html` to `target`."""
        self.document(html).write_pdf(target)


def cores() -> int:
    """The cores free now for the profiles' workers: the cores this process may run on less the busy share of the
    whole machine over half a second, while this process waits (the load average would count this run's own last
    minute, and so leave the workers out even on an idle machine). With workers, this process writes the workbook,
    the other documents and the maps while they lay out the profiles; without a free core they only cost: measured
    at 100,000 households with the machine loaded by other work (load 3.5-5.5 on 2 cores), the report and the maps
    took 28-39 s wall here and 40-42 s with two workers, which spend 3-4 s more CPU (their start, the pages sent)."""
    mine = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    busy: float = psutil.cpu_percent(interval=0.5) / 100 * (psutil.cpu_count() or mine)
    return max(1, round(mine - busy))


_engine: PdfEngine | None = None  # a worker's own engine, made once when the worker starts


def _start_worker(stylesheet: Path, css: str) -> None:
    global _engine  # the one engine of a worker process, kept for every document it writes
    _engine = PdfEngine(stylesheet, css)


def _write_atomically(html: str, target: Path) -> Path:
    assert _engine is not None, "a worker writes only after _start_worker"
    engine = _engine
    return write_atomically(target, lambda tmp: engine.write(html, tmp))


class PdfWriters:
    """Write many PDFs atomically, `jobs` at a time: `submit` returns the future of the written path, which raises
    what the write raised (CLI_002 for a folder that cannot be written; WeasyPrint's ValueError for content it
    cannot lay out). With one job the documents are written here, in order, as they are submitted."""

    def __init__(self, stylesheet: Path, jobs: int) -> None:
        css = _stylesheet(stylesheet)  # REP_001 here, before any worker starts
        self.jobs = max(1, jobs)
        self.local = PdfEngine(stylesheet, css) if self.jobs == 1 else None
        self.pool = None if self.local else ProcessPoolExecutor(
            max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
            initargs=(stylesheet, css))

    def submit(self, html: str, target: Path) -> Future[Path]:
        """Write the PDF of `html` to `target` (now, or in a worker)."""
        if self.pool is not None:
            return self.pool.submit(_write_atomically, html, target)
        assert self.local is not None
        done: Future[Path] = Future()
        engine = self.local
        try:
            done.set_result(write_atomically(target, lambda tmp: engine.write(html, tmp)))
        except (CbmsError, ValueError) as exc:  # handed to the caller through the future, as a worker's would be
            done.set_exception(exc)
        return done

    def __enter__(self) -> PdfWriters:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=error is not None)
