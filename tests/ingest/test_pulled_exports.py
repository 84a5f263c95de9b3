"""What `cbms pull` saves is an export `cbms ingest` reads: paged OData and paged KoBo API JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

from cbms.form import read_form
from cbms.form.kobo import read_kobo_asset
from cbms.ingest import read_export

RECORDED = Path(__file__).parent / "recorded"


def test_paged_odata_folder(tmp_path: Path) -> None:
    folder = tmp_path / "pulled"
    folder.mkdir()
    for page in sorted((RECORDED / "central").glob("submissions.page-*.json")):
        shutil.copy(page, folder / page.name)
    shutil.copy(RECORDED / "central" / "simple_repeat.xlsx", folder / "simple_repeat.xlsx")
    export = read_export(folder, read_form(folder / "simple_repeat.xlsx"))
    assert export.format == "odk-odata" and export.form_id == "simple_repeat"
    # 5 submissions over 3 pages (2 + 2 + 1), per the recordings' README
    assert export.tables["household"].num_rows == 5
    observations = export.tables["observation"]
    assert set(observations.column("_parent_key").to_pylist()) <= set(
        export.tables["household"].column("_row_key").to_pylist())


def test_paged_kobo_folder_with_its_asset(tmp_path: Path) -> None:
    folder = tmp_path / "pulled"
    shutil.copytree(RECORDED / "kobo", folder, ignore=shutil.ignore_patterns("40*.json"))
    export = read_export(folder, read_kobo_asset(folder / "asset.json"))
    assert export.format == "kobo-json"
    assert export.tables["household"].num_rows == 6  # 3 + 3 results
