"""Same seed, same bytes across versions of the generator: digests of what it wrote before it worked in chunks.

The digests were taken from the generator as it was before it worked in chunks of households (commit b748e4d,
numpy 2, xlsxwriter 3) with one deliberate change applied to it (c90a240: Juntos and Cuna Más also reach some
households outside their rule, so the demo shows leakage; only `programs` answers moved); any other change to
the code that alters a byte of any format fails here. A chunk smaller than
the census makes the chunked path run several times, so the test sees it join its pieces back exactly.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from cbms.demo import answers, kobo_json, odk_csv, odk_odata, write_demo

CENSUSES = {"clean": {"households": 300, "seed": 5}, "dirty": {"households": 400, "seed": 11, "error_rate": 0.1}}
DIGESTS = {  # sha256 over (file name, NUL, bytes) of every file written, in name order
    ("odk-csv", "clean"): "255346838debef08878d0b5ad4198513a53d72cfa69de0acdfcde1c114f97442",
    ("odk-csv", "dirty"): "9bcc839798c5fa6dbee90b7507b4cc6d10e28e75f881e76b4a63aaadb27cb150",
    ("odk-odata", "clean"): "1a2f8bff19267ea438f68835d13a1a7d11e87413d26d73a952f4c5dfba05c989",
    ("odk-odata", "dirty"): "9ffe8d08deee9ecec818290d66a07f3dec7f85d19d535ad7da8853019f743f11",
    ("kobo-json", "clean"): "b14c52d9ab24529c204da671b5fd2931a74be23d64bc2b1bc741584982a0699f",
    ("kobo-json", "dirty"): "be336741e46d588bbdb875a577aabbef3c4cc683f34dfeb169097b3d491833c6",
    ("kobo-xlsx", "clean"): "aa9a83d1a173f5ed2a23c1a7d819ccb23c2789509078442655912340b6df1375",
    ("kobo-xlsx", "dirty"): "0323947261841dc666c5ad7e0bbca4b46061bd416ad60ccd5548bd82c1db1b40",
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
PAGED = {"odk-odata": "5c77c9469b5022678813f4f3921acb2e5b18bf7184fa3550bd8bad893e5381b0",
         "kobo-json": "03449622a5d7680709e665f60783dd7000ce8c3ee82ba1b60a715a598d58d009"}


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
