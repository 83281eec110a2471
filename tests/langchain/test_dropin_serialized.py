"""How LangChain writes and reports a drop-in (`langchain/dropin_serialized.py`): `dumpd`,
`dumps`/`loads` and LangChain's cache key, its identifying, default and invocation params,
each as the partner class's."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from _lckit import AZURE_VERSION
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS as SUITE_MODELS
from _lckit import UNIT_BASE_URL
from _lckit import BedrockIsolated
from _lckit import FakeGoogleCredentials

from chatplex.chat.partner_form import IdentifyingParams
from chatplex.langchain import ChatOpenAI

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
    # (its endpoint is the SDK's variable's, read at a call: none here)
    "ChatAnthropicBedrock": ("langchain_aws", "anthropic_bedrock", {}),
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
    "ChatOpenRouter": ("langchain_openrouter", "openrouter", {"base_url": UNIT_BASE_URL}),
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
    if "bedrock" in wire:  # (AWS credentials: anthropic_bedrock's too)
        params.update(BEDROCK_CREDENTIALS)
    elif wire == "google_vertexai":
        params["credentials"] = FakeGoogleCredentials()
    else:
        params["api_key"] = _KEY
    return params


def _pair(name: str, settings: dict[str, Any]) -> tuple[Any, Any]:
    """The drop-in `name` and its partner class, built with the same parameters (skipped
    where the partner package is not installed)."""
    import chatplex.langchain

    params = _params(name, settings)
    partner = getattr(pytest.importorskip(_SERIALIZED[name][0]), name)(**params)
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
        form = getattr(getattr(getattr(over_langchain, name), "_record", None), "fields", None)
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
        # (its partner's package named too: langchain-core's own list of namespaces it
        # loads from lacks the newer ones, langchain_openrouter's, as for its own dump)
        loaded = loads(
            text,
            additional_import_mappings=load_mappings(),
            valid_namespaces=["chatplex", _SERIALIZED[name][0]],
            **options,
        )
        assert type(loaded) is type(dropin)
        assert dumpd(loaded) == dumpd(dropin)
        # Not asked for chatplex, LangChain's loads builds the partner package's class
        # (or refuses its id, as it does of the partner's own dump: langchain-sambanova's
        # is not in its allowlist, langchain_openrouter not among its namespaces).
        if name in ("ChatSambaNova", "ChatOpenRouter"):
            with pytest.raises(ValueError, match="is not allowed|Invalid namespace"):
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
    "OPENROUTER_API_KEY",
)


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_invocation_and_langsmith_params_follow_what_changes_between_calls() -> None:
    # Read again after every change that reaches them (LangChain's `streaming` switch
    # assigned, a setting assigned, a copy), each call's own stop and keywords, and a
    # report handed out and changed by its reader changes none read later.
    from langchain_openai import ChatOpenAI as PartnerOpenAI

    params = {"model": "gpt-4o-mini", "api_key": "sk-test", "base_url": UNIT_BASE_URL}
    dropin, partner = ChatOpenAI(**params), PartnerOpenAI(**params)

    def same() -> dict[str, Any]:
        for call in ({}, {"stop": ["x"]}, {"stop": ["x"], "temperature": 0.2}, {}):
            invoked = dropin._get_invocation_params(**call)
            assert invoked == partner._get_invocation_params(**call)
            assert dropin._get_ls_params(**call) == partner._get_ls_params(**call)
        return invoked

    same()["model_name"] = "changed by a reader"
    dropin._get_ls_params()["ls_model_name"] = "changed by a reader"
    assert same()["stream"] is False
    dropin.streaming = partner.streaming = True
    assert same()["stream"] is True
    dropin.temperature = partner.temperature = 0.25
    assert same()["temperature"] == 0.25
    assert dropin._get_ls_params()["ls_temperature"] == 0.25
    dropin = dropin.model_copy(update={"model_name": "gpt-4o"})
    partner = partner.model_copy(update={"model_name": "gpt-4o"})
    assert same()["model_name"] == "gpt-4o"
    assert dropin._get_ls_params()["ls_model_name"] == "gpt-4o"
