"""A knowledge file that breaks a rule fails to load with a message naming the file and the
entry, so a bad edit can never ship half a knowledge base."""

from __future__ import annotations

from pathlib import Path

import pytest

from medcode_assistant.knowledge import Entry, KnowledgeBase, KnowledgeError, code_system

TEXT = "A text long enough to pass the lower bound on entry length, written for this test only."


def write(tmp_path: Path, body: str, name: str = "test.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def entry_yaml(key: str = '"k1"', *, kind: str = "guideline", extra: str = "") -> str:
    return (
        f"kind: {kind}\nentries:\n  - key: {key}\n    title: A title\n"
        f'    source: "ICD-10-CM Official Guidelines, Section I.A"\n    text: "{TEXT}"\n{extra}'
    )


def test_a_valid_file_loads(tmp_path: Path) -> None:
    kb = KnowledgeBase.from_files([write(tmp_path, entry_yaml(extra='    codes: ["E11.9"]\n'))])
    assert kb.entries == (
        Entry(
            kind="guideline",
            key="k1",
            title="A title",
            text=TEXT,
            source="ICD-10-CM Official Guidelines, Section I.A",
            codes=("E11.9",),
        ),
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind: guideline\n", "exactly 'kind' and 'entries'"),
        ("kind: guideline\nentries: []\n", "non-empty list"),
        ("kind: [unclosed\n", "not valid YAML"),
        (entry_yaml(kind="recipe"), "unknown kind 'recipe'"),
        (entry_yaml("25"), "must be quoted"),
        (entry_yaml(extra="    colour: red\n"), "unknown fields ['colour']"),
        (entry_yaml(extra='    codes: ["E119"]\n'), "'E119' is neither"),
        (entry_yaml(extra="    aliases: [1, 2]\n"), "'aliases' must be a list"),
        (
            entry_yaml(extra="    aliases: [\"k1 again\", \"K1  AGAIN\"]\n"),
            "listed twice",
        ),
        (entry_yaml().replace('source: "ICD-10-CM Official Guidelines, Section I.A"', 'source: ""'),
         "'source' must be a non-empty string"),
        (entry_yaml().replace(TEXT, "too short"), "keep it between"),
        (entry_yaml().replace(TEXT, "x" * 5000), "keep it between"),
        (entry_yaml(kind="pcs_root_operation"), "needs a PCS 'character'"),
        (entry_yaml(kind="pcs_root_operation", extra='    character: "I"\n'), "needs a PCS"),
    ],
)  # fmt: skip
def test_a_broken_file_is_refused_with_a_clear_message(
    tmp_path: Path, body: str, message: str
) -> None:
    with pytest.raises(KnowledgeError) as raised:
        KnowledgeBase.from_files([write(tmp_path, body)])
    assert message in str(raised.value)
    assert "test.yaml" in str(raised.value) or "listed twice" in str(raised.value)


def test_a_key_reused_in_another_file_is_refused(tmp_path: Path) -> None:
    first = write(tmp_path, entry_yaml(), "a.yaml")
    second = write(tmp_path, entry_yaml(kind="convention", extra='    aliases: ["x"]\n'), "b.yaml")
    with pytest.raises(KnowledgeError, match="names both guideline:k1 and convention:k1"):
        KnowledgeBase.from_files([first, second])


def test_an_alias_that_is_another_entrys_key_is_refused(tmp_path: Path) -> None:
    body = entry_yaml() + entry_yaml('"k2"', extra='    aliases: ["K1"]\n').split("entries:\n")[1]
    with pytest.raises(KnowledgeError, match="'K1' names both guideline:k1 and guideline:k2"):
        KnowledgeBase.from_files([write(tmp_path, body)])


def test_a_root_character_used_twice_is_refused(tmp_path: Path) -> None:
    one = entry_yaml(kind="pcs_root_operation", extra='    character: "B"\n')
    two = entry_yaml('"k2"', kind="pcs_root_operation", extra='    character: "b"\n')
    with pytest.raises(KnowledgeError, match="character B reused"):
        KnowledgeBase.from_files([write(tmp_path, one + two.split("entries:\n")[1])])


def test_the_constructor_checks_entries_built_in_code() -> None:
    entry = Entry(kind="guideline", key="k", title="t", text=TEXT, source="s")
    with pytest.raises(KnowledgeError, match="listed twice|names both"):
        KnowledgeBase([entry, entry])
    with pytest.raises(KnowledgeError, match="unknown kind"):
        KnowledgeBase([Entry(kind="recipe", key="k", title="t", text=TEXT, source="s")])


@pytest.mark.parametrize(
    ("code", "system"),
    [("E11.9", "icd10cm"), ("I10", "icd10cm"), ("T36.0X1A", "icd10cm"), ("0DTJ4ZZ", "icd10pcs")],
)
def test_code_system_by_shape(code: str, system: str) -> None:
    assert code_system(code) == system


@pytest.mark.parametrize("code", ["E119", "99213", "0DTJ4Z", "0DTJ4ZO", "e11.9", ""])
def test_code_system_refuses_other_shapes(code: str) -> None:
    with pytest.raises(KnowledgeError, match="neither"):
        code_system(code)
