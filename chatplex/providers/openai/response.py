"""OpenAI response side: a Chat Completions body → `AIMessage`s, and the helpers the
stream parser shares with it (metadata, usage, error payloads).

Metadata follows langchain-openai: `token_usage` (the raw usage dict), `model_name`,
`model_provider`, `system_fingerprint`, `service_tier`, `id`, `finish_reason`, `logprobs`;
chatplex adds `provider`, `raw_finish_reason` and `request_id`.

A reply asked for with `n > 1` has one choice per candidate. The message is choice 0;
`response_metadata["other_candidates"]` holds the others (choices 1..n-1) as
`AIMessage`s, so nothing paid for is out of reach; `parse_candidates` gives all n.
Usage counts the whole response (every candidate), so it is on choice 0 only: summing
the candidates' usage counts it once.

Reasoning: a `reasoning` / `reasoning_content` string beside `content` (compatible servers)
becomes a `{"type": "reasoning"}` block before the text. Some servers send it inside
`content` instead, as a list of parts (`{"type": "thinking", "thinking": [{"type": "text",
"text": ...}]}`, then `{"type": "text", ...}`); that is read only when asked
(`thinking_parts=True`, a profile's declared feature, see `ThinkingParts`), so no other
reply pays for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any
from typing import cast

from ...adapters.bodies import error_member
from ...adapters.bodies import reply_object
from ...adapters.bodies import require_reply_key
from ...adapters.headers import header_value
from ...adapters.reading import reply_count
from ...adapters.reading import reply_field
from ...adapters.reading import reply_text
from ...adapters.sharing import OWN_HEAD_KEYS
from ...adapters.sharing import shared
from ...adapters.sharing import shared_keys
from ...adapters.sharing import shared_template
from ...adapters.sharing import shared_tuple
from ...errors import RETRYABLE_STATUSES
from ...errors import APIError
from ...messages import OTHER_CANDIDATES
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import LazyMetadata
from ...messages import LazyValue
from ...messages import ToolCallChunk
from ...messages import UsageMetadata
from ...messages import with_other_candidates

__all__ = [
    "FINISH_REASONS",
    "LEGACY_CALL",
    "OTHER_CANDIDATES",
    "PROVIDER",
    "ThinkingParts",
    "args_text",
    "check_counts",
    "choice_metadata",
    "content_from_parts",
    "error_fields",
    "head_metadata",
    "legacy_call",
    "parse_candidates",
    "parse_reply",
    "payload_error",
    "usage_metadata",
]

PROVIDER = "openai"
FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "content_filter": "content_filter",
}
_RETRYABLE_MARKERS = ("server_error", "overload", "unavailable", "internal", "timeout")


def parse_reply(
    body: bytes, headers: Mapping[str, str] | None, *, thinking_parts: bool = False
) -> AIMessage:
    """The reply of a non-stream call: choice 0, the other choices in its metadata.
    `thinking_parts`: list `content` may carry `thinking` parts (see `ThinkingParts`)."""
    return with_other_candidates(parse_candidates(body, headers, thinking_parts=thinking_parts))


def parse_candidates(
    body: bytes, headers: Mapping[str, str] | None = None, *, thinking_parts: bool = False
) -> list[AIMessage]:
    """Every choice of a Chat Completions body, in choice order, as `AIMessage`s.

    Pure (for `generate()`, which reports all candidates). The response's usage is on
    the first only. Raises `APIError` for an error payload or a body that is not a JSON
    object.

    >>> body = b'{"id": "c", "model": "m", "choices": [{"index": 1, "message": {"content": "b"}},'
    >>> body += b' {"index": 0, "message": {"content": "a"}}]}'
    >>> [m.text for m in parse_candidates(body)]
    ['a', 'b']
    """
    data = reply_object(body, PROVIDER)
    if data.get("error"):
        raise payload_error(data, APIError)
    require_reply_key(data, "choices", "Chat Completions", body)
    choices = data.get("choices")
    if type(choices) is list and len(choices) == 1 and type(choices[0]) is dict:
        ordered = choices  # the usual reply: one choice, nothing to order or skip
    else:
        ordered = sorted(
            (c for c in choices or () if isinstance(c, dict)), key=lambda c: c.get("index") or 0
        )
    head = head_metadata(data, headers)
    # What langchain-openai's reply shows, read through the openai SDK's models: the
    # fields a body leaves out are there as None.
    head.setdefault("system_fingerprint", None)
    own_head = {key: head[key] for key in OWN_HEAD_KEYS if key in head}
    template = shared_template(head)
    raw_usage = reply_field(data.get("usage"), dict, "usage")
    messages = []
    for position, choice in enumerate(ordered or [{}]):
        own = {**own_head, **choice_metadata(choice)}
        own.setdefault("logprobs", None)
        usage: LazyValue | None = None
        if position == 0 and isinstance(raw_usage, dict):
            check_counts(raw_usage)  # refused now, not when the lazy usage is first read
            own["token_usage"] = token_usage = sdk_usage(raw_usage)
            # Built on first read (`usage_metadata` makes fresh dicts; the metadata's
            # copy of token_usage is the user's own, so edits there never reach it).
            tier = data.get("service_tier")
            make = (
                usage_metadata
                if tier is None
                else functools.partial(usage_metadata, service_tier=tier)
            )
            usage = LazyValue(make, token_usage)
        messages.append(
            _message(
                choice.get("message") or {},
                data.get("id"),
                template,
                own,
                usage,
                thinking_parts,
            )
        )
    return messages


def _message(
    message: dict[str, Any],
    msg_id: Any,
    template: dict[str, Any],
    own: dict[str, Any],
    usage: LazyValue | None,
    thinking_parts: bool,
) -> AIMessage:
    # Text, parts, or none: anything else (a dict would become a list of its keys) is
    # the reply's to refuse, never to reshape.
    content = reply_field(message.get("content"), (str, list), "message content")
    if thinking_parts and type(content) is list:
        content = content_from_parts(content)
    additional: dict[str, Any] = {}
    audio = message.get("audio")
    if audio:  # a spoken reply's (`modalities=["audio"]`), kept as langchain-openai keeps it
        additional["audio"] = audio
    call = message.get("function_call")
    if call:
        additional[LEGACY_CALL] = legacy_call(call)
    refusal = message.get("refusal")
    if refusal:
        additional["refusal"] = own["refusal"] = refusal
    reasoning = message.get("reasoning") or message.get("reasoning_content")
    if reasoning and isinstance(reasoning, str):
        blocks: list[Any] = [{"type": "reasoning", "reasoning": reasoning}]
        if isinstance(content, list):  # (thinking parts read above)
            blocks.extend(content)
        elif content:
            blocks.append({"type": "text", "text": content})
        content = blocks
    if not isinstance(content, list):
        # None too, as langchain-openai reads it through the openai SDK (a list content,
        # chatplex's reasoning blocks, is no ChatOpenAI shape: LangChain would read the
        # key as a v0.3 Responses message there).
        additional["refusal"] = refusal
    tool_chunks: list[ToolCallChunk] = [
        {
            "name": reply_text((tc.get("function") or {}).get("name"), "tool call's name"),
            "args": args_text((tc.get("function") or {}).get("arguments")),
            "id": tc.get("id"),
            "index": i,
            "type": "tool_call_chunk",
        }
        for i, tc in enumerate(message.get("tool_calls") or ())
    ]
    metadata = LazyMetadata(template, shared_tuple(tuple(own)), tuple(own.values()))
    if not tool_chunks and (content is None or type(content) is str):
        # What `to_message()` below makes of a reply with no tool calls and text content,
        # without the chunk it goes through (no calls to parse, no block indexes to drop;
        # content of another type is refused there, as before).
        return AIMessage(
            content=content if content is not None else "",
            id=msg_id,
            additional_kwargs=additional,
            response_metadata=metadata,  # type: ignore[arg-type]
            usage_metadata=usage,  # type: ignore[arg-type]
        )
    # The same tool-call parsing as a merged stream, so the two always agree.
    return AIMessageChunk(
        content=content if content is not None else "",
        id=msg_id,
        additional_kwargs=additional,
        response_metadata=metadata,  # type: ignore[arg-type]
        tool_call_chunks=tool_chunks,
        usage_metadata=usage,  # type: ignore[arg-type]
    ).to_message()


class ThinkingParts:
    """Reads list `content` whose parts may be `thinking` (a declared profile's) into
    chatplex blocks: a thinking part's text pieces, joined, become a `{"type":
    "reasoning", "reasoning": ..., "index": n}` block, text parts `{"type": "text"}`
    blocks, other parts stay as sent (a str part is text).

    Stateful, for the deltas of one stream: thinking parts in a row are one reasoning
    block (one `index`, which merging joins); a thinking part after text or another part
    opens the next index. An empty text ends no run (streams send `""` deltas).
    """

    __slots__ = ("in_thinking", "index")

    def __init__(self) -> None:
        self.index = -1
        self.in_thinking = False

    def blocks(self, parts: list[Any]) -> list[Any]:
        """The blocks of one `content` list (a whole reply's, or one delta's)."""
        out: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                part = {"type": "text", "text": part}
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "thinking":
                if not self.in_thinking:
                    self.index += 1
                    self.in_thinking = True
                text = _thinking_text(part.get("thinking"))
                if text:
                    out.append({"type": "reasoning", "reasoning": text, "index": self.index})
                continue
            if kind == "text":
                text = part.get("text")
                if not text:
                    continue
                out.append({"type": "text", "text": text})
            else:
                out.append(part)
            self.in_thinking = False
        return out

    def text_seen(self) -> None:
        """A plain-string text delta arrived: the next thinking part opens a new block."""
        self.in_thinking = False


def _thinking_text(pieces: Any) -> str:
    # A list of {"type": "text", "text": ...} (only text pieces are known and
    # kept); a bare string is taken as is.
    if isinstance(pieces, str):
        return pieces
    if not isinstance(pieces, list):
        return ""
    return "".join(
        p["text"]
        for p in pieces
        if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str)
    )


def content_from_parts(parts: list[Any]) -> str | list[Any]:
    """A whole reply's list `content` with thinking parts, as a merged stream of the same
    reply holds it: each run of thinking one reasoning block, text parts in a row one text
    block, a str when only text is left.

    >>> content_from_parts([{"type": "thinking", "thinking": [{"type": "text", "text": "Hm"}]},
    ...                     {"type": "text", "text": "Yes"}])
    [{'type': 'reasoning', 'reasoning': 'Hm'}, {'type': 'text', 'text': 'Yes'}]
    >>> content_from_parts([{"type": "text", "text": "a"}, "b"])
    'ab'
    """
    joined: list[Any] = []
    for block in ThinkingParts().blocks(parts):
        last: Any = joined[-1] if joined else None
        kind = block.get("type") if isinstance(block, dict) else None
        last_kind = last.get("type") if isinstance(last, dict) else None
        if kind == "reasoning" and last_kind == kind and last["index"] == block["index"]:
            last["reasoning"] += block["reasoning"]
        elif kind == "text" and last_kind == kind:
            last["text"] += block["text"]
        else:
            joined.append(block)
    if all(isinstance(b, dict) and b.get("type") == "text" for b in joined):
        return "".join(b["text"] for b in joined)
    for block in joined:
        if isinstance(block, dict) and block.get("type") == "reasoning":
            del block["index"]  # as a non-stream reasoning block has none
    return joined


def choice_metadata(choice: Mapping[str, Any]) -> dict[str, Any]:
    """finish_reason (chatplex's name and the raw one) and logprobs of one choice."""
    meta: dict[str, Any] = {}
    raw_finish = choice.get("finish_reason")
    if raw_finish is not None:  # (on one chunk of a stream: no call on the others)
        raw_finish = shared(raw_finish)
        meta["finish_reason"] = FINISH_REASONS.get(raw_finish, raw_finish)
        meta["raw_finish_reason"] = raw_finish
    logprobs = choice.get("logprobs")
    if logprobs is not None:
        meta["logprobs"] = logprobs
    return meta


def head_metadata(
    obj: Mapping[str, Any], headers: Mapping[str, str] | None, request_id: str | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "provider": PROVIDER,
        "model_provider": PROVIDER,
        "model_name": shared(obj.get("model")),
        "id": obj.get("id"),
        "finish_reason": None,
        "raw_finish_reason": None,
    }
    for key in ("system_fingerprint", "service_tier"):
        if obj.get(key) is not None:
            meta[key] = shared(obj[key])
    request_id = request_id or header_value(headers, "x-request-id")
    if request_id:
        meta["request_id"] = request_id
    return meta


#: Where a reply's legacy function call (a `functions=` request's answer) is kept, as
#: langchain-openai keeps it: `additional_kwargs`, no tool call made of it.
LEGACY_CALL = "function_call"


def legacy_call(call: Any, *, delta: bool = False) -> Any:
    """A reply's `function_call` as langchain-openai gives it back, read through the openai
    SDK's model (its fields first, in its order, then any other key). A stream's `delta`
    piece has both fields, a missing one null, and a null name is "" (its merging joins
    the pieces' strings)."""
    if not isinstance(call, dict):
        return call
    fields = ("arguments", "name")
    own = (
        {"arguments": call.get("arguments"), "name": call.get("name") or ""}
        if delta
        else {k: call[k] for k in fields if k in call}
    )
    return {**own, **{k: v for k, v in call.items() if k not in fields}}


def args_text(arguments: Any) -> str | None:
    # Some compatible servers send arguments as an object rather than a JSON string.
    if arguments is None or isinstance(arguments, str):
        return arguments
    return json.dumps(arguments)


#: The counts of the openai SDK's `CompletionUsage`, in its declared order (its dump's).
_SDK_COUNTS = ("completion_tokens", "prompt_tokens", "total_tokens")
#: The fields of the openai SDK's usage models (`CompletionUsage`'s details), which
#: its dump shows as None where a reply leaves them out.
_SDK_DETAILS = {
    "completion_tokens_details": (
        "accepted_prediction_tokens",
        "audio_tokens",
        "reasoning_tokens",
        "rejected_prediction_tokens",
        "text_tokens",
    ),
    "prompt_tokens_details": (
        "audio_tokens",
        "cache_write_tokens",
        "cached_tokens",
        "image_tokens",
        "text_tokens",
    ),
}


def sdk_usage(raw: dict[str, Any]) -> dict[str, Any]:
    """A usage record as langchain-openai's `token_usage` shows it (the openai SDK's
    `CompletionUsage.model_dump()`): each details record there, None when not sent, and
    each of a sent record's known fields, None when not sent; unknown keys kept. A copy
    (nested dicts too) whose keys are interned (`shared_keys`), made in one pass.

    >>> sdk_usage({"prompt_tokens": 1, "prompt_tokens_details": {"cached_tokens": 0}})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'prompt_tokens': 1, 'completion_tokens_details': None, 'prompt_tokens_details':
     {'audio_tokens': None, 'cache_write_tokens': None, 'cached_tokens': 0,
     'image_tokens': None, 'text_tokens': None}}
    """
    usage = shared_keys(raw)
    # In the dump's order (what print shows): the SDK's fields as it declares them, then
    # the unknown keys as they came.
    out = {k: usage[k] for k in _SDK_COUNTS if k in usage}
    for key, fields in _SDK_DETAILS.items():
        details = usage.get(key)
        out[key] = {**dict.fromkeys(fields), **details} if isinstance(details, dict) else details
    out.update((k, v) for k, v in usage.items() if k not in out)
    return out


def check_counts(raw: dict[str, Any]) -> None:
    """`MalformedReply` for a token count of a usage record that is not one."""
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        value = raw.get(key)
        if type(value) is not int or value < 0:  # (a plain count needs no closer look)
            reply_count(value, key)


def usage_metadata(raw: Any, service_tier: Any = None) -> UsageMetadata | None:
    """LangChain's usage of a Chat Completions usage record, as langchain-openai's
    `_create_usage_metadata` makes it (so usage sums, UsageMetadataCallbackHandler and
    cost come out the same): the details always there, `{}` when none are known, and
    the `priority` / `flex` tiers' tokens counted apart."""
    if not isinstance(raw, dict):
        return None
    input_tokens = reply_count(raw.get("prompt_tokens"), "prompt_tokens") or 0
    output_tokens = reply_count(raw.get("completion_tokens"), "completion_tokens") or 0
    total = reply_count(raw.get("total_tokens"), "total_tokens")
    tier = service_tier if service_tier in ("priority", "flex") else None
    prompt = raw.get("prompt_tokens_details")
    prompt = prompt if isinstance(prompt, dict) else {}
    completion = raw.get("completion_tokens_details")
    completion = completion if isinstance(completion, dict) else {}
    prefix = f"{tier}_" if tier else ""
    input_names, output_names = _detail_names(prefix)
    inputs = _picked(prompt, input_names)
    outputs = _picked(completion, output_names)
    if tier:
        inputs[tier] = input_tokens - (inputs.get(f"{prefix}cache_read") or 0)
        outputs[tier] = output_tokens - (outputs.get(f"{prefix}reasoning") or 0)
    usage: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": total if total is not None else input_tokens + output_tokens,
        "input_token_details": inputs,
        "output_token_details": outputs,
    }
    return cast("UsageMetadata", usage)


@functools.cache
def _detail_names(prefix: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """`usage_metadata`'s input and output details, each (our key, the usage record's)
    in order; `prefix`: a tier's (`"flex_"`), or "". Made once: no names formatted nor
    keyword dicts built per reply."""
    return (
        (
            ("audio", "audio_tokens"),
            (f"{prefix}cache_read", "cached_tokens"),
            (f"{prefix}cache_creation", "cache_write_tokens"),
        ),
        (("audio", "audio_tokens"), (f"{prefix}reasoning", "reasoning_tokens")),
    )


def _picked(raw: dict[str, Any], names: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The counts of `raw` named in `names` (ours, its), under our names; None left out."""
    out = {}
    for ours, theirs in names:
        value = raw.get(theirs)
        if value is not None:
            out[ours] = value
    return out


def error_fields(data: Any) -> tuple[str | None, str | None, str | int | None]:
    """(message, type, code) from `{"error": {...}}`, `{"error": "..."}` or `{"message"}`."""
    if not isinstance(data, dict):
        return None, None, None
    error = error_member(data)
    if isinstance(error, str):
        return error, None, None
    if error is None:
        error = data  # {"message": ...} at the top level
    message, error_type, code = error.get("message"), error.get("type"), error.get("code")
    return (
        message if isinstance(message, str) else None,
        None if error_type is None else str(error_type),
        code if code is None or isinstance(code, (int, str)) else str(code),
    )


def payload_error(
    data: dict[str, Any], cls: type[APIError], request_id: str | None = None
) -> APIError:
    """An error payload that arrived after HTTP 200 (mid-stream, or a 200 error body)."""
    message, error_type, code = error_fields(data)
    error = data.get("error")
    status = error.get("status_code") if isinstance(error, dict) else None
    haystack = f"{error_type or ''} {code or ''}".lower()
    retryable = any(m in haystack for m in _RETRYABLE_MARKERS) or any(
        isinstance(n, int) and (n in RETRYABLE_STATUSES or n >= 500) for n in (code, status)
    )
    return cls(
        message or "the server reported an error",
        provider=PROVIDER,
        error_type=error_type,
        code=code,
        request_id=request_id,
        body=data,
        retryable=retryable,
    )
