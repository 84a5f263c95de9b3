"""A problem an output met and went past (a boundary file it could not read, an area without data): coded, said in
either language by the run that collects it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cbms.errors import Detail, Lang


@dataclass(frozen=True, slots=True)
class Problem:
    """A coded problem with the fields its message needs; the output went on without what it concerns."""

    detail: Detail
    context: Mapping[str, object] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The catalogue code, e.g. MAP_008."""
        return self.detail.code

    def message(self, lang: Lang = "es") -> str:
        """The message in a language, with its code."""
        return self.detail.format(lang, **self.context)
