"""The account forms' helpers: `next` never leaves the site, waits are worded for people."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from medcode_gateway.web.forms import safe_next, wait_in_words

SITE = "https://medcode.example.org/login"


@given(st.text(max_size=80))
def test_next_is_always_a_path_on_this_site(raw: str) -> None:
    chosen = safe_next(raw)
    assert chosen == "/account" or chosen == raw
    resolved = urlsplit(urljoin(SITE, chosen))
    assert resolved.netloc == "medcode.example.org" and resolved.scheme == "https"
    assert chosen.startswith("/") and not chosen.startswith("//") and "\\" not in chosen


@given(st.sampled_from(["/", "//", "/\\", "\\", "https:", "http://", "javascript:"]), st.text())
def test_next_refuses_anything_that_could_name_another_host(prefix: str, rest: str) -> None:
    if prefix == "/" and not rest.startswith(("/", "\\")):
        return  # a plain path
    assert urlsplit(urljoin(SITE, safe_next(prefix + rest))).netloc == "medcode.example.org"


def test_paths_on_this_site_are_kept() -> None:
    for path in ("/codes/icd10cm/L55.0", "/search?q=sunburn&page=2", "/account#keys"):
        assert safe_next(path) == path
    for hostile in ("//evil.example", "/\\evil.example", "https://evil.example/", "/a\nb", ""):
        assert safe_next(hostile) == "/account"
    assert safe_next(None, default="/") == "/"
    assert safe_next("/" + "a" * 600) == "/account"


@given(st.integers(min_value=-10, max_value=10**6))
def test_waits_are_a_whole_number_of_a_unit_people_read(seconds: int) -> None:
    words = wait_in_words(str(seconds))
    number, unit = words.removeprefix("about ").split(" ")
    assert int(number) >= 1
    assert unit in ("second", "seconds", "minutes", "hours")
    assert (unit == "second") == (max(1, seconds) == 1)


def test_waits_round_up_never_down() -> None:
    assert wait_in_words("45") == "45 seconds"
    assert wait_in_words("900") == "about 15 minutes"
    assert wait_in_words("901") == "about 16 minutes"
    assert wait_in_words("7200") == "about 2 hours"
    assert wait_in_words("nonsense") == "60 seconds"
