"""The Elasticsearch index: field mapping, analysis and the document built per code.

The searchable fields are the tantivy index's (`fields.py`), holding the same folded texts:
the stemmed ones are split on spaces and stemmed by Snowball English (`porter2`, the stemmer
of tantivy's `en_stem` and of `query.stem`), so a stem the ranking plans a clause for is the
term Elasticsearch indexed. Keyword fields carry the filters. Each code's whole document is
kept in `_source` (not indexed), so a pod that did not build the index reads the same corpus
back; the `_id` is the code's position in that corpus.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from elasticsearch.dsl import (
    Boolean,
    Document,
    Index,
    Keyword,
    Object,
    Text,
    analyzer,
    token_filter,
)

from medcode_search import fields
from medcode_search.documents import IndexedCode
from medcode_search.synonyms import normalise_phrase

#: Bumped when the mapping or analysis changes, so a new index is built beside the old one.
MAPPING_VERSION = "5"

stemmed = analyzer(
    "medcode_stemmed",
    tokenizer="whitespace",
    filter=["lowercase", token_filter("medcode_porter2", type="stemmer", language="porter2")],
)
words = analyzer("medcode_words", tokenizer="whitespace", filter=["lowercase"])


class CodeDocument(Document):
    """One searchable node: filter keywords, the searchable texts, and the document itself."""

    system = Keyword()
    code = Keyword()
    #: "system:release", filtered when a system has several releases indexed.
    edition = Keyword()
    ancestors = Keyword(multi=True)
    billable = Boolean()
    title = Text(analyzer=stemmed)
    terms = Text(analyzer=stemmed, multi=True)
    context = Text(analyzer=stemmed, multi=True)
    referenced = Text(analyzer=stemmed, multi=True)
    tables = Text(analyzer=stemmed, multi=True)
    title_raw = Text(analyzer=words)
    index_raw = Text(analyzer=words, multi=True)
    #: The IndexedCode as exported, stored only (read back by pods that did not build).
    document = Object(enabled=False)


def concrete_index(name: str, *, replicas: int) -> Index:
    """The definition of one concrete index (one shard: BM25 statistics stay exact)."""
    built = Index(name)
    built.document(CodeDocument)
    built.settings(number_of_shards=1, number_of_replicas=replicas)
    return built


def to_source(document: IndexedCode, fold: fields.Fold = normalise_phrase) -> dict[str, Any]:
    """The `_source` stored for a document (`fold` folds its texts, `fields.folding()` once
    each over a whole corpus)."""
    source: dict[str, Any] = {
        "system": document.system,
        "code": document.code,
        "edition": fields.edition(document.system, document.release),
        "ancestors": list(document.ancestors),
        "billable": document.billable,
    }
    for name, texts in fields.searchable(document, fold).items():
        source[name] = list(texts)
    source["document"] = asdict(document)
    return source


def from_source(source: dict[str, Any]) -> IndexedCode:
    """The document a hit's `_source` holds."""
    stored = source["document"]
    return IndexedCode(
        system=stored["system"],
        code=stored["code"],
        title=stored["title"],
        kind=stored["kind"],
        billable=bool(stored["billable"]),
        release=stored["release"],
        terms=tuple(stored.get("terms") or ()),
        ancestors=tuple(stored.get("ancestors") or ()),
        context=tuple(stored.get("context") or ()),
        referenced=tuple(stored.get("referenced") or ()),
        index_terms=tuple(stored.get("index_terms") or ()),
        table_terms=tuple(stored.get("table_terms") or ()),
    )
