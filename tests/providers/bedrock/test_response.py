"""Converse replies, streams and errors: content, reasoning, tool calls, server-side
tool use (blocks, not calls; recorded and built replies, and through ChatBedrockConverse
sync and async), usage (cache tokens included), stop reasons, typed errors by exception
name, and the merged stream equal to the non-stream reply. The stream parser on its own
(exception messages mid-stream, a stream cut short, server blocks left open):
test_stream.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex.errors import APIStatusError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import OverloadedError
from chatplex.errors import PermissionDeniedError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.response import error_shaped
from chatplex.providers.bedrock.response import parse_reply
from chatplex.providers.bedrock.response import reply_data
from chatplex.providers.bedrock.response import stream_cut
from chatplex.providers.bedrock.response import usage_metadata
from chatplex.providers.bedrock.stream import BedrockStreamParser
from tests._aws import isolate_aws
from tests._replies import cached_usage
from tests.adapters._corpus import Case
from tests.adapters._corpus import corpus_case as shared_corpus_case
from tests.providers.bedrock._converse import ChatBedrockConverse
from tests.providers.bedrock._converse_events import event
from tests.providers.bedrock._converse_events import run

REPLY = {
    "output": {
        "message": {
            "role": "assistant",
            "content": [
                {"reasoningContent": {"reasoningText": {"text": "Think.", "signature": "sig-1"}}},
                {"text": "Let me look."},
                {
                    "toolUse": {
                        "toolUseId": "tu-1",
                        "name": "get_weather",
                        "input": {"city": "Paris"},
                    }
                },
            ],
        }
    },
    "stopReason": "tool_use",
    "usage": {
        "inputTokens": 10,
        "outputTokens": 5,
        "totalTokens": 15,
        "cacheReadInputTokens": 100,
        "cacheWriteInputTokens": 7,
    },
    "metrics": {"latencyMs": 321},
}

STREAM = [
    event("messageStart", {"role": "assistant"}),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "Thi"}}},
    ),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "nk."}}},
    ),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig-1"}}},
    ),
    event("contentBlockStop", {"contentBlockIndex": 0}),
    event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": "Let me"}}),
    event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": " look."}}),
    event("contentBlockStop", {"contentBlockIndex": 1}),
    event(
        "contentBlockStart",
        {
            "contentBlockIndex": 2,
            "start": {"toolUse": {"toolUseId": "tu-1", "name": "get_weather"}},
        },
    ),
    event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"toolUse": {"input": '{"ci'}}}),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 2, "delta": {"toolUse": {"input": 'ty": "Paris"}'}}},
    ),
    event("contentBlockStop", {"contentBlockIndex": 2}),
    event("messageStop", {"stopReason": "tool_use"}),
    event("metadata", {"usage": REPLY["usage"], "metrics": {"latencyMs": 321}}),
]


def test_a_reply_with_reasoning_text_and_a_tool_call() -> None:
    message = parse_reply(json.dumps(REPLY).encode(), {"x-amzn-requestid": "rid-1"}, None)
    assert message.content == [  # langchain-aws's blocks
        {
            "type": "reasoning_content",
            "reasoning_content": {"text": "Think.", "signature": "sig-1"},
        },
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "name": "get_weather", "input": {"city": "Paris"}, "id": "tu-1"},
    ]
    assert message.text == "Let me look."
    assert message.tool_calls == [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "tu-1", "type": "tool_call"}
    ]
    assert message.usage_metadata == cached_usage(117, 5, cache_read=100, cache_creation=7)
    meta = message.response_metadata
    assert meta["stopReason"] == "tool_use" and meta["finish_reason"] == "tool_calls"
    assert meta["metrics"] == {"latencyMs": [321]}  # in a list, as langchain-aws gives it
    assert meta["request_id"] == "rid-1" and meta["model_provider"] == "bedrock_converse"


def test_the_merged_stream_is_the_non_stream_reply() -> None:
    merged = run(STREAM).to_message()
    reply = parse_reply(json.dumps(REPLY).encode(), {"x-amzn-requestid": "rid-1"}, None)
    # As langchain-aws's: the stream's blocks carry their index, a tool's input the
    # streamed JSON text.
    assert [{k: v for k, v in b.items() if k != "index"} for b in merged.content] == [
        *reply.content[:2],
        {"type": "tool_use", "name": "get_weather", "id": "tu-1", "input": '{"city": "Paris"}'},
    ]
    assert merged.text == reply.text
    assert merged.tool_calls == reply.tool_calls
    assert merged.usage_metadata == reply.usage_metadata
    # langchain-aws puts a reply's latency in a list, and leaves a stream's as it came.
    assert merged.response_metadata == {**reply.response_metadata, "metrics": {"latencyMs": 321}}


def test_the_stream_is_langchain_aws_chunk_by_chunk() -> None:
    # One chunk per event where langchain-aws yields one (the empty ones included), the
    # same content and tool-call pieces (a call's start has args None, as langchain-aws's).
    from langchain_aws.chat_models.bedrock_converse import _parse_stream_event

    parser = BedrockStreamParser("rid-1", None, None)
    ours, theirs = [], []
    for message in STREAM:
        chunk = parser.feed(message)
        if chunk is not None:
            ours.append((chunk.content, [dict(c) for c in chunk.tool_call_chunks]))
        data = json.loads(message.payload)
        their = _parse_stream_event({message.event_type: data})
        if their is not None:
            calls = [dict(c) for c in getattr(their, "tool_call_chunks", [])]
            theirs.append((their.content, calls))
    assert ours == theirs


def test_plain_text_stays_a_str_in_both_forms() -> None:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "Hi there"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
    }
    reply = parse_reply(json.dumps(body).encode(), {}, "m-1")
    assert reply.content == "Hi there"
    assert reply.usage_metadata == cached_usage(3, 2)
    assert reply.response_metadata["model_name"] == "m-1"
    merged = run(
        [
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": " there"}}),
            event("messageStop", {"stopReason": "end_turn"}),
        ]
    )
    # langchain-aws's stream: one-block lists carrying the block's index.
    assert merged.content == [{"type": "text", "text": "Hi there", "index": 0}]
    assert merged.text == "Hi there"
    assert merged.response_metadata["finish_reason"] == "stop"


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("end_turn", "stop"),
        ("max_tokens", "length"),
        ("stop_sequence", "stop"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
    ],
)
def test_stop_reasons_are_kept_as_replies(reason: str, finish: str) -> None:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "Sorry, blocked."}]}},
        "stopReason": reason,
    }
    reply = parse_reply(json.dumps(body).encode(), {}, None)
    assert reply.text == "Sorry, blocked."
    assert reply.response_metadata["finish_reason"] == finish
    assert reply.response_metadata["stopReason"] == reason


def test_a_redacted_reasoning_block_round_trips_as_a_block() -> None:
    body = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"reasoningContent": {"redactedContent": "b64=="}}, {"text": "ok"}],
            }
        },
        "stopReason": "end_turn",
    }
    reply = parse_reply(json.dumps(body).encode(), {}, None)
    assert reply.content[0] == {
        "type": "reasoning_content",
        "reasoning_content": {"redacted_content": "b64=="},
    }


def test_a_body_that_is_not_a_reply_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no output.message"):
        parse_reply(b'{"stopReason": "end_turn"}', {}, None)
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_reply(b"[1]", {}, None)
    with pytest.raises(BadRequestError):
        parse_reply(b'{"message": "bad", "__type": "ValidationException"}', {}, None)


@pytest.mark.parametrize(
    ("status", "error_type", "cls", "retryable"),
    [
        (429, "ThrottlingException", RateLimitError, True),
        (400, "ServiceQuotaExceededException", QuotaExceededError, False),
        (429, "ModelNotReadyException", OverloadedError, True),
        (503, "ServiceUnavailableException", OverloadedError, True),
        (500, "InternalServerException", ServerError, True),
        (400, "ValidationException", BadRequestError, False),
        (404, "ResourceNotFoundException", NotFoundError, False),
        (403, "AccessDeniedException", PermissionDeniedError, False),
        (403, "UnrecognizedClientException", AuthenticationError, False),
        (403, "InvalidSignatureException", AuthenticationError, False),
        (403, "MissingAuthenticationTokenException", AuthenticationError, False),
        (403, "ExpiredTokenException", AuthenticationError, False),
    ],
)
def test_errors_are_typed_by_the_exception_name(
    status: int, error_type: str, cls: type[APIStatusError], retryable: bool
) -> None:
    body = json.dumps({"message": "the words"}).encode()
    headers = {
        "x-amzn-errortype": f"{error_type}:http://internal.amazon.com/coral/",
        "x-amzn-requestid": "r",
    }
    err = error_from(status, body, headers)
    assert type(err) is cls
    assert (err.status, err.error_type, err.retryable) == (status, error_type, retryable)
    assert err.message == "the words" and err.request_id == "r"
    from_body = error_from(
        status,
        json.dumps({"Message": "w", "__type": f"com.amazon.coral#{error_type}"}).encode(),
        {},
    )
    assert type(from_body) is cls and from_body.message == "w"


def test_an_unknown_or_unreadable_error_falls_back_to_the_status() -> None:
    assert type(error_from(429, b"<html>busy</html>", {})) is RateLimitError
    err = error_from(502, b"", {})
    assert isinstance(err, ServerError) and err.message == "HTTP 502"
    assert (
        type(error_from(400, b'{"message": "x", "__type": "NewException"}', {})) is BadRequestError
    )


def test_usage_without_cache_counts_has_zero_details_as_langchain_aws() -> None:
    assert usage_metadata({"inputTokens": 1, "outputTokens": 2}) == cached_usage(1, 2)


def test_cache_writes_by_ttl_as_langchain_aws() -> None:
    raw = {
        "inputTokens": 1,
        "outputTokens": 2,
        "cacheWriteInputTokens": 30,
        "cacheDetails": [{"ttl": "5m", "inputTokens": 10}, {"ttl": "1h", "inputTokens": 20}],
    }
    assert usage_metadata(raw)["input_token_details"] == {
        "cache_read": 0,
        "cache_creation": 0,
        "ephemeral_5m_input_tokens": 10,
        "ephemeral_1h_input_tokens": 20,
    }


# -- Server-side tools (Nova's built-in code interpreter) ----------------------------------


def corpus_case(name: str) -> Case:
    return shared_corpus_case("bedrock_converse", name)


def expected_blocks(expected: dict[str, Any]) -> list[dict[str, Any]]:
    """The content blocks a recorded reply must give, built from the sidecar's `expected`
    (read from the body by botocore / json, not by chatplex)."""
    calls = [
        {"type": "server_tool_call", "id": c["id"], "name": c["name"], "args": c["input"]}
        for c in expected["server_tool_calls"]
    ]
    results = [
        {
            "type": "server_tool_result",
            "tool_call_id": r["tool_use_id"],
            "status": r["status"],
            "output": r["content"],
            "extras": {"block_type": r["type"]},
        }
        for r in expected["server_tool_results"]
    ]
    return [block for pair in zip(calls, results, strict=True) for block in pair]


def expected_calls(expected: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"name": c["name"], "args": c["input"], "id": c["id"], "type": "tool_call"}
        for c in expected["tool_calls"]
    ]


def without_tool_use(content: Any) -> Any:
    """The content without the client tools' `tool_use` blocks (their calls are
    `tool_calls`, compared on their own)."""
    return [b for b in content if b.get("type") != "tool_use"]


def decode(body: bytes, step: int = 61) -> list[EventStreamMessage]:
    decoder = EventStreamDecoder()
    messages = [m for i in range(0, len(body), step) for m in decoder.feed(body[i : i + step])]
    decoder.flush()
    return messages


def test_a_recorded_code_interpreter_reply_keeps_the_server_tool_as_blocks() -> None:
    case = corpus_case("bedrock_converse_code_interpreter")
    reply = parse_reply(case.body, {}, None)
    assert without_tool_use(reply.content) == expected_blocks(case.expected)
    # Only the client's own tool is a call to run; Bedrock already ran the interpreter.
    assert reply.tool_calls == expected_calls(case.expected)
    assert [c["name"] for c in reply.tool_calls] == ["final_result"]
    assert reply.text == ""
    assert [b["type"] for b in reply.content_blocks] == [
        "server_tool_call",
        "server_tool_result",
        "tool_call",
    ]


def test_a_recorded_code_interpreter_stream_merges_into_the_same_blocks() -> None:
    case = corpus_case("bedrock_converse_stream_code_interpreter")
    parser = BedrockStreamParser("rid-1")
    chunks = [c for c in (parser.feed(m) for m in decode(case.body)) if c is not None]
    parser.finish()
    assert not any(
        tc["name"] == "nova_code_interpreter" for c in chunks for tc in c.tool_call_chunks
    )
    merged = merge_chunks(chunks).to_message()
    assert without_tool_use(merged.content) == expected_blocks(case.expected)
    assert merged.tool_calls == expected_calls(case.expected)
    assert merged.response_metadata["finish_reason"] == "tool_calls"


SERVER_REPLY = {
    "output": {
        "message": {
            "role": "assistant",
            "content": [
                {"text": "Let me compute."},
                {
                    "toolUse": {
                        "toolUseId": "tu-s",
                        "name": "nova_code_interpreter",
                        "input": {"snippet": "print(6 * 7)"},
                        "type": "server_tool_use",
                    }
                },
                {
                    "toolResult": {
                        "toolUseId": "tu-s",
                        "content": [{"text": "42\n"}, {"json": {"exitCode": 1}}],
                        "status": "error",
                        "type": "nova_code_interpreter_result",
                    }
                },
                {"text": "It is 42."},
            ],
        }
    },
    "stopReason": "end_turn",
    "usage": {"inputTokens": 9, "outputTokens": 4, "totalTokens": 13},
}

SERVER_STREAM = [
    event("messageStart", {"role": "assistant"}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Let me "}}),
    event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "compute."}}),
    event("contentBlockStop", {"contentBlockIndex": 0}),
    event(
        "contentBlockStart",
        {
            "contentBlockIndex": 1,
            "start": {
                "toolUse": {
                    "toolUseId": "tu-s",
                    "name": "nova_code_interpreter",
                    "type": "server_tool_use",
                }
            },
        },
    ),
    event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"toolUse": {"input": '{"sni'}}}),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 1, "delta": {"toolUse": {"input": 'ppet": "print(6 * 7)"}'}}},
    ),
    event("contentBlockStop", {"contentBlockIndex": 1}),
    event(
        "contentBlockStart",
        {
            "contentBlockIndex": 2,
            "start": {
                "toolResult": {
                    "toolUseId": "tu-s",
                    "status": "error",
                    "type": "nova_code_interpreter_result",
                }
            },
        },
    ),
    event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"toolResult": [{"text": "4"}]}}),
    event(
        "contentBlockDelta",
        {
            "contentBlockIndex": 2,
            "delta": {"toolResult": [{"text": "2\n"}, {"json": {"exitCode": 1}}]},
        },
    ),
    event("contentBlockStop", {"contentBlockIndex": 2}),
    event("contentBlockDelta", {"contentBlockIndex": 3, "delta": {"text": "It is "}}),
    event("contentBlockDelta", {"contentBlockIndex": 3, "delta": {"text": "42."}}),
    event("contentBlockStop", {"contentBlockIndex": 3}),
    event("messageStop", {"stopReason": "end_turn"}),
    event("metadata", {"usage": SERVER_REPLY["usage"]}),
]


def test_text_around_a_server_tool_stays_in_order_in_both_forms() -> None:
    reply = parse_reply(json.dumps(SERVER_REPLY).encode(), {"x-amzn-requestid": "rid-1"}, None)
    assert reply.content == [
        {"type": "text", "text": "Let me compute."},
        {
            "type": "server_tool_call",
            "id": "tu-s",
            "name": "nova_code_interpreter",
            "args": {"snippet": "print(6 * 7)"},
        },
        {
            "type": "server_tool_result",
            "tool_call_id": "tu-s",
            "status": "error",
            "output": [{"text": "42\n"}, {"json": {"exitCode": 1}}],
            "extras": {"block_type": "nova_code_interpreter_result"},
        },
        {"type": "text", "text": "It is 42."},
    ]
    assert reply.tool_calls == []
    assert reply.text == "Let me compute.It is 42."
    merged = run(SERVER_STREAM).to_message()
    assert merged.content == reply.content  # result text pieces joined, as Converse's block
    assert merged.tool_calls == reply.tool_calls
    assert merged.usage_metadata == reply.usage_metadata
    assert merged.response_metadata == reply.response_metadata


def test_stream_pieces_of_a_server_tool_open_at_start_and_close_at_stop() -> None:
    parser = BedrockStreamParser()
    pieces = [parser.feed(e) for e in SERVER_STREAM[4:8]]
    opened, fragment, _, closed = pieces
    assert opened is not None and opened.content == [
        {"type": "server_tool_call", "id": "tu-s", "name": "nova_code_interpreter"}
        | {"args": {}, "index": 1}
    ]
    assert opened.tool_call_chunks == [] and fragment is None
    assert closed is not None and closed.content == [
        {"type": "server_tool_call", "args": {"snippet": "print(6 * 7)"}, "index": 1}
    ]


def test_a_client_tool_use_typed_tool_use_is_still_a_tool_call() -> None:
    body = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {
                        "toolUse": {
                            "toolUseId": "tu-c",
                            "name": "final_result",
                            "input": {"result": 1},
                            "type": "tool_use",
                        }
                    }
                ],
            }
        },
        "stopReason": "tool_use",
    }
    reply = parse_reply(json.dumps(body).encode(), {}, None)
    assert reply.content == [
        {"type": "tool_use", "name": "final_result", "input": {"result": 1}, "id": "tu-c"}
    ]
    assert reply.tool_calls == [
        {"name": "final_result", "args": {"result": 1}, "id": "tu-c", "type": "tool_call"}
    ]


# -- The same through ChatBedrockConverse over an httpx transport, sync and async ---------


def served_model(json_body: bytes, stream_body: bytes, seen: list[dict[str, Any]]) -> Any:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        if request.url.path.endswith("/converse-stream"):
            kind = "application/vnd.amazon.eventstream"
            return httpx.Response(200, content=stream_body, headers={"content-type": kind})
        return httpx.Response(200, content=json_body, headers={"content-type": "application/json"})

    transport = httpx.MockTransport(handle)
    return ChatBedrockConverse(
        model="us.amazon.nova-2-lite-v1:0",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
        rate_limit=False,
    )


@pytest.fixture(autouse=True)
def isolated_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate_aws(
        monkeypatch, tmp_path, ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK")
    )


def next_turn(reply: AIMessage) -> list[Any]:
    """The recorded conversation's next turn, with chatplex's reading of the reply."""
    return [
        HumanMessage("What is 1234 * 5678?"),
        reply,
        ToolMessage("Final result processed.", tool_call_id=str(reply.tool_calls[0]["id"])),
        HumanMessage("Now multiply that by 2"),
    ]


def replayed_messages() -> Any:
    """The messages of the recorded next request, which Bedrock answered 200."""
    return corpus_case("bedrock_converse_code_interpreter_replayed").meta["request"]["body"][
        "messages"
    ]


def replayed_tools() -> Any:
    """The recorded next request's toolConfig (without one, the tool blocks go as text)."""
    return corpus_case("bedrock_converse_code_interpreter_replayed").meta["request"]["body"][
        "toolConfig"
    ]


def check_model_replies(reply: AIMessage, chunks: list[AIMessageChunk], stream_case: Case) -> None:
    merged = merge_chunks(chunks).to_message()
    assert without_tool_use(merged.content) == expected_blocks(stream_case.expected)
    assert merged.tool_calls == expected_calls(stream_case.expected)
    # The non-stream recording is another call (other ids): its content is checked by
    # the caller against its own sidecar.
    assert [c["name"] for c in reply.tool_calls] == ["final_result"]
    assert [c["name"] for c in merged.tool_calls] == ["final_result"]


def test_chat_model_sync_invoke_and_stream_keep_the_server_tool() -> None:
    pytest.importorskip("botocore")
    json_case = corpus_case("bedrock_converse_code_interpreter")
    stream_case = corpus_case("bedrock_converse_stream_code_interpreter")
    seen: list[dict[str, Any]] = []
    llm = served_model(json_case.body, stream_case.body, seen)
    reply = llm.invoke("What is 1234 * 5678?")
    check_model_replies(reply, list(llm.stream("What is 1234 * 5678?")), stream_case)
    assert without_tool_use(reply.content) == expected_blocks(json_case.expected)
    llm.bind(toolConfig=replayed_tools()).invoke(next_turn(reply))
    assert seen[-1]["messages"] == replayed_messages()


async def test_chat_model_async_invoke_and_stream_keep_the_server_tool() -> None:
    pytest.importorskip("botocore")
    json_case = corpus_case("bedrock_converse_code_interpreter")
    stream_case = corpus_case("bedrock_converse_stream_code_interpreter")
    seen: list[dict[str, Any]] = []
    llm = served_model(json_case.body, stream_case.body, seen)
    reply = await llm.ainvoke("What is 1234 * 5678?")
    chunks = [c async for c in llm.astream("What is 1234 * 5678?")]
    check_model_replies(reply, chunks, stream_case)
    assert without_tool_use(reply.content) == expected_blocks(json_case.expected)
    await llm.bind(toolConfig=replayed_tools()).ainvoke(next_turn(reply))
    assert seen[-1]["messages"] == replayed_messages()


def test_the_reply_readers_shared_by_converse_and_invokemodel() -> None:
    assert reply_data(b'{"output": {}}', "Converse") == {"output": {}}
    for body in (b"[1]", b'"text"'):
        with pytest.raises(ValueError, match="^InvokeModel reply is not a JSON object"):
            reply_data(body, "InvokeModel")
    assert error_shaped({"message": "Too many requests"})
    assert error_shaped({"__type": "ThrottlingException"})
    assert not error_shaped({"message": "", "usage": {}})
    cut = stream_cut("converse-stream", "messageStop", "bedrock_converse", "req-1")
    assert isinstance(cut, StreamError)
    assert cut.message == "converse-stream ended before messageStop"
    assert cut.ended_before == "messageStop"  # what the error families read
    assert (cut.provider, cut.request_id) == ("bedrock_converse", "req-1")


@pytest.mark.parametrize(
    ("message", "usage", "words"),
    [
        ({"role": "assistant", "content": "x"}, None, "content is a str, not a list"),
        ({"role": "assistant", "content": [5]}, None, "content block is a int"),
        (
            {"role": "assistant", "content": [{"toolUse": {"name": "f", "input": "x"}}]},
            None,
            "toolUse's input is a str",
        ),
        ({"role": "assistant", "content": [{"text": "Hi"}]}, {"inputTokens": "1"}, "inputTokens"),
    ],
)
def test_a_converse_reply_field_of_the_wrong_type_is_refused_never_empty(
    message: dict[str, Any], usage: Any, words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply
    from chatplex.providers.bedrock.response import parse_reply

    body = {"output": {"message": message}, "stopReason": "end_turn"}
    if usage is not None:
        body["usage"] = usage
    with pytest.raises(MalformedReply, match=words):
        parse_reply(json.dumps(body).encode(), {}, "m")
