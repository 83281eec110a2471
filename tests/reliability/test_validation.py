"""Bad input fails with a clear ValueError / TypeError before anything is sent: the mock
server counts no request, for either wire protocol, sync or async, invoke, stream or
batch."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from _faultkit import API_KEY
from _faultkit import ask_batch
from _faultkit import each_way
from _faultkit import make_model
from _faultkit import parity

from chatplex import ToolMessage
from chatplex import init_chat_model
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream


@pytest.fixture
def silent(mock: MockServer) -> Iterator[MockServer]:
    """The server, checked to have received nothing by the end of the test."""
    mock.reset_stats()
    yield mock
    assert mock.stats.requests == 0


class NotJSON:
    pass


#: (input, per-call settings, error type, words the message must contain)
BAD_CALLS: dict[str, tuple[Any, dict[str, Any], type[Exception], str]] = {
    "unknown-role-tuple": ([("wizard", "hi")], {}, ValueError, "unknown role 'wizard'"),
    "unknown-role-dict": ([{"role": "robot", "content": "hi"}], {}, ValueError, "unknown role"),
    "empty-message-list": ([], {}, ValueError, "empty"),
    "tool-message-without-id": (
        [("user", "hi"), {"role": "tool", "content": "42"}],
        {},
        ValueError,
        "tool_call_id",
    ),
    "not-a-message": (42, {}, TypeError, "chat model input"),
    "max-tokens-zero": ("hi", {"max_tokens": 0}, ValueError, "max_tokens"),
    "max-tokens-negative": ("hi", {"max_tokens": -5}, ValueError, "max_tokens"),
    "temperature-too-high": ("hi", {"temperature": 2.5}, ValueError, "temperature"),
    "temperature-negative": ("hi", {"temperature": -0.1}, ValueError, "temperature"),
    "temperature-nan": ("hi", {"temperature": math.nan}, ValueError, "temperature"),
    "top-p": ("hi", {"top_p": 1.5}, ValueError, "top_p"),
    "stop-not-str": ("hi", {"stop": [1, 2]}, TypeError, "stop"),
    # `metadata`: a body parameter both APIs take (an unknown one is a TypeError now).
    "body-not-serialisable": ("hi", {"metadata": NotJSON()}, TypeError, "not JSON serializable"),
    "body-nan": ("hi", {"metadata": {"x": math.nan}}, ValueError, "JSON compliant"),
    "headers-not-str": ("hi", {"extra_headers": {"x-n": 1}}, TypeError, "extra_headers"),
    "max-retries-negative": ("hi", {"max_retries": -1}, ValueError, "max_retries"),
    "max-retry-after-negative": ("hi", {"max_retry_after": -1}, ValueError, "max_retry_after"),
    "bad-timeout": ("hi", {"timeout": 0}, ValueError, "timeout"),
}


@each_way
@pytest.mark.parametrize("how", ["invoke", "stream", "batch"])
@pytest.mark.parametrize("case", list(BAD_CALLS.values()), ids=list(BAD_CALLS))
async def test_bad_input_fails_before_any_request(
    silent: MockServer,
    provider: str,
    sync: bool,
    how: str,
    case: tuple[Any, dict[str, Any], type[Exception], str],
) -> None:
    value, settings, error, words = case
    model = make_model(silent, provider)
    with pytest.raises(error, match=words):
        if how == "invoke":
            await ask(model, sync, value, **settings)
        elif how == "stream":
            await ask_stream(model, sync, value, **settings)
        else:
            await ask_batch(model, sync, [value, value], **settings)


@parity
async def test_a_tool_message_object_needs_its_call_id(silent: MockServer, sync: bool) -> None:
    with pytest.raises(ValueError, match="tool_call_id"):
        await ask(make_model(silent, "openai"), sync, [ToolMessage("42", tool_call_id="")])


@each_way
@pytest.mark.parametrize(
    "schema",
    [
        {"type": "object", "properties": {"a": {"default": NotJSON()}}},
        {"type": "object", "properties": {"a": {"maximum": math.inf}}},
    ],
    ids=["object", "infinity"],
)
async def test_a_tool_schema_that_is_not_json_is_refused(
    silent: MockServer, provider: str, sync: bool, schema: dict[str, Any]
) -> None:
    tools = [{"name": "lookup", "description": "d", "parameters": schema}]
    with pytest.raises(TypeError, match="non-serialisable tool schema"):
        await ask(make_model(silent, provider).bind_tools(tools), sync, "use it")


@parity
async def test_anthropic_refuses_a_temperature_above_one(silent: MockServer, sync: bool) -> None:
    model = make_model(silent, "anthropic")
    with pytest.raises(ValueError, match="between 0 and 1"):
        await ask(model, sync, "hi", temperature=1.5)


#: Sampling values out of OpenAI's ranges, on a wire whose API takes them (its spec's
#: `setting_ranges`): sent as given, where OpenAI's are refused.
TAKEN: dict[str, tuple[str, dict[str, Any]]] = {
    "ollama-hot": ("ollama:llama3.2", {"temperature": 3, "top_p": 2}),
    "ollama-below-zero": ("ollama:llama3.2", {"temperature": -0.5}),
    "ollama-no-limit": ("ollama:llama3.2", {"max_tokens": -1}),  # (its `num_predict`)
    "cohere-hot": ("cohere:command-a-03-2025", {"temperature": 3}),
    "watsonx-own-limit": ("ibm:ibm/granite-3-8b-instruct", {"max_tokens": 0}),
}
#: Where a wire sends a setting under another name.
SENT_AS = {"max_tokens": "num_predict"}


@parity
@pytest.mark.parametrize("case", list(TAKEN.values()), ids=list(TAKEN))
@pytest.mark.parametrize("given", ["built", "call"])
async def test_a_sampling_value_the_providers_api_takes_is_sent(
    mock: MockServer,
    monkeypatch: pytest.MonkeyPatch,
    sync: bool,
    given: str,
    case: tuple[str, dict[str, Any]],
) -> None:
    name, values = case
    seen: list[Any] = []
    monkeypatch.setattr(mock.settings, "fault_plan", seen.append)
    built = values if given == "built" else {}
    where = {"token": API_KEY, "project_id": "p"} if name.startswith("ibm:") else {}
    model = init_chat_model(name, base_url=mock.url, **(where or {"api_key": API_KEY}), **built)
    await ask(model.bind(**values) if given == "call" else model, sync, "hi")
    body = seen[-1].json
    if "options" in body:  # (Ollama's sampling values are its options)
        body = body["options"]
        values = {SENT_AS.get(key, key): value for key, value in values.items()}
    assert {key: body.get(key) for key in values} == values


def test_a_sampling_value_out_of_the_providers_range_is_refused(silent: MockServer) -> None:
    with pytest.raises(ValueError, match=r"temperature must be a number >= 0, got -1"):
        init_chat_model("cohere:command-a-03-2025", base_url=silent.url, temperature=-1)
    with pytest.raises(ValueError, match=r"max_tokens must be an int >= -2, got -3"):
        init_chat_model("ollama:llama3.2", base_url=silent.url).bind(max_tokens=-3)
    with pytest.raises(ValueError, match=r"temperature must be a number, got 'hot'"):
        init_chat_model("ollama:llama3.2", base_url=silent.url, temperature="hot")
    # Anthropic's API takes a temperature of 0 to 1: refused when built, in both families.
    with pytest.raises(ValueError, match=r"temperature must be a number between 0 and 1, got"):
        init_chat_model("anthropic:claude-sonnet-4-5", base_url=silent.url, temperature=1.5)
    from chatplex.langchain import ChatAnthropic

    with pytest.raises(ValueError, match=r"temperature must be a number between 0 and 1, got"):
        ChatAnthropic(model="claude-sonnet-4-5", api_key=API_KEY, temperature=1.5)
    with pytest.raises(ValueError, match=r"temperature must be a number between 0 and 2, got 3"):
        make_model(silent, "openai").bind(temperature=3)


def test_bad_settings_fail_when_the_model_is_built(silent: MockServer) -> None:
    with pytest.raises(ValueError, match="unknown provider 'nope'"):
        init_chat_model("nope:some-model")
    with pytest.raises(ValueError, match="provider:model"):
        init_chat_model("some-unknown-model")
    with pytest.raises(ValueError, match="temperature"):
        make_model(silent, "openai", temperature=9)
    with pytest.raises(ValueError, match="unknown rate_limit setting"):
        make_model(silent, "openai", rate_limit={"per_second": 5})
    with pytest.raises(ValueError, match="max_tokens"):
        make_model(silent, "anthropic").bind(max_tokens=0)
