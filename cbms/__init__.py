"""cbms: community-based household monitoring with a gender lens (CBMS-GRB)."""

__version__ = "0.1.0"
