"""The `LLMResult` LangChain's chat models give `on_llm_end`, built from a chatplex reply.

What `on_llm_end` receives is what LangChain gives: an `LLMResult` whose `llm_output`
has the provider's raw usage under `token_usage` (keys `prompt_tokens`... for OpenAI,
`input_tokens`... for Anthropic) and `model_name`, and generations carrying
`generation_info` (`finish_reason`, `logprobs`); one generation per candidate (`n > 1`).
`generate()` combines the rows' `llm_output` in `combined_outputs.py`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import ClassVar

from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..specs import CHAT_COMPLETIONS_INFO
from ..specs import CHAT_COMPLETIONS_OUTPUT
from ..specs import OutputShape
from ..specs import ShapeKind
from ..specs import spec

__all__ = [
    "ENGINE_KEYS",
    "ChatGeneration",
    "ChatGenerationChunk",
    "LLMResult",
    "chat_result",
    "combining_style",
    "output_shape",
    "is_kind",
    "choice_keys",
    "reply_result",
    "response_fields_apart",
    "usage_on_each_candidate",
    "result_of",
    "unnamed_reply_style",
    "partner_style",
    "reply_fields",
    "shaped_llm_output",
    "shaped_generation_info",
    "stream_generation_info",
]


@dataclass(slots=True)
class ChatGeneration:
    """One generated message (LangChain's `ChatGeneration` shape)."""

    message: AIMessage
    text: str = ""
    generation_info: dict[str, Any] | None = None
    type: ClassVar[str] = "ChatGeneration"


class ChatGenerationChunk(ChatGeneration):
    """A generation from a stream: `message` is the (merged) `AIMessageChunk`."""

    __slots__ = ()  # the same fields (a plain subclass: no second dataclass to build)
    type: ClassVar[str] = "ChatGenerationChunk"


@dataclass(slots=True)
class LLMResult:
    """What `on_llm_end` receives: `result.generations[0][0].message` is the reply."""

    generations: list[list[ChatGeneration]]
    llm_output: dict[str, Any] | None = None
    run: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    type: ClassVar[str] = "LLMResult"


# -- what LangChain's providers put in an LLMResult ------------------------------------------

#: response_metadata keys the engine adds to a reply on every wire: the wire's name, its
#: own stop word, the request id, the HTTP attempts made, LangSmith's gateway metadata.
ENGINE_KEYS = frozenset(
    {"provider", "raw_finish_reason", "request_id", "attempts", "gateway_metadata"}
)
#: response_metadata keys chatplex adds that are not part of any provider's llm_output.
_CHATPLEX_KEYS = ENGINE_KEYS | {
    "finish_reason",
    "logprobs",
    "refusal",
    "other_candidates",
    "token_usage",
}


def output_shape(style: OutputShape | None) -> OutputShape | None:
    """`style` where its partner copies its result key by key (`OutputShape.kind`
    "keys"); None for one with code of its own, or none.

    >>> output_shape(OutputShape(combined=("id",))).combined
    ('id',)
    >>> output_shape(OutputShape("reply_fields")) is None
    True
    """
    return style if style is not None and style.kind == "keys" else None


def is_kind(style: OutputShape | None, kind: ShapeKind) -> bool:
    """Whether `style` is of this `OutputShape.kind` ("chat_completions", "reply_fields")."""
    return style is not None and style.kind == kind


#: response_metadata keys of chatplex's own, never a reply's field (an `OutputShape`
#: whose `info` is None: the reply's own fields).
_ADDED_KEYS = ENGINE_KEYS | {"finish_reason", "other_candidates"}


def response_fields_apart(style: OutputShape | None) -> bool:
    """Whether a partner of this style writes the response's own fields (model, usage,
    fingerprint...) in the `llm_output` alone, its choices' messages carrying only their
    own keys: LangChain copies the `llm_output` into a message only when it is the sole
    generation, so each of several candidates (`n > 1`) shows its choice's keys."""
    shape = output_shape(style)
    return is_kind(style, "chat_completions") or (
        shape is not None
        and shape.output is not None
        and ("model_name" in shape.output or shape.choice_keys is not None)
    )


def choice_keys(style: OutputShape | None) -> tuple[str, ...]:
    """The response's fields a partner of this style writes on each of several
    candidates' messages besides the choice's own (`OutputShape.choice_keys`), in its order;
    () for one that writes none there."""
    shape = output_shape(style)
    return (shape.choice_keys or ()) if shape is not None else ()


def usage_on_each_candidate(style: OutputShape | None) -> bool:
    """Whether a partner of this style gives every candidate's message the response's
    usage (langchain-openai's and the styles' `usage_each`), not the first alone."""
    shape = output_shape(style)
    return is_kind(style, "chat_completions") or (shape is not None and shape.usage_each)


def combining_style(provider: Any) -> OutputShape | None:
    """How the LangChain class of a provider name combines `generate()`'s rows: its
    spec's `combined_llm_output`, else its `llm_output` style (None: neither)."""
    declared = spec(provider) if isinstance(provider, str) else None
    if declared is None:
        return None
    return declared.combined_llm_output or declared.llm_output


def shaped_generation_info(
    meta: dict[str, Any], style: OutputShape | None, *, streamed: bool = False
) -> dict[str, Any] | None:
    """The `generation_info` of a reply (or, `streamed`, of a stream's piece: what the
    merged stream shows is these keys of the merged message) whose partner fills it key
    by key (`output_shape`); None for a style it does not spell out, or nothing to give."""
    shape = output_shape(style)
    if shape is None:
        return None
    keys = shape.streamed if streamed and shape.streamed is not None else shape.info
    if keys is None:
        return (
            _in_order(
                {k: v for k, v in meta.items() if k not in _ADDED_KEYS}, meta.get("model_provider")
            )
            or None
        )
    # A stream's piece gives only the keys with a value (its partner's first chunk has
    # no finish reason: LangChain would put it before the chunk's model_provider).
    info = {k: meta[k] for k in keys if k in meta and not (streamed and meta[k] is None)}
    raw = meta.get("raw_finish_reason", meta.get("finish_reason"))
    if "finish_reason" in keys and raw is not None:
        info["finish_reason"] = raw  # the provider's own word, as its partner reports it
    if streamed and not info.get("logprobs", True):
        del info["logprobs"]  # a stream's pieces give logprobs only when sent
    return info or None


def shaped_llm_output(meta: dict[str, Any], style: OutputShape | None) -> dict[str, Any] | None:
    """The `llm_output` of a reply whose partner fills it key by key (`output_shape`): its
    keys the reply has, `token_usage` the provider's raw usage; None where the partner
    gives none."""
    shape = output_shape(style)
    if shape is None or shape.output is None:
        return None
    # In the partner's order: its keys as it writes them, a required one's default
    # where the reply has none: a copy of each (a `{}` default is one object of the
    # shape's, which a result's reader may change).
    required = {k: copy.copy(v) for k, v in shape.required}
    out = {
        k: meta[k] if k in meta else required[k]
        for k in ("token_usage", *shape.output)
        if k in meta or k in required
    }
    out.update((k, v) for k, v in required.items() if k not in out)
    return out


def chat_result(message: AIMessage) -> LLMResult:
    """The `LLMResult` LangChain's providers build for one reply (what `on_llm_end`
    receives): one generation per candidate (`n > 1`), each with its `generation_info`
    (`finish_reason`, `logprobs`), and the provider's `llm_output` (`token_usage` with
    the provider's keys, `model_name`, ...). For `generate()`: one row per prompt, and
    `combine_llm_outputs` over the rows' `llm_output`."""
    return result_of(message)


def result_of(message: AIMessage) -> LLMResult:
    """The LLMResult langchain-openai / langchain-anthropic would build for this reply;
    other candidates (`n > 1`) come after the reply, as in `generate()`."""
    meta = message.response_metadata
    streamed = isinstance(message, AIMessageChunk)
    cls = ChatGenerationChunk if streamed else ChatGeneration
    info = stream_generation_info(meta) if streamed else _generation_info(meta)
    generations: list[ChatGeneration] = [
        cls(message=message, text=message.text, generation_info=info)
    ]
    for other in _candidates(message)[1:]:
        info = _generation_info(other.response_metadata)
        generations.append(ChatGeneration(message=other, text=other.text, generation_info=info))
    # LangChain's stream() ends its run with the merged chunk alone: no llm_output.
    return LLMResult(
        generations=[generations], llm_output=None if streamed else _llm_output(message)
    )


def reply_result(message: AIMessage) -> tuple[list[dict[str, Any] | None], dict[str, Any] | None]:
    """What `result_of` puts beside a whole reply's messages, without building it (a
    LangChain call builds its own): each candidate's `generation_info`, the `llm_output`."""
    infos = [_generation_info(m.response_metadata) for m in _candidates(message)]
    return infos, _llm_output(message)


def _candidates(message: AIMessage) -> list[AIMessage]:
    """The reply, then its other candidates (`n > 1`), which ride in its metadata."""
    others = message.response_metadata.get("other_candidates")
    if not others:  # (one candidate, nearly every reply: no generator made to add none)
        return [message]
    return [message, *(m for m in others if isinstance(m, AIMessage))]


def stream_generation_info(
    meta: dict[str, Any], style: OutputShape | None = None
) -> dict[str, Any] | None:
    """A merged stream's `generation_info`: langchain-openai's chunks carry the finish
    reason, model, fingerprint and tier (logprobs when sent); langchain-anthropic's
    carry none (the provider's spec says which, `ProviderSpec.llm_output`; `style`: the
    stream's where its chunks name no provider)."""
    style = style or _style(meta.get("model_provider"))
    if is_kind(style, "reply_fields"):
        return None
    if output_shape(style) is not None:
        return shaped_generation_info(meta, style, streamed=True)
    info = _generation_info(meta, streamed=True)
    if is_kind(style, "chat_completions") and "headers" in meta:
        info = kept_headers(meta, info)
    if info is not None and is_kind(style, "chat_completions"):
        if not meta.get("logprobs"):
            info.pop("logprobs", None)
        info.update(
            {k: meta[k] for k in ("model_name", "system_fingerprint", "service_tier") if k in meta}
        )
    return info or None


def kept_headers(meta: dict[str, Any], info: dict[str, Any] | None) -> dict[str, Any]:
    """`info` led by the response's headers a drop-in keeps (langchain-openai's
    `include_response_headers`: first in its generation_info, a stream's first piece's)."""
    return {"headers": meta["headers"], **(info or {})}


def _generation_info(meta: dict[str, Any], *, streamed: bool = False) -> dict[str, Any] | None:
    """`finish_reason` (the provider's own word, as LangChain reports it), and `logprobs`
    where the provider sends them (OpenAI), then a whole reply's other choice keys
    (`CHAT_COMPLETIONS_INFO`: Azure's filter results); a partner's own keys (`output_shape`)."""
    style = _style(meta.get("model_provider"))
    if output_shape(style) is not None:
        return shaped_generation_info(meta, style)
    info: dict[str, Any] = {}
    completions = is_kind(style, "chat_completions")
    if completions and "headers" in meta and not streamed:
        info = kept_headers(meta, info)
    raw = meta.get("raw_finish_reason", meta.get("finish_reason"))
    if raw is not None:
        info["finish_reason"] = raw
    if completions or "logprobs" in meta:
        info["logprobs"] = meta.get("logprobs")
    if completions and not streamed:
        info.update((k, meta[k]) for k in CHAT_COMPLETIONS_INFO if k in meta)
    return info or None


def _llm_output(message: AIMessage) -> dict[str, Any] | None:
    meta = message.response_metadata
    provider = meta.get("model_provider") or meta.get("provider")
    style = _style(provider)
    if output_shape(style) is not None:
        return shaped_llm_output(meta, style)
    raw_usage = meta.get("token_usage")
    if is_kind(style, "reply_fields"):
        # langchain-anthropic: the reply's top-level fields (id, model, stop_reason,
        # stop_sequence, usage, ...) in its SDK's order (LangChain copies llm_output into
        # the message's response_metadata first: what print shows), and model_name;
        # `token_usage` too, as OpenAI has it.
        out = _in_order({k: v for k, v in meta.items() if k not in _CHATPLEX_KEYS}, provider)
        raw_usage = meta.get("usage")
    elif is_kind(style, "chat_completions"):
        # token_usage first, as langchain-openai writes it (set below).
        out = {"token_usage": None, **{k: meta[k] for k in CHAT_COMPLETIONS_OUTPUT if k in meta}}
        out.setdefault("system_fingerprint", "")
        declared = spec(provider) if isinstance(provider, str) else None
        if declared is not None and declared.llm_output_provider and "model_provider" in out:
            out["model_provider"] = declared.llm_output_provider
    else:
        out = {"model_name": meta.get("model_name")}
    usage = raw_usage if isinstance(raw_usage, dict) else message.usage_metadata
    if is_kind(style, "chat_completions") and not isinstance(raw_usage, dict):
        out["token_usage"] = None  # langchain-openai writes the body's `usage`: None if none
    else:
        out["token_usage"] = dict(usage) if usage else {}
    out.setdefault("model_name", meta.get("model_name"))
    return out


def reply_fields(meta: dict[str, Any]) -> dict[str, Any]:
    """langchain-anthropic's `llm_output` exactly (`OutputShape.kind` "reply_fields"):
    the reply's fields and `model_name`, none of chatplex's keys, no `model_provider` (its
    message names the provider, its llm_output does not), in its order (its spec's
    `metadata_order`)."""
    fields = {k: v for k, v in meta.items() if k not in _CHATPLEX_KEYS and k != "model_provider"}
    return _in_order(fields, meta.get("model_provider"))


def _in_order(fields: dict[str, Any], provider: Any) -> dict[str, Any]:
    """`fields` in the order `provider`'s LangChain class writes them (LangChain copies
    `llm_output` into the message's response_metadata first: what print shows)."""
    declared = spec(provider) if isinstance(provider, str) else None
    return declared.metadata_order.apply(fields) if declared is not None else fields


def partner_style(meta: dict[str, Any]) -> OutputShape | None:
    """How the partner class of a reply's wire fills its result's `llm_output` and
    `generation_info` (its spec's `llm_output`, an `OutputShape`: langchain-openai's
    `_create_chat_result`, langchain-anthropic's reply fields...), where the reply names
    that partner's provider (`model_provider`) and came over a wire whose spec declares a
    style too (`provider`: the partner's own, or the Chat Completions wire a preset's
    replies come over); else None. Not the Responses API (`openai_responses`), nor a
    reply that names no partner provider (Perplexity's, SambaNova's)."""
    named = meta.get("model_provider")
    if not isinstance(named, str):
        return None
    wire = meta.get("provider", named)
    return _style(named) if _style(wire) is not None else None


def unnamed_reply_style(meta: dict[str, Any], label: str | None) -> OutputShape | None:
    """The style of a reply that names no provider (no `model_provider`), read from the
    wire its model was made for (`label`: the model's provider label), where that wire's
    partner fills its result key by key (`output_shape`): such a partner may read the SDK's
    reply itself and name none (langchain-sambanova's), where langchain-openai's and
    -anthropic's always name theirs. None for a reply that names one (`partner_style`)."""
    if "model_provider" in meta:
        return None
    return output_shape(_style(label))


def _style(provider: Any) -> OutputShape | None:
    """How the reply's provider's LangChain class fills `llm_output` (its spec's
    `llm_output`); None for a provider no spec declares."""
    declared = spec(provider) if isinstance(provider, str) else None
    return declared.llm_output if declared is not None else None
