"""`ChatOpenAI(use_responses_api=True)` and `init_chat_model("openai:...",
use_responses_api=True)` end to end over the embedded mock server's `/v1/responses`:
invoke, stream (merged, exactly the non-stream reply), a function tool and its result
turn, structured output by both methods, usage with its cached and reasoning details,
and typed errors, sync and async (`chatplex.testing.MockServer` on 127.0.0.1)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import ToolMessage
from chatplex import init_chat_model
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_merged
from tests._dropins import engine
from tests._recorded import SENT
from tests._recorded import clear_sent  # noqa: F401 (autouse: SENT emptied)
from tests._recorded import recording_server  # noqa: F401 (the fixture "server")
from tests._replies import renumbered
from tests._weather import City
from tests._weather import get_weather
from tests.core._twins import texts_until

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

KEY = "sk-responses-mock-0123456789"


def chat(server: MockServer, how: str = "class", **settings: Any) -> Any:
    settings = {"base_url": server.openai_base_url, "api_key": KEY, **settings}
    if how == "class":
        return ChatOpenAI(model="gpt-4.1", use_responses_api=True, **settings)
    return init_chat_model("openai:gpt-4.1", use_responses_api=True, **settings)


def comparable(message: AIMessage) -> dict[str, Any]:
    """The message as data, with what differs between two requests made the same: the
    mock numbers its replies (ids), the second of `created_at`."""
    assert isinstance(message.id, str) and message.id.startswith("resp_")
    number = message.id.removeprefix("resp_")
    data = message.model_dump()
    data["response_metadata"] = {
        k: v for k, v in data["response_metadata"].items() if k != "created_at"
    }
    return renumbered(data, number)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("how", ["class", "init_chat_model"])
async def test_invoke_with_usage_details(server: MockServer, sync: bool, how: str) -> None:
    model = chat(server, how)
    assert model.provider == "openai_responses"
    reply = await ask(model, sync, "hello responses")
    assert reply.text == "Echo: hello responses"
    assert reply.usage_metadata == {
        "input_tokens": 5,  # the mock counts words: its prompt and the reply
        "output_tokens": 3,
        "total_tokens": 8,
        "input_token_details": {"cache_read": 0},
        "output_token_details": {"reasoning": 0},
    }
    assert "token_usage" not in reply.response_metadata  # as langchain-openai's: usage_metadata
    assert reply.response_metadata["finish_reason"] == "stop"
    assert reply.response_metadata["request_id"] == "req_" + reply.id.removeprefix("resp_")
    path, body = SENT[-1]
    assert path == "/v1/responses" and body["model"] == "gpt-4.1"
    assert body["input"] == [{"type": "message", "role": "user", "content": "hello responses"}]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("tools", [False, True], ids=["text", "tool_call"])
async def test_stream_merges_into_exactly_the_non_stream_reply(
    server: MockServer, sync: bool, tools: bool
) -> None:
    model = chat(server)
    if tools:
        model = model.bind_tools([get_weather])
    prompt = "use the tool for Paris" if tools else "one two three four"
    whole = await ask(model, sync, prompt)
    merged = await ask_merged(model, sync, prompt)
    assert SENT[-1][1]["stream"] is True
    assert comparable(merged) == as_streamed(comparable(whole))
    assert bool(whole.tool_calls) is tools


def as_streamed(data: dict[str, Any]) -> dict[str, Any]:
    """A reply's data as langchain-openai's merged Responses stream has it: its text
    blocks without an empty `annotations` list, its function calls without `status`
    (the stream's events carry neither)."""
    blocks = [
        {
            k: v
            for k, v in block.items()
            if not (k == "annotations" and v == []) and not (k == "status" and "call_id" in block)
        }
        for block in data["content"]
    ]
    return {**data, "content": blocks}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_function_tool_and_its_result_turn(server: MockServer, sync: bool) -> None:
    model = chat(server).bind_tools([get_weather])
    question = "use the tool to get the weather"
    first = await ask(model, sync, question)
    [call] = first.tool_calls
    assert (call["name"], call["args"]) == ("get_weather", {"city": "x"})
    assert call["id"] == "call_" + first.id.removeprefix("resp_")
    tool_spec = SENT[-1][1]["tools"][0]
    assert (tool_spec["type"], tool_spec["name"]) == ("function", "get_weather")
    answer = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"])
    final = await ask(model, sync, [("human", question), first, answer])
    assert final.text == f"Echo: {question}" and not final.tool_calls
    sent = SENT[-1][1]["input"]
    calls = [i for i in sent if i.get("type") == "function_call"]
    outputs = [i for i in sent if i.get("type") == "function_call_output"]
    assert [(c["call_id"], c["name"]) for c in calls] == [(call["id"], "get_weather")]
    assert outputs == [
        {"type": "function_call_output", "call_id": call["id"], "output": "sunny in x"}
    ]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("method", ["json_schema", "function_calling"])
async def test_structured_output_by_both_methods(
    server: MockServer, sync: bool, method: str
) -> None:
    structured = chat(server).with_structured_output(City, method=method)
    city = await ask(structured, sync, "a city please")
    assert city == City(name="x", population=1)  # the mock's example values
    body = SENT[-1][1]
    if method == "json_schema":
        fmt = body["text"]["format"]
        assert (fmt["type"], fmt["name"], fmt["strict"]) == ("json_schema", "City", True)
        assert "tools" not in body
    else:
        assert body["tool_choice"] == {"type": "function", "name": "City"}
        assert [t["name"] for t in body["tools"]] == ["City"]
    if sync:
        parts = list(structured.stream("a city please"))
    else:
        parts = [p async for p in structured.astream("a city please")]
    assert parts[-1] == City(name="x", population=1)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
async def test_429_is_a_rate_limit_error(server: MockServer, sync: bool, stream: bool) -> None:
    model = chat(server, max_retries=0, default_headers={"x-mock-fault": "status=429"})
    with pytest.raises(RateLimitError) as info:
        if stream:
            await ask_merged(model, sync, "x")
        else:
            await ask(model, sync, "x")
    error = info.value
    assert error.status == 429 and error.provider == "openai_responses"
    assert error.request_id and error.request_id.startswith("req_")
    assert KEY not in str(error) + repr(error)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_error_event_mid_stream_is_a_stream_error(server: MockServer, sync: bool) -> None:
    model = chat(server, default_headers={"x-mock-fault": "stream_error_event;after=2"})
    received, err = await texts_until(model, sync, "one two three four five", StreamError)
    assert "".join(received).startswith("Echo:")
    assert err.partial is not None and err.partial.text == "".join(received)
    assert KEY not in str(err)
