"""Other codes' notes lend their words to the codes they name; headings split by side."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from medcode_search.backends.tantivy_backend import tantivy_engine
from medcode_search.defaults import default_children
from medcode_search.documents import IndexedCode
from medcode_search.indexer import with_references
from medcode_search.references import (
    MAX_RANGE,
    CodeResolver,
    note_words,
    referenced_texts,
    references,
)
from medcode_search.splits import (
    REMISSION_STEMS,
    SIDE_STEMS,
    TRIMESTER_STEMS,
    split_headings,
)
from medcode_search.synonyms import SynonymExpander

CODES = st.from_regex(r"[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?", fullmatch=True)


def test_references_read_codes_ranges_and_dashes() -> None:
    assert references("chilblains (T69.1)") == [("T69.1", "")]
    assert references("burns (electric) (T20-T31)") == [("T20", "T31")]
    assert references("psychogenic sexual dysfunction (F52.-)") == [("F52", "")]
    assert references("ulcer (L97.-, L98.49-), if applicable") == [("L97", ""), ("L98.49", "")]
    assert references("drug (T36-T50 with fifth or sixth character 5)") == [("T36", "T50")]
    assert references("congenital (diffuse) cutaneous mastocytosis") == []


def test_note_words_drop_only_the_code_references() -> None:
    assert note_words("chilblains (T69.1)") == "chilblains"
    assert note_words("burns (electric) (T20-T31)") == "burns (electric)"
    assert note_words("ulcer (L97.-, L98.49-), if applicable") == "ulcer, if applicable"


def test_resolver_takes_the_longest_existing_code_and_bounded_ranges() -> None:
    resolver = CodeResolver(["T45", "T45.1", "T45.1X5", "T20", "T21", "T31", "T20-T25"])
    assert resolver.resolve("T45.1X", "") == ["T45.1"]
    assert resolver.resolve("Q99", "") == []
    assert resolver.resolve("T20", "T31") == ["T20", "T21", "T31"]
    assert resolver.resolve("T31", "T20") == []
    wide = CodeResolver([f"A{n:02d}" for n in range(100)])
    assert wide.resolve("A00", "A99") == []  # a chapter's worth names no one condition


@given(CODES)
def test_a_parenthesised_code_is_read_back(code: str) -> None:
    assert references(f"some condition ({code})") == [(code, "")]
    assert references(f"some condition ({code}-)") == [(code, "")]
    assert note_words(f"some condition ({code})") == "some condition"


@given(st.text(max_size=80))
def test_any_text_parses_without_error(text: str) -> None:
    for first, last in references(text):
        assert first and not first.endswith(("-", "."))
        assert not last.endswith(("-", "."))
    words = note_words(text)
    assert words == words.strip(" ,;:")


@given(st.lists(CODES, max_size=40, unique=True), CODES, CODES)
def test_ranges_stay_inside_and_bounded(codes: list[str], first: str, last: str) -> None:
    found = CodeResolver(codes).resolve(first, last)
    assert len(found) <= MAX_RANGE
    assert all(code in codes and first <= code for code in found)


def test_a_note_never_lends_words_to_its_own_code() -> None:
    lent = referenced_texts({"X10": ["sprocket (X10)", "gizmo (X20)"]}, ["X10", "X20"])
    assert lent == {"X20": ("gizmo",)}


def _node(code: str, title: str, *, billable: bool = True) -> IndexedCode:
    return IndexedCode("icd10cm", code, title, "code", billable, "2026", (), ("X",))


def test_a_code_is_found_by_words_only_other_codes_notes_use() -> None:
    exported = [
        _node("X10", "Vascular widget disorder", billable=False),
        _node("X20.1", "Cold injury of the hands"),
        _node("X20.2", "Frostbite of the hands"),
    ]
    # "Excludes1: chilblains (X20.1)" written at X10 is the only place "chilblains" appears.
    documents = with_references(exported, {"X10": ["chilblains (X20.1)"]})
    assert documents[1].referenced == ("chilblains",)
    engine = tantivy_engine(documents, synonyms=SynonymExpander([]))
    found, _total = engine.search("chilblains")
    assert [hit.document.code for hit in found] == ["X20.1"]


def test_split_headings_need_two_sides_or_two_trimesters() -> None:
    def node(code: str, title: str, parent: str) -> IndexedCode:
        return IndexedCode("icd10cm", code, title, "code", True, "2026", (), ("X", parent))

    def heading(code: str, kind: str = "category") -> IndexedCode:
        return IndexedCode("icd10cm", code, "Heading", kind, False, "2026", (), ("X",))

    documents = [
        *(heading(code) for code in ("X10", "X20.1", "X30", "X40")),
        heading("X50", "table"),  # a PCS-like table is no heading a coder is sent to
        node("X50.1", "Bypass right artery", "X50"),
        node("X50.2", "Bypass left artery", "X50"),
        node("X10.1", "Sprain of right ankle", "X10"),
        node("X10.2", "Sprain of left ankle", "X10"),
        node("X20.11", "Sprain of right wrist, initial encounter", "X20.1"),  # one side only
        node("X20.12", "Sprain of right wrist, sequela", "X20.1"),
        node("X30.1", "Infection in pregnancy, first trimester", "X30"),
        node("X30.2", "Infection in pregnancy, second trimester", "X30"),
        node("X40.0", "Gizmo leukemia not having achieved remission", "X40"),
        node("X40.1", "Gizmo leukemia, in remission", "X40"),
    ]
    assert split_headings(documents) == {
        ("icd10cm", "X10"): SIDE_STEMS,
        ("icd10cm", "X30"): TRIMESTER_STEMS,
        ("icd10cm", "X40"): REMISSION_STEMS,
    }


def test_a_heading_gives_its_place_to_its_default_child() -> None:
    documents = [
        IndexedCode(
            "icd10cm", "X60", "Acute widgetitis", "category", False, "2026", ("Spasm",), ()
        ),
        IndexedCode(
            "icd10cm", "X60.0", "Acute widgetitis due to gizmo", "code", True, "2026", (), ("X60",)
        ),
        IndexedCode(
            "icd10cm", "X60.9", "Acute widgetitis, unspecified", "code", True, "2026", (), ("X60",)
        ),
    ]
    assert default_children(documents) == {("icd10cm", "X60"): "X60.9"}
    engine = tantivy_engine(documents, synonyms=SynonymExpander([]))
    # "spasm" is only in the heading's includes note; the default child still comes first.
    found = [hit.document.code for hit in engine.search("acute widgetitis spasm")[0]]
    assert found.index("X60.9") < found.index("X60")
