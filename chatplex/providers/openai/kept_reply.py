"""A call's reply, kept where langchain-openai's error for it carries the HTTP response.

langchain-openai's `_generate` sets `.response` (the httpx response of the call) on any
error its request block raises once the reply is in: the pydantic `ValidationError` of
the openai SDK's `parse()` reading a reply to a class's `response_format` is one. The
drop-in parses that reply after the call (`chatplex.langchain.parsed_key`), so the
adapter of such a call is a copy that keeps its reply (`keeping`), read back there
(`PartnerTraits.kept_reply`).

>>> class Wire:
...     kept_reply = None
>>> adapter = keeping(Wire(), {"response_format": {"type": "json_object"}})
>>> keep(adapter, "https://api.example/v1/chat/completions", b"{}", {"x-request-id": "r"})
>>> kept(adapter)
('https://api.example/v1/chat/completions', b'{}', {'x-request-id': 'r'})
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys
from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from ...secret import Secret
from ...secret.urls import shown_url

__all__ = ["KeptReply", "cut_reply", "filtered_reply", "keep", "keeping", "kept"]

#: A reply as kept: the URL it came from (credentials masked), its body, its headers.
KeptReply = tuple[str, bytes, dict[str, str]]

A = TypeVar("A")


def keeping(adapter: A, settings: Mapping[str, Any]) -> A:
    """`adapter`, or a copy keeping its reply where the call asks for a
    `response_format` (whose parse may fail)."""
    if settings.get("response_format") is None:
        return adapter
    clone = copy.copy(adapter)
    clone.kept_reply = []  # type: ignore[attr-defined]
    return clone


def keep(adapter: Any, url: str | Secret, body: bytes, headers: Mapping[str, str]) -> None:
    """The reply `adapter` read, kept where it is a copy that keeps one (the last
    attempt's)."""
    kept_list = adapter.kept_reply
    if kept_list is not None:
        kept_list[:] = [(shown_url(url), body, dict(headers))]


def kept(adapter: Any) -> KeptReply | None:
    """The reply `adapter` kept, if any."""
    kept_list = adapter.kept_reply  # (both OpenAI adapters declare it, None by default)
    return kept_list[-1] if kept_list else None


#: The words of the openai SDK's `LengthFinishReasonError`, before the usage.
_CUT_WORDS = "Could not parse response content as the length limit was reached"
#: The words of the openai SDK's `ContentFilterFinishReasonError`.
_FILTERED_WORDS = (
    "Could not parse response content as the request was rejected by the content filter"
)


def cut_reply(body: bytes | None, reply: Any = None) -> tuple[str, dict[str, Any]]:
    """The words and `completion` of the openai SDK's `LengthFinishReasonError` for a
    reply cut at the output-token limit (`_completion`), its usage in the words."""
    completion = _completion(body, reply, "length")
    usage = getattr(completion, "usage", None)
    return (f"{_CUT_WORDS} - {usage}" if usage else _CUT_WORDS), {"completion": completion}


def filtered_reply(body: bytes | None, reply: Any = None) -> tuple[str, dict[str, Any]]:
    """The words and `completion` of the openai SDK's `ContentFilterFinishReasonError`
    for a reply a content filter stopped (`_completion`).

    >>> words, fields = filtered_reply(None)
    >>> words.endswith("rejected by the content filter")
    True
    """
    return _FILTERED_WORDS, {"completion": _completion(body, reply, "content_filter")}


def _completion(body: bytes | None, reply: Any, reason: str) -> Any:
    """The completion the openai SDK's error carries, where the SDK is imported (a script
    catching its error has it), read without validation as the SDK reads a reply: the
    kept reply's body as its `ChatCompletion` (parse()'s); else a stream's, as its
    helper's snapshot (`_snapshot`). None where the SDK is not imported."""
    sdk = sys.modules.get("openai")
    if sdk is None:
        return None
    if body is None:
        return _snapshot(sdk, reply, reason)
    data: Any = None
    with contextlib.suppress(ValueError):
        data = json.loads(body)
    if not isinstance(data, dict):
        return None
    return sdk.types.chat.ChatCompletion.construct(**data)


def _snapshot(sdk: Any, reply: Any, reason: str) -> Any:
    """The openai SDK's stream helper's completion where it raises: a
    `ParsedChatCompletion` of the stream read so far, `reply` (its chunks merged, a
    chatplex or LangChain message): its id, model and fingerprint, its one choice's
    text (and refusal, where one streamed) and finish reason, and the raw usage its
    `response_metadata` holds as `token_usage` (the helper's: the last chunk read's).
    Without `reply`, one choice ended for `reason`. (The helper's `created` is not kept
    on a stream's chunks: 0.)"""
    metadata = getattr(reply, "response_metadata", None) or {}
    kwargs = getattr(reply, "additional_kwargs", None) or {}
    content = getattr(reply, "content", None)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": content if isinstance(content, str) else None,
    }
    if "refusal" in kwargs:
        message["refusal"] = kwargs["refusal"]
    finish = metadata.get("raw_finish_reason") or metadata.get("finish_reason") or reason
    usage = metadata.get("token_usage")
    data: dict[str, Any] = {
        "id": getattr(reply, "id", None) or "",
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "created": 0,
        "model": metadata.get("model_name") or "",
        "object": "chat.completion",
        "system_fingerprint": metadata.get("system_fingerprint"),
        "usage": usage if isinstance(usage, Mapping) else None,
    }
    if metadata.get("service_tier") is not None:
        data["service_tier"] = metadata["service_tier"]
    return sdk.types.chat.ParsedChatCompletion[object].construct(**data)
