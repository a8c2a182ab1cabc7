"""Turn a run into accuracy per intent, a JSON report and a markdown table."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from casepilot_eval.facts import Verdict
from casepilot_eval.questions import INTENTS, Question
from casepilot_eval.runner import RunResult


def _row(verdicts: list[Verdict]) -> dict[str, Any]:
    asked = len(verdicts)
    correct = sum(v.correct for v in verdicts)
    intent_ok = sum(v.intent_ok for v in verdicts)
    return {
        "asked": asked,
        "correct": correct,
        "accuracy": round(correct / asked, 4) if asked else None,
        "intent_accuracy": round(intent_ok / asked, 4) if asked else None,
    }


def summarise(questions: list[Question], result: RunResult) -> dict[str, Any]:
    """Per-intent and overall accuracy, invalid codes, skips, errors and every failure."""
    by_intent: dict[str, list[Verdict]] = defaultdict(list)
    for verdict in result.verdicts:
        by_intent[verdict.question.intent].append(verdict)
    total = {intent: 0 for intent in INTENTS}
    for question in questions:
        total[question.intent] += 1
    intents = {
        intent: {**_row(by_intent[intent]), "questions": total[intent]} for intent in INTENTS
    }
    failures = [
        {
            "id": v.question.id,
            "question": v.question.question,
            "intent_expected": v.question.intent,
            "intent_ok": v.intent_ok,
            "failed_facts": [asdict(fact) for fact in v.failed_facts],
            "answer": result.answers.get(v.question.id, ""),
        }
        for v in result.verdicts
        if not v.correct
    ]
    return {
        "questions": len(questions),
        "overall": _row(result.verdicts),
        "intents": intents,
        "invalid_codes": [
            {**asdict(code), "answer": result.answers.get(code.question_id, "")}
            for code in result.invalid_codes
        ],
        "invalid_code_count": len(result.invalid_codes),
        "skipped": result.skipped,
        "errors": result.errors,
        "failures": failures,
    }


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def markdown(summary: dict[str, Any]) -> str:
    """The closing note's table: accuracy per intent, overall, and invalid codes."""
    lines = [
        "| intent | questions | asked | correct | accuracy | intent understood |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for intent, row in summary["intents"].items():
        lines.append(
            f"| {intent} | {row['questions']} | {row['asked']} | {row['correct']} "
            f"| {_pct(row['accuracy'])} | {_pct(row['intent_accuracy'])} |"
        )
    overall = summary["overall"]
    lines.append(
        f"| **overall** | {summary['questions']} | {overall['asked']} | {overall['correct']} "
        f"| **{_pct(overall['accuracy'])}** | {_pct(overall['intent_accuracy'])} |"
    )
    lines += [
        "",
        f"Invalid codes in answers: **{summary['invalid_code_count']}**. "
        f"Skipped (data set not loaded): {len(summary['skipped'])}. "
        f"Errors: {len(summary['errors'])}.",
    ]
    return "\n".join(lines) + "\n"


def write(summary: dict[str, Any], folder: Path, name: str = "casepilot_eval") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path = folder / f"{name}.json"
    md_path = folder / f"{name}.md"
    json_path.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    md_path.write_text(markdown(summary), encoding="utf-8")
    return [json_path, md_path]
