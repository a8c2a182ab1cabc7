"""CasePilot questions metered per plan: the metering service decides, this module words it.

Partner API keys already paid one unit of their quota in the quota middleware, so they are not
charged a question as well; every other caller spends one question of their plan's month
(metering says which plans are unlimited and what the allowances are).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.responses import JSONResponse

from medcode.metering.v1 import metering_service_pb2 as mpb
from medcode_gateway.auth.caller import Caller
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.core.problems import problem_response

QUESTION_LIMIT_TYPE = "/problems/question-limit"
REMAINING_HEADER = "X-Questions-Remaining"
UPGRADE_PATH = "/plans"
REGISTER_PATH = "/register"
_SUBJECT = {"guest": mpb.SUBJECT_TYPE_GUEST, "user": mpb.SUBJECT_TYPE_USER}


@dataclass(frozen=True, slots=True)
class QuestionOutcome:
    """Whether the question may be answered; `remaining` is None when unlimited."""

    allowed: bool
    remaining: int | None
    reason: int = mpb.QUESTION_REASON_UNLIMITED
    policy: mpb.QuestionPolicy | None = None


async def charge_question(*, caller: Caller, clients: ServiceClients) -> QuestionOutcome:
    """Spend one question of the caller's month (a partner key paid its quota already)."""
    if caller.kind == "api_key":
        return QuestionOutcome(True, None)
    reply = await clients.metering.ConsumeQuestion(
        mpb.ConsumeQuestionRequest(
            subject_type=_SUBJECT[caller.kind],
            subject_id=caller.subject_id,
            plan=caller.plan.proto,
            client_ip=caller.client_ip if caller.kind == "guest" else "",
        ),
        timeout=clients.timeout,
    )
    remaining = None if reply.unlimited else reply.remaining
    return QuestionOutcome(reply.allowed, remaining, reply.reason, reply.policy)


def _questions(count: int) -> str:
    return f"{count} question" if count == 1 else f"{count} questions"


def limit_message(*, guest: bool, outcome: QuestionOutcome) -> str:
    """Why CasePilot will not answer, with the configured numbers and what unlocks more."""
    policy = outcome.policy or mpb.QuestionPolicy()
    register = (
        f"Register a free account to ask {_questions(policy.free_questions)} a month, "
        "or see the plans for unlimited questions."
    )
    if outcome.reason == mpb.QUESTION_REASON_IP_CAP_REACHED:
        daily = _questions(policy.guest_ip_daily_cap)
        return f"Guest questions from this network ({daily} a day) are used up. {register}"
    if guest:
        if policy.guest_questions == 0:
            return f"Guests cannot ask CasePilot. {register}"
        allowance = _questions(policy.guest_questions)
        return f"Guests can ask CasePilot {allowance} a month, and they are used up. {register}"
    allowance = _questions(policy.free_questions)
    return (
        f"Free accounts can ask CasePilot {allowance} a month, and this month's are used up. "
        "Upgrade to Pro for unlimited questions."
    )


def question_limit_problem(
    *, caller: Caller, outcome: QuestionOutcome, instance: str
) -> JSONResponse:
    """429 problem+json: the allowance is spent until next month; plans unlock more."""
    guest = caller.kind == "guest"
    hints = {"register": REGISTER_PATH} if guest else {}
    response = problem_response(
        429,
        limit_message(guest=guest, outcome=outcome),
        instance=instance,
        type=QUESTION_LIMIT_TYPE,
        title="Question limit reached",
        remaining=0,
        upgrade=UPGRADE_PATH,
        **hints,
    )
    response.headers[REMAINING_HEADER] = "0"
    return response
