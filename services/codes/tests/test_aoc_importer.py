"""NCCI add-on code edits: parsed by header name, types 1-3, bad rows named by line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medcode_codes.importers.aoc import parse_aoc
from medcode_codes.importers.records import ImportFormatError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ncci" / "aoc-edits-2026q2.txt"


def test_fixture_rows() -> None:
    edits = list(parse_aoc(FIXTURE))
    assert len(edits) == 17
    primaries = [e.primary for e in edits if e.add_on == "64492"]
    assert primaries == ["64490", "64491"]
    type2 = next(e for e in edits if e.add_on == "G0276")
    assert (type2.primary, type2.edit_type, type2.deletion_date) == ("", "2", dt.date(2014, 1, 1))
    assert next(e for e in edits if e.add_on == "77001").edit_type == "3"


def test_reordered_comma_columns(tmp_path: Path) -> None:
    table = tmp_path / "aoc.csv"
    table.write_text(
        "title line\n"
        "Primary Code,Add-on Code,AOC Edit Effective Date,AOC Edit Type,AOC Edit Deletion Date\n"
        "64490,64491,20130101,1,*\n"
    )
    (edit,) = parse_aoc(table)
    assert (edit.add_on, edit.primary, edit.edit_type) == ("64491", "64490", "1")


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("6449\t64490\t1\t20100101\t*\t20130101\t*\t", "add-on code"),
        ("64491\t64490\t4\t20100101\t*\t20130101\t*\t", "edit type"),
        ("64491\t64490\t1\t20100101\t*\t20131301\t*\t", "calendar date"),
    ],
)
def test_bad_rows_name_their_line(tmp_path: Path, row: str, words: str) -> None:
    lines = FIXTURE.read_text().splitlines()
    table = tmp_path / "aoc.txt"
    table.write_text("\n".join([*lines[:5], row]) + "\n")
    with pytest.raises(ImportFormatError, match=words) as caught:
        list(parse_aoc(table))
    assert caught.value.line == 6
