"""The mock server's Ollama wire: the request view, the JSON and NDJSON renderings
(read back by chatplex's Ollama adapter and by the official SDK's types), the errors;
and, once the wire is registered (`_mock_routes.WIRES`), calls end to end over HTTP."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chatplex.messages import merge_chunks
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.ndjson import iter_ndjson_lines
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_replies import tool_call
from chatplex.testing._mock_wire_ollama import NDJSON
from chatplex.testing._mock_wire_ollama import WIRE
from chatplex.testing._mock_wire_ollama import ollama_view
from tests._weather import WEATHER
from tests.providers.ollama.test_response import ids_drawn


def plan(body: dict[str, Any]) -> tuple[dict[str, Any], Reply]:
    view = WIRE.request_view("/api/chat", body)
    return view, plan_reply("openai", view, text=None, chunks=None, tool_name=None)


def parse_events(reply: Reply, view: dict[str, Any]) -> Any:
    frames = WIRE.render_events(reply, "rid1", view)
    parser = OllamaAdapter().stream_parser({})
    chunks = [c for c in map(parser.feed, iter_ndjson_lines(f for f, _ in frames)) if c]
    parser.finish()
    return frames, merge_chunks(chunks).to_message()


def test_the_wire_answers_api_chat_with_ndjson_streams() -> None:
    assert WIRE.name == "ollama" and WIRE.match("/api/chat")
    assert not WIRE.match("/v1/chat/completions") and not WIRE.match("/api/generate")
    assert WIRE.stream_content_type == NDJSON == "application/x-ndjson"


def test_the_view_reads_an_ollama_body() -> None:
    body = {
        "model": "llama3.2",
        "messages": [
            {"role": "user", "content": "weather tool please"},
            {
                "role": "assistant",
                "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "P"}}}],
            },
            {"role": "tool", "content": "18C", "tool_name": "get_weather"},
        ],
        "tools": [WEATHER],
        "format": {"type": "object"},
        "stream": False,
    }
    view = ollama_view("/api/chat", body)
    assert view["stream"] is False and view["model"] == "llama3.2"
    assert view["tools"] == [WEATHER]
    assert view["response_format"] == {
        "type": "json_schema",
        "json_schema": {"schema": body["format"]},
    }
    call = view["messages"][1]["tool_calls"][0]
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "P"}'}
    assert view["messages"][2] == {"role": "tool", "content": "18C", "tool_call_id": "get_weather"}
    assert ollama_view("/api/chat", {"model": "m", "messages": [], "format": "json"})[
        "response_format"
    ] == {"type": "json_object"}


def test_stream_defaults_to_true_as_on_ollama() -> None:
    assert ollama_view("/api/chat", {"model": "m", "messages": []})["stream"] is True
    assert ollama_view("/api/chat", {"model": "m", "messages": [], "stream": True})["stream"]


@pytest.mark.parametrize(
    "body",
    [{"messages": []}, {"model": "m"}, {"model": "m", "messages": [3]}],
    ids=["no model", "no messages", "bad message"],
)
def test_a_body_the_wire_cannot_read_is_a_usage_error(body: dict[str, Any]) -> None:
    with pytest.raises(MockUsageError):
        ollama_view("/api/chat", body)


def test_a_text_reply_reads_the_same_stream_and_non_stream() -> None:
    view, reply = plan({"model": "llama3.2", "messages": [{"role": "user", "content": "hi you"}]})
    whole = OllamaAdapter().parse_response(WIRE.render_json(reply, "rid1"), {})
    assert whole.text == "Echo: hi you"
    assert whole.usage_metadata is not None
    assert whole.usage_metadata["input_tokens"] == reply.input_tokens
    assert whole.usage_metadata["output_tokens"] == reply.output_tokens
    frames, merged = parse_events(reply, view)
    assert [flag for _, flag in frames] == [True] * len(reply.pieces) + [False]
    assert all(frame.endswith(b"\n") and frame.count(b"\n") == 1 for frame, _ in frames)
    assert merged == whole


def test_a_tool_call_reads_the_same_stream_and_non_stream() -> None:
    view, reply = plan(
        {
            "model": "llama3.2",
            "messages": [{"role": "user", "content": "use the tool"}],
            "tools": [WEATHER],
        }
    )
    whole = OllamaAdapter().parse_response(WIRE.render_json(reply, "rid1"), {})
    assert [(c["name"], c["args"]) for c in whole.tool_calls] == [("get_weather", {"city": "x"})]
    assert whole.response_metadata["finish_reason"] == "tool_calls"
    _, merged = parse_events(reply, view)
    assert ids_drawn(merged) == ids_drawn(whole)  # (each reply draws its calls' ids)


def test_a_schema_request_gets_json_that_fits() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    view, reply = plan(
        {"model": "m", "messages": [{"role": "user", "content": "a number"}], "format": schema}
    )
    whole = OllamaAdapter().parse_response(WIRE.render_json(reply, "rid1"), {})
    assert json.loads(whole.text) == {"n": 1}


def test_the_renderings_are_what_the_ollama_sdk_reads() -> None:
    types = pytest.importorskip("ollama._types")
    view, reply = plan(
        {
            "model": "m",
            "messages": [{"role": "user", "content": "tool time"}],
            "tools": [WEATHER],
        }
    )
    whole = types.ChatResponse.model_validate_json(WIRE.render_json(reply, "r"))
    assert whole.message.tool_calls[0].function.name == "get_weather"
    assert whole.prompt_eval_count == reply.input_tokens and whole.done
    lines = [
        types.ChatResponse.model_validate_json(f) for f, _ in WIRE.render_events(reply, "r", view)
    ]
    assert lines[-1].done and lines[-1].eval_count == reply.output_tokens
    assert not any(part.done for part in lines[:-1])


def test_errors_are_ollamas_shape() -> None:
    body = WIRE.error_body(404, "not_found_error", "model 'x' not found", None, "rid")
    assert json.loads(body) == {"error": "model 'x' not found"}
    err = OllamaAdapter().map_error(404, body, {})
    assert err.status == 404 and "model 'x' not found" in str(err)
    line = WIRE.stream_error("server_error", "boom", None)
    assert line.endswith(b"\n") and json.loads(line) == {"error": "boom"}
    with pytest.raises(Exception, match="boom"):
        OllamaAdapter().stream_parser({}).feed(line.decode())


# ---- end to end over the mock server (needs the wire registered) ----------------------


class TestOverTheMockServer:
    """Calls through `init_chat_model("ollama:...")` and `chatplex run` over HTTP."""

    def model(self, server: Any, **kw: Any) -> Any:
        from chatplex import init_chat_model

        return init_chat_model("ollama:llama3.2", base_url=server.url, max_retries=0, **kw)

    def test_invoke_stream_and_usage(self) -> None:
        from chatplex.testing import MockServer

        with MockServer() as server:
            model = self.model(server)
            whole = model.invoke("hello there")
            assert whole.text == "Echo: hello there"
            assert whole.usage_metadata and whole.usage_metadata["output_tokens"] > 0
            chunks = list(model.stream("hello there"))
            assert "".join(c.text for c in chunks) == "Echo: hello there"
            assert merge_chunks(chunks).usage_metadata == whole.usage_metadata

    async def test_async_invoke_and_stream(self) -> None:
        from chatplex.testing import MockServer

        with MockServer() as server:
            model = self.model(server)
            assert (await model.ainvoke("hi")).text == "Echo: hi"
            assert "".join([c.text async for c in model.astream("hi")]) == "Echo: hi"

    def test_tool_call_and_structured_output(self) -> None:
        from chatplex.adapters.request_types import ToolSpec
        from chatplex.testing import MockServer

        tool = ToolSpec(
            "get_weather",
            "Weather",
            {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        )
        schema = {
            "title": "N",
            "type": "object",
            "properties": {"n": {"type": "integer"}},
            "required": ["n"],
        }
        with MockServer() as server:
            model = self.model(server)
            reply = model.bind_tools([tool]).invoke("call the tool")
            assert [(c["name"], c["args"]) for c in reply.tool_calls] == [
                ("get_weather", {"city": "x"})
            ]
            assert model.with_structured_output(schema).invoke("a number") == {"n": 1}

    def test_a_fault_is_a_typed_error(self) -> None:
        from chatplex.errors import NotFoundError
        from chatplex.testing import MockServer

        with MockServer() as server:
            fault = "status=404;message=model 'llama3.2' not found"
            model = self.model(server, extra_headers={"x-mock-fault": fault})
            with pytest.raises(NotFoundError) as caught:
                model.invoke("hi")
            # Ollama's shape: the error is a bare string, not OpenAI's object.
            assert caught.value.body == {"error": "model 'llama3.2' not found"}

    def test_chatplex_run_end_to_end(self, tmp_path: Path) -> None:
        from chatplex.testing import MockServer

        source = tmp_path / "in.jsonl"
        source.write_text(
            "".join(json.dumps({"id": f"r{i}", "text": f"row {i}"}) + "\n" for i in range(3))
        )
        out = tmp_path / "out.jsonl"
        with MockServer() as server:
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "chatplex",
                    "run",
                    str(source),
                    "-m",
                    "ollama:llama3.2",
                    "-o",
                    str(out),
                    "--prompt",
                    "{text}",
                    "--base-url",
                    server.url,
                ],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=120,
            )
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert sorted(r["id"] for r in rows) == ["r0", "r1", "r2"]
        assert all("Echo: row" in json.dumps(r) for r in rows)


def test_a_reply_cut_at_the_limit_is_done_for_length() -> None:
    # MockSettings.stop_at_limit: Ollama's done_reason "length", both ways.
    view, reply = plan({"model": "m", "messages": [{"role": "user", "content": "hi"}]})
    cut = dataclasses.replace(reply, cut=True)
    assert json.loads(WIRE.render_json(cut, "r1"))["done_reason"] == "length"
    events = b"".join(e for e, _ in WIRE.render_events(cut, "r1", view))
    assert b'"done_reason":"length"' in events and b'"done_reason":"stop"' not in events


def test_parallel_calls_go_whole_in_one_message() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "a tool"}], "tools": [WEATHER]}
    view, reply = plan(body)
    assert reply.tool is not None
    second = tool_call("openai", "get_time", {"zone": "UTC"}, None)
    reply = dataclasses.replace(reply, more_tools=(second,))
    whole = OllamaAdapter().parse_response(WIRE.render_json(reply, "rid1"), {})
    _, streamed = parse_events(reply, view)
    for message in (whole, streamed):
        assert [(c["name"], c["args"]) for c in message.tool_calls] == [
            (reply.tool.name, reply.tool.input),
            ("get_time", {"zone": "UTC"}),
        ]
