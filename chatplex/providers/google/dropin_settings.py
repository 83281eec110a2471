"""What `ChatGoogleGenerativeAI` and `ChatVertexAI` both take, and how their Gemini
settings become a Gemini request's fields (`gemini_body`). Only how the two classes
reach Google differs (`dropin.py`, `vertex_dropin.py`).

>>> attempts_as_retries(None), attempts_as_retries(1), attempts_as_retries(3)
(5, 0, 2)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...chat.partner_record import model_as_sent
from ...chat.partner_warnings import moved_to_model_kwargs
from ...chat.partner_warnings import unexpected_argument

__all__ = [
    "NO_FIELD",
    "OFF_VALUES",
    "GEMINI_FIELDS",
    "REFUSED_ALIKE",
    "attempts_as_retries",
    "gemini_body",
    "moved_keywords",
]

#: The Gemini request fields both LangChain classes declare, in their order, sent where
#: set (`gemini_body`); each class appends its own.
GEMINI_FIELDS = (
    "max_output_tokens",
    "top_k",
    "n",
    "safety_settings",
    "response_mime_type",
    "response_schema",
    "response_modalities",
    "thinking_budget",
    "include_thoughts",
    "thinking_level",
    "cached_content",
)
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


def gemini_body(
    owner: str,
    given: Mapping[str, Any],
    api_params: Mapping[str, Any],
    *,
    streaming: bool | None,
    thinking_config: Any = None,
    **shaped: Any,
) -> dict[str, Any]:
    """The Gemini body fields of a construction: its fields `given` that are set, as
    `shaped` by the class where it differs, `n` as `candidate_count` (checked: one
    candidate when `streaming`), LangChain's flat thinking settings as `thinkingConfig`
    (refused beside a `thinking_config` among the `api_params`, unless the class merges
    its own `thinking_config` under them, given here: its dict or SDK model)."""
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
    if thinking_config is not None:
        # langchain-google-genai's: the flat settings over the config's same fields
        config = {**model_as_sent(thinking_config), **config}
    if config:
        if "thinking_config" in api_params:
            raise TypeError(f"{owner}: pass thinking_config= or thinking_budget=/..., not both")
        body["thinking_config"] = config
    return body
