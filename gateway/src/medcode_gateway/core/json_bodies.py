"""Refuse a JSON request body that is not Unicode text, before any route reads it.

JSON can spell a lone UTF-16 surrogate ("\\ud800"), and Python's json module turns it, and
even raw surrogate bytes, into a str that no UTF-8 encoder accepts: protobuf refuses it only
when a route builds its service request, as an exception rather than an answer. I-JSON
(RFC 7493) forbids both, so the gateway answers such a body as the schema mismatch it is (422,
naming where the bad string is), for every route at once. Bodies without a `\\u` escape are
checked by a strict UTF-8 decode alone; only the rest are parsed here a second time.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode_gateway.core.problems import problem_response

NOT_UNICODE = "the string holds a lone UTF-16 surrogate (e.g. \\ud800): text must be Unicode"


def is_json(content_type: str | None) -> bool:
    """Whether a Content-Type is one FastAPI parses as JSON (application/json, */*+json)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    maintype, _, subtype = media.partition("/")
    return maintype == "application" and (subtype == "json" or subtype.endswith("+json"))


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(key: str) -> str:
    """A key as it can be shown back (its surrogates escaped)."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def surrogate_path(document: Any) -> list[str | int] | None:
    """Where the first string (or object key) holding a lone surrogate is, or None."""
    pending: list[tuple[list[str | int], Any]] = [([], document)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return [*path, _printable(key)]
                pending.append(([*path, key], item))
        elif isinstance(value, list):
            pending.extend(([*path, index], item) for index, item in enumerate(value))
    return None


def unicode_error(body: bytes) -> dict[str, Any] | None:
    """The validation error of a JSON body that is not Unicode text; None for any other body
    (malformed JSON included: the route answers that its own way)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return {
            "loc": ["body"],
            "msg": f"the body is not UTF-8 text (byte {error.start} cannot be decoded)",
            "type": "json_invalid",
        }
    if "\\u" not in text:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    path = surrogate_path(document)
    if path is None:
        return None
    return {"loc": ["body", *path], "msg": NOT_UNICODE, "type": "string_unicode"}


def _content_type(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive) -> tuple[bytes, Message | None]:
    """The whole body, or what came before the client went away and that message."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), None


def _replay(body: bytes, ending: Message | None, receive: Receive) -> Receive:
    """A `receive` that gives the app the body already read (or the disconnect), then waits
    on the server as usual."""
    first: Message = ending or {"type": "http.request", "body": body, "more_body": False}
    given = False

    async def replayed() -> Message:
        nonlocal given
        if not given:
            given = True
            return first
        return await receive()

    return replayed


class UnicodeJsonBodies:
    """422 for a JSON body that is not UTF-8 or holds a lone surrogate; other requests pass."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_json(_content_type(scope)):
            await self._app(scope, receive, send)
            return
        body, ending = await _read_body(receive)
        error = unicode_error(body) if ending is None else None
        if error is not None:
            response = problem_response(
                422, "the request does not match the schema", instance=scope["path"], errors=[error]
            )
            await response(scope, receive, send)
            return
        await self._app(scope, _replay(body, ending, receive), send)
