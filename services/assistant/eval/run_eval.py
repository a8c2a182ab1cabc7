"""`make eval`: CasePilot's accuracy per intent on the evaluation set, and invalid codes.

    python services/assistant/eval/run_eval.py [--limit N] [--only ID ...]
        [--data-dir var/eval] [--assistant HOST:PORT --codes HOST:PORT]

Without --assistant it imports the reference data into --data-dir (reused between runs),
starts codes, search and assistant on loopback and stops them afterwards. Writes
bench/results/casepilot_eval.json and .md. Exits non-zero only on errors (a service that does
not start, a failed RPC), never because of accuracy.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casepilot_eval import report  # noqa: E402
from casepilot_eval.questions import EvalSetError, load_questions  # noqa: E402
from casepilot_eval.runner import run  # noqa: E402
from casepilot_eval.stack import ROOT, import_reference_data, running_stack  # noqa: E402

log = logging.getLogger("casepilot_eval")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var/eval")
    parser.add_argument("--results", type=Path, default=ROOT / "bench/results")
    parser.add_argument("--limit", type=int, default=0, help="ask only the first N questions")
    parser.add_argument("--only", nargs="*", default=[], help="ask only these question ids")
    parser.add_argument("--assistant", default="", help="a running assistant (host:port)")
    parser.add_argument("--codes", default="", help="its codes service (host:port)")
    parser.add_argument("--name", default="casepilot_eval", help="report file name")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    try:
        questions = load_questions()
    except EvalSetError as error:
        log.error("the evaluation set is invalid: %s", error)
        return 2
    if args.only:
        questions = [q for q in questions if q.id in set(args.only)]
    if args.limit:
        questions = questions[: args.limit]
    if bool(args.assistant) != bool(args.codes):
        log.error("--assistant and --codes go together")
        return 2
    args.data_dir.mkdir(parents=True, exist_ok=True)
    log.info("importing reference data into %s", args.data_dir)
    data = import_reference_data(args.data_dir)
    for name, reason in data.missing.items():
        log.warning("%s not loaded: %s (its questions are skipped)", name, reason)
    try:
        if args.assistant:
            result = run(
                questions,
                assistant_address=args.assistant,
                codes_address=args.codes,
                loaded=data.loaded,
                missing=data.missing,
            )
        else:
            with running_stack(args.data_dir, args.data_dir / "logs") as stack:
                log.info("asking %d questions", len(questions))
                result = run(
                    questions,
                    assistant_address=stack.assistant,
                    codes_address=stack.codes,
                    loaded=data.loaded,
                    missing=data.missing,
                )
    except RuntimeError as error:
        log.error("%s (service logs in %s)", error, args.data_dir / "logs")
        return 1
    summary = report.summarise(questions, result)
    paths = report.write(summary, args.results, args.name)
    sys.stdout.write(report.markdown(summary))
    sys.stdout.write("".join(f"wrote {path}\n" for path in paths))
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
