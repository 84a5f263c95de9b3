"""Indicators: declarations in pipelines/ -> DuckDB SQL with GROUPING SETS -> mart.indicator_values."""

from cbms.indicators.catalogue import Catalogue, Indicator, load_catalogue
from cbms.indicators.compute import ComputeReport, compute_indicators
from cbms.indicators.outputs import write_indicator_files

__all__ = ["Catalogue", "ComputeReport", "Indicator", "compute_indicators", "load_catalogue", "write_indicator_files"]
