"""The tantivy index: schema, building from documents, and opening a saved one."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import tantivy

from medcode_search import fields
from medcode_search.documents import IndexedCode
from medcode_search.fields import edition

STEMMED = "en_stem"


def schema() -> tantivy.Schema:
    """Fields: raw keys for filters, then the searchable texts every backend indexes."""
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("doc", stored=True, indexed=False)
    builder.add_text_field("code", stored=False, tokenizer_name="raw")
    builder.add_text_field("system", stored=False, tokenizer_name="raw")
    builder.add_text_field("edition", stored=False, tokenizer_name="raw")  # "icd10cm:2026-04-01"
    builder.add_text_field("ancestors", stored=False, tokenizer_name="raw")
    builder.add_unsigned_field("billable", indexed=True)
    # The searchable texts (fields.py), already folded: stemmed ones for BM25 and rarity,
    # unstemmed ones for type-ahead prefixes.
    for name in fields.STEMMED:
        builder.add_text_field(name, stored=False, tokenizer_name=STEMMED)
    for name in (fields.TITLE_RAW, fields.INDEX_RAW):
        builder.add_text_field(name, stored=False, tokenizer_name="default")
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
    fold = fields.folding()
    for number, document in enumerate(documents):
        entry = tantivy.Document()
        entry.add_unsigned("doc", number)
        entry.add_text("code", document.code)
        entry.add_text("system", document.system)
        entry.add_text("edition", edition(document.system, document.release))
        for ancestor in document.ancestors:
            entry.add_text("ancestors", ancestor)
        entry.add_unsigned("billable", int(document.billable))
        for field, texts in fields.searchable(document, fold).items():
            for text in texts:
                entry.add_text(field, text)
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
