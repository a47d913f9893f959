"""Columns measured on the clock or by the OS, not computed from the data: they differ between two
runs of the same pipeline, so comparisons of two runs' tables leave them out. Table -> columns."""

from hybridir.report.data.usage import MEASURES

MEASURED_COLUMNS = {"training_log": ["seconds"], "report_usage": list(MEASURES.values())}
