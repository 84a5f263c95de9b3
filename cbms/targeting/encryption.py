"""Encrypted lists: Parquet modular encryption (AES-GCM, one key for the footer and every column) with a key
from an environment variable, never from the command line. DuckDB reads the file with the same key
(`PRAGMA add_parquet_key`), and nothing reads it without."""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pyarrow.parquet.encryption as pe

from cbms.errors import TGT_018, TGT_019, TGT_020, CbmsError

KEY_VARIABLE = "CBMS_LIST_KEY"
KEY_BYTES = (16, 24, 32)  # AES-128, -192, -256


def list_key(environ: Mapping[str, str] | None = None) -> bytes:
    """The AES key in CBMS_LIST_KEY (base64, as `openssl rand -base64 32` writes it and DuckDB's
    add_parquet_key reads it)."""
    value = (os.environ if environ is None else environ).get(KEY_VARIABLE, "").strip()
    if not value:
        raise CbmsError(TGT_018, variable=KEY_VARIABLE)
    try:
        key = base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise CbmsError(TGT_019, variable=KEY_VARIABLE) from exc
    if len(key) not in KEY_BYTES:
        raise CbmsError(TGT_019, variable=KEY_VARIABLE)
    return key


def write_encrypted(table: pa.Table, target: Path, key: bytes) -> None:
    """`table` as a Parquet file whose footer and columns are encrypted with `key` (AES-GCM; each page gets a
    random nonce)."""
    pq.write_table(table, target, encryption_properties=pe.create_encryption_properties(footer_key=key))


def read_encrypted(path: Path, key: bytes) -> pa.Table:
    """An encrypted list read back; a wrong key is refused (the GCM tags do not match)."""
    try:
        return pq.read_table(path, decryption_properties=pe.create_decryption_properties(footer_key=key))
    except OSError as exc:  # Arrow reports a failed decryption as an IOError
        raise CbmsError(TGT_020, path=path, reason=" ".join(str(exc).split())) from exc
