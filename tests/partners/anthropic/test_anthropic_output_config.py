"""ChatAnthropic side by side where a model's setting and a call's meet in one request
field. `output_config` holds independent settings (effort, format, task budget): a call's,
a binding's or a structured output's is laid over the model's key by key, as
langchain-anthropic merges them, so a model's effort survives `with_structured_output(...,
method="json_schema")`. `thinking` and `inference_geo` given to both: the call's is sent,
where langchain-anthropic sends the model's (a kept difference)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import in_order
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

pytest.importorskip("langchain_anthropic")

CITY = {
    "title": "City",
    "type": "object",
    "properties": {"name": {"type": "string"}, "country": {"type": "string"}},
    "required": ["name", "country"],
}
FORMAT = {"type": "json_schema", "schema": {**CITY, "additionalProperties": False}}
BUDGET = {"type": "tokens", "total": 20000}
_PARIS = streamed({"type": "text", "text": json.dumps({"name": "Paris", "country": "France"})})


def _on(cls: Any, url: str, model: str = "claude-opus-4-5", **settings: Any) -> Any:
    return cls(model=model, api_key=KEY, base_url=url, **settings)


def effort_beside_structured_format(cls: Any, url: str) -> Any:
    """A model's effort (by keyword, by its alias, inside its `output_config`; on a model
    that then thinks adaptively too) and `with_structured_output(method="json_schema")`,
    invoked and streamed."""
    models = [
        _on(cls, url, reasoning_effort="low"),
        _on(cls, url, effort="medium"),
        _on(cls, url, output_config={"effort": "low"}),
        _on(cls, url, "claude-opus-4-7", effort="high"),
    ]
    out = []
    for model in models:
        structured = model.with_structured_output(CITY, method="json_schema")
        out.append([structured.invoke("Where?"), list(structured.stream("Where?"))])
    return out


def effort_beside_call_fields(cls: Any, url: str) -> Any:
    """A model's effort and a call's `output_config` (a task budget, its own effort, None),
    a bound format then a call's budget, and an agent-style `response_format`."""
    model = _on(cls, url, effort="low")
    response_format = {"type": "json_schema", "json_schema": {"name": "City", "schema": CITY}}
    return [
        model.invoke("Plan.", output_config={"task_budget": BUDGET}),
        model.invoke("Plan.", output_config={"effort": "high"}),
        model.invoke("Plan.", output_config=None),
        model.bind(output_config={"format": FORMAT}).invoke(
            "Where?", output_config={"task_budget": BUDGET}
        ),
        model.invoke("Where?", response_format=response_format),
    ]


THINKING = {"type": "enabled", "budget_tokens": 1024}
THINKING_MORE = {"type": "enabled", "budget_tokens": 2048}


def given_twice(cls: Any, url: str) -> Any:
    """`thinking` and `inference_geo` set on the model and given again to a call."""
    thinking = _on(cls, url, "claude-sonnet-4-5", thinking=THINKING, max_tokens=4096)
    geo = _on(cls, url, "claude-sonnet-4-5", inference_geo="us")
    return [
        thinking.invoke("Think.", thinking=THINKING_MORE),
        thinking.bind(thinking=THINKING_MORE).invoke("Think."),
        geo.invoke("Hi", inference_geo="eu"),
    ]


def _calls_own_sent(outcome: Outcome) -> Outcome:
    """Their requests sent the model's thinking and region, ours the call's: then ours
    read as theirs."""
    theirs, ours, their_requests, our_requests = outcome

    def fields(requests: list[dict[str, Any]]) -> list[Any]:
        return sorted(str([r["body"].get(k) for k in _TWICE]) for r in requests)

    assert fields(our_requests) == sorted(map(str, [[THINKING_MORE, None]] * 2 + [[None, "eu"]]))
    assert fields(their_requests) == sorted(map(str, [[THINKING, None]] * 2 + [[None, "us"]]))
    read = []
    for request in our_requests:
        body = dict(request["body"])
        if "thinking" in body:
            body["thinking"] = THINKING
        if "inference_geo" in body:
            body["inference_geo"] = "us"
        read.append({**request, "body": body})
    return theirs, ours, their_requests, in_order(read)


_TWICE = ("thinking", "inference_geo")


Script = tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]
SCRIPTS: dict[str, Script] = {
    "effort_beside_structured_format": (_PARIS, effort_beside_structured_format),
    "effort_beside_call_fields": (_PARIS, effort_beside_call_fields),
    "given_twice": (_PARIS, given_twice),
}
DIFFERENCES = {
    "given_twice": (
        Difference(
            Reason.LOSES_DATA,
            "a call's own `thinking` or `inference_geo` is not sent where the model has "
            "one: the model's goes instead, without a word",
            "the call's is sent, as every other setting a call gives is",
        ),
        _calls_own_sent,
    ),
}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_same_as_langchain_anthropic = SUITE.same_test()
