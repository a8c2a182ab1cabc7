"""Body regions: parsing the packaged list, and a region covering its parts one way."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_search.query import stem, text_stems
from medcode_search.regions import BodyRegions, load_body_regions, parse_regions


def test_a_text_naming_the_whole_region_covers_its_parts() -> None:
    regions = BodyRegions([(["calf", "shin"], "lower leg")])
    assert regions.covered(frozenset(text_stems("ulcer of lower leg"))) == {
        stem("calf"),
        stem("shin"),
    }
    # "leg" alone is not the region: a thigh is a leg too.
    assert regions.covered(frozenset(text_stems("ulcer of leg"))) == frozenset()


def test_a_part_looks_for_its_regions_and_a_region_for_no_part() -> None:
    regions = BodyRegions(
        [(["uterus"], "female genital"), (["uterus", "bladder"], "genitourinary")]
    )
    assert regions.regions_of(stem("uterus")) == text_stems("female genital genitourinary")
    assert regions.regions_of(stem("bladder")) == text_stems("genitourinary")
    assert regions.regions_of(stem("genitourinary")) == frozenset()


def test_parse_skips_comments_and_says_which_line_is_bad() -> None:
    assert parse_regions("# parts\tregion\n\ncalf shin\tlower leg\n") == [
        (["calf", "shin"], "lower leg")
    ]
    with pytest.raises(ValueError, match="line 2"):
        parse_regions("calf\tlower leg\ntoe foot\n")
    with pytest.raises(ValueError, match="line 1"):
        parse_regions("\tlower leg\n")


def test_a_region_without_parts_is_an_error() -> None:
    with pytest.raises(ValueError, match="needs parts"):
        BodyRegions([(["leg"], "lower leg")])  # the only part is the region's own word


def test_packaged_list_files_parts_under_the_regions_titles_use() -> None:
    regions = load_body_regions()
    assert len(regions) >= 10
    assert stem("calf") in regions.covered(frozenset(text_stems("other part of lower leg")))
    assert stem("toe") in regions.covered(frozenset(text_stems("ankle and foot")))


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)


@given(st.lists(st.tuples(st.lists(words, min_size=1, max_size=3), words), max_size=5))
def test_a_region_covers_each_of_its_parts_and_never_itself(
    raw: list[tuple[list[str], str]],
) -> None:
    try:
        regions = BodyRegions(raw)
    except ValueError:
        return  # a line whose parts are all the region's own word
    for parts, region in raw:
        region_stems = frozenset(text_stems(region))
        covered = regions.covered(region_stems)
        assert frozenset(text_stems(" ".join(parts))) - region_stems <= covered
        assert not region_stems & covered - frozenset().union(
            *(text_stems(" ".join(p)) for p, _r in raw)
        )
