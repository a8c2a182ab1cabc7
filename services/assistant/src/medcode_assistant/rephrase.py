"""Optional generation: an OpenAI-compatible endpoint may reword a grounded answer, nothing more.

The model gets only the grounded text and is told to keep every code and number. Its output
passes the same gate as any answer, stricter still: every code-shaped word must be one the
grounded answer already names. Anything else (an invented code, a timeout, an error) keeps
the grounded text, which is always complete on its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.error
import urllib.request

from medcode_assistant.answer import Answer
from medcode_assistant.lookup import Lookup
from medcode_assistant.settings import AssistantSettings
from medcode_assistant.validation import unconfirmed

log = logging.getLogger(__name__)

INSTRUCTIONS = (
    "You reword answers for medical coders. Rewrite the FACTS below as a clear, friendly "
    "answer to the QUESTION. Use only the facts given: add no code, number, rule or source "
    "that is not in them, and keep every code exactly as written."
)
MAX_REPLY_CHARS = 8000


class Rephraser:
    """Calls `{llm_url}/chat/completions`; returns the grounded text when the reply fails."""

    def __init__(self, settings: AssistantSettings) -> None:
        self._url = settings.llm_url.rstrip("/") + "/chat/completions"
        self._model = settings.llm_model
        self._key = settings.llm_api_key.get_secret_value()
        self._timeout = settings.llm_timeout_seconds

    async def rephrase(self, question: str, answer: Answer, lookup: Lookup) -> str:
        """A validated rewording of `answer.text`, or `answer.text` itself."""
        grounded = answer.text
        try:
            text = await asyncio.wait_for(
                asyncio.to_thread(self._complete, question, grounded), self._timeout
            )
        except (OSError, ValueError, KeyError, TimeoutError) as error:
            log.warning("rephrasing failed, grounded answer kept: %s", error)
            return grounded
        if not text.strip() or len(text) > MAX_REPLY_CHARS:
            return grounded
        extra = unconfirmed(answer, text)
        if extra:
            log.warning(
                "rephrasing refused, grounded answer kept: it names %s",
                ", ".join(mention.text for mention in extra),
            )
            return grounded
        return text.strip()

    def _complete(self, question: str, facts: str) -> str:
        body = {
            "model": self._model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": INSTRUCTIONS},
                {"role": "user", "content": f"QUESTION: {question}\n\nFACTS:\n{facts}"},
            ],
        }
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        request = urllib.request.Request(
            self._url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
            reply = json.loads(response.read())
        return str(reply["choices"][0]["message"]["content"])
