"""Completions of a half-typed word, and the commonness prior's bounds, on small corpora."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search import index
from medcode_search.backends.tantivy_candidates import TantivyCandidates
from medcode_search.commonness import Commonness, parse_common_codes
from medcode_search.completion import Completer
from medcode_search.corpus import Corpus
from medcode_search.documents import IndexedCode
from medcode_search.engine import SearchEngine
from medcode_search.synonyms import SynonymExpander, load_synonyms

SYNONYMS = SynonymExpander(load_synonyms())

COUNTS = {
    "icd10cm": {"diabetes": 500, "diabetic": 300, "dialysis": 40, "ankle": 900, "ankylosis": 30,
                "nose": 200, "not": 5000, "nasal": 150, "flu": 20, "fluid": 60, "of": 9000},
    "icd10pcs": {"fluoroscopy": 20000, "fluid": 500},
}  # fmt: skip
LAY = [("runny", "nose"), ("shortness", "of", "breath"), ("underactive", "thyroid"), ("dandruff",)]


def completer(**options: object) -> Completer:
    return Completer(COUNTS, lay_phrases=LAY, system_weights={"icd10pcs": 0.05}, **options)  # type: ignore[arg-type]


def words(found: list[object]) -> list[str]:
    return [c.word for c in found]  # type: ignore[attr-defined]


def test_a_fragment_completes_to_its_likeliest_words() -> None:
    assert words(completer().complete(["dia"]))[:2] == ["diabetes", "diabetic"]
    assert words(completer().complete(["dandr"])) == ["dandruff"]  # a lay word codes never say


def test_common_codes_words_come_first() -> None:
    common = {"icd10cm": {"diabetic": 2.0}}
    assert words(completer(common=common).complete(["dia"]))[0] == "diabetic"


def test_a_whole_word_typed_comes_before_its_longer_words() -> None:
    assert words(completer().complete(["flu"], systems=["icd10cm"]))[0] == "flu"


def test_one_systems_words_or_all_weighed() -> None:
    # ICD-10-PCS counts weigh a twentieth: "fluoroscopy" does not crowd out "fluid" overall.
    assert words(completer().complete(["flui"]))[0] == "fluid"
    assert words(completer().complete(["fluo"], systems=["icd10pcs"])) == ["fluoroscopy"]


def test_the_rest_of_a_lay_phrase_comes_first() -> None:
    assert words(completer().complete(["runny", "no"]))[0] == "nose"
    assert words(completer().complete(["shortness", "o"]))[0] == "of breath"
    assert words(completer().complete(["runny", ""]))[0] == "nose"  # after a space
    found = words(completer().complete(["underact"]))
    assert found[:2] == ["underactive", "underactive thyroid"]


def test_earlier_words_context_reorders() -> None:
    plain = words(completer().complete(["sprain", "ank"]))
    assert plain[0] == "ankle"
    shared = words(completer().complete(["fused", "ank"], context={"ankylosis": 3}))
    assert shared[0] == "ankylosis"  # the only word sharing titles with "fused"


def test_a_connector_typed_whole_is_kept() -> None:
    assert words(completer().complete(["drainage", "of"]))[0] == "of"


@given(st.sampled_from(sorted({w for c in COUNTS.values() for w in c})), st.integers(1, 6))
def test_completions_start_with_the_fragment(word: str, length: int) -> None:
    fragment = word[:length]
    for completion in completer().complete([fragment]):
        assert completion.word.startswith(fragment)


def test_common_codes_file_rows_are_checked() -> None:
    text = "# a comment\nsystem\tcode\tweight\tnote\nicd10cm\ti10\t1\thigh blood pressure\n"
    assert parse_common_codes(text) == {("icd10cm", "I10"): 1.0}
    for bad in ("icd10cm\tI10\t1.5\tx", "icd10cm\tI10\tlots\tx", "\tI10\t1\tx"):
        with pytest.raises(ValueError, match="common codes"):
            parse_common_codes("system\tcode\tweight\tnote\n" + bad + "\n")


def _code(code: str, title: str, parent: str = "X01") -> IndexedCode:
    return IndexedCode("icd10cm", code, title, "code", True, "2026", (), ("X", parent))


def test_a_listed_codes_heading_gets_half_its_weight() -> None:
    heading = IndexedCode("icd10cm", "X01", "Widget fever", "category", False, "2026", (), ("X",))
    commonness = Commonness(
        [heading, _code("X01.9", "Widget fever, unspecified")], {("icd10cm", "X01.9"): 0.8}
    )
    assert commonness.weight("icd10cm", "X01.9") == 0.8
    assert commonness.weight("icd10cm", "X01") == pytest.approx(0.4)


DOCS = [
    _code("X01.0", "Widget fever"),
    _code("X01.1", "Widget fever"),  # the same words: a tie the prior may break
    _code("X02.0", "Widget disorder with fever of the left ear and rash of the right toe", "X02"),
    _code("X03.0", "Gizmo pain"),
]


def suggested(common: dict[tuple[str, str], float], typed: str = "widget fe") -> list[str]:
    source = TantivyCandidates(index.build(DOCS, None), len(DOCS))
    engine = SearchEngine(Corpus(DOCS), source, SYNONYMS, common_codes=common)
    return [hit.document.code for hit in engine.suggest(typed)]


def test_the_commonness_prior_breaks_ties_and_never_lifts_a_clearly_worse_match() -> None:
    assert suggested({})[:2] == ["X01.0", "X01.1"]
    assert suggested({("icd10cm", "X01.1"): 1.0})[:2] == ["X01.1", "X01.0"]
    lifted = suggested({("icd10cm", "X02.0"): 1.0})
    assert lifted.index("X02.0") > lifted.index("X01.0")


ENGINE = SearchEngine(Corpus(DOCS), TantivyCandidates(index.build(DOCS, None), len(DOCS)), SYNONYMS)


@given(st.text(min_size=1, max_size=80).filter(lambda text: text.strip()), st.integers(1, 5))
def test_any_text_typed_gets_at_most_limit_distinct_suggestions(text: str, limit: int) -> None:
    hits = ENGINE.suggest(text, limit=limit)
    assert len(hits) <= limit
    assert len({(hit.document.system, hit.document.code) for hit in hits}) == len(hits)
    assert all(hit.score > 0 for hit in hits)
