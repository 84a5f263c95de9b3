"""The published mart every output reads: cells with suppression applied once, areas, boundaries, labels, number
formatting and colour classes (report/ and maps/ both build on it)."""

from cbms.published.changes import Change, Changes
from cbms.published.mart import Area, Cell, Published, read_published
from cbms.published.problems import Problem

__all__ = ["Area", "Cell", "Change", "Changes", "Problem", "Published", "read_published"]
