"""An answer as it is built: markdown lines, the citation of each fact, the codes it names."""

from __future__ import annotations

from dataclasses import dataclass, field

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode_common.codesystems import System


@dataclass
class Answer:
    """One grounded answer; `to_proto` freezes it into the contract's AskResponse."""

    intent: int
    lines: list[str] = field(default_factory=list)
    citations: list[pb.Citation] = field(default_factory=list)
    codes: dict[tuple[System, str], pb.MentionedCode] = field(default_factory=dict)
    follow_ups: list[str] = field(default_factory=list)
    not_loaded: list[str] = field(default_factory=list)
    unknown_codes: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        """Append one markdown paragraph or list line."""
        self.lines.append(text)

    def cite(
        self,
        source: str,
        *,
        system: System | None = None,
        code: str = "",
        release: str = "",
        reference: str = "",
    ) -> None:
        """Record where a fact comes from (once per distinct citation)."""
        citation = pb.Citation(
            system=system.proto if system else 0,  # type: ignore[arg-type]
            code=code,
            release=release,
            source=source,
            reference=reference,
        )
        if citation not in self.citations:
            self.citations.append(citation)

    def mention(
        self, system: System, code: str, *, title: str, billable: bool, release: str
    ) -> None:
        """Record a code the answer names, as the codes service confirmed it."""
        self.codes.setdefault(
            (system, code),
            pb.MentionedCode(
                system=system.proto,  # type: ignore[arg-type]
                code=code,
                title=title,
                billable=billable,
                release=release,
            ),
        )

    def suggest(self, question: str) -> None:
        """Offer a follow-up question (no duplicates)."""
        if question not in self.follow_ups:
            self.follow_ups.append(question)

    def missing_dataset(self, kind: str) -> None:
        """Note a data set the answer needed but this installation has not loaded."""
        if kind not in self.not_loaded:
            self.not_loaded.append(kind)

    @property
    def text(self) -> str:
        """The answer's markdown: paragraphs apart, list lines of one list together."""
        parts: list[str] = []
        for index, line in enumerate(self.lines):
            if index:
                in_list = line.startswith(("- ", "  ")) and self.lines[index - 1].startswith(
                    ("- ", "  ")
                )
                parts.append("\n" if in_list else "\n\n")
            parts.append(line)
        return "".join(parts)

    def to_proto(self, conversation_id: str, text: str | None = None) -> pb.AskResponse:
        """The contract's reply; `text` replaces the markdown (a validated rephrasing)."""
        return pb.AskResponse(
            answer=self.text if text is None else text,
            citations=self.citations,
            codes=list(self.codes.values()),
            follow_ups=self.follow_ups,
            intent=self.intent,  # type: ignore[arg-type]
            conversation_id=conversation_id,
            not_loaded=self.not_loaded,
            unknown_codes=self.unknown_codes,
        )
