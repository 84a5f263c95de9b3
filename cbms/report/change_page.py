"""A profile's page "¿Qué cambió desde la ronda anterior?": the area's largest improvements and deteriorations in
words, a chart of the main indicators (the map layers) in both rounds, and the indicators that are not comparable.
Only the published changes (cbms/published/changes.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from cbms.errors import Lang
from cbms.indicators.catalogue import Indicator
from cbms.published import Area, Published
from cbms.published.numbers import decimals, number_text
from cbms.report import charts
from cbms.report.change_reading import Ranked, area_changes, largest

Value = Callable[[float, Indicator], str]  # a value with its unit, as the profile writes it (25,3 % / 27,5 horas)


@dataclass(frozen=True, slots=True)
class ChangePage:
    """What the template's change page shows (texts already in the profile's language)."""

    intro: str
    improved: tuple[str, ...]
    worsened: tuple[str, ...]
    chart: str | None
    chart_alt: str
    notes: tuple[str, ...]


def _size(mart: Published, ranked: Ranked, lang: Lang, value: Value) -> str:
    """How much it changed, in the indicator's own terms: points, per 1,000, hours, an index."""
    indicator, change = ranked.indicator, abs(ranked.change.change or 0.0)
    word = mart.settings.word
    if indicator.value == "percent":
        return word("change_size_points", lang, size=number_text(change, 1, lang))
    if indicator.value == "per_1000":
        return word("change_size_per_1000", lang, size=number_text(change, 1, lang))
    return value(change, indicator)


def sentence(mart: Published, ranked: Ranked, lang: Lang, value: Value) -> str:
    """One change in words: 'Incidencia de pobreza monetaria: bajó 6,3 puntos, de 27,5 % a 21,1 % (casos: ...)'."""
    change = ranked.change
    assert change.value_from is not None and change.value_to is not None and change.change is not None
    key = "change_down" if change.change < 0 else "change_up"
    return mart.settings.word(key, lang, name=ranked.indicator.name(lang), size=_size(mart, ranked, lang, value),
                              before=value(change.value_from, ranked.indicator),
                              after=value(change.value_to, ranked.indicator),
                              n_before=number_text(change.n_from or 0, 0, lang),
                              n_after=number_text(change.n_to or 0, 0, lang))


def _chart(mart: Published, area: Area, lang: Lang, value: Value) -> str | None:
    """The map layers' values in both rounds, each indicator on its own scale (its values at the bars' ends)."""
    shown = [r for r in area_changes(mart, area.code) if r.indicator.map]
    if not shown:
        return None
    bars = [charts.Bar(r.indicator.name(lang), r.change.value_from, r.change.value_to,
                       value(r.change.value_from or 0.0, r.indicator), value(r.change.value_to or 0.0, r.indicator))
            for r in shown]
    colours = mart.settings.change.colours
    layout = mart.settings.profile
    # the profile's pair chart, its two bars being the two rounds (earlier light and hatched, this round solid)
    rounds = replace(layout, colours={**layout.colours, "women": "#" + colours["earlier"],
                                      "men": "#" + colours["later"]}, hatch={"women": "////", "men": ""})
    first = shown[0].change
    return charts.gap_chart(bars, (first.round_from, first.round_to), rounds, width_cm=12.0)


def change_page(mart: Published, area: Area, lang: Lang, value: Value) -> ChangePage | None:
    """The change page of an area, or None when the round has no published change."""
    if not mart.changes.cells:
        return None
    settings = mart.settings
    word = settings.word
    improved, worsened = largest(mart, area.code, settings.change.largest)
    cells = [c for c in mart.changes.cells if c.area_code == area.code]
    before = cells[0].round_from if cells else mart.changes.cells[0].round_from
    after = cells[0].round_to if cells else mart.changes.cells[0].round_to
    notes = [word("change_census_note", lang), word("change_units_note", lang, before=before, after=after),
             word("change_x_note", lang)]
    for indicator_id, reason_es, reason_en in mart.changes.not_comparable:
        named = mart.indicator(indicator_id)
        notes.append(word("change_not_comparable", lang, name=named.name(lang) if named else indicator_id,
                          reason=reason_es if lang == "es" else reason_en))
    points = settings.noticeable
    return ChangePage(
        intro=word("change_page_intro", lang, area=area.name, before=before, after=after,
                   points=number_text(points.points, decimals("percent") if points.points % 1 else 0, lang),
                   relative=number_text(100 * points.relative, 0, lang)),
        improved=tuple(sentence(mart, r, lang, value) for r in improved),
        worsened=tuple(sentence(mart, r, lang, value) for r in worsened),
        chart=_chart(mart, area, lang, value), chart_alt=word("change_chart_title", lang), notes=tuple(notes))
