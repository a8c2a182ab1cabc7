"""What every answer composer gets: the question read, its valid codes, and where to look."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from medcode.codes.v1 import codes_service_pb2 as cpb
from medcode_assistant.answer import Answer
from medcode_assistant.knowledge_port import Knowledge
from medcode_assistant.lookup import Lookup
from medcode_assistant.reader import Reading
from medcode_assistant.resolve import KnownCode
from medcode_common.codesystems import PROTO_TO_SYSTEM, System


@dataclass
class Grounding:
    """One question being answered."""

    question: str
    reading: Reading
    known: list[KnownCode]
    lookup: Lookup
    knowledge: Knowledge | None
    answer: Answer

    def first(self, *systems: System) -> KnownCode | None:
        """The first valid code of the question in one of `systems` (any system when empty)."""
        for known in self.known:
            if not systems or known.system in systems:
                return known
        return None

    async def record(self, known: KnownCode) -> cpb.Code | None:
        """The code's full record; its title is cited and the code mentioned."""
        code = await self.lookup.get_code(known.system, known.code)
        if code is not None:
            self.answer.mention(
                known.system,
                code.code,
                title=code.title,
                billable=code.billable,
                release=code.release,
            )
            self.answer.cite("title", system=known.system, code=code.code, release=code.release)
        return code

    def mention_summary(self, system: System, summary: cpb.CodeSummary, release: str) -> None:
        """Mention a code the codes service returned inside a record (parent, child, ...)."""
        self.answer.mention(
            system, summary.code, title=summary.title, billable=summary.billable, release=release
        )

    async def valid_only(self, system: System, codes: Iterable[str]) -> list[KnownCode]:
        """Those of `codes` valid in the loaded release (mentioned), in the given order."""
        ordered = list(dict.fromkeys(codes))
        verdicts, release = await self.lookup.validate(system, ordered)
        kept: list[KnownCode] = []
        for code in ordered:
            verdict = verdicts.get(code)
            if verdict is not None and verdict.valid:
                known = KnownCode(system, verdict.code, verdict.title, verdict.billable, release)
                self.answer.mention(
                    system,
                    known.code,
                    title=known.title,
                    billable=known.billable,
                    release=release,
                )
                kept.append(known)
        return kept

    def not_loaded(self, record: cpb.Code, kinds: Iterable[str]) -> list[str]:
        """Which of the data sets `kinds` (prefixes: "mue" covers every MUE table) are not
        loaded, said once each in the answer."""
        missing: list[str] = []
        for status in record.datasets:
            if any(status.kind.startswith(kind) for kind in kinds) and not status.loaded:
                missing.append(status.kind)
                self.answer.missing_dataset(status.kind)
                self.answer.say(f"_Not loaded in this installation:_ {status.message}")
        return missing


def system_of(proto: int) -> System:
    """The System of a `medcode.codes.v1.CodeSystem` value."""
    return PROTO_TO_SYSTEM[proto]


def show(code: str, title: str) -> str:
    """How an answer writes a code and its title."""
    return f"**{code}** {title}" if title else f"**{code}**"
