"""`AzureChatOpenAI`: langchain-openai's Azure constructor (names, aliases, environment
variables, refusals) over ChatOpenAI's shared construction and the Azure adapter: its
record's `build` (the plain model) and its LangChain class."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from langchain_core.load import dumpd

import chatplex
import chatplex.langchain
from chatplex.chat import ChatModel
from chatplex.langchain.traits import partner_traits
from chatplex.providers.openai import azure_dropin
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.azure_dropin import azure_profile_names
from chatplex.providers.openai.azure_responses import AzureResponsesAdapter
from tests._dropins import chat_model

ENDPOINT = "https://res.openai.azure.com"
VERSION = "2024-10-21"
ENV = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN",
       "OPENAI_API_VERSION", "OPENAI_API_KEY", "OPENAI_API_BASE")  # fmt: skip


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def build(**settings: Any) -> ChatModel:
    settings.setdefault("azure_endpoint", ENDPOINT)
    settings.setdefault("api_key", "k")
    return azure_dropin.build(settings)


def url(model: ChatModel) -> str:
    return model.build_request("hi").url


def test_langchain_constructor_builds_the_azure_adapter() -> None:
    model = build(azure_deployment="prod", api_version=VERSION, temperature=0, max_tokens=5)
    assert isinstance(model.adapter, AzureOpenAIAdapter)
    assert model.get_name() == "AzureChatOpenAI"
    assert (model.model, model.adapter.azure_deployment, model.adapter.api_version) == (
        "prod",
        "prod",
        VERSION,
    )
    assert model.adapter.azure_endpoint == ENDPOINT
    dropin = chatplex.langchain.AzureChatOpenAI(
        azure_endpoint=ENDPOINT, api_key="k", azure_deployment="prod", api_version=VERSION
    )
    assert (dropin.deployment_name, dropin.openai_api_version, dropin.azure_endpoint) == (
        "prod",
        VERSION,
        ENDPOINT,
    )
    request = model.build_request("hi")
    assert (
        request.url == f"{ENDPOINT}/openai/deployments/prod/chat/completions?api-version={VERSION}"
    )
    assert request.json["max_completion_tokens"] == 5  # as langchain-openai sends it
    assert request.json["temperature"] == 0
    assert request.headers["api-key"] == "k"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"deployment_name": "d1"}, "/deployments/d1/"),
        ({"azure_deployment": "d1"}, "/deployments/d1/"),
        ({"model": "gpt-4o", "azure_deployment": "d1"}, "/deployments/d1/"),
        ({"model_name": "gpt-4o"}, "/deployments/gpt-4o/"),
        ({"openai_api_version": "2025-01-01"}, "?api-version=2025-01-01"),
        # no deployment nor model named: none in the path, as the SDK's (the body has none)
        ({"openai_api_key": "k2", "api_key": None}, "/openai/chat/completions?"),
    ],
)
def test_langchain_aliases(settings: dict[str, Any], expected: str) -> None:
    settings.setdefault("api_version", None if "openai_api_version" in settings else VERSION)
    assert expected in url(build(**settings))


def test_the_model_name_is_a_label_when_a_deployment_is_named() -> None:
    model = build(model="gpt-4o", azure_deployment="d1", api_version=VERSION)
    assert model.model == "gpt-4o"
    assert model.build_request("hi").json["model"] == "gpt-4o"


def test_no_model_named_is_langchains_none_not_chatopenais_default() -> None:
    """langchain-openai's Azure class has no default model (ChatOpenAI's is gpt-3.5-turbo):
    its identifying params name none, and `dumpd` writes no model_name."""
    settings = {"azure_deployment": "d1", "api_version": VERSION}
    model = chatplex.langchain.AzureChatOpenAI(azure_endpoint=ENDPOINT, api_key="k", **settings)
    assert model._identifying_params["model_name"] is None
    assert model._identifying_params["model"] is None
    assert "model_name" not in dumpd(model)["kwargs"]
    named = chatplex.langchain.AzureChatOpenAI(
        azure_endpoint=ENDPOINT, api_key="k", model="m", **settings
    )
    assert named._identifying_params["model_name"] == "m"
    assert dumpd(named)["kwargs"]["model_name"] == "m"


@pytest.mark.parametrize(
    "settings",
    [
        {"azure_deployment": "a", "deployment_name": "b"},
        {"api_version": "1", "openai_api_version": "2"},
        {"api_key": "a", "openai_api_key": "b"},
    ],
)
def test_an_alias_given_twice_differently_is_a_type_error(settings: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="pass one of them"):
        build(**settings)


def test_unknown_keyword_names_the_closest_setting() -> None:
    with pytest.raises(TypeError, match="did you mean 'azure_deployment'"):
        build(azure_deploymnt="x")
    with pytest.raises(TypeError, match="did you mean 'temperature'"):
        build(temprature=0)


def test_the_signature_shows_azure_and_chatopenai_parameters() -> None:
    names = set(inspect.signature(chatplex.langchain.AzureChatOpenAI).parameters)
    assert {"azure_endpoint", "azure_ad_token_provider", "model_version"} <= names
    assert set(inspect.signature(chatplex.langchain.ChatOpenAI).parameters) <= names


def test_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", ENDPOINT)
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "env-key")
    monkeypatch.setenv("OPENAI_API_VERSION", VERSION)
    model = azure_dropin.build({"azure_deployment": "d"})
    request = model.build_request("hi")
    assert request.url == f"{ENDPOINT}/openai/deployments/d/chat/completions?api-version={VERSION}"
    assert request.headers["api-key"] == "env-key"


def test_openai_variables_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_BASE", "https://gw.example/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai")
    with pytest.raises(ValueError, match="credentials missing"):
        azure_dropin.build({"azure_endpoint": ENDPOINT, "azure_deployment": "d"})


def test_token_providers_pass_through() -> None:
    model = build(api_key=None, azure_ad_token_provider=lambda: "tok-4711", api_version=VERSION)
    request = model.build_request("hi")  # the sync provider, called for this request
    assert request.headers["Authorization"] == "Bearer tok-4711"
    assert "tok-4711" not in repr(model) + repr(model.adapter)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"project": "p"}, "Azure has no projects"),
        ({"model_version": 1}, "model_version must be a str"),
    ],
)
def test_refused_settings_say_why(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(TypeError, match=message):
        build(**settings)


@pytest.mark.parametrize(
    "settings",
    [{"use_responses_api": True}, {"reasoning": {"effort": "low"}}, {"include": ["x"]}],
)
def test_the_responses_switches_call_azures_responses_api(settings: dict[str, Any]) -> None:
    model = build(azure_deployment="prod", api_version="2025-03-01-preview", **settings)
    assert isinstance(model.adapter, AzureResponsesAdapter)
    assert model.provider == "openai_responses" and model.provider_label == "azure_openai"
    request = model.build_request("hi")
    assert request.url == f"{ENDPOINT}/openai/responses?api-version=2025-03-01-preview"
    assert request.json["model"] == "prod" and request.json["input"]
    assert model.adapter.api_version == "2025-03-01-preview"
    assert model.adapter.azure_endpoint == ENDPOINT


def dropin_model(**settings: Any) -> ChatModel:
    """The model of its LangChain class (its hooks bind built-in tools)."""
    return chat_model("AzureChatOpenAI", azure_endpoint=ENDPOINT, api_key="k", **settings)


def test_a_builtin_tool_bound_switches_to_azures_responses_api() -> None:
    model = dropin_model(azure_deployment="prod", api_version=VERSION)
    assert isinstance(model.adapter, AzureOpenAIAdapter)
    bound = model.bind_tools([{"type": "web_search"}])
    request = bound.build_request("hi")
    assert request.url == f"{ENDPOINT}/openai/responses?api-version={VERSION}"
    assert request.json["tools"] == [{"type": "web_search"}]
    assert dict(request.headers)["api-key"] == "k"


def test_use_responses_api_false_keeps_builtin_tools_refused() -> None:
    model = dropin_model(azure_deployment="prod", api_version=VERSION, use_responses_api=False)
    with pytest.raises(ValueError, match="need the Responses API"):
        model.bind_tools([{"type": "web_search"}])


def test_legacy_api_type_azure_is_accepted() -> None:
    assert build(openai_api_type="azure", api_version=VERSION).model == "gpt-3.5-turbo"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"base_url": "https://res.openai.azure.com"}, "must contain /openai"),
        (
            {"base_url": "https://res.openai.azure.com/openai", "azure_deployment": "d"},
            "azure_deployment= goes with azure_endpoint",
        ),
    ],
)
def test_validate_base_url_checks_as_langchain(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        azure_dropin.build({"api_key": "k", "api_version": VERSION, **settings})


def test_validate_base_url_false_sends_to_the_base_url_as_given() -> None:
    model = azure_dropin.build(
        {"base_url": "https://gw.example/az", "api_key": "k", "api_version": VERSION,
         "validate_base_url": False}
    )  # fmt: skip
    assert url(model) == f"https://gw.example/az/chat/completions?api-version={VERSION}"


def test_base_url_with_a_deployment_and_default_query() -> None:
    model = azure_dropin.build(
        {"base_url": f"{ENDPOINT}/openai/deployments/d", "api_key": "k", "api_version": VERSION,
         "default_query": {"x": "1"}}
    )  # fmt: skip
    assert (
        url(model) == f"{ENDPOINT}/openai/deployments/d/chat/completions?x=1&api-version={VERSION}"
    )


def test_under_langchains_name_its_adapter_reads_a_withheld_reply_as_langchain_openai() -> None:
    # Its plain model (its record's build) raises ContentFilterError for a reply the
    # filter withheld; its model under LangChain's name reads it as langchain-openai's.
    own = build(api_version=VERSION)
    assert own.partner_words is False
    assert isinstance(own.adapter, AzureOpenAIAdapter) and own.adapter.withheld_raises
    dropin = chatplex.langchain.AzureChatOpenAI(
        azure_endpoint="https://res.openai.azure.com",
        azure_deployment="gpt4o",
        api_version="2024-10-21",
        api_key="k",
    )
    engine = dropin.chatplex_model
    assert engine.partner_words is True
    assert isinstance(engine.adapter, AzureOpenAIAdapter) and not engine.adapter.withheld_raises
    # The drop-in's reader is a copy: the plain model keeps its adapter as built.
    reader = partner_traits(own.adapter).partner_reading(own.adapter)
    assert reader is not own.adapter and not reader.withheld_raises
    assert own.adapter.withheld_raises


@pytest.mark.parametrize(
    "named",
    [
        {"model": "gpt-3.5-turbo-0125", "azure_deployment": "gpt-4o-mini"},
        {"model": "gpt-4o", "azure_deployment": "gpt-4o-mini"},
        {"azure_deployment": "gpt-4o-mini"},
        {"model": "my-own-model", "azure_deployment": "my-deployment"},
    ],
    ids=lambda named: "/".join(named.values()),
)
def test_a_profile_looked_up_by_the_model_then_the_deployment(named: dict[str, str]) -> None:
    """The model named where langchain-openai has its profile, else the deployment's
    (the model's has none), as its Azure class looks them up."""
    import langchain_openai

    settings = {"azure_endpoint": ENDPOINT, "api_version": VERSION, "api_key": "k", **named}
    theirs = langchain_openai.AzureChatOpenAI(**settings).profile
    assert chatplex.langchain.AzureChatOpenAI(**settings).profile == theirs
    expected = tuple(n for n in (named.get("model"), named["azure_deployment"]) if n)
    assert azure_profile_names(build(api_version=VERSION, **named)) == expected


@pytest.mark.parametrize(
    "settings",
    [
        {"model": "gpt-5-nano", "azure_deployment": "prod", "temperature": 0},
        {"model": "o1", "azure_deployment": "prod"},
        {"azure_deployment": "gpt-5-nano", "temperature": 0},  # a deployment is no model
    ],
    ids=["gpt-5-given-0", "o1-given-none", "deployment-alone"],
)
def test_temperature_fields_read_as_langchain_openais_validator_leaves_them(
    settings: dict[str, Any],
) -> None:
    """As langchain-openai's AzureChatOpenAI: the model named (not the deployment)
    decides the temperature its validator leaves, which `temperature`, the identifying
    params and the LangSmith params show, and which is sent."""
    import langchain_openai

    from tests.providers.openai.test_dropin import _temperature_fields

    given = {**settings, "azure_endpoint": ENDPOINT, "api_key": "k", "api_version": VERSION}
    theirs = langchain_openai.AzureChatOpenAI(**given)
    ours = chatplex.langchain.AzureChatOpenAI(**given)
    assert _temperature_fields(ours) == _temperature_fields(theirs)
    sent = ours.chatplex_model.build_request("hi").json.get("temperature", "<absent>")
    assert sent == (theirs.temperature if theirs.temperature is not None else "<absent>")
