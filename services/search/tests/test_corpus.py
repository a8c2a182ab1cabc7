"""What the ranking knows without any index: rarity from the documents themselves (equal to
what tantivy counts over the same fields), and typo correction from the titles' words."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_search import documents, index
from medcode_search.corpus import Corpus, DocFrequencies
from medcode_search.documents import IndexedCode
from medcode_search.fields import searchable
from medcode_search.query import text_stems
from medcode_search.spelling import Corrector, TitleWords, edit_distance


def _tantivy_doc_freq(searcher: tantivy.Searcher, stem: str) -> int:
    return int(searcher.doc_freq("title", stem) + searcher.doc_freq("terms", stem))


def _stems(docs: list[IndexedCode]) -> set[str]:
    return {
        stem
        for document in docs
        for texts in searchable(document).values()
        for text in texts
        for stem in text_stems(text)
    }


def _code(title: str, terms: tuple[str, ...] = (), n: int = 0) -> IndexedCode:
    return IndexedCode("icd10cm", f"X{n:02d}", title, "code", True, "2026", terms, ("X",))


ACCENTED = [
    _code("Sjögren syndrome", ("Sicca syndrome",), 1),
    _code("Alzheimer's disease, unspecified", ("Alzheimer's dementia", "Senile dementia"), 2),
    _code("Ménière's disease: inner ear disorder", ("Endolymphatic hydrops",), 3),
    _code("Crohn’s disease of small intestine", (), 4),
]


def test_rarity_counts_what_tantivy_counts_in_titles_and_terms() -> None:
    searcher = index.build(ACCENTED, None).searcher()
    counted = Corpus(ACCENTED).frequencies
    for stem in _stems(ACCENTED) | {"sjogren", "alzheim", "menier", "crohn", "absent"}:
        assert counted.doc_freq(stem) == _tantivy_doc_freq(searcher, stem), stem
    assert counted.doc_freq("sjogren") == 1  # folded in both: "sjögren" is "sjogren"
    assert counted.num_docs == len(ACCENTED)


_WORDS = st.sampled_from(["fracture", "fractures", "née", "o'brien", "lung", "Lung", "ß", "x-ray"])
_TEXTS = st.lists(_WORDS, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(_TEXTS, st.lists(_TEXTS, max_size=2)), min_size=1, max_size=5))
def test_any_texts_give_the_same_rarity_in_memory_and_in_tantivy(
    rows: list[tuple[str, list[str]]],
) -> None:
    docs = [_code(title, tuple(terms), n) for n, (title, terms) in enumerate(rows)]
    searcher = index.build(docs, None).searcher()
    counted = DocFrequencies()
    for document in docs:
        counted.add(searchable(document))
    for stem in _stems(docs):
        assert counted.doc_freq(stem) == _tantivy_doc_freq(searcher, stem), stem


def test_the_real_code_sets_give_the_same_rarity_in_memory_and_in_tantivy(
    search_address: str, codes_data_dir: Path
) -> None:
    (folder,) = [p.parent for p in (codes_data_dir / "search").glob("*/documents.jsonl")]
    docs = list(documents.load(folder / "documents.jsonl"))
    searcher = index.open_saved(folder / "tantivy").searcher()
    counted = DocFrequencies()
    for document in docs:
        counted.add(searchable(document))
    stems = {s for d in docs[::50] for text in searchable(d)["title"] for s in text_stems(text)}
    assert len(stems) > 1000
    assert {s for s in stems if counted.doc_freq(s) != _tantivy_doc_freq(searcher, s)} == set()


_LETTERS = st.text(alphabet="abcdeh", min_size=1, max_size=9)


@settings(max_examples=200)
@given(st.sets(_LETTERS, min_size=1, max_size=40), _LETTERS, st.integers(1, 2))
def test_title_words_within_a_distance_are_exactly_those_the_distance_allows(
    vocabulary: set[str], word: str, distance: int
) -> None:
    found = TitleWords(vocabulary).within(word, distance)
    expected = {(edit_distance(word, w, distance), w) for w in vocabulary}
    assert sorted(found) == sorted(pair for pair in expected if pair[0] <= distance)


def _full_distance(a: str, b: str) -> int:
    """Restricted Damerau-Levenshtein over the whole table (the reference)."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(
                table[i - 1][j] + 1,
                table[i][j - 1] + 1,
                table[i - 1][j - 1] + (a[i - 1] != b[j - 1]),
            )
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[-1][-1]


@settings(max_examples=500)
@given(_LETTERS | st.just(""), _LETTERS | st.just(""), st.integers(0, 3))
def test_the_banded_distance_is_the_full_one_up_to_its_limit(a: str, b: str, limit: int) -> None:
    assert edit_distance(a, b, limit) == min(_full_distance(a, b), limit + 1)


def test_a_typo_becomes_the_closest_then_most_frequent_title_word() -> None:
    corrector = Corrector(
        vocabulary=Counter(
            {"pneumonia": 40, "alzheimer": 3, "alzheimers": 5, "choleperitonitis": 1, "disease": 9}
        ),
        titles=TitleWords(["pneumonia", "alzheimer", "alzheimers", "choleperitonitis"]),
    )
    assert corrector.correct("pnuemonia") == "pneumonia"  # a swap costs one edit
    assert corrector.correct("alzimer") == "alzheimer"  # two edits; "alzheimers" needs three
    assert corrector.correct("choleperitoneum") == "choleperitonitis"  # same seven letters
    assert corrector.correct("disease") == "disease"  # known words stay
    assert corrector.correct("flu") == "flu"  # too short to correct


@pytest.mark.parametrize(
    ("word", "title"),
    [("alzimer", "Alzheimer's disease"), ("menieres", "Ménière's disease")],
)
def test_a_possessive_title_word_is_a_correction_either_way(word: str, title: str) -> None:
    corpus = Corpus([_code(title)])
    assert corpus.corrector.correct(word) in {"alzheimer", "meniere", "menieres"}
