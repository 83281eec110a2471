"""`http/_reply.py`: what a read response becomes -- the parsed reply or its typed error,
the single chunk of a stream answered with JSON, the size bound's error, and a broken
stream's failure with its partial reply and retryability. Fabricated responses, no I/O."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from chatplex import AIMessageChunk
from chatplex.errors import APIError
from chatplex.errors import ResponseTooLargeError
from chatplex.errors import StreamError
from chatplex.http._reply import has_content
from chatplex.http._reply import is_json
from chatplex.http._reply import keep_body
from chatplex.http._reply import malformed_event
from chatplex.http._reply import parse_reply
from chatplex.http._reply import reply_chunk
from chatplex.http._reply import too_large
from chatplex.http._reply import with_partial
from chatplex.http._reply import wrong_shape
from chatplex.providers.openai.adapter import OpenAIAdapter

ADAPTER = OpenAIAdapter(api_key="sk-SENTINEL-reply-0123")
URL = "https://api.example.test/v1/chat/completions"


def response(status: int, body: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers, request=httpx.Request("POST", URL))


def reply_body(content: str = "hi") -> bytes:
    message = {"role": "assistant", "content": content}
    choice = {"index": 0, "message": message, "finish_reason": "stop"}
    usage = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    reply: dict[str, Any] = {"id": "c", "model": "m", "choices": [choice], "usage": usage}
    return json.dumps(reply).encode()


def test_a_reply_is_parsed_and_named_by_the_servers_request_id() -> None:
    message = parse_reply(ADAPTER, response(200, reply_body(), **{"x-request-id": "req_1"}))
    assert message.text == "hi" and message.response_metadata["request_id"] == "req_1"
    chunk = reply_chunk(ADAPTER, response(200, reply_body("yo")))
    assert isinstance(chunk, AIMessageChunk) and chunk.text == "yo"


def test_an_error_status_and_an_unparsable_body_raise_typed_errors() -> None:
    error = json.dumps({"error": {"message": "slow down", "type": "rate_limit"}}).encode()
    with pytest.raises(APIError, match="slow down") as raised:
        parse_reply(ADAPTER, response(429, error))
    assert raised.value.status_code == 429
    with pytest.raises(APIError) as garbled:  # a parser's ValueError: a malformed body
        parse_reply(Garbling(api_key="k"), response(200, b"<html>proxy</html>"))
    assert garbled.value.status_code == 200 and garbled.value.retryable
    assert isinstance(garbled.value.__cause__, ValueError)


class Garbling(OpenAIAdapter):
    def parse_response(self, body: bytes, headers: Any) -> Any:
        raise ValueError("not a reply")


def test_json_where_events_were_expected() -> None:
    assert is_json(response(200, b"{}", **{"content-type": "application/json; charset=utf-8"}))
    assert not is_json(response(200, b"", **{"content-type": "text/event-stream"}))


def test_metadata_only_chunks_carry_no_content() -> None:
    assert not has_content(AIMessageChunk(content="", response_metadata={"id": "x"}))
    assert has_content(AIMessageChunk(content="a"))
    assert has_content(AIMessageChunk(content="", additional_kwargs={"refusal": "no"}))


def test_a_body_read_in_pieces_is_kept_on_the_response() -> None:
    piecewise = httpx.Response(200, stream=httpx.ByteStream(b""), request=httpx.Request("GET", URL))
    keep_body(piecewise, b"read whole")
    assert piecewise.content == b"read whole"


def test_the_size_bound_names_the_host_and_is_not_retried() -> None:
    err = too_large(ADAPTER, httpx.Request("POST", URL), 1024, 4096)
    assert isinstance(err, ResponseTooLargeError) and not err.retryable
    assert "api.example.test" in str(err) and "max_response_bytes=1024" in str(err)


def test_a_broken_stream_keeps_its_partial_and_is_retryable_only_before_any_chunk() -> None:
    received = [AIMessageChunk(content="a"), AIMessageChunk(content="b")]
    broken = StreamError("cut short", provider="openai", retryable=False)
    with_partial(broken, ADAPTER, response(200, b""), received, started=False)
    assert broken.partial is not None and broken.partial.text == "ab" and broken.retryable
    shown = StreamError("cut short", provider="openai", retryable=False)
    with_partial(shown, ADAPTER, response(200, b""), received, started=True)
    assert not shown.retryable  # chunks were emitted: another attempt would repeat them


def test_a_malformed_event_is_a_stream_error_with_what_came_before() -> None:
    err = malformed_event(
        ValueError("bad json"), ADAPTER, response(200, b""), [AIMessageChunk(content="a")], False
    )
    assert "malformed stream event from api.example.test: bad json" in str(err)
    assert err.partial is not None and err.partial.text == "a" and err.retryable


# -- well-framed replies with fields of the wrong type ------------------------------------


def openai_reply(**message: Any) -> dict[str, Any]:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
    return {"id": "c", "model": "m", "choices": [choice]}


#: (model, its settings, a reply the server frames well with a field of the wrong type)
WRONG_TYPES: dict[str, tuple[str, dict[str, Any], Any]] = {
    "openai-content-a-number": ("openai:gpt-4o-mini", {"api_key": "k"}, openai_reply(content=5)),
    "openai-tool-calls-a-number": (
        "openai:gpt-4o-mini",
        {"api_key": "k"},
        openai_reply(content="a", tool_calls=5),
    ),
    "anthropic-content-a-number": (
        "anthropic:claude-sonnet-4-5",
        {"api_key": "k"},
        {
            "id": "m",
            "type": "message",
            "role": "assistant",
            "content": 5,
            "stop_reason": "end_turn",
        },
    ),
    "bedrock-content-a-number": (
        "bedrock_converse:anthropic.claude-3-haiku-20240307-v1:0",
        {"region_name": "us-east-1", "aws_access_key_id": "AKIAX", "aws_secret_access_key": "s"},
        {"output": {"message": {"role": "assistant", "content": 5}}, "stopReason": "end_turn"},
    ),
    "ollama-tool-calls-a-number": (
        "ollama:llama3.2",
        {},
        {
            "model": "m",
            "message": {"role": "assistant", "content": "a", "tool_calls": 5},
            "done": True,
        },
    ),
    "ollama-count-a-string": (
        "ollama:llama3.2",
        {},
        {
            "model": "m",
            "message": {"role": "assistant", "content": "a"},
            "done": True,
            "prompt_eval_count": 1,
            "eval_count": "x",
        },
    ),
}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("case", list(WRONG_TYPES))
async def test_a_reply_with_fields_of_the_wrong_type_is_a_typed_malformed_error(
    case: str, sync: bool
) -> None:
    from chatplex import init_chat_model

    name, settings, body = WRONG_TYPES[case]
    chat = init_chat_model(name, max_retries=0, **settings)
    with respx.mock(assert_all_called=False) as router:
        router.route().mock(return_value=httpx.Response(200, json=body))
        with pytest.raises(APIError, match="malformed response body") as raised:
            if sync:
                chat.invoke("hi")
            else:
                await chat.ainvoke("hi")
    assert raised.value.status_code == 200
    assert not isinstance(raised.value, (TypeError, AttributeError))


class Shapeless(OpenAIAdapter):
    """A parser that lets a reply of the wrong shape through."""

    def __init__(self, content: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.content = content

    def parse_response(self, body: bytes, headers: Any) -> Any:
        message = super().parse_response(reply_body(), headers)
        message.content = self.content
        return message


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (5, "reply content is a int"),
        ([7], "a reply content block is a int"),
        ([{"type": "text", "text": 5}], "a reply 'text' block's text is not a str"),
    ],
)
def test_a_parsed_reply_whose_text_would_raise_is_refused(content: Any, words: str) -> None:
    with pytest.raises(APIError, match=words):
        parse_reply(Shapeless(content, api_key="k"), response(200, reply_body()))
    assert wrong_shape(parse_reply(ADAPTER, response(200, reply_body()))) is None


def test_a_block_that_is_no_text_may_hold_a_null_text() -> None:
    # (`.text` reads text blocks only; the fireworks SDK dumps an image part so)
    image = {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}, "text": None}
    reply = parse_reply(
        Shapeless([{"type": "text", "text": "Hi"}, image], api_key="k"), response(200, reply_body())
    )
    assert reply.text == "Hi" and wrong_shape(reply) is None


def test_a_stream_event_with_fields_of_the_wrong_type_is_a_stream_error() -> None:
    from chatplex import init_chat_model

    event = {"id": "c", "model": "m", "choices": [{"index": 0, "delta": {"content": "a"}}]}
    bad = {"id": "c", "model": "m", "choices": 5}
    sse = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in (event, bad))
    chat = init_chat_model("openai:gpt-4o-mini", api_key="k", max_retries=0)
    with respx.mock(assert_all_called=False) as router:
        headers = {"content-type": "text/event-stream"}
        router.route().mock(return_value=httpx.Response(200, content=sse, headers=headers))
        with pytest.raises(StreamError, match="malformed stream event") as raised:
            list(chat.stream("hi"))
    assert raised.value.partial is not None and raised.value.partial.text == "a"


# -- a reply the server sent whole is never sent for again -------------------------------


def counted(body: bytes, content_type: str = "application/json") -> tuple[Any, list[int]]:
    """An httpx MockTransport handler answering `body` with a 200, and its request count."""
    requests: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(1)
        return httpx.Response(200, content=body, headers={"content-type": content_type})

    return handler, requests


async def ask_with_retries(handler: Any, sync: bool, *, stream: bool = False) -> BaseException:
    """One OpenAI call allowed two retries (no wait between them) over an httpx mock
    transport answering with `handler`; the error it ended in."""
    from chatplex import init_chat_model
    from chatplex.http import retry_policy

    transport = httpx.MockTransport(handler)
    policy = retry_policy(2, initial_delay=0.0, max_delay=0.0, jitter=0.0)
    sync_client, async_client = (
        httpx.Client(transport=transport),
        httpx.AsyncClient(transport=transport),
    )
    chat = init_chat_model(
        "openai:gpt-4o-mini",
        api_key="k",
        retry_policy=policy,
        http_client=sync_client,
        http_async_client=async_client,
    )
    try:
        if sync and stream:
            list(chat.stream("hi"))
        elif sync:
            chat.invoke("hi")
        elif stream:
            [c async for c in chat.astream("hi")]
        else:
            await chat.ainvoke("hi")
    except Exception as exc:  # noqa: BLE001 - the caller judges it
        return exc
    finally:
        sync_client.close()
        await async_client.aclose()
    raise AssertionError("the call did not fail")


def openai_event(**fields: Any) -> dict[str, Any]:
    return {"id": "c", "object": "chat.completion.chunk", "model": "m", **fields}


#: Replies the server sent whole, each with a field of the wrong type (a whole body, or
#: a stream's first event with content), and the body type they come as.
SENT_WHOLE: dict[str, tuple[bytes, str]] = {
    "usage-a-string": (
        json.dumps({**json.loads(reply_body()), "usage": "lots"}).encode(),
        "application/json",
    ),
    "content-a-number": (json.dumps(openai_reply(content=5)).encode(), "application/json"),
    "choices-a-number": (json.dumps(openai_event(choices=5)).encode(), "application/json"),
    "stream-choices-a-number": (
        b"data: " + json.dumps(openai_event(choices=5)).encode() + b"\n\n",
        "text/event-stream",
    ),
    "stream-usage-a-string": (
        b"data: " + json.dumps(openai_event(choices=[], usage="lots")).encode() + b"\n\n",
        "text/event-stream",
    ),
}


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("stream", [False, True], ids=["invoke", "stream"])
@pytest.mark.parametrize("case", list(SENT_WHOLE))
async def test_a_reply_sent_whole_with_a_wrong_field_is_asked_for_once(
    case: str, stream: bool, sync: bool
) -> None:
    body, content_type = SENT_WHOLE[case]
    if case.startswith("stream-") and not stream:
        pytest.skip("events are no whole reply: invoke reads them as a body cut short")
    handler, requests = counted(body, content_type)
    err = await ask_with_retries(handler, sync, stream=stream)
    assert isinstance(err, APIError) and not err.retryable, repr(err)
    assert "malformed" in str(err)
    assert len(requests) == 1  # billed once: the same request would get the same reply


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_body_cut_short_is_still_asked_for_again(sync: bool) -> None:
    handler, requests = counted(reply_body()[:-7])
    err = await ask_with_retries(handler, sync)
    assert isinstance(err, APIError) and err.retryable
    assert len(requests) == 3  # not whole JSON: the road's fault, which another try passes


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_garbled_event_before_any_content_is_still_asked_for_again(sync: bool) -> None:
    handler, requests = counted(b"data: {not json\n\n", "text/event-stream")
    err = await ask_with_retries(handler, sync, stream=True)
    assert isinstance(err, StreamError) and err.retryable
    assert len(requests) == 3


def test_which_failures_another_attempt_could_read() -> None:
    from chatplex.adapters.reading import MalformedReply

    def event(exc: Exception) -> StreamError:
        return malformed_event(exc, ADAPTER, response(200, b""), [], False)

    assert not event(MalformedReply("usage")).retryable
    assert not event(AttributeError("get")).retryable
    assert event(ValueError("cut")).retryable
