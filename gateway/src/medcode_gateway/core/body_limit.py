"""Refuse a request body over the size limit before it is read into memory.

A declared Content-Length over the limit is answered at once, without reading a byte of the
body (one within it is held to by the HTTP server). A chunked body is counted as it streams
in, and answered the moment it passes the limit. Either way the answer is a 413 problem with
`Connection: close`, so the server stops reading the rest, and the app below sees a client
that went away: whatever it tries to answer after that is dropped.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from medcode_gateway.core.problems import problem_response

GONE: Message = {"type": "http.disconnect"}


def body_framing(scope: Scope) -> tuple[int | None, bool]:
    """The Content-Length a client declared (None when absent, or nonsense the HTTP server
    refuses before the app is called) and whether the body is chunked."""
    length, chunked = None, False
    for name, value in scope["headers"]:
        if name == b"content-length":
            length = int(value) if value.strip().isdigit() else None
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def too_large(limit: int, path: str) -> ASGIApp:
    """The 413 problem for a body over `limit` bytes."""
    response = problem_response(
        413,
        f"the request body is larger than {limit} bytes; send a smaller one",
        instance=path,
    )
    response.headers["Connection"] = "close"
    return response


class BodySizeLimit:
    """413 for a request body over `max_bytes`, checked before and while it is read."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self._app = app
        self._max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared, chunked = body_framing(scope)
        if declared is not None and declared > self._max_bytes:
            await too_large(self._max_bytes, scope["path"])(scope, receive, send)
            return
        if not chunked:  # no body, or exactly the declared bytes: the HTTP server holds to it
            await self._app(scope, receive, send)
            return
        await _CountedRequest(self._max_bytes, scope, receive, send).run(self._app)


class _CountedRequest:
    """One request whose body is counted as the app reads it."""

    def __init__(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        self._limit = limit
        self._scope = scope
        self._receive = receive
        self._send = send
        self._received = 0
        self._started = False
        self._refused = False

    async def run(self, app: ASGIApp) -> None:
        await app(self._scope, self._receive_counted, self._send_unless_refused)

    async def _receive_counted(self) -> Message:
        if self._refused:
            return GONE
        message = await self._receive()
        if message["type"] == "http.request":
            self._received += len(message.get("body", b""))
            if self._received > self._limit:
                self._refused = True
                if not self._started:
                    refusal = too_large(self._limit, self._scope["path"])
                    await refusal(self._scope, self._receive, self._send)
                return GONE
        return message

    async def _send_unless_refused(self, message: Message) -> None:
        if self._refused and not self._started:
            return
        if message["type"] == "http.response.start":
            self._started = True
        await self._send(message)
