"""What every core page must have, checked on each: lang, a title and meta description of
its own, one h1, a label for every field, and a canonical link on pages worth indexing."""

from __future__ import annotations

import httpx
import pytest

from .web_html import HTML, parse

#: (path, indexable): search results are for people, not for search engines.
PAGES = [
    ("/", True),
    ("/search", False),
    ("/search?q=sunburn", False),
    ("/browse", True),
    ("/browse/icd10cm", True),
    ("/browse/icd10cm/E08-E13", True),
    ("/browse/icd10pcs/00", True),
    ("/plans", True),
]


@pytest.mark.parametrize(("path", "indexable"), PAGES)
def test_page_basics(gateway_url: str, path: str, indexable: bool) -> None:
    response = httpx.get(f"{gateway_url}{path}", headers=HTML, timeout=30)
    assert response.status_code == 200
    page = parse(response.text)
    assert page.lang == "en"
    assert "MedCode" in page.title and len(page.title.strip()) > len("MedCode")
    assert page.description and len(page.description) >= 40
    assert response.text.count("<h1") == 1 and page.h1.strip()
    assert set(page.inputs) <= page.labels_for, "a field without a label"
    if indexable:
        assert page.canonical == f"{gateway_url}{path.split('?')[0]}"
        assert page.robots is None
    else:
        assert page.robots == "noindex, follow"


def test_titles_and_descriptions_differ_between_pages(gateway_url: str) -> None:
    pages = [
        parse(httpx.get(f"{gateway_url}{path}", headers=HTML, timeout=30).text) for path, _ in PAGES
    ]
    titles = [page.title for page in pages]
    assert len(set(titles)) == len(titles)
    descriptions = [page.description for page in pages]
    assert len(set(descriptions)) == len(descriptions)
