"""The home and search pages over the real gateway and services: highlights made safe,
filters, pages, the exact-code redirect, and friendly errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from .web_html import HTML, parse


def get(gateway_url: str, path: str, **params: str) -> httpx.Response:
    return httpx.get(f"{gateway_url}{path}", params=params, headers=HTML, timeout=30)


def test_home_links_to_browsing_each_loaded_code_system(gateway_url: str) -> None:
    releases = httpx.get(f"{gateway_url}/v1/releases", timeout=10).json()
    page = parse(get(gateway_url, "/").text)
    assert page.description and "ICD-10-CM" in page.description
    assert page.canonical and page.canonical.endswith("/")
    assert page.hrefs("/browse/") == [
        f"/browse/{system}"
        for system in ("icd10cm", "icd10pcs", "hcpcs", "cpt")
        if any(r["system"] == system for r in releases)
    ]


def test_results_have_safe_highlights_and_link_to_code_pages(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q="sunburn")
    assert response.status_code == 200
    page = parse(response.text)
    assert "sunburn" in page.title and page.robots == "noindex, follow"
    codes = page.hrefs("/codes/")
    assert codes and all(re.fullmatch(r"/codes/[a-z0-9]+/[A-Z0-9.-]+", href) for href in codes)
    assert any(href.startswith("/codes/icd10cm/L55") for href in codes)
    assert page.marks and all(mark.lower().startswith("sunburn") for mark in page.marks)
    assert "<em>" not in response.text  # the service's marks are rendered as <mark>
    assert 'value="sunburn"' in response.text  # the header's box keeps what was typed


def test_markup_in_the_query_is_shown_as_text(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q='<script>alert("x")</script> burn')
    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(" in response.text


@pytest.mark.parametrize("typed", ["E11.9", "e119", " E11.9 "])
def test_a_code_typed_exactly_goes_to_its_page(gateway_url: str, typed: str) -> None:
    response = get(gateway_url, "/search", q=typed)
    assert response.status_code == 302
    assert response.headers["location"] == "/codes/icd10cm/E11.9"


def test_a_code_prefix_lists_results_instead(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q="0016")  # the start of PCS codes, not a code
    assert response.status_code == 200
    assert "/codes/icd10pcs/0016070" in parse(response.text).hrefs("/codes/icd10pcs/0016")


def test_the_system_filter_keeps_only_that_system(gateway_url: str) -> None:
    every = parse(get(gateway_url, "/search", q="bypass").text).hrefs("/codes/")
    assert {href.split("/")[2] for href in every} > {"icd10pcs"}  # more than PCS unfiltered
    page = parse(get(gateway_url, "/search", q="bypass", system="icd10pcs").text)
    codes = page.hrefs("/codes/")
    assert codes and all(href.startswith("/codes/icd10pcs/") for href in codes)
    assert page.inputs["search-system"] is not None


def test_the_billable_filter_drops_headings(gateway_url: str) -> None:
    unfiltered = get(gateway_url, "/search", q="diabetes").text
    assert "Not billable" in unfiltered
    filtered = get(gateway_url, "/search", q="diabetes", billable="1").text
    assert "Not billable" not in filtered and "Billable" in filtered
    assert "checked" in re.search(r"<input id=\"search-billable\"[^>]*>", filtered)[0]  # type: ignore[index]


def test_pages_move_through_the_results_keeping_the_filters(gateway_url: str) -> None:
    first = parse(get(gateway_url, "/search", q="fracture", system="icd10cm").text)
    next_link = [link for link in first.links if link.text == "Next page"]
    assert len(next_link) == 1
    query = parse_qs(urlsplit(next_link[0].href).query)
    assert query == {"q": ["fracture"], "system": ["icd10cm"], "page": ["2"]}
    second_response = httpx.get(f"{gateway_url}{next_link[0].href}", headers=HTML, timeout=30)
    second = parse(second_response.text)
    assert "Page 2</li>" in second_response.text and "Results 21 to 40" in second_response.text
    api = httpx.get(
        f"{gateway_url}/v1/search",
        params={"q": "fracture", "system": "icd10cm", "limit": 20, "offset": 20},
        timeout=30,
    ).json()
    assert second.hrefs("/codes/") == [f"/codes/icd10cm/{hit['code']}" for hit in api["hits"]]
    assert [link.text for link in second.links if link.text.endswith("page")] == [
        "Previous page",
        "Next page",
    ]


def test_an_empty_query_shows_the_form(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q="  ")
    assert response.status_code == 200
    page = parse(response.text)
    assert page.h1 == "Search codes" and not page.hrefs("/codes/")
    assert {"search-q", "search-system", "search-billable"} <= page.labels_for


def test_no_results_say_so(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q="qqqzzxv")
    assert response.status_code == 200 and "No codes match" in response.text
    assert "Next page" not in response.text


def test_a_page_past_the_last_offers_the_first(gateway_url: str) -> None:
    response = get(gateway_url, "/search", q="sunburn", page="400")
    assert response.status_code == 200 and "No more results" in response.text
    assert "/search?q=sunburn" in parse(response.text).hrefs("/search?q=sunburn")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"q": "flu", "page": "two"}, "not a page number"),
        ({"q": "flu", "page": "0"}, "Pages go from 1 to"),
        ({"q": "flu", "system": "icd9"}, "no code system"),
        ({"q": "x" * 300}, "at most 256"),
    ],
)
def test_bad_parameters_are_friendly_error_pages(
    gateway_url: str, params: dict[str, str], words: str
) -> None:
    response = get(gateway_url, "/search", **params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert words in response.text and 'id="main"' in response.text


def test_titles_read_as_written_not_as_escaped_twice(gateway_url: str) -> None:
    text = get(gateway_url, "/search", q="galeazzi").text
    assert "<mark>Galeazzi</mark>&#39;s fracture" in text and "&amp;#x27;" not in text
