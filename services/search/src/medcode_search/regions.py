"""Body regions: a code filed under "lower leg" covers the "calf" a coder looked up.

The alphabetic index sends "Burn, calf" to T24.2- ("Burn of second degree of lower leg") and
"Osteomyelitis, toe" to M86.57 ("... ankle and foot"): the tabular list names the region,
not the part. Unlike a word family (two names of one thing, both ways), this goes one way:
a text that names the region covers its parts, and a query naming a part also looks for
texts naming its region. A query that names the region is not widened to every part.
The same holds for an inflammation and its organ: "Tuberculosis of bladder" covers the
"tuberculous cystitis" of the index.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from medcode_search.query import stem, text_stems


class BodyRegions:
    """(region stems, the parts' stems) pairs, looked up both ways."""

    def __init__(self, regions: Iterable[tuple[Iterable[str], str]]) -> None:
        self._regions: list[tuple[frozenset[str], frozenset[str]]] = []
        #: part stem -> the stems of every region that covers it
        self._of_part: dict[str, frozenset[str]] = {}
        #: part stem -> the regions as written, for engines that stem themselves
        self._written: dict[str, tuple[str, ...]] = {}
        for parts, region in regions:
            region_stems = frozenset(text_stems(region))
            part_stems = frozenset(text_stems(" ".join(parts))) - region_stems
            if not region_stems or not part_stems:
                raise ValueError(f"a body region needs parts and a region: {region!r}")
            self._regions.append((region_stems, part_stems))
            for part in part_stems:
                self._of_part[part] = self._of_part.get(part, frozenset()) | region_stems
                self._written[part] = (*self._written.get(part, ()), region)

    def __len__(self) -> int:
        return len(self._regions)

    def covered(self, stems: frozenset[str]) -> frozenset[str]:
        """The part stems a text with `stems` covers, because it names all of their region."""
        found: frozenset[str] = frozenset()
        for region, parts in self._regions:
            if region <= stems:
                found |= parts
        return found

    def regions_of(self, part: str) -> frozenset[str]:
        """The stems of the regions a part stem lies in (none for a word that is no part)."""
        return self._of_part.get(part, frozenset())

    def region_phrases(self, word: str) -> tuple[str, ...]:
        """The regions of a typed word, as written ("calf" -> ("lower leg",)), for
        Elasticsearch, which stems by itself."""
        return self._written.get(stem(word.lower()), ())


def parse_regions(text: str) -> list[tuple[list[str], str]]:
    """(parts, region) per line of the TSV text; '#' starts a comment."""
    regions = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 2 or not columns[0].split() or not columns[1].strip():
            raise ValueError(f"line {number}: want 'part part ...<TAB>region', got {line!r}")
        regions.append((columns[0].split(), columns[1].strip()))
    return regions


@lru_cache(maxsize=1)
def load_body_regions() -> BodyRegions:
    """The packaged regions (immutable, so one shared instance)."""
    raw = resources.files("medcode_search.data").joinpath("body_regions.tsv").read_text("utf-8")
    return BodyRegions(parse_regions(raw))
