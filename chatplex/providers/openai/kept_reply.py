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


def cut_reply(body: bytes | None, usage: Any = None) -> tuple[str, dict[str, Any]]:
    """The words and `completion` of the openai SDK's `LengthFinishReasonError` for a
    reply cut at the output-token limit (`_completion`), its usage in the words."""
    completion = _completion(body, usage, "length")
    usage = getattr(completion, "usage", None)
    return (f"{_CUT_WORDS} - {usage}" if usage else _CUT_WORDS), {"completion": completion}


def filtered_reply(body: bytes | None, usage: Any = None) -> tuple[str, dict[str, Any]]:
    """The words and `completion` of the openai SDK's `ContentFilterFinishReasonError`
    for a reply a content filter stopped (`_completion`).

    >>> words, fields = filtered_reply(None)
    >>> words.endswith("rejected by the content filter")
    True
    """
    return _FILTERED_WORDS, {"completion": _completion(body, usage, "content_filter")}


def _completion(body: bytes | None, usage: Any, reason: str) -> Any:
    """The openai SDK's `ChatCompletion` its error carries, where the SDK is imported (a
    script catching its error has it), read without validation as the SDK reads a reply:
    the kept reply's body; else (a stream's) its one choice ended for `reason`, with the
    raw `usage` where the stream had one. None where the SDK is not imported."""
    sdk = sys.modules.get("openai")
    if sdk is None:
        return None
    data: Any = None
    if body is not None:
        with contextlib.suppress(ValueError):
            data = json.loads(body)
    else:
        message = {"role": "assistant", "content": None}
        choice = {"index": 0, "finish_reason": reason, "message": message}
        usage = usage if isinstance(usage, Mapping) else None
        data = {"id": "", "choices": [choice], "created": 0, "model": "", "usage": usage}
        data["object"] = "chat.completion"
    if not isinstance(data, dict):
        return None
    return sdk.types.chat.ChatCompletion.construct(**data)
