"""langchain-openai's bound on an async stream's chunks (`chunk_bound.py`): how it is read
(given, its variable, its default; bad values fall back with a warning, as there) and
when it bounds a stream (only where it is shorter than the read timeout the stream waits
by; chatplex's own `stream_idle_timeout` wins). Side by side with langchain-openai:
tests/partners/test_openai_environment.py."""

from __future__ import annotations

import logging

import httpx
import pytest

from chatplex.chat.model import ChatModel
from chatplex.messages import AIMessageChunk
from chatplex.providers.openai.chunk_bound import STREAM_CHUNK_VARIABLE
from chatplex.providers.openai.chunk_bound import bounded_for_async
from chatplex.providers.openai.chunk_bound import stream_chunk_timeout


@pytest.fixture(autouse=True)
def _unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(STREAM_CHUNK_VARIABLE, raising=False)


@pytest.mark.parametrize(
    ("given", "variable", "expected"),
    [
        (None, None, 120.0),  # not given, no variable: its default
        (None, "7.5", 7.5),  # not given: its variable
        (None, "0", None),  # the variable's 0: off
        (3, "7.5", 3.0),  # given wins
    ],
)
def test_the_bound_is_given_else_its_variable_else_120(
    given: float | None,
    variable: str | None,
    expected: float | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if variable is not None:
        monkeypatch.setenv(STREAM_CHUNK_VARIABLE, variable)
    assert stream_chunk_timeout(given, was_given=given is not None) == expected


def test_none_or_zero_given_turn_it_off_whatever_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(STREAM_CHUNK_VARIABLE, "7.5")
    assert stream_chunk_timeout(None, was_given=True) is None
    assert stream_chunk_timeout(0, was_given=True) is None


@pytest.mark.parametrize(("given", "variable"), [(-1, None), (None, "-3"), (None, "soon")])
def test_a_bad_value_falls_back_to_the_default_with_a_warning(
    given: float | None,
    variable: str | None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if variable is not None:
        monkeypatch.setenv(STREAM_CHUNK_VARIABLE, variable)
    with caplog.at_level(logging.WARNING, logger="chatplex.providers.openai.chunk_bound"):
        assert stream_chunk_timeout(given, was_given=given is not None) == 120.0
    assert "Invalid" in caplog.text


def _model(**settings: object) -> ChatModel:
    return ChatModel(None, "m", **settings)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "pool_read", "bounded"),
    [
        ({}, 600.0, True),  # the pool's read timeout is longer: the bound applies
        ({}, 0.25, False),  # ... shorter: it bounds the stream sooner already
        ({"timeout": 30}, 600.0, True),
        ({"timeout": 200}, 600.0, True),
        ({"timeout": 60, "stream_idle_timeout": 300}, 600.0, False),  # chatplex's own wins
        ({"http_async_client": httpx.AsyncClient(timeout=5.0)}, 600.0, False),
        ({"http_async_client": httpx.AsyncClient(timeout=None)}, 600.0, True),
    ],
)
def test_an_async_stream_is_bounded_only_where_the_bound_is_shorter(
    settings: dict[str, object], pool_read: float, bounded: bool
) -> None:
    model = _model(**settings)
    copy = bounded_for_async(model, 20.0 if "timeout" in settings else 120.0, pool_read)
    if not bounded:
        assert copy is None
        return
    assert copy is not None and copy is not model
    assert copy.stream_idle_timeout in (20.0, 120.0)
    assert model.stream_idle_timeout == settings.get("stream_idle_timeout")


def test_no_bound_bounds_nothing() -> None:
    assert bounded_for_async(_model(), None, 600.0) is None


def test_a_chunk_bound_timeout_is_raised_as_langchain_openai_raises_it() -> None:
    """A builtin TimeoutError (which LangGraph's default RetryPolicy leaves alone, as it
    leaves langchain-openai's), with the partner's fields; chatplex's class and words
    kept, the cause too."""
    import asyncio

    from chatplex.errors import StreamIdleTimeoutError
    from chatplex.providers.openai.chunk_bound import chunk_timeouts

    cause = httpx.ReadTimeout("quiet")

    async def stream():  # type: ignore[no-untyped-def]
        yield AIMessageChunk(content="Hel")
        raise StreamIdleTimeoutError("h sent no content for 5 s", provider="openai") from cause

    async def drain() -> list[AIMessageChunk]:
        return [chunk async for chunk in chunk_timeouts(stream(), bounded)]

    bounded = ChatModel(None, "gpt-4o-mini", stream_idle_timeout=5.0)
    # (its class where a script could name it: langchain-openai imported)
    partner = pytest.importorskip("langchain_openai.chat_models._client_utils")
    with pytest.raises(TimeoutError) as raised:
        asyncio.run(drain())
    err = raised.value
    assert isinstance(err, StreamIdleTimeoutError) and err.__cause__ is cause
    assert (err.timeout_s, err.model_name, err.chunks_received) == (5.0, "gpt-4o-mini", 1)
    assert isinstance(err, partner.StreamChunkTimeoutError)
    assert type(err).__name__ == "StreamChunkTimeoutError"
