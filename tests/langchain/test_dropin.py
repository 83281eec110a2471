"""`from chatplex.langchain import ChatOpenAI, ChatAnthropic`: the LangChain classes
`dropin.py` makes, one per drop-in name, from its engine: LangChain chat models with
langchain-openai's / langchain-anthropic's constructors over chatplex's engine, through
the mock server (invoke, stream, tools, LangGraph). LangChain's standard suites run on
every drop-in class in test_standard_suites_dropins.py."""

from __future__ import annotations

from typing import Any

import pytest
from _dropinkit import MODELS
from _dropinkit import PROVIDERS
from _dropinkit import Person
from _dropinkit import get_weather
from _dropinkit import llm
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from pydantic import ValidationError
from test_partner_fields import _partner_class
from test_sdk_clients import _BUILT as BESIDE_PARTNER
from test_sdk_clients import _pair

import chatplex.langchain
from chatplex import ChatModel
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatOpenAI


def test_they_are_langchain_chat_models_over_chatplex_drop_ins() -> None:
    openai = ChatOpenAI(model_name="gpt-4o", openai_api_key="sk-secret-123", temperature=0.5)
    assert isinstance(openai, BaseChatModel)
    assert type(openai.chatplex_model) is ChatModel  # (built from its record)
    assert (openai.model_name, openai.temperature, openai.provider) == ("gpt-4o", 0.5, "openai")
    assert openai._llm_type == "openai-chat"
    claude = ChatAnthropic(model="claude-x", anthropic_api_key="k", max_tokens_to_sample=9)
    assert type(claude.chatplex_model) is ChatModel  # (built from its record)
    assert (claude.max_tokens, claude._llm_type) == (9, "anthropic-chat")
    assert "sk-secret-123" not in repr(openai) + str(openai.chatplex_model)


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_invoke_and_stream(provider: str, sync: bool) -> None:
    model = llm(provider)
    reply = model.invoke("hello there") if sync else await model.ainvoke("hello there")
    assert isinstance(reply, AIMessage) and reply.content == "Echo: hello there"
    assert reply.response_metadata["model_name"] == MODELS[provider]
    if sync:
        chunks = list(model.stream("hello there"))
    else:
        chunks = [c async for c in model.astream("hello there")]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    assert len([c for c in chunks if c.text]) > 1
    assert "".join(c.text for c in chunks) == "Echo: hello there"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_tools_and_structured_output(provider: str, sync: bool) -> None:
    model = llm(provider).bind_tools([get_weather], tool_choice="get_weather")
    question = "What is the weather in Paris?"
    reply = model.invoke(question) if sync else await model.ainvoke(question)
    assert [c["name"] for c in reply.tool_calls] == ["get_weather"]
    structured = llm(provider).with_structured_output(Person)
    person = structured.invoke("Ann, 30") if sync else await structured.ainvoke("Ann, 30")
    assert isinstance(person, Person)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_langgraph_react_agent_runs_on_it(provider: str) -> None:
    prebuilt = pytest.importorskip("langgraph.prebuilt")
    from langgraph.warnings import LangGraphDeprecatedSinceV10

    with pytest.warns(LangGraphDeprecatedSinceV10):
        agent = prebuilt.create_react_agent(llm(provider), [get_weather])
    out = agent.invoke({"messages": [("user", "What is the weather in San Francisco, CA?")]})
    kinds = [type(m).__name__ for m in out["messages"]]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"], kinds
    assert out["messages"][2].content == "It is sunny in San Francisco, CA."


def test_azure_chat_openai_is_a_langchain_model_over_the_azure_adapter() -> None:
    from chatplex.langchain import AzureChatOpenAI
    from chatplex.providers.openai.azure import AzureOpenAIAdapter

    llm = AzureChatOpenAI(
        azure_endpoint="https://res.openai.azure.com",
        azure_deployment="prod",
        openai_api_version="2024-10-21",
        api_key="azure-secret-123",
        temperature=0.2,
    )
    assert isinstance(llm, BaseChatModel)
    assert isinstance(llm.chatplex_model.adapter, AzureOpenAIAdapter)
    assert (llm.temperature, llm._llm_type) == (0.2, "azure-openai-chat")
    # Without model=, langchain-openai's model_name is None (the deployment alone);
    # traces still name the deployment, as its _get_ls_params does.
    assert llm.model_name is None and llm.model_dump()["model_name"] is None
    assert llm.deployment_name == "prod" and llm._get_ls_params()["ls_model_name"] == "prod"
    named = AzureChatOpenAI(
        model="gpt-4o",
        azure_endpoint="https://res.openai.azure.com",
        azure_deployment="prod",
        openai_api_version="2024-10-21",
        api_key="k",
    )
    assert named.model_name == named.model_dump()["model_name"] == "gpt-4o"
    assert llm.chatplex_model.build_request("hi").url == (
        "https://res.openai.azure.com/openai/deployments/prod/chat/completions"
        "?api-version=2024-10-21"
    )
    assert "azure-secret-123" not in repr(llm) + str(llm.chatplex_model)
    with pytest.raises(TypeError, match="did you mean 'azure_deployment'"):
        AzureChatOpenAI(
            azure_endpoint="https://res.openai.azure.com", api_key="k", azure_deploymnt="x"
        )


@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_headers_that_are_no_mapping_are_refused_naming_the_setting(name: str) -> None:
    # Where a drop-in takes default_headers, a value that is no mapping is refused naming
    # it, before any request (it was an AttributeError or "'int' object is not iterable"
    # from deep inside), as a ValidationError: the partners refuse it so too, or drop it.
    # A drop-in without the setting refuses the keyword (a TypeError).
    cls = getattr(chatplex.langchain, name)
    with pytest.raises((TypeError, ValidationError), match="default_headers") as refused:
        cls(default_headers=5, **_built_with(name))
    unknown = "unexpected keyword argument" in str(refused.value)
    assert isinstance(refused.value, TypeError if unknown else ValidationError)


_AWS = {"region_name": "us-east-1", "aws_access_key_id": "AKIAX", "aws_secret_access_key": "s"}
_BEDROCK = {"model": "anthropic.claude-3-haiku-20240307-v1:0", **_AWS}
_AZURE = {"azure_deployment": "d", "azure_endpoint": "https://x.openai.azure.com"}
_IBM = {"url": "https://us-south.ml.cloud.ibm.com", "project_id": "p", "api_key": "k-test"}
#: Keywords that build a drop-in but for the one a test adds, where a model and a key
#: are not all it needs.
_BUILT: dict[str, dict[str, Any]] = {
    "ChatBedrock": _BEDROCK,
    "ChatBedrockConverse": _BEDROCK,
    "ChatAnthropicBedrock": _BEDROCK,
    "ChatAnthropicVertex": {
        "model": "claude-sonnet-4-5@20250929",
        "project": "p",
        "access_token": "t",
    },
    "AzureChatOpenAI": {**_AZURE, "api_version": "2024-06-01", "api_key": "k-test"},
    "ChatVertexAI": {"model": "gemini-2.0-flash", "project": "p", "api_key": "k-test"},
    "ChatWatsonx": {"model_id": "ibm/granite-3-8b-instruct", **_IBM},
    "ChatOllama": {"model": "m-1"},
}


def _built_with(name: str) -> dict[str, Any]:
    return _BUILT.get(name, {"model": "m-1", "api_key": "k-test"})


# ---- every public member of the partner's model -----------------------------------
# A script that reads an attribute or calls a method of its LangChain class (`await
# llm.aclose()`, `llm.client`, `llm.get_num_tokens(...)`) finds it on the drop-in. Read
# from the installed partner packages, so a release that adds a member fails here until
# the drop-in has it or a reason is listed. The drop-ins checked are those built offline
# beside their partner in `test_sdk_clients.py`. The partner's pydantic validators
# (`validate_environment`, `build_extra`...) are left out: pydantic runs them at
# construction, and the drop-in's field store does that work.

#: Members a drop-in lacks on purpose: (drop-in, member) -> why.
NOT_THERE: dict[tuple[str, str], str] = {
    ("ChatMistralAI", "completion_with_retry"): (
        "langchain-mistralai's own request helper, which posts a body it built over its "
        "private httpx client; the drop-in's calls go through chatplex's engine"
    ),
    **{
        ("ChatVertexAI", member): (
            "langchain-google-vertexai's google-cloud-aiplatform client (gRPC, or REST), "
            "built when first read and held in `client`/`async_client`, through which its "
            "calls go; the drop-in's calls go through chatplex's engine, which speaks "
            "Vertex AI's REST API itself"
        )
        for member in ("prediction_client", "async_prediction_client")
    },
}
#: The drop-ins checked beside their partner but those `test_sdk_clients.py` builds,
#: built with `_built_with`. (langchain-ibm's class asks IBM Cloud for a token when
#: built: ChatWatsonx's members are read in its suite, against its local server.)
_ALSO_CHECKED = ("ChatOllama", "ChatOpenRouter", "ChatVertexAI")


def _beside_partner(name: str) -> tuple[Any, Any]:
    """The drop-in `name` and its partner's model, built with the same keywords."""
    if name in BESIDE_PARTNER:
        return _pair(name, {})
    partner = _partner_class(name)(**_built_with(name))
    return getattr(chatplex.langchain, name)(**_built_with(name)), partner


def _validators(cls: type) -> set[str]:
    """The names of a pydantic model class's validators."""
    found = cls.__pydantic_decorators__
    return {
        *found.model_validators,
        *found.field_validators,
        *found.validators,
        *found.root_validators,
    }


def _public(model: Any) -> list[str]:
    return [name for name in dir(model) if not name.startswith("_")]


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted({*BESIDE_PARTNER, *_ALSO_CHECKED}))
def test_every_public_member_of_the_partners_model_is_on_the_drop_in(name: str) -> None:
    ours, theirs = _beside_partner(name)
    validators = _validators(type(theirs))
    missing = {
        member
        for member in _public(theirs)
        if member not in validators and not hasattr(ours, member)
    }
    listed = {member for (owner, member) in NOT_THERE if owner == name}
    assert missing == listed, f"missing: {sorted(missing - listed)}; listed, there: " + str(
        sorted(listed - missing)
    )


def test_every_listed_member_names_a_checked_drop_in() -> None:
    assert {owner for owner, _ in NOT_THERE} <= {*BESIDE_PARTNER, *_ALSO_CHECKED}
