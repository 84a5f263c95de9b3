"""pipelines/budget/rules.yaml: the weights of the ranking of sectors by unmet need, the budget's statuses (and which
count as allocated), its categories and target groups, and the rule that finds a need's gap against women."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from cbms.budget.declared import Label, YamlDoc, codes, labels, mapping, number, open_yaml
from cbms.errors import BUD_025, BUD_030, Notice

KEYS = ("weights", "statuses", "counted", "categories", "target_groups", "classification")
REQUIRED = ("weights", "statuses", "categories", "target_groups")
WEIGHTS = ("severity", "size", "gap")
CLASSIFICATION = ("gap_ratio",)
# A target group says what a project aimed at it is, whatever need it addresses: `specific` (aimed at women or
# girls as such), `responsive`, or `none` (then the needs it addresses decide).
GENDER_CLASSES = ("specific", "responsive", "none")
DEFAULT_GAP_RATIO = 1.10


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each component counts in a sector's need score (they need not add up to 1)."""

    severity: float  # the sector's rate against the worst sector's
    size: float  # its number in need against the largest
    gap: float  # its gap against women against the widest

    @property
    def total(self) -> float:
        """The sum of the three weights."""
        return self.severity + self.size + self.gap


@dataclass(frozen=True, slots=True)
class TargetGroup:
    """A declared target group: its name, and the class a project aimed at it gets."""

    label: Label
    gender_class: str  # specific | responsive | none


@dataclass(frozen=True, slots=True)
class Rules:
    """Everything rules.yaml declares."""

    weights: Weights
    statuses: Mapping[str, Label]
    counted: tuple[str, ...]  # statuses whose amounts count as allocated
    categories: Mapping[str, Label]
    target_groups: Mapping[str, TargetGroup]
    gap_ratio: float  # a need has a gap against women when women's district value is at least this times men's
    label: str  # the file as messages show it


def read_rules(path: Path, label: str, problems: list[Notice]) -> Rules | None:
    """Read and check rules.yaml, adding every problem to `problems`; None when it cannot be used at all."""
    doc = open_yaml(path, label, problems)
    if doc is None:
        return None
    top = mapping(doc, doc.root, KEYS, REQUIRED, problems)
    if top is None or any(k not in top for k in REQUIRED):
        return None
    weights = _weights(doc, top["weights"], problems)
    statuses = {code: name for code, (name, _) in labels(doc, top["statuses"], "statuses", problems).items()}
    counted = codes(doc, top["counted"], "counted", tuple(statuses), problems) if "counted" in top else tuple(statuses)
    categories = {code: name for code, (name, _) in labels(doc, top["categories"], "categories", problems).items()}
    groups: dict[str, TargetGroup] = {}
    for code, (name, fields) in labels(doc, top["target_groups"], "target_groups", problems, ("class",)).items():
        if "class" not in fields:
            problems.append(Notice(BUD_025, {"where": doc.where(top["target_groups"]), "key": f"{code}.class",
                                              "value": "", "options": ", ".join(GENDER_CLASSES),
                                              "hint_es": "", "hint_en": ""}))
            continue
        value = str(doc.value(fields["class"]))
        if value not in GENDER_CLASSES:
            problems.append(Notice(BUD_025, {"where": doc.where(fields["class"]), "key": f"{code}.class",
                                              "value": value, "options": ", ".join(GENDER_CLASSES),
                                              "hint_es": "", "hint_en": ""}))
            continue
        groups[code] = TargetGroup(name, value)
    return Rules(weights or Weights(1.0, 1.0, 1.0), statuses, counted, categories, groups,
                 _gap_ratio(doc, top.get("classification"), problems), label)


def _weights(doc: YamlDoc, node: yaml.Node, problems: list[Notice]) -> Weights | None:
    fields = mapping(doc, node, WEIGHTS, WEIGHTS, problems)
    if fields is None or any(k not in fields for k in WEIGHTS):
        return None
    found = {k: number(doc, fields[k], f"weights.{k}", problems, positive=False) for k in WEIGHTS}
    if any(v is None for v in found.values()):
        return None
    weights = Weights(**{k: float(v or 0.0) for k, v in found.items()})
    if weights.total <= 0:
        problems.append(Notice(BUD_030, {"where": doc.where(node)}))
        return None
    return weights


def _gap_ratio(doc: YamlDoc, node: yaml.Node | None, problems: list[Notice]) -> float:
    if node is None:
        return DEFAULT_GAP_RATIO
    fields = mapping(doc, node, CLASSIFICATION, (), problems)
    if not fields or "gap_ratio" not in fields:
        return DEFAULT_GAP_RATIO
    return number(doc, fields["gap_ratio"], "classification.gap_ratio", problems, at_least=1.0) or DEFAULT_GAP_RATIO
