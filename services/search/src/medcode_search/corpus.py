"""What the ranking knows of the indexed documents, whatever index serves them.

Built once per index from the documents alone (the tantivy sidecar, the codes service's
export or an Elasticsearch index read back): sorted code lists for code-shaped queries, the
releases of each system, every stem's document frequency (its rarity), and the words the
spelling corrector knows. A backend only has to say which documents match a query.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import Stemmer

from medcode_search.documents import IndexedCode
from medcode_search.fields import RARITY_FIELDS, TABLES, TERMS, TITLE_RAW, folding, own_fields
from medcode_search.spelling import WORD, Corrector, TitleWords
from medcode_search.synonyms import normalise_phrase

_STEMMER = Stemmer.Stemmer("english")
_APOSTROPHE = re.compile("['\u2018\u2019\u02bc\u02b9\u2032`\u00b4]")


class DocFrequencies:
    """Documents whose title says a stem plus documents whose own terms say it: the document
    frequency tantivy's `doc_freq("title") + doc_freq("terms")` gives over the same fields."""

    def __init__(self) -> None:
        self._counts: Counter[str] = Counter()
        self.num_docs = 0

    def add(self, fields: dict[str, tuple[str, ...]]) -> None:
        """Count one document's own fields (`fields.own_fields`)."""
        self.num_docs += 1
        for name in RARITY_FIELDS:
            texts = fields[name]
            if texts:
                words = WORD.findall(texts[0] if len(texts) == 1 else " ".join(texts))
                self._counts.update(set(_STEMMER.stemWords(words)))

    def doc_freq(self, stem: str) -> int:
        """How many documents say `stem` in their title, plus how many in their terms."""
        return self._counts.get(stem, 0)

    def rarity(self, stem: str) -> float:
        """BM25's inverse document frequency of a stem over titles and inclusion terms."""
        total = max(1, self.num_docs)
        frequency = self.doc_freq(stem)
        ratio = (total - frequency + 0.5) / (frequency + 0.5)
        return math.log(1 + max(ratio, 0.0))


class Corpus:
    """The documents of one index and what ranking needs to know about them."""

    def __init__(self, documents: Sequence[IndexedCode]) -> None:
        self.documents = documents
        #: system -> (code without its dot, document number), sorted for prefix lookups.
        self.codes: dict[str, list[tuple[str, int]]] = {}
        #: system -> its releases in this index.
        self.releases: dict[str, set[str]] = {}
        for number, document in enumerate(documents):
            self.codes.setdefault(document.system, []).append(
                (document.code.replace(".", ""), number)
            )
            self.releases.setdefault(document.system, set()).add(document.release)
        for entries in self.codes.values():
            entries.sort()
        #: Whether any code has table rows / index lines: without, their clauses are skipped
        #: (the default install has none, and every query would pay for empty fields).
        self.has_tables = any(d.table_terms for d in documents)
        self.has_index_lines = any(d.index_terms or d.table_terms for d in documents)
        self.frequencies = DocFrequencies()
        #: Every word of titles, own texts and table rows (a word here is no typo).
        vocabulary: Counter[str] = Counter()
        titles: set[str] = set()  # title words: what a typo is corrected to
        #: system -> word -> how many of its codes say the word in their title or own terms
        #: (what type-ahead completes a fragment to, `completion`).
        self.word_counts: dict[str, Counter[str]] = {}
        fold = folding()
        for document in documents:
            fields = own_fields(document, fold)
            self.frequencies.add(fields)
            title = _spellings(document.title, fields[TITLE_RAW][0])
            vocabulary.update(title)
            said = set(title)
            for text, folded in zip(document.word_texts, fields[TERMS], strict=False):
                words = _spellings(text, folded)
                vocabulary.update(words)
                said.update(words)
            for text, folded in zip(document.table_terms, fields[TABLES], strict=True):
                vocabulary.update(_spellings(text, folded))
            self.word_counts.setdefault(document.system, Counter()).update(said)
            titles.update(title)
        self.corrector = Corrector(vocabulary, TitleWords(titles))


def _spellings(text: str, folded: str) -> list[str]:
    """The words of a text as folded ("alzheimers"), and, where an apostrophe joins words,
    as split there too ("alzheimer", "s"): a typo may mean either."""
    words = WORD.findall(folded)
    if _APOSTROPHE.search(text):
        words += WORD.findall(normalise_phrase(_APOSTROPHE.sub(" ", text)))
    return words
