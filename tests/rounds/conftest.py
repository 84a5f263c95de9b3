"""The shipped form and its validation rules, read once for the rounds tests."""

from tests.validate.conftest import form, rules

__all__ = ["form", "rules"]
