"""The ICD-10-CM alphabetic index files (CDC XML): term paths that lead to codes.

Coders find a code by walking the index ("Accident" > "boat, boating" > "striking swimmer" >
"powered" -> V94.11) before they check it in the tabular list; the index holds words no
tabular title has ("pernio", "chilblains"). The CDC ships four files in one schema
(`icd10cm-index-YYYY.xsd`): the Index to Diseases and Injuries, the External Cause of
Injuries Index, the Table of Neoplasms and the Table of Drugs and Chemicals. The tables carry
one code per column (`<cell col="n">`), named by the file's `<indexHeading>`
("Malignant Primary", "Poisoning Accidental (unintentional)").

Each coded line becomes an `IndexEntry`: the term path from the main term down (non-essential
modifiers in parentheses are kept apart), and the code it points at. `<code>`, `<subcat>`
and `<seecat>` point at the code; `<manif>` names the manifestation code reported with it.
"See" and "see also" lines point at other index terms, not codes, and are not entries.
A pointer whose text is no code (the FY2025 Table of Neoplasms has one `<manif>` reading
"ventral surface of tongue and floor of mouth") is skipped and counted, not fatal: one slip
in an official file must not keep the other 40,000 lines out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from medcode_codes.importers.records import ImportFormatError
from medcode_common.codesystems import MalformedCode, System, normalize_code

#: The four files, told apart by their title or their table's first column heading.
DISEASES, EXTERNAL_CAUSES, NEOPLASMS, DRUGS = (
    "Index to Diseases and Injuries",
    "External Cause of Injuries Index",
    "Table of Neoplasms",
    "Table of Drugs and Chemicals",
)
#: Elements whose text is a code the line leads to.
_POINTERS = ("code", "subcat", "seecat", "manif")
#: Table cells that hold no code ("--" in the drug table, "-" in the neoplasm table).
_NO_CODE = frozenset({"", "-", "--"})


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One coded line of an index file."""

    index: str  # which of the four files
    path: tuple[str, ...]  # main term first, each term without its non-essential modifiers
    code: str  # canonical ICD-10-CM code or stem ("T51.3X1": the 7th character is the coder's)
    modifiers: tuple[str, ...] = ()  # non-essential modifiers along the path, "(acute)"
    column: str = ""  # the table column's heading, for table files
    incomplete: bool = False  # written with a dash ("C34.9-"): complete it below `code`

    @property
    def text(self) -> str:
        """The path as coders write it: "Accident, boat, striking swimmer, powered"."""
        return ", ".join(self.path + ((self.column,) if self.column else ()))


@dataclass(frozen=True, slots=True)
class IndexFile:
    """What a file is, and its entries."""

    index: str
    version: str  # the file's <version>, e.g. "2025" (the fiscal year)
    entries: tuple[IndexEntry, ...]
    skipped: tuple[str, ...] = ()  # "line 1954: 'ventral surface ...' is not an ICD-10-CM code"


def canonical_pointer(raw: str) -> str | None:
    """The canonical code an index line points at, or None for a cell with no code.

    "C79.8-" (a code to complete) -> "C79.8"; "T51.3X1" -> "T51.3X1"; "--" -> None.
    Raises ValueError for text that is no ICD-10-CM code.
    """
    text = raw.strip().rstrip("-").rstrip(".")
    if raw.strip() in _NO_CODE or not text:
        return None
    try:
        return normalize_code(System.ICD10CM, text)
    except MalformedCode:
        raise ValueError(f"{raw.strip()!r} is not an ICD-10-CM code") from None


def _fail(element: etree._Element, reason: str) -> ImportFormatError:
    document = element.getroottree().docinfo.URL or "index XML"
    return ImportFormatError(Path(document).name, element.sourceline or 0, reason)


def _title_of(element: etree._Element) -> tuple[str, str]:
    """(term, non-essential modifiers) of a mainTerm/term's <title> (or <diff> in addenda)."""
    title = element.find("title")
    if title is None:
        title = element.find("diff")
    if title is None:
        raise _fail(element, f"<{element.tag}> has no <title>")
    modifiers = " ".join(" ".join("".join(n.itertext()).split()) for n in title.iter("nemod"))
    words = [title.text or ""]
    for child in title:
        if child.tag != "nemod":
            words.append("".join(child.itertext()))
        words.append(child.tail or "")
    return " ".join("".join(words).split()), modifiers


def _which(root: etree._Element) -> str:
    heading = root.find("indexHeading/head[@col='1']")
    if heading is not None:
        first = (heading.text or "").strip().lower()
        if first.startswith("neoplasm"):
            return NEOPLASMS
        if first.startswith("substance") or first.startswith("drug"):
            return DRUGS
        raise _fail(heading, f"unknown index table whose first column is {first!r}")
    title = " ".join((root.findtext("title") or "").split()).lower()
    if "external cause" in title:
        return EXTERNAL_CAUSES
    return DISEASES


class _Walk:
    """One file's walk: its kind, table columns, and the pointers it had to skip."""

    def __init__(self, index: str, columns: dict[str, str]) -> None:
        self.index = index
        self.columns = columns
        self.skipped: list[str] = []

    def entries(
        self, element: etree._Element, path: tuple[str, ...], modifiers: tuple[str, ...]
    ) -> Iterator[IndexEntry]:
        term, nemod = _title_of(element)
        path = (*path, term)
        modifiers = (*modifiers, nemod) if nemod else modifiers
        for tag in _POINTERS:
            for pointer in element.findall(tag):
                code = self._pointer(pointer)
                if code is not None:
                    yield IndexEntry(self.index, path, code, modifiers, "", _dashed(pointer))
        for cell in element.findall("cell"):
            code = self._pointer(cell)
            if code is not None:
                column = self.columns.get(cell.get("col", ""), "")
                yield IndexEntry(self.index, path, code, modifiers, column, _dashed(cell))
        for child in element.findall("term"):
            yield from self.entries(child, path, modifiers)

    def _pointer(self, element: etree._Element) -> str | None:
        try:
            return canonical_pointer("".join(element.itertext()))
        except ValueError as error:
            self.skipped.append(f"line {element.sourceline}: {error}")
            return None


def _dashed(element: etree._Element) -> bool:
    return "".join(element.itertext()).strip().endswith("-")


def parse_index(path: Path) -> IndexFile:
    """Every coded line of one CDC index XML file, in file order."""
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()
    except etree.XMLSyntaxError as error:
        reason = f"not well-formed XML: {error}"
        raise ImportFormatError(path.name, error.lineno or 0, reason) from None
    if root.tag != "ICD10CM.index":
        raise _fail(root, f"the root is <{root.tag}>, not <ICD10CM.index>")
    if root.get("isAddenda") == "true":
        # Its <diff> titles hold old and new wording side by side: not an index to load.
        raise _fail(root, "this is an addenda file (changes only); import the full index file")
    columns = {
        head.get("col", ""): " ".join((head.text or "").split())
        for head in root.findall("indexHeading/head")
    }
    walk = _Walk(_which(root), columns)
    entries = [
        entry
        for main_term in root.iterfind("letter/mainTerm")
        for entry in walk.entries(main_term, (), ())
    ]
    if not entries:
        raise _fail(root, "no index line leads to a code")
    version = (root.findtext("version") or "").strip()
    return IndexFile(walk.index, version, tuple(entries), tuple(walk.skipped))
