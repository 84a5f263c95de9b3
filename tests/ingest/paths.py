"""Where the outside exports live."""

from __future__ import annotations

from tests.conftest import EXPORT_FORMS as FORMS
from tests.conftest import EXTERNAL

CENTRAL = EXTERNAL / "odk_central"
KOBO = EXTERNAL / "kobo_api_v2"

__all__ = ["CENTRAL", "FORMS", "KOBO"]
