"""The knowledge base: exact lookups for modifiers and root operations, and a simple,
deterministic ranking of entries by the words of a coder's question."""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from medcode_assistant.knowledge import matching
from medcode_assistant.knowledge.entry import KINDS, Entry, KnowledgeError
from medcode_assistant.knowledge.loader import check_unique, load_files, packaged_files

#: How many entries find() returns unless told otherwise.
DEFAULT_LIMIT = 5
#: Below this an entry matched only by chance (one common word); nothing is better than noise.
MIN_SCORE = 1.5
#: Entries scoring under this share of the best one are dropped as weaker side matches.
RELATIVE_CUTOFF = 0.4

_CODE_NAME = re.compile(r"^[A-Z0-9]{2}$")
_EXPLICIT_CODE = 20.0
_BARE_CODE = 12.0
_QUOTED_NAME = 15.0
_PHRASE_WORD = 1.5


@dataclass(frozen=True)
class _Indexed:
    """What ranking needs of one entry, computed once."""

    entry: Entry
    order: tuple[int, str]
    names: tuple[str, ...]
    phrases: tuple[tuple[tuple[str, ...], frozenset[str]], ...]
    terms: frozenset[str]
    modifier_codes: frozenset[str]


def _index(entry: Entry) -> _Indexed:
    names = tuple(" ".join(name.lower().split()) for name in (entry.key, *entry.aliases))
    codes = frozenset(
        name.upper() for name in (entry.key, *entry.aliases) if _CODE_NAME.match(name.upper())
    )
    phrases = []
    for name in (entry.key, *entry.aliases):
        if entry.kind == "modifier" and name.upper() in codes:
            continue  # a modifier's own code is matched as a code, never as a word
        stems = matching.words(name)
        content = frozenset(matching.content_words(name))
        if len(stems) > 1 or content:
            phrases.append((tuple(stems), content))
    terms = matching.content_words(" ".join((entry.key, entry.title, *entry.aliases)))
    if entry.kind == "modifier":
        terms -= {code.lower() for code in codes}
    return _Indexed(
        entry=entry,
        order=(KINDS.index(entry.kind), entry.key),
        names=names,
        phrases=tuple(phrases),
        terms=frozenset(terms),
        modifier_codes=codes if entry.kind == "modifier" else frozenset(),
    )


class KnowledgeBase:
    """Entries by kind and key, with the lookups and the ranking CasePilot answers from."""

    def __init__(self, entries: Iterable[Entry], root_characters: Mapping[str, str] | None = None):
        self._entries = tuple(entries)
        for entry in self._entries:
            if entry.kind not in KINDS:
                raise KnowledgeError(f"{entry.key}: unknown kind {entry.kind!r}")
        check_unique(self._entries)
        self._indexed = tuple(_index(entry) for entry in self._entries)
        self._by_modifier = {
            code: item.entry for item in self._indexed for code in item.modifier_codes
        }
        self._roots = {
            entry.key.lower(): entry
            for entry in self._entries
            if entry.kind == "pcs_root_operation"
        }
        self._root_characters = {
            character.upper(): self._roots[key.lower()]
            for character, key in (root_characters or {}).items()
            if key.lower() in self._roots
        }
        frequency = Counter(term for item in self._indexed for term in item.terms)
        total = max(len(self._indexed), 1)
        self._idf = {term: math.log(1 + total / count) for term, count in frequency.items()}

    @classmethod
    def load(cls) -> KnowledgeBase:
        """The knowledge base shipped in the package (every `knowledge/*.yaml`), read once per
        process: it never changes while the service runs."""
        return _packaged()

    @classmethod
    def from_files(cls, paths: Iterable[Path]) -> KnowledgeBase:
        """A knowledge base from the given YAML files (tests, or an operator's own set)."""
        loaded = load_files(paths)
        return cls(loaded.entries, loaded.root_characters)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in file order."""
        return self._entries

    def get(self, kind: str, key: str) -> Entry | None:
        """One entry by kind and key (case-insensitive), or None."""
        folded = key.strip().lower()
        return next((e for e in self._entries if e.kind == kind and e.key.lower() == folded), None)

    def modifier(self, code: str) -> Entry | None:
        """The entry of a CPT/HCPCS modifier ("25", "xu", "-59", "RT"), or None."""
        return self._by_modifier.get(code.strip().lstrip("-").strip().upper())

    def root_operation(self, name_or_character: str) -> Entry | None:
        """A medical and surgical root operation by name ("excision") or 3rd character ("B")."""
        text = " ".join(name_or_character.strip().lower().split())
        if len(text) == 1:
            return self._root_characters.get(text.upper())
        return self._roots.get(text)

    def find(
        self, question: str, kinds: Collection[str] = (), limit: int = DEFAULT_LIMIT
    ) -> list[Entry]:
        """Entries that fit a question, best first; empty when nothing fits."""
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds {sorted(unknown)}; expected some of {list(KINDS)}")
        if limit < 1:
            raise ValueError("limit must be at least 1")
        asked = _Question(question)
        asked.about_modifiers = asked.about_modifiers or any(
            code in self._by_modifier and not code.isdigit() for code in asked.bare
        )
        scored = [
            (score, item)
            for item in self._indexed
            if not kinds or item.entry.kind in kinds
            if (score := self._score(item, asked)) >= MIN_SCORE
        ]
        if not scored:
            return []
        best = max(score for score, _ in scored)
        scored = [pair for pair in scored if pair[0] >= best * RELATIVE_CUTOFF]
        scored.sort(key=lambda pair: (-pair[0], pair[1].order))
        return [item.entry for _, item in scored[:limit]]

    def _score(self, item: _Indexed, question: _Question) -> float:
        score = 0.0
        if item.modifier_codes:
            if item.modifier_codes & question.explicit:
                score += _EXPLICIT_CODE
            elif any(
                code in question.bare and (not code.isdigit() or question.about_modifiers)
                for code in item.modifier_codes
            ):
                score += _BARE_CODE
        if item.entry.kind == "pcs_root_operation" and any(
            self._root_characters.get(character) is item.entry
            for character in question.root_characters
        ):
            score += _EXPLICIT_CODE
        if question.quoted and question.quoted.intersection(item.names):
            score += _QUOTED_NAME
        score += max(
            (
                _PHRASE_WORD * len(stems) + sum(self._idf.get(term, 0.0) for term in content)
                for stems, content in item.phrases
                if question.word_set.issuperset(stems)
                and matching.contains_phrase(question.words, list(stems))
            ),
            default=0.0,
        )
        score += sum(self._idf.get(term, 0.0) for term in question.content & item.terms)
        return score


class _Question:
    """A question's words, folded once for every entry it is scored against."""

    def __init__(self, text: str) -> None:
        self.words = matching.words(text)
        self.word_set = frozenset(self.words)
        self.content = matching.content_words(text)
        self.quoted = matching.quoted_terms(text)
        self.explicit = matching.explicit_modifiers(text)
        self.bare = matching.bare_tokens(text)
        self.root_characters = matching.root_characters(text)
        self.about_modifiers = bool(self.explicit) or "modifier" in text.lower()


@functools.cache
def _packaged() -> KnowledgeBase:
    """The packaged knowledge base, shared: it has no mutating methods."""
    return KnowledgeBase.from_files(packaged_files())
