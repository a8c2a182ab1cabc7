"""Write the recorded Clinical Tables request/answer pairs this folder holds (cases/*.json).

Each answer is worked out here from NLM's documented behaviour alone, over the real code
sets read without MedCode: the ICD-10-CM 2026 billable codes and titles from the CDC tabular
list as the `simple-icd-10-cm` package reads it, and the HCPCS codes and long descriptions
from CMS's 2020 alpha-numeric file (../shared/data/cms). NLM's rules, as its API pages state
them: every whitespace-separated word of `terms` must start a word of one of the `sf` fields
(or the code), `total` counts every match, matches come in code order, `count`/`offset` page,
`maxList` (empty: 500) wins over `count`, `df` picks each row's fields, `ef` returns a hash
of field (or alias) to values, `cf` names the code field. Errors are MedCode's decision:
problem JSON naming the bad parameter (400, or 422 for a value the route's types refuse).

    .venv/bin/python tests/clinical_tables/record.py
Run it again when a code set changes; tests/test_search_clinical_tables.py replays the pairs.
"""

from __future__ import annotations

import fnmatch
import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import simple_icd_10_cm as cm

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ANWEB = ROOT.parent / "shared/data/cms/hcpcs/HCPC2020_ANWEB_w_disclaimer.txt"
APOSTROPHES = "'\u2018\u2019\u02bc\u02b9\u2032`\u00b4"
#: MedCode's synonym list rewrites this lay phrase (the only one these cases use).
SYNONYMS = {"heart attack": "myocardial infarction"}
Table = dict[str, dict[str, str]]  # code -> field -> value


def fold(text: str) -> list[str]:
    """Words as a search box compares them: case, accents and apostrophes set aside."""
    text = "".join(c for c in text if c not in APOSTROPHES)
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text)


def icd10cm() -> Table:
    """The billable ICD-10-CM codes (NLM's table holds those, 74,719 in 2026)."""
    codes = (c for c in cm.get_all_codes(True) if cm.is_leaf(c) and not cm.is_chapter_or_block(c))
    return {code: {"code": code, "name": cm.get_description(code)} for code in codes}


def hcpcs() -> Table:
    """HCPCS Level II procedure codes with their long descriptions (continuations joined)."""
    table: Table = {}
    code = ""
    pieces: list[str] = []
    for line in ANWEB.read_text(encoding="cp1252").splitlines():
        if len(line) > 10 and re.fullmatch(r"[A-V][0-9]{4}", line[:5]) and line[10] in "34":
            if line[10] == "3":
                if code:
                    table[code] = " ".join(" ".join(pieces).split())
                code, pieces = line[:5], [line[11:91]]
            else:
                pieces.append(line[11:91])
    table[code] = " ".join(" ".join(pieces).split())
    return {c: {"code": c, "display": d, "short_desc": d, "long_desc": d} for c, d in table.items()}


DEFAULTS = {
    "icd10cm": {"sf": "code,name", "df": "code,name"},
    "hcpcs": {"sf": "code,short_desc,long_desc", "df": "code,display"},
}


def matches(table: Table, terms: str, fields: list[str]) -> list[str]:
    """Codes (in code order) for which every term starts the code or a word of a field."""

    def hit(code: str, token: str) -> bool:
        if "code" in fields and code.upper().startswith(token.upper()):
            return True
        words = fold(token)
        said = [w for f in fields if f != "code" for w in fold(table[code][f])]
        return bool(words) and all(any(s.startswith(w) for s in said) for w in words)

    tokens = [t for t in terms.split() if fold(t)]
    return sorted(code for code in table if tokens and all(hit(code, t) for t in tokens))


def answer(tables: dict[str, Table], url: str) -> list[object]:
    """NLM's answer to one request URL."""
    path, query = urlsplit(url).path, dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
    name = path.split("/")[2]
    table = tables[name]
    fields = query.get("sf", DEFAULTS[name]["sf"]).split(",")
    found = matches(table, query["terms"], fields)
    if query.get("synonyms") == "true":
        for lay, clinical in SYNONYMS.items():
            if lay in query["terms"]:
                found = sorted(
                    {*found, *matches(table, query["terms"].replace(lay, clinical), fields)}
                )
    if "q" in query:  # these cases use one "field:pattern" clause
        field, pattern = query["q"].split(":", 1)
        found = [c for c in found if fnmatch.fnmatchcase(table[c][field].upper(), pattern.upper())]
    size = int(query["maxList"] or 500) if "maxList" in query else int(query.get("count", 7))
    offset = int(query.get("offset", 0))
    page = found[offset : offset + size]
    cf = query.get("cf", "code")
    display = query.get("df", DEFAULTS[name]["df"]).split(",")
    extra = None
    if "ef" in query:
        extra = {}
        for item in query["ef"].split(","):
            field, _colon, alias = item.partition(":")
            extra[alias or field] = [table[c][field] for c in page]
    return [
        len(found),
        [table[c][cf] for c in page],
        extra,
        [[table[c][f] for f in display] for c in page],
    ]


#: (file name, request URL) answered as NLM would.
ANSWERED = [
    ("icd10cm-nlm-sample-tuberc", "/api/icd10cm/v3/search?sf=code,name&terms=tuberc"),
    ("icd10cm-nlm-sample-a15", "/api/icd10cm/v3/search?sf=code,name&terms=A15"),
    ("icd10cm-default-fields-tuberc", "/api/icd10cm/v3/search?terms=tuberc"),
    ("icd10cm-diab", "/api/icd10cm/v3/search?terms=diab"),
    ("icd10cm-chol", "/api/icd10cm/v3/search?terms=chol"),
    ("icd10cm-dia-mel", "/api/icd10cm/v3/search?terms=dia%20mel"),
    ("icd10cm-code-field-e11.6", "/api/icd10cm/v3/search?sf=code&terms=E11.6"),
    ("icd10cm-name-field-only", "/api/icd10cm/v3/search?sf=name&terms=A15"),
    ("icd10cm-display-code-name", "/api/icd10cm/v3/search?terms=asthma&df=code,name"),
    ("icd10cm-display-name", "/api/icd10cm/v3/search?terms=asthma&df=name"),
    ("icd10cm-extra-field", "/api/icd10cm/v3/search?terms=tuberc&ef=name"),
    ("icd10cm-extra-alias", "/api/icd10cm/v3/search?terms=tuberc&ef=name:desc,code"),
    ("icd10cm-page-2", "/api/icd10cm/v3/search?terms=tuberc&count=5&offset=5"),
    ("icd10cm-last-page", "/api/icd10cm/v3/search?terms=tuberc&count=5&offset=75"),
    ("icd10cm-count-0", "/api/icd10cm/v3/search?terms=tuberc&count=0"),
    ("icd10cm-maxlist-20", "/api/icd10cm/v3/search?terms=tuberc&maxList=20"),
    ("icd10cm-maxlist-empty", "/api/icd10cm/v3/search?terms=tuberc&maxList="),
    ("icd10cm-maxlist-wins", "/api/icd10cm/v3/search?terms=tuberc&maxList=3&count=9"),
    ("icd10cm-code-field-name", "/api/icd10cm/v3/search?terms=A15&cf=name"),
    ("icd10cm-q-code", "/api/icd10cm/v3/search?terms=tuberc&q=code:A17*"),
    ("icd10cm-total-not-capped", "/api/icd10cm/v3/search?terms=right"),
    ("icd10cm-no-match", "/api/icd10cm/v3/search?terms=xyzzy"),
    ("icd10cm-lay-words-as-typed", "/api/icd10cm/v3/search?terms=heart%20attack"),
    ("icd10cm-synonyms-asked", "/api/icd10cm/v3/search?terms=heart%20attack&synonyms=true"),
    ("icd10cm-apostrophe", "/api/icd10cm/v3/search?terms=alzheimer%27s&maxList=10"),
    ("hcpcs-wheelchair", "/api/hcpcs/v3/search?terms=wheelchair&maxList=10"),
    ("hcpcs-code-prefix", "/api/hcpcs/v3/search?sf=code&terms=A55"),
    ("hcpcs-display", "/api/hcpcs/v3/search?terms=diab%20shoe&df=code,display"),
    ("hcpcs-extra-page", "/api/hcpcs/v3/search?terms=oxygen&count=3&offset=3&ef=long_desc:desc"),
]
#: (file name, request URL, status, words the problem's detail must hold) refused.
REFUSED = [
    ("error-empty-terms", "/api/icd10cm/v3/search?terms=%20", 400, "terms is empty"),
    ("error-missing-terms", "/api/icd10cm/v3/search?maxList=5", 422, "terms"),
    (
        "error-unknown-search-field",
        "/api/icd10cm/v3/search?terms=a&sf=colour",
        400,
        "sf names colour",
    ),
    (
        "error-unknown-display-field",
        "/api/icd10cm/v3/search?terms=a&df=name,size",
        400,
        "df names size",
    ),
    ("error-unknown-extra-field", "/api/hcpcs/v3/search?terms=a&ef=add_dt", 400, "ef names add_dt"),
    ("error-maxlist-too-big", "/api/icd10cm/v3/search?terms=a&maxList=501", 400, "maxList"),
    ("error-maxlist-not-a-number", "/api/icd10cm/v3/search?terms=a&maxList=ten", 400, "maxList"),
    ("error-count-too-big", "/api/icd10cm/v3/search?terms=a&count=501", 422, "count"),
    ("error-negative-offset", "/api/icd10cm/v3/search?terms=a&offset=-1", 422, "offset"),
    (
        "error-q-syntax",
        "/api/icd10cm/v3/search?terms=a&q=name:%5Ba%20TO%20b%5D",
        400,
        "does not support",
    ),
    ("error-q-field", "/api/icd10cm/v3/search?terms=a&q=colour:red", 400, "field 'colour'"),
    ("error-unknown-table", "/api/icd9cm/v3/search?terms=a", 422, "table"),
]


def main() -> None:
    tables: dict[str, Table] = {"icd10cm": icd10cm(), "hcpcs": hcpcs()}
    folder = HERE / "cases"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()

    def write(name: str, case: dict[str, object]) -> None:
        text = json.dumps(case, indent=1, ensure_ascii=False) + "\n"
        (folder / f"{name}.json").write_text(text, encoding="utf-8")

    for name, url in ANSWERED:
        write(name, {"url": url, "status": 200, "body": answer(tables, url)})
    for name, url, status, detail in REFUSED:
        write(name, {"url": url, "status": status, "detail": detail})
    print(f"wrote {len(ANSWERED) + len(REFUSED)} cases to {folder}")


if __name__ == "__main__":
    main()
