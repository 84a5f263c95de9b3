"""Reports for municipal staff: the indicator workbook (Excel) and the district and sector profiles (PDF)."""

from cbms.report.profiles import Written, write_profiles
from cbms.report.workbook import write_workbook

__all__ = ["Written", "write_profiles", "write_workbook"]
