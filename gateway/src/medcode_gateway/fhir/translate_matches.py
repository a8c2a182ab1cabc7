"""GEM rows as $translate matches: the R4 equivalence each GEM flag combination means, and
the words that explain it.

R4 `ConceptMapEquivalence`, decided from its definitions:
- a plain GEM row (not approximate, not a combination) -> `equivalent`;
- approximate (the target is close, not the same meaning; the GEMs do not say whether it is
  wider or narrower) -> `inexact`;
- a combination row (the source needs several targets together, one from each choice list
  of a scenario; each target alone carries only part of the meaning) -> `inexact`, with the
  scenario and choice list on the match (extension below) and spelled out in `message`;
- no map (the GEM says the target system has no equivalent) -> a match `unmatched` without a
  concept, and `result` false when nothing else matched.
Every match carries the GEM flags as an extension, so a client need not parse the message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from medcode.codes.v1 import codes_service_pb2 as pb
from medcode_gateway.fhir.conceptmaps import GemMap
from medcode_gateway.fhir.parameters import part_parameter, value_parameter

#: The extension on each match carrying the GEM row's flags (a URN MedCode owns).
GEM_FLAGS_URL = "urn:medcode:fhir:extension:gem-flags"
LABELS = {
    "icd9cm": "ICD-9-CM",
    "icd10cm": "ICD-10-CM",
    "icd9pcs": "ICD-9-CM procedure",
    "icd10pcs": "ICD-10-PCS",
}


def equivalence(mapping: pb.GemMapping) -> str:
    """The R4 ConceptMapEquivalence of one GEM row (see the module docstring)."""
    if mapping.no_map:
        return "unmatched"
    if mapping.approximate or mapping.combination:
        return "inexact"
    return "equivalent"


def _flags(mapping: pb.GemMapping) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {"url": "approximate", "valueBoolean": mapping.approximate},
        {"url": "noMap", "valueBoolean": mapping.no_map},
        {"url": "combination", "valueBoolean": mapping.combination},
    ]
    if mapping.combination:
        parts += [
            {"url": "scenario", "valueInteger": mapping.scenario},
            {"url": "choiceList", "valueInteger": mapping.choice_list},
        ]
    return {"url": GEM_FLAGS_URL, "extension": parts}


def match_parameter(
    mapping: pb.GemMapping, gem: GemMap, *, map_url: str, target_version: str
) -> dict[str, Any]:
    """One `match` output parameter: equivalence, the target concept, the map used."""
    parts = [value_parameter("equivalence", "code", equivalence(mapping))]
    if not mapping.no_map:
        concept: dict[str, Any] = {"system": gem.target_url, "code": mapping.target}
        if target_version:
            concept["version"] = target_version
        if mapping.target_title:
            concept["display"] = mapping.target_title
        parts.append(value_parameter("concept", "Coding", concept))
    parts.append(value_parameter("source", "uri", map_url))
    match = part_parameter("match", parts)
    match["extension"] = [_flags(mapping)]
    return match


def _combination_words(mappings: Sequence[pb.GemMapping]) -> str:
    """'scenario 1: one of E11.69 with one of E11.65' for each scenario."""
    scenarios: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for mapping in mappings:
        scenarios[mapping.scenario][mapping.choice_list].append(mapping.target)
    described = []
    for scenario, lists in sorted(scenarios.items()):
        choices = " with ".join(
            "one of " + " or ".join(codes) if len(codes) > 1 else codes[0]
            for _number, codes in sorted(lists.items())
        )
        described.append(f"scenario {scenario}: {choices}")
    return "; ".join(described)


def message_for(code: str, gem: GemMap, mappings: Sequence[pb.GemMapping], release: str) -> str:
    """What one GEM says about one code, in a sentence."""
    source, target = LABELS[gem.from_system], LABELS[gem.to_system]
    if not mappings:
        return f"{source} {code} is not in the {gem.title} (GEMs release {release})."
    if all(m.no_map for m in mappings):
        return f"{source} {code}: the GEM says there is no {target} equivalent (no map)."
    single = [m for m in mappings if not m.no_map and not m.combination]
    combined = [m for m in mappings if m.combination]
    said = []
    if single:
        approximate = [m.target for m in single if m.approximate]
        exact = [m.target for m in single if not m.approximate]
        if exact:
            said.append(f"{source} {code} maps to {target} {', '.join(exact)}")
        if approximate:
            said.append(f"{source} {code} maps approximately to {target} {', '.join(approximate)}")
    if combined:
        said.append(
            f"{source} {code} needs a combination of {target} codes ("
            f"{_combination_words(combined)}); each alone is only part of its meaning"
        )
    return ". ".join(said) + "."
