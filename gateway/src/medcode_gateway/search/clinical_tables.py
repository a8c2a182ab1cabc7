"""NLM Clinical Table Search Service compatibility: its parameters read, its array answered.

clinicaltables.nlm.nih.gov's `/api/<table>/v3/search` treats `terms` as an AND of word
prefixes over the table's search fields and answers `[total, codes, extra, display rows]`.
Each table here says which of NLM's field names it offers and what MedCode holds under them
(a code's code or its title); the matching itself is the search service's `MatchPrefixes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medcode.search.v1 import search_service_pb2 as pb
from medcode_gateway.core.problems import Problem

#: NLM's page-size limit, for `count` and `maxList` alike.
MAX_PAGE = 500
#: `maxList` present with no value asks for this many (NLM's rule).
EMPTY_MAX_LIST = 500
_CODE, _TITLE = "code", "title"


@dataclass(frozen=True, slots=True)
class Table:
    """One Clinical Tables table: NLM's field names for it and their defaults."""

    system: str
    #: NLM field name -> what MedCode holds under it (the code, or the title).
    fields: Mapping[str, str]
    search_fields: str
    display_fields: str
    #: NLM's ICD-10-CM table holds the billable codes only (74,719 in the 2026 set).
    billable_only: bool = False
    #: Node kinds it holds ("code": no HCPCS modifiers or section headings).
    kinds: tuple[str, ...] = ()

    def title_fields(self) -> list[str]:
        """The names `q` may give the title."""
        return [name for name, held in self.fields.items() if held == _TITLE]


TABLES = {
    "icd10cm": Table(
        "icd10cm",
        {"code": _CODE, "name": _TITLE},
        search_fields="code,name",
        display_fields="code,name",
        billable_only=True,
    ),
    # MedCode holds one description per HCPCS code (the long one): NLM's short and long
    # descriptions and its `display` field all read it.
    "hcpcs": Table(
        "hcpcs",
        {"code": _CODE, "display": _TITLE, "short_desc": _TITLE, "long_desc": _TITLE},
        search_fields="code,short_desc,long_desc",
        display_fields="code,display",
        kinds=("code",),
    ),
}


def field_list(table: Table, text: str, parameter: str) -> list[str]:
    """A comma-separated list of the table's field names; a 400 problem names any other."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in table.fields]
    if unknown:
        offered = ", ".join(table.fields)
        raise Problem(
            400, f"{parameter} names {', '.join(unknown)}; the {table.system} table has {offered}"
        )
    if not names:
        raise Problem(
            400,
            f"{parameter} names no field; the {table.system} table has {', '.join(table.fields)}",
        )
    return names


def extra_fields(table: Table, text: str | None) -> list[tuple[str, str]]:
    """`ef` as (field, key in the answer) pairs: "name:desc" answers `name` under `desc`."""
    if text is None:
        return []
    pairs = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            field, _colon, alias = item.partition(":")
            pairs.append((field.strip(), alias.strip() or field.strip()))
    field_list(table, ",".join(field for field, _alias in pairs), "ef")
    return pairs


def page_size(max_list: str | None, count: int) -> int:
    """`maxList` (empty: 500) wins over `count`, as NLM documents; a 400 problem when it is not
    a whole number from 1 to 500."""
    if max_list is None:
        return count
    text = max_list.strip()
    if not text:
        return EMPTY_MAX_LIST
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE:
        raise Problem(
            400, f"maxList must be a whole number from 1 to {MAX_PAGE}, not {text[:20]!r}"
        )
    return int(text)


def match_request(
    table: Table,
    *,
    terms: str,
    search_fields: str | None,
    limit: int,
    offset: int,
    q: str | None,
    synonyms: bool,
) -> pb.MatchPrefixesRequest:
    """The search service request for one Clinical Tables search."""
    if not terms.strip():
        raise Problem(400, "terms is empty; send the start of a code or of a word")
    held = {
        table.fields[name] for name in field_list(table, search_fields or table.search_fields, "sf")
    }
    fields = [pb.MATCH_FIELD_CODE] if _CODE in held else []
    fields += [pb.MATCH_FIELD_TITLE] if _TITLE in held else []
    return pb.MatchPrefixesRequest(
        system=table.system,
        terms=terms,
        fields=fields,
        billable_only=table.billable_only,
        kinds=table.kinds,
        offset=offset,
        limit=limit,
        q=q or "",
        title_fields=table.title_fields(),
        synonyms=synonyms,
    )


def _value(table: Table, hit: pb.Hit, field: str) -> str:
    return hit.code if table.fields[field] == _CODE else hit.title


def answer(
    table: Table,
    reply: pb.MatchPrefixesResponse,
    *,
    code_field: str,
    display: list[str],
    extra: list[tuple[str, str]],
) -> list[Any]:
    """NLM's answer: [total, codes, extra fields by key (or null), display rows]."""
    hits = list(reply.hits)
    codes = [_value(table, hit, code_field) for hit in hits]
    extras = (
        {key: [_value(table, hit, field) for hit in hits] for field, key in extra}
        if extra
        else None
    )
    rows = [[_value(table, hit, field) for field in display] for hit in hits]
    return [reply.total, codes, extras, rows]
