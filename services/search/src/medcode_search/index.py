"""The tantivy index: schema, building from documents, and opening a saved one."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import tantivy

from medcode_search.documents import IndexedCode, split_name

STEMMED = "en_stem"


def edition(system: str, release: str) -> str:
    """The key of one release of one system, the unit a search chooses."""
    return f"{system}:{release}"


def schema() -> tantivy.Schema:
    """Fields: raw keys for filters, stemmed text for BM25, unstemmed title for typos."""
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("doc", stored=True, indexed=False)
    builder.add_text_field("code", stored=False, tokenizer_name="raw")
    builder.add_text_field("system", stored=False, tokenizer_name="raw")
    builder.add_text_field("edition", stored=False, tokenizer_name="raw")  # "icd10cm:2026-04-01"
    builder.add_text_field("ancestors", stored=False, tokenizer_name="raw")
    builder.add_unsigned_field("billable", indexed=True)
    builder.add_text_field("title", stored=False, tokenizer_name=STEMMED)
    builder.add_text_field("title_raw", stored=False, tokenizer_name="default")
    builder.add_text_field("terms", stored=False, tokenizer_name=STEMMED)
    builder.add_text_field("context", stored=False, tokenizer_name=STEMMED)
    builder.add_text_field("referenced", stored=False, tokenizer_name=STEMMED)
    # Table of Neoplasms / Drugs rows: apart from "terms", so their thousands of site and
    # substance names leave the words' rarity as the tabular list and index set it.
    builder.add_text_field("tables", stored=False, tokenizer_name=STEMMED)
    # Alphabetic index lines and table rows, unstemmed: type-ahead completes their words too
    # ("acetamin" -> the acetaminophen rows).
    builder.add_text_field("index_raw", stored=False, tokenizer_name="default")
    return builder.build()


def build(documents: Iterable[IndexedCode], directory: Path | None) -> tantivy.Index:
    """Index `documents` (their position is the stored `doc` number) into `directory`.

    The index is written to a temporary folder and renamed, so a crash never leaves a
    half-built index where the service would open it.
    """
    if directory is None:
        index = tantivy.Index(schema())
    else:
        partial = directory.with_name(directory.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        index = tantivy.Index(schema(), path=str(partial))
    writer = index.writer(heap_size=128_000_000, num_threads=1)
    for number, document in enumerate(documents):
        entry = tantivy.Document()
        entry.add_unsigned("doc", number)
        entry.add_text("code", document.code)
        entry.add_text("system", document.system)
        entry.add_text("edition", edition(document.system, document.release))
        for ancestor in document.ancestors:
            entry.add_text("ancestors", ancestor)
        entry.add_unsigned("billable", int(document.billable))
        # "Total knee replacement: the worn joint surfaces ..." weighs as its name; its
        # explanation still matches, as inclusion terms do, without diluting the name.
        name, explanation = split_name(document.title)
        entry.add_text("title", name)
        entry.add_text("title_raw", document.title)
        for term in (*document.word_texts, explanation) if explanation else document.word_texts:
            entry.add_text("terms", term)
        for text in document.context:
            entry.add_text("context", text)
        for text in document.referenced:
            entry.add_text("referenced", text)
        for text in document.table_terms:
            entry.add_text("tables", text)
        for text in (*document.index_terms, *document.table_terms):
            entry.add_text("index_raw", text)
        writer.add_document(entry)
    writer.commit()
    writer.wait_merging_threads()
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
        partial.rename(directory)
        index = tantivy.Index.open(str(directory))
    index.reload()
    return index


def open_saved(directory: Path) -> tantivy.Index:
    """Open an index written by `build`."""
    index = tantivy.Index.open(str(directory))
    index.reload()
    return index
