"""Case2Code over the real search service: negation, history, laterality, encounter and
combination codes on vignettes, every suggestion a code the search service returned."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml

from medcode.assistant.v1 import assistant_service_pb2 as pb
from medcode.search.v1 import search_service_pb2_grpc as search_grpc
from medcode_assistant.case2code import Case2Coder, GrpcCodeSearch
from medcode_common.service_auth import ASSISTANT, SEARCH
from medcode_common.service_auth.channels import aio_channel, load_signer


def suggest(search_address: str, text: str) -> pb.Case2CodeResponse:
    async def run() -> pb.Case2CodeResponse:
        # As the assistant service calls search: signed with its own identity.
        channel = aio_channel(search_address, signer=load_signer(ASSISTANT), audience=SEARCH)
        async with channel:
            coder = Case2Coder(GrpcCodeSearch(search_grpc.SearchServiceStub(channel)))
            return await coder.suggest(text, 10)

    return asyncio.run(run())


def codes(reply: pb.Case2CodeResponse) -> list[str]:
    return [suggestion.code for suggestion in reply.suggestions]


# (text, a code each current problem must have in the first five, codes never suggested)
VIGNETTES = [
    ("Patient denies chest pain. Right knee pain.", [{"M25.561"}], {"R07.9"}),
    ("Cough for three days. No fever.", [{"R05.9", "R05.1"}], {"R50.9"}),
    ("History of MI. Essential hypertension.", [{"I10"}], {"I21.9", "I25.2"}),
    (
        "Community acquired pneumonia. Status post appendectomy.",
        [{"J18.9"}],
        {"0DTJ0ZZ", "0DTJ4ZZ"},
    ),
    ("Type 2 diabetes with CKD stage 3a.", [{"E11.22"}, {"N18.31"}], set()),
    (
        "Type 2 diabetes mellitus and chronic kidney disease stage 3b.",
        [{"E11.22"}, {"N18.32"}],
        set(),
    ),
    ("Hypertension and chronic kidney disease stage 4.", [{"I12.9"}, {"N18.4"}], {"I10"}),
    ("Type 2 diabetes with peripheral neuropathy.", [{"E11.42"}], set()),
    ("Left knee pain for two weeks.", [{"M25.562"}], {"M25.561"}),
    ("Laceration of left hand, subsequent encounter.", [{"S61.412D"}], set()),
    ("Type 1 diabetes with hyperglycemia. Denies vomiting.", [{"E10.65"}], {"R11.10"}),
    ("Hypertension with congestive heart failure. No fever.", [{"I11.0"}], {"R50.9"}),
]


@pytest.mark.parametrize(("text", "problems", "never"), VIGNETTES)
def test_vignette(
    search_address: str, text: str, problems: list[set[str]], never: set[str]
) -> None:
    reply = suggest(search_address, text)
    top5 = set(codes(reply)[:5])
    for accepted in problems:
        assert accepted & top5, f"{accepted} not in {codes(reply)}"
    assert not never & set(codes(reply))
    for suggestion in [*reply.suggestions, *reply.excluded]:
        for evidence in suggestion.evidence:
            assert text[evidence.start : evidence.end] == evidence.text


def test_negated_and_historical_mentions_are_listed_apart(search_address: str) -> None:
    text = "Denies chest pain. No fever. History of MI. Status post appendectomy. Knee pain."
    reply = suggest(search_address, text)
    negated = {(e.evidence[0].text, e.negated) for e in reply.excluded if e.negated}
    historical = {e.evidence[0].text for e in reply.excluded if e.historical}
    assert {text for text, _ in negated} == {"chest pain", "fever"}
    assert historical == {"MI", "appendectomy"}
    assert not any(s.negated or s.historical for s in reply.suggestions)
    assert "laterality for 'Knee pain'" in reply.missing


def test_unstated_encounter_is_missing(search_address: str) -> None:
    reply = suggest(search_address, "Fracture of right radius after a fall.")
    assert any(item.startswith("encounter (7th character)") for item in reply.missing)
    assert all("right" in s.title.lower() for s in reply.suggestions[:3])


VIGNETTE_FILE = Path(__file__).resolve().parents[1] / (
    "services/assistant/eval/case2code_vignettes.yaml"
)


def vignettes() -> list[dict[str, Any]]:
    return list(yaml.safe_load(VIGNETTE_FILE.read_text(encoding="utf-8"))["vignettes"])


def test_vignette_set_is_large_enough_and_names_only_valid_codes(search_address: str) -> None:
    items = vignettes()
    assert len(items) >= 60 and len({v["id"] for v in items}) == len(items)
    assert sum(1 for v in items if v["not_current"]) >= 20
    named = sorted({c for v in items for group in v["problems"] for c in group})

    async def unknown() -> list[str]:
        channel = aio_channel(search_address, signer=load_signer(ASSISTANT), audience=SEARCH)
        async with channel:
            search = GrpcCodeSearch(search_grpc.SearchServiceStub(channel))
            found = await asyncio.gather(
                *(search.search(code, systems=("icd10cm",), limit=3) for code in named)
            )
        return [c for c, hits in zip(named, found, strict=True) if c not in {h.code for h in hits}]

    assert asyncio.run(unknown()) == []


def test_vignettes_never_get_a_negated_or_historical_condition(search_address: str) -> None:
    suggested_wrongly = []
    for vignette in vignettes():
        reply = suggest(search_address, vignette["text"])
        wrong = set(codes(reply)) & set(vignette["not_current"])
        if wrong:
            suggested_wrongly.append((vignette["id"], sorted(wrong)))
    assert suggested_wrongly == []
