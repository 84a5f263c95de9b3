"""The demo's census rounds: each one's form version, geography, field period, and what changed by design.

Round 1 (ves-demo) is the census of `cbms demo`. Round 2 (ves-demo-2027) is the same district two years later,
collected with the revised form (forms/cbms_grb_hogar_2027.xlsx: `hunger` renamed `food_shortage`, water_source
recoded, Sexto Sector split so that S11 exists, crime_victim widened), its model changed where the demo's
participatory budget 2026 (data/demo/presupuesto_participativo_2026.csv) spent money, and worse in one sector. The
model speaks the current names; the round's crosswalk (pipelines/rounds/ves-demo-2027.yaml), read backwards,
writes them as the revised form has them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cbms.demo.answers import Revision
from cbms.demo.geography import build_geography
from cbms.demo.population import Design
from cbms.errors import DEMO_007, DEMO_008, DEMO_009, CbmsError, Notice
from cbms.project import SHIPPED
from cbms.rounds.crosswalk import Crosswalk, load_crosswalks

FORM = SHIPPED.forms / "cbms_grb_hogar.xlsx"
FORM_2027 = SHIPPED.forms / "cbms_grb_hogar_2027.xlsx"
CROSSWALK_2027 = SHIPPED.pipelines / "rounds" / "ves-demo-2027.yaml"

# Round 2's story, from the demo budget of 2026. Only approved or executed projects were built by the 2027
# fieldwork; the prioritised one (PP26-003, reservoir and standpipes of S10) was not. tests/demo/test_rounds.py
# keeps these sectors equal to the budget's.
WATER_CONNECTED = {  # share of the households without network water in 2025 connected by 2027
    "S07": 0.7,  # PP26-001 redes de agua potable y alcantarillado, zonas altas del Sector 7 (aprobado)
    "S08": 0.4,  # PP26-017 mejoramiento de redes de agua, Sector 8 (ejecutado)
    "S09": 0.6,  # PP26-002 conexiones domiciliarias de agua, Lomo de Corvina (aprobado)
}
SEWER_CONNECTED = {"S07": 0.7}  # PP26-001 is the only project that names sewerage (alcantarillado)
NUTRITION = {"S02": 0.45}  # PP26-019 lactarios y estimulación temprana (S02), on top of the district's PP26-007
DISTRICT_NUTRITION = 0.2  # PP26-007 vigilancia del crecimiento infantil (distrito): children's mean height-for-age z
# Worse: new families settled on the upper slopes of Lomas de Villa (S10), whose reservoir was only prioritised:
# the consolidation that drives its dwellings and services falls (more makeshift walls, tankers and latrines).
CONSOLIDATION = {"S10": -0.12}
# The revised crime_victim names fraud and extortion by phone or internet and counts attempts: more people say
# yes (15+, under 15) though nothing else changed; SEC_01 is declared not comparable in the crosswalk.
CRIME_VICTIMS_2027 = (0.27, 0.05)


@dataclass(frozen=True, slots=True)
class DemoRound:
    """One round of the demo census."""

    number: int
    round_id: str
    form: Path  # the form version its fieldwork used
    design: Design
    crosswalk: Path | None = None  # its form version's names in the current ones (read backwards on the way out)


def _second_round() -> DemoRound:
    sectors = build_geography(2).sector_codes
    height_for_age = {code: DISTRICT_NUTRITION + NUTRITION.get(code, 0.0) for code in sectors}
    design = Design(field_start=date(2027, 9, 1), field_days=61, water_connected=WATER_CONNECTED,
                    sewer_connected=SEWER_CONNECTED, consolidation=CONSOLIDATION, height_for_age=height_for_age,
                    crime_victims=CRIME_VICTIMS_2027)
    return DemoRound(2, "ves-demo-2027", FORM_2027, design, CROSSWALK_2027)


ROUNDS: dict[int, DemoRound] = {1: DemoRound(1, "ves-demo", FORM, Design()), 2: _second_round()}


def demo_round(number: object) -> DemoRound:
    """The demo round of that number, or a coded error naming the rounds there are."""
    if isinstance(number, bool) or not isinstance(number, int) or number not in ROUNDS:
        raise CbmsError(DEMO_007, round=number, rounds=", ".join(str(n) for n in ROUNDS))
    return ROUNDS[number]


def revision(demo: DemoRound, version: str | None) -> Revision:
    """How the form version `version` writes the model's current names: the round's crosswalk read backwards
    (nothing to change when the form is not of a version it declares)."""
    if demo.crosswalk is None:
        return Revision()
    loaded, problems = load_crosswalks((demo.crosswalk,), SHIPPED.pipelines)
    crosswalk = loaded[0] if loaded else None
    if crosswalk is not None:
        problems += _one_to_one(crosswalk, version)
    if problems or crosswalk is None:
        raise CbmsError(DEMO_008, path=demo.crosswalk, round=demo.number,
                        count=len(problems)).with_problems(tuple(problems))
    renamed = {current: old for old, current in crosswalk.renamed(version).items()}
    # a code the version added and the crosswalk keeps (a new sector) is written as it is
    recoded = {question: changed for question, codes in crosswalk.recoded(version).items()
               if (changed := {current: old for old, current in codes.items() if old != current})}
    return Revision(renamed=renamed, recoded=recoded)


def _one_to_one(crosswalk: Crosswalk, version: str | None) -> list[Notice]:
    """A current name or code that several of the version's map to cannot be written back: each one, located."""
    where = crosswalk.declaration.where if crosswalk.declaration is not None else (lambda *_key: crosswalk.where)
    problems = [
        Notice(DEMO_009, {"where": where("questions"), "what_es": "nombres de preguntas",
                          "what_en": "question names", "names": ", ".join(olds), "current": current})
        for current, olds in _shared(crosswalk.renamed(version)).items()]
    for question, codes in crosswalk.recoded(version).items():
        problems += [
            Notice(DEMO_009, {"where": where("choices", question), "what_es": f"códigos de '{question}'",
                              "what_en": f"codes of '{question}'", "names": ", ".join(olds), "current": current})
            for current, olds in _shared(codes).items()]
    return problems


def _shared(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Targets that more than one key maps to, with those keys."""
    by_target: defaultdict[str, list[str]] = defaultdict(list)
    for old, current in mapping.items():
        by_target[current].append(old)
    return {current: olds for current, olds in by_target.items() if len(olds) > 1}
