"""`init_chat_model(configurable_fields=..., config_prefix=...)` and LangChain's other
keywords (`model_provider`, no model at all): the model each call builds, from the
default configuration and the fields its config may set. Side by side with LangChain's
own init_chat_model in tests/partners/init_chat_model/."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from pydantic import BaseModel

from chatplex import init_chat_model
from chatplex.chat.configuration.configurable_fields import FieldsConfigurableModel


def name_of(reply: Any) -> str:
    return reply.response_metadata["model_name"]  # type: ignore[no-any-return]


def test_model_provider_names_the_provider_of_a_bare_model_name() -> None:
    assert init_chat_model("m", model_provider="fake").model == "m"
    assert init_chat_model("gpt-4o-mini", model_provider="OpenAI", api_key="k").provider == "openai"
    with pytest.raises(ValueError, match="give the model too"):
        init_chat_model(model_provider="fake", profile="x")


def test_no_model_is_a_model_configured_per_call() -> None:
    model = init_chat_model(responses=["hi"])
    assert isinstance(model, FieldsConfigurableModel)
    config = {"configurable": {"model": "b", "model_provider": "fake"}}
    assert name_of(model.invoke("x", config)) == "b"
    # Only model and model_provider by default: another field is not taken from a call.
    config = {"configurable": {"model": "fake:b", "responses": ["no"]}}
    assert model.invoke("x", config).text == "hi"


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_listed_fields_any_and_a_prefix(sync: bool) -> None:
    listed = init_chat_model("fake:a", configurable_fields=("responses",), responses=["hi"])
    anything = init_chat_model("fake:a", configurable_fields="any", config_prefix="first")
    calls = [
        (listed, {"configurable": {"model": "fake:b", "responses": ["yo"]}}, ("a", "yo")),
        (anything, {"configurable": {"first_model": "fake:c", "model": "fake:z"}}, ("c", None)),
    ]
    for model, config, (expected_name, expected_text) in calls:
        reply = model.invoke("x", config) if sync else await model.ainvoke("x", config)
        assert name_of(reply) == expected_name
        if expected_text is not None:
            assert reply.text == expected_text


def test_bind_tools_and_structured_output_wait_for_the_model() -> None:
    class Greeting(BaseModel):
        text: str

    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    base = init_chat_model(responses=['{"text": "hello"}'])
    tooled = base.bind_tools([add])
    assert isinstance(tooled, FieldsConfigurableModel) and tooled is not base
    assert tooled.queued[0][0] == "bind_tools" and not base.queued
    structured = base.with_structured_output(Greeting, method="json_mode")
    config = {"configurable": {"model": "fake:z"}}
    assert structured.invoke("x", config) == Greeting(text="hello")


def test_a_batch_runs_each_input_on_its_own_model() -> None:
    model = init_chat_model(responses=["hi"])
    configs = [{"configurable": {"model": f"fake:{n}"}} for n in ("a", "b", "a")]
    assert [name_of(r) for r in model.batch(["x", "y", "z"], configs)] == ["a", "b", "a"]


def test_a_prefix_without_fields_warns_as_langchain() -> None:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        init_chat_model("fake:a", config_prefix="foo")
    assert [w.category for w in seen] == [UserWarning]


def test_a_model_that_is_not_a_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="model must be a string"):
        init_chat_model(42)  # type: ignore[call-overload]


def test_the_repr_shows_no_setting() -> None:
    model = init_chat_model(api_key="sk-never-shown", configurable_fields="any")
    assert "sk-never-shown" not in repr(model) and "configurable_fields='any'" in repr(model)


def test_a_builder_given_builds_each_calls_model_and_outlives_queued_calls() -> None:
    built: list[tuple[str, dict[str, Any]]] = []

    def builder(name: str, settings: dict[str, Any]) -> Any:
        built.append((name, settings))
        return init_chat_model(name, **settings)

    model = init_chat_model(responses=["hi"]).building_with(builder)
    queued = model.bind_tools([])
    assert queued.builder is builder
    assert queued.invoke("x", {"configurable": {"model": "fake:b"}}).text == "hi"
    assert built == [("fake:b", {"responses": ["hi"]})]
