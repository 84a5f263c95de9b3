"""Reports for municipal staff: the indicator workbook (Excel), the district and sector profiles and the other
documents (PDF). Nothing is imported here: a PDF worker process imports cbms.report.pdf, and only WeasyPrint with it."""
