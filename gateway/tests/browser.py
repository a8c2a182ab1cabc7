"""A test HTTP client that keeps cookies like a browser (Secure cookies included)."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import httpx


class Browser:
    """An HTTP client that keeps cookies the way a browser does on this site.

    The gateway marks cookies Secure (as in production); browsers keep those on
    http://localhost, while Python's cookie jar drops them on plain http, so this keeps
    its own jar and also exposes each cookie's attributes for assertions.
    """

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.jar: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        response = self.client.request(method, url, headers=headers, **kwargs)
        for raw in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie()
            cookie.load(raw)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.jar.pop(name, None)
                else:
                    self.jar[name] = morsel.value
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)
