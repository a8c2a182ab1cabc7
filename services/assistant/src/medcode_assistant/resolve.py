"""Which system each code-shaped word of a question belongs to, per the loaded releases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode_assistant.code_shapes import CodeMention
from medcode_assistant.lookup import Lookup
from medcode_common.codesystems import System


@dataclass(frozen=True, slots=True)
class KnownCode:
    """A code valid in the loaded release of its system."""

    system: System
    code: str
    title: str
    billable: bool
    release: str


@dataclass(frozen=True, slots=True)
class UnknownCode:
    """A code-shaped word valid in no loaded system, with close valid codes of its category."""

    written: str
    system: System
    code: str
    near: tuple[cpb.CodeSummary, ...] = ()


@dataclass
class Resolution:
    """The question's codes split into valid ones and unknown ones, in question order."""

    known: list[KnownCode] = field(default_factory=list)
    unknown: list[UnknownCode] = field(default_factory=list)


async def resolve(lookup: Lookup, mentions: Sequence[CodeMention]) -> Resolution:
    """Validate every fit of every mention (one ValidateCodes per system) and keep the first
    valid fit of each; a mention with none is unknown in its most likely system."""
    wanted: dict[System, set[str]] = defaultdict(set)
    for mention in mentions:
        for system, code in mention.fits:
            wanted[system].add(code)
    verdicts: dict[System, dict[str, cpb.CodeVerdict]] = {}
    releases: dict[System, str] = {}
    for system, codes in wanted.items():
        verdicts[system], releases[system] = await lookup.validate(system, codes)
    result = Resolution()
    seen: set[tuple[System, str]] = set()
    for mention in mentions:
        known = _first_valid(mention, verdicts, releases)
        if known is not None:
            if (known.system, known.code) not in seen:
                seen.add((known.system, known.code))
                result.known.append(known)
            continue
        system, code = mention.fits[0]
        verdict = verdicts.get(system, {}).get(code)
        near = tuple(verdict.suggestions) if verdict is not None else ()
        result.unknown.append(UnknownCode(mention.text, system, code, near))
    return result


def _first_valid(
    mention: CodeMention,
    verdicts: dict[System, dict[str, cpb.CodeVerdict]],
    releases: dict[System, str],
) -> KnownCode | None:
    for system, code in mention.fits:
        verdict = verdicts.get(system, {}).get(code)
        if verdict is not None and verdict.valid:
            return KnownCode(
                system=system,
                code=verdict.code or code,
                title=verdict.title,
                billable=verdict.billable,
                release=releases[system],
            )
    return None
