"""The LangChain parameters `ChatGoogleGenerativeAI` and `ChatVertexAI` both take, and
the builder both constructors end with (`google_settings`): how those parameters become
a Gemini request's fields. Only how the two classes reach Google differs
(`dropin.py`, `vertex_dropin.py`).

>>> attempts_as_retries(None), attempts_as_retries(1), attempts_as_retries(3)
(5, 0, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import field
from ...chat.dropin_fields import FREQUENCY_PENALTY
from ...chat.dropin_fields import MAX_RETRIES
from ...chat.dropin_fields import MODEL_KWARGS
from ...chat.dropin_fields import PRESENCE_PENALTY
from ...chat.dropin_fields import SEED
from ...chat.dropin_fields import STOP
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import TEMPERATURE
from ...chat.dropin_fields import TIMEOUT
from ...chat.dropin_fields import TOP_K
from ...chat.dropin_fields import TOP_P
from ...chat.dropin_fields import DropinParams
from ...chat.dropin_fields import N
from ...chat.dropin_fields import take_params
from ...chat.params import check_api_parameters
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.partner_warnings import unexpected_argument

if TYPE_CHECKING:
    import inspect

    from ...adapters.base import Adapter
    from ...chat.model import ChatModel

__all__ = [
    "NO_FIELD",
    "OFF_VALUES",
    "REFUSED_ALIKE",
    "attempts_as_retries",
    "gemini_body",
    "google_fields",
    "google_params",
    "moved_keywords",
    "google_settings",
]

_SDK_CLIENTS = "chatplex sends its own requests (no SDK client); pass http_client= instead"
#: Settings both LangChain classes take that chatplex cannot honour, and why (a
#: TypeError, never ignored); each class adds its own (`REFUSED` in its module).
REFUSED_ALIKE = {
    "client": _SDK_CLIENTS,
    "async_client": _SDK_CLIENTS,
}
#: Of the refused settings, the values that change nothing (accepted).
OFF_VALUES: dict[str, tuple[Any, ...]] = {
    "transport": (None, "rest"),
    "api_transport": (None, "rest"),
    "convert_system_message_to_human": (None, False),
    "vertexai": (None, False),
    "perform_literal_eval_on_string_raw_content": (None, False),
}
#: Of the fields, LangChain's flat thinking settings (sent as `thinkingConfig`) and
#: those `ChatModel` takes; the others are Gemini body fields, sent when set.
_THINKING = ("thinking_budget", "include_thoughts", "thinking_level")
_MODEL_SETTINGS = (
    "temperature",
    "max_output_tokens",
    "top_p",
    "stop",
    "timeout",
    "max_retries",
    "streaming",
    "model_kwargs",
)


def attempts_as_retries(max_retries: int | None) -> int:
    """Both LangChain classes' `max_retries` counts attempts (google-genai's
    `HttpRetryOptions.attempts`, langchain-google-vertexai's tenacity
    `stop_after_attempt`: 6 by default, 0 and 1 both a single attempt); chatplex's
    counts the retries after the first."""
    attempts = 6 if max_retries is None else max_retries
    return max(attempts - 1, 0)


#: Keywords neither Google class has a field for (LangChain's `stream_usage`), each with
#: the field its warning suggests (difflib's closest of its fields; None: none is).
NO_FIELD: Mapping[str, str | None] = {"stream_usage": "streaming"}


def moved_keywords(
    params: dict[str, Any],
    owner: str,
    logger: str,
    outer: int,
    no_field: Mapping[str, str | None] = NO_FIELD,
) -> None:
    """The keywords of `params` the class has no field for (`no_field`), taken out with
    the warnings it gives, in its order: `owner`'s 'Unexpected argument' for each,
    logged on its module's `logger`, then LangChain's moved-to-model_kwargs for each,
    `outer` frames above the line building it. They change nothing, as there (a stream
    keeps its usage; no logprobs are asked for)."""
    moved = [name for name in params if name in no_field]
    for name in moved:
        unexpected_argument(logger, owner, name, no_field[name])
    for name in moved:
        moved_to_model_kwargs(params, name, outer=outer)


def google_params(
    model: ChatModel,
    params: dict[str, Any],
    fields: Sequence[inspect.Parameter],
    owner: str,
    logger: str,
    *,
    outer: int,
    no_field: Mapping[str, str | None],
) -> DropinParams:
    """A Google class's `**params` taken apart (`take_params`), the keywords it has no
    field for first taken out with its warnings (`moved_keywords`), as both classes
    warn before they read their fields."""
    moved_keywords(params, owner, logger, outer, no_field)
    return take_params(model, params, fields)


def google_fields(
    *,
    temperature: Any,
    safety_settings: Any,
    logprobs: str | None,
    labels: bool = False,
    audio_timestamp: bool = False,
) -> tuple[inspect.Parameter, ...]:
    """The LangChain parameters both classes take, declared once, in their classes'
    order, with what differs between the two (a default, a type, a field only
    langchain-google-vertexai has; `logprobs`, the type of its `logprobs` field, None
    where it has neither that nor `response_logprobs`: langchain-google-genai)."""
    return (
        TEMPERATURE.replace(default=temperature),
        field("max_output_tokens", "int | None"),
        TOP_P,
        TOP_K,
        N,
        STOP,
        field("safety_settings", "Any", safety_settings),
        field("response_mime_type", "str | None"),
        field("response_schema", "Mapping[str, Any] | None"),
        field("response_modalities", "Sequence[str] | None"),
        field("thinking_budget", "int | None"),
        field("include_thoughts", "bool | None"),
        field("thinking_level", "str | None"),
        field("cached_content", "str | None"),
        *((field("labels", "Mapping[str, str] | None"),) if labels else ()),
        SEED,
        PRESENCE_PENALTY,
        FREQUENCY_PENALTY,
        *(
            (field("response_logprobs", "bool | None"), field("logprobs", logprobs))
            if logprobs
            else ()
        ),
        *((field("audio_timestamp", "bool | None"),) if audio_timestamp else ()),
        TIMEOUT,
        MAX_RETRIES,
        STREAMING,
        MODEL_KWARGS,
    )


def gemini_body(
    owner: str,
    given: Mapping[str, Any],
    api_params: Mapping[str, Any],
    *,
    streaming: bool | None,
    **shaped: Any,
) -> dict[str, Any]:
    """The Gemini body fields of a construction: its fields `given` that are set, as
    `shaped` by the class where it differs, `n` as `candidate_count` (checked: one
    candidate when `streaming`), LangChain's flat thinking settings as `thinkingConfig`
    (refused beside a `thinking_config` among the `api_params`)."""
    generation = {k: v for k, v in given.items() if k not in (*_THINKING, *_MODEL_SETTINGS)}
    body: dict[str, Any] = {k: v for k, v in {**generation, **shaped}.items() if v is not None}
    n = body.pop("n", None)
    if n is not None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be an int >= 1, got {n!r}")
        if n > 1 and streaming:
            raise ValueError("n must be 1 when streaming (a stream carries one candidate)")
        body["candidate_count"] = n
    config = {k: given[k] for k in _THINKING if given.get(k) is not None}
    if config:
        if "thinking_config" in api_params:
            raise TypeError(f"{owner}: pass thinking_config= or thinking_budget=/..., not both")
        body["thinking_config"] = config
    return body


def google_settings(
    model: ChatModel,
    provider: str,
    adapter: Callable[[], Adapter],
    name: str,
    taken: DropinParams,
    *,
    refused: Mapping[str, str],
    temperature: float | None,
    **shaped: Any,
) -> None:
    """What both constructors do once they have an adapter: the refused settings
    (`refused`, the class's), the Gemini body fields (the fields given, as `shaped` by
    the class where it differs; `thinkingConfig` from LangChain's flat thinking
    settings), the API-parameter check, and `ChatModel.__init__`. The adapter is built
    after the checks: Vertex AI's may look up Application Default Credentials."""
    owner, given = taken.owner, taken.given
    api_params = taken.api_params = check_refused(
        owner, provider, taken.api_params, own=refused, own_off=OFF_VALUES
    )
    check_api_parameters(provider, api_params, settings=constructor_names(type(model)), owner=owner)
    body = gemini_body(owner, given, api_params, streaming=given["streaming"], **shaped)
    taken.settle(
        model,
        adapter(),
        name,
        temperature=temperature,
        max_tokens=given["max_output_tokens"],
        max_retries=attempts_as_retries(given["max_retries"]),
        **body,
    )
