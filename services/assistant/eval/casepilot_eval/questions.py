"""The evaluation set: questions, the intent expected and facts written from official data.

Loaded from `questions*.yaml` beside this package and checked before any question is asked,
so a malformed set fails with a message naming the question instead of skewing accuracy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from medcode.assistant.v1 import assistant_service_pb2 as apb

EVAL_DIR = Path(__file__).resolve().parents[1]
#: Every intent a question may expect (the contract's enum without UNSPECIFIED).
INTENTS = tuple(
    name.removeprefix("INTENT_")
    for name in apb.Intent.keys()  # noqa: SIM118 (an enum wrapper, not a dict)
    if name != "INTENT_UNSPECIFIED"
)
#: Data sets a question may need; the stack reports which it loaded.
DATASETS = frozenset({"hcpcs", "pfs", "ncci_ptp", "add_on", "mue", "gems", "cc_mcc"})
#: What a fact asserts about an answer, by its YAML key.
FACT_KINDS = ("code", "absent_code", "unknown_code", "text", "absent_text", "pattern")
SYSTEMS = ("ICD10CM", "ICD10PCS", "HCPCS", "CPT")
MIN_PER_INTENT = 10


class EvalSetError(ValueError):
    """The question files break a rule of the evaluation set."""


@dataclass(frozen=True)
class Fact:
    """One thing a correct answer must (or must not) contain, and where it was taken from."""

    kind: str
    values: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Question:
    """One question as a coder asks it, with the intent and facts expected."""

    id: str
    intent: str
    question: str
    facts: tuple[Fact, ...]
    conversation: str = ""
    requires: tuple[str, ...] = ()
    context_system: str = ""
    context_code: str = ""

    @property
    def intent_value(self) -> int:
        return int(apb.Intent.Value(f"INTENT_{self.intent}"))


def _fact(raw: Any, where: str) -> Fact:
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: a fact must be a mapping, got {raw!r}")
    kinds = [key for key in raw if key != "source"]
    if len(kinds) != 1 or kinds[0] not in FACT_KINDS:
        raise EvalSetError(f"{where}: a fact needs exactly one of {FACT_KINDS}, got {kinds}")
    source = raw.get("source")
    if not isinstance(source, str) or not source.strip():
        raise EvalSetError(f"{where}: every fact needs a source (file or data set, and field)")
    kind = kinds[0]
    value = raw[kind]
    values = tuple(str(v) for v in value) if isinstance(value, list) else (str(value),)
    if not values or any(not v.strip() for v in values):
        raise EvalSetError(f"{where}: {kind} needs a non-empty value")
    if kind == "pattern":
        for pattern in values:
            try:
                re.compile(pattern)
            except re.error as error:
                raise EvalSetError(f"{where}: bad pattern {pattern!r}: {error}") from error
    return Fact(kind, values, source.strip())


def _question(raw: Any, where: str) -> Question:
    if not isinstance(raw, dict):
        raise EvalSetError(f"{where}: a question must be a mapping")
    missing = [key for key in ("id", "intent", "question", "facts") if not raw.get(key)]
    if missing:
        raise EvalSetError(f"{where}: missing {', '.join(missing)}")
    qid = str(raw["id"])
    where = f"{where} ({qid})"
    intent = str(raw["intent"])
    if intent not in INTENTS:
        raise EvalSetError(f"{where}: unknown intent {intent!r}; one of {', '.join(INTENTS)}")
    text = str(raw["question"]).strip()
    if not 1 <= len(text) <= 2000:
        raise EvalSetError(f"{where}: a question has 1 to 2,000 characters")
    requires = tuple(str(r) for r in raw.get("requires") or ())
    unknown = sorted(set(requires) - DATASETS)
    if unknown:
        raise EvalSetError(f"{where}: unknown data sets {unknown}; one of {sorted(DATASETS)}")
    context = raw.get("context_code") or {}
    if context and str(context.get("system")) not in SYSTEMS:
        raise EvalSetError(f"{where}: context_code.system must be one of {SYSTEMS}")
    facts = tuple(_fact(f, f"{where} fact {i}") for i, f in enumerate(raw["facts"], 1))
    return Question(
        id=qid,
        intent=intent,
        question=text,
        facts=facts,
        conversation=str(raw.get("conversation") or ""),
        requires=requires,
        context_system=str(context.get("system", "")) if context else "",
        context_code=str(context.get("code", "")) if context else "",
    )


def parse_questions(documents: Iterable[tuple[str, Any]]) -> list[Question]:
    """Questions from parsed YAML documents (name, content), checked one by one and together."""
    questions: list[Question] = []
    for name, document in documents:
        if not isinstance(document, dict) or not isinstance(document.get("questions"), list):
            raise EvalSetError(f"{name}: expected a mapping with a 'questions' list")
        for index, raw in enumerate(document["questions"], 1):
            questions.append(_question(raw, f"{name} #{index}"))
    check_set(questions)
    return questions


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^\w.]+", " ", text.lower()).split())


def check_set(questions: Sequence[Question]) -> None:
    """Ids and questions are unique and every intent has enough questions to measure it."""
    ids = Counter(q.id for q in questions)
    duplicated = sorted(i for i, n in ids.items() if n > 1)
    if duplicated:
        raise EvalSetError(f"duplicate ids: {duplicated}")
    texts = Counter(_normalised(q.question) for q in questions)
    repeated = sorted(t for t, n in texts.items() if n > 1)
    if repeated:
        raise EvalSetError(f"duplicate questions: {repeated}")
    counts = intent_counts(questions)
    thin = {i: counts.get(i, 0) for i in INTENTS if counts.get(i, 0) < MIN_PER_INTENT}
    if thin:
        raise EvalSetError(f"intents with fewer than {MIN_PER_INTENT} questions: {thin}")


def intent_counts(questions: Iterable[Question]) -> Counter[str]:
    return Counter(q.intent for q in questions)


def question_files(folder: Path = EVAL_DIR) -> list[Path]:
    return sorted(folder.glob("questions*.yaml"))


def load_questions(paths: Sequence[Path] | None = None) -> list[Question]:
    """The evaluation set from the YAML files (default: every `questions*.yaml` here)."""
    files = list(paths) if paths is not None else question_files()
    if not files:
        raise EvalSetError(f"no questions*.yaml found in {EVAL_DIR}")
    documents = []
    for path in files:
        try:
            documents.append((path.name, yaml.safe_load(path.read_text(encoding="utf-8"))))
        except yaml.YAMLError as error:
            raise EvalSetError(f"{path.name}: not valid YAML: {error}") from error
    return parse_questions(documents)


def conversations(questions: Sequence[Question]) -> list[list[Question]]:
    """Questions grouped as they must be asked: a conversation's questions in file order,
    every other question on its own."""
    groups: dict[str, list[Question]] = {}
    ordered: list[list[Question]] = []
    for question in questions:
        if not question.conversation:
            ordered.append([question])
        elif question.conversation in groups:
            groups[question.conversation].append(question)
        else:
            groups[question.conversation] = [question]
            ordered.append(groups[question.conversation])
    return ordered
