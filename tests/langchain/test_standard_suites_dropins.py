"""LangChain's standard suites (`langchain-tests`' ChatModelUnitTests and
ChatModelIntegrationTests) on every drop-in class itself, as users import it from
`chatplex.langchain` (`from chatplex.langchain import ChatGroq`), built with the partner
package's parameters (`model=`, the partner's spelling of the base URL pointing at the
embedded scripted mock server, a key or the wire's credentials).

test_standard_suites.py runs the same suites on `ChatChatplex` per wire; here the class
under test is the drop-in (`chatplex/langchain/dropin.py`), whose constructor is the
partner package's. Capabilities are declared as each partner package's own
standard-test class declares them (`supports_json_mode` where the partner's says so,
`supports_anthropic_inputs` for ChatOpenAI and ChatAnthropic, no `tool_choice` on
Ollama, no tools on Perplexity's Sonar, no `supports_model_override` where the partner
raises on a call's `model=` (Cohere's, Converse's: the side-by-side tests hold the
drop-in to that); the partner's own `init_from_env_params` where it declares more than
its key and base URL, Azure's and Gemini's (Cohere's key alone: it reads no base URL
from the environment); Vertex AI's unit suite built as langchain-google-vertexai's,
with a project and no credentials), except three
kinds the mock cannot stand in for:
the multimodal flags (images, image URLs, PDFs, audio, image and PDF tool messages:
with them on, the suite downloads its files from the internet at test time, which the
no-network rule forbids), `enable_vcr_tests` (the partners' cassettes are recordings
of the real APIs) and `supported_usage_metadata_details` (the partners' hooks for it,
`invoke_with_cache_read_input`..., build their own class against the real API).

Every skip is the suite's own: a capability flag (above), an unset
`init_from_env_params` (both Bedrock classes, Vertex AI, Ollama), a class LangChain does
not serialize (as its partner's), or the internet list in conftest.py. Every xfail is
strict and names a difference chatplex still has from the partner class, or a test the
partner class fails too, shown by its own suite's marking or a check here (the reasons
below); a fix shows as XPASS and its mark must go.
"""

from __future__ import annotations

import gc
import inspect
import os
import warnings
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from unittest import mock

import pytest
from _lckit import AZURE_VERSION
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS
from _lckit import OVERRIDES
from _lckit import UNIT_BASE_URL
from _lckit import VERTEX_SETTINGS
from _lckit import BedrockIsolated
from _lckit import FakeGoogleCredentials
from _lckit import base_url
from langchain_core.language_models import BaseChatModel
from langchain_core.load import dumpd
from langchain_core.load import load
from langchain_tests.integration_tests import ChatModelIntegrationTests
from langchain_tests.unit_tests import ChatModelUnitTests
from syrupy.assertion import SnapshotAssertion

import chatplex
import chatplex.langchain
from chatplex.dropins import DROP_IN_MODULES


@dataclass(frozen=True)
class DropIn:
    """One drop-in class: its wire (the mock's route, the models of MODELS/OVERRIDES),
    the partner's name for its base URL, the partner's environment variables (key, base
    URL; what the engine appends to the variable's value, as the provider's SDK does),
    whether the provider's server streams usage unasked, and what the partner's
    standard-test class declares."""

    wire: str
    url_param: str = "base_url"
    env: tuple[str, str] | None = None
    env_base_suffix: str = ""
    usage_unasked: bool = False
    json_mode: bool = False
    anthropic_inputs: bool = False
    tool_calling: bool = True
    tool_choice: bool = True
    #: Whether a call's `model=` is the partner's to send (`supports_model_override`);
    #: off where the partner raises on it (the side-by-side suites hold the drop-in to
    #: the partner's outcome there).
    model_override: bool = True
    extra: dict[str, Any] = field(default_factory=dict)
    #: The partner's own standard-test class's `init_from_env_params`, where it declares
    #: one that is not the key and base URL of `env` (it replaces theirs), or the key
    #: alone where the partner reads no base URL from `env` (Cohere's).
    env_params: tuple[dict[str, str], dict[str, Any], dict[str, Any]] | None = None


DROP_INS: dict[str, DropIn] = {
    "ChatOpenAI": DropIn(
        "openai",
        env=("OPENAI_API_KEY", "OPENAI_API_BASE"),
        json_mode=True,
        anthropic_inputs=True,
        # langchain-openai's fields (its `base_url` is an alias, no attribute)
        env_params=(
            {"OPENAI_API_KEY": "env-key", "OPENAI_API_BASE": UNIT_BASE_URL},
            {"model": "gpt-4o-mini"},
            {
                "model_name": "gpt-4o-mini",
                "openai_api_base": UNIT_BASE_URL,
                "openai_api_key": "env-key",
            },
        ),
    ),
    "AzureChatOpenAI": DropIn(
        "azure_openai",
        url_param="azure_endpoint",
        json_mode=True,
        extra={"api_version": AZURE_VERSION},
        # langchain-openai's tests/unit_tests/chat_models/test_azure_standard.py
        env_params=(
            {
                "AZURE_OPENAI_ENDPOINT": "https://endpoint.com",
                "AZURE_OPENAI_AD_TOKEN": "token",
                "OPENAI_ORG_ID": "org_id",
                "OPENAI_API_VERSION": "yyyy-mm-dd",
                "OPENAI_API_TYPE": "type",
            },
            {},
            {
                "azure_endpoint": "https://endpoint.com",
                "azure_ad_token": "token",
                "openai_organization": "org_id",
                "openai_api_version": "yyyy-mm-dd",
                "openai_api_type": "type",
            },
        ),
    ),
    "ChatAnthropic": DropIn(
        "anthropic",
        env=("ANTHROPIC_API_KEY", "ANTHROPIC_API_URL"),
        anthropic_inputs=True,
        # langchain-anthropic's fields (its `base_url` is an alias, no attribute)
        env_params=(
            {"ANTHROPIC_API_KEY": "env-key", "ANTHROPIC_API_URL": UNIT_BASE_URL},
            {"model": "claude-haiku-4-5"},
            {"anthropic_api_url": UNIT_BASE_URL, "anthropic_api_key": "env-key"},
        ),
    ),
    "ChatOllama": DropIn("ollama", json_mode=True, tool_choice=False),
    "ChatCohere": DropIn(
        "cohere",
        env=("CO_API_KEY", "CO_API_URL"),
        # langchain-cohere's `model=` per call is a TypeError: the drop-in sends it, a
        # kept difference (tests/partners/cohere's model_per_call rows)
        model_override=False,
        # its key from the environment; its `base_url` stays None under CO_API_URL, the
        # drop-in's as its (test_langchain_cohere_reads_no_base_url_from_the_environment_either)
        env_params=(
            {"COHERE_API_KEY": "env-key"},
            {"model": MODELS["cohere"]},
            {"cohere_api_key": "env-key"},
        ),
    ),
    "ChatBedrock": DropIn("bedrock", url_param="endpoint_url", extra=BEDROCK_CREDENTIALS),
    # (its endpoint is the anthropic SDK's variable's: `_AnthropicBedrockEndpoint`)
    "ChatAnthropicBedrock": DropIn(
        "anthropic_bedrock", url_param="", extra=BEDROCK_CREDENTIALS, anthropic_inputs=True
    ),
    "ChatBedrockConverse": DropIn(
        "bedrock_converse",
        url_param="endpoint_url",
        extra=BEDROCK_CREDENTIALS,
        # langchain-aws refuses a call's `model=` (TypeError), the drop-in alike:
        # test_model_per_call_is_refused_as_langchain_aws_refuses_it
        model_override=False,
    ),
    "ChatGoogleGenerativeAI": DropIn(
        "google_genai",
        # langchain-google's libs/genai/tests/unit_tests/test_standard.py
        env_params=(
            {"GOOGLE_API_KEY": "api_key"},
            {"model": "gemini-2.5-flash"},
            {"google_api_key": "api_key"},
        ),
    ),
    "ChatVertexAI": DropIn("google_vertexai"),
    # (a project and a fixed token: its SDK client asks Google for none; `params`)
    "ChatAnthropicVertex": DropIn("google_anthropic_vertex", anthropic_inputs=True),
    "ChatGroq": DropIn(
        "groq",
        url_param="groq_api_base",
        env=("GROQ_API_KEY", "GROQ_API_BASE"),
        env_base_suffix="/openai/v1",
        json_mode=True,
    ),
    "ChatDeepSeek": DropIn(
        "deepseek",
        url_param="api_base",
        env=("DEEPSEEK_API_KEY", "DEEPSEEK_API_BASE"),
        usage_unasked=True,
        json_mode=True,
    ),
    "ChatXAI": DropIn("xai", url_param="xai_api_base", env=("XAI_API_KEY", "XAI_API_BASE")),
    "ChatMistralAI": DropIn(
        "mistralai", url_param="endpoint", env=("MISTRAL_API_KEY", "MISTRAL_BASE_URL")
    ),
    "ChatFireworks": DropIn(
        "fireworks",
        url_param="fireworks_api_base",
        env=("FIREWORKS_API_KEY", "FIREWORKS_API_BASE"),
        env_base_suffix="/v1",
    ),
    "ChatTogether": DropIn(
        "together",
        url_param="together_api_base",
        env=("TOGETHER_API_KEY", "TOGETHER_API_BASE"),
        usage_unasked=True,
    ),
    "ChatPerplexity": DropIn(
        "perplexity",
        env=("PPLX_API_KEY", "PERPLEXITY_BASE_URL"),
        usage_unasked=True,
        tool_calling=False,  # Sonar takes no tools on Chat Completions (nor langchain-perplexity)
        tool_choice=False,
    ),
    "ChatNebius": DropIn(
        "nebius",
        url_param="nebius_api_base",
        env=("NEBIUS_API_KEY", "NEBIUS_API_BASE"),
        usage_unasked=True,
    ),
    "ChatSambaNova": DropIn(
        "sambanova",
        url_param="sambanova_api_base",
        env=("SAMBANOVA_API_KEY", "SAMBANOVA_API_BASE"),
        usage_unasked=True,
    ),
    "ChatCerebras": DropIn(
        "cerebras",
        url_param="cerebras_api_base",
        env=("CEREBRAS_API_KEY", "CEREBRAS_API_BASE"),
        usage_unasked=True,
    ),
    # chatplex's own name (LangChain has no Hyperbolic class): the standard suites still
    # hold it to what a LangChain chat model does.
    "ChatHyperbolic": DropIn("hyperbolic", env=("HYPERBOLIC_API_KEY", "HYPERBOLIC_API_BASE")),
    "ChatOpenRouter": DropIn(
        "openrouter",
        url_param="openrouter_api_base",
        env=("OPENROUTER_API_KEY", "OPENROUTER_API_BASE"),
    ),
    # A bearer token (`params` gives it): an API key would go to IBM Cloud IAM first.
    "ChatWatsonx": DropIn(
        "ibm", url_param="url", json_mode=True, extra={"project_id": "p-standard"}
    ),
}


def test_every_drop_in_is_covered() -> None:
    # A drop-in added to chatplex/dropins.py gets its suites here, or this fails.
    assert set(DROP_INS) == set(DROP_IN_MODULES)


class _Capabilities:
    name = "ChatOpenAI"

    @property
    def case(self) -> DropIn:
        return DROP_INS[self.name]

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        cls: type[BaseChatModel] = getattr(chatplex.langchain, self.name)
        return cls

    @property
    def has_tool_calling(self) -> bool:
        return self.case.tool_calling

    @property
    def has_tool_choice(self) -> bool:
        return self.case.tool_choice

    @property
    def supports_json_mode(self) -> bool:
        return self.case.json_mode

    @property
    def supports_image_inputs(self) -> bool:
        return False  # on, the suite downloads an image (in test_anthropic_inputs too)

    @property
    def supports_model_override(self) -> bool:
        return self.case.model_override

    @property
    def model_override_value(self) -> str:
        return OVERRIDES[self.case.wire]

    @property
    def supports_anthropic_inputs(self) -> bool:
        return self.case.anthropic_inputs

    def params(self, url: str, key: str, *, unit: bool = False) -> dict[str, Any]:
        """The partner's constructor parameters, with the base URL `url`."""
        case = self.case
        params: dict[str, Any] = {"model": MODELS[case.wire], **case.extra}
        if case.wire == "google_vertexai":
            if unit:  # as langchain-google's libs/vertexai/tests/unit_tests/test_standard.py
                return {"model_name": MODELS[case.wire], "project": "test-proj"}
            credentials = FakeGoogleCredentials()
            return {**params, "base_url": url, **VERTEX_SETTINGS, "credentials": credentials}
        if case.wire == "google_anthropic_vertex":  # (the anthropic SDK's base URL: /v1)
            return {**params, "base_url": f"{url}/v1", "project": "proj", "access_token": key}
        if case.wire == "azure_openai":
            url = url.removesuffix("/v1")  # the server's root: Azure's paths are its own
        if "bedrock" in case.wire:  # signed with BEDROCK_CREDENTIALS
            return {**params, case.url_param: url} if case.url_param else params
        if case.wire == "ibm":  # (its `model=` names a model of IBM's Model Gateway)
            named = {"model_id": params.pop("model")}
            return {**named, **params, case.url_param: url, "token": key}
        return {**params, case.url_param: url, "api_key": key}


class _Unit(_Capabilities, ChatModelUnitTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        return self.params(UNIT_BASE_URL, "k", unit=True)

    @property
    def init_from_env_params(self) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
        # The partner's variables (key, base URL), or its standard-test class's own;
        # Bedrock and Vertex AI declare none, and the suite skips the test for them.
        if self.case.env_params is not None:
            return self.case.env_params
        if self.case.env is None:
            return {}, {}, {}
        key, base = self.case.env
        env = {key: "env-key", base: UNIT_BASE_URL}
        model = MODELS[self.case.wire]
        base = _base_url_field(self.name)  # (the partner's field: as its variable says)
        suffix = self.case.env_base_suffix if base == "base_url" else ""
        expected = {"model_name": model, base: UNIT_BASE_URL + suffix}
        if not base:  # (a partner with no base URL field: its SDK reads the variable)
            del expected[base]
        return env, {"model": model}, expected


def _base_url_field(name: str) -> str:
    """The field holding the base URL: the partner's own field `base_url` names
    (langchain-groq's `groq_api_base`; `base_url` is its alias, no attribute there; the
    last: a langchain-openai subclass's own, not langchain-openai's `openai_api_base`),
    or "" where none does."""
    record = getattr(chatplex.langchain, name)._record
    named = (f.name for f in reversed(record.declared) if "base_url" in (f.name, f.alias))
    return next(named, "")


class _Integration(_Capabilities, ChatModelIntegrationTests):
    @property
    def chat_model_params(self) -> dict[str, Any]:
        if self.case.usage_unasked:
            # The mock's server that streams usage unasked (as these providers' servers
            # do: their partner packages never ask, and their own standard suites pass
            # test_usage_metadata_streaming against them).
            return self.params(base_url("mistralai"), "mock-key")
        return self.params(base_url(self.case.wire), "mock-key")


class _BedrockUnit(BedrockIsolated, _Unit):
    pass


class _BedrockIntegration(BedrockIsolated, _Integration):
    pass


#: Why the drop-in fails a standard test: where chatplex still differs from the partner
#: class, or where the partner fails it too (its own suite's marking, or a check below).
#: Each xfail is strict, so a fix shows as XPASS and the mark must go.
COHERE_MODEL_NAME = (
    "as langchain-cohere's ChatCohere: Cohere's replies name no model and it writes no "
    "`model_name` in response_metadata (the drop-in's response_metadata is its: "
    "tests/partners/cohere); LangChain's suite asks for one. langchain-cohere runs no "
    "integration suite of its own (its one standard suite is the unit suite, "
    "libs/cohere/tests/unit_tests/test_standard.py), so no marking of its to quote: "
    "test_langchain_cohere_fails_them_too runs its class through these tests, on this server"
)
SERDES_ALLOWLIST = (
    "as langchain-sambanova's own tests/unit_tests/test_chat_models_standard.py, which "
    "marks test_serdes xfail ('Overridden to add allowed_objects=[ChatSambaNova] parameter "
    "to load() due to stricter deserialization in langchain-core>=1.2'): LangChain's `load` "
    "refuses langchain_sambanova's id under allowed_objects='all' (not in langchain-core's "
    "allowlist), for the partner's own dump as for the drop-in's; the partner's version of "
    "the test passes (test_serdes_as_langchain_sambanova_runs_it)"
)


class TestChatOpenAIUnit(_Unit):
    name = "ChatOpenAI"


class TestChatOpenAIIntegration(_Integration):
    name = "ChatOpenAI"

    @property
    def chat_model_params(self) -> dict[str, Any]:
        # As langchain-openai's own standard test class: on a base URL ChatOpenAI asks
        # for stream usage only when told (stream_usage=True).
        return {**super().chat_model_params, "stream_usage": True}


class TestAzureChatOpenAIUnit(_Unit):
    name = "AzureChatOpenAI"


class TestAzureChatOpenAIIntegration(_Integration):
    name = "AzureChatOpenAI"


class TestChatAnthropicUnit(_Unit):
    name = "ChatAnthropic"


class TestChatAnthropicIntegration(_Integration):
    name = "ChatAnthropic"


class TestChatOllamaUnit(_Unit):
    name = "ChatOllama"


class TestChatOllamaIntegration(_Integration):
    name = "ChatOllama"


class TestChatCohereUnit(_Unit):
    name = "ChatCohere"


def test_langchain_cohere_reads_no_base_url_from_the_environment_either(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The drop-in's fields are its store (decision 013), none read back from the
    engine: its `base_url` stays None under CO_API_URL, as langchain-cohere's does (so
    its standard test_init_from_env declares the key alone)."""
    from langchain_cohere import ChatCohere as PartnerChatCohere

    env, params, expected = TestChatCohereUnit().init_from_env_params
    for variable, value in {**env, "CO_API_URL": UNIT_BASE_URL}.items():
        monkeypatch.setenv(variable, value)
    partner = PartnerChatCohere(**params)
    ours = chatplex.langchain.ChatCohere(**params)
    assert partner.base_url is None and ours.base_url is None
    assert partner.cohere_api_key.get_secret_value() == expected["cohere_api_key"]
    assert ours.cohere_api_key.get_secret_value() == expected["cohere_api_key"]


_COHERE_FAILS = pytest.mark.xfail(strict=True, reason=COHERE_MODEL_NAME)


class TestChatCohereIntegration(_Integration):
    name = "ChatCohere"

    @_COHERE_FAILS
    def test_usage_metadata(self, model: BaseChatModel) -> None:
        super().test_usage_metadata(model)

    @_COHERE_FAILS
    def test_usage_metadata_streaming(self, model: BaseChatModel) -> None:
        super().test_usage_metadata_streaming(model)


class _LangchainCohereIntegration(TestChatCohereIntegration):
    """The same suite on langchain-cohere's own ChatCohere (not collected: no `Test`)."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        from langchain_cohere import ChatCohere as PartnerChatCohere

        return PartnerChatCohere

    @property
    def chat_model_params(self) -> dict[str, Any]:
        params = super().chat_model_params
        return {**params, "cohere_api_key": params.pop("api_key")}  # it takes no `api_key`


#: How langchain-cohere's ChatCohere fails the tests the drop-in fails (COHERE_MODEL_NAME),
#: on the same server: no `model_name`; no usage at all on a sync stream (a kept
#: difference: tests/partners/cohere's STREAM_USAGE).
LANGCHAIN_COHERE_FAILS = {
    "test_usage_metadata": (AssertionError, r"isinstance\(None, str\)"),
    "test_usage_metadata_streaming": (AssertionError, r"\.usage_metadata"),
}


@pytest.mark.parametrize("test_name", sorted(LANGCHAIN_COHERE_FAILS))
async def test_langchain_cohere_fails_them_too(test_name: str) -> None:
    suite = _LangchainCohereIntegration()
    model = suite.chat_model_class(**suite.standard_chat_model_params, **suite.chat_model_params)
    error, words = LANGCHAIN_COHERE_FAILS[test_name]
    try:
        with pytest.raises(error, match=words):
            ran = getattr(ChatModelIntegrationTests, test_name)(suite, model)
            if inspect.isawaitable(ran):
                await ran
    finally:
        # The cohere SDK's clients are never closed: their sockets go with the model.
        del model
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


#: langchain-aws's ChatBedrock warns that it drops `strict=` (the standard tests pass it
#: to with_structured_output), and so does the drop-in, in its words.
_STRICT_DROPPED = "ignore:The 'strict' parameter is only supported:UserWarning"


@pytest.mark.filterwarnings(_STRICT_DROPPED)
class TestChatBedrockUnit(_BedrockUnit):
    name = "ChatBedrock"


@pytest.mark.filterwarnings(_STRICT_DROPPED)
class TestChatBedrockIntegration(_BedrockIntegration):
    name = "ChatBedrock"


class TestChatBedrockConverseUnit(_BedrockUnit):
    name = "ChatBedrockConverse"


class TestChatBedrockConverseIntegration(_BedrockIntegration):
    name = "ChatBedrockConverse"


class _AnthropicBedrockEndpoint(BedrockIsolated):
    """ChatAnthropicBedrock's endpoint: the anthropic SDK's variable (its class has no
    field for it), the mock's root in the integration suite."""

    name = "ChatAnthropicBedrock"
    endpoint = UNIT_BASE_URL

    @pytest.fixture(autouse=True)
    def _endpoint(self, monkeypatch: pytest.MonkeyPatch, _isolated_aws: None) -> None:
        monkeypatch.setenv("ANTHROPIC_BEDROCK_BASE_URL", self.endpoint or base_url(""))


class TestChatAnthropicBedrockUnit(_AnthropicBedrockEndpoint, _Unit):
    pass


class TestChatAnthropicBedrockIntegration(_AnthropicBedrockEndpoint, _Integration):
    endpoint = ""  # (the mock's root, once it runs)


class _LangchainAwsConverseIntegration(TestChatBedrockConverseIntegration):
    """The same suite on langchain-aws's own ChatBedrockConverse (not collected)."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        from langchain_aws import ChatBedrockConverse as PartnerChatBedrockConverse

        return PartnerChatBedrockConverse


async def _model_per_call(model: BaseChatModel, call: str) -> None:
    override = OVERRIDES["bedrock_converse"]
    if call == "invoke":
        model.invoke("Hello", model=override)
    elif call == "ainvoke":
        await model.ainvoke("Hello", model=override)
    elif call == "stream":
        list(model.stream("Hello", model=override))
    else:
        [chunk async for chunk in model.astream("Hello", model=override)]


@pytest.mark.parametrize("call", ["invoke", "ainvoke", "stream", "astream"])
async def test_model_per_call_is_refused_as_langchain_aws_refuses_it(
    call: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A call's `model=` (the suite's model-override tests, off for this class) is not a
    Converse field: langchain-aws's _converse_params() refuses it with a TypeError
    before any request, and the drop-in raises the same words."""
    for name in ("AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        monkeypatch.delenv(name, raising=False)
    words = []
    for suite in (_LangchainAwsConverseIntegration(), TestChatBedrockConverseIntegration()):
        model = suite.chat_model_class(
            **suite.standard_chat_model_params, **suite.chat_model_params
        )
        with pytest.raises(TypeError) as info:
            await _model_per_call(model, call)
        words.append(str(info.value))
    unexpected = "ChatBedrockConverse._converse_params() got an unexpected keyword argument"
    assert words == [f"{unexpected} 'model'"] * 2


class TestChatGoogleGenerativeAIUnit(_Unit):
    name = "ChatGoogleGenerativeAI"


class TestChatGoogleGenerativeAIIntegration(_Integration):
    name = "ChatGoogleGenerativeAI"


class TestChatVertexAIUnit(_Unit):
    name = "ChatVertexAI"
    # test_serdes loads the dump as langchain-google-vertexai's ChatVertexAI, which warns
    # that it is deprecated: ignored as langchain-google's libs/vertexai/pyproject.toml
    # ignores it for its own suites.
    pytestmark = [
        pytest.mark.filterwarnings("ignore:Use \\[`ChatGoogleGenerativeAI`.*:DeprecationWarning"),
        pytest.mark.filterwarnings(
            "ignore:The class `ChatVertexAI` was deprecated.*"
            ":langchain_core._api.deprecation.LangChainDeprecationWarning"
        ),
    ]


class TestChatVertexAIIntegration(_Integration):
    name = "ChatVertexAI"


#: A kept difference (the partner raises): langchain-google-vertexai's ChatAnthropicVertex
#: has no key field and moves the unit suite's `api_key="test"` into `model_kwargs`, so
#: every call raises the anthropic SDK's TypeError; the drop-in refuses it when built.
ANTHROPIC_VERTEX_NO_KEY = (
    "langchain-google-vertexai's ChatAnthropicVertex takes api_key= into model_kwargs "
    "and every call raises the SDK's TypeError; the drop-in refuses it when built"
)


class TestChatAnthropicVertexUnit(_Unit):
    name = "ChatAnthropicVertex"

    @property
    def standard_chat_model_params(self) -> dict[str, Any]:
        # (its Google auth: no key; `ANTHROPIC_VERTEX_NO_KEY`)
        return {k: v for k, v in super().standard_chat_model_params.items() if k != "api_key"}


@pytest.mark.filterwarnings("ignore")  # the partner's own (api_key moved to model_kwargs)
def test_anthropic_vertex_api_key_fails_every_partner_call_and_is_refused_when_built() -> None:
    from langchain_google_vertexai.model_garden import ChatAnthropicVertex as Partner

    suite = TestChatAnthropicVertexUnit()
    params = {**suite.chat_model_params, "max_retries": 0, "api_key": "test"}
    partner = Partner(**params)
    assert partner.model_kwargs == {"api_key": "test"}
    with pytest.raises(TypeError, match="unexpected keyword argument 'api_key'"):
        partner.invoke("hi")  # before any request
    with pytest.raises(TypeError, match="unexpected keyword argument 'api_key'"):
        suite.chat_model_class(**params)


ANTHROPIC_VERTEX_V1_STREAM = (
    "as langchain-google-vertexai's ChatAnthropicVertex: with output_version='v1', a "
    "streamed tool call's content block keeps empty args ({}) where its tool_calls hold "
    "them; test_langchain_google_vertexai_fails_it_too runs its class through it here"
)


class TestChatAnthropicVertexIntegration(_Integration):
    name = "ChatAnthropicVertex"

    @pytest.mark.xfail(strict=True, reason=ANTHROPIC_VERTEX_V1_STREAM)
    @pytest.mark.parametrize("model", [{"output_version": "v1"}], indirect=True)
    def test_tool_calling(self, model: BaseChatModel) -> None:
        super().test_tool_calling(model)

    @pytest.mark.parametrize("model", [{}], indirect=True)
    def test_tool_calling_v0(self, model: BaseChatModel) -> None:
        super().test_tool_calling(model)


class _LangchainGoogleAnthropicVertexIntegration(TestChatAnthropicVertexIntegration):
    """The same suite on langchain-google-vertexai's own class (not collected)."""

    @property
    def chat_model_class(self) -> type[BaseChatModel]:
        from langchain_google_vertexai.model_garden import ChatAnthropicVertex as Partner

        return Partner


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_langchain_google_vertexai_fails_it_too() -> None:
    suite = _LangchainGoogleAnthropicVertexIntegration()
    params = {**suite.standard_chat_model_params, **suite.chat_model_params}
    model = suite.chat_model_class(**params, output_version="v1")
    with pytest.raises(AssertionError, match=r"\{\} == \{'input': 3\}"):
        ChatModelIntegrationTests.test_tool_calling(suite, model)


class TestChatGroqUnit(_Unit):
    name = "ChatGroq"


class TestChatGroqIntegration(_Integration):
    name = "ChatGroq"


class TestChatDeepSeekUnit(_Unit):
    name = "ChatDeepSeek"


class TestChatDeepSeekIntegration(_Integration):
    name = "ChatDeepSeek"


class TestChatXAIUnit(_Unit):
    name = "ChatXAI"


class TestChatXAIIntegration(_Integration):
    name = "ChatXAI"


class TestChatMistralAIUnit(_Unit):
    name = "ChatMistralAI"


class TestChatMistralAIIntegration(_Integration):
    name = "ChatMistralAI"


class TestChatFireworksUnit(_Unit):
    name = "ChatFireworks"


class TestChatFireworksIntegration(_Integration):
    name = "ChatFireworks"


class TestChatTogetherUnit(_Unit):
    name = "ChatTogether"


class TestChatTogetherIntegration(_Integration):
    name = "ChatTogether"


class TestChatPerplexityUnit(_Unit):
    name = "ChatPerplexity"


class TestChatPerplexityIntegration(_Integration):
    name = "ChatPerplexity"


class TestChatNebiusUnit(_Unit):
    name = "ChatNebius"


class TestChatNebiusIntegration(_Integration):
    name = "ChatNebius"


class TestChatSambaNovaUnit(_Unit):
    name = "ChatSambaNova"

    @pytest.mark.xfail(strict=True, reason=SERDES_ALLOWLIST)
    def test_serdes(self, model: BaseChatModel, snapshot: SnapshotAssertion) -> None:
        super().test_serdes(model, snapshot)

    # `load` is beta in langchain-core: it warns when called from outside LangChain.
    @pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
    def test_serdes_as_langchain_sambanova_runs_it(self, model: BaseChatModel) -> None:
        """langchain-sambanova's own version of test_serdes: LangChain's, with its class
        allowed in `load` (`allowed_objects=[ChatSambaNova]`). The drop-in's dump loads as
        that class, with the same `asdict()`."""
        from langchain_sambanova import ChatSambaNova as PartnerChatSambaNova

        env, _, _ = self.init_from_env_params
        with mock.patch.dict(os.environ, env):
            loaded = load(
                dumpd(model),
                valid_namespaces=model.get_lc_namespace()[:1],
                allowed_objects=[PartnerChatSambaNova],
            )
        assert type(loaded) is PartnerChatSambaNova
        assert model.asdict() == loaded.asdict()  # `dict()` (deprecated) is `asdict()`


class TestChatSambaNovaIntegration(_Integration):
    name = "ChatSambaNova"


class TestChatCerebrasUnit(_Unit):
    name = "ChatCerebras"


class TestChatCerebrasIntegration(_Integration):
    name = "ChatCerebras"


class TestChatHyperbolicUnit(_Unit):
    name = "ChatHyperbolic"


class TestChatHyperbolicIntegration(_Integration):
    name = "ChatHyperbolic"


# (the suite asks for json_mode, which langchain-openrouter has not: it warns and takes
# json_schema, and the drop-in the same)
@pytest.mark.filterwarnings("ignore:Unrecognized structured output method 'json_mode'")
class TestChatOpenRouterUnit(_Unit):
    name = "ChatOpenRouter"

    @pytest.mark.filterwarnings("ignore::langchain_core._api.beta_decorator.LangChainBetaWarning")
    def test_serdes_as_the_drop_in(self, model: BaseChatModel) -> None:
        """The partner's dump loads as the drop-in, as a script without
        langchain-openrouter loads it, through chatplex's mappings (docs/langchain.md),
        with the same `asdict()`."""
        env, _, _ = self.init_from_env_params
        with mock.patch.dict(os.environ, env):
            loaded = load(
                dumpd(model),
                valid_namespaces=["chatplex", *model.get_lc_namespace()[:1]],
                allowed_objects="all",
                secrets_from_env=True,
                additional_import_mappings=chatplex.langchain.dropin.load_mappings(),
            )
        assert type(loaded) is type(model) and loaded.asdict() == model.asdict()


class TestChatOpenRouterIntegration(_Integration):
    name = "ChatOpenRouter"


def test_ollama_max_tokens_is_its_num_predict() -> None:
    """langchain-ollama drops `max_tokens` (no such field); the drop-in takes it as the
    limit Ollama calls `num_predict` rather than lose it."""
    limited = chatplex.langchain.ChatOllama(
        model="llama3.2", base_url=UNIT_BASE_URL, max_tokens=100
    )
    assert limited.num_predict == 100


class TestChatWatsonxUnit(_Unit):
    name = "ChatWatsonx"


class TestChatWatsonxIntegration(_Integration):
    name = "ChatWatsonx"
