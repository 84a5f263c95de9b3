"""What the user sees on the terminal: progress, tables, one-line errors (rich). Library code never prints."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


def error(message: str) -> None:
    """One red line on stderr."""
    err.print(f"[bold red]✗[/] {escape(message)}", soft_wrap=True)


def warning(message: str) -> None:
    """One yellow line on stderr."""
    err.print(f"[yellow]![/] {escape(message)}", soft_wrap=True)


def success(message: str) -> None:
    """One green line on stdout."""
    out.print(f"[green]✓[/] {escape(message)}", soft_wrap=True)


def info(message: str) -> None:
    """One plain line on stdout."""
    out.print(escape(message), soft_wrap=True)


def plain(message: str, stderr: bool = False) -> None:
    """Text as it is (a usage line, a help page), on stdout or stderr."""
    (err if stderr else out).print(escape(message), soft_wrap=True)


def table(title: str, headers: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """A small summary table on stdout."""
    grid = Table(title=title, title_justify="left")
    for header in headers:
        grid.add_column(header)
    for row in rows:
        grid.add_row(*(escape(str(cell)) for cell in row))
    out.print(grid)


def progress() -> Progress:
    """A progress display for the stages of a run (use as a context manager)."""
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(), console=err, transient=False,
    )
