"""`configurable_fields` / `configurable_alternatives` on prompts, lambdas and chat models."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.chat import FakeChatModel
from chatplex.core import ChatPromptTemplate
from chatplex.core import ConfigurableField
from chatplex.core import ConfigurableFieldSingleOption
from chatplex.core import PromptTemplate
from chatplex.core import RunnableLambda


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
    with pytest.raises(ValueError, match="Unknown alternative: x"):
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


# ---- LangChain's field objects, aliases, config_specs of chains ------------------------


class ForeignField:
    """A field of another library, in LangChain's shape (read by its attributes)."""

    def __init__(self, id: str, **kw: Any) -> None:
        self.id = id
        self.name = kw.get("name")
        self.description = kw.get("description")
        self.annotation = kw.get("annotation")
        self.is_shared = False


class ForeignOption(ForeignField):
    def __init__(self, id: str, options: dict[str, Any], default: Any) -> None:
        super().__init__(id)
        self.options = options
        self.default = default


@pytest.mark.parametrize("sync", [True, False])
def test_fields_of_another_library_are_read_by_their_shape(sync: bool) -> None:
    prompt = PromptTemplate.from_template("joke about {t}").configurable_fields(
        template=ForeignField("tpl", name="Template")
    )
    chain = prompt | RunnableLambda(_text)
    config: Any = {"configurable": {"tpl": "poem about {t}"}}
    out = (
        chain.invoke({"t": "tea"}, config)
        if sync
        else asyncio.run(chain.ainvoke({"t": "tea"}, config))
    )
    assert out == "poem about tea"
    assert [s.id for s in chain.config_specs] == ["tpl"]
    assert chain.config_specs[0].name == "Template"
    single = PromptTemplate.from_template("a {t}").configurable_fields(
        template=ForeignOption("pick", {"b": "b {t}", "c": "c {t}"}, default="b")
    )
    assert _text(single.invoke({"t": 1})) == "b 1"
    assert _text(single.invoke({"t": 1}, {"configurable": {"pick": "c"}})) == "c 1"


def test_objects_without_a_fields_shape_are_refused_by_name() -> None:
    with pytest.raises(TypeError, match=r"configurable_fields\(template=...\) needs a "):
        PromptTemplate.from_template("{t}").configurable_fields(template="tpl")
    with pytest.raises(TypeError, match=r"configurable_alternatives\(\) needs a "):
        PromptTemplate.from_template("{t}").configurable_alternatives(object(), x=lambda: None)


def test_langchains_configurable_field_classes_are_accepted() -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    prompt = PromptTemplate.from_template("joke about {t}")
    fields = prompt.configurable_fields(template=lc.ConfigurableField(id="tpl"))
    assert _text(fields.invoke({"t": 1}, {"configurable": {"tpl": "x {t}"}})) == "x 1"
    multi = RunnableLambda(lambda x: x).configurable_alternatives(
        lc.ConfigurableField(id="which"), default_key="same", upper=lambda x: x.upper()
    )
    assert multi.invoke("a", {"configurable": {"which": "upper"}}) == "A"
    option = prompt.configurable_fields(
        template=lc.ConfigurableFieldSingleOption(
            id="style", options={"a": "a {t}", "b": "b {t}"}, default="a"
        )
    )
    assert _text(option.invoke({"t": 2}, {"configurable": {"style": "b"}})) == "b 2"


class Aliased(RunnableLambda):
    """A runnable with another spelling of one attribute (as chat models have)."""

    field_aliases = {"prefix_text": "prefix"}

    def __init__(self) -> None:
        self.prefix = ">"
        super().__init__(lambda x: self.prefix + x)


def test_field_aliases_name_the_attribute_configured() -> None:
    step = Aliased().configurable_fields(prefix_text=ConfigurableField(id="p"))
    assert step.fields == {"prefix": ConfigurableField(id="p")}
    with pytest.raises(ValueError, match="names 'prefix' again"):
        Aliased().configurable_fields(
            prefix=ConfigurableField(id="a"), prefix_text=ConfigurableField(id="b")
        )


def test_chains_report_the_union_of_their_steps_specs() -> None:
    tpl = PromptTemplate.from_template("{t}").configurable_fields(
        template=ConfigurableField(id="tpl")
    )
    model = FakeChatModel(responses=["x"]).configurable_fields(
        temperature=ConfigurableField(id="temp")
    )
    also_temp = RunnableLambda(lambda x: x).configurable_alternatives(
        ConfigurableField(id="alt"), other=RunnableLambda(lambda x: x)
    )
    chain = tpl | {"a": model, "b": also_temp} | RunnableLambda(lambda d: d)
    assert [s.id for s in chain.config_specs] == ["alt", "temp", "tpl"]
    bound = chain.with_config(tags=["x"])
    assert [s.id for s in bound.config_specs] == ["alt", "temp", "tpl"]
    # The same field in two steps is one spec; a different spec under one id is refused.
    twice = tpl | RunnableLambda(_text) | RunnableLambda(lambda s: {"t": s}) | tpl
    assert [s.id for s in twice.config_specs] == ["tpl"]
    clash = (
        tpl
        | RunnableLambda(_text)
        | RunnableLambda(lambda s: {"t": s})
        | (
            PromptTemplate.from_template("other {t}").configurable_fields(
                template=ConfigurableField(id="tpl")
            )
        )
    )
    with pytest.raises(ValueError, match="conflicting config specs for 'tpl'"):
        _ = clash.config_specs
    assert RunnableLambda(lambda x: x).config_specs == []


def test_alternatives_report_their_options_specs_prefixed_with_prefix_keys() -> None:
    inner = PromptTemplate.from_template("{t}").configurable_fields(
        template=ConfigurableField(id="tpl")
    )
    plain = inner.configurable_alternatives(ConfigurableField(id="which"), other=inner)
    assert [s.id for s in plain.config_specs] == ["tpl", "which"]
    prefixed = inner.configurable_alternatives(
        ConfigurableField(id="which"), prefix_keys=True, other=inner
    )
    assert [s.id for s in prefixed.config_specs] == [
        "which",
        "which==default/tpl",
        "which==other/tpl",
    ]


def test_a_langchain_runnable_in_a_chain_brings_its_specs() -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    from langchain_core.prompts import PromptTemplate as LCPromptTemplate

    lc_prompt = LCPromptTemplate.from_template("{t}").configurable_fields(
        template=lc.ConfigurableField(id="lc_tpl")
    )
    chain = RunnableLambda(lambda x: {"t": x}) | lc_prompt
    specs = chain.config_specs
    assert [s.id for s in specs] == ["lc_tpl"]
    assert type(specs[0]).__module__ == "chatplex.core.configurable"


def test_langchains_multi_option_and_spec_are_read_too() -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    from chatplex.core.configurable import ConfigurableFieldMultiOption
    from chatplex.core.configurable import as_field

    multi = as_field(
        lc.ConfigurableFieldMultiOption(
            id="tools", options={"a": 1, "b": 2}, default=["a"], name="Tools"
        ),
        "here",
    )
    assert multi == ConfigurableFieldMultiOption("tools", {"a": 1, "b": 2}, ["a"], "Tools")
    spec = lc.ConfigurableFieldSpec(id="tpl", annotation=str, name="T", default="x")
    prompt = PromptTemplate.from_template("a {t}").configurable_fields(template=spec)
    assert _text(prompt.invoke({"t": 1}, {"configurable": {"tpl": "b {t}"}})) == "b 1"
    assert prompt.config_specs[0].name == "T"
