"""Forms: XLSForm -> FormSpec (typed view) and XForm (pyxform + ODK Validate); the only users of pyxform."""

from cbms.form.build import BuildResult, build_form
from cbms.form.check import Finding, check_form
from cbms.form.mirror import render_mirror, write_mirror
from cbms.form.read import read_form
from cbms.form.spec import Choice, FormSpec, Question, Repeat

__all__ = [
    "BuildResult", "Choice", "Finding", "FormSpec", "Question", "Repeat", "build_form", "check_form", "read_form",
    "render_mirror", "write_mirror",
]
