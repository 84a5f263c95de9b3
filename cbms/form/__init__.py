"""Forms: XLSForm -> FormSpec (typed view) and XForm (pyxform + ODK Validate); the only users of pyxform."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from cbms.form.spec import Choice, FormSpec, Group, Question, Repeat

if TYPE_CHECKING:
    from cbms.form.build import BuildResult, build_form
    from cbms.form.check import Finding, check_form
    from cbms.form.mirror import render_mirror, write_mirror
    from cbms.form.read import open_form, read_form

# pyxform takes ~0.4 s to import: its users are loaded when first asked for (PEP 562)
_LAZY = {"BuildResult": "build", "build_form": "build", "Finding": "check", "check_form": "check",
         "render_mirror": "mirror", "write_mirror": "mirror", "read_form": "read", "open_form": "read"}

__all__ = [
    "BuildResult", "Choice", "Finding", "FormSpec", "Group", "Question", "Repeat", "build_form", "check_form",
    "open_form", "read_form", "render_mirror", "write_mirror",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"cbms.form.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'cbms.form' has no attribute {name!r}")
