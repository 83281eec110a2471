"""How a LangChain drop-in's calls retry and fail as its partner package's do: one
frozen record, declared by the wire's partner record (`PartnerTraits.retries_and_calls`)
and handed down by `chatplex.langchain` to the engine it builds
(`ChatModel.partner_calls`). chatplex's own models hold the defaults: chatplex's retries
and errors.

>>> PartnerCalls().retries is None, PartnerCalls().kept_responses
(True, frozenset())
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..core.retry_layers import RetryLayer
    from ..messages import BaseMessage
    from .base import Adapter
    from .request_types import CallSettings

__all__ = ["PartnerCalls", "none_left_out"]


@dataclasses.dataclass(frozen=True, slots=True)
class PartnerCalls:
    """A drop-in's retries and errors, as its partner package's (the defaults:
    chatplex's own, which most partners match)."""

    #: The failures in transit ("connection", "timeout": `sdk_error_families.failure_kind`)
    #: its partner retries, where it retries no error status; None: what chatplex retries
    #: (`chat.retrying.retry_policy_for`; `retry_policy=` gives chatplex's).
    retries: frozenset[str] | None = None
    #: The HTTP error statuses its partner retries, where they are fewer than those
    #: chatplex retries: an error of any other status is raised at once; None: what
    #: chatplex retries.
    statuses: frozenset[int] | None = None
    #: Where `retries` is None, which failures in transit are retried, `(error,
    #: asynchronous) -> bool`; None: every one chatplex retries.
    transit_retried: Callable[[BaseException, bool], bool] | None = None
    #: The retries made whatever the model's `max_retries` (its partner's SDK's own
    #: count, which its partner does not set); None: `max_retries`.
    fixed_retries: int | None = None
    #: Where `retries`: whether `max_retries` counts the attempts in all, waiting as
    #: LangChain's `create_base_retry_decorator` waits; False: the retries after the
    #: first attempt, with chatplex's backoff.
    counts_attempts: bool = False
    #: Its SDK's nested retry loops, innermost first (`core.retry.layered_policy`); None:
    #: the retries above.
    retry_layers: tuple[RetryLayer, ...] | None = None
    #: A stream's nested retry loops, where not `retry_layers`; None: those.
    stream_retry_layers: tuple[RetryLayer, ...] | None = None
    #: Whether a stream's request is retried as a call's; False: sent once (its
    #: partner's SDK retries no stream), but for the model's own `retry_policy`.
    streams_retried: bool = True
    #: Where a stream's request is retried, whether one that failed after its reply's
    #: success headers (before anything reached the caller) is too; False: its partner's
    #: SDK retries nothing past the headers (`RetryPolicy.stream_bodies`).
    stream_bodies_retried: bool = True
    #: Whether a success reply whose body is not JSON is retried (it may be a proxy's
    #: passing page); False: its partner's SDK raises the decoder's error at the first.
    malformed_replies_retried: bool = True
    #: The failures in transit whose error keeps its `response` (its partner's has one);
    #: any other's is dropped, as its partner's error has none (langchain-core builds an
    #: error generation for `on_llm_error` from it).
    kept_responses: frozenset[str] = frozenset()
    #: The error its partner raises, before any request, for a call keyword neither it
    #: nor chatplex knows, `(name, value, asynchronous) -> error`; None, or a None
    #: returned: chatplex's TypeError (`ChatModel.bind`).
    unknown_keyword: Callable[[str, Any, bool], Exception | None] | None = None
    #: A call's settings as its partner's request model reads them, before any request
    #: and before chatplex's checks, `(settings) -> settings`, raising its error for a
    #: value it refuses (`binding.apply`); None: chatplex's checks alone.
    read_values: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    #: Whether a call's `n` is refused before any request unless a positive int
    #: (`settings.check_candidates`); False: sent as given, as its partner sends it
    #: (langchain-openai sends a call's `n=0`, which OpenAI answers with a 400).
    candidates_checked: bool = True
    #: Whether a call's keyword under its provider's other name for an API parameter
    #: (its spec's `setting_aliases`: `n` for `candidate_count`) is taken as the
    #: constructor takes it (`binding.apply`); False: read as its partner reads it.
    call_aliases: bool = True
    #: The adapter a stream runs on, where its partner's stream reads replies or fails
    #: otherwise than its calls, `(adapter, asynchronous, settings) -> adapter` (the
    #: call's settings); None: the model's own.
    stream_adapter: Callable[[Adapter, bool, CallSettings], Adapter] | None = None
    #: Whether a tool list bound on it, an empty one too, reaches the request as bound
    #: (a drop-in of a partner class, as that class binds it): `_keeps_bound_tool_lists`.
    keeps_bound_tool_lists: bool = False
    #: The words of the ValueError a call given a `stop` list raises where the model has
    #: one, before any request (`ChatModel.check_call`); None: the call's list is sent.
    stop_twice: str | None = None
    #: The adapter a call (not a stream) runs on, for the conversation it sends,
    #: `(adapter, messages, settings) -> adapter`; None: the model's own.
    call_adapter: Callable[[Adapter, list[BaseMessage], Any], Adapter] | None = None
    #: Whether a call of no messages (`invoke([])`) is sent with an empty message list,
    #: as its partner sends it (the provider takes it); False: refused before any
    #: request (`messages.coerce_messages`).
    empty_input_sent: bool = False
    #: Whether a call's chatplex-only settings (`max_retries=`, `cache=`...:
    #: `chat.settings.OWN_CALL_SETTINGS`) are refused before any request, as its partner's
    #: SDK `create()`, which takes a call's keywords, refuses them (`unknown_keyword`'s
    #: error, else chatplex's TypeError); False: taken as chatplex's.
    own_settings_refused: bool = False
    #: Whether a call's `timeout=` object (`httpx.Timeout`...) is taken in seconds, its
    #: read timeout (`dropin.timeout_in_seconds`), as its partner's SDK takes one.
    timeout_objects: bool = False
    #: The tools and tool choice `bind_tools` binds as functions, as its partner class
    #: binds them, `(model, tools, tool_choice) -> (tools, tool_choice)` (a name built
    #: from its record: its `PartnerHooks.tools_to_bind`); None: `_tools_to_bind`'s.
    tools_to_bind: Callable[[Any, Sequence[Any], Any], tuple[Sequence[Any], Any]] | None = None
    #: The tokens of a list of messages (and tools) as its partner class counts them,
    #: `(model, messages, tools, keywords) -> count` (its `PartnerHooks`); None: the
    #: wire's count (`ChatModel.get_num_tokens_from_messages`).
    messages_count: Callable[[Any, list[BaseMessage], Any, dict[str, Any]], Any] | None = None
    #: A call's settings as its partner sends them, `(model, settings) -> settings`
    #: (langchain-openai's `stop` as given); None: as the model's settings are.
    call_settings: Callable[[Any, Any], Any] | None = None
    #: What its partner does once a call's (or `bind`'s) settings are set on the model's
    #: copy, `(copy, settings) -> None` (langchain-openai's constructor `extra_body`
    #: merged over them, the call's `stop` kept); None: nothing more.
    call_applied: Callable[[Any, Mapping[str, Any]], None] | None = None
    #: Its async stream, `(model, messages, settings, config, stream) -> chunks`, where
    #: `stream` is chatplex's (langchain-openai's bound on each chunk's wait); None:
    #: chatplex's.
    async_stream: Callable[[Any, list[BaseMessage], Any, Any, Any], Any] | None = None
    #: The copy `bind_tools` returns, as its partner class binds what it was given,
    #: `(model, clone, tools, tool_choice) -> model` (a name built from its record: its
    #: `PartnerHooks.finish_binding`); None: `clone` (`ChatModel._finish_binding`).
    finish_binding: Callable[[Any, Any, Sequence[Any], Any], Any] | None = None
    #: The tool choice words `bind_tools` sends as given, where its partner class does
    #: (a preset's `Profile.kept_tool_choices`), not as the wire's "required"; none: every word as
    #: the wire sends it.
    choices_as_given: tuple[str, ...] = ()


def empty_stop_left_out(settings: Mapping[str, Any]) -> Mapping[str, Any]:
    """A call's keywords with an empty `stop` (`[]`, `""`) left out: a
    `PartnerCalls.read_values` part for a partner that reads a call's stop as
    `stop or self.stop` (the model's own applies, where it has one).

    >>> empty_stop_left_out({"stop": [], "top_p": 0.5})
    {'top_p': 0.5}
    >>> empty_stop_left_out({"stop": ["END"]})
    {'stop': ['END']}
    """
    stop = settings.get("stop")
    if not isinstance(stop, (str, list, tuple)) or stop:  # (another type: chatplex's check)
        return settings
    return {key: value for key, value in settings.items() if key != "stop"}


def none_left_out(
    settings: Mapping[str, Any], kept: frozenset[str] = frozenset()
) -> Mapping[str, Any]:
    """A call's keywords with those given as None left out, but `kept`'s: a
    `PartnerCalls.read_values` for a partner that reads a None as none given (a
    keyword of `kept` is a None that clears the model's value there).

    >>> none_left_out({"foo": None, "temperature": None, "top_p": 0.5})
    {'top_p': 0.5}
    >>> none_left_out({"foo": None, "temperature": None}, frozenset({"temperature"}))
    {'temperature': None}
    """
    if all(value is not None for value in settings.values()):
        return settings
    return {key: value for key, value in settings.items() if value is not None or key in kept}
