"""Second-stage ranking: how well a code's own words explain the query, beyond BM25.

BM25 over a multi-valued field cannot tell "all query words in one inclusion term" from
"the same words scattered over twenty terms", and it rewards codes whose titles add words
nobody asked for ("right", "initial encounter"). Candidates from the index are re-scored on
rarity-weighted coverage: by the best single text (title or one inclusion term), by all of the
code's own texts, and by its headings' titles (the main term of an index path often lives
only there), less a penalty for the best text's words the query did not ask for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from medcode_search.corpus import DocFrequencies
from medcode_search.defaults import default_children
from medcode_search.documents import IndexedCode, split_name
from medcode_search.query import FREE_STEMS, text_stems, texts_stems
from medcode_search.regions import BodyRegions, load_body_regions
from medcode_search.splits import split_headings
from medcode_search.weights import (
    ALL_OWN,
    BEST_TEXT,
    BILLABLE_BOOST,
    CONTEXT_PENALTY,
    EXTRA_PENALTY,
    GENERALITY_PER_CHARACTER,
    HEAD_BONUS,
    REFERENCED,
    SIDE_PENALTY,
    TITLE_PRIORS,
    WITH_CONTEXT,
)
from medcode_search.word_families import WordFamilies, load_word_families

#: A side nobody asked for costs extra (weights.SIDE_PENALTY): a coder cannot pick it.
_SIDES = frozenset({"right", "left", "bilater"})
#: Words that put a code in a setting nobody asked for: pregnancy and childbirth (chapter
#: 15), the newborn (chapter 16), anaesthesia care (CPT 00100-01999). Like a side, a coder
#: cannot pick such a code unless the record says so (weights.CONTEXT_PENALTY).
_CONTEXTS = text_stems(
    "anaesthesia anesthesia anaesthetic anesthetic abortion pregnancy pregnant delivery newborn"
    " neonatal puerperium puerperal childbirth postpartum maternal fetus fetal perinatal"
    " gestation trimester obstetric antepartum intrapartum"
)
#: "Secondary" (a metastasis, secondary hypertension, ...) needs the record to say so; the
#: primary or essential code is the default, so an unasked "secondary" costs like a setting.
_SECONDARY = text_stems("secondary")
_SECONDARY_ASKED = _SECONDARY | text_stems("metastatic metastasis metastases mets spread")
#: A stress, fatigue, pathological or periprosthetic fracture, likewise, needs the record to
#: say so: "broken ankle" is a traumatic fracture, not "Stress fracture, unspecified ankle".
_FRACTURE_KINDS = text_stems("stress pathological fatigue periprosthetic")
#: Words that ask for the Table of Neoplasms or the Table of Drugs and Chemicals. A table row
#: names a site or a substance and a column ("Neoplasm, neoplastic, sublingual gland, Malignant
#: Primary"); it explains a query that names no neoplasm or poisoning only when it explains all
#: of it ("acetaminophen"), or "cyst sublingual gland" would read as a neoplasm of that gland.
TABLE_SUBJECTS = text_stems(
    "neoplasm neoplastic neoplasia tumor tumour cancer carcinoma adenocarcinoma sarcoma"
    " malignant malignancy benign metastatic metastasis poisoning poison poisoned overdose"
    " toxic toxicity intoxication adverse underdosing underdose"
)
#: Words every row of a table carries (its main term and column headings): they choose no
#: row over another, so the candidate search for table rows leaves them out.
TABLE_STRUCTURE = TABLE_SUBJECTS | text_stems(
    "primary secondary in situ uncertain unspecified behavior accidental unintentional"
    " intentional self-harm assault undetermined effect"
)
_WITH_STEM = "with"
_CONVENTIONS = (("specifi", "other"),)
_OTHER = "other"
_OTHER_SET = frozenset({_OTHER})
_ALL_EXPLAINED = 0.999
_WITH: frozenset[str] = frozenset()
_WITHOUT = frozenset({"without"})
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True, slots=True)
class Profile:
    """A code's stems: per own text (title first, then each inclusion term) all its stems and
    those it adds beyond what was asked if taken literally (bracketed words are optional),
    then all own stems, and those with any heading's title or term above."""

    texts: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...]
    own: frozenset[str]
    context: frozenset[str]
    prior: float
    referenced: frozenset[str] = frozenset()
    #: Table rows, profiled like texts; they count only as `Asked.allows_table` says.
    tables: tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...] = ()


@dataclass(frozen=True, slots=True)
class Asked:
    """A query's stems with their rarity weights (summing to 1), the words a code may
    add without cost (the query's own and, unless it asked "with", a default "without"),
    and the setting words that cost extra (none once the query names any setting)."""

    weights: dict[str, float]
    stems: frozenset[str]
    allowed: frozenset[str]
    costly_settings: frozenset[str] = frozenset()
    names_table_subject: bool = False

    def allows_table(self, row: frozenset[str]) -> bool:
        """Whether a table row may explain this query (see TABLE_SUBJECTS)."""
        return self.names_table_subject or self.stems <= row


def _text_profile(text: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(every stem, the stems of its name outside brackets, those of them before the first
    comma): "(primary)" or "[fibrinogen]" is optional, a CPT explanation after "Name: " is
    not a word the code adds, and in "Pneumonia, unspecified organism" the condition is
    named before the comma and qualified after it."""
    stems = text_stems(text)
    named = split_name(text)[0]
    plain = named if "(" not in named and "[" not in named else _BRACKETED.sub(" ", named)
    core = (stems if plain is text else text_stems(plain)) - FREE_STEMS
    head = text_stems(plain.split(",", 1)[0]) - FREE_STEMS if "," in plain else core
    return stems, core, head


def prior(document: IndexedCode) -> float:
    """Billable codes above their headings; initial encounters and unspecified defaults
    slightly above later encounters, for the same text."""
    boost = BILLABLE_BOOST if document.billable else 1.0
    if document.billable:
        # The general code (I10, J18.9) before its more specific siblings for generic words.
        boost *= 1 + GENERALITY_PER_CHARACTER * max(0, 7 - len(document.code.replace(".", "")))
    title = document.title.lower()
    for words, factor in TITLE_PRIORS:
        if words in title:
            boost *= factor
    return boost


class Rescorer:
    """Per-code stem profiles (built on first use) and per-stem rarity weights."""

    def __init__(
        self,
        documents: Sequence[IndexedCode],
        frequencies: DocFrequencies,
        families: WordFamilies | None = None,
        regions: BodyRegions | None = None,
    ) -> None:
        self._documents = documents
        #: "lung" and "pulmonary": a code's texts count as saying every member of a family.
        self.families = families if families is not None else load_word_families()
        #: "lower leg" covers "calf": a text naming a region counts as naming its parts.
        self.regions = regions if regions is not None else load_body_regions()
        self._frequencies = frequencies
        self._profiles: dict[int, Profile] = {}
        self._weights: dict[str, float] = {}
        #: (system, heading code) -> stems naming how its children split (sides, ...).
        self.splits = split_headings(documents)
        #: (system, heading code) -> its default child's code ("J21" -> "J21.9").
        self.defaults = default_children(documents)

    def profile(self, number: int) -> Profile:
        """The stems of document `number`, cached (a code is a candidate for many queries)."""
        found = self._profiles.get(number)
        if found is None:
            document = self._documents[number]
            widen = self._widen
            texts = tuple(
                (widen(stems), core, head)
                for stems, core, head in map(_text_profile, (document.title, *document.word_texts))
            )
            own = frozenset().union(*(stems for stems, _core, _head in texts))
            context = own | widen(texts_stems(document.context))
            lent = widen(texts_stems(document.referenced)) - context
            tables = tuple(
                (widen(stems), core, head)
                for stems, core, head in map(_text_profile, document.table_terms)
            )
            found = Profile(texts, own, context, prior(document), lent, tables)
            self._profiles[number] = found
        return found

    def _widen(self, stems: frozenset[str]) -> frozenset[str]:
        """A text's stems with their word families' and the body parts its regions cover."""
        wide = self.families.widen(stems)
        parts = self.regions.covered(wide)
        return wide | parts if parts else wide

    def weight(self, stem: str) -> float:
        """BM25's inverse document frequency of a stem over titles and inclusion terms."""
        found = self._weights.get(stem)
        if found is None:
            found = self._weights[stem] = self._frequencies.rarity(stem)
        return found

    def ask(self, stems: Sequence[str]) -> Asked:
        """Weigh a query's stems once, for every candidate it is compared with."""
        raw = {stem: self.weight(stem) for stem in stems}
        for said, meant in _CONVENTIONS:
            # The index's "specified NEC" is the tabular list's "Other ..." code.
            if said in raw:
                raw.setdefault(meant, raw[said])
        total = sum(raw.values()) or 1.0
        asked = frozenset(raw)
        # "without X" is a default only when the query did not ask for "with" something.
        # A code saying "pulmonary" adds nothing unasked-for to a query that said "lung".
        allowed = self.families.widen(asked) | (_WITH if _WITH_STEM in asked else _WITHOUT)
        # A query in a setting ("... pregnancy") may get that setting's codes at no extra cost.
        costly = frozenset() if asked & _CONTEXTS else _CONTEXTS
        if not asked & _SECONDARY_ASKED:
            costly = costly | _SECONDARY
        if not asked & _FRACTURE_KINDS:
            costly = costly | _FRACTURE_KINDS
        weights = {stem: value / total for stem, value in raw.items()}
        return Asked(weights, asked, allowed, costly, bool(asked & TABLE_SUBJECTS))

    def quality(self, profile: Profile, asked: Asked) -> float:
        """0..1: how much of the query (by rarity) this code's words explain, less extras."""
        weights, stems, allowed = asked.weights, asked.stems, asked.allowed
        weigh = weights.__getitem__
        # The best text by (share of the query explained, -share of the text not asked for);
        # a text that explains less than the best so far cannot win, so its extras are skipped.
        best_share, best_extra = -1.0, 0.0
        texts, own_stems, near_stems = profile.texts, profile.own, profile.context
        if profile.tables:
            rows = [row for row in profile.tables if asked.allows_table(row[0])]
            if rows:  # a usable row counts as one of the code's own texts
                texts = (*texts, *rows)
                said = frozenset().union(*(row[0] for row in rows))
                own_stems, near_stems = own_stems | said, near_stems | said
        for text, core, _head in texts:
            shared = text & stems
            if not shared and best_share >= 0:
                continue
            share = sum(map(weigh, shared))
            if share < best_share:
                continue
            unasked = core - allowed
            if share < _ALL_EXPLAINED and _OTHER in unasked:
                # Words no text of this code explains: the index files them under "Other".
                unasked = unasked - _OTHER_SET
            extra = -(
                len(unasked) / max(1, len(core))
                + SIDE_PENALTY * len(unasked & _SIDES)
                + (CONTEXT_PENALTY if unasked & asked.costly_settings else 0.0)
            )
            if share > best_share or extra > best_extra:
                best_share, best_extra = share, extra
        if profile.texts[0][2] == stems:  # the title names exactly what was asked
            best_extra += HEAD_BONUS
        own = sum(map(weigh, own_stems & stems))
        near = sum(map(weigh, near_stems & stems))
        lent = sum(map(weigh, profile.referenced & stems)) if profile.referenced else 0.0
        return (
            BEST_TEXT * best_share
            + ALL_OWN * own
            + WITH_CONTEXT * near
            + REFERENCED * lent
            + EXTRA_PENALTY * best_extra
        )
