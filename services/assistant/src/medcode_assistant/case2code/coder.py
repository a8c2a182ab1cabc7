"""Case2Code: codes for a piece of clinical text, each with the words that support it;
negated, historical, family and hypothetical mentions are listed apart, never suggested."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode_assistant.case2code.combinations import CodedMention, kind_of, plan_codes
from medcode_assistant.case2code.mentions import Mention, find_mentions
from medcode_assistant.case2code.rerank import Ranked, missing_details, rerank
from medcode_assistant.case2code.search import CodeSearch, SearchHit
from medcode_assistant.case2code.specificity import Specificity, read_specificity

__all__ = ["Case2Coder", "MAX_LIMIT", "MAX_TEXT_CHARS"]

MAX_TEXT_CHARS = 20_000
MAX_LIMIT = 50
DEFAULT_LIMIT = 10
#: Alternatives kept per mention after the best one.
PER_MENTION = 3
_SYSTEMS = {
    "problem": ("icd10cm",),
    "procedure": ("icd10pcs", "cpt", "hcpcs"),
    "supply": ("hcpcs",),
}
#: Terms that name a kind of injury or finding and need the site written after them.
GENERIC = frozenset(
    {
        "fracture",
        "sprain",
        "laceration",
        "contusion",
        "abscess",
        "cellulitis",
        "burn",
        "pressure ulcer",
    }
)
_CLAUSE_END = re.compile(r"[,;:.()]")
# "gout of the right great toe": the site after "of"/"in" narrows any condition.
_SITE_FOLLOWS = re.compile(r"\s+(?:of|in)\s", re.IGNORECASE)
_PROTO_SYSTEM = {
    "icd10cm": codes_pb.CODE_SYSTEM_ICD10CM,
    "icd10pcs": codes_pb.CODE_SYSTEM_ICD10PCS,
    "hcpcs": codes_pb.CODE_SYSTEM_HCPCS,
    "cpt": codes_pb.CODE_SYSTEM_CPT,
}


@dataclass
class _Choice:
    """A code on its way to the answer: its rank within its mention and its evidence."""

    hit: SearchHit
    score: float
    rank: int
    spans: list[tuple[int, int]] = field(default_factory=list)


def _validate(text: object, limit: object) -> int:
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text must be 1 to 20,000 characters of clinical text")
    if len(text) > MAX_TEXT_CHARS:
        raise ValueError(f"text is {len(text)} characters; at most {MAX_TEXT_CHARS} are read")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 0 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT} (0 means {DEFAULT_LIMIT})")
    return limit or DEFAULT_LIMIT


def _query(text: str, mention: Mention, spec: Specificity) -> str:
    """The mention's clinical words (with the site words after a generic one) plus the
    details its sentence states."""
    words = [mention.query]
    if mention.query in GENERIC or _SITE_FOLLOWS.match(text, mention.end):
        tail = _CLAUSE_END.split(text[mention.end : mention.sentence_end], maxsplit=1)[0]
        words.extend(tail.split()[:5])
    extra = [spec.laterality.value] if spec.laterality else []
    if spec.stage and mention.category == "problem":
        extra.append(f"stage {spec.stage.value}")
    if spec.encounter:
        extra.append(spec.encounter.value)
    return " ".join([*words, *extra])


class Case2Coder:
    """Suggests codes for clinical text through the caller's `CodeSearch`."""

    def __init__(self, search: CodeSearch) -> None:
        self._search = search

    async def suggest(self, text: str, limit: int = DEFAULT_LIMIT) -> pb.Case2CodeResponse:
        """Ranked current codes with evidence, what is missing, and the excluded mentions."""
        limit = _validate(text, limit)
        mentions = await asyncio.to_thread(find_mentions, text)
        current = [m for m in mentions if m.current]
        specs = [read_specificity(text, m.sentence_start, m.sentence_end, m.start) for m in current]
        coded = [CodedMention(i, kind_of(m.query), specs[i]) for i, m in enumerate(current)]
        planned = plan_codes(coded)
        excluded_mentions = [m for m in mentions if not m.current]
        planned_for = {index for plan in planned for index in plan.replaces}
        searched = [i for i in range(len(current)) if i not in planned_for]
        verified, excluded_hits, ranked_lists = await asyncio.gather(
            asyncio.gather(*(self._verify(plan.code) for plan in planned)),
            asyncio.gather(*(self._top(m) for m in excluded_mentions)),
            asyncio.gather(*(self._candidates(text, current[i], specs[i]) for i in searched)),
        )
        # A combination code missing from the loaded release: its mentions are searched alone.
        replaced = {
            index
            for plan, hit in zip(planned, verified, strict=True)
            if hit is not None
            for index in plan.replaces
        }
        fallback = sorted(planned_for - replaced)
        searched += fallback
        ranked_lists += await asyncio.gather(
            *(self._candidates(text, current[i], specs[i]) for i in fallback)
        )

        choices: dict[str, _Choice] = {}
        missing: list[str] = []
        for plan, hit in zip(planned, verified, strict=True):
            if hit is not None:
                spans = [s for i in plan.mentions for s in _spans(current[i], specs[i])]
                _add(choices, hit, 2.0, 0, spans)
        for i, ranked in zip(searched, ranked_lists, strict=True):
            hits = [item.hit for item in ranked]
            missing.extend(missing_details(current[i].text, hits, specs[i]))
            for rank, item in enumerate(ranked[: 1 + PER_MENTION]):
                _add(choices, item.hit, item.score, rank, _spans(current[i], specs[i]))
        missing.extend(_diabetes_missing(text, current, coded))
        excluded = _excluded(text, excluded_mentions, excluded_hits)
        excluded_codes = {e.code for e in excluded}
        ordered = sorted(choices.values(), key=lambda c: (c.rank, -c.score))
        suggestions = [
            _suggestion(text, choice)
            for choice in ordered
            if choice.rank == 0 or choice.hit.code not in excluded_codes
        ][:limit]
        return pb.Case2CodeResponse(
            suggestions=suggestions, missing=list(dict.fromkeys(missing)), excluded=excluded
        )

    async def _verify(self, code: str) -> SearchHit | None:
        """The planned code as the loaded release has it, or None when it is not there."""
        hits = await self._search.search(code, systems=("icd10cm",), limit=3)
        return next((hit for hit in hits if hit.code == code), None)

    async def _candidates(self, text: str, mention: Mention, spec: Specificity) -> list[Ranked]:
        systems = _SYSTEMS[mention.category]
        hits = await self._search.search(_query(text, mention, spec), systems=systems, limit=10)
        return rerank(mention.query, hits, spec)

    async def _top(self, mention: Mention) -> SearchHit | None:
        hits = await self._search.search(mention.query, systems=_SYSTEMS[mention.category], limit=1)
        return hits[0] if hits else None


def _spans(mention: Mention, spec: Specificity) -> list[tuple[int, int]]:
    """The mention and the details that shaped its code (type/control only for diabetes)."""
    if kind_of(mention.query) == "diabetes":
        details = [spec.diabetes_type, spec.control]
    else:
        details = [spec.laterality, spec.encounter, spec.stage]
    return [(mention.start, mention.end), *((d.start, d.end) for d in details if d)]


def _add(
    choices: dict[str, _Choice],
    hit: SearchHit,
    score: float,
    rank: int,
    spans: list[tuple[int, int]],
) -> None:
    key = f"{hit.system}:{hit.code}"
    known = choices.get(key)
    if known is None:
        choices[key] = _Choice(hit, score, rank, list(dict.fromkeys(spans)))
        return
    known.score = max(known.score, score)
    known.rank = min(known.rank, rank)
    known.spans = list(dict.fromkeys([*known.spans, *spans]))


def _diabetes_missing(
    text: str, current: Sequence[Mention], coded: Sequence[CodedMention]
) -> list[str]:
    """Diabetes type unstated (E11 by default), or "uncontrolled" without saying hyper- or
    hypoglycemia (coded as hyperglycemia until the coder confirms)."""
    missing = []
    for mention, item in zip(current, coded, strict=True):
        if item.kind != "diabetes":
            continue
        if item.spec.diabetes_type is None and "type" not in mention.query:
            missing.append(f"type for '{mention.text}'")
        control = item.spec.control
        stated = text[control.start : control.end].lower() if control else ""
        if "control" in stated:
            missing.append(f"control status for '{mention.text}'")
    return missing


def _evidence(text: str, spans: Sequence[tuple[int, int]]) -> list[pb.Evidence]:
    return [pb.Evidence(start=s, end=e, text=text[s:e]) for s, e in sorted(spans)]


def _suggestion(text: str, choice: _Choice) -> pb.Case2CodeSuggestion:
    return pb.Case2CodeSuggestion(
        system=_PROTO_SYSTEM.get(choice.hit.system, codes_pb.CODE_SYSTEM_UNSPECIFIED),
        code=choice.hit.code,
        title=choice.hit.title,
        score=choice.score,
        evidence=_evidence(text, choice.spans),
    )


def _excluded(
    text: str, mentions: Sequence[Mention], hits: Sequence[SearchHit | None]
) -> list[pb.Case2CodeSuggestion]:
    excluded = []
    for mention, hit in zip(mentions, hits, strict=True):
        if hit is None:
            continue
        excluded.append(
            pb.Case2CodeSuggestion(
                system=_PROTO_SYSTEM.get(hit.system, codes_pb.CODE_SYSTEM_UNSPECIFIED),
                code=hit.code,
                title=hit.title,
                score=0.0,
                evidence=_evidence(text, [(mention.start, mention.end)]),
                negated=mention.negated,
                historical=mention.historical,
            )
        )
    return excluded
