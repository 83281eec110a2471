"""A cache entry (chatplex/chat/caching/entries.py): the key is the provider, URL and body,
never the API key, so one changed setting misses only the rows it changes; a stored
reply loads as a fresh object each hit, through a decode memo bounded in bytes."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import InMemoryCache
from chatplex.adapters.request_types import HTTPRequest
from chatplex.chat.caching.entries import cache_key
from chatplex.chat.caching.entries import dump_reply
from chatplex.chat.caching.entries import load_reply
from chatplex.testing import MockServer
from tests._calls import ask

from ..conftest import ask_batch
from ..conftest import make
from ..conftest import parity

pytestmark = pytest.mark.usefixtures("clean_cache")


def request(body: dict[str, Any], headers: dict[str, str] | None = None) -> HTTPRequest:
    return HTTPRequest("POST", "https://api.x/v1/chat/completions", headers or {}, body)


def test_the_key_is_the_provider_url_and_body_never_the_api_key() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}
    key = cache_key("openai", request(body, {"authorization": "Bearer a"}))
    assert len(key) == 64
    assert key == cache_key("openai", request(body, {"authorization": "Bearer b"}))
    reordered = {"temperature": 0, "messages": body["messages"], "model": "m"}
    assert key == cache_key("openai", request(reordered))
    streamed = {**body, "stream": True, "stream_options": {"include_usage": True}}
    assert key == cache_key("openai", request(streamed))  # stream and non-stream share
    assert key != cache_key("openai", request({**body, "temperature": 1}))
    assert key != cache_key("anthropic", request(body))
    other_url = HTTPRequest("POST", "https://other/v1/chat/completions", {}, body)
    assert key != cache_key("openai", other_url)


def test_the_headers_a_wire_declares_change_the_key_and_no_others() -> None:
    # `ProviderSpec.cache_key_headers`: Anthropic's API version and betas change a reply.
    body = {"model": "m", "messages": [], "max_tokens": 1}
    plain = cache_key("anthropic", request(body))
    beta = request(body, {"anthropic-beta": "prompt-caching-2024-07-31"})
    assert cache_key("anthropic", beta) != plain
    assert cache_key("anthropic", request(body, {"x-trace": "1"})) == plain
    # a wire that declares none: its headers never change the key
    assert cache_key("openai", beta) == cache_key("openai", request(body))
    assert cache_key("no-such-provider", beta) == cache_key("no-such-provider", request(body))


@parity
async def test_one_changed_setting_misses_only_the_rows_it_changes(
    mock: MockServer, sync: bool
) -> None:
    cache = InMemoryCache()
    model = make(mock, cache=cache)
    rows = [f"r{i}" for i in range(10)]
    await ask_batch(model, sync, rows)
    changed = model.bind(temperature=0.5)
    for i, row in enumerate(rows):
        await ask(changed if i < 3 else model, sync, row)
    assert mock.stats.requests == 13  # 10 first, then only the 3 changed rows


def test_hits_are_independent_objects_and_the_decode_memo_is_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Hits decode through a memo of marshal bytes: each hit is a fresh object tree, and
    the memo stays within its byte bound."""
    from chatplex.chat.caching import entries as module

    message = AIMessage(
        "hi",
        response_metadata={"model_name": "m", "token_usage": {"total_tokens": 3}},
        usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
    )
    value = dump_reply(message)
    first = load_reply(value)
    assert first is not None
    first.response_metadata["token_usage"]["total_tokens"] = 99
    first.usage_metadata["input_tokens"] = 99  # type: ignore[index]
    second = load_reply(value)
    assert second is not None
    assert second.response_metadata["token_usage"] == {"total_tokens": 3}
    assert second.usage_metadata == message.usage_metadata
    monkeypatch.setattr(module, "_MEMO_BYTES", 10_000)
    for i in range(200):
        load_reply(dump_reply(AIMessage(f"reply {i}")))
    assert module._memo_size <= 10_000
    assert sum(len(k) + len(v) for k, v in module._memo.items()) == module._memo_size


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.caching import entries

    failures, tried = doctest.testmod(entries)
    assert failures == 0 and tried > 0
