"""How one partner package shapes a reply (`ReplyStyle`, declared per profile), applied
to what the OpenAI adapter read: where reasoning goes, which `response_metadata` keys a
reply and a stream carry, what `token_usage` holds (the fields the partner's SDK model
fills with null), the usage details, and Groq's stream usage (`x_groq.usage`).

langchain-groq, -xai, -deepseek and -fireworks all put reasoning text in
`additional_kwargs["reasoning_content"]` with `content` a str, not content blocks; Groq
and Fireworks also keep the raw `tool_calls` in `additional_kwargs`; xAI counts reasoning
tokens into `output_tokens` (its replies leave them out of `completion_tokens`).

>>> from chatplex.messages import AIMessage
>>> reply = AIMessage([{"type": "reasoning", "reasoning": "Count."}, {"type": "text", "text": "2"}])
>>> shaped = style_reply(reply, {"choices": [{"message": {}}]}, ReplyStyle("deepseek"))
>>> shaped.content, shaped.additional_kwargs
('2', {'refusal': None, 'reasoning_content': 'Count.'})
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from ...adapters.base import HELPER_PIECE_PROVIDER
from ...adapters.sse_event import SSEEvent
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ..openai.response import usage_metadata
from ..openai.stream import OpenAIStreamParser
from . import executed_tools
from .profile import ReplyStyle

__all__ = ["StyledStreamParser", "style_reply"]

#: The `response_metadata` keys the OpenAI adapter sets that a style decides about;
#: any other key (chatplex's own: `provider`, `raw_finish_reason`...) is kept.
_STYLED = frozenset(
    {
        "model_provider",
        "model_name",
        "id",
        "finish_reason",
        "system_fingerprint",
        "token_usage",
        "service_tier",
        "reasoning_effort",
        "logprobs",
    }
)

#: The reply keys left out when they have no value.
_REPORTED_WHEN_SET = frozenset({"service_tier", "reasoning_effort"})


def style_reply(message: AIMessage, data: Any, style: ReplyStyle) -> AIMessage:
    """`message` (the OpenAI adapter's reading of the reply `data`) as the partner
    package gives it."""
    choices = data.get("choices") if isinstance(data, dict) else None
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    found = choice.get("message")
    raw: dict[str, Any] = found if isinstance(found, dict) else {}
    extra: dict[str, Any] = {}
    if style.refusal_key:
        extra["refusal"] = raw.get("refusal")
    extra.update((f, raw[f]) for f in style.message_fields if raw.get(f))
    if style.executed_tools and raw.get("executed_tools"):
        extra["executed_tools"] = executed_tools.dumped(raw["executed_tools"])
    reasoning = None
    # (the provider's list of parts kept as a list, where the style keeps them)
    listed = style.part_fields if isinstance(raw.get("content"), list) else None
    if style.split_reasoning:
        message.content, reasoning = _split_reasoning(message.content, listed)
    if listed is not None and isinstance(message.content, list):
        message.content = [_dumped(part, listed) for part in message.content]
    if reasoning is not None:
        extra[style.reasoning_kwarg] = reasoning
    if style.raw_tool_calls and raw.get("tool_calls"):
        extra["tool_calls"] = [
            dict(c) if style.raw_calls_as_sent else _raw_call(c, style.raw_call_keys)
            for c in raw["tool_calls"]
        ]
    if style.content_parts and isinstance(message.content, list):
        message.content = _with_references(message.content)
    additional = message.additional_kwargs
    if not style.refusal_key and additional.get("refusal", "") is None:
        # The OpenAI adapter sets it to None as langchain-openai does; this package does not.
        additional = {k: v for k, v in additional.items() if k != "refusal"}
    if extra or additional is not message.additional_kwargs:
        message.additional_kwargs = {**extra, **additional}
    meta = message.response_metadata
    usage = data.get("usage") if isinstance(data, dict) else None
    raw_usage = usage if isinstance(usage, dict) else {}
    model_name = _model_name(meta, style, "reply")
    source = {
        "token_usage": (
            _in_order(_with_nulls(usage, style.usage_nulls), style.usage_order)
            if usage is not None
            # `"usage": null` is None to every partner; only a missing one is the style's
            else (None if isinstance(data, dict) and "usage" in data else _absent_usage(style))
        ),
        "model_provider": style.model_provider,
        "model_name": model_name,
        "model": model_name,  # langchain-mistralai's second name for it
        "system_fingerprint": data.get("system_fingerprint", style.absent_fingerprint),
        "id": data.get("id"),
        "finish_reason": meta.get("finish_reason"),
        "logprobs": _with_logprob_nulls(choice.get("logprobs"), style.logprobs_nulls),
        # The tier asked for where the package reports that (langchain-groq), else the
        # reply's, left out when it names none (BaseChatOpenAI, langchain-fireworks).
        "service_tier": style.service_tier or data.get("service_tier"),
        # The effort asked, where the package reports it (langchain-groq).
        "reasoning_effort": style.reasoning_effort,
        # OpenRouter's own fields (langchain-openrouter reports them).
        "created": data.get("created"),
        "object": data.get("object"),
        "cost": raw_usage.get("cost"),
        "cost_details": raw_usage.get("cost_details"),
    }
    sent = {**data, **choice, **raw_usage} if style.when_sent else {}
    when_set = _REPORTED_WHEN_SET | style.when_set if style.when_set else _REPORTED_WHEN_SET
    shaped = {
        key: source[key]
        for key in style.reply_keys
        if (key not in when_set or source[key])
        and (key not in style.when_sent or key in sent)
        and (usage or key not in style.counted_keys)
    }
    shaped.update((k, raw_usage[k]) for k in style.usage_metadata_fields if raw_usage.get(k))
    shaped.update((k, v) for k, v in meta.items() if k not in _STYLED)
    message.response_metadata = shaped
    read = message.usage_metadata
    tier = data.get("service_tier") if isinstance(data, dict) else None
    if read is not None and tier is not None and not style.tiers_apart:
        # (the OpenAI reading counted a `flex` / `priority` tier's tokens apart)
        read = usage_metadata(raw_usage) or read
    if read is not None:
        message.usage_metadata = _usage(dict(read), style, raw_usage)
    return message


class StyledStreamParser(OpenAIStreamParser):
    """An OpenAI stream parser whose chunks are shaped as the partner package's (a
    wrapper: the inner parser does the reading)."""

    __slots__ = ("_inner", "_parts", "_style", "_tier")

    def __init__(self, inner: OpenAIStreamParser, style: ReplyStyle) -> None:
        self._inner, self._style = inner, style
        self._tier: str | None = None
        self._parts = PartIndexes() if style.content_parts else None

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        chunk = self._inner.feed(event)
        style = self._style
        data = event.data
        obj: Any = None
        if (
            (style.usage_in_x_groq and '"x_groq"' in data)
            or (style.raw_tool_calls and '"tool_calls"' in data)
            or style.finish_keys
            or style.message_fields
            or (style.executed_tools and '"executed_tools"' in data)
        ):
            try:
                obj = json.loads(data)
            except ValueError:
                obj = None
        usage = _x_groq_usage(obj) if style.usage_in_x_groq else None
        deltas = _raw_deltas(obj, style) if style.raw_tool_calls else None
        if '"service_tier"' in data and self._tier is None:
            found = _loads(data).get("service_tier")
            self._tier = found if isinstance(found, str) else None
        kept = _delta_fields(obj, style.message_fields) if style.message_fields else None
        if style.executed_tools and (ran := _delta_fields(obj, ("executed_tools",))):
            kept = {
                **(kept or {}),
                "executed_tools": executed_tools.streamed(ran["executed_tools"]),
            }
        if chunk is None:
            if usage is None and not kept:
                return None
            chunk = AIMessageChunk(content="")
        listed = None
        if style.part_fields is not None and isinstance(chunk.content, list):
            # (reasoning beside text, or the provider's list of parts: which, the delta says)
            delta = _delta_fields(obj if obj is not None else _loads(data), ("content",))
            listed = style.part_fields if isinstance(delta.get("content"), list) else None
        chunk = self._shape(chunk, usage, deltas, listed)
        if style.finish_keys:
            chunk.response_metadata = _piece_keys(obj, chunk.response_metadata, style)
        if kept:
            chunk.additional_kwargs = {**chunk.additional_kwargs, **kept}
        return chunk

    def finish(self) -> None:
        self._inner.finish()

    def _shape(
        self, chunk: AIMessageChunk, usage: Any, deltas: Any, listed: object = None
    ) -> AIMessageChunk:
        style = self._style
        if self._parts is not None and isinstance(chunk.content, list):
            chunk.content = self._parts.indexed(_with_references(chunk.content))
        reasoning = None
        if style.split_reasoning:
            chunk.content, reasoning = _split_reasoning(chunk.content, listed)
        extra: dict[str, Any] = {}
        if reasoning is not None:
            extra[style.reasoning_kwarg] = reasoning
        if deltas:
            extra["tool_calls"] = deltas
        meta = chunk.response_metadata
        if extra:
            chunk.additional_kwargs = {**chunk.additional_kwargs, **extra}
        shaped = {k: v for k, v in meta.items() if k not in _STYLED or k in style.stream_keys}
        if "logprobs" in shaped:
            shaped["logprobs"] = _with_logprob_nulls(shaped["logprobs"], style.logprobs_nulls)
        if "model_provider" in shaped:
            shaped["model_provider"] = style.model_provider
        if "model_name" in shaped:
            shaped["model_name"] = _model_name(meta, style, "stream")
        if style.helper_piece_provider is not None:
            shaped[HELPER_PIECE_PROVIDER] = style.helper_piece_provider
        if meta.get("finish_reason") is not None and "service_tier" in style.reply_keys:
            tier = style.service_tier or self._tier  # as a reply's, on the finishing chunk
            if tier:
                shaped["service_tier"] = tier
            if style.reasoning_effort and "reasoning_effort" in style.reply_keys:
                shaped["reasoning_effort"] = style.reasoning_effort
        chunk.response_metadata = shaped
        if usage is not None:
            chunk.usage_metadata = usage
        if chunk.usage_metadata is not None:
            chunk.usage_metadata = _usage(
                dict(chunk.usage_metadata), style, meta.get("token_usage")
            )
        return chunk


def _delta_fields(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """The `fields` an event `obj`'s first choice's delta sets (`message_fields`)."""
    choices = obj.get("choices") if isinstance(obj, dict) else None
    choice = choices[0] if choices and isinstance(choices[0], dict) else {}
    delta = choice.get("delta")
    return {f: delta[f] for f in fields if delta.get(f)} if isinstance(delta, dict) else {}


def _piece_keys(obj: Any, meta: Mapping[str, Any], style: ReplyStyle) -> dict[str, Any]:
    """A stream piece's `response_metadata` as `ReplyStyle.finish_keys` has it, from its
    event `obj`: chatplex's own keys, and the model and fingerprint where the OpenAI
    reading puts them (its first piece: a drop-in's stream holds them for the finishing
    one, `ProviderSpec.stream_finish_keys`), kept."""
    own = {k: v for k, v in meta.items() if k not in _STYLED}
    own.update((k, meta[k]) for k in ("model_name", "system_fingerprint") if meta.get(k))
    if "finish_reason" in meta:  # (None where a stream ends unfinished: a drop-in drops it)
        own["finish_reason"] = meta["finish_reason"]
    event = obj if isinstance(obj, dict) else {}
    usage = event.get("usage")
    costs = {
        k: usage[k] for k in ("cost", "cost_details") if isinstance(usage, dict) and k in usage
    }
    choices = event.get("choices")
    if not choices:  # (a usage-only event's piece)
        return {**own, **costs}
    if meta.get("finish_reason") is None:
        return {**own, "model_provider": style.model_provider, **costs}
    choice = choices[0] if isinstance(choices[0], dict) else {}
    source = {
        "finish_reason": meta["finish_reason"],
        "id": event.get("id"),
        "created": event.get("created"),
        "object": event.get("object"),
        "logprobs": choice.get("logprobs"),
    }
    found = {k: source[k] for k in style.finish_keys if source[k] or k == "finish_reason"}
    return {**own, **found, "model_provider": style.model_provider, **costs}


def _model_name(meta: Mapping[str, Any], style: ReplyStyle, where: str) -> Any:
    """The `model_name` a reply (`where`: "reply") or a stream's piece ("stream") reports:
    the model the drop-in was made with where its partner reports that
    (`ReplyStyle.model_asked_in`), else the one the reply names."""
    if where in style.model_asked_in and style.asked_model:
        return style.asked_model
    return meta.get("model_name")


def _raw_deltas(obj: Any, style: ReplyStyle) -> list[Any] | None:
    """The raw tool-call pieces of one event's first choice, as the partner package keeps
    them on that event's chunk: as sent (langchain-mistralai reads the JSON), or as the
    SDK's delta model dumps them (its four fields, null where the piece has none).
    LangChain's merging joins them by `index`, as chatplex's does."""
    if not isinstance(obj, dict):
        return None
    for choice in obj.get("choices") or ():
        if isinstance(choice, dict) and not choice.get("index"):
            calls = (choice.get("delta") or {}).get("tool_calls")
            if not isinstance(calls, list):
                return None
            return [
                dict(c) if style.raw_calls_as_sent else _dumped_delta(c)
                for c in calls
                if isinstance(c, dict)
            ]
    return None


def _dumped_delta(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "index": call.get("index"),
        "id": call.get("id"),
        "function": {"arguments": function.get("arguments"), "name": function.get("name")},
        "type": call.get("type"),
    }


class PartIndexes:
    """langchain-mistralai's `index`es for the list content of one stream's deltas: a
    block's is the next one whenever its type (a reference's: "reference") differs from
    the block before; a thinking part's pieces get 0. Blocks that have one keep it."""

    __slots__ = ("index", "kind")

    def __init__(self) -> None:
        self.index = -1
        self.kind: Any = ""

    def indexed(self, content: list[Any]) -> list[Any]:
        out: list[Any] = []
        for block in content:
            if isinstance(block, dict):
                block = dict(block)
                kind = "reference" if "reference" in block else block.get("type")
                if kind is not None and kind != self.kind:
                    self.kind = kind
                    self.index += 1
                block.setdefault("index", self.index)
                pieces = block.get("thinking")
                if block.get("type") == "thinking" and isinstance(pieces, list):
                    block["thinking"] = [
                        {**p, "index": 0} if isinstance(p, dict) and "index" not in p else p
                        for p in pieces
                    ]
            out.append(block)
        return out


def _with_references(content: list[Any]) -> list[Any]:
    """A content list with each `reference` part a text block whose `reference` holds
    the part's other fields (so `.text` shows the cited answer), as langchain-mistralai
    reads it; a list without one as it is."""
    if not any(isinstance(b, dict) and b.get("type") == "reference" for b in content):
        return content
    out: list[Any] = []
    for block in content:
        if isinstance(block, dict) and block.get("type") == "reference":
            text = {
                "type": "text",
                "text": block.get("text", ""),
                "reference": {k: v for k, v in block.items() if k not in ("type", "text")},
            }
            if "index" in block:
                text["index"] = block["index"]
            block = text
        out.append(block)
    return out


def _loads(data: str) -> dict[str, Any]:
    try:
        obj = json.loads(data)
    except ValueError:
        return {}
    return obj if isinstance(obj, dict) else {}


def _x_groq_usage(obj: Any) -> Any:
    if not isinstance(obj, dict):
        return None
    x_groq = obj.get("x_groq")
    raw = x_groq.get("usage") if isinstance(x_groq, dict) else None
    return usage_metadata(raw) if raw else None


def _split_reasoning(content: Any, parts_kept: object = None) -> tuple[Any, str | None]:
    """(content as text, the reasoning text or None) for content made of reasoning and
    text blocks; other content as it is. With `parts_kept` (a style's `part_fields`),
    the provider's parts (all but reasoning) stay a list, where it sent any."""
    if not isinstance(content, list) or not content:
        return content, None
    reasoning: list[str] = []
    text: list[str] = []
    parts: list[Any] = []
    for block in content:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "reasoning":
            reasoning.append(str(block.get("reasoning") or ""))
            continue
        parts.append(block)
        if parts_kept is None and kind == "text":
            text.append(str(block.get("text") or ""))
        elif parts_kept is None:
            return content, None
    said = parts if parts_kept is not None and parts else "".join(text)
    return said, ("".join(reasoning) if reasoning else None)


def _dumped(part: Any, fields: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    """A content part as an SDK model of `fields` dumps it: each field in order, null
    where unsent (a nested object's likewise), then the part's other keys."""
    if not isinstance(part, dict):
        return part
    out: dict[str, Any] = {}
    for name, inner in fields:
        value = part.get(name)
        out[name] = _dumped(value, tuple((f, ()) for f in inner)) if inner else value
    out.update((k, v) for k, v in part.items() if k not in out)
    return out


def _raw_call(call: Any, keys: tuple[str, ...]) -> Any:
    if not isinstance(call, dict):
        return call
    function = call.get("function") or {}
    fields = {
        "id": call.get("id"),
        "function": {"arguments": function.get("arguments"), "name": function.get("name")},
        "type": call.get("type"),  # the SDK model's: None where the server sent none
        "index": call.get("index"),
    }
    return {key: fields[key] for key in keys}


def _with_logprob_nulls(logprobs: Any, nulls: tuple[str, ...]) -> Any:
    if not nulls or not isinstance(logprobs, dict):
        return logprobs
    return {**dict.fromkeys(nulls), **logprobs}


def _with_nulls(usage: Any, nulls: tuple[tuple[str, tuple[str, ...]], ...]) -> Any:
    if not isinstance(usage, dict):
        return usage if usage is not None else {}
    out = dict(usage)
    for where, names in nulls:
        if not where:
            for name in names:
                out.setdefault(name, None)
        elif isinstance(out.get(where), dict):
            out[where] = {**dict.fromkeys(names), **out[where]}
    return out


def _absent_usage(style: ReplyStyle) -> dict[str, Any] | None:
    """A reply's token_usage where it has no `usage` (a copy: the message's own)."""
    return None if style.absent_usage is None else dict(style.absent_usage)


def _in_order(usage: Any, order: tuple[str, ...]) -> Any:
    """`usage` with `order`'s keys first (those it has), then the rest as they came."""
    if not order or not isinstance(usage, dict):
        return usage
    return {**{k: usage[k] for k in order if k in usage}, **usage}


def _usage(usage: dict[str, Any], style: ReplyStyle, raw: Mapping[str, Any] | None = None) -> Any:
    keep, zeros = style.detail_keys, style.zero_details
    found = {
        ours: raw[field]
        for field, ours in style.usage_output_fields
        if raw and raw.get(field) is not None
    }
    if found:
        usage["output_token_details"] = {**(usage.get("output_token_details") or {}), **found}
    if keep is not None or not zeros:
        for name in ("input_token_details", "output_token_details"):
            details = usage.get(name)
            if not isinstance(details, dict):
                continue
            kept = {
                k: v for k, v in details.items() if (keep is None or k in keep) and (zeros or v)
            }
            if kept:
                usage[name] = kept
            else:
                del usage[name]
    inputs = {
        ours: raw[field]
        for field, ours in style.usage_input_fields
        if raw and isinstance(raw.get(field), int)
    }
    if inputs:  # (after the filter: the partner adds them to what it kept, zeros too)
        usage["input_token_details"] = {**inputs, **(usage.get("input_token_details") or {})}
    if style.empty_token_details:
        usage.setdefault("input_token_details", {})
    if style.empty_token_details or style.empty_output_details:
        usage.setdefault("output_token_details", {})
    if style.reasoning_in_output:
        output: Mapping[str, Any] = usage.get("output_token_details") or {}
        usage["output_tokens"] = usage["output_tokens"] + (output.get("reasoning") or 0)
    return usage


def reasoning_blocks(
    field: Callable[[str], Any], content: Any, kwargs: dict[str, Any]
) -> tuple[Any, dict[str, Any]] | None:
    """`PartnerHooks.generated` of langchain-cerebras' `_generate`: where the model asks
    for reasoning (its `reasoning_effort` set, `disable_reasoning` False), a reply's
    `additional_kwargs["reasoning"]` moved into a `reasoning_content` block before its
    text; None (left as it is) otherwise, as its `_agenerate` and streams leave it.

    >>> asked = {"reasoning_effort": "low"}.get
    >>> blocks, kwargs = reasoning_blocks(asked, "4", {"reasoning": "Add."})
    >>> [block["type"] for block in blocks], kwargs
    (['reasoning_content', 'text'], {})
    """
    asked = field("reasoning_effort") is not None or field("disable_reasoning") is False
    reasoning = kwargs.get("reasoning")
    if not (reasoning and asked):
        return None
    block = {"type": "reasoning_content", "reasoning_content": {"text": reasoning}}
    if isinstance(content, str):
        blocks = [block, {"type": "text", "text": content}] if content else [block]
    else:
        blocks = [block, *content]
    return blocks, {key: value for key, value in kwargs.items() if key != "reasoning"}
