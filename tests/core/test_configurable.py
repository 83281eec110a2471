"""`configurable_fields` / `configurable_alternatives` on prompts, lambdas and chat models."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.chat import FakeChatModel
from chatplex.core import (
    ChatPromptTemplate,
    ConfigurableField,
    ConfigurableFieldSingleOption,
    PromptTemplate,
    RunnableLambda,
)


def _text(value: Any) -> str:
    return str(value.to_string())


@pytest.mark.parametrize("sync", [True, False])
def test_fields_are_set_per_call(sync: bool) -> None:
    prompt = PromptTemplate.from_template("joke about {t}").configurable_fields(
        template=ConfigurableField(id="tpl")
    )
    chain = prompt | RunnableLambda(_text)
    config: Any = {"configurable": {"tpl": "poem about {t}"}}
    if sync:
        got = [chain.invoke({"t": "tea"}), chain.invoke({"t": "tea"}, config)]
    else:

        async def run() -> list[Any]:
            return [await chain.ainvoke({"t": "tea"}), await chain.ainvoke({"t": "tea"}, config)]

        got = asyncio.run(run())
    assert got == ["joke about tea", "poem about tea"]


def test_chat_model_settings_are_configurable() -> None:
    model = FakeChatModel(responses=["ok"]).configurable_fields(
        temperature=ConfigurableField(id="temp")
    )
    chosen = model._prepare({"configurable": {"temp": 0.7}})  # type: ignore[attr-defined]
    assert chosen.temperature == 0.7
    assert model._prepare({}) is model.default  # type: ignore[attr-defined]
    assert model.invoke("hi", {"configurable": {"temp": 0.7}}).text == "ok"


def test_single_option_fields() -> None:
    prompt = PromptTemplate.from_template("a {x}").configurable_fields(
        template=ConfigurableFieldSingleOption(
            id="style", options={"a": "a {x}", "b": "b {x}"}, default="a"
        )
    )
    assert prompt.invoke({"x": 1}, {"configurable": {"style": "b"}}).to_string() == "b 1"
    with pytest.raises(ValueError, match="unknown option 'c'"):
        prompt.invoke({"x": 1}, {"configurable": {"style": "c"}})


def test_unknown_fields_are_refused_up_front() -> None:
    with pytest.raises(ValueError, match="has no field 'nope'"):
        PromptTemplate.from_template("x").configurable_fields(nope=ConfigurableField(id="n"))
    with pytest.raises(TypeError, match="ConfigurableField"):
        PromptTemplate.from_template("x").configurable_fields(template="t")


@pytest.mark.parametrize("sync", [True, False])
def test_alternatives_are_chosen_per_call(sync: bool) -> None:
    prompt = PromptTemplate.from_template("joke {t}").configurable_alternatives(
        ConfigurableField(id="p"),
        default_key="joke",
        poem=PromptTemplate.from_template("poem {t}"),
        chat=lambda: ChatPromptTemplate.from_messages([("human", "chat {t}")]),
    )
    keys = [None, "poem", "chat", "joke"]
    configs: list[Any] = [{} if k is None else {"configurable": {"p": k}} for k in keys]
    if sync:
        got = [_text(prompt.invoke({"t": 1}, c)) for c in configs]
    else:

        async def run() -> list[str]:
            return [_text(await prompt.ainvoke({"t": 1}, c)) for c in configs]

        got = asyncio.run(run())
    assert got == ["joke 1", "poem 1", "Human: chat 1", "joke 1"]
    with pytest.raises(ValueError, match="unknown alternative 'x'"):
        prompt.invoke({"t": 1}, {"configurable": {"p": "x"}})
    assert [s.id for s in prompt.config_specs] == ["p"]  # type: ignore[attr-defined]


def test_prefixed_keys_reach_the_chosen_alternative() -> None:
    inner = PromptTemplate.from_template("a {t}").configurable_fields(
        template=ConfigurableField(id="tpl")
    )
    switch = PromptTemplate.from_template("d {t}").configurable_alternatives(
        ConfigurableField(id="p"), prefix_keys=True, alt=inner
    )
    config: Any = {"configurable": {"p": "alt", "p==alt/tpl": "z {t}"}}
    assert switch.invoke({"t": 1}, config).to_string() == "z 1"


def test_default_key_cannot_name_an_alternative() -> None:
    with pytest.raises(ValueError, match="names the default"):
        PromptTemplate.from_template("x").configurable_alternatives(
            ConfigurableField(id="p"), default=PromptTemplate.from_template("y")
        )
