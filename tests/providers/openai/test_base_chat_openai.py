"""langchain-openai's BaseChatOpenAI ways as functions of a plain `ChatModel` holding its
partner data (`base_chat_openai.py`), read through the partner calls its LangChain class
hands down (`chatplex.langchain.traits.partner_calls`): `stop` as given, a call's
`Timeout` object in seconds, the async stream's chunk bound, tiktoken's counts of the
counted name; nothing of these on a model holding no such data. The drop-in engines read
the same functions (test_stop_dropin.py, test_chunk_bound.py, test_tokens.py; the
constructor's `extra_body` under a call's own: tests/adapters/test_extra_body_layer.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex.chat.model import ChatModel
from chatplex.langchain.traits import partner_calls
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.providers.openai import base_chat_openai as base
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter


def _model(
    data: base.BaseChatOpenAIData | None, *, responses: bool = False, **kw: Any
) -> ChatModel:
    adapter = (OpenAIResponsesAdapter if responses else OpenAIAdapter)(api_key="sk-test")
    if data is not None:
        base.with_data(adapter, data)
    model = ChatModel(adapter, "gpt-4", **kw)
    model.partner_calls = partner_calls(adapter)  # (as chatplex.langchain hands it down)
    return model


def _sent_stop(model: ChatModel) -> Any:
    return model._settings({}).extra_body.get("stop", "(none)")


@pytest.mark.parametrize(
    ("empty", "given", "bound", "sent"),
    [
        ("call", None, "END", "END"),  # one string sent as a string
        ("call", [], None, "(none)"),  # the constructor's [] left out
        ("call", None, [], []),  # a call's [] sent
        ("always", [], None, []),
        ("never", None, [], "(none)"),
    ],
)
def test_stop_is_sent_as_given(empty: Any, given: Any, bound: Any, sent: Any) -> None:
    held = base.held_stop(given, empty)  # (as its record's build holds it)
    model = _model(base.BaseChatOpenAIData(empty_stop_sent=empty), stop=held)
    called = model if bound is None else model.bind(stop=bound)
    assert _sent_stop(called) == sent


def test_a_list_goes_as_chatplex_sends_it_and_nothing_on_the_responses_api() -> None:
    model = _model(base.BaseChatOpenAIData())
    assert _sent_stop(model.bind(stop=["a"])) == "(none)"  # (the engine's list: `stop`)
    assert model.bind(stop=["a"])._settings({}).stop == ("a",)
    responses = _model(base.BaseChatOpenAIData(), responses=True)
    assert _sent_stop(responses.bind(stop=[])) == "(none)"


def test_a_model_without_its_data_sends_as_chatplex() -> None:
    model = _model(None)
    assert _sent_stop(model.bind(stop=[])) == "(none)"
    assert _sent_stop(model.bind(stop="END")) == "(none)"
    assert model.bind(stop="END")._settings({}).stop == ("END",)
    assert base.token_ids(model, "hi") is None and not base.counts_messages(model)


def test_a_calls_timeout_object_is_taken_in_seconds() -> None:
    model = _model(base.BaseChatOpenAIData())
    assert model.bind(timeout=httpx.Timeout(5, connect=2)).timeout == 5.0


async def _chunks() -> AsyncIterator[AIMessageChunk]:
    yield AIMessageChunk(content="hi")


@pytest.mark.parametrize(("bound", "idle"), [(5.0, 5.0), (None, None), (900.0, None)])
def test_an_async_stream_runs_bounded_by_its_chunk_timeout(
    bound: float | None, idle: float | None
) -> None:
    """The stream handed in runs on a copy waiting at most the bound for each chunk,
    where that is shorter than the model's timeout (600 s here), else on the model."""
    model = _model(base.BaseChatOpenAIData(stream_chunk_timeout=bound), timeout=600)
    ran: list[ChatModel] = []

    def stream(on: Any, *sent: Any) -> AsyncIterator[AIMessageChunk]:
        ran.append(on)
        return _chunks()

    hook = model.partner_calls.async_stream
    assert hook is not None
    hook(model, [HumanMessage("hi")], model._settings({}), {}, stream)
    assert [m.stream_idle_timeout for m in ran] == [idle]
    assert (ran[0] is model) == (idle is None)


@pytest.fixture
def _offline(tmp_path: Path) -> Iterator[None]:
    pytest.importorskip("tiktoken")
    from tests._tiktoken import offline_tiktoken

    with offline_tiktoken(tmp_path / "tiktoken"):
        yield


@pytest.mark.usefixtures("_offline")
def test_tokens_are_counted_with_the_counted_name() -> None:
    from chatplex.providers.openai.tokens import count_message_tokens
    from chatplex.providers.openai.tokens import token_ids

    model = _model(base.BaseChatOpenAIData(counted_name="gpt-4"))
    model.model = "my-gpt"  # (a name tiktoken does not know: the counted one is read)
    said = [HumanMessage("What's the weather in Paris?")]
    assert base.token_ids(model, "hello there") == token_ids("gpt-4", "hello there")
    assert base.counts_messages(model)
    assert base.num_tokens_from_messages(model, said, None, {}) == count_message_tokens(
        "gpt-4", said
    )
    assert base.num_tokens_from_messages(model, said, None, {"other": 1}) is None


def test_its_stream_tells_logprobs_over_chat_completions_and_none_over_responses() -> None:
    from chatplex.providers.openai.base_chat_openai import told_by_api
    from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter

    class Piece:
        text = "hi"
        generation_info = {"logprobs": {"content": []}}

    piece = Piece()
    chat = told_by_api(lambda name: None, OpenAIAdapter(api_key="sk-x"), piece)
    assert chat == ("hi", {"chunk": piece, "logprobs": {"content": []}})
    responses = told_by_api(lambda name: None, OpenAIResponsesAdapter(api_key="sk-x"), piece)
    assert responses == ("hi", {"chunk": piece})
