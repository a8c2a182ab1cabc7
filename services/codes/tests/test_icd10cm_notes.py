"""Notes the ICD-10-CM tabular used to lose: those inside 7th-character definitions, and the
inclusion terms written at a block (section), which are guidance for every code in it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from medcode_codes.importers.icd10cm import (
    _seventh_characters,
    default_tabular_path,
    parse_tabular,
    release_info,
)
from medcode_codes.importers.provenance import snapshot_up_to_date
from medcode_codes.importers.records import NodeRecord
from medcode_codes.snapshot.reader import Snapshot
from medcode_codes.snapshot.schema import SCHEMA_VERSION
from medcode_codes.snapshot.writer import write_snapshot

TABULAR = default_tabular_path()


@pytest.fixture(scope="module")
def records() -> list[NodeRecord]:
    return list(parse_tabular(TABULAR))


@pytest.fixture(scope="module")
def snapshot(records: list[NodeRecord], tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    path = write_snapshot(
        data_dir=tmp_path_factory.mktemp("cm"),
        info=release_info(TABULAR),
        nodes=records,
        source_digest="test",
    )
    return Snapshot(path)


def _seventh_notes(records: list[NodeRecord]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {
        (r.code, s.character): s.notes for r in records for s in r.seventh_characters if s.notes
    }


def test_every_note_inside_a_seventh_character_definition_is_kept(
    records: list[NodeRecord],
) -> None:
    in_xml = [
        (definition.getparent().findtext("name"), (note.text or "").strip())
        for definition in etree.parse(str(TABULAR)).iter("sevenChrDef")
        for note in definition.iterchildren("note")
    ]
    kept = [(code, note) for (code, _), notes in _seventh_notes(records).items() for note in notes]
    assert sorted(kept) == sorted(in_xml) and len(in_xml) == 8


def test_seventh_character_notes_go_with_the_character_before_them(
    records: list[NodeRecord],
) -> None:
    notes = _seventh_notes(records)
    assert notes[("H34.81", "2")] == ("Old central retinal vein occlusion",)
    assert notes[("H34.83", "2")] == ("Old tributary (branch) retinal vein occlusion",)
    assert notes[("H35.31", "3")] == ("advanced dry stage",)
    assert notes[("S72", "B")] == ("initial encounter for open fracture NOS",)
    # W08's line reads like an inclusion term of the category, but the XML writes it after
    # character S; we show it where the CDC put it rather than guess.
    assert notes[("W08", "S")] == ("Fall from stool",)


_TEXT = st.text(alphabet="abcdefgh ()-,", min_size=1, max_size=12).map(str.strip).filter(bool)
_ITEM = st.one_of(
    st.tuples(st.just("extension"), st.sampled_from("0123ABDS"), _TEXT),
    st.tuples(st.just("note"), st.just(""), _TEXT),
)


@given(st.lists(_ITEM, max_size=12).filter(lambda items: any(i[0] == "extension" for i in items)))
def test_seventh_character_parser_attaches_every_note(items: list[tuple[str, str, str]]) -> None:
    body = "".join(
        f'<extension char="{char}">{escape(text)}</extension>'
        if tag == "extension"
        else f"<note>{escape(text)}</note>"
        for tag, char, text in items
    )
    parsed = _seventh_characters(etree.fromstring(f"<sevenChrDef>{body}</sevenChrDef>"))
    extensions = [(char, text) for tag, char, text in items if tag == "extension"]
    assert [(s.character, s.description) for s in parsed] == extensions
    assert [n for s in parsed for n in s.notes] == [t for tag, _, t in items if tag == "note"]
    owner = 0  # notes before the first extension go with it, then with the one before them
    seen_extension = False
    for tag, _char, text in items:
        if tag == "extension":
            owner += seen_extension
            seen_extension = True
        else:
            assert text in parsed[owner].notes


def test_seventh_character_notes_reach_the_codes_that_use_them(snapshot: Snapshot) -> None:
    record = snapshot.record("H34.8122")
    assert record is not None
    by_char = {s.character: s for s in record.seventh_characters}
    assert by_char["2"].notes == ("Old central retinal vein occlusion",)
    assert by_char["2"].source_code == "H34.81" and by_char["0"].notes == ()


def test_block_inclusion_terms_are_inherited_with_their_source(snapshot: Snapshot) -> None:
    record = snapshot.record("Z40.01")
    assert record is not None
    inherited = [(n.source_code, n.text) for n in record.notes if n.type == "inclusionTerm"]
    assert len(inherited) == 1 and inherited[0][0] == "Z40-Z53"
    assert inherited[0][1].startswith("Categories Z40-Z53 are intended for use to indicate")
    assert all(n.inherited for n in record.notes if n.source_code == "Z40-Z53")
    suicide = snapshot.record("X71.0XXA")
    assert suicide is not None
    assert {n.text for n in suicide.notes if n.source_code == "X71-X83"} >= {
        "Purposely self-inflicted injury",
        "Suicide (attempted)",
    }


def test_category_inclusion_terms_stay_with_their_category(snapshot: Snapshot) -> None:
    # H25's inclusion term "Senile cataract" describes the category; H25.9 is "unspecified
    # age-related cataract" with its own terms, and must not list H25's as its own.
    h25 = snapshot.record("H25")
    h25_9 = snapshot.record("H25.9")
    assert h25 is not None and h25_9 is not None
    assert ("inclusionTerm", "Senile cataract") in {(n.type, n.text) for n in h25.notes}
    assert not [n for n in h25_9.notes if n.type == "inclusionTerm" and n.inherited]


def _downgrade_to_schema_1(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE seventh_character DROP COLUMN notes")
        db.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")


def test_a_snapshot_of_the_previous_format_still_serves_and_is_rebuilt(
    records: list[NodeRecord], tmp_path: Path
) -> None:
    path = write_snapshot(
        data_dir=tmp_path,
        info=release_info(TABULAR),
        nodes=[r for r in records if r.code == "7" or (r.code[0] == "H" and r.code[1:3] < "60")],
        source_digest="same-files",
    )
    assert snapshot_up_to_date(path, "same-files")
    _downgrade_to_schema_1(path)
    old = Snapshot(path)  # an operator's import from before the upgrade keeps serving
    record = old.record("H34.8122")
    assert record is not None and old.schema_version == "1" != SCHEMA_VERSION
    assert {s.character: s.notes for s in record.seventh_characters}["2"] == ()
    old.close()
    assert not snapshot_up_to_date(path, "same-files")  # but `medcode import` rebuilds it


def test_the_writer_stores_notes_as_a_json_list(snapshot: Snapshot) -> None:
    with sqlite3.connect(f"file:{snapshot.path}?mode=ro", uri=True) as db:
        stored = db.execute(
            "SELECT notes FROM seventh_character WHERE code = 'H34.81' AND character = '2'"
        ).fetchone()[0]
        empty = db.execute(
            "SELECT count(*) FROM seventh_character WHERE notes IS NOT NULL"
        ).fetchone()[0]
    assert json.loads(stored) == ["Old central retinal vein occlusion"]
    assert empty == 8  # only the characters that have notes carry any
