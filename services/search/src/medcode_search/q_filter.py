"""The `q` parameter of the Clinical Tables API: a further constraint in a small query language.

NLM documents `q` as Elasticsearch query-string syntax that, unlike `terms`, is not
wildcarded for you but may hold wildcards and field names ("code:A15*"). MedCode reads this
subset of it, and refuses anything else with a message rather than guessing:

    q      := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*        (clauses side by side must all hold)
    unary  := ("NOT" | "-") unary | "(" or ")" | field ":" "(" or ")" | [field ":"] value
    value  := a word with optional * and ? wildcards, or a "quoted phrase"

A value given for `code` must match the whole code ("A15.0", "A15*"); for a title field it
must match one whole word of the folded title ("tuber*", "lung"), a phrase consecutive words.
A value with no field may match either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from medcode_search.prefix_match import CODE, Row
from medcode_search.spelling import WORD
from medcode_search.synonyms import normalise_phrase

MAX_Q = 500
Predicate = Callable[[Row], bool]
_TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"|([^\s()"]+))')
_UNSUPPORTED = re.compile(r"[\[\]{}~^/\\]")
_ENDS = frozenset({")", "OR"})  # what ends a run of clauses that must all hold
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u02b9\u2032`\u00b4")


class QSyntaxError(ValueError):
    """A `q` this reader does not accept; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    quoted: bool = False


def _tokens(q: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(q):
        if not q[position:].strip():
            break
        match = _TOKEN.match(q, position)
        if match is None:
            raise QSyntaxError(f"q has an unbalanced quote at character {position + 1}")
        position = match.end()
        opened, closed, phrase, word = match.groups()
        if phrase is not None:
            found.append(_Token(phrase, quoted=True))
        else:
            found.append(_Token(opened or closed or word))
    return found


def _wildcard(value: str) -> re.Pattern[str]:
    """`value` with * (any run) and ? (any one character) as a whole-string pattern."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in value)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


class _Parser:
    def __init__(self, tokens: list[_Token], title_fields: frozenset[str]) -> None:
        self._tokens = tokens
        self._at = 0
        self._title_fields = title_fields
        #: The field of a group ("name:(lung OR liver)"): its clauses' field when they name none.
        self._group_field = ""

    def _peek(self) -> _Token | None:
        return self._tokens[self._at] if self._at < len(self._tokens) else None

    def _next(self) -> _Token:
        token = self._peek()
        if token is None:
            raise QSyntaxError("q ends where a value was expected")
        self._at += 1
        return token

    def parse(self) -> Predicate:
        predicate = self._or()
        left = self._peek()
        if left is not None:
            raise QSyntaxError(f"q has an unexpected {left.text!r}")
        return predicate

    def _or(self) -> Predicate:
        options = [self._and()]
        while (token := self._peek()) is not None and not token.quoted and token.text == "OR":
            self._at += 1
            options.append(self._and())
        return options[0] if len(options) == 1 else lambda row: any(p(row) for p in options)

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while (token := self._peek()) is not None and (token.quoted or token.text not in _ENDS):
            if not token.quoted and token.text == "AND":
                self._at += 1
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else lambda row: all(p(row) for p in parts)

    def _unary(self) -> Predicate:
        token = self._next()
        if not token.quoted and token.text in {"NOT", "-"}:
            inner = self._unary()
            return lambda row: not inner(row)
        if not token.quoted and token.text.startswith("-") and len(token.text) > 1:
            inner = self._clause(_Token(token.text[1:]))
            return lambda row: not inner(row)
        if not token.quoted and token.text == "(":
            inner = self._or()
            closing = self._peek()
            if closing is None or closing.quoted or closing.text != ")":
                raise QSyntaxError("q has an unclosed parenthesis")
            self._at += 1
            return inner
        if not token.quoted and token.text in {")", "AND", "OR"}:
            raise QSyntaxError(f"q has {token.text!r} where a value was expected")
        return self._clause(token)

    def _clause(self, token: _Token) -> Predicate:
        field, value, quoted = self._group_field, token.text, token.quoted
        if not quoted and ":" in value:
            field, _colon, value = value.partition(":")
            following = self._peek()
            if not value and following is not None and following.text == "(":
                return self._group(field)  # field:(lung OR liver)
            if not value:  # field:"a phrase"
                if following is None or not following.quoted:
                    raise QSyntaxError(f"q field {field!r} has no value")
                self._at += 1
                value, quoted = following.text, True
        if not quoted and _UNSUPPORTED.search(value):
            raise QSyntaxError(
                f"q value {value!r} uses syntax MedCode does not support (ranges, fuzzy, boosts,"
                " regular expressions); use words, * and ? wildcards, quotes, AND, OR, NOT"
            )
        self._check_field(field)
        on_code = self._code_test(value, quoted) if field in ("", CODE) else None
        on_title = self._title_test(value, quoted) if field != CODE else None
        if on_code is not None and on_title is not None:
            return lambda row: on_code(row) or on_title(row)
        chosen = on_code or on_title
        assert chosen is not None
        return chosen

    def _group(self, field: str) -> Predicate:
        """A parenthesised group whose clauses default to `field`."""
        self._check_field(field)
        self._at += 1  # the "("
        outer, self._group_field = self._group_field, field
        inner = self._or()
        self._group_field = outer
        closing = self._peek()
        if closing is None or closing.quoted or closing.text != ")":
            raise QSyntaxError("q has an unclosed parenthesis")
        self._at += 1
        return inner

    def _check_field(self, field: str) -> None:
        if field and field != CODE and field not in self._title_fields:
            known = ", ".join(sorted({CODE, *self._title_fields}))
            raise QSyntaxError(f"q names the field {field!r}; this table has {known}")

    @staticmethod
    def _code_test(value: str, quoted: bool) -> Predicate:
        if quoted:
            wanted = value.strip().upper()
            return lambda row: row.code.upper() == wanted
        pattern = _wildcard(value)
        return lambda row: pattern.fullmatch(row.code) is not None

    @staticmethod
    def _title_test(value: str, quoted: bool) -> Predicate:
        if quoted:
            patterns = [re.compile(re.escape(w)) for w in WORD.findall(normalise_phrase(value))]
        else:
            patterns = [_wildcard(word) for word in fold_value(value)]
        if not patterns:
            return lambda row: False
        if len(patterns) == 1:
            only = patterns[0]
            return lambda row: any(only.fullmatch(word) for word in row.folded)
        return lambda row: _has_phrase(row.folded, patterns)


def fold_value(value: str) -> list[str]:
    """A q value folded as titles are (case, accents, apostrophes), wildcards kept; other
    punctuation splits it into several words ("non-st" is the phrase "non st")."""
    words: list[str] = []
    current: list[str] = []
    for char in value:
        if char in "*?":
            current.append(char)
        elif char in _APOSTROPHES:
            continue
        elif folded := normalise_phrase(char):
            first, *others = folded.split(" ")  # "\u00bc" folds to "1 4"
            current.append(first)
            for other in others:
                words.append("".join(current))
                current = [other]
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _has_phrase(words: tuple[str, ...], patterns: Sequence[re.Pattern[str]]) -> bool:
    """Whether consecutive `words` match `patterns` one to one, somewhere."""
    span = len(patterns)
    return any(
        all(p.fullmatch(w) for p, w in zip(patterns, words[i : i + span], strict=True))
        for i in range(len(words) - span + 1)
    )


@lru_cache(maxsize=256)
def _compiled(q: str, title_fields: frozenset[str]) -> Predicate:
    return _Parser(_tokens(q), title_fields).parse()


def parse_q(q: str, title_fields: Sequence[str]) -> Predicate | None:
    """A row predicate for `q` (None when it is blank); QSyntaxError when it is not read."""
    text = q.strip()
    if not text:
        return None
    if len(text) > MAX_Q:
        raise QSyntaxError(f"q is {len(text)} characters; at most {MAX_Q}")
    return _compiled(text, frozenset(title_fields))
