"""Browse pages over the real gateway and codes service: each system's top level, then
chapters -> sections -> categories, with breadcrumbs; codes link to their own pages."""

from __future__ import annotations

import httpx
import pytest

from .web_html import HTML, parse


def get(gateway_url: str, path: str) -> httpx.Response:
    return httpx.get(f"{gateway_url}{path}", headers=HTML, timeout=30)


def test_the_index_lists_every_loaded_system(gateway_url: str) -> None:
    releases = httpx.get(f"{gateway_url}/v1/releases", timeout=10).json()
    page = parse(get(gateway_url, "/browse").text)
    assert set(page.hrefs("/browse/")) == {f"/browse/{r['system']}" for r in releases}
    assert page.canonical and page.canonical.endswith("/browse")


def test_icd10cm_chapters_sections_categories(gateway_url: str) -> None:
    top = parse(get(gateway_url, "/browse/icd10cm").text)
    chapters = top.hrefs("/browse/icd10cm/")
    assert len(chapters) == 22 and chapters[3] == "/browse/icd10cm/4"
    assert top.description and "22 chapters" in top.description
    chapter = parse(get(gateway_url, "/browse/icd10cm/4").text)
    assert "Endocrine, nutritional and metabolic diseases" in chapter.h1
    assert "/browse/icd10cm/E08-E13" in chapter.hrefs("/browse/icd10cm/")
    section = parse(get(gateway_url, "/browse/icd10cm/E08-E13").text)
    categories = section.hrefs("/codes/icd10cm/")
    assert "/codes/icd10cm/E11" in categories
    assert not section.hrefs("/browse/icd10cm/E11")  # categories open their code pages
    texts = [link.text for link in section.links]
    start = texts.index("ICD-10-CM")  # the breadcrumb: Browse > ICD-10-CM > Chapter 4 > here
    assert texts[start - 1 : start + 2] == ["Browse", "ICD-10-CM", "Chapter 4"]
    assert section.links[start + 1].href == "/browse/icd10cm/4"


def test_pcs_sections_body_systems_tables(gateway_url: str) -> None:
    top = parse(get(gateway_url, "/browse/icd10pcs").text)
    assert top.hrefs("/browse/icd10pcs/")[0] == "/browse/icd10pcs/0"
    section = parse(get(gateway_url, "/browse/icd10pcs/0").text)
    assert "/browse/icd10pcs/00" in section.hrefs("/browse/icd10pcs/")
    body_system = parse(get(gateway_url, "/browse/icd10pcs/00").text)
    assert "/codes/icd10pcs/001" in body_system.hrefs("/codes/icd10pcs/")


def test_cpt_sections_list_codes(gateway_url: str) -> None:
    top = parse(get(gateway_url, "/browse/cpt").text)
    sections = top.hrefs("/browse/cpt/")
    assert "/browse/cpt/SECTION-EM" in sections
    em = parse(get(gateway_url, "/browse/cpt/SECTION-EM").text)
    assert "/codes/cpt/99213" in em.hrefs("/codes/cpt/")


def test_a_code_under_browse_goes_to_its_page(gateway_url: str) -> None:
    response = get(gateway_url, "/browse/icd10cm/e11")
    assert response.status_code == 302 and response.headers["location"] == "/codes/icd10cm/E11"


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/browse/icd9", 404, "There is no page at this address"),
        ("/browse/icd10cm/Z99.999", 404, "There is no page at this address"),
        ("/browse/icd10cm/!!", 400, "ICD-10-CM"),
    ],
)
def test_unknown_systems_and_codes_are_friendly_errors(
    gateway_url: str, path: str, status: int, words: str
) -> None:
    response = get(gateway_url, path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert words in response.text
