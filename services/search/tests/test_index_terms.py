"""Searching by the ICD-10-CM alphabetic index's words, once an operator imported its files
(here the real FY2025 External Cause index and Tables of Drugs and Neoplasms), on every
backend available."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from medcode.codes.v1 import codes_service_pb2 as codes_pb
from medcode.search.v1 import search_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as pb_grpc
from medcode_common import service_auth
from medcode_common.service_auth import GATEWAY, SEARCH
from medcode_search.indexer import exported_datasets, fingerprint, releases_to_index
from medcode_search.releases import IndexedRelease

# The first Elasticsearch run bulk-loads every code set into the cluster (ELASTICSEARCH_URL).
pytestmark = pytest.mark.timeout(1800)


@pytest.fixture(scope="module")
def stub(backend_indexed_search_address: str) -> Iterator[pb_grpc.SearchServiceStub]:
    with service_auth.channel(
        backend_indexed_search_address, identity=GATEWAY, audience=SEARCH
    ) as channel:
        yield pb_grpc.SearchServiceStub(channel)


def hits(stub: pb_grpc.SearchServiceStub, query: str) -> list[pb.Hit]:
    request = pb.SearchRequest(query=query, systems=["icd10cm"], limit=10)
    return list(stub.Search(request, timeout=10).hits)


def test_words_only_the_index_has_find_the_code(stub: pb_grpc.SearchServiceStub) -> None:
    # W94.11 reads "Exposure to residence or prolonged visit at high altitude".
    first = hits(stub, "alpine sickness")[0]
    assert first.code == "W94.11XA"  # its initial encounter
    assert pb.MATCH_REASON_INDEX_TERM in first.reasons
    assert first.matched_text == "Alpine sickness"


def test_a_drug_table_row_finds_the_poisoning_code(stub: pb_grpc.SearchServiceStub) -> None:
    # No tabular text says "acetaminophen" (T39.1 reads "4-Aminophenol derivatives").
    first = hits(stub, "acetaminophen poisoning")[0]
    # An unknown intent is coded accidental; the initial encounter of the row's code.
    assert first.code == "T39.1X1A"
    assert pb.MATCH_REASON_INDEX_TERM in first.reasons
    assert first.matched_text == "Acetaminophen, Poisoning Accidental (unintentional)"
    assert hits(stub, "acetaminophen adverse effect")[0].code == "T39.1X5A"


def test_a_neoplasm_table_row_finds_its_column(stub: pb_grpc.SearchServiceStub) -> None:
    # The inclusion term "Book leaf neoplasm" of C06.89 (malignant) no longer wins "benign".
    assert hits(stub, "neoplasm book-leaf benign")[0].code == "D10.39"


def test_a_dashed_table_code_finds_the_codes_that_complete_it(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    # "Neoplasm, lung, Malignant Primary" reads "C34.9-": C34.90-C34.92 complete it.
    codes = [hit.code for hit in hits(stub, "neoplasm lung malignant")]
    assert codes[0].startswith("C34.9")
    assert "C34.90" in codes[:3]
    assert not [code for code in codes[:3] if code.startswith("C78")]  # not secondary


def test_table_rows_stay_out_of_queries_about_something_else(
    stub: pb_grpc.SearchServiceStub,
) -> None:
    # Rows name sites and substances; a cyst of a gland is no neoplasm of it.
    for hit in hits(stub, "cyst sublingual gland")[:5]:
        assert not hit.matched_text.startswith("Neoplasm, neoplastic"), hit


def test_without_the_index_files_those_words_find_other_codes(search_address: str) -> None:
    with service_auth.channel(search_address, identity=GATEWAY, audience=SEARCH) as channel:
        found = hits(pb_grpc.SearchServiceStub(channel), "alpine sickness")
    assert not [hit.code for hit in found if hit.code.startswith("W94.11")]


def test_an_imported_index_file_names_a_new_index() -> None:
    releases = (IndexedRelease("icd10cm", "2026-04-01", "2026-04-01"),)
    plain = fingerprint(releases)
    assert fingerprint(releases, ("icd10cm-eindex:FY2025",)) != plain
    assert fingerprint(releases, ()) == plain


def test_a_release_imported_again_from_changed_files_names_a_new_index() -> None:
    before = (IndexedRelease("cpt", "starter-2025", "2025-01-01", "digest-a"),)
    after = (IndexedRelease("cpt", "starter-2025", "2025-01-01", "digest-b"),)
    assert fingerprint(before) != fingerprint(after)
    assert fingerprint(before) == fingerprint(before)
    assert fingerprint(before, ("icd10cm-drug:FY2025@x",)) != fingerprint(
        before, ("icd10cm-drug:FY2025@y",)
    )


def test_the_codes_service_digest_reaches_the_indexed_releases() -> None:
    reply = codes_pb.ListReleasesResponse(
        releases=[
            codes_pb.Release(
                system=codes_pb.CODE_SYSTEM_CPT,
                release="starter-2025",
                effective_date="2025-01-01",
                content_digest="abc",
            )
        ]
    )
    (indexed,) = releases_to_index(reply, history=2)
    assert indexed == IndexedRelease("cpt", "starter-2025", "2025-01-01", "abc")
    datasets = codes_pb.ListDatasetsResponse(
        datasets=[codes_pb.Dataset(kind="icd10cm-drug", release="FY2025", content_digest="d1")]
    )
    assert exported_datasets(datasets) == ("icd10cm-drug:FY2025@d1",)


def test_the_newest_release_of_each_index_file_counts() -> None:
    reply = codes_pb.ListDatasetsResponse(
        datasets=[
            codes_pb.Dataset(kind="gems", release="FY2018"),
            codes_pb.Dataset(kind="icd10cm-drug", release="FY2026"),
            codes_pb.Dataset(kind="icd10cm-drug", release="FY2025"),
            codes_pb.Dataset(kind="icd10cm-eindex", release="FY2025"),
        ]
    )
    assert exported_datasets(reply) == ("icd10cm-drug:FY2026", "icd10cm-eindex:FY2025")


def test_type_ahead_completes_index_words(stub: pb_grpc.SearchServiceStub) -> None:
    request = pb.SuggestRequest(query="acetamin", systems=["icd10cm"], limit=10)
    codes = [hit.code for hit in stub.Suggest(request, timeout=10).suggestions]
    assert [code for code in codes if code.startswith("T39.1X")], codes
