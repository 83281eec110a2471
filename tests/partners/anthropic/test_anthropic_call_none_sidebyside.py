"""ChatAnthropic side by side on a call's keyword given as None over the model's own
value (`invoke(x, temperature=None)`, or bound): langchain-anthropic's payload takes the
call's None over the model's field, then leaves every None out, so the field is not
sent at all (the API's default), for `temperature`, `top_k`, `top_p`,
`stop_sequences`, `mcp_servers`, `context_management`, `container` and
`user_profile_id`. The drop-in sent the model's value. A call's `max_tokens=None` is
kept apart: theirs then refuses the call (its SDK's TypeError), ours sends the model's.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.partners._call_none import cleared
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

pytest.importorskip("langchain_anthropic")

#: Each field, given to the constructor so: the call's None then clears it.
HELD: dict[str, dict[str, Any]] = {
    "temperature": {"temperature": 0.3},
    "top_k": {"top_k": 5},
    "top_p": {"top_p": 0.5},
    "stop_sequences": {"stop_sequences": ["END"]},
    "mcp_servers": {"mcp_servers": [{"type": "url", "url": "https://m.example/sse", "name": "m"}]},
    "context_management": {"context_management": {"edits": [{"type": "clear_tool_uses_20250919"}]}},
    "container": {"container": "cntr_1"},
    "user_profile_id": {"user_profile_id": "up_1"},
    "max_tokens": {"max_tokens": 50},
}


def _model(cls: Any, url: str, **held: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **held)


def _max_tokens_kept(outcome: Outcome) -> Outcome:
    """Theirs refused each call with its SDK's TypeError before any request; ours sent
    each with the model's `max_tokens`. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == [{"refused": "TypeError"}] * 3 and not their_requests, theirs
    assert len(our_requests) == 3 and all(r["body"]["max_tokens"] == 50 for r in our_requests)
    return theirs, theirs, their_requests, their_requests


_TEXT = {"type": "text", "text": "Hello there, friend."}
SCRIPTS = {
    f"call_none_{field}": (streamed(_TEXT), cleared(field, held, _model))
    for field, held in HELD.items()
}
DIFFERENCES = {
    "call_none_max_tokens": (
        Difference(
            Reason.RAISES,
            "a call's `max_tokens=None` takes the model's out of the payload, then its SDK "
            "raises TypeError (`Missing required arguments`) before any request",
            "the model's `max_tokens` is sent, the call's None leaving it as it is",
        ),
        _max_tokens_kept,
    ),
}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_call_none_same_as_langchain_anthropic = SUITE.same_test()


@pytest.mark.parametrize("field", [f for f in HELD if f != "max_tokens"])
def test_a_calls_none_clears_awaited_too(field: str, server: Any) -> None:
    """The drop-in awaited: the field is not sent, as invoked."""
    from chatplex.langchain import ChatAnthropic

    server.handler = streamed(_TEXT)
    server.seen.clear()
    model = ChatAnthropic(model=MODEL, api_key=KEY, base_url=server.url, **HELD[field])
    asyncio.run(model.ainvoke("Hi", **{field: None}))
    (seen,) = server.seen
    assert field not in seen.body, seen.body
