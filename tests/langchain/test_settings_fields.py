"""ChatChatplex's fields as chatplex settings: extras into `model_kwargs`, LangChain's
spellings, no key shown, configurable fields read as LangChain's."""

from __future__ import annotations

from typing import Any

import pytest
from _chatchatplex import PROVIDERS
from _chatchatplex import llm
from _lckit import base_url

from chatplex import FakeChatModel
from chatplex.langchain import ChatChatplex
from tests._recorded import sent_bodies


@pytest.mark.parametrize("provider", PROVIDERS)
def test_settings_reach_chatplex_and_extras_go_to_model_kwargs(provider: str) -> None:
    model = llm(
        provider,
        temperature=0.5,
        max_tokens=7,
        stop=["x"],
        timeout=9,
        max_retries=4,
        rate_limit={"requests_per_minute": 600},
        extra_headers={"x-trace": "1"},
    )
    inner = model.chatplex_model
    assert (inner.temperature, inner.max_tokens, inner.stop, inner.timeout, inner.max_retries) == (
        0.5,
        7,
        ["x"],
        9,
        4,
    )
    assert inner.rate_limit is not None and inner.extra_headers == {"x-trace": "1"}
    assert set(model.model_kwargs) == {"rate_limit", "extra_headers"}
    params = model._get_ls_params()
    # As the provider's LangChain class reports them: ChatAnthropic keeps its stop as
    # `stop_sequences`, which it does not report.
    assert params == {
        "ls_provider": provider,
        "ls_model_name": "m",
        "ls_model_type": "chat",
        "ls_temperature": 0.5,
        "ls_max_tokens": 7,
        **({"ls_stop": ["x"]} if provider == "openai" else {}),
    }
    with pytest.raises(ValueError, match="temperature"):
        llm(provider, temperature=5)  # chatplex's own checks


def test_no_key_in_repr_params_or_dumps() -> None:
    model = llm("openai", default_headers={"x-api-key": "sk-header-456", "x-team": "blue"})
    shown = [repr(model), str(model), str(model._identifying_params)]
    shown.append(str(model._get_invocation_params()))
    for text in shown:
        assert "sk-secret-123" not in text and "sk-header-456" not in text
    assert "'x-team': 'blue'" in repr(model) and "'x-api-key': '***'" in repr(model)
    assert "sk-secret-123" not in str(model.model_dump())  # SecretStr


@pytest.mark.parametrize("sync", [True, False])
async def test_configurable_fields_read_the_partners_names_and_chatplexs_fields(
    sync: bool,
) -> None:
    # langchain-openai's field is `model_name`; a ported script's ConfigurableField is
    # chatplex's (`from chatplex import ConfigurableField`): LangChain's step reads both.
    from chatplex import ConfigurableField
    from chatplex.core.configurable import ConfigurableFieldSingleOption
    from chatplex.langchain import ChatOpenAI

    with sent_bodies() as (server, bodies):
        model = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
        by_name = model.configurable_fields(model_name=ConfigurableField(id="model"))
        by_option = model.configurable_fields(
            temperature=ConfigurableFieldSingleOption(
                id="temp", options={"low": 0.1, "high": 0.9}, default="low"
            )
        )
        config: Any = {"configurable": {"model": "gpt-4o", "temp": "high"}}
        if sync:
            replies = [by_name.invoke("hi", config), by_name.invoke("hi")]
            hot = by_option.invoke("hi", config)
        else:
            replies = [await by_name.ainvoke("hi", config), await by_name.ainvoke("hi")]
            hot = await by_option.ainvoke("hi", config)
    names = [r.response_metadata["model_name"] for r in replies]
    assert names == ["gpt-4o", "gpt-4o-mini"]
    assert hot.content == "Echo: hi" and bodies[-1]["temperature"] == 0.9


# ---- LangChain's spellings, from the drop-ins' one table -------------------------------


def test_the_spellings_table_matches_the_partner_records() -> None:
    import inspect

    from chatplex import ChatModel
    from chatplex.langchain.settings_fields import LANGCHAIN_ALIASES
    from chatplex.providers.anthropic.dropin import ChatAnthropic as anthropic_record
    from chatplex.providers.openai.dropin import ChatOpenAI as openai_record
    from chatplex.providers.openai.dropin import build

    params = {
        *inspect.signature(ChatModel).parameters,  # (chatplex's own: stream_idle_timeout)
        *(
            name
            for record in (openai_record, anthropic_record)
            for field in record.declared
            for name in field.spellings
        ),
    }
    for alias, setting in LANGCHAIN_ALIASES.items():
        assert alias in params and setting in params, (alias, setting)
    # Each alias gives its setting: the records' builds read the table's names.
    keywords = {"model_name": "a", "api_key": "k", "max_completion_tokens": 3}
    built = build({**keywords, "request_timeout": 4})
    assert (built.model, built.max_tokens, built.timeout) == ("a", 3, 4)
    # The chatplex model it builds takes langchain-core's `model_name` alone.
    assert dict(built.field_aliases) == {"model_name": "model"}


def test_langchains_spellings_configure_the_chatplex_model() -> None:
    openai = ChatChatplex(
        model_name="openai:gpt-4o",
        openai_api_key="sk-secret-123",
        max_completion_tokens=5,
        request_timeout=3,
        openai_api_base="http://127.0.0.1:9/v1",
        stop_sequences=["x"],
        openai_organization="org-1",
    )
    inner = openai.chatplex_model
    assert (inner.model, inner.max_tokens, inner.timeout, inner.stop) == ("gpt-4o", 5, 3, ["x"])
    assert inner.adapter.base_url == "http://127.0.0.1:9/v1"
    assert openai.model_kwargs == {"organization": "org-1"}
    assert "sk-secret-123" not in repr(openai)
    claude = ChatChatplex(
        model="anthropic:claude-x",
        anthropic_api_key="k",
        max_tokens_to_sample=7,
        default_request_timeout=2,
        anthropic_api_url="http://127.0.0.1:9",
    )
    inner = claude.chatplex_model
    assert (inner.max_tokens, inner.timeout, inner.adapter.base_url) == (7, 2, "http://127.0.0.1:9")


def test_a_setting_given_twice_is_refused_without_showing_a_key() -> None:
    with pytest.raises(TypeError, match="model='openai:a' and model_name='openai:b'"):
        ChatChatplex(model="openai:a", model_name="openai:b", api_key="k")
    with pytest.raises(TypeError, match="api_key= and openai_api_key=") as caught:
        ChatChatplex(model="openai:a", api_key="sk-one-111", openai_api_key="sk-two-222")
    assert "sk-one" not in str(caught.value) and "sk-two" not in str(caught.value)
    same = ChatChatplex(model="openai:a", api_key="sk-1", openai_api_key="sk-1")
    assert same.api_key is not None and same.api_key.get_secret_value() == "sk-1"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_spelled_the_langchain_way_it_calls_the_server(provider: str) -> None:
    key = "openai_api_key" if provider == "openai" else "anthropic_api_key"
    model = ChatChatplex(
        model_name=f"{provider}:m", base_url=base_url(provider), **{key: "sk-secret-123"}
    )
    assert model.invoke("hi").content


@pytest.mark.parametrize("provider", PROVIDERS)
def test_langchains_configurable_fields_rebuild_the_model_from_its_fields(
    provider: str,
) -> None:
    from langchain_core.runnables import ConfigurableField

    model = llm(provider, temperature=0)
    switch = model.configurable_fields(temperature=ConfigurableField(id="t"))
    built = switch.with_config(configurable={"t": 0.5})
    assert built.invoke("hi").content == "Echo: hi"
    changed = switch._prepare({"configurable": {"t": 0.5}})[0]  # LangChain's own copy
    assert changed.chatplex_model.temperature == 0.5
    assert model.chatplex_model.temperature == 0
    # A model passed to from_model() is still the user's: settings beside it are refused.
    with pytest.raises(ValueError, match="set these on the chatplex model"):
        ChatChatplex(chatplex_model=FakeChatModel(), temperature=1)


def test_chatchatplex_asks_stream_usage_of_every_model() -> None:
    # Its own default (usage asked of every server): chatplex's own model on every wire
    # (Gemini's too: no drop-in, whose partner would warn of it; warnings fail this test).
    google = ChatChatplex(model="google_genai:gemini-2.5-flash", api_key="k")
    assert type(google.chatplex_model).__name__ == "ChatModel"
    assert google.chatplex_model.stream_usage is True
    openai = ChatChatplex(model="openai:gpt-4o-mini", api_key="k", base_url="http://127.0.0.1:9/v1")
    assert openai.chatplex_model.stream_usage is True
