"""What each OpenAI-compatible preset's partner package (langchain-groq, -xai,
-perplexity, ...) does beyond the Chat Completions translation
(`chatplex.adapters.partner_traits.PartnerTraits`), read only by `chatplex.langchain`.
A preset's record is langchain-openai's (`providers/openai/partner.py`) with its
profile's partner facts (`Profile.bind_strict`, `strict_dropped`, `sdk_helper`...) and
what its partner raises built with no key (`MISSING_KEY`).

>>> TRAITS["GroqAdapter"].bind_strict, TRAITS["XaiAdapter"].bind_strict
(False, True)
>>> TRAITS["GroqAdapter"].missing_key.name, TRAITS["XaiAdapter"].missing_key
('GroqError', None)
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ...adapters.partner_traits import MissingKeyForm
from ...adapters.partner_traits import PartnerTraits
from ...adapters.tools import BESIDE_FIELDS
from ...adapters.validate import unexpected_keyword
from ..openai.kept_reply import keeping
from ..openai.partner import OPENAI_MISSING_KEY
from ..openai.partner import TRAITS as OPENAI_TRAITS
from ..openai.partner import bound_choice
from ..openai.partner import stainless_missing_key
from ..openai.partner import usage_for_call
from .adapter import CompatibleAdapter
from .adapter import preset_adapter_class
from .profile import Profile
from .spec import PROFILES

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...adapters.request_types import CallSettings

__all__ = ["MISSING_KEY", "TRAITS"]

#: The `model_provider` langchain-openai's helper pieces name (its own package's).
_HELPER_PROVIDER = "openai"

#: Preset -> what its partner package raises built with no key, where that is its SDK
#: client's error: langchain-groq, -perplexity and -sambanova build their SDK's client
#: when the model is built, langchain-together, -nebius and -cerebras the openai SDK's
#: (naming OPENAI_API_KEY, in the words of the openai version installed). The others'
#: partner raises a ValueError (langchain-xai, -deepseek, -fireworks: pydantic's
#: ValidationError), or has none; langchain-mistralai raises nothing
#: (`missing_key.keyless_key`).
MISSING_KEY: dict[str, MissingKeyForm] = {
    "groq": stainless_missing_key("groq", "GroqError", "GROQ_API_KEY"),
    "perplexity": stainless_missing_key("perplexity", "PerplexityError", "PERPLEXITY_API_KEY"),
    "sambanova": stainless_missing_key("sambanova", "SambaNovaError", "SAMBANOVA_API_KEY"),
    "together": OPENAI_MISSING_KEY,
    "nebius": OPENAI_MISSING_KEY,
    "cerebras": OPENAI_MISSING_KEY,
}


def _for_call(adapter: Adapter, settings: Mapping[str, Any]) -> Adapter:
    """OpenAI's where a stream asks for usage (a call's own `stream_usage`, as
    langchain-openai's subclasses read it), and a copy reporting the call's own
    `reasoning_effort` and `service_tier` where its style reports the ones asked
    (langchain-groq reports the call's over the model's), and the call's own `model=`
    where its style reports the model asked (`ReplyStyle.model_asked_in`: the model that
    answered, where its partner names its constructor's). A call with a
    `response_format` keeps its reply, as OpenAI's does (`kept_reply.py`): the openai
    SDK's error for a reply cut short carries it, and so does a parse's `.response`."""
    own = cast(CompatibleAdapter, adapter)
    base = usage_for_call(own, settings) if own.profile.stream_options else own
    base = keeping(base, settings)
    style = own.profile.style
    if style is None:
        return base
    changes: dict[str, Any] = {}
    effort = settings.get("reasoning_effort")
    reported = "reasoning_effort" in style.reply_keys
    if reported and isinstance(effort, str) and effort != style.reasoning_effort:
        changes["reasoning_effort"] = effort
    tier = settings.get("service_tier")
    # (a style holding a tier reports the one asked; another, the reply's own)
    if style.service_tier is not None and isinstance(tier, str) and tier != style.service_tier:
        changes["service_tier"] = tier
    model = settings.get("model")
    if style.model_asked_in and isinstance(model, str) and model != style.asked_model:
        changes["asked_model"] = model
    if not changes:
        return base
    # (OpenAI's copy where it made one: a fresh one, this wire's type)
    clone = base if base is not own and isinstance(base, CompatibleAdapter) else copy.copy(own)
    style = dataclasses.replace(style, **changes)
    clone.profile = dataclasses.replace(own.profile, style=style)
    return clone


def _sdk_helper_adapter(adapter: Adapter) -> Adapter | None:
    """For a profile whose partner class streams a `response_format` call through the
    openai SDK's helper (`Profile.sdk_helper`): this adapter, its streams read as that
    helper reads them, its pieces naming langchain-openai's provider as the partner's do
    there (or the partner's own, `Profile.helper_provider`, which its chunks carry in
    `HELPER_PIECE_PROVIDER`). None for any other."""
    own = cast(CompatibleAdapter, adapter)
    profile = own.profile
    if not profile.sdk_helper:
        return None
    helper = copy.copy(own)  # (the same pools; the profile rebound on the copy only)
    helper.reads_sdk_events = True
    if profile.style is not None:
        # The raw usage kept for the helper's final completion (`HelperPieces.final`).
        keys = (*profile.style.stream_keys, "token_usage")
        style = dataclasses.replace(
            profile.style,
            model_provider=_HELPER_PROVIDER,
            stream_keys=keys,
            helper_piece_provider=profile.helper_provider,
        )
        helper.profile = dataclasses.replace(profile, style=style)
    return helper


def _sync_stream_unwrapped(adapter: Adapter, asynchronous: bool, settings: CallSettings) -> Adapter:
    """A sync stream's adapter, where its partner's own `_stream` lets the openai SDK's
    errors through (`Profile.stream_errors_unwrapped`): its errors that SDK's classes
    alone. Its async stream is langchain-openai's, which wraps them as its calls do, and
    so is its sync stream of a `response_format` (the SDK helper's stream, opened inside
    its `try`)."""
    if asynchronous or settings.extra_body.get("response_format") is not None:
        return adapter
    alone = copy.copy(cast(CompatibleAdapter, adapter))  # (the same pools)
    alone.sdk_errors_alone = True
    return alone


def _strict_dropped_for(adapter: Adapter, model: str) -> frozenset[str]:
    """The methods whose `strict=` is dropped on `model`: json_schema's too where the
    profile names the models keeping it and `model` is not one."""
    profile = cast(CompatibleAdapter, adapter).profile
    keeping = profile.strict_schema_models
    if keeping is None or model in keeping:
        return profile.strict_dropped
    return profile.strict_dropped | {"json_schema"}


def _sdk_refusal(
    adapter: Adapter, keywords: Sequence[str], asynchronous: bool, streaming: bool
) -> str | None:
    """Its partner SDK's `create()` TypeError for a keyword that function does not take
    (`Profile.sdk_keywords`), named as that client names it."""
    profile = cast(CompatibleAdapter, adapter).profile
    if profile.sdk_keywords is None:
        return None
    create = profile.sdk_create[1 if asynchronous else 0]
    kept_out = profile.sdk_refusals_kept_out  # (the call's few keywords filtered, per call)
    asked = [name for name in keywords if name not in kept_out]
    return unexpected_keyword(create, asked, profile.sdk_keywords)


def _bound_tool_form(
    adapter: Adapter, tools: list[dict[str, Any]], given: Any, read: str | None
) -> tuple[list[dict[str, Any]], Any]:
    """The tools as given, the choice as its partner binds it: a word its profile keeps
    (`kept_tool_choices`: "any") as given, True as given where its partner binds it so
    (`binds_true_choice`) or as the lone tool's choice object where its partner forces
    that tool (`true_choice_names_lone_tool`: beside more tools, where its partner raises,
    as chatplex's "required"); else as langchain-openai binds it (`bound_choice`)."""
    profile = cast(CompatibleAdapter, adapter).profile
    if isinstance(given, str) and given in profile.kept_tool_choices:
        return tools, given
    if given is True and profile.binds_true_choice:
        return tools, given
    if given is True and profile.true_choice_names_lone_tool:
        given = read  # the lone tool's name, or "required"
    return tools, bound_choice(tools, given)


#: The partner facts a profile declares under its record's own names (`bind_strict`,
#: `strict_dropped`...), each a preset's as its profile holds it; its retries are its
#: record's `calls` (`_preset`).
_PROFILE_FACTS = tuple(
    field.name
    for field in dataclasses.fields(PartnerTraits)
    if field.name in {own.name for own in dataclasses.fields(Profile)}
    and field.name != "structured_trace_schema"  # (None in a profile: the shared forms)
)


def _preset(profile: Profile) -> PartnerTraits:
    """A preset's record: its profile's partner facts over the shared record."""
    facts = {name: getattr(profile, name) for name in _PROFILE_FACTS}
    if profile.sdk_helper and profile.v1_stream_indexed is None:
        # (its v1 stream's pieces marked as langchain-openai's BaseChatOpenAI marks them)
        facts["v1_stream_indexed"] = "marked"
    shared = TRAITS["CompatibleAdapter"]
    forms = profile.structured_trace_schema
    calls = dataclasses.replace(
        shared.retries_and_calls,
        retries=profile.partner_retries,
        statuses=profile.partner_retried_statuses,
        counts_attempts=profile.partner_counts_attempts,
        streams_retried=profile.partner_retries_streams,
        stream_bodies_retried=profile.partner_retries_stream_bodies,
        choices_as_given=profile.kept_tool_choices,
        stream_adapter=_sync_stream_unwrapped if profile.stream_errors_unwrapped else None,
    )
    return dataclasses.replace(
        shared,
        **facts,
        retries_and_calls=calls,
        structured_trace_schema=shared.structured_trace_schema if forms is None else forms,
        # `bind_tools` rewrites a bound response_format as langchain-openai's does where
        # the partner class is its `BaseChatOpenAI`.
        binds_response_format=profile.sdk_helper,
        # Its structured output checks each piece for a refusal as langchain-openai's
        # `BaseChatOpenAI` does.
        checks_refusal=profile.sdk_helper,
        # Its bind_tools copies a LangChain tool's extras as langchain-openai's does.
        passed_tool_extras=BESIDE_FIELDS if profile.passes_tool_extras else (),
        # Its kept fields whose items its partner keeps as its SDK's objects.
        reply_sdk_models=profile.kept_models,
        missing_key=MISSING_KEY.get(profile.name),
        bound_tool_form=_bound_tool_form,
    )


#: Each preset's adapter class's record, by its name (and the Responses API's adapter
#: of a preset, `responses.py`).
TRAITS: dict[str, PartnerTraits] = {
    "CompatibleAdapter": dataclasses.replace(
        OPENAI_TRAITS["OpenAIAdapter"],
        missing_key=None,  # a preset's own (`MISSING_KEY`), not ChatOpenAI's
        passed_tool_extras=(),  # a preset's own (`Profile.passes_tool_extras`)
        binds_response_format=False,
        partner_reading=None,  # (ChatOpenAI's reasoning reading: a preset's style reads it)
        for_call=_for_call,
        sdk_helper_adapter=_sdk_helper_adapter,
        strict_dropped_for=_strict_dropped_for,
        partner_refusal=_sdk_refusal,
    ),
    # A BaseChatOpenAI's payload holds the constructor's `max_tokens` under that name,
    # which a call's replaces (ChatOpenAI's renames it past the call's).
    "PresetResponsesAdapter": dataclasses.replace(
        OPENAI_TRAITS["OpenAIResponsesAdapter"], call_max_tokens_yields=False
    ),
}
TRAITS.update((preset_adapter_class(name).__name__, _preset(p)) for name, p in PROFILES.items())
