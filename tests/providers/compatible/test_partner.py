"""Each preset's partner record (providers/compatible/partner.py): its profile's partner
facts over langchain-openai's record, the functions reading the preset's profile, and
what its partner raises built with no key (`MISSING_KEY`)."""

from __future__ import annotations

import json

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters.base import HELPER_PIECE_PROVIDER
from chatplex.adapters.sse_event import SSEEvent
from chatplex.langchain.traits import partner_traits
from chatplex.langchain.traits import strict_dropped
from chatplex.providers.compatible.adapter import CompatibleAdapter
from chatplex.providers.compatible.adapter import preset_adapter_class
from chatplex.providers.compatible.partner import MISSING_KEY
from chatplex.providers.compatible.partner import TRAITS
from chatplex.providers.compatible.responses import PresetResponsesAdapter
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.openai.partner import TRAITS as OPENAI_TRAITS
from tests.providers._partner import bound_form
from tests.providers._partner import for_call
from tests.providers._partner import missing_key_alike
from tests.providers._partner import refusal
from tests.providers._partner import sdk_helper

NAMES = sorted(PROFILES)


def test_strict_by_json_schema_is_dropped_on_the_models_the_profile_does_not_name() -> None:
    groq = adapter_class("groq")(api_key="k")
    assert strict_dropped(groq, "llama-3.3-70b-versatile") == {"json_mode", "json_schema"}
    assert strict_dropped(groq, "openai/gpt-oss-120b") == {"json_mode"}
    other = adapter_class("openrouter")(api_key="k")  # no models named: every one keeps it
    assert strict_dropped(other, "any/model") == partner_traits(other).strict_dropped


def test_a_call_with_its_own_reasoning_effort_gets_an_adapter_reporting_it() -> None:
    groq = preset_adapter_class("groq")(api_key="gsk-test")
    assert for_call(groq, {}) is groq and for_call(groq, {"reasoning_effort": None}) is groq
    own = for_call(groq, {"reasoning_effort": "none"})
    assert isinstance(own, CompatibleAdapter) and own is not groq
    assert own.profile.style is not None and own.profile.style.reasoning_effort == "none"
    assert groq.profile.style is not None and groq.profile.style.reasoning_effort is None
    assert for_call(own, {"reasoning_effort": "none"}) is own  # already reported
    # A package that reports no effort: the adapter itself.
    xai = preset_adapter_class("xai")(api_key="xai-test")
    assert for_call(xai, {"reasoning_effort": "low"}) is xai


def test_a_presets_call_with_a_response_format_keeps_its_reply() -> None:
    """As OpenAI's: the openai SDK's error for a reply cut short carries the completion
    read from it, and a failed parse its HTTP response; with a reported effort too."""
    fmt = {"response_format": {"type": "json_object"}}
    xai = preset_adapter_class("xai")(api_key="xai-test")
    assert xai.kept_reply is None and for_call(xai, {}) is xai
    kept = for_call(xai, fmt)
    assert kept is not xai and kept.kept_reply == [] and xai.kept_reply is None
    groq = preset_adapter_class("groq")(api_key="gsk-test")
    both = for_call(groq, {**fmt, "reasoning_effort": "none"})
    assert both.kept_reply == [] and both.profile.style.reasoning_effort == "none"
    assert groq.kept_reply is None


def test_a_presets_response_format_stream_goes_through_the_helper_where_its_partner_does() -> None:
    # ChatDeepSeek and ChatXAI (BaseChatOpenAIs) stream it through the openai SDK's
    # helper, whose pieces name langchain-openai's provider (ChatXAI's own on each); the
    # others read it as any other stream.
    for name in NAMES:
        adapter = adapter_class(name)(api_key="k")
        helper = sdk_helper(adapter)
        assert (helper is not None) is PROFILES[name].sdk_helper, name
    deepseek = adapter_class("deepseek")(api_key="k")
    helper = sdk_helper(deepseek)
    assert isinstance(helper, CompatibleAdapter) and helper.reads_sdk_events
    assert helper.profile.style is not None and helper.profile.style.model_provider == "openai"
    assert not deepseek.reads_sdk_events and deepseek.profile is PROFILES["deepseek"]
    # Its stream's usage as the SDK's model shows it (its null fields), for the final piece.
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    event = {"object": "chat.completion.chunk", "choices": [], "usage": usage}
    chunk = helper.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert chunk is not None and chunk.usage_metadata is not None
    assert chunk.response_metadata["token_usage"]["completion_tokens_details"] is None
    # (its plain stream's chunks carry no raw usage, as langchain-deepseek's)
    plain = deepseek.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert plain is not None and "token_usage" not in plain.response_metadata
    assert HELPER_PIECE_PROVIDER not in chunk.response_metadata
    # xAI's partner names itself on every helper piece: its helper's chunks say so.
    xai = adapter_class("xai")(api_key="k")
    stamped = sdk_helper(xai)
    assert stamped is not None
    chunk = stamped.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert chunk is not None and chunk.response_metadata[HELPER_PIECE_PROVIDER] == "xai"
    plain = xai.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert plain is not None and HELPER_PIECE_PROVIDER not in plain.response_metadata


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_keyword_the_partner_sdk_refuses_is_its_typeerror(asynchronous: bool) -> None:
    # langchain-groq and langchain-sambanova hand every call keyword to their SDK's
    # create(), which refuses any it does not take: `stream_usage` (no such field on
    # their classes), `foo` (sync and async clients named).
    creates = {
        "groq": ("Completions.create()", "AsyncCompletions.create()"),
        "sambanova": ("CompletionsResource.create()", "AsyncCompletionsResource.create()"),
    }
    for preset, names in creates.items():
        adapter = preset_adapter_class(preset)(api_key="k")
        for name in ("stream_usage", "foo"):
            words = refusal(adapter, ["max_tokens", name], asynchronous=asynchronous)
            assert words == f"{names[asynchronous]} got an unexpected keyword argument '{name}'"
        taken = ["max_tokens", "tools", "tool_choice", "response_format", "extra_body"]
        assert refusal(adapter, taken, asynchronous=asynchronous) is None
    # langchain-openai's subclasses have the field and send unknown keywords in the body.
    xai = preset_adapter_class("xai")(api_key="k")
    assert refusal(xai, ["stream_usage", "foo"], asynchronous=asynchronous) is None


@pytest.mark.parametrize("name", NAMES)
def test_each_presets_record_is_its_profiles_partner_facts(name: str) -> None:
    profile = PROFILES[name]
    traits = partner_traits(preset_adapter_class(name)(api_key="k"))
    assert traits is TRAITS[preset_adapter_class(name).__name__]
    assert traits.bind_strict is profile.bind_strict
    assert traits.strict_dropped == profile.strict_dropped
    assert traits.think_stripped is profile.think_stripped
    assert traits.true_choice_names_lone_tool is profile.true_choice_names_lone_tool
    assert traits.streams_json_format is profile.streams_json_format
    assert traits.binds_response_format is profile.sdk_helper
    assert traits.reply_sdk_models == profile.kept_models
    # What no profile changes is langchain-openai's Chat Completions record.
    openai = OPENAI_TRAITS["OpenAIAdapter"]
    assert (traits.invalid_arguments_words, traits.builtin_tools) == ("parser", "elsewhere")
    assert traits.call_max_tokens_field is openai.call_max_tokens_field is None


def test_groqs_record_drops_bind_strict_and_streams_no_json_format() -> None:
    groq = TRAITS["GroqAdapter"]
    assert not groq.bind_strict and not groq.streams_json_format
    assert groq.true_choice_names_lone_tool and groq.strict_dropped == {"json_mode"}
    assert TRAITS["XaiAdapter"].bind_strict and TRAITS["XaiAdapter"].binds_response_format
    perplexity = partner_traits(adapter_class("perplexity")(api_key="k"))
    assert perplexity.think_stripped and set(perplexity.reply_sdk_models) == {"search_results"}
    assert partner_traits(adapter_class("groq")(api_key="k")).reply_sdk_models == {}


def test_a_presets_responses_adapter_sends_a_calls_max_tokens_beside_the_models() -> None:
    xai = preset_adapter_class("xai")(api_key="k")
    adapter = PresetResponsesAdapter(connection=xai)
    traits = partner_traits(adapter)
    assert not traits.call_max_tokens_yields  # ChatOpenAI's (its base's) yields
    assert OPENAI_TRAITS["OpenAIResponsesAdapter"].call_max_tokens_yields
    assert traits.builtin_tools == "sent" and traits.sends_unread_tool_choice
    assert repr(adapter).startswith("OpenAIResponsesAdapter(")


#: Preset -> the SDK module and client class its partner package builds.
_SDK_CLIENTS = {
    "groq": ("groq", "Groq"),
    "perplexity": ("perplexity", "Perplexity"),
    "sambanova": ("sambanova", "SambaNova"),
    "together": ("openai", "OpenAI"),
    "nebius": ("openai", "OpenAI"),
    "cerebras": ("openai", "OpenAI"),
}


@pytest.mark.parametrize("preset", sorted(MISSING_KEY))
def test_built_with_no_key_a_preset_raises_its_partner_sdk_clients_error(
    preset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, client = _SDK_CLIENTS[preset]
    sdk = pytest.importorskip(module)
    for name in (*PROFILES[preset].key_variables, "OPENAI_API_KEY", "OPENAI_ADMIN_KEY"):
        monkeypatch.delenv(name, raising=False)
    missing_key_alike(preset_adapter_class(preset), getattr(sdk, client))


def test_the_other_presets_partners_raise_a_value_error_not_chatopenais() -> None:
    """langchain-xai's, -deepseek's, -fireworks' validators raise a ValueError (pydantic's
    ValidationError), langchain-mistralai nothing: no form, nor ChatOpenAI's inherited."""
    assert set(MISSING_KEY) == set(_SDK_CLIENTS)
    others = [n for n in NAMES if n not in MISSING_KEY]
    assert [TRAITS[preset_adapter_class(n).__name__].missing_key for n in others] == [None] * len(
        others
    )
    assert TRAITS["CompatibleAdapter"].missing_key is None
    assert OPENAI_TRAITS["OpenAIAdapter"].missing_key is not None


_TOOL = {"type": "function", "function": {"name": "f", "parameters": {}}}
_NAMED = {"type": "function", "function": {"name": "f"}}


@pytest.mark.parametrize(
    ("preset", "given", "read", "bound"),
    [
        # langchain-openai's BaseChatOpenAI (xAI, DeepSeek, Together...): a tool's name as
        # its choice object, "any" and True as "required", the rest as given.
        ("xai", "f", "f", _NAMED),
        ("xai", "any", "required", "required"),
        ("xai", True, "required", "required"),
        ("xai", "none", "none", "none"),
        ("xai", {"type": "tool", "name": "f"}, "f", {"type": "tool", "name": "f"}),
        # langchain-groq: True forces the lone tool by its object...
        ("groq", True, "f", _NAMED),
        # ...and beside more tools raises: chatplex's "required".
        ("groq", True, "required", "required"),
        # langchain-fireworks keeps "any"; "required" it reads as a tool's name, a tool
        # nobody offered: chatplex's "required".
        ("fireworks", "any", "required", "any"),
        ("fireworks", "required", "required", "required"),
        ("fireworks", True, "f", _NAMED),
        # langchain-mistralai rewrites a tool's name only.
        ("mistralai", True, "required", True),
        ("mistralai", "any", "required", "any"),
        ("mistralai", "f", "f", _NAMED),
    ],
)
def test_each_preset_binds_the_tool_choice_as_its_partner(
    preset: str, given: object, read: str, bound: object
) -> None:
    adapter = preset_adapter_class(preset)(api_key="k")
    assert bound_form(adapter, [_TOOL], read, given) == ([_TOOL], bound)
