"""The code page /codes/{system}/{code} through the real gateway and services: sections,
the meter (guest, signed-in, unlimited), the 200 paywall, and what search engines read."""

from __future__ import annotations

import json
import re
import time
import uuid
from html.parser import HTMLParser

import httpx
import pytest

from medcode_gateway.web.code_page import clip, json_ld
from medcode_gateway.web.code_record import RenderedCode

from .browser import Browser
from .conftest import Mailbox

HTML = {"Accept": "text/html"}
PASSWORD = "plum-violet-lantern-42"
LOCKED = "Register to view content"
RULE = "Guest accounts are limited to 1 page view. Register free account to get 5 more views."


class Page(HTMLParser):
    """What the tests read of a page: text by section heading, links, head elements."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, str] = {}
        self.links: dict[str, str] = {}  # rel -> href (link and a elements)
        self.json_ld: list[str] = []
        self.title = ""
        self.h1 = ""
        self.text = ""
        self._heading: str | None = None
        self._in: list[str] = []
        self._current_section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if found.get("rel"):
            self.links[found["rel"]] = found.get("href", "")
        if tag == "script" and found.get("type") == "application/ld+json":
            self.json_ld.append("")
        self._in.append(tag if tag != "script" or found.get("type") else "js")
        if tag == "h2":
            self._heading = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._heading is not None:
            self._current_section = self._heading.strip()
            self.sections[self._current_section] = ""
            self._heading = None
        while self._in and self._in.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        inside = self._in[-1] if self._in else ""
        if inside == "script" and self.json_ld:
            self.json_ld[-1] += data
            return
        if inside == "title":
            self.title += data
        if "h1" in self._in:
            self.h1 += data
        if self._heading is not None:
            self._heading += data
        elif self._current_section:
            self.sections[self._current_section] += data
        self.text += data


def read(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html"), response.text[:300]
    page = Page()
    page.feed(response.text)
    return page


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def staff(gateway_url: str, internal_key: str) -> httpx.Client:
    """A caller on the internal plan (unmetered): every section, every time."""
    return httpx.Client(base_url=gateway_url, timeout=30, headers={"X-API-Key": internal_key})


def full(staff: httpx.Client, path: str) -> Page:
    response = staff.get(path, headers=HTML)
    assert response.status_code == 200, response.text[:500]
    return read(response)


def test_every_section_of_a_diabetes_code(staff: httpx.Client) -> None:
    page = full(staff, "/codes/icd10cm/E11.9")
    assert squash(page.h1).strip() == "E11.9 Type 2 diabetes mellitus without complications"
    assert "Type 2 diabetes mellitus without complications" in page.sections["Official Description"]
    assert (
        "not written a plain-language description" in page.sections["Common Language Description"]
    )
    notes = squash(page.sections["Notes"])
    assert "Use additional code" in notes and "inherited from E11" in notes
    hierarchy = squash(page.sections["Hierarchy and codes below"])
    assert "E08-E13" in hierarchy and "No codes below E11.9" in hierarchy
    assert "neither a CC nor an MCC" in page.sections["CC/MCC (MS-DRG)"]
    index = squash(page.sections["Alphabetic index entries"])
    assert "Not loaded in this installation" in index and "Index to Diseases" in index
    assert LOCKED not in page.text
    assert page.links["prev"] == "/codes/icd10cm/E11.8"
    assert page.links["next"] == "/codes/icd10cm/E11.A"


def test_an_mcc_only_for_patients_discharged_alive(staff: httpx.Client) -> None:
    cc = squash(full(staff, "/codes/icd10cm/I46.9").sections["CC/MCC (MS-DRG)"])
    assert "MCC" in cc and "only if the patient is discharged alive" in cc


def test_seventh_characters_with_the_placeholder_explained(staff: httpx.Client) -> None:
    page = full(staff, "/codes/icd10cm/S72.001A")
    table = squash(page.sections["7th characters"])
    assert "initial encounter for closed fracture" in table and "placeholder X" in table
    assert "defined at S72" in table
    notes = squash(page.sections["Notes"])
    assert "Excludes1" in notes and "inherited from S72" in notes


def test_notes_listed_under_a_seventh_character(staff: httpx.Client) -> None:
    table = squash(full(staff, "/codes/icd10cm/H34.811").sections["7th characters"])
    assert re.search(r"2\s*stable\s*Old central retinal vein occlusion", table), table


def test_block_guidance_is_inherited_from_its_section(staff: httpx.Client) -> None:
    notes = squash(full(staff, "/codes/icd10cm/Z48.01").sections["Notes"])
    assert "Categories Z40-Z53 are intended for use" in notes
    assert "inherited from Z40-Z53" in notes


def test_a_pcs_code_shows_its_seven_axes(staff: httpx.Client) -> None:
    page = full(staff, "/codes/icd10pcs/0016070")
    axes = squash(page.sections["The seven characters"])
    assert "Root Operation" in axes and "Bypass" in axes


def test_a_cpt_code_without_a_licence_file_says_so(staff: httpx.Client) -> None:
    page = full(staff, "/codes/cpt/64490")
    official = squash(page.sections["Official Description"])
    assert "CPT licence file" in official
    plain = squash(page.sections["Common Language Description"]).strip()
    assert plain and "not written" not in plain
    fees = squash(page.sections["Medicare fee schedule"])
    assert "Not loaded in this installation" in fees


def test_search_engines_get_a_canonical_url_title_and_json_ld(
    gateway_url: str, staff: httpx.Client
) -> None:
    page = full(staff, "/codes/icd10cm/E11.9")
    assert page.links["canonical"] == f"{gateway_url}/codes/icd10cm/E11.9"
    assert page.title.startswith("E11.9: Type 2 diabetes") and "ICD-10-CM" in page.title
    (data,) = [json.loads(block) for block in page.json_ld]
    assert data["@type"] == "MedicalCode" and data["codeValue"] == "E11.9"
    assert data["codingSystem"] == "ICD-10-CM" and "diabetes" in data["name"]
    assert data["description"]


def test_other_spellings_redirect_to_the_canonical_page(staff: httpx.Client) -> None:
    for path in ("/codes/icd10cm/e119", "/codes/ICD10CM/E11.9", "/codes/icd10cm/e11.9"):
        response = staff.get(path, headers=HTML)
        assert response.status_code == 301 and response.headers["location"] == (
            "/codes/icd10cm/E11.9"
        )


def test_unknown_and_malformed_codes_are_pages_that_help(browser: Browser) -> None:
    missing = browser.get("/codes/icd10cm/Q99.99", headers=HTML)
    assert missing.status_code == 404 and "Code not found" in missing.text
    assert 'href="/search?q=Q99.99"' in missing.text
    malformed = browser.get("/codes/icd10cm/E11.9%3Cb%3E", headers=HTML)
    assert malformed.status_code == 400 and "Not a valid code" in malformed.text
    assert "<b>" not in malformed.text and "/search?q=E11.9%3Cb%3E" in malformed.text
    unknown = browser.get("/codes/icd11/E11.9", headers=HTML)
    assert unknown.status_code == 404 and "Unknown code system" in unknown.text
    assert browser.get("/v1/meter").json()["remaining"] == 1, "errors cost no view"


def test_a_guest_reads_the_descriptions_and_sees_the_rest_locked(browser: Browser) -> None:
    response = browser.get("/codes/icd10cm/E11.9", headers=HTML)
    assert response.status_code == 200 and response.headers["x-views-remaining"] == "0"
    assert "medcode_guest" in browser.jar
    page = read(response)
    assert RULE in squash(page.text) and "No views left this month" in page.text
    assert "diabetes" in page.sections["Official Description"]
    for heading in ("Hierarchy and codes below", "Notes", "CC/MCC (MS-DRG)"):
        assert LOCKED in page.sections[heading], heading
    assert "Use additional code" not in response.text, "locked content is not sent at all"
    assert 'href="/register"' in response.text
    again = browser.get("/codes/icd10cm/E11.9", headers=HTML)
    assert again.status_code == 200 and "Official Description" in again.text, "a repeat is free"


def test_a_guest_with_no_views_left_gets_a_200_paywall(browser: Browser) -> None:
    assert browser.get("/codes/icd10cm/E11.9", headers=HTML).status_code == 200
    response = browser.get("/codes/icd10cm/I10", headers=HTML)
    assert response.status_code == 200
    page = read(response)
    assert "I10" in page.h1 and "Essential (primary) hypertension" in page.h1
    assert "Register to keep reading" in page.sections
    assert 'href="/register"' in response.text and 'href="/plans"' in response.text
    assert "Official Description" not in page.sections
    assert RULE in squash(page.text)


def test_a_signed_in_user_sees_every_section_while_views_last(
    browser: Browser, accounts_mail_sink: Mailbox
) -> None:
    address = f"page-{uuid.uuid4().hex[:8]}@example.org"
    credentials = {"email": address, "password": PASSWORD}
    assert browser.post("/v1/auth/register", json=credentials).status_code == 202
    token = accounts_mail_sink.confirmation_token(address)
    assert browser.get("/v1/auth/confirm", params={"token": token}).status_code == 200
    assert browser.post("/v1/auth/login", json=credentials).status_code == 200
    codes = ["E11.9", "I10", "J45.909", "S72.001A", "Z48.01", "E11.8"]
    remaining = []
    for code in codes:
        response = browser.get(f"/codes/icd10cm/{code}", headers=HTML)
        page = read(response)
        assert response.status_code == 200 and LOCKED not in page.text, code
        assert "Notes" in page.sections and 'href="/account"' in response.text
        assert "Free accounts are limited to 6 page views a month" in squash(page.text)
        remaining.append(int(response.headers["x-views-remaining"]))
    assert remaining == [5, 4, 3, 2, 1, 0]
    response = browser.get("/codes/icd10cm/A00.0", headers=HTML)
    page = read(response)
    assert response.status_code == 200 and "Upgrade to keep reading" in page.sections
    assert "Notes" not in page.sections


def test_a_stale_session_cookie_reads_as_a_guest(browser: Browser) -> None:
    browser.jar["medcode_session"] = "not-a-token"
    response = browser.get("/codes/icd10cm/E11.9", headers=HTML)
    assert response.status_code == 200 and LOCKED in response.text


def test_the_rendered_record_is_cached_and_metering_is_not(staff: httpx.Client) -> None:
    first = staff.get("/codes/icd10cm/K21.9", headers=HTML)
    second = staff.get("/codes/icd10cm/K21.9", headers=HTML)
    assert (first.headers["x-cache"], second.headers["x-cache"]) in {
        ("miss", "hit"),
        ("hit", "hit"),
    }
    # Only the CSRF token of the CasePilot box differs (minted per cookie-less visit).
    token = re.compile(r'name="csrf_token" value="[^"]*"')
    assert token.sub("", second.text) == token.sub("", first.text)


def test_the_api_and_the_page_share_one_meter(browser: Browser) -> None:
    assert browser.get("/v1/codes/icd10cm/E11.9").status_code == 200
    page = browser.get("/codes/icd10cm/E11.9", headers=HTML)
    assert page.status_code == 200 and "Official Description" in page.text, "a repeat: free"
    paywall = browser.get("/codes/icd10cm/I10", headers=HTML)
    assert "Register to keep reading" in paywall.text
    started = time.monotonic()
    assert browser.get("/v1/codes/icd10cm/I10").status_code == 403
    assert time.monotonic() - started < 30


def test_json_ld_cannot_close_its_script_element() -> None:
    hostile = "</script><script>alert(1)</script> & <!--"
    record = RenderedCode(
        system="hcpcs",
        system_label="HCPCS Level II",
        code="A9999",
        title=hostile,
        release="2026",
        summary=hostile,
        header="",
        descriptions="",
        sections="",
        locked="",
        pager="",
    )
    block = str(json_ld(record, "https://example.org/codes/hcpcs/A9999"))
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["name"] == hostile


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("one two three four", 12, "one two\u2026")],
)
def test_clip_cuts_at_a_word(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
