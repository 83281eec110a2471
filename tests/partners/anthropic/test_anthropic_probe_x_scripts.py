"""ChatAnthropic in the probe_x set's scripts (`tests/partners/_probe_x.py`): the Messages
API's error statuses caught, retried, fallen back from and batched over, structured
output with its raw reply, a tool's failure sent back, and a model saved and loaded."""

from __future__ import annotations

import json
from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, max_retries=0, **settings)


def _error(status: int, kind: str, message: str) -> probe.Status:
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return status, body, {"request-id": "req_011CV"}


STATUSES = {
    "429": _error(429, "rate_limit_error", "Number of request tokens has exceeded your limit"),
    "529": _error(529, "overloaded_error", "Overloaded"),
    "400": _error(400, "invalid_request_error", "max_tokens: Field required"),
    "500": _error(500, "api_error", "Internal server error"),
    "502": probe.BAD_GATEWAY,
}

_TEXT = streamed({"type": "text", "text": "Hello there, friend."})
_SUM_CALL = {"type": "tool_use", "id": "toolu_01", "name": "Sum", "input": {"total": 3}}


def _structured(seen: Seen) -> Reply:
    """A forced tool's call where tools were sent; the JSON as text otherwise."""
    if (seen.body or {}).get("tools"):
        return streamed(_SUM_CALL, stop="tool_use")(seen)
    return streamed({"type": "text", "text": '{"total": 3}'})(seen)


_overloaded = probe.sdk_class("anthropic", "OverloadedError")


SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "529", _overloaded)
SCRIPTS["raw_kept"] = (_structured, probe.raw_kept(_make, ("function_calling", "json_schema")))
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_make, KEY, "langchain_anthropic"))

_OPENAI_LIMITED = {
    "error": {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}
}


def _openai_limited(seen: Seen) -> Reply:
    """OpenAI's Chat Completions answering 429; the Messages API its text."""
    if seen.path.endswith("/chat/completions"):
        return Reply(429, [json.dumps(_OPENAI_LIMITED).encode()], headers={"x-request-id": "r1"})
    return _TEXT(seen)


def across_partners(cls: Any, url: str) -> Any:
    """`ChatOpenAI(max_retries=0).with_fallbacks([ChatAnthropic(...)])`, the OpenAI
    class taken from the same import as ChatAnthropic, OpenAI answering 429: the reply
    invoked and streamed, and the errors a callback saw."""
    import langchain_openai

    import chatplex.langchain

    family = chatplex.langchain if cls is chatplex.langchain.ChatAnthropic else langchain_openai
    primary = family.ChatOpenAI(
        model="gpt-4o-mini", api_key="sk-1", base_url=f"{url}/v1", max_retries=0
    )
    chain = primary.with_fallbacks([_make(cls, url)])
    handler, names = probe.error_names()
    reply = chain.invoke("Hi", config={"callbacks": [handler]})
    return {"reply": reply, "streamed": [c.content for c in chain.stream("Hi")], "seen": names}


SCRIPTS["across_partners"] = (_openai_limited, across_partners)
SCRIPTS["rate_limited"] = (_TEXT, probe.rate_limited(_make))

SUITE = anthropic_suite(SCRIPTS)
test_probe_x_same_as_langchain_anthropic = probe.same_test(SUITE)
