"""The website's frame: pages are HTML with the shared layout, errors are pages for browsers
and problems for the API, static files are cached by content hash."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

HTML = {"Accept": "text/html,application/xhtml+xml"}


class Outline(HTMLParser):
    """The parts of a page these tests look at: lang, title, links, scripts, ids."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.ids: set[str] = set()
        self.assets: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang") or ""
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "title":
            self._in_title = True
        if tag == "link" and found.get("rel") == "stylesheet":
            self.assets.append(str(found["href"]))
        if tag == "script" and found.get("src"):
            self.assets.append(str(found["src"]))

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def outline(body: str) -> Outline:
    parser = Outline()
    parser.feed(body)
    return parser


def test_home_is_a_page_with_the_shared_layout(gateway_url: str) -> None:
    response = httpx.get(f"{gateway_url}/", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = outline(response.text)
    assert page.lang == "en" and "MedCode" in page.title
    assert {"main", "site-search-q"} <= page.ids
    assert 'href="#main"' in response.text  # the skip link
    assert 'action="/search"' in response.text


def test_pages_set_a_csrf_cookie_for_their_forms(gateway_url: str) -> None:
    response = httpx.get(f"{gateway_url}/", headers=HTML)
    assert "medcode_csrf" in response.cookies or "medcode_csrf=" in response.headers.get(
        "set-cookie", ""
    )


def test_an_unknown_page_is_an_html_404_for_browsers(gateway_url: str) -> None:
    response = httpx.get(f"{gateway_url}/no/such/page", headers=HTML)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Page not found" in response.text and 'id="main"' in response.text


def test_api_errors_stay_problem_json_even_for_browsers(gateway_url: str) -> None:
    for path in ("/v1/no-such-endpoint", "/no/such/page"):
        accept = HTML if path.startswith("/v1/") else {"Accept": "application/json"}
        response = httpx.get(f"{gateway_url}{path}", headers=accept)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")


def test_pages_are_not_in_the_openapi_schema(gateway_url: str) -> None:
    paths = httpx.get(f"{gateway_url}/openapi.json").json()["paths"]
    assert "/" not in paths and not any(p.startswith("/static") for p in paths)


def test_static_files_are_cached_by_content_hash(gateway_url: str) -> None:
    page = outline(httpx.get(f"{gateway_url}/", headers=HTML).text)
    assert len(page.assets) == 2
    for url in page.assets:
        assert re.fullmatch(r"/static/(site|typeahead)\.[0-9a-f]{12}\.(css|js)", url), url
        response = httpx.get(f"{gateway_url}{url}")
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]
    plain = httpx.get(f"{gateway_url}/static/site.css")
    assert plain.status_code == 200 and "must-revalidate" in plain.headers["cache-control"]
    assert httpx.get(f"{gateway_url}/static/site.0000deadbeef.css").status_code == 404
