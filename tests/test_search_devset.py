"""The search development set builder and relevance metrics (bench/search_*.py)."""

from __future__ import annotations

import importlib
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
INDEX = "icd10cm/derived/ICD10CM_2025_Index.csv"


def _bench(name: str) -> ModuleType:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


devset = _bench("search_devset")
relevance = _bench("search_relevance")

HEADER = "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n"
TOY_INDEX = HEADER + "\n".join(
    [
        '1,D,0,"Diabetes, diabetic",,,(mellitus) (sugar),E11.9',
        "2,D,1,type 2,,,,E11.9",
        "3,D,2,with,,,,",
        "4,D,3,hyperglycemia,,,,E1165",
        "5,D,3,complication NEC,,,,E11.8",
        "6,D,3,arthropathy NEC,,,,E11.61-",
        "7,D,3,foot ulcer,,,,E11.62-",
        '8,D,0,"Dermatitis, dermatitic",,,,L30.9',
        "9,D,1,electrocardiogram [ECG],,,,R94.31",
        "10,D,1,Note: not a term,,,,",
        "11,D,2,ignored,,,,L30.8",
        "12,H,0,Hypertension,,,(essential),I10",
        "13,H,1,with:,,,,I10",
        "14,H,0,Hypertension,,,,I15.9",
        "15,Z,0,Zoster,,,,B02.9",
    ]
)
TOY_CODES = {
    code: code
    for code in ["E11.9", "E11.65", "E11.8", "E11.61", "L30.9", "R94.31", "L30.8", "I10", "B02.9"]
}


@pytest.fixture
def toy_index(tmp_path: Path) -> Path:
    path = tmp_path / "index.csv"
    path.write_text(TOY_INDEX + "\n")
    return path


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("E1165", ("E11.65", False)),
        ("e11.65", ("E11.65", False)),
        ("E11.6-", ("E11.6", True)),
        ("I63.-", ("I63", True)),
        ("J00", ("J00", False)),
    ],
)
def test_canonical_code(raw: str, expected: tuple[str, bool]) -> None:
    assert devset.canonical_code(raw) == expected


def test_dashed_codes_are_kept_only_when_the_stem_exists() -> None:
    assert devset.expected_code("E11.61-", TOY_CODES) == "E11.61"
    assert devset.expected_code("E11.62-", TOY_CODES) is None
    assert devset.expected_code("", TOY_CODES) is None


def test_queries_follow_the_term_path() -> None:
    path = ("Diabetes, diabetic", "type 2", "with", "hyperglycemia")
    assert devset.path_query(path) == "diabetes type 2 with hyperglycemia"
    assert devset.clean_term("Abduction contracture, hip or other joint") == (
        "abduction contracture hip or other joint"
    )
    assert devset.clean_term("with retinal:") == "with retinal"


def test_build_devset_on_a_toy_index(toy_index: Path) -> None:
    cases = devset.build_devset(toy_index, TOY_CODES, limit=None)
    assert [(case.query, case.expected) for case in cases] == [
        ("diabetes", "E11.9"),
        ("diabetes type 2", "E11.9"),
        ("diabetes type 2 with hyperglycemia", "E11.65"),
        ("diabetes type 2 with complication", "E11.8"),
        ("diabetes type 2 with arthropathy", "E11.61"),
        ("dermatitis", "L30.9"),
        ("dermatitis electrocardiogram", "R94.31"),
        ("hypertension", "I10"),  # the second "Hypertension" row is a duplicate query
        ("hypertension with", "I10"),
        ("zoster", "B02.9"),
    ]
    assert cases[2].path == ("Diabetes, diabetic", "type 2", "with", "hyperglycemia")


def test_sampling_is_deterministic_and_stratified(toy_index: Path) -> None:
    first = devset.build_devset(toy_index, TOY_CODES, limit=5, seed=7)
    assert first == devset.build_devset(toy_index, TOY_CODES, limit=5, seed=7)
    assert len(first) == 5
    letters = Counter(case.query[0] for case in first)
    assert letters["d"] == 4 and letters["h"] == 1 and letters["z"] == 0


def test_metrics() -> None:
    ranked = [["A", "B", "C"], ["C", "B"], [], ["X"] * 10 + ["D"]]
    expected = ["A", "B", "Z", "D"]
    assert relevance.recall_at_k(ranked, expected) == pytest.approx(0.5)
    assert relevance.mrr(ranked, expected) == pytest.approx((1 + 1 / 2) / 4)
    assert relevance.mrr(ranked, expected, k=1) == pytest.approx(1 / 4)
    assert relevance.recall_at_k([], []) == 0.0
    with pytest.raises(ValueError):
        relevance.mrr([["A"]], ["A", "B"])


def test_bm25_baseline_returns_codes() -> None:
    pytest.importorskip("bm25s")
    baseline = relevance.BM25Baseline(
        {"I10": "Essential (primary) hypertension", "J00": "Acute nasopharyngitis [common cold]"}
    )
    assert baseline("common cold", 10) == ["J00"]
    assert baseline("the", 10) == []


def test_real_devset(cms_data: Path) -> None:
    valid = devset.load_valid_codes()
    cases = devset.build_devset(cms_data / INDEX, valid)
    assert len(cases) == devset.DEFAULT_LIMIT
    assert len({case.query for case in cases}) == len(cases)
    assert not devset.invalid_cases(cases, valid)
    assert len(devset.lay_cases()) == 40 and len(devset.typo_cases()) == 20
    assert not devset.invalid_cases(devset.lay_cases() + devset.typo_cases(), valid)
    everything = devset.build_devset(cms_data / INDEX, valid, limit=None)
    assert (
        devset.DevCase(
            "diabetes type 2 with hyperglycemia",
            "E11.65",
            ("Diabetes, diabetic", "type 2", "with", "hyperglycemia"),
        )
        in everything
    )


def test_relevance_is_measured_per_backend_and_says_what_it_skipped() -> None:
    assert relevance.medcode_backends({}) == (
        ["tantivy"],
        ["medcode-elasticsearch: skipped (ELASTICSEARCH_URL not set)"],
    )
    assert relevance.medcode_backends({"ELASTICSEARCH_URL": "http://es:9200"}) == (
        ["tantivy", "elasticsearch"],
        [],
    )


def test_each_backend_is_compared_with_the_baseline() -> None:
    systems = {
        "bm25": {"lay": {"mrr@10": 0.2}, "typo": {"mrr@10": 0.0}},
        "medcode-tantivy": {"lay": {"mrr@10": 0.8}, "typo": {"mrr@10": 1.0}},
        "medcode-elasticsearch": {"lay": {"mrr@10": 0.6}, "typo": {"mrr@10": 0.5}},
    }
    assert relevance.mrr_ratio(systems, ["lay", "typo"], 10) == {
        "medcode-tantivy": {"lay": 4.0, "typo": None},
        "medcode-elasticsearch": {"lay": 3.0, "typo": None},
    }
