from __future__ import annotations

import email.utils
import time

import httpx
import pytest
from _httpkit import DeclaringAdapter
from _httpkit import FakeAdapter

from chatplex.errors import APIConnectionError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.http._errors import request_failure
from chatplex.http._errors import request_id_from
from chatplex.http._errors import retry_after_from
from chatplex.http._errors import status_failure
from chatplex.http._errors import stream_failure
from chatplex.messages import AIMessageChunk
from tests._silent import refusing_port


def test_the_request_id_is_in_the_header_the_wire_declares() -> None:
    both = httpx.Headers({"request-id": "a", "x-request-id": "b"})
    assert request_id_from(both, FakeAdapter()) == "b"
    assert request_id_from(both, DeclaringAdapter()) == "a"
    assert request_id_from(httpx.Headers({"Request-Id": "a"}), DeclaringAdapter()) == "a"
    # Another wire's header is not read; the de facto one (a gateway's) is, after the wire's.
    assert request_id_from(httpx.Headers({"request-id": "a"}), FakeAdapter()) is None
    assert request_id_from(httpx.Headers({"x-request-id": "b"}), DeclaringAdapter()) == "b"
    assert request_id_from(httpx.Headers(), FakeAdapter()) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after-ms": "1500", "retry-after": "9"}, 1.5),
        ({"x-amz-retry-after": "1500", "retry-after": "9"}, 9.0),  # not the header named
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "-3"}, 0.0),
        ({"retry-after-ms": "soon", "retry-after": "2"}, 2.0),
        ({"retry-after": "whenever"}, None),
        ({}, None),
    ],
)
def test_retry_after(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_from(httpx.Headers(headers), "retry-after-ms") == expected


def test_a_wait_in_milliseconds_is_read_only_where_the_wire_declares_its_header() -> None:
    headers = httpx.Headers({"retry-after-ms": "1500", "retry-after": "9"})
    assert retry_after_from(headers) == 9.0
    assert retry_after_from(httpx.Headers({"retry-after-ms": "1500"})) is None


class Preset(FakeAdapter):
    """A fake answering as a preset of OpenAI's wire (its `provider` is the wire's)."""

    provider = "openai"

    def __init__(self, preset: str | None) -> None:
        super().__init__()
        self.named = preset

    @property
    def preset(self) -> str | None:
        return self.named


@pytest.mark.parametrize(
    ("adapter", "expected"),
    [
        (Preset(None), 0.25),  # the openai SDK reads retry-after-ms
        (Preset("groq"), 0.25),  # and groq's (Stainless's)
        (Preset("openrouter"), 2.0),  # openrouter's (Speakeasy's) reads retry-after alone
        (FakeAdapter(), 2.0),  # a provider no spec declares: the standard header alone
    ],
    ids=["openai", "groq", "openrouter", "undeclared"],
)
def test_an_error_waits_as_the_provider_names_spec_declares(
    adapter: FakeAdapter, expected: float
) -> None:
    request = httpx.Request("POST", "https://api.example.com/v1")
    headers = {"retry-after-ms": "250", "retry-after": "2"}
    response = httpx.Response(429, request=request, headers=headers)
    assert status_failure(adapter, response, b"{}").retry_after == expected


def test_retry_after_http_date() -> None:
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    value = retry_after_from({"retry-after": date}, now=now)
    assert value is not None and 29 <= value <= 31


def test_failure_messages_name_the_host_not_the_url_or_headers() -> None:
    exc = httpx.ConnectError("refused")
    err = request_failure(exc, "fake", "api.example.com")
    assert isinstance(err, APIConnectionError)
    assert str(err) == "fake: connection to api.example.com failed: ConnectError: refused"


def test_stream_failures() -> None:
    request = httpx.Request(
        "POST", "https://api.example.com/v1?key=secret", extensions={"timeout": {"read": 2.0}}
    )
    response = httpx.Response(200, request=request, headers={"x-request-id": "r"})
    got = [AIMessageChunk(content="ab"), AIMessageChunk(content="c")]

    idle = stream_failure(httpx.ReadTimeout("t"), FakeAdapter(), response, got)
    assert isinstance(idle, StreamIdleTimeoutError) and "nothing for 2 s" in str(idle)

    broken = stream_failure(httpx.ReadError(""), FakeAdapter(), response, got)
    assert isinstance(broken, StreamError) and broken.partial is not None
    assert broken.partial.text == "abc" and broken.request_id == "r"
    assert "secret" not in str(broken) and "ReadError" in str(broken)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.http import _errors

    failures, tried = doctest.testmod(_errors)
    assert failures == 0 and tried > 0


def test_destination_names_scheme_host_port_and_path_never_the_query() -> None:
    import httpx

    from chatplex.http._errors import destination

    assert destination(httpx.URL("http://127.0.0.1:9/v1/chat/completions?key=sk-1")) == (
        "http://127.0.0.1:9/v1/chat/completions"
    )
    assert destination(httpx.URL("https://api.example.com/v1/messages")) == (
        "https://api.example.com:443/v1/messages"
    )


@pytest.mark.parametrize("sync", [True, False])
def test_a_refused_connection_names_the_url_and_why(sync: bool) -> None:
    import asyncio

    from chatplex import init_chat_model

    port = refusing_port()
    url = f"http://127.0.0.1:{port}/v1"
    model = init_chat_model("openai:m", base_url=url, api_key="sk-x", max_retries=0)
    with pytest.raises(APIConnectionError) as info:
        model.invoke("hi") if sync else asyncio.run(model.ainvoke("hi"))
    text = str(info.value)
    assert f"connection to http://127.0.0.1:{port}/v1/chat/completions failed" in text
    assert "refused" in text.lower() and "ssl:default" not in text
