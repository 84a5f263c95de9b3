"""Ingest: ODK Central (CSV zip or folder, OData JSON) and KoBoToolbox (XLSX, API v2 JSON) exports -> raw tables."""

from cbms.ingest.model import Export
from cbms.ingest.read import read_export, read_exports

__all__ = ["Export", "read_export", "read_exports"]
