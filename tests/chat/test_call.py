"""One call as `ChatModel._prepare` describes it (`chat/call.py`): the model it is sent
with, the messages, the settings, the config as given and its callback run."""

from __future__ import annotations

import pytest

from chatplex import FakeChatModel
from chatplex.chat.call import Call
from chatplex.core.run_config import RunnableConfig
from chatplex.messages import HumanMessage


def test_a_call_without_overrides_is_sent_with_the_model_itself() -> None:
    model = FakeChatModel(temperature=0.5)
    config: RunnableConfig = {}
    call = model._prepare("hi", config, {})
    assert isinstance(call, Call)
    assert call.sender is model
    assert call.messages == [HumanMessage("hi")]
    assert call.settings.temperature == 0.5
    assert call.config is config  # the config as given: the http layer reads its deadline
    assert call.run is None  # nobody listens


def test_a_call_with_overrides_is_sent_with_a_bound_copy() -> None:
    model = FakeChatModel(temperature=0.5)
    call = model._prepare("hi", {}, {"temperature": 0.1, "max_retries": 0})
    assert call.sender is not model
    assert call.settings.temperature == 0.1
    assert call.sender.max_retries == 0  # a bound of the send, not only of the body
    assert (model.temperature, model.max_retries) == (0.5, 2)


def test_a_call_with_callbacks_carries_its_run_and_tells_the_config() -> None:
    from chatplex.chat.callbacks import UsageMetadataCallbackHandler

    config: RunnableConfig = {"callbacks": [UsageMetadataCallbackHandler()]}
    call = FakeChatModel()._prepare("hi", config, {})
    assert call.run is not None
    assert config["_chat_run"] is call.run  # so the http layer's retries report to it


def test_an_async_call_refuses_an_unknown_keyword_as_an_async_call() -> None:
    # `asynchronous` reaches the bound copy's keyword check (a drop-in names its SDK's
    # async method there); a model of chatplex's own refuses either way, naming it.
    from chatplex import init_chat_model

    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
    with pytest.raises(TypeError, match="temperatur"):
        model._prepare("hi", {}, {"temperatur": 0.1}, True)
    assert model._prepare("hi", {}, {"seed": 1}, True).settings.extra_body["seed"] == 1
