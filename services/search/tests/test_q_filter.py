"""The `q` reader of the Clinical Tables endpoints: generated queries against a reference
evaluator (fnmatch over codes and title words), and clear errors for what it does not read."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_search.prefix_match import Row, title_words
from medcode_search.q_filter import QSyntaxError, fold_value, parse_q

ROWS = [
    Row(code, title, True, n, title_words(title))
    for n, (code, title) in enumerate(
        [
            ("A15.0", "Tuberculosis of lung"),
            ("A15.9", "Respiratory tuberculosis unspecified"),
            ("E11.9", "Type 2 diabetes mellitus without complications"),
            ("E10.9", "Type 1 diabetes mellitus without complications"),
            ("J18.9", "Pneumonia, unspecified organism"),
            ("G30.9", "Alzheimer's disease, unspecified"),
        ]
    )
]


@dataclass(frozen=True)
class Clause:
    field: str  # "", "code" or "name"
    value: str

    def text(self) -> str:
        return f"{self.field}:{self.value}" if self.field else self.value

    def holds(self, row: Row) -> bool:
        on_code = fnmatch.fnmatchcase(row.code.upper(), self.value.upper())
        on_name = any(fnmatch.fnmatchcase(w, self.value.lower()) for w in row.folded)
        if self.field == "code":
            return on_code
        if self.field == "name":
            return on_name
        return on_code or on_name


@dataclass(frozen=True)
class Op:
    kind: str  # AND, OR, NOT
    parts: tuple[object, ...]

    def text(self) -> str:
        if self.kind == "NOT":
            return f"NOT {text_of(self.parts[0])}"
        return "(" + f" {self.kind} ".join(text_of(p) for p in self.parts) + ")"

    def holds(self, row: Row) -> bool:
        if self.kind == "NOT":
            return not holds(self.parts[0], row)
        results = [holds(part, row) for part in self.parts]
        return all(results) if self.kind == "AND" else any(results)


def text_of(node: object) -> str:
    assert isinstance(node, Clause | Op)
    return node.text()


def holds(node: object, row: Row) -> bool:
    assert isinstance(node, Clause | Op)
    return node.holds(row)


values = st.sampled_from(
    ["A15*", "a15.?", "E1?.9", "*9", "tuberc*", "lung", "diabetes", "*itus", "unspecified",
     "alzheimers", "pneumonia", "x*", "type", "2"]
)  # fmt: skip
clauses = st.builds(Clause, st.sampled_from(["", "code", "name"]), values)
trees = st.recursive(
    clauses,
    lambda inner: st.one_of(
        st.builds(lambda a: Op("NOT", (a,)), inner),
        st.builds(lambda a, b: Op("AND", (a, b)), inner, inner),
        st.builds(lambda a, b: Op("OR", (a, b)), inner, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=300)
@given(trees)
def test_q_selects_exactly_what_the_reference_evaluator_selects(tree: object) -> None:
    predicate = parse_q(text_of(tree), ["name"])
    assert predicate is not None
    assert [predicate(row) for row in ROWS] == [holds(tree, row) for row in ROWS]


@given(st.lists(clauses, min_size=2, max_size=4))
def test_clauses_side_by_side_must_all_hold(parts: list[Clause]) -> None:
    predicate = parse_q(" ".join(part.text() for part in parts), ["name"])
    assert predicate is not None
    assert [predicate(row) for row in ROWS] == [all(p.holds(row) for p in parts) for row in ROWS]


def test_phrases_negation_and_folding() -> None:
    def chosen(q: str, fields: tuple[str, ...] = ("name",)) -> list[str]:
        predicate = parse_q(q, fields)
        assert predicate is not None
        return [row.code for row in ROWS if predicate(row)]

    assert chosen('name:"of lung"') == ["A15.0"]
    assert chosen('name:"lung of"') == []
    assert chosen("tuberc* -code:A15.9") == ["A15.0"]
    assert chosen("name:Alzheimer's") == ["G30.9"]  # folded as titles are
    assert chosen("long_desc:pneumonia", ("display", "long_desc")) == ["J18.9"]
    assert parse_q("   ", ["name"]) is None


@given(st.text(max_size=40))
def test_folded_values_are_words_and_wildcards(value: str) -> None:
    for word in fold_value(value):
        assert word and all(c.isalnum() or c in "*?" for c in word)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("colour:red", "field 'colour'"),
        ("name:[a TO b]", "does not support"),
        ("lung~2", "does not support"),
        ('"unclosed', "unbalanced quote"),
        ("(lung OR liver", "unclosed parenthesis"),
        ("lung)", "unexpected ')'"),
        ("OR lung", "where a value was expected"),
        ("name:", "has no value"),
        ("x" * 501, "at most 500"),
    ],
)
def test_what_q_cannot_read_is_refused_with_a_reason(q: str, message: str) -> None:
    with pytest.raises(QSyntaxError, match=re.escape(message)):
        parse_q(q, ["name"])


@given(st.sampled_from(["code", "name"]), st.lists(values, min_size=1, max_size=3), st.booleans())
def test_a_field_group_is_its_clauses_each_in_that_field(
    field: str, parts: list[str], either: bool
) -> None:
    joiner = " OR " if either else " AND "
    grouped = parse_q(f"{field}:({joiner.join(parts)})", ["name"])
    spelled = parse_q("(" + joiner.join(f"{field}:{part}" for part in parts) + ")", ["name"])
    assert grouped is not None and spelled is not None
    assert [grouped(row) for row in ROWS] == [spelled(row) for row in ROWS]
