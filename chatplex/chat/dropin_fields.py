"""The parameters several drop-ins share, declared once as data (`field`s), and the one
way a drop-in's construction is taken apart (`take_params`) and handed to `ChatModel`
(`DropinParams.settle`).

A drop-in lists the shared fields it takes (`dropin(fields=(*SAMPLING, TIMEOUT, ...))`),
shown in its signature before its own keyword parameters, and keeps in its `__init__`
only what is its own:

>>> from chatplex.chat.dropin import dropin
>>> from chatplex.chat.model import ChatModel
>>> FIELDS = (*SAMPLING, STREAMING)
>>> @dropin(fields=FIELDS)
... class ChatShared(ChatModel):
...     def __init__(self, model: str = "m", *, top_k: int | None = None, **params: Any):
...         taken = take_params(self, params, FIELDS)
...         taken.settle(self, None, model, top_k=top_k)
>>> list(inspect.signature(ChatShared).parameters)[:7]
['model', 'temperature', 'max_tokens', 'top_p', 'stop', 'streaming', 'top_k']
>>> model = ChatShared(temperature=0, top_k=3, tags=["t"])
>>> model.temperature, model.extra_body, model.run_defaults
(0, {'top_k': 3}, {'tags': ['t']})
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from .dropin import Tail
from .dropin import checked_api_params
from .dropin import field
from .dropin import take_fields
from .dropin import take_tail
from .dropin import timeout_in_seconds

if TYPE_CHECKING:
    from ..adapters.base import Adapter
    from .model import ChatModel

__all__ = [
    "API_KEY",
    "BASE_URL",
    "BODY",
    "CLIENT_FIELDS",
    "CONNECTION",
    "DEFAULT_HEADERS",
    "DEFAULT_QUERY",
    "EXTRA_BODY",
    "FREQUENCY_PENALTY",
    "LOGPROBS",
    "MAX_RETRIES",
    "MAX_TOKENS",
    "MODEL_KWARGS",
    "N",
    "PRESENCE_PENALTY",
    "REASONING_EFFORT",
    "SAMPLING",
    "SEED",
    "SERVICE_TIER",
    "STOP",
    "STREAMING",
    "STREAM_USAGE",
    "STREAM_USAGE_ASKED",
    "TEMPERATURE",
    "TIMEOUT",
    "TOP_K",
    "TOP_LOGPROBS",
    "TOP_P",
    "DropinParams",
    "take_params",
    "with_defaults",
]

TEMPERATURE = field("temperature", "float | None")
MAX_TOKENS = field("max_tokens", "int | None")
TOP_P = field("top_p", "float | None")
STOP = field("stop", "str | Sequence[str] | None")
N = field("n", "int | None")
TIMEOUT = field("timeout", "float | None")
#: None: the drop-in's partner default (each one's own: 2, a preset's, boto3's...).
MAX_RETRIES = field("max_retries", "int | None")
API_KEY = field("api_key", "str | Secret | None")
BASE_URL = field("base_url", "str | None")
DEFAULT_HEADERS = field("default_headers", "Mapping[str, str] | None")
DEFAULT_QUERY = field("default_query", "Mapping[str, Any] | None")
STREAMING = field("streaming", "bool", False)
STREAM_USAGE = field("stream_usage", "bool", True)
#: None: the drop-in decides, as its partner does (asked of the provider's own host only).
STREAM_USAGE_ASKED = field("stream_usage", "bool | None")
MODEL_KWARGS = field("model_kwargs", "Mapping[str, Any] | None")
EXTRA_BODY = field("extra_body", "Mapping[str, Any] | None")

#: Request parameters several partner classes name, sent as given when set.
TOP_K = field("top_k", "int | None")
SEED = field("seed", "int | None")
PRESENCE_PENALTY = field("presence_penalty", "float | None")
FREQUENCY_PENALTY = field("frequency_penalty", "float | None")
LOGPROBS = field("logprobs", "bool | None")
TOP_LOGPROBS = field("top_logprobs", "int | None")
REASONING_EFFORT = field("reasoning_effort", "str | None")
SERVICE_TIER = field("service_tier", "str | None")

#: The sampling settings every LangChain chat model names.
SAMPLING = (TEMPERATURE, MAX_TOKENS, TOP_P, STOP)
#: The connection of an HTTP API with a key.
CONNECTION = (API_KEY, BASE_URL, DEFAULT_HEADERS)
#: LangChain's two ways to add to the request body.
BODY = (MODEL_KWARGS, EXTRA_BODY)
#: What a LangChain class over an SDK client of an HTTP API takes (its key, base URL,
#: headers and query, how many candidates, and whether to ask for streamed usage).
CLIENT_FIELDS = (
    *SAMPLING,
    N,
    TIMEOUT,
    MAX_RETRIES,
    *CONNECTION,
    DEFAULT_QUERY,
    STREAMING,
    STREAM_USAGE_ASKED,
    *BODY,
)


def with_defaults(
    fields: Sequence[inspect.Parameter], **defaults: Any
) -> tuple[inspect.Parameter, ...]:
    """`fields` with defaults of a class's own (a preset's `temperature=UNSET`).

    >>> [str(f) for f in with_defaults(SAMPLING[:2], max_tokens=1024)]
    ["temperature: 'float | None' = None", "max_tokens: 'int | None' = 1024"]
    """
    return tuple(f.replace(default=defaults[f.name]) if f.name in defaults else f for f in fields)


@functools.cache
def _handed() -> frozenset[str]:
    """`ChatModel.__init__`'s named settings (read once, from its signature)."""
    from .model import ChatModel

    params = inspect.signature(ChatModel.__init__).parameters.values()
    return frozenset(p.name for p in params if p.kind is p.KEYWORD_ONLY)


class DropinParams:
    """One construction's keywords, taken apart (`take_params`): its fields' values
    (`given`), the tail, and what is left (`api_params`). `settle` calls
    `ChatModel.__init__` itself, as the Google classes did: a drop-in's base is
    `ChatModel`, or a drop-in whose `__init__` ends here."""

    __slots__ = ("api_params", "given", "owner", "tail")

    def __init__(
        self, owner: str, given: dict[str, Any], tail: Tail, api_params: dict[str, Any]
    ) -> None:
        self.owner = owner
        self.given = given
        self.tail = tail
        self.api_params = api_params

    def sent(self, fields: Sequence[inspect.Parameter]) -> dict[str, Any]:
        """The values given of `fields` (those not None): request parameters sent as
        given."""
        return {f.name: self.given[f.name] for f in fields if self.given[f.name] is not None}

    def settle(self, model: ChatModel, adapter: Adapter | None, name: str, /, **own: Any) -> None:
        """`ChatModel.__init__` with the tail, the fields given that it names (None
        leaves its default), the drop-in's `own` settings (they win), and the API
        parameters; then the tail's run config."""
        from .model import ChatModel

        handed = {k: v for k, v in self.given.items() if k in _handed() and v is not None}
        settings = {**self.tail.settings, **handed, **own}
        ChatModel.__init__(model, adapter, name, **settings, **self.api_params)
        self.tail.settle(model)


def take_params(
    model: ChatModel,
    params: dict[str, Any],
    fields: Sequence[inspect.Parameter],
    wire: str | None = None,
    *,
    timeout_objects: bool = False,
) -> DropinParams:
    """A drop-in's `**params` taken apart: its `fields` (each one's default when not
    given), then the tail; what is left are its API parameters, checked against the
    `wire`'s API (`checked_api_params`) when one is named (a drop-in that checks them
    its own way names none). `timeout_objects`: its partner takes a `Timeout` object
    as its timeout (its SDK client's), taken in seconds (`timeout_in_seconds`)."""
    given = take_fields(params, fields)
    tail = take_tail(params)
    if timeout_objects:  # (a field of its own, or the tail's)
        given, tail.settings = (
            dict(timeout_in_seconds(given)),
            dict(timeout_in_seconds(tail.settings)),
        )
    api_params = checked_api_params(model, wire, params) if wire is not None else params
    return DropinParams(type(model).__name__, given, tail, api_params)
