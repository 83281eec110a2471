"""langchain-openai's records (providers/openai/partner.py): the Chat Completions
classes', AzureChatOpenAI's and the Responses path's, each found by its adapter's class
(a subclass without one of its own has its base's)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.langchain.traits import partner_traits
from chatplex.messages import HumanMessage
from chatplex.providers.openai import partner as module
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.azure_responses import AzureResponsesAdapter
from chatplex.providers.openai.partner import OPENAI_MISSING_KEY
from chatplex.providers.openai.partner import TRAITS
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter
from tests.providers._partner import bound_form
from tests.providers._partner import for_call
from tests.providers._partner import missing_key_alike
from tests.providers._partner import sdk_helper
from tests.providers._partner import unknown_keyword

_AZURE = {"azure_endpoint": "https://r.openai.azure.com", "api_version": "2024-10-21"}


def adapter(**kwargs: Any) -> OpenAIAdapter:
    kwargs.setdefault("api_key", "sk-test")
    return OpenAIAdapter(**kwargs)


def _azure(**kwargs: Any) -> AzureOpenAIAdapter:
    return AzureOpenAIAdapter(api_key="k", azure_deployment="gpt-4o-mini", **_AZURE, **kwargs)


def test_each_class_finds_its_own_record_or_its_bases() -> None:
    assert partner_traits(adapter()) is TRAITS["OpenAIAdapter"]
    assert partner_traits(_azure()) is TRAITS["AzureOpenAIAdapter"]
    assert partner_traits(OpenAIResponsesAdapter(api_key="k")) is TRAITS["OpenAIResponsesAdapter"]
    # Azure's Responses adapter declares nothing of its own: the Responses path's.
    azure_responses = AzureResponsesAdapter(api_key="k", **_AZURE)
    assert partner_traits(azure_responses) is TRAITS["OpenAIResponsesAdapter"]


def test_the_records_say_how_each_langchain_openai_class_differs() -> None:
    chat, azure, responses = (
        TRAITS[name] for name in ("OpenAIAdapter", "AzureOpenAIAdapter", "OpenAIResponsesAdapter")
    )
    assert (chat.invalid_arguments_words, responses.invalid_arguments_words) == (
        "parser",
        "decoder",
    )
    assert (chat.builtin_tools, responses.builtin_tools) == ("elsewhere", "sent")
    assert responses.sends_unread_tool_choice and not chat.sends_unread_tool_choice
    assert responses.call_max_tokens_yields and not azure.call_max_tokens_yields
    # AzureChatOpenAI sends a call's max_tokens as given; ChatOpenAI as the model's goes.
    assert (azure.call_max_tokens_field, chat.call_max_tokens_field) == ("max_tokens", None)
    assert azure.sdk_helper_adapter is chat.sdk_helper_adapter  # Azure's is OpenAI's
    # Each reads replies its partner's way: Azure's withheld ones, ChatOpenAI's reasoning.
    assert None is not azure.partner_reading is not chat.partner_reading is not None


def test_azures_partner_reading_is_a_copy_whose_record_is_azures() -> None:
    own = _azure()
    reading = partner_traits(own).partner_reading
    assert reading is not None
    reader = reading(own)
    assert isinstance(reader, AzureOpenAIAdapter) and reader is not own
    assert not reader.withheld_raises and own.withheld_raises
    assert partner_traits(reader) is TRAITS["AzureOpenAIAdapter"]  # by its base's class


def test_the_sdk_helper_adapter_is_a_copy_reading_streams_as_the_helper() -> None:
    a = adapter()
    helper = sdk_helper(a)
    assert helper is not None and helper is not a
    assert helper.reads_sdk_events and not a.reads_sdk_events
    assert helper.base_url == a.base_url
    assert helper.stream_parser({})._sdk_events and not a.stream_parser({})._sdk_events


@pytest.mark.parametrize("model_asks", [True, False])
def test_a_calls_own_stream_usage_decides_whether_the_usage_is_asked(model_asks: bool) -> None:
    # langchain-openai's _should_stream_usage: the call's stream_usage over the model's.
    adapter = OpenAIAdapter(
        api_key="sk-1", base_url="http://localhost:9/v1", include_usage=model_asks
    )

    def asks(settings: dict[str, Any]) -> bool:
        request = for_call(adapter, settings).build_request(
            [HumanMessage("Hi")], CallSettings("gpt-4o-mini"), stream=True
        )
        return "stream_options" in request.json

    assert asks({}) is model_asks
    assert asks({"stream_usage": True}) is True
    assert asks({"stream_usage": False}) is False
    assert for_call(adapter, {"stream_usage": model_asks}) is adapter
    assert adapter.include_usage is model_asks  # the model's own stays as it was


def test_built_with_no_key_chatopenai_raises_the_openai_clients_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openai = pytest.importorskip("openai")
    for name in ("OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    missing_key_alike(OpenAIAdapter, openai.OpenAI)
    # The Responses path's connection is the Chat Completions adapter: the same record.
    assert partner_traits(adapter()).missing_key is OPENAI_MISSING_KEY
    assert TRAITS["OpenAIResponsesAdapter"].missing_key is None


def test_built_with_no_credential_azure_raises_the_azure_clients_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    openai = pytest.importorskip("openai")
    for name in ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    missing_key_alike(AzureOpenAIAdapter, lambda: openai.AzureOpenAI(**_AZURE))


def test_the_openai_words_are_the_installed_sdks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read from its files, not imported: a Stainless SDK's words before its clients
    took other credentials."""
    monkeypatch.setattr(module, "_openai_takes_other_credentials", lambda: False)
    assert OPENAI_MISSING_KEY.text() == (
        "The api_key client option must be set either by passing api_key to the client "
        "or by setting the OPENAI_API_KEY environment variable"
    )
    monkeypatch.setattr(module, "_openai_takes_other_credentials", lambda: True)
    assert OPENAI_MISSING_KEY.text().startswith("Missing credentials. Please pass an `api_key`")


def test_the_tool_choice_is_bound_as_langchain_openai_binds_it() -> None:
    # BaseChatOpenAI.bind_tools: a bound tool's name as its choice object, "any" and True
    # as "required", the other words and any object as given; on both APIs.
    tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    named = {"type": "function", "function": {"name": "f"}}
    for wire in (adapter(), _azure(), OpenAIResponsesAdapter(api_key="k")):
        for given, read, bound in (
            ("f", "f", named),
            ("any", "required", "required"),
            (True, "required", "required"),
            ("auto", "auto", "auto"),
            ({"type": "tool", "name": "f"}, "f", {"type": "tool", "name": "f"}),
        ):
            assert bound_form(wire, [tool], read, given) == ([tool], bound)


def test_a_call_keyword_the_responses_sdk_refuses_is_its_typeerror() -> None:
    # ChatOpenAI(reasoning=...).bind(seed=3): langchain-openai hands `seed` to the openai
    # SDK's Responses.create(), which refuses it; the drop-in raised its own words.
    adapter = OpenAIResponsesAdapter(api_key="k")
    sync = unknown_keyword(adapter, "seed", 3)
    late = unknown_keyword(adapter, "seed", 3, asynchronous=True)
    assert isinstance(sync, TypeError) and isinstance(late, TypeError)
    assert str(sync) == "Responses.create() got an unexpected keyword argument 'seed'"
    assert str(late) == "AsyncResponses.create() got an unexpected keyword argument 'seed'"
    # Chat Completions' partner takes unknown keywords into the body: no refusal there.
    assert unknown_keyword(OpenAIAdapter(api_key="k"), "seed", 3) is None
