"""Property tests of the email normaliser and the password policy."""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from medcode_accounts.emails import MAX_EMAIL_LENGTH, normalise_email
from medcode_accounts.errors import InvalidInput
from medcode_accounts.passwords import (
    MAX_LENGTH,
    MIN_DISTINCT,
    MIN_LENGTH,
    check_password,
    common_passwords,
    normalise_password,
)

local_parts = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9._+-]{0,20}[a-zA-Z0-9])?", fullmatch=True)
labels = st.from_regex(r"[a-zA-Z]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True)
domains = st.builds(
    lambda parts, tld: ".".join([*parts, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "NET", "Io", "health"]),
)
emails = st.builds(lambda local, domain: f"{local}@{domain}", local_parts, domains)


@given(emails)
def test_valid_addresses_normalise_idempotently_with_a_lower_case_domain(raw: str) -> None:
    assume(".." not in raw)
    normal = normalise_email(raw)
    assert normal.address.split("@")[1] == normal.address.split("@")[1].lower()
    assert normalise_email(normal.address) == normal
    assert normal.key == normal.address.lower()


@given(emails, st.randoms(use_true_random=False))
def test_case_and_surrounding_space_never_change_the_uniqueness_key(
    raw: str, rnd: random.Random
) -> None:
    assume(".." not in raw)
    shuffled = "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in raw)
    assert normalise_email(f"  {shuffled}\t").key == normalise_email(raw).key


@given(st.text(max_size=300))
def test_any_text_is_accepted_or_refused_with_invalid_input(raw: str) -> None:
    try:
        normal = normalise_email(raw)
    except InvalidInput as error:
        assert str(error)
        return
    assert "@" in normal.address and len(normal.address) <= MAX_EMAIL_LENGTH


passwords = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=MIN_LENGTH,
    max_size=MAX_LENGTH,
)


def short_pattern_repeated(text: str) -> bool:
    """Brute force: is `text` two or more copies of a unit shorter than MIN_LENGTH?"""
    return any(
        len(text) % size == 0 and text[:size] * (len(text) // size) == text
        for size in range(1, min(MIN_LENGTH, len(text)))
    )


@given(passwords)
def test_long_enough_uncommon_varied_passwords_are_accepted(password: str) -> None:
    normal = normalise_password(password)
    folded = normal.casefold()
    assume(MIN_LENGTH <= len(normal) <= MAX_LENGTH)
    assume(folded not in common_passwords() and "zed" not in folded)
    assume(normal.strip() and len(set(folded)) >= MIN_DISTINCT)
    assume(not short_pattern_repeated(folded))
    assert check_password(password, email_local_part="zed") == normal


units = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)),
    min_size=1,
    max_size=MIN_LENGTH - 1,
)


@given(units, st.integers(min_value=2, max_value=MAX_LENGTH))
def test_a_short_unit_repeated_is_refused(unit: str, copies: int) -> None:
    password = unit * copies
    normal = normalise_password(password)
    assume(MIN_LENGTH <= len(normal) <= MAX_LENGTH and normal.strip())
    assume(short_pattern_repeated(normal.casefold()))  # NFKC may have changed the pattern
    assume(normal.casefold() not in common_passwords() and "zed" not in normal.casefold())
    with pytest.raises(InvalidInput, match="short pattern repeated"):
        check_password(password, email_local_part="zed")


whitespace = st.characters(categories=("Zs",), include_characters="\t\n\r\x0b\x0c")


@given(st.text(alphabet=whitespace, min_size=MIN_LENGTH, max_size=MAX_LENGTH))
def test_whitespace_only_passwords_are_refused(password: str) -> None:
    assume(MIN_LENGTH <= len(normalise_password(password)) <= MAX_LENGTH)
    with pytest.raises(InvalidInput, match="only spaces"):
        check_password(password, email_local_part="zed")


@given(
    st.lists(st.characters(codec="utf-8", exclude_categories=("Cs", "Zs", "Cc")), min_size=1,
             max_size=MIN_DISTINCT - 1, unique=True),
    st.randoms(use_true_random=False),
    st.integers(min_value=MIN_LENGTH, max_value=40),
)  # fmt: skip
def test_a_character_or_two_repeated_is_refused(
    alphabet: list[str], rnd: random.Random, length: int
) -> None:
    password = "".join(rnd.choice(alphabet) for _ in range(length))
    normal = normalise_password(password)
    assume(MIN_LENGTH <= len(normal) <= MAX_LENGTH)
    assume(len(set(normal.casefold())) < MIN_DISTINCT)
    with pytest.raises(InvalidInput):
        check_password(password, email_local_part="zed")


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "  leading and trailing  ", "Tr0ub4dor&3Tr0ub4dor&3"],
)
def test_spaces_and_long_repeats_are_fine_inside_a_real_passphrase(password: str) -> None:
    assert check_password(password, email_local_part="zed") == password


@given(st.text(max_size=MIN_LENGTH - 1))
def test_short_passwords_are_refused(password: str) -> None:
    assume(len(normalise_password(password)) < MIN_LENGTH)
    with pytest.raises(InvalidInput, match="at least 8"):
        check_password(password, email_local_part="zed")


@given(st.text(min_size=MAX_LENGTH + 1, max_size=MAX_LENGTH + 50))
def test_overlong_passwords_are_refused(password: str) -> None:
    assume(len(normalise_password(password)) > MAX_LENGTH)
    with pytest.raises(InvalidInput, match="at most 128"):
        check_password(password, email_local_part="zed")


common_long = sorted(p for p in common_passwords() if len(p) >= MIN_LENGTH)


@given(st.sampled_from(common_long), st.randoms(use_true_random=False))
def test_common_passwords_are_refused_in_any_case(password: str, rnd: random.Random) -> None:
    variant = "".join(c.upper() if rnd.random() < 0.5 else c for c in password)
    with pytest.raises(InvalidInput, match="too common"):
        check_password(variant, email_local_part="zed")


@given(local_parts, st.text(max_size=10), st.text(max_size=10))
def test_passwords_containing_the_local_part_are_refused(
    local: str, before: str, after: str
) -> None:
    assume(len(local) >= 3)
    password = before + local.upper() + after
    assume(MIN_LENGTH <= len(normalise_password(password)) <= MAX_LENGTH)
    assume(local.casefold() in normalise_password(password).casefold())
    with pytest.raises(InvalidInput):
        check_password(password, email_local_part=local)


def test_the_common_list_is_the_real_one() -> None:
    assert len(common_passwords()) > 29_000
    assert {"password", "12345678", "baseball", "trustno1"} <= common_passwords()
