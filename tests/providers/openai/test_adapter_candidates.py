"""`n > 1`: every candidate paid for is reachable, stream and non-stream alike.

The reply is choice 0; `response_metadata["other_candidates"]` holds choices 1..n-1 as
`AIMessage`s; `parse_candidates(body)` gives all n (for `generate()`). Usage counts the
whole response and sits on choice 0 only.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.errors import APIError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.response import OTHER_CANDIDATES
from chatplex.providers.openai.response import parse_candidates
from chatplex.providers.openai.stream import REPLY_ONLY_KEYS
from tests._replies import tool_call_message
from tests._sdk_nones import without_sdk_nones
from tests.core._twins import reply_and_chunks

USAGE = {"prompt_tokens": 12, "completion_tokens": 21, "total_tokens": 33}


def logprobs(*tokens: str) -> dict[str, Any]:
    return {
        "content": [
            {"token": t, "logprob": -0.5, "bytes": list(t.encode()), "top_logprobs": []}
            for t in tokens
        ],
        "refusal": None,
    }


CHOICES: list[dict[str, Any]] = [
    {
        "index": 0,
        "message": {"role": "assistant", "content": "Red apple"},
        "finish_reason": "stop",
        "logprobs": logprobs("Red", " apple"),
    },
    {
        "index": 1,
        "message": tool_call_message("pick", '{"fruit": "pear"}'),
        "finish_reason": "tool_calls",
        "logprobs": None,
    },
    {
        "index": 2,
        "message": {"role": "assistant", "content": "Green kiwi"},
        "finish_reason": "length",
        "logprobs": logprobs("Green", " kiwi"),
    },
]
BODY = {
    "id": "chatcmpl-n3",
    "object": "chat.completion",
    "model": "gpt-4o-mini",
    "system_fingerprint": "fp_n",
    # Servers may list choices in any order; `index` says which is which.
    "choices": [CHOICES[2], CHOICES[0], CHOICES[1]],
    "usage": USAGE,
}


def chunk(
    index: int, delta: dict[str, Any], finish: str | None = None, lp: Any = None
) -> dict[str, Any]:
    choice = {"index": index, "delta": delta, "finish_reason": finish, "logprobs": lp}
    return {
        "id": "chatcmpl-n3",
        "model": "gpt-4o-mini",
        "system_fingerprint": "fp_n",
        "choices": [choice],
    }


def stream_events() -> list[dict[str, Any]]:
    """The three choices interleaved, as OpenAI streams them."""
    args = '{"fruit": "pear"}'
    return [
        chunk(0, {"role": "assistant", "content": ""}),
        chunk(1, {"role": "assistant", "content": None}),
        chunk(2, {"role": "assistant", "content": ""}),
        chunk(0, {"content": "Red"}, lp=logprobs("Red")),
        chunk(
            1,
            {
                "tool_calls": [
                    {
                        "index": 0,
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "pick", "arguments": ""},
                    }
                ]
            },
        ),
        chunk(2, {"content": "Green"}, lp=logprobs("Green")),
        chunk(1, {"tool_calls": [{"index": 0, "function": {"arguments": args[:8]}}]}),
        chunk(0, {"content": " apple"}, lp=logprobs(" apple")),
        chunk(1, {"tool_calls": [{"index": 0, "function": {"arguments": args[8:]}}]}),
        chunk(2, {"content": " kiwi"}, lp=logprobs(" kiwi")),
        chunk(0, {}, "stop"),
        chunk(2, {}, "length"),
        chunk(1, {}, "tool_calls"),
        {
            "id": "chatcmpl-n3",
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_n",
            "choices": [],
            "usage": USAGE,
        },
    ]


def sse(events: list[dict[str, Any]], done: bool = True) -> bytes:
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def check_candidates(first: AIMessage, *, streamed: bool = False) -> None:
    assert first.text == "Red apple"
    assert first.response_metadata["finish_reason"] == "stop"
    assert first.response_metadata["logprobs"] == logprobs("Red", " apple")
    if streamed:  # as langchain-openai's chunks: usage only as usage_metadata
        assert "token_usage" not in first.response_metadata
    else:
        assert without_sdk_nones(first).response_metadata["token_usage"] == USAGE
    assert first.usage_metadata == {
        "input_tokens": 12,
        "output_tokens": 21,
        "total_tokens": 33,
        "input_token_details": {},
        "output_token_details": {},
    }
    second, third = first.response_metadata[OTHER_CANDIDATES]
    assert second.tool_calls == [
        {"name": "pick", "args": {"fruit": "pear"}, "id": "call_1", "type": "tool_call"}
    ]
    assert second.response_metadata["finish_reason"] == "tool_calls"
    assert third.text == "Green kiwi"
    assert third.response_metadata["finish_reason"] == "length"
    assert third.response_metadata["logprobs"] == logprobs("Green", " kiwi")
    # Usage is the whole response's: counted once, on the first candidate.
    assert second.usage_metadata is None and third.usage_metadata is None
    assert "token_usage" not in second.response_metadata
    assert {m.id for m in (first, second, third)} == {"chatcmpl-n3"}


def test_nonstream_keeps_every_choice() -> None:
    message = OpenAIAdapter(api_key="sk-test").parse_response(json.dumps(BODY).encode(), {})
    check_candidates(message)


def test_parse_candidates_gives_all_in_choice_order() -> None:
    candidates = parse_candidates(json.dumps(BODY).encode())
    assert [m.text for m in candidates] == ["Red apple", "", "Green kiwi"]
    assert candidates[1].tool_calls[0]["args"] == {"fruit": "pear"}
    assert [m.response_metadata["finish_reason"] for m in candidates] == [
        "stop",
        "tool_calls",
        "length",
    ]
    assert OTHER_CANDIDATES not in candidates[0].response_metadata
    assert candidates[0].usage_metadata is not None and candidates[2].usage_metadata is None
    one = parse_candidates(json.dumps({**BODY, "choices": [CHOICES[0]]}).encode())
    assert len(one) == 1
    with pytest.raises(APIError):
        parse_candidates(b'{"error": {"message": "no", "type": "server_error"}}')


@pytest.mark.parametrize("done", [True, False], ids=["usage-chunk", "done-only"])
def test_stream_merges_to_the_nonstream_reply(done: bool) -> None:
    adapter = OpenAIAdapter(api_key="sk-test")
    events = stream_events()
    if not done:  # no usage chunk: the other candidates come with [DONE]
        events = events[:-1]
    parser = adapter.stream_parser({})
    chunks = [c for e in iter_sse_events([sse(events)]) if (c := parser.feed(e)) is not None]
    parser.finish()
    merged = merge_chunks(chunks).to_message()
    expected_body = BODY if done else {k: v for k, v in BODY.items() if k != "usage"}
    expected = without_sdk_nones(adapter.parse_response(json.dumps(expected_body).encode(), {}))
    others = expected.response_metadata[OTHER_CANDIDATES]
    expected.response_metadata[OTHER_CANDIDATES] = [without_sdk_nones(m) for m in others]
    assert merged.content == expected.content
    # Choice 0's metadata as langchain-openai streams it; the others whole, as replied.
    expected_meta = {
        k: v for k, v in expected.response_metadata.items() if k not in REPLY_ONLY_KEYS
    }
    assert merged.response_metadata == expected_meta
    assert merged.id == expected.id
    if done:
        check_candidates(merged, streamed=True)
    # Chunks carry choice 0 only: the other candidates never leak into its text.
    assert "".join(c.text for c in chunks) == "Red apple"


def serve(request: httpx.Request) -> httpx.Response:
    sent = json.loads(request.content)
    assert sent["n"] == 3
    if sent.get("stream"):
        return httpx.Response(
            200, content=sse(stream_events()), headers={"content-type": "text/event-stream"}
        )
    return httpx.Response(200, json=BODY)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_through_a_model(sync: bool) -> None:
    transport = httpx.MockTransport(serve)
    model = init_chat_model(
        "openai:gpt-4o-mini",
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1",
        stream_usage=True,  # a custom base URL: asked for explicitly, as with LangChain's
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        n=3,
    )
    reply, chunks = await reply_and_chunks(model, sync, "a fruit")
    check_candidates(reply)
    check_candidates(merge_chunks(chunks).to_message(), streamed=True)
