"""What each searchable field holds for a document, as every backend indexes it.

tantivy and Elasticsearch index the same texts under the same field names, already folded by
`normalise_phrase` (accents stripped, apostrophes dropped, punctuation spaced), so their
stems are the ranking's own (`query.text_stems`) and the document frequencies the ranking
counts in memory (`corpus.DocFrequencies`) are what either index would count.
"""

from __future__ import annotations

from collections.abc import Callable

from medcode_search.documents import IndexedCode, split_name
from medcode_search.synonyms import normalise_phrase

Fold = Callable[[str], str]

#: The name (the title, or its part before ": " in MedCode's CPT wording), stemmed, BM25.
TITLE = "title"
#: The whole title, unstemmed: type-ahead completes its words.
TITLE_RAW = "title_raw"
#: Inclusion terms, alphabetic index lines and the explanation after "Name: ", stemmed.
TERMS = "terms"
#: Titles and inclusion terms of the headings above, stemmed.
CONTEXT = "context"
#: Other codes' notes that name the code ("chilblains (T69.1)"), stemmed.
REFERENCED = "referenced"
#: Table of Neoplasms / Drugs rows, stemmed; apart from TERMS so their thousands of site and
#: substance names leave the words' rarity as the tabular list and index set it.
TABLES = "tables"
#: Index lines and table rows, unstemmed: type-ahead completes their words too.
INDEX_RAW = "index_raw"
#: The stemmed fields a word can be found in.
STEMMED = (TITLE, TERMS, CONTEXT, REFERENCED, TABLES)
#: The fields whose document frequencies weigh a stem's rarity.
RARITY_FIELDS = (TITLE, TERMS)


def edition(system: str, release: str) -> str:
    """The key of one release of one system, the unit a search chooses (a keyword field)."""
    return f"{system}:{release}"


def folding() -> Fold:
    """`normalise_phrase`, remembering each text it folded: a whole corpus repeats its
    headings' texts in every child, so building an index folds each of them once."""
    seen: dict[str, str] = {}

    def fold(text: str) -> str:
        found = seen.get(text)
        if found is None:
            found = seen[text] = normalise_phrase(text)
        return found

    return fold


def own_fields(document: IndexedCode, fold: Fold = normalise_phrase) -> dict[str, tuple[str, ...]]:
    """The fields of the code's own texts (title, terms, table rows): what its rarity and
    the spelling corrector's words are counted from."""
    name, explanation = split_name(document.title)
    terms = (*document.word_texts, explanation) if explanation else document.word_texts
    return {
        TITLE: (fold(name),),
        TITLE_RAW: (fold(document.title),),
        TERMS: tuple(map(fold, terms)),
        TABLES: tuple(map(fold, document.table_terms)),
    }


def searchable(document: IndexedCode, fold: Fold = normalise_phrase) -> dict[str, tuple[str, ...]]:
    """Field name -> the folded texts of `document` indexed under it."""
    fields = own_fields(document, fold)
    fields[CONTEXT] = tuple(map(fold, document.context))
    fields[REFERENCED] = tuple(map(fold, document.referenced))
    fields[INDEX_RAW] = tuple(map(fold, (*document.index_terms, *document.table_terms)))
    return fields
