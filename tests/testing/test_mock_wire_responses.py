"""The Responses API wire of the mock server (`testing/_mock_wire_responses.py`): the
request view, the rendered shapes, and the official `openai` SDK as the client of a
MockServer (sync, async, streams, function tools, `text.format`, scripts, faults)."""

from __future__ import annotations

import doctest
import json
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from pydantic import BaseModel

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from chatplex.testing import _mock_wire_responses
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_routes import wire_for
from chatplex.testing._mock_wire_responses import WIRE
from chatplex.testing._mock_wire_responses import request_view
from tests.adapters._corpus import case_file

WEATHER: Any = {
    "type": "function",
    "name": "weather",
    "description": "The weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
    "strict": True,
}


class City(BaseModel):
    name: str
    population: int


# ---------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    "path", ["/v1/responses", "/responses", "/openai/v1/responses", "/api/v1/responses"]
)
def test_responses_paths(path: str) -> None:
    wire = wire_for(path)
    assert wire is not None and wire.name == "responses"


@pytest.mark.parametrize(
    "path",
    [
        "/openai/deployments/d/responses",
        "/azure/openai/v1/responses",
        "/azure/openai/responses",  # AzureOpenAI(azure_endpoint=server.azure_endpoint)
    ],
)
def test_azure_responses_paths(path: str) -> None:
    wire = wire_for(path)
    assert wire is not None and wire.name == "azure_responses"
    assert wire.check_auth({}) is not None and wire.check_auth({"api-key": "k"}) is None


def test_the_view_of_items_tools_and_formats() -> None:
    body = {
        "model": "m",
        "instructions": "be brief",
        "input": [
            {"role": "developer", "content": "dev"},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "a"}]},
            {"type": "function_call", "call_id": "c1", "name": "weather", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
            {"type": "reasoning", "id": "rs_1", "summary": []},
        ],
        "tools": [WEATHER, {"type": "web_search"}],
        "tool_choice": {"type": "function", "name": "weather"},
        "text": {"format": {"type": "json_schema", "name": "city", "schema": {"type": "object"}}},
        "stream": True,
    }
    view = request_view("/v1/responses", body)
    assert [m["role"] for m in view["messages"]] == [
        "system",
        "system",
        "user",
        "assistant",
        "tool",
    ]
    assert view["messages"][2]["content"] == "a"
    assert view["messages"][3]["tool_calls"][0]["function"]["name"] == "weather"
    assert view["messages"][4] == {"role": "tool", "tool_call_id": "c1", "content": "sunny"}
    assert view["tools"] == [
        {"type": "function", "function": {"name": "weather", "parameters": WEATHER["parameters"]}}
    ]
    assert view["tool_choice"] == {"type": "function", "function": {"name": "weather"}}
    assert view["response_format"]["json_schema"] == {"name": "city", "schema": {"type": "object"}}
    assert view["stream"] is True
    with pytest.raises(MockUsageError, match="'input'"):
        request_view("/v1/responses", {"model": "m"})
    with pytest.raises(MockUsageError, match="string or a list"):
        request_view("/v1/responses", {"input": 3})


def test_stream_events_are_numbered_and_flag_the_deltas() -> None:
    view = request_view("/v1/responses", {"model": "m", "input": "one two"})
    reply = plan_reply("openai", view, text=None, chunks=None, tool_name=None)
    events = WIRE.render_events(reply, "r", view)
    datas = [json.loads(e.split(b"data: ", 1)[1]) for e, _ in events]
    assert [d["sequence_number"] for d in datas] == list(range(len(datas)))
    assert datas[0]["type"] == "response.created" and datas[-1]["type"] == "response.completed"
    deltas = [d["delta"] for (_, is_delta), d in zip(events, datas, strict=True) if is_delta]
    assert "".join(deltas) == "Echo: one two"
    usage = datas[-1]["response"]["usage"]
    assert usage["input_tokens_details"] == {"cached_tokens": 0}
    assert usage["output_tokens_details"] == {"reasoning_tokens": 0}


def test_a_finished_stream_echoes_the_requests_text_format() -> None:
    # As the API does: langchain-openai reads a streamed structured reply's object from
    # the finished response's `text.format` (a JSON schema), else leaves it unparsed.
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    fmt = {"type": "json_schema", "name": "A", "schema": schema, "strict": True}
    body = {"model": "m", "input": "x", "text": {"format": fmt}}
    for asked, echoed in (
        (body, {"type": "json_schema", "name": "A", "schema": schema}),
        ({"model": "m", "input": "x"}, {"type": "text"}),
    ):
        view = request_view("/v1/responses", asked)
        reply = plan_reply("openai", view, text=None, chunks=None, tool_name=None)
        events = WIRE.render_events(reply, "r", view)
        final = json.loads(events[-1][0].split(b"data: ", 1)[1])["response"]
        assert final["text"]["format"] == echoed


def test_a_finished_response_echoes_the_requests_text_format(client: openai.OpenAI) -> None:
    # Not streamed too (langchain-openai's invoke reads a dict schema's JSON by it).
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    fmt = {"type": "json_schema", "name": "A", "schema": schema, "strict": True}
    reply = client.responses.create(model="m", input="x", text={"format": fmt})
    assert reply.text is not None and reply.text.format is not None
    assert reply.text.format.type == "json_schema"
    assert reply.text.format.name == "A"
    plain = client.responses.create(model="m", input="x")
    assert plain.text is not None and plain.text.format.type == "text"


def test_the_shapes_follow_the_recordings() -> None:
    text_file = case_file("openai_responses_nonstream_text.json")
    stream_file = case_file("openai_responses_stream_function_call.sse")
    assert text_file and stream_file, "tests/wire-corpus holds the Responses API recordings"
    recorded = json.loads(text_file.read_bytes())
    view = request_view("/v1/responses", {"model": "m", "input": "x"})
    reply = plan_reply("openai", view, text=None, chunks=None, tool_name=None)
    mine = json.loads(WIRE.render_json(reply, "r"))
    assert set(mine) == set(recorded)
    assert set(mine["output"][0]) == set(recorded["output"][0])
    assert set(mine["output"][0]["content"][0]) == set(recorded["output"][0]["content"][0])
    assert mine["usage"].keys() == recorded["usage"].keys()
    # The stream of a function call: the same event types in the same order.
    sse = stream_file.read_bytes()
    kinds = [line[7:] for line in sse.decode().splitlines() if line.startswith("event: ")]
    tool_view = request_view("/v1/responses", {"input": "use a tool", "tools": [WEATHER]})
    tool_reply = plan_reply("openai", tool_view, text=None, chunks=1, tool_name=None)
    events = WIRE.render_events(tool_reply, "r", tool_view)
    mine_kinds = [e.split(b"\n", 1)[0][7:].decode() for e, _ in events]
    assert list(dict.fromkeys(mine_kinds)) == list(dict.fromkeys(kinds))


def test_errors_and_stream_errors() -> None:
    body = json.loads(WIRE.error_body(400, "invalid_request_error", "bad", None, "req"))
    assert body["error"]["type"] == "invalid_request_error" and body["error"]["message"] == "bad"
    frame = WIRE.stream_error("server_error", "boom", None)
    assert frame.startswith(b"event: error\n") and b'"code":"server_error"' in frame


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_mock_wire_responses)
    assert failures == 0 and tried > 0


# ---------------------------------------------------------------- the SDK as the client


@pytest.fixture(scope="module")
def client(server: MockServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.openai_base_url, api_key="x", max_retries=0) as sdk:
        yield sdk


def test_sdk_text(client: openai.OpenAI) -> None:
    reply = client.responses.create(model="gpt-4o", input="hello there")
    assert reply.output_text == "Echo: hello there" and reply.status == "completed"
    assert reply.usage is not None and reply.usage.output_tokens == 3
    assert reply.usage.input_tokens_details.cached_tokens == 0
    assert reply.usage.output_tokens_details.reasoning_tokens == 0


def test_sdk_stream(client: openai.OpenAI) -> None:
    stream = client.responses.create(model="gpt-4o", input="hello there", stream=True)
    events = list(stream)
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Echo: hello there"
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == text


def test_sdk_function_call_and_its_streamed_arguments(client: openai.OpenAI) -> None:
    reply = client.responses.create(model="m", input="use the tool", tools=[WEATHER])
    call = reply.output[0]
    assert call.type == "function_call" and call.name == "weather"
    assert json.loads(call.arguments) == {"city": "x"}
    with client.responses.stream(model="m", input="use the tool", tools=[WEATHER]) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert "response.function_call_arguments.delta" in kinds
    assert final.output[0].type == "function_call"
    assert final.output[0].parsed_arguments == {"city": "x"}


def test_sdk_a_tool_result_is_answered_in_text(client: openai.OpenAI) -> None:
    items: Any = [
        {"role": "user", "content": "use the tool"},
        {"type": "function_call", "call_id": "c1", "name": "weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": "sunny"},
    ]
    reply = client.responses.create(model="m", input=items, tools=[WEATHER])
    assert reply.output_text == "Echo: use the tool"


def test_sdk_structured_output(client: openai.OpenAI) -> None:
    parsed = client.responses.parse(model="m", input="a city", text_format=City)
    assert parsed.output_parsed == City(name="x", population=1)


async def test_async_sdk(server: MockServer) -> None:
    base = server.openai_base_url
    async with openai.AsyncOpenAI(base_url=base, api_key="x", max_retries=0) as client:
        reply = await client.responses.create(model="m", input="async hi")
        assert reply.output_text == "Echo: async hi"
        stream = await client.responses.create(model="m", input="async hi", stream=True)
        kinds = [event.type async for event in stream]
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"


def test_sdk_mid_stream_error_and_error_status(client: openai.OpenAI) -> None:
    fault = {"x-mock-fault": "stream_error_event;after=1"}
    events = list(
        client.responses.create(model="m", input="a b c", stream=True, extra_headers=fault)
    )
    assert [e.type for e in events[-2:]] == ["error", "response.failed"]
    failed = events[-1].response  # type: ignore[union-attr]
    assert failed.status == "failed" and failed.error is not None
    assert failed.error.code == "server_error" and failed.id.startswith("resp_")
    assert sum(e.type == "response.output_text.delta" for e in events) == 1
    with pytest.raises(openai.RateLimitError):
        client.responses.create(model="m", input="x", extra_headers={"x-mock-fault": "status=429"})


def test_sdk_azure_responses(server: MockServer) -> None:
    with openai.OpenAI(base_url=server.azure_endpoint + "/openai/v1/", api_key="k") as azure:
        assert azure.responses.create(model="m", input="hi").output_text == "Echo: hi"
    with openai.AzureOpenAI(
        azure_endpoint=server.azure_endpoint,
        azure_deployment="d",
        api_version="2025-03-01-preview",
        api_key="k",
    ) as versioned:  # the SDK's `{endpoint}/openai/responses?api-version=...`
        assert versioned.responses.create(model="d", input="hi").output_text == "Echo: hi"


def test_script_rules_answer_responses_requests() -> None:
    script = MockScript(
        rules=[
            ScriptRule(user_text=r"weather in (\w+)", call="weather", args={"city": r"\1"}),
            ScriptRule(user_text=r"\bhello\b", reply="Hi from the script"),
        ]
    )
    with (
        MockServer(script=script) as srv,
        openai.OpenAI(base_url=srv.openai_base_url, api_key="x") as client,
    ):
        assert client.responses.create(model="m", input="hello").output_text == "Hi from the script"
        reply = client.responses.create(model="m", input="weather in Paris?", tools=[WEATHER])
        assert reply.output[0].type == "function_call"
        assert json.loads(reply.output[0].arguments) == {"city": "Paris"}
