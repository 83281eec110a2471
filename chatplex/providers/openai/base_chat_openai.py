"""What langchain-openai's `BaseChatOpenAI` classes do their own way, as plain functions
of a `ChatModel` and the partner data it holds (decision 013), the hooks of every name
whose partner class is one:

- tokens counted with tiktoken, of `tiktoken_model_name` or else the partner's
  `model_name` (`tokens.py`): `token_ids`, `counts_messages`, `num_tokens_from_messages`;
- `stop` sent as given, with the class's empty-list policy and the call's own stop
  (`stop_dropin.py`): `call_settings`;
- an async stream's bound on each chunk's wait, `stream_chunk_timeout`
  (`chunk_bound.py`): `async_stream`;
- a call's `Timeout` object taken in seconds (`PartnerCalls.timeout_objects`);
- what its `_stream` tells each token's hook, by the API it streams from:
  `told_by_api`.

A model's own settings of these are a `BaseChatOpenAIData` its adapter holds
(`OpenAIAdapter.base_chat_openai`, the Responses adapter's too), which its record's
`build` gives it (`with_data`); the functions taking a model are `PartnerHooks` fields
(`token_ids`, `messages_count`: `MESSAGES_COUNT`) or its record's `PartnerCalls`
(`partner.py`: `call_settings`, `async_stream`; `timeout_objects`), each doing nothing
of its own on a model whose adapter holds none. The constructor's `extra_body`, which a
call's own replaces, is `adapters/extra_body_layer.py`'s, as langchain-anthropic's.

>>> from chatplex.chat.model import ChatModel
>>> from chatplex.providers.openai.adapter import OpenAIAdapter
>>> model = ChatModel(with_data(OpenAIAdapter(api_key="sk-x"), BaseChatOpenAIData()), "gpt-4o")
>>> call_settings(model.bind(stop=[]), model.bind(stop=[])._settings({})).extra_body
{'stop': []}
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from ...chat.partner_record import MessagesCount
from ...chat.partner_record import TokenTold
from ...chat.partner_record import told_as_text
from ...chat.partner_record import told_with_logprobs
from ...chat.token_counts import wire_counts
from .chunk_bound import bounded_for_async
from .chunk_bound import chunk_timeouts
from .responses_adapter import OpenAIResponsesAdapter
from .stop_dropin import EmptyStop
from .stop_dropin import sent_stop_settings

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...adapters.request_types import CallSettings
    from ...chat.model import ChatModel
    from ...core.run_config import RunnableConfig
    from ...messages import AIMessageChunk
    from ...messages import BaseMessage

__all__ = [
    "MESSAGES_COUNT",
    "BaseChatOpenAIData",
    "Streamer",
    "async_stream",
    "bounded_stream",
    "call_settings",
    "counted_messages",
    "counted_token_ids",
    "counts_messages",
    "data_of",
    "held_stop",
    "num_tokens_from_messages",
    "sent_stop_settings",
    "told_by_api",
    "token_ids",
    "with_data",
]

#: An async stream of a model's call, `(model, messages, settings, config) -> chunks`.
Streamer = Callable[
    ["ChatModel", "list[BaseMessage]", "CallSettings", "RunnableConfig"],
    "AsyncIterator[AIMessageChunk]",
]


@dataclasses.dataclass(frozen=True, slots=True)
class BaseChatOpenAIData:
    """A model's own settings of its `BaseChatOpenAI` class's ways (the module doc), held
    by its adapter (`OpenAIAdapter.base_chat_openai`)."""

    #: The model name tiktoken counts with: `tiktoken_model_name`, else the partner's
    #: `model_name` (None: an Azure deployment without `model`, which tiktoken fails on).
    counted_name: str | None = None
    #: Its bound on each chunk's wait, async streams only (None: off; `chunk_bound.py`).
    stream_chunk_timeout: float | None = None
    #: Which empty `stop` lists its class sends (`stop_dropin.EmptyStop`): the model
    #: holds the constructor's `[]` only where that is sent (`held_stop`), so an empty
    #: list it holds otherwise is a call's (or `bind`'s).
    empty_stop_sent: EmptyStop = "call"
    #: The partner's `model_name` (None: an Azure deployment without `model`), which
    #: its structured output and profile read where the sent model stands in for it.
    model_name: str | None = None


def data_of(model: ChatModel) -> BaseChatOpenAIData | None:
    """The `BaseChatOpenAIData` `model`'s adapter holds; None where it holds none (its
    partner class is no `BaseChatOpenAI`)."""
    data = getattr(model.adapter, "base_chat_openai", None)
    return data if isinstance(data, BaseChatOpenAIData) else None


A = TypeVar("A", bound="Adapter")


def with_data(adapter: A, data: BaseChatOpenAIData) -> A:
    """`adapter` (an OpenAI wire's, Chat Completions' or the Responses API's) holding
    `data`, which the functions here read of the model on it: what a record's `build`
    gives the adapters it makes."""
    adapter.base_chat_openai = data  # type: ignore[attr-defined]  # (an OpenAI wire's)
    return adapter


def held_stop(stop: Any, empty: EmptyStop) -> Any:
    """The `stop` a model built from its record holds of the constructor's: its `[]` is
    not held where its class does not send it ("call": `_default_params` drops a falsy
    stop; "never").

    >>> held_stop([], "call"), held_stop([], "always"), held_stop("END", "never")
    (None, [], 'END')
    """
    if stop is not None and not isinstance(stop, str) and not len(stop) and empty != "always":
        return None
    return stop


# ---- the functions of their values ------------------------------------------------------


def counted_token_ids(adapter: Adapter | None, name: Any, text: str) -> list[int] | None:
    """`text`'s token ids as these classes' `get_token_ids` gives them (tiktoken's, of
    `name`); None where the wire counts no tokens locally."""
    counts = wire_counts(adapter)
    return None if counts is None else counts.token_ids(name, text)


def counted_messages(
    adapter: Adapter | None,
    name: Any,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int | None:
    """langchain-openai's count of `messages`; None for a keyword besides
    `allow_fetching_images` (its only one: langchain-core's count then refuses it with a
    TypeError), and where the wire counts no tokens locally."""
    counts = wire_counts(adapter)
    if counts is None or set(keywords) - {"allow_fetching_images"}:
        return None
    return counts.count_messages(name, messages, tools, **keywords)


def bounded_stream(
    model: ChatModel,
    bound: float | None,
    stream: Streamer,
    messages: list[BaseMessage],
    settings: CallSettings,
    config: RunnableConfig,
) -> AsyncIterator[AIMessageChunk]:
    """`stream(model, ...)`, its wait for each chunk bounded by `bound` where that is
    shorter than the read timeout it waits by, raising what langchain-openai's bound
    raises (`chunk_bound.py`)."""
    from ...http import pool_settings

    bounded = bounded_for_async(model, bound, pool_settings().read_timeout)
    if bounded is None:
        return stream(model, messages, settings, config)
    return chunk_timeouts(stream(bounded, messages, settings, config), bounded)


# ---- the functions of a model holding its data (PartnerHooks, PartnerCalls) ------------


def token_ids(model: ChatModel, text: str) -> list[int] | None:
    """`PartnerHooks.token_ids`: tiktoken's ids of `text`, of its counted name."""
    data = data_of(model)
    return None if data is None else counted_token_ids(model.adapter, data.counted_name, text)


def counts_messages(model: ChatModel) -> bool:
    """`MessagesCount.applies`: where its wire counts with tiktoken."""
    return data_of(model) is not None and wire_counts(model.adapter) is not None


def num_tokens_from_messages(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int | None:
    """`MessagesCount.count`: langchain-openai's count."""
    data = data_of(model)
    if data is None:
        return None
    return counted_messages(model.adapter, data.counted_name, messages, tools, keywords)


#: Its `get_num_tokens_from_messages` (`PartnerHooks.messages_count`).
MESSAGES_COUNT = MessagesCount(num_tokens_from_messages, counts_messages)


def call_settings(model: ChatModel, settings: CallSettings) -> CallSettings:
    """`PartnerCalls.call_settings`: its `stop` sent as given (an empty list it holds
    is a call's, or its class sends the constructor's: `held_stop`)."""
    stop = model.stop
    if stop is None or (not isinstance(stop, str) and len(stop)):
        return settings  # (nearly every call: the model's list, or none, is sent)
    data = data_of(model)
    if data is None:
        return settings
    return sent_stop_settings(settings, model.adapter, stop, stop, data.empty_stop_sent)


def async_stream(
    model: ChatModel,
    messages: list[BaseMessage],
    settings: CallSettings,
    config: RunnableConfig,
    stream: Streamer,
) -> AsyncIterator[AIMessageChunk]:
    """`PartnerCalls.async_stream`: `stream`, each chunk's wait bounded by its
    `stream_chunk_timeout`."""
    data = data_of(model)
    if data is None:
        return stream(model, messages, settings, config)
    return bounded_stream(model, data.stream_chunk_timeout, stream, messages, settings, config)


def told_by_api(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """What its `_stream` tells each token's hook (`StreamTokens.tell`): over
    the Responses API, the piece's text and the piece; over Chat Completions, its log
    probabilities too."""
    if isinstance(adapter, OpenAIResponsesAdapter):
        return told_as_text(field, adapter, piece)
    return told_with_logprobs(field, adapter, piece)
