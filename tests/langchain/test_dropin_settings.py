"""The engine's settings as the partner's fields: compared on copies and pickles, bound
on a copy when LangChain's configurable fields or `model_copy` change them (and written
in its serialized form), refused where they cannot change on a built model."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from _dropinkit import CLASSES
from _dropinkit import MODELS
from _dropinkit import PROVIDERS
from _dropinkit import llm
from _lckit import UNIT_BASE_URL
from _lckit import base_url
from test_dropin_serialized import _KEY

from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_copies_and_pickles_equal_their_model_and_answer(provider: str, sync: bool) -> None:
    """As langchain-anthropic's model does (a pydantic model, its key a SecretStr): equal
    when built the same way, apart when a setting or the key differs."""
    model = llm(provider, temperature=0.3)
    for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert type(other) is type(model) and other == model
        assert other.chatplex_model is not model.chatplex_model
        reply = other.invoke("hello there") if sync else await other.ainvoke("hello there")
        assert reply.content == "Echo: hello there"
    assert llm(provider, temperature=0.3) == model
    assert llm(provider, temperature=0.5) != model
    other_engine = llm(provider).chatplex_model
    engine_given = model.model_copy(update={"chatplex_model": other_engine})
    # The fields are the settings (pydantic's eq, the partner's); the engine given is
    # the copy's (LangChain's binding copies so).
    assert engine_given.chatplex_model is other_engine
    other_key = CLASSES[provider](
        model=MODELS[provider], base_url=base_url(provider), api_key="sk-other", temperature=0.3
    )
    assert other_key != model


def test_langchains_configurable_fields_change_the_engines_settings() -> None:
    from langchain_core.runnables import ConfigurableField

    from chatplex.testing import ChatMock

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0)
    with pytest.raises(ValueError, match="Configuration key model not found"):
        model.configurable_fields(model=ConfigurableField(id="m"))  # (an alias, as there)
    switch = model.configurable_fields(
        temperature=ConfigurableField(id="t"), model_name=ConfigurableField(id="m")
    )
    with ChatMock() as mock:
        mock.openai.reply_text("a").reply_text("b")
        switch.invoke("x")
        assert mock.openai.last_settings == {"model": "gpt-4o-mini", "temperature": 0}
        switch.invoke("x", {"configurable": {"t": 0.9, "m": "gpt-4o"}})
        assert mock.openai.last_settings == {"model": "gpt-4o", "temperature": 0.9}
    assert model.temperature == 0  # the original is unchanged


def test_a_copy_with_the_model_or_sampling_settings_changed_sends_them() -> None:
    from langchain_core import load

    from chatplex.testing import ChatMock

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0.3)
    updated = model.model_copy(update={"temperature": 0.9, "max_tokens": 7})
    # Under the partner's field name (langchain-anthropic's `stop_sequences`), not its alias.
    anthropic = ChatAnthropic(model="claude-haiku-4-5", api_key="k")
    stopping = anthropic.model_copy(update={"stop_sequences": ["END"]})
    with ChatMock() as mock:
        mock.openai.reply_text("a").reply_text("b")
        updated.invoke("x")
        assert mock.openai.last_settings == {
            "model": "gpt-4o-mini",
            "temperature": 0.9,
            "max_completion_tokens": 7,  # as langchain-openai sends max_tokens
        }
        model.invoke("x")
        assert mock.openai.last_settings == {"model": "gpt-4o-mini", "temperature": 0.3}
        mock.openai.reply_text("c")
        model.model_copy(update={"model_name": "gpt-4o"}).invoke("x")
        assert mock.openai.last_settings == {"model": "gpt-4o", "temperature": 0.3}
        mock.anthropic.reply_text("d")
        stopping.invoke("x")
        assert mock.anthropic.last_settings["stop_sequences"] == ["END"]
    assert load.dumpd(updated)["kwargs"]["temperature"] == 0.9
    assert load.dumpd(model)["kwargs"]["temperature"] == 0.3


def test_the_base_url_of_a_built_model_does_not_change() -> None:
    from langchain_core.runnables import ConfigurableField

    switch = ChatOpenAI(model="m", api_key="k").configurable_fields(
        openai_api_base=ConfigurableField(id="url")  # (its field; `base_url` its alias)
    )
    with pytest.raises(ValueError, match="base_url cannot change"):
        switch.invoke("x", {"configurable": {"url": "http://127.0.0.1:9/v1"}})


def test_the_engines_model_kwargs_are_shown_masked_kept_on_copies_and_changed() -> None:
    from langchain_core.load import dumps
    from langchain_core.runnables import ConfigurableField

    from chatplex.langchain import ChatBedrock
    from chatplex.secret import MASK

    extras = {"top_k": 2, "x_api_key": "sk-hidden"}
    model = ChatBedrock(
        model_id="anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-east-1",
        aws_access_key_id="a",
        aws_secret_access_key="b",
        model_kwargs=extras,
    )
    assert _sent_kwargs(model, extras) == extras  # its model sends them
    # Its field holds them as given, as langchain-aws's does (read by a script); every
    # form that shows or writes them masks the key, where langchain-aws's shows it.
    assert model.model_kwargs == extras
    assert model.model_dump()["model_kwargs"] == {"top_k": 2, "x_api_key": MASK}
    for shown in (repr(model), model.model_dump_json(), dumps(model)):
        assert "sk-hidden" not in shown
    assert model.model_copy().model_kwargs == model.model_kwargs
    switch = model.configurable_fields(
        temperature=ConfigurableField(id="t"), model_kwargs=ConfigurableField(id="kw")
    )
    assert switch.with_config(configurable={"t": 0.5}).get_graph() is not None
    # Changed by a configurable field, they are sent, as langchain-aws reads them at
    # each request: the model is built again from its keywords, these replaced.
    built, _ = switch._prepare({"configurable": {"kw": {"top_k": 3}}})
    assert _sent_kwargs(built, extras) == {"top_k": 3}
    assert _sent_kwargs(model, extras) == extras  # the original's


def _sent_kwargs(model: Any, extras: dict[str, Any]) -> dict[str, Any]:
    """Those of `extras`' keys its model's InvokeModel body carries, as sent."""
    body = model.chatplex_model.build_request("hi").json
    return {k: body[k] for k in extras if k in body}


def test_settings_changed_by_configurable_fields_are_serialized() -> None:
    from langchain_core.load import dumpd
    from langchain_core.runnables import ConfigurableField

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0)
    switch = model.configurable_fields(
        temperature=ConfigurableField(id="t"), model_name=ConfigurableField(id="m")
    )
    built, _ = switch._prepare({"configurable": {"t": 0.9, "m": "gpt-4o"}})
    kwargs = dumpd(built)["kwargs"]
    assert (kwargs["model_name"], kwargs["temperature"]) == ("gpt-4o", 0.9)
    assert dumpd(model)["kwargs"]["model_name"] == "gpt-4o-mini"  # the original's


def test_a_key_changed_on_a_built_drop_in_is_refused() -> None:
    # langchain-deepseek's `api_key` is shown as the partner holds it; the engine holds
    # the key it was built with, so a copy with another key is refused, not half-made.
    from langchain_core.runnables import ConfigurableField

    import chatplex.langchain

    llm = chatplex.langchain.ChatDeepSeek(
        model="deepseek-chat", api_key=_KEY, api_base=UNIT_BASE_URL
    )
    assert llm.api_key.get_secret_value() == _KEY
    same, _ = llm.configurable_fields(api_key=ConfigurableField(id="k"))._prepare({})
    assert same.api_key.get_secret_value() == _KEY
    switch = llm.configurable_fields(api_key=ConfigurableField(id="k"))
    with pytest.raises(ValueError, match="api_key cannot change"):
        switch._prepare({"configurable": {"k": "another-key"}})


def test_a_copy_equals_its_model_after_either_was_serialized() -> None:
    """A copy, shallow or deep, equals its model after either was serialized (`dumpd`
    reads its fields): the two compare by their fields, as the partner's copies do."""
    from langchain_core.load import dumpd

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0.3)
    shallow, deep = model.model_copy(), copy.deepcopy(model)
    dumpd(model)
    assert model == shallow and model == deep and deep == model
    assert model != ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0.5)


def test_fields_inside_an_assigned_model_kwargs_are_sent_over_the_fields() -> None:
    # (`sent_over_fields`: the keywords a model holds, its engine built from these.)
    from chatplex.langchain import ChatGroq
    from chatplex.langchain.dropin_settings import sent_over_fields

    held = {"model": "m", "temperature": 0.2, "model_kwargs": {"temperature": 0.9, "user": "u"}}
    assert sent_over_fields(ChatOpenAI, held) == {
        "model": "m",
        "temperature": 0.9,
        "model_kwargs": {"user": "u"},
    }
    assert held["model_kwargs"] == {"temperature": 0.9, "user": "u"}  # (left as held)
    # Under another spelling of the field: the field's value replaced, not kept beside it.
    spelled = {"model_name": "m", "model_kwargs": {"model": "n"}}
    assert sent_over_fields(ChatOpenAI, spelled) == {"model": "n", "model_kwargs": {}}
    # A partner that never lifts its fields out of `model_kwargs` sends them as held.
    assert sent_over_fields(ChatGroq, held) is held
