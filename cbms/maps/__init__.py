"""Poverty-map inputs: wide tables per geographic level, joined to boundaries, and choropleth images."""

from cbms.maps.export import export_map_inputs
from cbms.maps.summary import LevelMaps, MapReport

__all__ = ["LevelMaps", "MapReport", "export_map_inputs"]
