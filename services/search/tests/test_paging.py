"""Every page of a search is a window of one list, however deep the rankings behind it."""

from __future__ import annotations

import random
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_search import weights
from medcode_search.documents import IndexedCode
from medcode_search.hits import Ranked
from medcode_search.paging import stitch_tiers, tiers

POOL = [
    IndexedCode("icd10cm", f"X{n:04d}", f"Widget {n}", "code", True, "2026", (), ("X",))
    for n in range(3000)
]


def rankings(seed: int) -> Callable[[int], list[Ranked]]:
    """A made-up search whose ranking changes with depth, as re-scoring's does: each depth
    finds its own number of codes and orders them its own way."""
    made: dict[int, list[Ranked]] = {}

    def ranked_at(depth: int) -> list[Ranked]:
        if depth not in made:
            chooser = random.Random(seed * 1_000_003 + depth)
            found = chooser.sample(POOL, min(len(POOL), depth + chooser.randrange(depth)))
            made[depth] = [Ranked(document, chooser.random()) for document in found]
        return made[depth]

    return ranked_at


def codes(hits: list[Ranked]) -> list[str]:
    return [hit.document.code for hit in hits]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    page_size=st.integers(1, 60),
    pages=st.integers(1, 40),
)
def test_pages_asked_for_one_by_one_are_slices_of_one_list(
    seed: int, page_size: int, pages: int
) -> None:
    ranked_at = rankings(seed)
    whole = codes(stitch_tiers(page_size * pages, ranked_at))
    assert len(whole) == len(set(whole))  # no code twice
    for number in range(pages):
        start = number * page_size
        alone = codes(stitch_tiers(start + page_size, ranked_at))
        assert alone[start : start + page_size] == whole[start : start + page_size]


def test_a_first_page_is_the_shallow_ranking_unchanged() -> None:
    ranked_at = rankings(7)
    shallow = ranked_at(weights.CANDIDATES)
    assert codes(stitch_tiers(20, ranked_at)) == codes(shallow)


def test_tiers_grow_until_the_places_needed_are_trusted() -> None:
    assert list(tiers(10)) == [(50, 30)]
    assert list(tiers(30)) == [(50, 30)]
    assert list(tiers(31)) == [(50, 30), (250, 230)]
    assert [depth for depth, _ in tiers(10_500)] == [50, 250, 1250, 6250, 31250]
