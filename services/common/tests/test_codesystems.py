"""Code normalisation: every common spelling maps to one canonical code; junk is rejected."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medcode_common.codesystems import MalformedCode, System, normalize_code, parse_system

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PCS_CHARS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

icd10cm_codes = st.builds(
    lambda letter, digit, third, tail: letter + digit + third + tail,
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    st.sampled_from("0123456789"),
    st.sampled_from(ALNUM),
    st.text(alphabet=ALNUM, max_size=4),
)


@pytest.mark.parametrize("raw", ["e119", "E11.9", " E11.9 ", "E119", "e11.9\t"])
def test_common_spellings_of_e11_9_are_one_code(raw: str) -> None:
    assert normalize_code(System.ICD10CM, raw) == "E11.9"


@given(icd10cm_codes, st.booleans(), st.booleans(), st.text(alphabet=" \t", max_size=2))
def test_icd10cm_canonical_form_is_stable(bare: str, dotted: bool, lower: bool, pad: str) -> None:
    typed = bare[:3] + "." + bare[3:] if dotted and len(bare) > 3 else bare
    typed = typed.lower() if lower else typed
    canonical = normalize_code(System.ICD10CM, pad + typed + pad)
    assert canonical.replace(".", "") == bare
    assert normalize_code(System.ICD10CM, canonical) == canonical
    assert ("." in canonical) == (len(bare) > 3)
    if "." in canonical:
        assert canonical.index(".") == 3


@given(st.text(max_size=12))
def test_icd10cm_accepts_or_rejects_with_a_hint(raw: str) -> None:
    try:
        canonical = normalize_code(System.ICD10CM, raw)
    except MalformedCode as error:
        assert "E11.9" in str(error)
    else:
        assert canonical == canonical.strip().upper()
        assert normalize_code(System.ICD10CM, canonical) == canonical


@pytest.mark.parametrize(
    "raw",
    ["", "   ", "E", "E1", "11.9", "E11..9", "E1.19", "E11.", "E11.9999999", "E11-9", "É11.9"],
)
def test_malformed_icd10cm_is_rejected_with_an_example(raw: str) -> None:
    with pytest.raises(MalformedCode, match="E11.9"):
        normalize_code(System.ICD10CM, raw)


@pytest.mark.parametrize(("raw", "expected"), [("1", "1"), ("22", "22"), ("a00-a09", "A00-A09")])
def test_chapters_and_sections_are_addressable(raw: str, expected: str) -> None:
    assert normalize_code(System.ICD10CM, raw) == expected


@given(st.text(alphabet=PCS_CHARS, min_size=7, max_size=7), st.booleans())
def test_pcs_codes_normalise_to_upper_case(code: str, lower: bool) -> None:
    assert normalize_code(System.ICD10PCS, f" {code.lower() if lower else code} ") == code


@pytest.mark.parametrize("raw", ["0016O70", "00I6070", "00160701", "001.607", ""])
def test_malformed_pcs_is_rejected(raw: str) -> None:
    with pytest.raises(MalformedCode, match="7 characters"):
        normalize_code(System.ICD10PCS, raw)


@pytest.mark.parametrize(
    ("system", "raw", "expected"),
    [
        (System.HCPCS, "j1100", "J1100"),
        (System.CPT, "99213", "99213"),
        (System.CPT, "0001u", "0001U"),
    ],
)
def test_hcpcs_and_cpt_forms(system: System, raw: str, expected: str) -> None:
    assert normalize_code(system, raw) == expected


@pytest.mark.parametrize(("system", "raw"), [(System.HCPCS, "W1100"), (System.CPT, "9921")])
def test_malformed_hcpcs_and_cpt(system: System, raw: str) -> None:
    with pytest.raises(MalformedCode):
        normalize_code(system, raw)


def test_unknown_system_lists_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="icd10cm, icd10pcs, hcpcs, cpt"):
        parse_system("icd9")
