"""The data-set store: atomic writes, keyed reads, release selection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medcode_codes.datasets.store import DatasetCatalog, Row, dataset_path, write_dataset
from medcode_codes.importers.records import ImportFormatError

DAY = dt.date(2026, 1, 1)


def write(data_dir: Path, rows: list[Row] | Iterator[Row], release: str = "2026-01-01") -> Path:
    return write_dataset(
        data_dir=data_dir,
        kind="demo",
        release=release,
        effective_date=dt.date.fromisoformat(release),
        source="test",
        source_digest="x",
        rows=rows,
    )


def test_rows_by_key_key2_and_among(tmp_path: Path) -> None:
    write(tmp_path, [("A", "B", {"n": 1}), ("A", "C", {"n": 2}), ("C", "A", {"n": 3})])
    dataset = DatasetCatalog.open_dir(tmp_path).select("demo")
    assert dataset is not None and dataset.meta.row_count == 3
    assert [r["n"] for r in dataset.rows("A")] == [1, 2]
    assert [r["n"] for r in dataset.rows("A", "C")] == [2]
    assert [k for k, _ in dataset.rows_by_key2("A")] == ["C"]
    assert sorted((a, b) for a, b, _ in dataset.rows_among(["A", "C"])) == [("A", "C"), ("C", "A")]


def test_failed_import_leaves_the_current_release(tmp_path: Path) -> None:
    write(tmp_path, [("A", "", {"v": "old"})])

    def broken() -> Iterator[Row]:
        yield "A", "", {"v": "new"}
        raise ImportFormatError("file.txt", 2, "bad date")

    with pytest.raises(ImportFormatError, match="file.txt:2: bad date"):
        write(tmp_path, broken())
    dataset = DatasetCatalog.open_dir(tmp_path).select("demo")
    assert dataset is not None and dataset.rows("A") == [{"v": "old"}]
    leftovers = [p.name for p in dataset_path(tmp_path, kind="demo", release="x").parent.iterdir()]
    assert leftovers == ["2026-01-01.sqlite"]


def test_release_selection_by_date(tmp_path: Path) -> None:
    write(tmp_path, [("A", "", {"v": 1})], release="2025-10-01")
    write(tmp_path, [("A", "", {"v": 2})], release="2026-01-01")
    catalog = DatasetCatalog.open_dir(tmp_path)
    assert catalog.select("demo").meta.release == "2026-01-01"  # type: ignore[union-attr]
    assert catalog.select("demo", as_of=dt.date(2025, 12, 1)).meta.release == "2025-10-01"  # type: ignore[union-attr]
    assert catalog.select("demo", as_of=dt.date(2020, 1, 1)) is None
    assert catalog.select("other") is None


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=5), st.text(max_size=5), st.integers()), max_size=30))
def test_what_is_written_is_read_back(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:  # type: ignore[type-arg]
    data_dir = tmp_path_factory.mktemp("ds")
    write(data_dir, [(k, k2, {"v": v}) for k, k2, v in rows])
    dataset = DatasetCatalog.open_dir(data_dir).select("demo")
    assert dataset is not None and dataset.meta.row_count == len(rows)
    for key in {k for k, _, _ in rows}:
        assert [r["v"] for r in dataset.rows(key)] == [v for k, _, v in rows if k == key]
