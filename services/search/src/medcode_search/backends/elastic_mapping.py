"""The Elasticsearch index: field mapping, analysis and the document built per code.

Field roles match the tantivy schema (index.py): keyword fields for filters and codes,
stemmed English text for BM25 over names, inclusion terms, heading context and other
codes' notes naming the code, and an unstemmed title for type-ahead prefixes. A title written
"Name: explanation" (MedCode's CPT wording) is searched by its name, and its explanation
counts like an inclusion term, as in the tantivy index.
"""

from __future__ import annotations

from typing import Any

from elasticsearch.dsl import Boolean, Document, Float, Index, Keyword, Text, analyzer, token_filter

from medcode_search.documents import IndexedCode, split_name

#: Bumped when the mapping or analysis changes, so a new index is built beside the old one.
MAPPING_VERSION = "4"

english = analyzer(
    "medcode_english",
    tokenizer="standard",
    filter=[
        "lowercase",
        "asciifolding",
        token_filter("medcode_possessive", type="stemmer", language="possessive_english"),
        token_filter("medcode_stemmer", type="stemmer", language="english"),
    ],
)


class CodeDocument(Document):
    """One searchable node; `_source` carries everything a hit renders."""

    system = Keyword()
    code = Keyword()
    #: The code without its dot ("E119"): exact and prefix matches, and code order.
    code_key = Keyword()
    #: The whole display title; its unstemmed words complete type-ahead prefixes.
    title = Text(analyzer=english, fields={"raw": Text(analyzer="standard")})
    #: What word searches weigh: the title, or its name when it reads "Name: explanation".
    name = Text(analyzer=english)
    #: The explanation after "Name: " (empty otherwise), weighed like an inclusion term.
    explanation = Text(analyzer=english)
    terms = Text(analyzer=english, multi=True)
    context = Text(analyzer=english, multi=True)
    #: Other codes' notes that name this code ("chilblains (T69.1)" -> T69.1).
    referenced = Text(analyzer=english, multi=True)
    #: ICD-10-CM alphabetic index lines that lead to this code ("Pernio, hands").
    index_terms = Text(analyzer=english, multi=True)
    #: Table of Neoplasms / Drugs rows that lead to it ("Acetaminophen, Adverse effect").
    table_terms = Text(analyzer=english, multi=True)
    kind = Keyword()
    billable = Boolean()
    release = Keyword()
    ancestors = Keyword(multi=True)
    #: The general code (I10, J18.9) before its more specific siblings for generic words.
    generality = Float()


def generality(document: IndexedCode) -> float:
    """The engine's prior for short billable codes (1 + 0.02 per character under 7)."""
    if not document.billable:
        return 1.0
    return 1 + 0.02 * max(0, 7 - len(document.code.replace(".", "")))


def concrete_index(name: str, *, replicas: int) -> Index:
    """The definition of one concrete index (one shard: BM25 statistics stay exact)."""
    built = Index(name)
    built.document(CodeDocument)
    built.settings(number_of_shards=1, number_of_replicas=replicas)
    return built


def to_source(document: IndexedCode) -> dict[str, Any]:
    """The `_source` stored for a document."""
    name, explanation = split_name(document.title)
    return {
        "system": document.system,
        "code": document.code,
        "code_key": document.code.replace(".", ""),
        "title": document.title,
        "name": name,
        "explanation": explanation,
        "terms": list(document.terms),
        "context": list(document.context),
        "referenced": list(document.referenced),
        "index_terms": list(document.index_terms),
        "table_terms": list(document.table_terms),
        "kind": document.kind,
        "billable": document.billable,
        "release": document.release,
        "ancestors": list(document.ancestors),
        "generality": generality(document),
    }


def from_source(source: dict[str, Any]) -> IndexedCode:
    """The document a hit's `_source` describes."""
    return IndexedCode(
        system=source["system"],
        code=source["code"],
        title=source["title"],
        kind=source["kind"],
        billable=bool(source["billable"]),
        release=source["release"],
        terms=tuple(source.get("terms") or ()),
        ancestors=tuple(source.get("ancestors") or ()),
        context=tuple(source.get("context") or ()),
        referenced=tuple(source.get("referenced") or ()),
        index_terms=tuple(source.get("index_terms") or ()),
        table_terms=tuple(source.get("table_terms") or ()),
    )
