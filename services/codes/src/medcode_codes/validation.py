"""Verdicts on codes a user wants to report: valid? billable? and if not, why and what instead."""

from __future__ import annotations

from dataclasses import dataclass

from medcode_codes.snapshot.reader import NodeRow, Snapshot
from medcode_common.codesystems import MalformedCode, System, normalize_code

_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer for one input. `status` is billable, not_billable, not_found or malformed."""

    input: str
    code: str
    status: str
    title: str
    message: str
    suggestions: tuple[NodeRow, ...] = ()


def _preferred(candidates: list[NodeRow]) -> list[NodeRow]:
    """Order suggestions the way a coder would reach for them: shortest code first, and
    among those the ".9"-style default code, then tabular order."""
    ranked = sorted(
        enumerate(candidates),
        key=lambda item: (len(item[1].code), not item[1].code.endswith("9"), item[0]),
    )
    return [node for _, node in ranked]


def validate_one(snapshot: Snapshot, system: System, raw: str) -> Verdict:
    """Judge one input against one release."""
    try:
        code = normalize_code(system, raw)
    except MalformedCode as error:
        return Verdict(raw, "", "malformed", "", str(error))
    node = snapshot.node(code)
    release = snapshot.meta.release
    if node is None:
        nearest = _nearest_existing(snapshot, system, code)
        hint = ""
        options: list[NodeRow] = []
        if nearest is not None:
            options = [nearest] if nearest.billable else _billable_below(snapshot, nearest)
            hint = f"; the nearest existing code is {nearest.code} ({nearest.title})"
        message = f"{code} is not {system.a_label} code in release {release}{hint}"
        return Verdict(raw, code, "not_found", "", message, tuple(options))
    if node.billable:
        message = f"{code} is a billable {system.label} code"
        return Verdict(raw, code, "billable", node.title, message)
    options = _billable_below(snapshot, node)
    return Verdict(raw, code, "not_billable", node.title, _why_not(node, options), tuple(options))


def _billable_below(snapshot: Snapshot, node: NodeRow) -> list[NodeRow]:
    found = snapshot.billable_descendants(node.code, limit=200)
    return _preferred(found)[:_SUGGESTIONS]


def _why_not(node: NodeRow, options: list[NodeRow]) -> str:
    example = f", e.g. {options[0].code} ({options[0].title})" if options else ""
    children = [c for c in options if c.extra.get("seventh_character")]
    if children and node.kind in {"subcategory", "code", "category"}:
        return f"{node.code} requires a 7th character{example}"
    if node.kind in {"chapter", "section", "body_system"}:
        return f"{node.code} is a {node.kind.replace('_', ' ')}; report a code within it{example}"
    return f"{node.code} is a {node.kind}; report a code with more characters{example}"


def _nearest_existing(snapshot: Snapshot, system: System, code: str) -> NodeRow | None:
    """The longest existing prefix of `code`, e.g. E11.99 -> E11.9, 0016ZZZ -> 001."""
    bare = code.replace(".", "")
    shortest = 3 if system is System.ICD10CM else 1
    for length in range(len(bare) - 1, shortest - 1, -1):
        prefix = bare[:length]
        if system is System.ICD10CM and length > 3:
            prefix = f"{prefix[:3]}.{prefix[3:]}"
        node = snapshot.node(prefix)
        if node is not None:
            return node
    return None
