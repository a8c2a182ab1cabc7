"""Reading the packaged YAML files into entries, refusing duplicates across every file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from medcode_assistant.knowledge.entry import Entry, KnowledgeError, parse_entry

#: The per-kind field a root-operation entry carries: its 3rd character in section 0.
CHARACTER = "character"
_PCS_CHARACTERS = set("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")


@dataclass
class Loaded:
    """Every entry of a knowledge directory, and the root operations by their character."""

    entries: list[Entry] = field(default_factory=list)
    root_characters: dict[str, str] = field(default_factory=dict)


def packaged_files() -> list[Path]:
    """The YAML files shipped inside the package, in a stable order."""
    folder = resources.files("medcode_assistant.knowledge")
    return sorted(Path(str(item)) for item in folder.iterdir() if item.name.endswith(".yaml"))


def _file_entries(path: Path, loaded: Loaded) -> None:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise KnowledgeError(f"{path.name}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or set(document) != {"kind", "entries"}:
        raise KnowledgeError(f"{path.name}: expected a mapping with exactly 'kind' and 'entries'")
    kind, raws = document["kind"], document["entries"]
    if not isinstance(raws, list) or not raws:
        raise KnowledgeError(f"{path.name}: 'entries' must be a non-empty list")
    extra = frozenset({CHARACTER}) if kind == "pcs_root_operation" else frozenset()
    for number, raw in enumerate(raws, start=1):
        entry = parse_entry(str(kind), raw, f"{path.name} entry {number}", extra)
        if extra:
            character = str(raw.get(CHARACTER, "")).strip().upper()
            if character not in _PCS_CHARACTERS:
                raise KnowledgeError(f"{path.name} [{entry.key}]: needs a PCS 'character'")
            if character in loaded.root_characters:
                raise KnowledgeError(f"{path.name} [{entry.key}]: character {character} reused")
            loaded.root_characters[character] = entry.key
        loaded.entries.append(entry)


def check_unique(entries: Iterable[Entry]) -> None:
    """Every key and alias names one entry only, so a lookup can never be ambiguous."""
    owner: dict[str, str] = {}
    for entry in entries:
        for name in (entry.key, *entry.aliases):
            folded = " ".join(name.lower().split())
            label = f"{entry.kind}:{entry.key}"
            if folded in owner and owner[folded] != label:
                raise KnowledgeError(f"{name!r} names both {owner[folded]} and {label}")
            if folded in owner:
                raise KnowledgeError(f"{label}: {name!r} is listed twice")
            owner[folded] = label


def load_files(paths: Iterable[Path]) -> Loaded:
    """Entries from the given YAML files, validated one by one and then together."""
    loaded = Loaded()
    for path in paths:
        _file_entries(path, loaded)
    check_unique(loaded.entries)
    return loaded
