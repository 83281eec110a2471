"""The mock server's Gemini wire: its pure functions, and (once the core registers
`WIRE`) the whole path over MockServer."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.sse_event import SSEEvent
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import ToolCall
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_gemini import WIRE
from chatplex.testing._mock_wire_gemini import check_auth
from chatplex.testing._mock_wire_gemini import count_reply
from chatplex.testing._mock_wire_gemini import gemini_array
from chatplex.testing._mock_wire_gemini import gemini_error
from chatplex.testing._mock_wire_gemini import gemini_events
from chatplex.testing._mock_wire_gemini import gemini_json
from chatplex.testing._mock_wire_gemini import request_view

ADAPTER = GeminiAdapter(api_key="k", base_url="http://127.0.0.1:1")
WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def text_reply(text: str = "Echo: hi there", candidates: int = 1) -> Reply:
    pieces = tuple(text.split(" "))
    pieces = tuple(p if i == 0 else " " + p for i, p in enumerate(pieces))
    return Reply("gemini-2.5-flash", text, pieces, None, 7, len(pieces), candidates)


def tool_reply() -> Reply:
    call = ToolCall("get_weather", {"city": "x"}, '{"city":"x"}', ('{"city":"x"}',))
    return Reply("gemini-2.5-flash", "", (), call, 9, 4)


def stream_message(reply: Reply) -> AIMessage:
    parser = ADAPTER.stream_parser({})
    chunks = []
    for frame, _ in gemini_events(reply, "rid-1", {}):
        assert frame.startswith(b"data: ") and frame.endswith(b"\r\n\r\n")
        chunks.append(parser.feed(SSEEvent(data=frame[6:].decode().strip())))
    parser.finish()
    return merge_chunks([c for c in chunks if c is not None]).to_message()


@pytest.mark.parametrize(
    "path",
    [
        "/v1beta/models/gemini-2.5-flash:generateContent",
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent",
        "/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:generateContent",
        "/v1/publishers/google/models/gemini-2.5-flash:streamGenerateContent",
    ],
)
def test_the_wire_matches_gemini_and_vertex_paths(path: str) -> None:
    assert WIRE.match(path)
    view = request_view(path, {"contents": []})
    assert view["stream"] is path.endswith("streamGenerateContent")
    assert view["model"] in ("gemini-2.5-flash", "gemini-2.5-pro")


def test_other_paths_are_not_gemini() -> None:
    assert not WIRE.match("/v1/chat/completions")
    assert not WIRE.match("/v1beta/models/m:embedContent")


def test_count_tokens_counts_the_words_of_every_text_part() -> None:
    body = {
        "contents": [
            {"role": "user", "parts": [{"text": "Say hello"}, {"text": "to Ann"}]},
            {"role": "model", "parts": [{"text": "Hello,"}, {"functionCall": {"name": "f"}}]},
        ]
    }
    counted = count_reply("/v1beta/models/m:countTokens", body)
    assert counted is not None and json.loads(counted)["totalTokens"] == 5
    vertex = "/v1beta1/projects/p/locations/l/publishers/google/models/m:countTokens"
    assert json.loads(count_reply(vertex, {"contents": []}) or b"")["totalTokens"] == 0
    assert count_reply("/v1beta/models/m:generateContent", body) is None  # a chat
    assert WIRE.side_reply is count_reply
    with pytest.raises(MockUsageError, match="contents"):
        count_reply("/v1beta/models/m:countTokens", {"contents": "x"})


def test_the_adapters_request_reads_as_the_planners_view() -> None:
    messages = [
        SystemMessage("Be brief."),
        HumanMessage("Weather in Paris?"),
        AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "a"}]),
        ToolMessage("sunny", tool_call_id="a"),
    ]
    settings = CallSettings(
        model="gemini-2.5-flash",
        tools=(WEATHER,),
        tool_choice="get_weather",
        extra_body={"response_json_schema": {"type": "object"}, "candidate_count": 2},
    )
    request = ADAPTER.build_request(messages, settings, stream=False)
    path = request.url.removeprefix("http://127.0.0.1:1")
    view = request_view(path, dict(request.json))
    assert [m["role"] for m in view["messages"]] == ["system", "user", "assistant", "tool"]
    assert view["messages"][2]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert view["tools"][0]["function"]["parameters"] == WEATHER.parameters
    assert view["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert view["response_format"]["json_schema"]["schema"] == {"type": "object"}
    assert view["n"] == 2
    # After a tool result the planner answers (here: JSON for the schema asked for)...
    reply = plan_reply("openai", view, text=None, chunks=None, tool_name=None)
    assert reply.tool is None and json.loads(reply.text) == {} and reply.candidates == 2
    # ...and before it, the forced tool choice is obeyed.
    first = request_view(path, {**request.json, "contents": request.json["contents"][:1]})
    forced = plan_reply("openai", first, text=None, chunks=None, tool_name=None)
    assert forced.tool is not None and forced.tool.name == "get_weather"


def test_numbered_enums_are_read_as_their_names() -> None:
    """The aiplatform REST client writes proto3 enums as numbers: a forced mode (2: ANY)
    and a schema's types (6: object, 3: integer) read as named ones."""
    parameters = {"type": 6, "properties": {"n": {"type": 3}}, "required": ["n"]}
    body = {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "tools": [{"functionDeclarations": [{"name": "f", "parameters": parameters}]}],
        "toolConfig": {"functionCallingConfig": {"mode": 2, "allowedFunctionNames": ["f"]}},
        "generationConfig": {"responseSchema": {"type": 6, "properties": {"s": {"type": 1}}}},
    }
    view = request_view(
        "/v1/projects/p/locations/l/publishers/google/models/m:generateContent", body
    )
    assert view["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    named = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    assert view["tools"][0]["function"]["parameters"] == named
    schema = view["response_format"]["json_schema"]["schema"]
    assert schema == {"type": "object", "properties": {"s": {"type": "string"}}}
    auto = {**body, "toolConfig": {"functionCallingConfig": {"mode": 1}}}
    assert request_view("/v1beta/models/m:generateContent", auto)["tool_choice"] == "auto"


def test_a_body_without_contents_is_a_usage_error() -> None:
    with pytest.raises(MockUsageError, match="contents"):
        request_view("/v1beta/models/m:generateContent", {"messages": []})


@pytest.mark.parametrize("reply", [text_reply(), tool_reply()], ids=["text", "tool"])
def test_json_and_stream_renderings_parse_to_the_same_message(reply: Reply) -> None:
    whole = ADAPTER.parse_response(gemini_json(reply, "rid-1"), {})
    assert stream_message(reply) == whole
    assert whole.usage_metadata["input_tokens"] == reply.input_tokens  # type: ignore[index]
    if reply.tool is None:
        assert whole.text == reply.text
    else:
        assert whole.tool_calls[0]["args"] == {"city": "x"}


def test_candidates_are_rendered_and_kept() -> None:
    whole = ADAPTER.parse_response(gemini_json(text_reply(candidates=3), "r"), {})
    assert len(whole.response_metadata["other_candidates"]) == 2


def test_the_renderings_are_what_the_google_genai_sdk_reads() -> None:
    types = pytest.importorskip("google.genai.types")
    parsed = types.GenerateContentResponse.model_validate(
        json.loads(gemini_json(tool_reply(), "r"))
    )
    assert parsed.function_calls[0].name == "get_weather"
    assert parsed.usage_metadata.prompt_token_count == 9
    for frame, _ in gemini_events(text_reply(), "r", {}):
        types.GenerateContentResponse.model_validate(json.loads(frame[6:]))
    error = json.loads(gemini_error(429, "rate_limit_error", "slow down", None, "r"))
    assert error == {"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED"}}


#: The aiplatform REST transport's query on a stream (`$alt=json;enum-encoding=int`).
REST_QUERY = "%24alt=json%3Benum-encoding%3Dint"
VERTEX_STREAM = "/v1beta1/projects/p/locations/l/publishers/google/models/m:streamGenerateContent"


def test_a_stream_asked_without_sse_is_one_json_array_of_the_same_responses() -> None:
    reply = text_reply()
    pieces = gemini_array(reply, "r1", {}, REST_QUERY)
    assert pieces is not None and len(pieces) == len(reply.pieces) + 1  # and the "]"
    events = gemini_events(reply, "r1", {})
    assert json.loads(b"".join(p for p, _ in pieces)) == [json.loads(e[6:]) for e, _ in events]
    assert [delta for _, delta in pieces] == [delta for _, delta in events] + [False]
    assert gemini_array(reply, "r1", {}, "alt=sse") is None
    assert gemini_array(reply, "r1", {}, "key=k&%24alt=sse") is None
    assert WIRE.render_array is gemini_array


def test_the_server_streams_the_array_sync_and_async() -> None:
    """Over the server: `application/json` pieces as they come (the aiplatform REST
    transport parses the array as it arrives); `alt=sse` still gets events."""
    import httpx

    from chatplex.testing import MockServer

    body = {"contents": [{"role": "user", "parts": [{"text": "hi there"}]}]}
    auth = {"authorization": "Bearer t"}
    with MockServer() as server:
        with httpx.Client(base_url=server.url, headers=auth) as client:
            with client.stream("POST", f"{VERTEX_STREAM}?{REST_QUERY}", json=body) as got:
                assert got.headers["content-type"] == "application/json"
                pieces = list(got.iter_raw())
            sse = client.post(f"{VERTEX_STREAM}?alt=sse", json=body)

        async def read_async() -> Any:
            async with httpx.AsyncClient(base_url=server.url, headers=auth) as client:
                answered = await client.post(f"{VERTEX_STREAM}?{REST_QUERY}", json=body)
                return answered.json()

        answered = asyncio.run(read_async())
    responses = json.loads(b"".join(pieces))  # the pieces' frames as the reads found them
    for streamed in (responses, answered):
        texts = [r["candidates"][0]["content"]["parts"][0]["text"] for r in streamed]
        assert "".join(texts) == "Echo: hi there"
        assert streamed[-1]["candidates"][0]["finishReason"] == "STOP"
    assert sse.headers["content-type"].startswith("text/event-stream")
    assert sse.text.startswith("data: ")


def test_errors_in_gemini_shape_map_to_typed_errors() -> None:
    body = gemini_error(503, "server_error", "overloaded", None, "r")
    error = ADAPTER.map_error(503, body, {})
    assert error.error_type == "UNAVAILABLE" and error.retryable
    frame = WIRE.stream_error("rate_limit_error", "slow", None)
    assert json.loads(frame[6:])["error"]["status"] == "RESOURCE_EXHAUSTED"


@pytest.mark.parametrize(
    ("marker", "reason", "category"),
    [
        (
            "[gemini:prompt_blocked=SAFETY:HARM_CATEGORY_HARASSMENT]",
            "SAFETY",
            "HARM_CATEGORY_HARASSMENT",
        ),
        ("[gemini:prompt_blocked=OTHER]", "OTHER", "OTHER"),
        ("[gemini:candidate_blocked=RECITATION]", "RECITATION", "RECITATION"),
    ],
)
def test_safety_blocks_on_demand(marker: str, reason: str, category: str) -> None:
    # The client reads a block as langchain-google-genai does: an empty reply saying why.
    reply = Reply("gemini-2.5-flash", marker, (marker,), None, 5, 0)
    for parse in (
        lambda: ADAPTER.parse_response(gemini_json(reply, "r"), {}),
        lambda: stream_message(reply),
    ):
        message = parse()
        meta = message.response_metadata
        feedback = meta.get("prompt_feedback")
        ratings = (feedback or {}).get("safety_ratings") or meta.get("safety_ratings") or []
        assert message.text == ""
        assert (feedback["block_reason"] if feedback else meta["finish_reason"]) == reason
        blocked = [r["category"] for r in ratings if r["blocked"]]
        assert blocked == ([category] if category != reason else [])


def test_auth_needs_an_api_key_or_a_bearer_token() -> None:
    assert check_auth({"x-goog-api-key": "k"}) is None
    assert check_auth({"authorization": "Bearer ya29"}) is None
    assert check_auth({}) is not None
    assert check_auth({"authorization": "Basic x"}) is not None
    assert WIRE.check_auth is check_auth


# ---- end to end over MockServer (the core dispatches to registered wires) --------------


class TestOverMockServer:
    """The Gemini wire through MockServer: invoke, stream, tools, structured output,
    usage, typed errors (rate limit, safety block), sync and async, and the CLI."""

    def model(self, server: Any, **settings: Any) -> Any:
        from chatplex import init_chat_model

        return init_chat_model(
            "google_genai:gemini-2.5-flash",
            base_url=server.url,
            api_key="mock-key",
            max_retries=0,
            **settings,
        )

    def test_invoke_stream_and_async(self) -> None:
        from chatplex.testing import MockServer

        with MockServer() as server:
            model = self.model(server)
            reply = model.invoke("hello gemini")
            assert reply.text == "Echo: hello gemini"
            assert reply.usage_metadata["total_tokens"] > 0
            streamed = merge_chunks(list(model.stream("hello gemini"))).to_message()
            assert streamed.text == reply.text
            assert asyncio.run(model.ainvoke("hello gemini")).text == reply.text

    def test_the_drop_in_counts_tokens_and_a_failed_count_is_a_typed_error(self) -> None:
        # Gemini's count is langchain-google-genai's `get_num_tokens`: the LangChain family's.
        import chatplex.langchain
        from chatplex.errors import ServerError
        from chatplex.testing import MockServer

        with MockServer(
            fault_plan=lambda r: "status=500" if "fail" in str(r.json) else None
        ) as server:
            model = chatplex.langchain.init_chat_model(
                "google_genai:gemini-2.5-flash", base_url=server.url, api_key="mock-key"
            )
            assert model.get_num_tokens("hello gemini world") == 3
            with pytest.raises(ServerError):
                model.get_num_tokens("fail now")

    def test_tool_call_and_structured_output(self) -> None:
        from chatplex.testing import MockServer

        with MockServer() as server:
            model = self.model(server)
            reply = model.bind_tools([WEATHER], tool_choice="get_weather").invoke("weather?")
            assert reply.tool_calls[0]["name"] == "get_weather"
            schema = {
                "title": "Person",
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            }
            parsed = model.with_structured_output(schema, method="json_schema").invoke("who?")
            assert isinstance(parsed["name"], str)

    def test_typed_errors(self) -> None:
        from chatplex.errors import RateLimitError
        from chatplex.testing import MockScript
        from chatplex.testing import MockServer
        from chatplex.testing import ScriptRule

        script = MockScript(
            rules=[ScriptRule(user_text="danger", reply="[gemini:prompt_blocked=SAFETY]")]
        )
        with MockServer(
            script=script, fault_plan=lambda r: "status=429" if "slow" in str(r.json) else None
        ) as server:
            model = self.model(server)
            blocked = model.invoke("danger ahead")
            assert blocked.response_metadata["prompt_feedback"]["block_reason"] == "SAFETY"
            with pytest.raises(RateLimitError):
                model.invoke("slow please")

    def test_chatplex_run_end_to_end(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from chatplex.bulk.cli import main
        from chatplex.testing import MockServer

        rows = tmp_path / "rows.jsonl"
        rows.write_text('{"text": "one"}\n{"text": "two"}\n')
        out = tmp_path / "out.jsonl"
        monkeypatch.setenv("MOCK_GEMINI_KEY", "mock-key")
        with MockServer() as server:
            code = main(
                [
                    str(rows),
                    "-o",
                    str(out),
                    "--model",
                    "google_genai:gemini-2.5-flash",
                    "--base-url",
                    server.url,
                    "--api-key-env",
                    "MOCK_GEMINI_KEY",
                    "--prompt",
                    "Say {text}",
                    "--quiet",
                ]
            )
        assert code == 0, sys.stderr
        lines = [json.loads(line) for line in out.read_text().splitlines()]
        assert len(lines) == 2 and all("Echo: Say" in json.dumps(line) for line in lines)


def test_scripted_usage_details_are_gemini_counts() -> None:
    # MockSettings.usage_details: the cached part of the prompt, and the thoughts counted
    # apart from the candidates (in the total); absent when there are none.
    reply = Reply(
        "gemini-2.5-flash", "hi", ("hi",), None, 8, 6, cached_tokens=3, reasoning_tokens=2
    )
    usage = json.loads(gemini_json(reply, "r1"))["usageMetadata"]
    assert usage["cachedContentTokenCount"] == 3 and usage["thoughtsTokenCount"] == 2
    assert (usage["candidatesTokenCount"], usage["totalTokenCount"]) == (6, 16)
    plain = json.loads(gemini_json(text_reply(), "r1"))["usageMetadata"]
    assert "cachedContentTokenCount" not in plain and "thoughtsTokenCount" not in plain


def test_a_reply_cut_at_the_limit_finishes_for_max_tokens() -> None:
    # MockSettings.stop_at_limit: Gemini's finishReason "MAX_TOKENS", both ways.
    reply = dataclasses.replace(text_reply(), cut=True)
    candidate = json.loads(gemini_json(reply, "r1"))["candidates"][0]
    assert candidate["finishReason"] == "MAX_TOKENS"
    events = b"".join(e for e, _ in gemini_events(reply, "r1", {}))
    assert b'"finishReason":"MAX_TOKENS"' in events and b'"STOP"' not in events


def test_parallel_calls_are_parts_of_one_reply_streamed_and_not() -> None:
    second = ToolCall("get_time", {}, "{}", ("{}",))
    reply = dataclasses.replace(tool_reply(), more_tools=(second,))
    whole = ADAPTER.parse_response(gemini_json(reply, "rid-1"), {})
    assert [(c["name"], c["args"]) for c in whole.tool_calls] == [
        ("get_weather", {"city": "x"}),
        ("get_time", {}),
    ]
    assert [(c["name"], c["args"]) for c in stream_message(reply).tool_calls] == [
        ("get_weather", {"city": "x"}),
        ("get_time", {}),
    ]
