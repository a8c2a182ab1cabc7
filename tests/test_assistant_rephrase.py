"""Optional generation against a real OpenAI-compatible HTTP server on loopback: a rewording
of the grounded facts is sent; one that names a code the facts do not is refused and the
grounded answer is sent instead; a failing endpoint changes nothing."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from medcode.assistant.v1 import assistant_service_pb2 as apb
from medcode.assistant.v1 import assistant_service_pb2_grpc as agrpc
from medcode_assistant.testing import serve_assistant
from medcode_common import service_auth
from medcode_common.service_auth import ASSISTANT, GATEWAY

Reply = Callable[[str], tuple[int, str]]


@contextmanager
def completion_server(reply: Reply) -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A chat-completions endpoint whose answer `reply` makes from the user message."""
    received: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "body": body})
            status, content = reply(body["messages"][-1]["content"])
            payload = json.dumps({"choices": [{"message": {"content": content}}]}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()


def _facts(message: str) -> str:
    return message.split("FACTS:\n", 1)[1]


def ask_with(url: str, codes_address: str, search_address: str, question: str) -> apb.AskResponse:
    server = serve_assistant(
        codes_address, search_address, knowledge=None, llm_url=url, llm_model="tiny",
        llm_timeout_seconds=5,
    )  # fmt: skip
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as ch:
            return agrpc.AssistantServiceStub(ch).Ask(apb.AskRequest(question=question), timeout=30)
    finally:
        server.stop()


def grounded(codes_address: str, search_address: str, question: str) -> apb.AskResponse:
    server = serve_assistant(codes_address, search_address, knowledge=None)
    try:
        with service_auth.channel(server.address, identity=GATEWAY, audience=ASSISTANT) as ch:
            return agrpc.AssistantServiceStub(ch).Ask(apb.AskRequest(question=question), timeout=30)
    finally:
        server.stop()


QUESTION = "Is N18.6 an MCC?"


def test_a_rewording_of_the_facts_is_sent(
    assistant_codes_address: str, search_address: str
) -> None:
    def reword(message: str) -> tuple[int, str]:
        return 200, "In short: " + _facts(message).replace("**", "")

    with completion_server(reword) as (url, received):
        reply = ask_with(url, assistant_codes_address, search_address, QUESTION)
    assert reply.answer.startswith("In short: N18.6 End stage renal disease is an MCC")
    assert received[0]["path"] == "/v1/chat/completions"
    assert "N18.6" in {code.code for code in reply.codes}
    assert reply.citations  # the facts' citations stay with the rewording


@pytest.mark.parametrize(
    "invented",
    [
        "N18.6 is an MCC; also report Z99.99X.",  # not a code at all
        "N18.6 is an MCC; also report E11.9.",  # a real code the facts never named
    ],
)
def test_a_rewording_that_names_another_code_is_refused(
    assistant_codes_address: str, search_address: str, invented: str
) -> None:
    expected = grounded(assistant_codes_address, search_address, QUESTION)
    with completion_server(lambda _message: (200, invented)) as (url, received):
        reply = ask_with(url, assistant_codes_address, search_address, QUESTION)
    assert received, "the endpoint was asked"
    assert reply.answer == expected.answer
    assert "E11.9" not in reply.answer and "Z99.99X" not in reply.answer


def test_a_failing_endpoint_keeps_the_grounded_answer(
    assistant_codes_address: str, search_address: str
) -> None:
    expected = grounded(assistant_codes_address, search_address, QUESTION)
    with completion_server(lambda _message: (500, "")) as (url, _received):
        reply = ask_with(url, assistant_codes_address, search_address, QUESTION)
    assert reply.answer == expected.answer
