"""ICD-10-CM combination codes: one code for two conditions the classification links
("with" convention), chosen before either condition is coded alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from medcode_assistant.case2code.specificity import Specificity

__all__ = ["CodedMention", "Planned", "kind_of", "plan_codes"]

# Diabetes complications and their 4th/5th characters in E10/E11 (ICD-10-CM Tabular, E08-E13).
_DIABETES_WITH = {
    "ckd": (".22", "diabetic chronic kidney disease"),
    "polyneuropathy": (".42", "diabetic polyneuropathy"),
    "neuropathy": (".40", "diabetic neuropathy, unspecified"),
    "retinopathy": (".319", "unspecified diabetic retinopathy without macular edema"),
    "gastroparesis": (".43", "diabetic autonomic (poly)neuropathy"),
    "foot_ulcer": (".621", "foot ulcer"),
}
# CKD stage -> N18 code (ICD-10-CM Tabular, N18).
_CKD_STAGE = {
    "1": "N18.1",
    "2": "N18.2",
    "3": "N18.30",
    "3a": "N18.31",
    "3b": "N18.32",
    "4": "N18.4",
    "5": "N18.5",
}


@dataclass(frozen=True, slots=True)
class CodedMention:
    """A current mention, what kind of condition it is, and its specificity."""

    index: int
    kind: str
    spec: Specificity


@dataclass(frozen=True, slots=True)
class Planned:
    """A code the classification dictates for these mentions, still to be checked as loaded."""

    code: str
    mentions: tuple[int, ...]
    replaces: tuple[int, ...]


def kind_of(query: str) -> str:
    """The condition family of a mention's search words, for combination rules."""
    words = query.lower()
    if "diabetes mellitus" in words and "gestational" not in words:
        return "diabetes"
    if "end stage renal" in words:
        return "esrd"
    if "chronic kidney disease" in words:
        return "ckd"
    if words in ("essential hypertension", "hypertension"):
        return "hypertension"
    if "heart failure" in words:
        return "heart_failure"
    if words == "polyneuropathy":
        return "polyneuropathy"
    if "neuropathy" in words:
        return "neuropathy"
    if "retinopathy" in words:
        return "retinopathy"
    if "gastroparesis" in words:
        return "gastroparesis"
    if "ulcer of foot" in words:
        return "foot_ulcer"
    if words in ("hyperglycemia", "hypoglycemia"):
        return words
    return "other"


def _diabetes_category(spec: Specificity) -> str:
    """E10 for type 1; E11 for type 2 and, by guideline I.C.4.a.2, when the type is not said."""
    return "E10" if spec.diabetes_type and spec.diabetes_type.value == "1" else "E11"


def plan_codes(mentions: Sequence[CodedMention]) -> list[Planned]:
    """Combination and stage codes implied by the current mentions taken together."""
    by_kind: dict[str, list[CodedMention]] = {}
    for mention in mentions:
        by_kind.setdefault(mention.kind, []).append(mention)
    planned: list[Planned] = []
    kidney = by_kind.get("ckd", []) + by_kind.get("esrd", [])
    for ckd in by_kind.get("ckd", []):
        if ckd.spec.stage and ckd.spec.stage.value in _CKD_STAGE:
            code = _CKD_STAGE[ckd.spec.stage.value]
            planned.append(Planned(code, (ckd.index,), (ckd.index,)))
    for diabetes in by_kind.get("diabetes", []):
        planned.extend(_diabetes_plans(diabetes, by_kind))
    for hypertension in by_kind.get("hypertension", []):
        planned.extend(_hypertension_plans(hypertension, kidney, by_kind.get("heart_failure", [])))
    return planned


def _diabetes_plans(
    diabetes: CodedMention, by_kind: dict[str, list[CodedMention]]
) -> list[Planned]:
    category = _diabetes_category(diabetes.spec)
    plans = []
    for kind, (suffix, _title) in _DIABETES_WITH.items():
        kinds = ("ckd", "esrd") if kind == "ckd" else (kind,)
        partners = [m for k in kinds for m in by_kind.get(k, [])]
        if kind == "neuropathy" and by_kind.get("polyneuropathy"):
            continue
        for partner in partners[:1]:
            # CKD keeps its own stage code ("use additional code"); the others are absorbed.
            replaces = (
                (diabetes.index,)
                if kind in ("ckd", "foot_ulcer")
                else (
                    diabetes.index,
                    partner.index,
                )
            )
            plans.append(Planned(category + suffix, (diabetes.index, partner.index), replaces))
    control = diabetes.spec.control
    glycemia = by_kind.get("hyperglycemia", []) + by_kind.get("hypoglycemia", [])
    if control or glycemia:
        value = control.value if control else glycemia[0].kind
        suffix = ".65" if value == "hyperglycemia" else ".649"
        absorbed = tuple(m.index for m in glycemia)
        plans.append(
            Planned(category + suffix, (diabetes.index, *absorbed), (diabetes.index, *absorbed))
        )
    if not plans:
        plans.append(Planned(category + ".9", (diabetes.index,), (diabetes.index,)))
    return plans


def _hypertension_plans(
    hypertension: CodedMention,
    kidney: Sequence[CodedMention],
    heart_failure: Sequence[CodedMention],
) -> list[Planned]:
    if kidney:
        ckd = kidney[0]
        late = ckd.kind == "esrd" or (ckd.spec.stage is not None and ckd.spec.stage.value == "5")
        if heart_failure:
            code = "I13.2" if late else "I13.0"
            linked: tuple[int, ...] = (hypertension.index, ckd.index, heart_failure[0].index)
        else:
            code = "I12.0" if late else "I12.9"
            linked = (hypertension.index, ckd.index)
        return [Planned(code, linked, (hypertension.index,))]
    if heart_failure:
        return [
            Planned("I11.0", (hypertension.index, heart_failure[0].index), (hypertension.index,))
        ]
    return []
