"""XLSForm -> XForm XML, written only once ODK Validate (the jar shipped in pyxform, run with Java) passes."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from pyxform.validators.odk_validate import ODKValidateError, check_xform

from cbms.atomic import write_atomically
from cbms.errors import FORM_004, FORM_005, CbmsError
from cbms.form.read import convert_form


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The XForm written and the warnings pyxform and ODK Validate gave."""

    xform: Path
    form_id: str
    warnings: tuple[str, ...]


def validate_xform(xform_path: Path, source: Path) -> list[str]:
    """Run ODK Validate on an XForm file; its refusal becomes a CbmsError naming the form."""
    if shutil.which("java") is None:
        raise CbmsError(FORM_005)
    try:
        return list(check_xform(str(xform_path)))
    except ODKValidateError as exc:
        raise CbmsError(FORM_004, path=source, reason=" ".join(str(exc).split())) from exc


def build_form(path: Path | str, out_dir: Path | str | None = None, validate: bool = True) -> BuildResult:
    """Convert an XLSForm with pyxform, check it with ODK Validate, then write `<form_id>.xml`."""
    path = Path(path)
    out = Path(out_dir) if out_dir is not None else path.parent
    result = convert_form(path)
    form_id = str((result._pyxform or {}).get("id_string") or path.stem)
    warnings = list(result.warnings)

    def write_checked(tmp: Path) -> None:
        tmp.write_text(result.xform, encoding="utf-8")
        if validate:
            warnings.extend(validate_xform(tmp, path))

    target = write_atomically(out / f"{form_id}.xml", write_checked)
    return BuildResult(xform=target, form_id=form_id, warnings=tuple(warnings))
