"""The last gate before an answer leaves: every code-shaped word must be a valid code.

Codes the composers confirmed are already in the answer; any other code-shaped word is
checked with ValidateCodes in each system it fits. A word valid in none is withheld from
the text (grounded answers) or makes the whole text refused (generated rephrasings).
"""

from __future__ import annotations

import re
from collections import defaultdict

from medcode_assistant.answer import Answer
from medcode_assistant.code_shapes import CodeMention, find_code_mentions
from medcode_assistant.lookup import Lookup
from medcode_common.codesystems import System

WITHHELD = "[code withheld: not valid in the loaded release]"


def unconfirmed(answer: Answer, text: str) -> list[CodeMention]:
    """Code-shaped words of `text` that are neither mentioned codes nor called unknown."""
    confirmed = {code for _system, code in answer.codes}
    unknown = set(answer.unknown_codes)
    return [
        mention
        for mention in find_code_mentions(text)
        if mention.text not in unknown
        and not any(code in confirmed or code in unknown for _s, code in mention.fits)
    ]


async def confirm(lookup: Lookup, answer: Answer, text: str) -> list[CodeMention]:
    """Validate the unconfirmed words of `text`, mention the valid ones, return the rest."""
    pending = unconfirmed(answer, text)
    if not pending:
        return []
    wanted: dict[System, set[str]] = defaultdict(set)
    for mention in pending:
        for system, code in mention.fits:
            wanted[system].add(code)
    valid: set[str] = set()
    for system, codes in wanted.items():
        verdicts, release = await lookup.validate(system, codes)
        for code, verdict in verdicts.items():
            if verdict.valid:
                answer.mention(
                    system,
                    verdict.code,
                    title=verdict.title,
                    billable=verdict.billable,
                    release=release,
                )
                valid.add(code)
    return [m for m in pending if not any(code in valid for _s, code in m.fits)]


async def seal(lookup: Lookup, answer: Answer) -> None:
    """Confirm every code of the grounded answer; withhold what the codes service refuses."""
    rejected = await confirm(lookup, answer, answer.text)
    if not rejected:
        return
    words = {mention.text for mention in rejected}
    pattern = re.compile(
        r"(?<![0-9A-Za-z.])(?<![A-Za-z.]-)(?:"
        + "|".join(re.escape(w) for w in sorted(words))
        + r")(?![0-9A-Za-z])"
    )
    answer.lines = [pattern.sub(WITHHELD, line) for line in answer.lines]
