"""The openai SDK's client over an httpx MockTransport, for the tests that read the same
bytes with the SDK and with chatplex (test_adapter_sdk.py: Chat Completions,
test_responses_adapter_sdk.py: the Responses API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

Handler = Callable[[httpx.Request], httpx.Response]


def sdk_client(handler: Handler, **kwargs: Any) -> Any:
    """An `openai.OpenAI` whose every request `handler` answers (no retries; `kwargs`: the
    client's other settings)."""
    import openai

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return openai.OpenAI(
        api_key="sk-test", base_url="http://test/v1", http_client=http, max_retries=0, **kwargs
    )


def answering(body: bytes, kind: str) -> Handler:
    """A handler answering every request 200 with `body`: an event stream where `kind` is
    "sse", else JSON."""
    content_type = "text/event-stream" if kind == "sse" else "application/json"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    return handler
