"""Same seed, same bytes across versions of the generator: digests of what it wrote before it worked in chunks.

The digests were taken from the generator as it was before it worked in chunks of households (commit b748e4d,
numpy 2, xlsxwriter 3); any change to the code that alters a byte of any format fails here. A chunk smaller than
the census makes the chunked path run several times, so the test sees it join its pieces back exactly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cbms.demo import answers, kobo_json, odk_csv, odk_odata, write_demo

CENSUSES = {"clean": {"households": 300, "seed": 5}, "dirty": {"households": 400, "seed": 11, "error_rate": 0.1}}
DIGESTS = {  # sha256 over (file name, NUL, bytes) of every file written, in name order
    ("odk-csv", "clean"): "772bb3722ea52a7ce8daa02fdf7f7113d4311d7256ee91269df7315a995b33d9",
    ("odk-csv", "dirty"): "470cc3e9b4912df94937d1e7ff7bfdaab221ecdbd55b0433ee89289521af8ad8",
    ("odk-odata", "clean"): "5a1bef6afdfc2acb78cce2c0f913f4264c117e722e5add1ef118c46df3334bae",
    ("odk-odata", "dirty"): "1f5477033624c45d9d2f31629e390c65c006f33351e4b4d3a76f7f17f485f145",
    ("kobo-json", "clean"): "4126ceec30888d939a8904731c539b5fe13146d75204f86917c1bfe9adc0f9ec",
    ("kobo-json", "dirty"): "0e6fdf04950837cca3a1d1c82f229d5a2e547d05c478d05137bd1f5151396ad3",
    ("kobo-xlsx", "clean"): "0f6c637c4086971877110f8b9f252ecc6a2a227df0137fca0a1a60ff460acb17",
    ("kobo-xlsx", "dirty"): "691848e9ebe6846c74536d056f4e0ec46c910289dae51d3b4231da5980a0c0e5",
}


def _digest(paths: tuple[Path, ...]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=lambda p: p.name):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize(("fmt", "census"), sorted(DIGESTS))
def test_the_bytes_written_before_chunks(tmp_path: Path, fmt: str, census: str) -> None:
    result = write_demo(fmt=fmt, out=tmp_path, **CENSUSES[census])  # type: ignore[arg-type]
    assert _digest(result.files) == DIGESTS[(fmt, census)]


def test_the_csv_zip_written_in_small_pieces_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(odk_csv, "ROWS", 7)  # rows formatted at a time
    monkeypatch.setattr(odk_csv, "BLOCK", 1000)  # bytes handed to the compressor at a time
    result = write_demo(fmt="odk-csv", out=tmp_path, **CENSUSES["dirty"])  # type: ignore[arg-type]
    assert _digest(result.files) == DIGESTS[("odk-csv", "dirty")]


# the same census (407 submissions with the duplicates) in pages of 70: 5 full pages and a last of 57; digests taken from
# the generator before it built pages one at a time, the same way
PAGED = {"odk-odata": "d1526e90e37cb2a1e6b6b6cf3490be1b0197d68eb544490fc88be7c63d125b04",
         "kobo-json": "5bf79d8052523f91554645987611d88f8b013a429cbb0313910c8d1ae35504de"}


@pytest.mark.parametrize("fmt", sorted(PAGED))
def test_pages_built_one_at_a_time_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setattr(odk_odata, "PAGE", 70)
    monkeypatch.setattr(kobo_json, "PAGE", 70)
    result = write_demo(fmt=fmt, out=tmp_path, **CENSUSES["dirty"])  # type: ignore[arg-type]
    assert len(result.files) == 7  # 6 pages and injected.json
    assert _digest(result.files) == PAGED[fmt]


@pytest.mark.parametrize("fmt", sorted({f for f, _ in DIGESTS}))
def test_repeats_answered_in_chunks_of_households_are_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               fmt: str) -> None:
    monkeypatch.setattr(answers, "CHUNK", 37)  # 11 chunks of the 400 households
    result = write_demo(fmt=fmt, out=tmp_path, **CENSUSES["dirty"])  # type: ignore[arg-type]
    assert _digest(result.files) == DIGESTS[(fmt, "dirty")]
