"""Tests of census rounds: crosswalks, areas across geographies, the change stage, `cbms rounds`."""
