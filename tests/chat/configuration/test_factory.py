"""`init_chat_model` (`chat/configuration/factory.py`): a model named in code, from the
configuration (environment and profiles, with fallbacks), or configurable per call."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex import init_chat_model
from chatplex.chat.configuration.configurable import ConfigurableChatModel
from chatplex.chat.configuration.factory import _build_spec
from chatplex.chat.configuration.profiles import ConfigError
from chatplex.chat.configuration.profiles import ModelSpec
from chatplex.chat.configuration.profiles import _reveal
from chatplex.core.reliability import RunnableWithFallbacks
from chatplex.secret import Secret
from tests.chat._model_wire import invoke
from tests.chat._model_wire import stream


@pytest.mark.parametrize("sync", [True, False])
async def test_init_chat_model_fake(sync: bool) -> None:
    model = init_chat_model("fake:any", responses=["pong", "pong again"], temperature=0.2)
    assert isinstance(model, FakeChatModel)
    assert isinstance(model, ChatModel)
    assert (model.provider, model.model, model.temperature) == ("fake", "any", 0.2)
    reply = await invoke(model, "ping", sync)
    assert reply.text == "pong"
    assert reply.response_metadata["model_name"] == "any"
    assert [c.text for c in await stream(model, "ping", sync)] == ["pong ", "again"]


def test_init_chat_model_validates_settings() -> None:
    with pytest.raises(ValueError, match="temperature"):
        init_chat_model("fake:any", temperature=5)


def test_configurable_checks_the_default_name_now_and_builds_later() -> None:
    with pytest.raises(ValueError, match="unknown provider 'nope'"):
        init_chat_model("nope:model", configurable=True)
    # No OpenAI key is needed until a call actually runs on the OpenAI model.
    switch = init_chat_model("openai:gpt-4o-mini", configurable=True, temperature=0)
    assert isinstance(switch, ConfigurableChatModel)
    assert switch.settings == {"temperature": 0}


# --- from the configuration ---------------------------------------------------------------


def test_secrets_are_revealed_only_when_the_model_is_built() -> None:
    settings = {"api_key": Secret("sk-a"), "headers": {"x": Secret("b")}, "list": [Secret("c"), 1]}
    assert _reveal(settings) == {"api_key": "sk-a", "headers": {"x": "b"}, "list": ["c", 1]}
    spec = ModelSpec("openai:gpt-test", {"api_key": Secret("sk-SENTINEL-built")})
    model = _build_spec(spec)
    assert model.adapter is not None and "sk-SENTINEL-built" not in repr(model)
    assert isinstance(model, ChatModel) and model.model == "gpt-test"


def test_a_bad_configured_setting_names_where_the_model_came_from() -> None:
    spec = ModelSpec("fake:m", {"temperature": 5.0}, origins={"model": "CHATPLEX_MODEL"})
    with pytest.raises(ConfigError, match="model 'fake:m' \\(from CHATPLEX_MODEL\\): temperature"):
        _build_spec(spec)
    with pytest.raises(ConfigError, match="from configuration"):
        _build_spec(ModelSpec("nope:m", {}))


def test_no_model_named_reads_the_environment(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "fake:from-env")
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "0.4")
    model = init_chat_model(responses=["env"])
    assert isinstance(model, FakeChatModel)
    assert (model.model, model.temperature) == ("from-env", 0.4)
    assert model.invoke("hi").text == "env"


def test_a_profile_with_fallbacks_becomes_a_fallback_chain(isolated: Path) -> None:
    (isolated / "chatplex.toml").write_text(
        '[profiles.default]\nmodel = "fake:first"\nfallbacks = ["backup"]\n'
        '[profiles.backup]\nmodel = "fake:second"\n',
        encoding="utf-8",
    )
    chain = init_chat_model()
    assert isinstance(chain, RunnableWithFallbacks)
    assert [m.model for m in (chain.runnable, *chain.fallbacks)] == ["first", "second"]  # type: ignore[attr-defined]


def test_configurable_from_the_configuration(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "fake:configured")
    switch = init_chat_model(configurable=True, responses=["ok"])
    assert isinstance(switch, ConfigurableChatModel)
    assert isinstance(switch.default, FakeChatModel) and switch.default.model == "configured"
    assert switch.invoke("hi").response_metadata["model_name"] == "configured"
    other = switch.invoke("hi", {"configurable": {"model": "fake:other"}})
    assert other.response_metadata["model_name"] == "other"


def test_a_model_named_in_code_is_built_as_named(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHATPLEX_TEMPERATURE", "0.9")  # not read: the model is named here
    model = init_chat_model("fake:code", temperature=0.1)
    assert (model.model, model.temperature) == ("code", 0.1)


def test_docstring_examples() -> None:
    import doctest

    from chatplex.chat.configuration import factory

    failures, tried = doctest.testmod(factory)
    assert failures == 0 and tried > 0
