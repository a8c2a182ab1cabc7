"""What a question asks: an intent from explicit word patterns, and the codes it names.

No model: each intent has a short list of phrasings coders use, checked in a fixed order so
that the most specific question wins ("Is N18.6 an MCC?" is about CC/MCC, not its meaning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_assistant.code_shapes import CodeMention, find_code_mentions, find_icd9

MAX_QUESTION_CHARS = 2000

_PHRASINGS: tuple[tuple[int, tuple[str, ...]], ...] = (
    # "Does Medicare pay for A0021?" asks about coverage before any payment amount
    (pb.INTENT_COVERAGE, (r"(?<!what )(?<!much )\b(?:does|will) medicare (?:pay|cover)\b",
                         r"\bmedicare covers?\b")),
    (pb.INTENT_CROSSWALK, (r"\bicd[- ]?9", r"\bgems?\b", "crosswalk", "convert",
                           r"\bmaps? (?:to|from)\b")),
    (pb.INTENT_ADD_ON, (r"add[- ]?on", r"billed? (?:it )?alone", r"stand[- ]?alone",
                        r"primary (?:code|procedure)", r"without (?:a|its|the) primary")),
    (pb.INTENT_NCCI_PTP, (r"\bncci\b", r"\bptp\b", "bundl", r"(?:billed?|reported|coded) together",
                          "together with", r"column ?[12]", "modifier indicator",
                          r"\bis there an edit",
                          r"\b(?:bill|report|code) \d{4}[0-9FTU] (?:with|and) \d{4}[0-9FTU]\b",
                          r"\b\d{4}[0-9FTU] (?:with|and) \d{4}[0-9FTU]\b.*"
                          r"\b(?:edit|together|same day)")),
    (pb.INTENT_MUE, (r"\bmues?\b", "medically unlikely", "how many units",
                     r"units? (?:of|per|allowed)", r"max(?:imum)? units")),
    (pb.INTENT_FEE_SCHEDULE, (r"\brvus?\b", "fee schedule", r"global (?:days|period|surgery)",
                              "payment", r"\bpays?\b", "reimburse", r"\bprice\b", r"\bpfs\b",
                              r"professional (?:and|or) technical",
                              r"\bpc ?/ ?tc\b", r"(?:professional|technical) component")),
    (pb.INTENT_CC_MCC, (r"\bm?cc\b", "complication or comorbidity", "cc exclusion",
                        r"\bmajor complication", r"\bcomplication or comorbidit")),
    (pb.INTENT_SEVENTH_CHARACTER, ("7th", "seventh", "placeholder", r"\bx's\b", "initial encounter",
                                   "subsequent encounter", "sequela", "episode of care",
                                   r"\bencounter\b")),
    (pb.INTENT_NOTES, (r"exclud", "code first", "coded first", "use additional", "code also",
                       r"additional codes?\b", r"\bincludes\b", r"inclusion terms?",
                       r"\bnotes?\b")),
    (pb.INTENT_HIERARCHY, (r"\bparents?\b", r"\bchild(?:ren)?\b", r"sub-?codes", r"\bchapter\b",
                           "hierarch", r"codes? (?:are |is )?(?:under|below|beneath|within)\b",
                           r"ancestors?", r"\bsub-?categor", r"\bbelong", r"\b(?:sit|fall)s? "
                           r"(?:above|under|in)\b", r"\bwhat (?:category|section|block)\b",
                           r"\b(?:category|section|block) (?:is|does)\b")),
    (pb.INTENT_BILLABLE, ("billable", r"valid (?:for|to) (?:bill|claim|report)",
                          r"can i (?:bill|use|report)", "reportable", "header code",
                          "specific enough", r"\bvalid\b", r"\bbe (?:billed|reported|claimed)\b")),
    (pb.INTENT_MODIFIER, (r"\bmodifiers?\b", r"\bmod(?:ifier)? -?[0-9A-Z]{2}\b")),
    (pb.INTENT_PCS_STRUCTURE, ("root operation", r"\baxis\b", r"\baxes\b", "body part",
                               "approach", r"pcs (?:character|table|structure)",
                               r"\bqualifier\b", r"\bdevice\b", r"break (?:it )?down",
                               r"\bcharacters? of [0-9A-HJ-NP-Z]{7}\b",
                               r"\beach character\b")),
    (pb.INTENT_CONVENTION, ("convention", r"\bNEC\b", r"\bNOS\b", "not elsewhere classified",
                            "not otherwise specified", "bracket", "parenthes",
                            r"\"(?:and|with)\"", r"'(?:and|with)'", r"\bsee also\b")),
    (pb.INTENT_COVERAGE, (r"\bn?lcds?\b", r"\bncds?\b", "coverage", "covered",
                          "medical necessity")),
    (pb.INTENT_GUIDELINE, ("guideline", "sequenc", r"\bsepsis\b", "combination code",
                           "hypertension with", "principal diagnosis", r"first[- ]listed")),
)  # fmt: skip
_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = tuple(
    (intent, re.compile("|".join(phrasings), re.IGNORECASE)) for intent, phrasings in _PHRASINGS
)
_FIND = re.compile(
    "|".join(
        (
            r"\b(?:which|what)(?: is the)? (?:icd-?10(?:-?cm|-?pcs)?|cpt|hcpcs|pcs|diagnosis|"
            r"procedure)? ?codes? (?:for|is|should|do|would|fits|describes)",
            r"\bcodes? for\b",
            r"\bhow (?:do|should|to) (?:i |we |you )?code\b",
            r"\bicd-?10(?:-?cm)? for\b",
            r"(?<!that )(?<!this )(?<!the )\bcode (?:a|an|the)\b",
            r",\s*(?:which|what) (?:icd-?10(?:-?cm)? )?code\??\s*$",
            r"\blook(?:ing)? (?:up|for)\b",
        )
    ),
    re.IGNORECASE,
)
# "Type 2 diabetes with hypoglycemia, which code?": the description comes first.
_ASKED_AFTER = re.compile(r"[,:]\s*(?:which|what)\b[^,:]*\??\s*$", re.IGNORECASE)
_COVERAGE_DOCUMENT = re.compile(r"\b(?:n|l)cds?\b|coverage determination", re.IGNORECASE)
_MODIFIER_AFTER = re.compile(
    r"\bmod(?:ifier)?s? ?-?([0-9A-Z]{2})\b|(?<![0-9A-Za-z])-([0-9A-Z]{2})\b", re.IGNORECASE
)
# "the XU modifier": capitals or digits only, so "is modifier" names nothing.
_MODIFIER_BEFORE = re.compile(r"\b([0-9A-Z]{2}) (?i:modifier)\b")
_QUOTED = re.compile(r"[\"“]([^\"”]{3,120})[\"”]")


@dataclass(frozen=True, slots=True)
class Reading:
    """What was understood: the intent and the codes, ICD-9 codes, modifiers and phrase it names."""

    intent: int
    codes: tuple[CodeMention, ...]
    icd9: tuple[str, ...]
    modifiers: tuple[str, ...]
    phrase: str


def find_modifiers(question: str) -> tuple[str, ...]:
    """Two-character modifiers named as such ("modifier 25", "-59", "the XU modifier")."""
    matches = [*_MODIFIER_AFTER.finditer(question), *_MODIFIER_BEFORE.finditer(question)]
    found: list[str] = []
    for match in sorted(matches, key=lambda m: m.start()):
        value = next(group for group in match.groups() if group).upper()
        if value not in found and value not in {"IS", "IN", "OF", "TO", "ON", "AN", "OR"}:
            found.append(value)
    return tuple(found)


def description_phrase(question: str) -> str:
    """The description a FIND_CODE question asks about ("type 1 diabetes with ketoacidosis")."""
    quoted = _QUOTED.search(question)
    if quoted:
        return quoted.group(1).strip()
    asked_after = _ASKED_AFTER.search(question)
    if asked_after:
        return question[: asked_after.start()].strip(" ?.!\t\n\"'")
    match = _FIND.search(question)
    rest = question[match.end() :] if match else question
    rest = re.sub(r"^\s*(?:for|is|a|an|the|of|with)\s+", "", rest, flags=re.IGNORECASE)
    rest = re.sub(r"^\s*(?:a|an|the)\s+", "", rest, flags=re.IGNORECASE)
    return rest.strip(" ?.!\t\n\"'")


def read(question: str) -> Reading:
    """Understand one question (already checked for length)."""
    codes = tuple(find_code_mentions(question))
    icd9 = tuple(find_icd9(question))
    modifiers = find_modifiers(question)
    intent = _intent(question, has_code=bool(codes or icd9), has_modifier=bool(modifiers))
    phrase = description_phrase(question) if intent == pb.INTENT_FIND_CODE else ""
    return Reading(intent=intent, codes=codes, icd9=icd9, modifiers=modifiers, phrase=phrase)


def _intent(question: str, *, has_code: bool, has_modifier: bool) -> int:
    if not has_code and _FIND.search(question) and not _COVERAGE_DOCUMENT.search(question):
        return pb.INTENT_FIND_CODE
    for intent, pattern in _PATTERNS:
        if pattern.search(question):
            if intent == pb.INTENT_MODIFIER and not has_modifier and has_code:
                continue
            return intent
    if has_modifier:
        return pb.INTENT_MODIFIER
    if has_code:
        return pb.INTENT_CODE_MEANING
    return pb.INTENT_OUT_OF_SCOPE
