"""The Elasticsearch client's request layer, answered from a script (no cluster is obtainable
here): the real `elasticsearch` client and transport build and send every request; only the
last step, the HTTP exchange, is replaced by the replies a test lists in order, and every
request is recorded as sent (method, path, query parameters, JSON body)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse
from elasticsearch import Elasticsearch

_HEADERS = {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}


@dataclass(frozen=True)
class Reply:
    """What Elasticsearch answers to the next request, which must be `method path`."""

    method: str
    path: str
    body: Any = None
    status: int = 200


@dataclass(frozen=True)
class Sent:
    """One request as it left the client."""

    method: str
    path: str
    params: dict[str, str]
    body: Any


@dataclass
class Conversation:
    """The replies still to come, and the requests sent so far."""

    replies: list[Reply]
    sent: list[Sent] = field(default_factory=list)

    def answer(self, method: str, target: str, body: bytes | None) -> tuple[int, Any]:
        split = urlsplit(target)
        self.sent.append(Sent(method, split.path, dict(parse_qsl(split.query)), _decoded(body)))
        assert self.replies, f"unexpected request {method} {target}"
        reply = self.replies.pop(0)
        assert (method, split.path) == (reply.method, reply.path), (
            f"sent {method} {split.path}, the script expected {reply.method} {reply.path}"
        )
        return reply.status, reply.body

    def paths(self) -> list[str]:
        """`METHOD path` of every request sent, in order."""
        return [f"{sent.method} {sent.path}" for sent in self.sent]


def _decoded(body: bytes | None) -> Any:
    if not body:
        return None
    text = body.decode("utf-8")
    try:
        return json.loads(text)
    except json.JSONDecodeError:  # bulk and msearch send one JSON document per line
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def scripted_client(conversation: Conversation) -> Elasticsearch:
    """A real client whose HTTP exchanges are `conversation`'s."""

    class ScriptedNode(BaseNode):
        def perform_request(
            self,
            method: str,
            target: str,
            body: bytes | None = None,
            headers: HttpHeaders | None = None,
            request_timeout: Any = None,
        ) -> NodeApiResponse:
            status, reply = conversation.answer(method, target, body)
            meta = ApiResponseMeta(status, "1.1", HttpHeaders(_HEADERS), 0.0, self.config)
            return NodeApiResponse(meta, json.dumps(reply).encode() if reply is not None else b"")

    return Elasticsearch("http://elasticsearch.test:9200", node_class=ScriptedNode, max_retries=0)
