"""Pages of one ranking: every page of a search is a window of the same list.

Re-scoring the best `depth` candidates per reading finds more good codes the deeper it
looks, so a ranking depends on its depth; asking each page for "as deep as this page" made
page 2 repeat codes from page 1 and skip others. Instead the list is stitched from fixed
tiers: the first places come from the shallow ranking (all a first page needs, at its usual
cost), later places from deeper rankings, each tier keeping the places its shallower
neighbour already gave. Any page, asked for alone, is the same slice of that one list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from medcode_search import weights
from medcode_search.hits import Ranked


def tiers(needed: int) -> Iterator[tuple[int, int]]:
    """(depth, trusted places) for each tier a list of `needed` places consults, shallow first."""
    depth = weights.CANDIDATES
    while True:
        trusted = depth - weights.PAGING_MARGIN
        yield depth, trusted
        if needed <= trusted:
            return
        depth *= weights.PAGING_GROWTH


def stitch_tiers(needed: int, ranked_at: Callable[[int], list[Ranked]]) -> list[Ranked]:
    """The first `needed` places (and whatever else the deepest tier consulted found) of the
    one list every page is cut from; `ranked_at(depth)` ranks with `depth` candidates."""
    stitched: list[Ranked] = []
    placed: set[tuple[str, str]] = set()
    deepest: list[Ranked] = []
    for depth, trusted in tiers(needed):
        deepest = ranked_at(depth)
        for hit in deepest:
            if len(stitched) >= trusted:
                break
            key = (hit.document.system, hit.document.code)
            if key not in placed:
                placed.add(key)
                stitched.append(hit)
    for hit in deepest:  # the rest of the deepest ranking, after every trusted place
        key = (hit.document.system, hit.document.code)
        if key not in placed:
            placed.add(key)
            stitched.append(hit)
    return stitched
