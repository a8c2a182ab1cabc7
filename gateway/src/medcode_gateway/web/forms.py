"""HTML forms for people: read a posted form, check its CSRF token, keep redirects on this
site, and say in plain words why a service refused what was typed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import grpc
from starlette.requests import Request

from medcode_gateway.core.problems import retry_after_of
from medcode_gateway.web.visitor import CSRF_FIELD, csrf_form_ok

#: A form posts a handful of fields; more is not a person filling in a form.
MAX_FIELDS = 20
#: Longest `next` address kept; a longer one falls back to the default page.
MAX_NEXT_LENGTH = 512
FORM_TYPE = "application/x-www-form-urlencoded"
EXPIRED_FORM = (
    "This form has expired or was sent from another site, so nothing was changed. "
    "Please send it again."
)
UNAVAILABLE = (
    "Accounts are not answering right now, so nothing was changed. Please try again shortly."
)


class BadForm(ValueError):
    """A body that is not a form a browser would send."""


@dataclass(slots=True)
class FormErrors:
    """What went wrong with a posted form: a message per field and one for the whole form."""

    fields: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    status: int = 400
    retry_after: str | None = None

    def __bool__(self) -> bool:
        return bool(self.fields or self.summary)

    @property
    def headers(self) -> dict[str, str]:
        """Response headers that go with the refusal (Retry-After on throttling)."""
        return {"Retry-After": self.retry_after} if self.retry_after else {}


async def read_form(request: Request) -> dict[str, str]:
    """The posted fields (the first value of each name), or BadForm."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise BadForm(f"expected a form ({FORM_TYPE}), got {content_type or 'no content type'}")
    body = (await request.body()).decode("utf-8", errors="replace")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise BadForm(f"a form has at most {MAX_FIELDS} fields") from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        fields.setdefault(name, value)
    return fields


def csrf_refusal(request: Request, form: dict[str, str]) -> FormErrors:
    """An empty FormErrors when the form's token matches the CSRF cookie, else a 403 refusal."""
    if csrf_form_ok(request, form.get(CSRF_FIELD)):
        return FormErrors()
    return FormErrors(summary=EXPIRED_FORM, status=403)


async def posted_form(request: Request) -> tuple[dict[str, str], FormErrors]:
    """The posted form and, when it cannot be trusted (not a form, CSRF mismatch), why."""
    try:
        form = await read_form(request)
    except BadForm as error:
        return {}, FormErrors(summary=f"{str(error).capitalize()}.", status=400)
    return form, csrf_refusal(request, form)


def safe_next(raw: str | None, default: str = "/account") -> str:
    """`raw` when it is a path on this site, else `default` (no open redirects).

    Only a single leading slash followed by a non-slash, no backslash and no control
    characters pass, so neither browsers nor proxies can read another host into it.
    """
    if not raw or len(raw) > MAX_NEXT_LENGTH or not raw.startswith("/"):
        return default
    if raw.startswith(("//", "/\\")) or "\\" in raw:
        return default
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in raw):
        return default
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return default
    return raw


def wait_in_words(seconds: str | None) -> str:
    """ "about 3 minutes", "45 seconds": how long to wait, as a person reads it."""
    try:
        value = max(1, int(seconds or "60"))
    except ValueError:
        value = 60
    if value < 90:
        return f"{value} second{'s' if value != 1 else ''}"
    minutes = math.ceil(value / 60)
    if minutes < 90:
        return f"about {minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"about {hours} hours"


def refusal(
    error: grpc.aio.AioRpcError, *, fields: tuple[str, ...], wording: dict[grpc.StatusCode, str]
) -> FormErrors:
    """A service's refusal worded for the form: a bad field next to it, throttling with how
    long to wait, `wording` for what the page knows better; unexpected failures re-raise."""
    code = error.code()
    details = error.details() or ""
    if code in wording:
        status = {
            grpc.StatusCode.UNAUTHENTICATED: 400,
            grpc.StatusCode.PERMISSION_DENIED: 403,
            grpc.StatusCode.NOT_FOUND: 404,
            grpc.StatusCode.ALREADY_EXISTS: 409,
        }.get(code, 400)
        return FormErrors(summary=wording[code], status=status)
    if code in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.FAILED_PRECONDITION):
        name = details.split(" ", 1)[0]
        message = details[:1].upper() + details[1:] + ("" if details.endswith(".") else ".")
        if name in fields:
            return FormErrors(fields={name: message})
        return FormErrors(summary=message)
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        retry_after = retry_after_of(error) or "60"
        return FormErrors(
            summary=(
                "Too many attempts from here, so we paused them to protect accounts. "
                f"Please wait {wait_in_words(retry_after)} and try again."
            ),
            status=429,
            retry_after=retry_after,
        )
    if code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return FormErrors(summary=UNAVAILABLE, status=503, retry_after="5")
    raise error
