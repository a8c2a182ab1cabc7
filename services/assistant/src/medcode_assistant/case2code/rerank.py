"""Re-ranks one mention's search candidates with what its sentence says (side, encounter,
stage, type, control), so the most specific code the text supports comes first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from medcode_assistant.case2code.search import SearchHit
from medcode_assistant.case2code.specificity import Specificity

__all__ = ["Ranked", "missing_details", "rerank"]

_SIDES = ("right", "left", "bilateral")
_ENCOUNTERS = ("initial encounter", "subsequent encounter", "sequela")
_STAGE_IN_TITLE = re.compile(r"\bstage (\d[ab]?|unstageable)\b|\b(unstageable)\b", re.IGNORECASE)
_TYPE_IN_TITLE = re.compile(r"\btype ([12])\b", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class Ranked:
    """A candidate and its score after context re-ranking (0 to about 2)."""

    hit: SearchHit
    score: float


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _side_bonus(title: str, spec: Specificity) -> float:
    sides = [side for side in _SIDES if side in title]
    if spec.laterality is None:
        # The unspecified-side code is the right one until the text names a side.
        return 0.1 if "unspecified" in title and not sides else (-0.1 if sides else 0.0)
    if spec.laterality.value in sides:
        return 0.3
    return -0.5 if sides else 0.0


def _encounter_bonus(title: str, spec: Specificity) -> float:
    if spec.encounter is None:
        return 0.0
    if spec.encounter.value in title:
        return 0.3
    return -0.5 if any(encounter in title for encounter in _ENCOUNTERS) else 0.0


def _stage_bonus(title: str, spec: Specificity) -> float:
    stages = [next(group for group in m.groups() if group) for m in _STAGE_IN_TITLE.finditer(title)]
    if spec.stage is None or not stages:
        return 0.0
    return 0.3 if spec.stage.value in stages else -0.3


def _type_bonus(title: str, spec: Specificity) -> float:
    types = _TYPE_IN_TITLE.findall(title)
    if spec.diabetes_type is None or not types:
        return 0.0
    return 0.3 if spec.diabetes_type.value in types else -0.5


def rerank(query: str, hits: Sequence[SearchHit], spec: Specificity) -> list[Ranked]:
    """`hits` best first after weighing the search score against the sentence's details."""
    if not hits:
        return []
    top = max(hit.score for hit in hits) or 1.0
    wanted = _words(query)
    ranked = []
    for position, hit in enumerate(hits):
        title = hit.title.lower()
        overlap = len(wanted & _words(title)) / len(wanted) if wanted else 0.0
        score = (
            max(hit.score, 0.0) / top
            - 0.02 * position
            + 0.3 * overlap
            + (0.1 if hit.billable else -0.2)
            + _side_bonus(title, spec)
            + _encounter_bonus(title, spec)
            + _stage_bonus(title, spec)
            + _type_bonus(title, spec)
        )
        if spec.control is not None and spec.control.value in title:
            score += 0.2
        ranked.append(Ranked(hit, round(score, 4)))
    ranked.sort(key=lambda item: -item.score)
    return ranked


def missing_details(mention_text: str, hits: Sequence[SearchHit], spec: Specificity) -> list[str]:
    """What the candidates' titles distinguish but the text does not say."""
    titles = [hit.title.lower() for hit in hits]
    missing = []
    if spec.laterality is None and any(side in t for t in titles for side in ("right", "left")):
        missing.append(f"laterality for '{mention_text}'")
    if spec.encounter is None and any("encounter" in t or "sequela" in t for t in titles):
        missing.append(f"encounter (7th character) for '{mention_text}'")
    if spec.stage is None and any(_STAGE_IN_TITLE.search(t) for t in titles):
        missing.append(f"stage for '{mention_text}'")
    return missing
