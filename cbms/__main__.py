"""`python -m cbms` runs the command line."""

from cbms.cli import run

run()
