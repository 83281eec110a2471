"""`DropInChatModel`, every drop-in's LangChain base class: its constructor builds the
engine (its checks and refusals, LangChain's own settings kept), and it answers, streams,
serializes, reports, shows and counts as the partner class does."""

from __future__ import annotations

import copy
import re
import warnings
from typing import Any

import pytest
from _dropinkit import Person
from _dropinkit import llm
from _lckit import AZURE_VERSION
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS as SUITE_MODELS
from _lckit import UNIT_BASE_URL
from _lckit import BedrockIsolated
from _lckit import FakeGoogleCredentials
from _lckit import base_url
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from pydantic import BaseModel

from chatplex.chat.partner_form import IdentifyingParams
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI


def test_the_engines_checks_and_refusals_apply() -> None:
    with pytest.raises(TypeError, match=r"did you mean 'temperature'"):
        ChatOpenAI(model="m", api_key="k", temprature=1)
    with pytest.raises(TypeError, match="http_client=httpx.Client"):
        ChatOpenAI(model="m", api_key="k", http_socket_options=[(6, 1, 1)])
    with pytest.raises(TypeError, match="model='a' and model_name='b'"):
        ChatAnthropic(model="a", model_name="b", api_key="k")


def test_a_scripts_subclass_keeps_its_own_fields() -> None:
    # As on a subclass of langchain-openai's ChatOpenAI: the subclass's own fields are
    # pydantic's, not the engine's settings (the engine refused `suffix` as unknown).
    class Suffixed(ChatOpenAI):
        suffix: str = "!"

        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            result = super()._generate(*args, **kwargs)
            result.generations[0].message.content += self.suffix
            return result

    model = Suffixed(
        model="gpt-4o-mini", base_url=base_url("openai"), api_key="sk-secret-123", suffix="!!"
    )
    assert model.suffix == "!!" and "suffix" not in model.partner_kwargs
    assert model.invoke("hi").content == "Echo: hi!!"
    assert Suffixed(model="m", api_key="k").suffix == "!"
    with pytest.raises(TypeError, match=r"did you mean 'temperature'"):
        Suffixed(model="m", api_key="k", temprature=1)


def test_langchains_own_settings_stay_langchains() -> None:
    handler_calls: list[str] = []

    from langchain_core.callbacks import BaseCallbackHandler

    class Handler(BaseCallbackHandler):
        def on_chat_model_start(self, *args: Any, **kwargs: Any) -> None:
            handler_calls.append("start")

    model = llm("openai", callbacks=[Handler()], tags=["t"], streaming=True)
    assert model.streaming is True and model.tags == ["t"]
    assert model.chatplex_model.streaming is False  # LangChain streams on invoke itself
    assert model.invoke("hi").content == "Echo: hi"
    assert handler_calls == ["start"]


def test_streaming_reaches_an_engine_whose_request_it_shapes() -> None:
    from chatplex.langchain import ChatVertexAI

    def vertex(**options: Any) -> Any:
        return ChatVertexAI(model="gemini-2.5-flash", api_key="k", **options)

    assert vertex(streaming=True).chatplex_model.streaming is True
    assert "candidate_count" not in vertex(streaming=True).chatplex_model.extra_body
    assert vertex().chatplex_model.extra_body["candidate_count"] == 1


def test_a_profile_given_reaches_an_engine_that_reads_it() -> None:
    # langchain-aws reads `reasoning_effort`'s levels from the `profile` field: the engine
    # is given it too, while it stays LangChain's (not among the partner's kwargs).
    from langchain_core.load import dumpd

    from chatplex.langchain import ChatBedrockConverse

    levels = {"reasoning_effort_levels": ["low"]}
    settings = {"model": "us.anthropic.claude-sonnet-4-6", **BEDROCK_CREDENTIALS}
    model = ChatBedrockConverse(**settings, profile=levels, reasoning_effort="low")
    assert model.profile == levels
    assert "profile" not in dumpd(model)["kwargs"]
    with pytest.raises(ValueError, match=r"Valid values: \['low'\]"):
        ChatBedrockConverse(**settings, profile=levels, reasoning_effort="high")
    assert llm("openai", profile=levels).profile == levels  # an engine without: LangChain's


async def test_streaming_chooses_nothing_where_the_partner_has_no_such_field() -> None:
    # langchain-ollama's ChatOllama drops a `streaming` keyword, and LangChain's
    # configurable fields rebuild a model with every field given (streaming=False too):
    # its stream stayed one invoke's reply, the partner's streams piece by piece.
    from langchain_core.runnables import ConfigurableField

    from chatplex.langchain import ChatOllama

    model = ChatOllama(model="llama3.2", base_url=base_url("ollama"), streaming=False)
    assert "streaming" not in model.model_fields_set
    configurable = model.configurable_fields(temperature=ConfigurableField(id="temperature"))
    set_per_call = configurable.with_config(configurable={"temperature": 0.3})
    pieces = list(set_per_call.stream("hello there"))
    apieces = [p async for p in set_per_call.astream("hello there")]
    for streamed in (pieces, apieces):
        assert len(streamed) > 1 and all(isinstance(p, AIMessageChunk) for p in streamed)


# ---- structured output's methods ---------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "sent"),
    [
        (None, "json_schema"),
        ("json_schema", "json_schema"),
        ("json_mode", "json_object"),
        ("function_calling", None),
    ],
)
def test_structured_output_methods_send_langchain_openais_request(
    method: str | None, sent: str | None
) -> None:
    from chatplex.testing import ChatMock

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k")
    with ChatMock() as mock:
        if sent is None:
            mock.openai.reply_tool_call("Person", {"name": "Ada", "age": 36})
        else:
            mock.openai.reply_text('{"name": "Ada", "age": 36}')
        person = model.with_structured_output(Person, method=method).invoke("Ada, 36")
        body = mock.openai.last_request
    assert person == Person(name="Ada", age=36)
    if sent is None:
        assert [t["function"]["name"] for t in body["tools"]] == ["Person"]
        assert "response_format" not in body
    else:
        assert body["response_format"]["type"] == sent
    if sent == "json_schema":
        assert body["response_format"]["json_schema"]["name"] == "Person"
        assert set(body["response_format"]["json_schema"]["schema"]["properties"]) == {
            "name",
            "age",
        }


class Household(BaseModel):
    """People under one roof."""

    head: Person
    members: list[Person]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_structured_tool_declares_nested_models_inline_as_langchain_does(sync: bool) -> None:
    """`with_structured_output(method="function_calling")` sends the class as LangChain's
    `convert_to_openai_tool` declares it (nested models inlined, no `$defs`), as
    langchain-openai and the drop-in's own `bind_tools` do."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from chatplex.testing import ChatMock

    structured = ChatOpenAI(model="gpt-4o-mini", api_key="k").with_structured_output(
        Household, method="function_calling"
    )
    ada = {"name": "Ada", "age": 36}
    with ChatMock() as mock:
        mock.openai.reply_tool_call("Household", {"head": ada, "members": [ada]})
        home = structured.invoke("Ada's") if sync else await structured.ainvoke("Ada's")
        sent = mock.openai.last_request["tools"][0]["function"]
    assert home == Household(head=Person(**ada), members=[Person(**ada)])
    assert sent["parameters"] == convert_to_openai_tool(Household)["function"]["parameters"]
    assert "$defs" not in str(sent)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_structured_output_include_raw_and_anthropics_json_schema(sync: bool) -> None:
    structured = llm("anthropic").with_structured_output(
        Person, method="json_schema", include_raw=True
    )
    out = structured.invoke("Ann") if sync else await structured.ainvoke("Ann")
    assert set(out) == {"raw", "parsed", "parsing_error"}
    assert isinstance(out["raw"], AIMessage) and isinstance(out["parsed"], Person)
    assert out["parsing_error"] is None
    with pytest.raises(ValueError, match="method must be one of"):
        llm("openai").with_structured_output(Person, method="xml")
    with pytest.raises(ValueError, match="Argument `strict` is not supported"):
        llm("openai").with_structured_output(Person, method="json_mode", strict=True)
    with pytest.raises(TypeError, match="unexpected arguments"):
        llm("openai").with_structured_output(Person, method="json_schema", tools=[])


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_n_candidates_are_generations_as_in_langchain_openai(sync: bool) -> None:
    from langchain_core.messages import HumanMessage

    model = llm("openai", n=2)
    prompts = [[HumanMessage("first")], [HumanMessage("second")]]
    result = model.generate(prompts) if sync else await model.agenerate(prompts)
    assert [[g.text for g in row] for row in result.generations] == [
        ["Echo: first", "Echo: first"],
        ["Echo: second", "Echo: second"],
    ]
    first = result.generations[0][0].message
    assert "other_candidates" not in first.response_metadata


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_chatplex_cache_is_the_engines(sync: bool) -> None:
    # LangChain's `cache` field takes only LangChain's caches: chatplex's goes to the engine.
    from chatplex import InMemoryCache
    from chatplex.testing import MockServer

    cache = InMemoryCache()
    with MockServer() as server:
        model = ChatOpenAI(
            model="gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test", cache=cache
        )
        assert model.chatplex_model.cache is cache and model.cache is None
        for _ in range(2):
            reply = model.invoke("hi") if sync else await model.ainvoke("hi")
            assert reply.text == "Echo: hi"
        assert server.stats.requests == 1 and len(cache) == 1


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_skips_chatplexs_process_wide_cache(sync: bool) -> None:
    # Under `set_llm_cache` (LangChain's name) a drop-in streams as its partner class:
    # LangChain's `stream()` skips every cache and files nothing, while an invoke, even
    # one streaming underneath (`streaming=True`), is answered from it.
    from chatplex import InMemoryCache
    from chatplex import set_llm_cache
    from chatplex.testing import MockServer

    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        with MockServer() as server:
            model = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
            streaming = model.model_copy(update={"streaming": True})
            if sync:
                replies = [model.invoke("hi"), streaming.invoke("hi")]
                pieces = list(model.stream("hi"))
            else:
                replies = [await model.ainvoke("hi"), await streaming.ainvoke("hi")]
                pieces = [p async for p in model.astream("hi")]
            assert [r.text for r in replies] == ["Echo: hi"] * 2
            assert "".join(p.text for p in pieces) == "Echo: hi" and len(pieces) > 2
            assert server.stats.requests == 2 and len(cache) == 1
    finally:
        set_llm_cache(None)


# ---- serialized as the partner class (dumpd, dumps/loads, LangChain's cache key) --------

#: Each drop-in whose partner class LangChain serializes: the partner's module, the
#: wire (its model in the suites' table), and its base URL's parameter and extras.
_SERIALIZED: dict[str, tuple[str, str, dict[str, Any]]] = {
    "ChatOpenAI": ("langchain_openai", "openai", {"base_url": UNIT_BASE_URL}),
    "AzureChatOpenAI": (
        "langchain_openai",
        "azure_openai",
        {"azure_endpoint": UNIT_BASE_URL, "api_version": AZURE_VERSION},
    ),
    "ChatAnthropic": ("langchain_anthropic", "anthropic", {"base_url": UNIT_BASE_URL}),
    "ChatBedrock": ("langchain_aws", "bedrock", {"endpoint_url": UNIT_BASE_URL}),
    "ChatBedrockConverse": (
        "langchain_aws",
        "bedrock_converse",
        {"endpoint_url": UNIT_BASE_URL},
    ),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        "google_genai",
        {"base_url": UNIT_BASE_URL},
    ),
    # langchain-google-vertexai's takes no express-mode key without a warning: a project.
    "ChatVertexAI": (
        "langchain_google_vertexai",
        "google_vertexai",
        {"project": "proj", "location": "us-east5"},
    ),
    "ChatGroq": ("langchain_groq", "groq", {"groq_api_base": UNIT_BASE_URL}),
    "ChatXAI": ("langchain_xai", "xai", {"xai_api_base": UNIT_BASE_URL}),
    "ChatMistralAI": ("langchain_mistralai", "mistralai", {"endpoint": UNIT_BASE_URL}),
    "ChatFireworks": ("langchain_fireworks", "fireworks", {"fireworks_api_base": UNIT_BASE_URL}),
    "ChatSambaNova": ("langchain_sambanova", "sambanova", {"sambanova_api_base": UNIT_BASE_URL}),
}


_KEY = "sk-serialized-key-7f3a"


#: Settings as LangChain's standard suite gives them, and others.
_SETTINGS = [
    {},
    {"temperature": 0, "max_tokens": 100, "timeout": 60, "stop": [], "max_retries": 2},
    {"temperature": 0.5, "streaming": True, "tags": ["t"], "max_retries": 0},
]


#: Settings each partner reports under its own keys (a model_kwargs item, max_tokens).
_REPORTED = {"model_kwargs": {"user": "u1"}, "max_tokens": 7}


#: Settings that only some partners take, each reported by its own rule.
_OWN_SETTINGS = [
    ("ChatAnthropic", {"reasoning_effort": "low"}),  # inside output_config, as `effort`
    ("ChatAnthropic", {"top_k": 3, "thinking": {"type": "enabled", "budget_tokens": 2000}}),
    ("ChatOpenAI", {"reasoning_effort": "low", "seed": 3, "stop": ["a"]}),
    ("ChatGoogleGenerativeAI", {"top_k": 3, "thinking_budget": 100}),
    ("ChatMistralAI", {"random_seed": 4, "safe_mode": True}),
    ("ChatFireworks", {"stop": ["a"], "service_tier": "priority"}),  # its stop wins
    ("ChatBedrock", {"base_model_id": "anthropic.claude-3-5-haiku-20241022-v1:0"}),
]


def _params(name: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The parameters `_pair` builds the drop-in `name` and its partner class with."""
    _, wire, connection = _SERIALIZED[name]
    params = {"model": SUITE_MODELS[wire], **connection, **copy.deepcopy(settings)}
    if wire.startswith("bedrock"):
        params.update(BEDROCK_CREDENTIALS)
    elif wire == "google_vertexai":
        params["credentials"] = FakeGoogleCredentials()
    else:
        params["api_key"] = _KEY
    return params


def _pair(name: str, settings: dict[str, Any]) -> tuple[Any, Any]:
    """The drop-in `name` and its partner class, built with the same parameters."""
    import importlib

    import chatplex.langchain

    params = _params(name, settings)
    partner = getattr(importlib.import_module(_SERIALIZED[name][0]), name)(**params)
    return getattr(chatplex.langchain, name)(**params), partner


def _default_params(model: Any) -> Any:
    """`model._default_params`, or the AttributeError's words where it has none."""
    try:
        return model._default_params
    except AttributeError as error:
        return f"AttributeError: {error}"


def test_default_params_left_out_of_identifying_params_are_declared_beside_them() -> None:
    # A drop-in reads `_default_params` as its identifying params but some keys only
    # where those are declared (else its property would fail on a declaration slip).
    import chatplex.langchain as over_langchain

    declared = 0
    for name in over_langchain.__all__:
        form = getattr(
            getattr(getattr(over_langchain, name), "_engine", None), "langchain_fields", None
        )
        if isinstance(getattr(form, "default_params", None), frozenset):
            declared += 1
            assert isinstance(form.identifying, IdentifyingParams), name
    assert declared >= 10  # langchain-openai's classes and those built on it, and more


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_default_params_report_perplexitys_search_options_where_set() -> None:
    # langchain-perplexity's `_default_params`: its three, then its set search options
    # in its order (its web_search_options as its model dumps them), its model_kwargs.
    import langchain_perplexity

    import chatplex.langchain

    params = {
        "model": "sonar",
        "pplx_api_key": _KEY,
        "return_images": True,
        "reasoning_effort": "high",
        "search_mode": "academic",
        "disable_search": False,
        "web_search_options": {"search_context_size": "high"},
        "top_p": 0.5,
    }
    theirs = langchain_perplexity.ChatPerplexity(**params)._default_params
    ours = chatplex.langchain.ChatPerplexity(**params)._default_params
    assert list(ours.items()) == list(theirs.items())
    assert "disable_search" not in ours and ours["top_p"] == 0.5


class TestSerializedAsThePartner(BedrockIsolated):
    @pytest.mark.filterwarnings("ignore")  # the partners' own (deprecations, Bedrock's keys)
    @pytest.mark.parametrize("settings", _SETTINGS, ids=["bare", "standard", "others"])
    @pytest.mark.parametrize("name", list(_SERIALIZED))
    def test_dumpd_is_the_partner_classs(self, name: str, settings: dict[str, Any]) -> None:
        from langchain_core.load import dumpd
        from langchain_core.load import dumps

        dropin, partner = _pair(name, settings)
        assert dumpd(dropin) == dumpd(partner)
        # So is LangChain's cache key, made of it; and no key is written in clear.
        assert dropin._get_llm_string(stop=["x"]) == partner._get_llm_string(stop=["x"])
        assert _KEY not in dumps(dropin)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize(
        ("name", "environ"),
        [
            ("ChatOpenAI", {}),
            ("ChatOpenAI", {"OPENAI_BASE_URL": UNIT_BASE_URL}),
            ("ChatOpenAI", {"OPENAI_API_BASE": UNIT_BASE_URL}),
            ("ChatAnthropic", {}),
            ("ChatAnthropic", {"ANTHROPIC_BASE_URL": UNIT_BASE_URL}),
            ("ChatXAI", {}),
            ("ChatXAI", {"XAI_API_BASE": UNIT_BASE_URL}),
            ("ChatMistralAI", {}),
            ("ChatMistralAI", {"MISTRAL_BASE_URL": UNIT_BASE_URL}),
        ],
    )
    @pytest.mark.parametrize(
        "settings", [{}, {"stream_usage": False}, {"stream_usage": True}, {"temperature": 0.3}]
    )
    def test_dumpd_without_a_base_url_is_the_partner_classs(
        self,
        name: str,
        environ: dict[str, str],
        settings: dict[str, Any],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # What its validators fill in when no base URL is given: its default URL (or the
        # environment's), langchain-openai's stream_usage=True to OpenAI's own API only.
        import importlib

        from langchain_core.load import dumpd

        import chatplex

        variables = ("OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_PROXY", "ANTHROPIC_API_URL")
        for variable in (*variables, "ANTHROPIC_BASE_URL", "XAI_API_BASE", "MISTRAL_BASE_URL"):
            monkeypatch.delenv(variable, raising=False)
        for variable, value in environ.items():
            monkeypatch.setenv(variable, value)
        if name == "ChatMistralAI" and "stream_usage" in settings:
            return  # (langchain-mistralai has no such field: tested where it is kept)
        params = _params(name, settings)
        del params[next(iter(_SERIALIZED[name][2]))]
        partner = getattr(importlib.import_module(_SERIALIZED[name][0]), name)(**params)
        dropin = getattr(chatplex.langchain, name)(**params)
        assert dumpd(dropin) == dumpd(partner)

    def test_credentials_in_headers_and_body_are_masked_where_the_partner_writes_them(
        self,
    ) -> None:
        from langchain_core.load import dumpd
        from langchain_core.load import dumps
        from langchain_openai import ChatOpenAI as PartnerOpenAI

        hidden = {
            "default_headers": {"Authorization": f"Bearer {_KEY}"},
            "extra_body": {"api_key": _KEY},
        }
        dropin, partner = _pair("ChatOpenAI", hidden)
        assert isinstance(partner, PartnerOpenAI) and _KEY in dumps(partner)  # in clear
        assert _KEY not in dumps(dropin)  # a kept difference: chatplex never writes a key
        kwargs = dumpd(dropin)["kwargs"]
        assert kwargs["default_headers"] == {"Authorization": "***"}
        assert kwargs["extra_body"] == {"api_key": "***"}

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize("name", ["ChatGroq", "ChatBedrockConverse", "ChatSambaNova"])
    def test_identifying_params_are_none_where_the_partner_reports_none(self, name: str) -> None:
        dropin, partner = _pair(name, _SETTINGS[1])
        assert dropin.dict() == partner.dict() == {"_type": partner._llm_type}

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize(
        "settings", [*_SETTINGS, _REPORTED], ids=["bare", "standard", "others", "reported"]
    )
    @pytest.mark.parametrize("name", list(_SERIALIZED))
    def test_identifying_params_are_the_partner_classs(
        self, name: str, settings: dict[str, Any]
    ) -> None:
        # What dict(), the invocation params callbacks and tracers get, and LangChain's
        # cache key read: after the import swap a script logging them sees the same dict.
        dropin, partner = _pair(name, settings)
        assert dropin._identifying_params == partner._identifying_params
        # The default request parameters they read (an AttributeError where it has none).
        assert _default_params(dropin) == _default_params(partner)
        assert dropin.dict() == partner.dict()
        assert _KEY not in repr(dropin.dict())
        # The invocation params callbacks get (`on_chat_model_start`), sync or async:
        # a call's stop and keywords laid in as the partner lays them.
        for call in ({}, {"stop": ["x"]}, {"stop": ["x"], "temperature": 0.2}):
            invoked = dropin._get_invocation_params(**call)
            assert invoked == partner._get_invocation_params(**call)

    @pytest.mark.filterwarnings("ignore")  # the partners' own
    @pytest.mark.parametrize(("name", "settings"), _OWN_SETTINGS, ids=lambda v: str(v)[:40])
    def test_identifying_params_of_each_partners_own_settings(
        self, name: str, settings: dict[str, Any]
    ) -> None:
        dropin, partner = _pair(name, settings)
        assert dropin._identifying_params == partner._identifying_params
        assert _default_params(dropin) == _default_params(partner)
        call = {"stop": ["x"]}
        assert dropin._get_invocation_params(**call) == partner._get_invocation_params(**call)

    @pytest.mark.filterwarnings("ignore")  # loads is beta in langchain-core
    # ChatVertexAI's form has no credentials (as its partner's): built again, it looks
    # for Application Default Credentials, which a test must not.
    @pytest.mark.parametrize("name", [n for n in _SERIALIZED if n != "ChatVertexAI"])
    def test_loads_builds_the_drop_in_when_asked_for_it(
        self, name: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from langchain_core.load import dumpd
        from langchain_core.load import dumps
        from langchain_core.load import loads

        from chatplex.langchain.dropin import load_mappings

        dropin, _ = _pair(name, _SETTINGS[1])
        text = dumps(dropin)
        for variable in [*PARTNER_KEY_VARIABLES, "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]:
            monkeypatch.setenv(variable, _KEY)
        options: dict[str, Any] = {"allowed_objects": "all", "secrets_from_env": True}
        loaded = loads(
            text,
            additional_import_mappings=load_mappings(),
            valid_namespaces=["chatplex"],
            **options,
        )
        assert type(loaded) is type(dropin)
        assert dumpd(loaded) == dumpd(dropin)
        # Not asked for chatplex, LangChain's loads builds the partner package's class
        # (or refuses its id, as it does of the partner's own dump: langchain-sambanova's
        # is not in its allowlist).
        if name == "ChatSambaNova":
            with pytest.raises(ValueError, match="is not allowed"):
                loads(text, **options)
            return
        partner = loads(text, **options)
        assert type(partner).__name__ == name
        assert not type(partner).__module__.startswith("chatplex")


#: Each drop-in whose partner class LangChain does not serialize: the partner's module
#: and its connection settings (a key where it reads one from the environment).
_READ_ONLY: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatOllama": ("langchain_ollama", {"base_url": UNIT_BASE_URL}),
    "ChatCohere": ("langchain_cohere", {"cohere_api_key": _KEY, "preamble": "Be brief."}),
    "ChatDeepSeek": ("langchain_deepseek", {"api_key": _KEY, "api_base": UNIT_BASE_URL}),
    "ChatPerplexity": ("langchain_perplexity", {"pplx_api_key": _KEY}),
    "ChatTogether": ("langchain_together", {"api_key": _KEY, "base_url": UNIT_BASE_URL}),
    "ChatNebius": ("langchain_nebius", {"api_key": _KEY, "base_url": UNIT_BASE_URL}),
}


#: Settings every one of them takes (not all take `model_kwargs`).
_SET = {"max_tokens": 7, "stop": ["a"], "top_p": 0.5}


@pytest.mark.filterwarnings("ignore")  # the partners' own
@pytest.mark.parametrize("settings", [*_SETTINGS, _SET], ids=["bare", "standard", "others", "set"])
@pytest.mark.parametrize("name", list(_READ_ONLY))
def test_a_partner_langchain_does_not_serialize_is_named_and_identified_as_it(
    name: str, settings: dict[str, Any]
) -> None:
    # What on_chat_model_start gets: `serialized` (LangChain's not_implemented form,
    # named by the partner's module) and the invocation params the partner reports.
    import importlib

    from langchain_core.load import dumpd

    import chatplex.langchain

    module, connection = _READ_ONLY[name]
    params = {"model": "m", **connection, **copy.deepcopy(settings)}
    dropin = getattr(chatplex.langchain, name)(**params)
    partner = getattr(importlib.import_module(module), name)(**params)
    assert not type(dropin).is_lc_serializable() and not type(partner).is_lc_serializable()
    written, expected = dumpd(dropin), dumpd(partner)
    assert written["type"] == expected["type"] == "not_implemented"
    assert written["id"] == expected["id"] == [module, "chat_models", name]
    assert type(dropin).lc_id() == type(partner).lc_id()  # no error: a script reads it
    assert dropin._identifying_params == partner._identifying_params
    assert _default_params(dropin) == _default_params(partner)
    for call in ({}, {"stop": ["x"]}, {"stop": ["x"], "temperature": 0.2}):
        assert dropin._get_invocation_params(**call) == partner._get_invocation_params(**call)
    assert _KEY not in repr(dropin._get_invocation_params())


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_a_subclass_reporting_its_own_identifying_params_as_the_partners() -> None:
    # The invocation params start from a subclass's own `_identifying_params` (or its
    # own `asdict()`), as a subclass of the partner's do.
    from langchain_openai import ChatOpenAI as PartnerOpenAI

    def reporting(base: type[Any]) -> type[Any]:
        class Reporting(base):  # type: ignore[misc,valid-type]
            @property
            def _identifying_params(self) -> dict[str, Any]:
                return {"mine": 1, **super()._identifying_params}

        return Reporting

    def own_dict(base: type[Any]) -> type[Any]:
        class OwnDict(base):  # type: ignore[misc,valid-type]
            def asdict(self) -> dict[str, Any]:
                return {"own": True}

        return OwnDict

    params = {"model": "gpt-4o-mini", "api_key": "sk-test", "temperature": 0.5}
    dropin, partner = reporting(ChatOpenAI)(**params), reporting(PartnerOpenAI)(**params)
    for call in ({}, {"stop": ["x"], "temperature": 0.2}):
        invoked = dropin._get_invocation_params(**call)
        assert invoked == partner._get_invocation_params(**call) and invoked["mine"] == 1
    # (The partner's then repeats its `_default_params`, without `model_name`: the
    # drop-in repeats its identifying params, with it.)
    assert own_dict(ChatOpenAI)(**params)._get_invocation_params()["own"] is True


#: The partners' key variables their serialized forms name (the loads test sets them).
PARTNER_KEY_VARIABLES = (
    "OPENAI_API_KEY",
    "AZURE_OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GOOGLE_API_KEY",
    "GROQ_API_KEY",
    "XAI_API_KEY",
    "MISTRAL_API_KEY",
    "FIREWORKS_API_KEY",
    "SAMBANOVA_API_KEY",
)


def test_a_count_the_partner_leaves_to_langchain_is_langchains() -> None:
    """An engine that does not count as its partner (`langchain_counts_messages` False):
    LangChain's own count runs, with LangChain's settings (`custom_get_token_ids`)."""
    from langchain_core.messages import HumanMessage
    from langchain_ollama import ChatOllama as PartnerOllama

    from chatplex.langchain import ChatOllama

    said = [HumanMessage("one two three"), AIMessage("four")]
    words = {"custom_get_token_ids": lambda text: text.split(), "model": "llama3.2"}
    expected = PartnerOllama(**words).get_num_tokens_from_messages(said)
    assert ChatOllama(**words).get_num_tokens_from_messages(said) == expected == 6
    with pytest.raises(TypeError):  # LangChain's signature: no keywords to send
        ChatOllama(**words).get_num_tokens_from_messages(said, colour="red")
    odd: Any = [("user", "hi")]  # not a message: what LangChain's count raises, unchanged
    with pytest.raises(Exception) as partner:  # noqa: PT011 - the class is the outcome
        PartnerOllama(**words).get_num_tokens_from_messages(odd)
    with pytest.raises(type(partner.value), match=re.escape(str(partner.value))):
        ChatOllama(**words).get_num_tokens_from_messages(odd)


@pytest.mark.filterwarnings("ignore")  # the partner's own
@pytest.mark.parametrize(
    "settings",
    [{}, {"temperature": 0.5, "stop": ["a"]}, {"num_predict": 7, "max_retries": 2}],
    ids=["bare", "set", "partner_names"],
)
def test_an_unserialized_partners_repr_is_the_partners(settings: dict[str, Any]) -> None:
    # LangChain writes a class it does not serialize as its repr (`dumpd`'s "repr"):
    # the drop-in's shows the partner's fields set to other than the partner's defaults
    # (no `model_kwargs` langchain-ollama lacks, no engine default `max_retries=2`).
    from langchain_core.load import dumpd

    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_ollama").ChatOllama
    params = {"model": "llama3.2", "base_url": UNIT_BASE_URL}
    # `max_retries` is chatplex's own there (langchain-ollama has no such field).
    theirs = {k: v for k, v in settings.items() if k in partner_class.model_fields}
    dropin, partner = (
        chatplex.langchain.ChatOllama(**params, **settings),
        partner_class(**params, **theirs),
    )
    assert repr(dropin) == repr(partner)
    assert dumpd(dropin)["repr"] == dumpd(partner)["repr"]


def test_a_drop_ins_repr_measures_its_settings_by_the_partners_defaults() -> None:
    # ChatGroq's temperature defaults to 0.7 there: shown only when set otherwise, under
    # the partner's field names (`model_name`), a key masked.
    bare = repr(ChatGroq(model="m", api_key=_KEY, base_url=UNIT_BASE_URL))
    assert "model_name='m'" in bare and "temperature" not in bare and _KEY not in bare
    assert "temperature=0.2" in repr(ChatGroq(model="m", api_key=_KEY, temperature=0.2))
    url = f"{UNIT_BASE_URL}?api-key={_KEY}"
    assert _KEY not in repr(ChatGroq(model="m", api_key=_KEY, base_url=url))


def test_streaming_is_ignored_where_the_partner_has_no_such_field() -> None:
    # langchain-ollama's ChatOllama has no `streaming` field and drops the keyword: an
    # invoke stays its _generate (which streams underneath), not LangChain's _stream.
    import chatplex.langchain

    ollama = chatplex.langchain.ChatOllama(model="llama3.2", streaming=True)
    assert "streaming" not in ollama.model_fields_set and ollama.streaming is False
    assert "streaming" not in repr(ollama)
    for async_api in (False, True):
        assert ollama._should_stream(async_api=async_api) is False
    # A partner with the field keeps it as given.
    groq = chatplex.langchain.ChatGroq(model="m", api_key=_KEY, streaming=True)
    assert groq.streaming is True and groq._should_stream(async_api=False) is True


@pytest.mark.filterwarnings("ignore")  # the partner's own
@pytest.mark.parametrize("settings", [{}, {"streaming": True}, {"streaming": False}])
def test_streaming_reads_and_serializes_as_the_partners(settings: dict[str, Any]) -> None:
    # langchain-google-genai's `streaming` defaults to None (LangChain's: False): not
    # given, it reads None and is not written; a given False is written, as there.
    from langchain_core.load import dumpd

    import chatplex.langchain

    partner_class = pytest.importorskip("langchain_google_genai").ChatGoogleGenerativeAI
    params = {"model": "gemini-2.5-flash", "api_key": _KEY, **settings}
    dropin, partner = chatplex.langchain.ChatGoogleGenerativeAI(**params), partner_class(**params)
    assert dropin.streaming == partner.streaming
    assert dumpd(dropin)["kwargs"] == dumpd(partner)["kwargs"]
    for async_api in (False, True):
        assert dropin._should_stream(async_api=async_api) == partner._should_stream(
            async_api=async_api
        )


class _Remark(BaseModel):
    """A remark, its mood optional (what `strict=` would make required)."""

    text: str
    mood: str | None = None


@pytest.mark.parametrize("sync", [True, False])
async def test_function_calling_drops_strict_where_the_partner_drops_it(sync: bool) -> None:
    # langchain-xai's with_structured_output sets strict=None for function calling, and
    # langchain-aws's ChatBedrock binds it to a bind_tools that ignores it: the tool goes
    # as without it (`Adapter.strict_dropped`); langchain-openai's tool is made strict.
    from chatplex.langchain import ChatBedrock
    from chatplex.langchain import ChatXAI
    from chatplex.testing import MockServer

    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        models = (
            ChatXAI(model="grok-4", base_url=server.url, api_key="k"),
            ChatBedrock(
                model=SUITE_MODELS["bedrock"], endpoint_url=server.url, **BEDROCK_CREDENTIALS
            ),
            ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k"),
        )
        for model in models:
            # (ChatBedrock warns as langchain-aws's does, tests/langchain/test_tool_binding)
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "The 'strict' parameter", UserWarning)
                structured = model.with_structured_output(
                    _Remark, method="function_calling", strict=True, include_raw=True
                )
            _ = structured.invoke("hi") if sync else await structured.ainvoke("hi")
    xai, bedrock, openai = bodies
    dropped = xai["tools"][0]["function"]
    assert "strict" not in dropped and dropped["parameters"]["required"] == ["text"]
    ignored = bedrock["tools"][0]
    assert "strict" not in ignored and ignored["input_schema"]["required"] == ["text"]
    made = openai["tools"][0]["function"]
    assert made["strict"] is True and made["parameters"]["required"] == ["text", "mood"]
