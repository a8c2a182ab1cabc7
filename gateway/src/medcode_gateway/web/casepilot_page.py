"""The CasePilot chat page, `/casepilot`: a plain form that works without JavaScript.

A POST asks one question (double-submit CSRF, questions metered per plan like the API) and
shows the answer as safe HTML, its citations, the codes it names linked to their pages and
follow-up questions as buttons; the conversation id travels in a hidden field. With
JavaScript, `casepilot.js` streams answers from `/v1/assistant/ask/stream` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import grpc
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode_common.codesystems import PROTO_TO_SYSTEM, SYSTEM_TO_PROTO, System
from medcode_gateway.assistant.meter import QuestionOutcome, charge_question, limit_message
from medcode_gateway.assistant.render import intent_name
from medcode_gateway.assistant.schemas import MAX_CONVERSATION_ID, MAX_QUESTION
from medcode_gateway.auth.caller import Caller, remember_guest
from medcode_gateway.core.clients import ServiceClients
from medcode_gateway.web.casepilot_markdown import render_markdown
from medcode_gateway.web.code_meter import page_caller, site_user
from medcode_gateway.web.forms import FormErrors, posted_form
from medcode_gateway.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = "/casepilot"
TEMPLATE = "casepilot.html"
PRIVATE = {"Cache-Control": "no-store"}
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-]{0,31}")
_CONVERSATION = re.compile(rf"[\x21-\x7e]{{1,{MAX_CONVERSATION_ID}}}")
_SYSTEMS = {system.value: system for system in System}
_DOWN = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
NOT_ANSWERING = "CasePilot is not answering right now. Please try again in a moment."
EXAMPLES = (
    "Is N18.6 an MCC?",
    "What does modifier 59 mean?",
    "Which code for type 1 diabetes with ketoacidosis without coma?",
    "ICD-10 for ICD-9 428.0?",
)


@dataclass(frozen=True, slots=True)
class Question:
    """What the form asked: the question, the code it is about, the conversation."""

    text: str = ""
    system: str = ""
    code: str = ""
    conversation_id: str = ""

    @property
    def context_label(self) -> str:
        """'N18.6 (ICD-10-CM)', or '' without a context code."""
        system = _SYSTEMS.get(self.system)
        return f"{self.code} ({system.label})" if system and self.code else ""


def context_of(system: str, code: str) -> tuple[str, str]:
    """A context code the page accepts (a known system, a code-shaped code), else none."""
    system, code = system.strip().lower(), code.strip()
    if system in _SYSTEMS and _CODE.fullmatch(code):
        return system, code
    return "", ""


def read_question(form: dict[str, str]) -> tuple[Question, FormErrors]:
    """The posted question, and what is wrong with it."""
    text = form.get("question", "").strip()
    system, code = context_of(form.get("system", ""), form.get("code", ""))
    conversation = form.get("conversation_id", "").strip()
    if not _CONVERSATION.fullmatch(conversation):
        conversation = ""
    asked = Question(text, system, code, conversation)
    if not text:
        return asked, FormErrors(fields={"question": "Type a question."})
    if len(text) > MAX_QUESTION:
        message = f"A question has at most {MAX_QUESTION} characters; this one has {len(text)}."
        return asked, FormErrors(fields={"question": message})
    return asked, FormErrors()


def answer_view(reply: apb.AskResponse) -> dict[str, Any]:
    """What the template shows of one answer."""
    systems = {c.code: PROTO_TO_SYSTEM[c.system].value for c in reply.codes if c.system}
    return {
        "html": render_markdown(reply.answer, systems),
        "intent": intent_name(reply.intent).replace("_", " "),
        "codes": [
            {
                "href": f"/codes/{systems[c.code]}/{c.code}",
                "code": c.code,
                "title": c.title,
                "billable": c.billable,
            }
            for c in reply.codes
            if c.code in systems
        ],  # fmt: skip
        "citations": [
            {
                "code": c.code,
                "href": f"/codes/{PROTO_TO_SYSTEM[c.system].value}/{c.code}"
                if c.code and c.system in PROTO_TO_SYSTEM
                else "",
                "source": c.source,
                "release": c.release,
                "reference": c.reference,
            }
            for c in reply.citations
        ],
        "follow_ups": list(reply.follow_ups),
        "not_loaded": list(reply.not_loaded),
        "unknown_codes": list(reply.unknown_codes),
    }


async def page(
    request: Request,
    asked: Question,
    *,
    errors: FormErrors | None = None,
    answer: dict[str, Any] | None = None,
    caller: Caller | None = None,
    limit: str = "",
    remaining: int | None = None,
) -> HTMLResponse:
    """The chat page: the form (with the question kept), and the answer or what went wrong."""
    problems = errors or FormErrors()
    status = 429 if limit else (problems.status if problems else 200)
    context: dict[str, Any] = {
        "asked": asked,
        "errors": problems,
        "answer": answer,
        "limit": limit,
        "guest": caller is not None and caller.kind == "guest",
        "remaining": remaining,
        "examples": EXAMPLES,
        "max_question": MAX_QUESTION,
    }
    if caller is not None:
        context["user"] = site_user(caller)
    headers = {**PRIVATE, **problems.headers}
    response = await render(request, TEMPLATE, context, status=status, headers=headers)
    if caller is not None:
        remember_guest(response, caller, request)
    return response


@router.get(PAGE, response_class=HTMLResponse)
async def casepilot_page(request: Request) -> HTMLResponse:
    """The empty chat page; `?system=&code=` sets the code the questions are about."""
    system, code = context_of(
        request.query_params.get("system", ""), request.query_params.get("code", "")
    )
    return await page(request, Question(system=system, code=code))


async def _ask(clients: ServiceClients, asked: Question) -> apb.AskResponse:
    request = apb.AskRequest(question=asked.text, conversation_id=asked.conversation_id)
    if asked.system:
        system = SYSTEM_TO_PROTO[_SYSTEMS[asked.system]]
        request.context_code.CopyFrom(apb.CodeRef(system=system, code=asked.code))
    return await clients.assistant.Ask(request, timeout=clients.assistant_timeout)


@router.post(PAGE, response_class=HTMLResponse)
async def casepilot_ask(request: Request) -> HTMLResponse:
    """Ask one question from the form and show the answer (one question of the month)."""
    form, refused = await posted_form(request)
    asked, errors = read_question(form)
    if refused or errors:
        return await page(request, asked, errors=refused or errors)
    caller = await page_caller(request)
    clients: ServiceClients = request.app.state.clients
    try:
        outcome: QuestionOutcome = await charge_question(caller=caller, clients=clients)
        if not outcome.allowed:
            message = limit_message(guest=caller.kind == "guest", outcome=outcome)
            return await page(request, asked, caller=caller, limit=message)
        reply = await _ask(clients, asked)
    except grpc.aio.AioRpcError as error:
        if error.code() in _DOWN:
            down = FormErrors(summary=NOT_ANSWERING, status=503, retry_after="5")
            return await page(request, asked, errors=down, caller=caller)
        if error.code() != grpc.StatusCode.INVALID_ARGUMENT:
            raise
        bad = FormErrors(fields={"question": error.details() or "CasePilot cannot read this."})
        return await page(request, asked, errors=bad, caller=caller)
    kept = Question("", asked.system, asked.code, reply.conversation_id)
    return await page(
        request,
        kept,
        answer={
            "question": asked.text,
            "conversation_id": reply.conversation_id,
            "system": asked.system,
            "code": asked.code,
            **answer_view(reply),
        },
        caller=caller,
        remaining=outcome.remaining,
    )
