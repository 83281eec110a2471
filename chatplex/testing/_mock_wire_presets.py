"""Chat Completions as two OpenAI-compatible providers stream it (private): Groq's and
Mistral's, which send a stream's usage unasked where OpenAI sends it only when
`stream_options` asks (`_mock_wire_openai.py`). Their partner packages never ask, so a
client faithful to them sees usage only from a server that behaves like them.

Mounted under a prefix each, as Azure's v1 API is under `/azure` (their own paths, Groq's
`/openai/v1/...` and Mistral's `/v1/...`, are the generic wire's): a Groq client given
`url + "/groq"` posts to `/groq/openai/v1/chat/completions`, a Mistral client given
`url + "/mistral/v1"` to `/mistral/v1/chat/completions`. Everything else is the generic
wire's: the request view, the JSON reply, errors, rate-limit headers.

- Groq: the chunk with the finish reason carries `x_groq: {"id", "usage"}` (its usage
  with Groq's timings), as api.groq.com streams it and langchain-groq reads it.
- Mistral: the chunk with the finish reason carries `usage`, as api.mistral.ai streams it.

A request that asks with `stream_options` gets OpenAI's separate usage chunk instead.

>>> GROQ.match("/groq/openai/v1/chat/completions"), MISTRAL.match("/v1/chat/completions")
(True, False)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_wire import MockWire
from ._mock_wire_openai import WIRE as CHAT_COMPLETIONS
from ._mock_wire_openai import chat_completions_usage
from ._mock_wire_openai import is_chat_completions
from ._mock_wire_openai import openai_events

__all__ = ["GROQ", "GROQ_PREFIX", "MISTRAL", "MISTRAL_PREFIX"]

GROQ_PREFIX = "/groq"
MISTRAL_PREFIX = "/mistral"


def _groq_tail(reply: Reply, rid: str) -> bytes:
    timings = {"queue_time": 0.0, "prompt_time": 0.001, "completion_time": 0.002}
    usage = {**chat_completions_usage(reply), **timings, "total_time": 0.003}
    return b',"x_groq":' + dumps({"id": "req_" + rid, "usage": usage})


def _mistral_tail(reply: Reply, rid: str) -> bytes:
    return b',"usage":' + dumps(chat_completions_usage(reply))


def _events_with(
    tail: Callable[[Reply, str], bytes],
) -> Callable[[Reply, str, dict[str, Any]], list[Event]]:
    """The generic stream, its finish-reason chunk carrying `tail`'s fields unless the
    request asked for OpenAI's usage chunk."""

    def render(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
        options = view.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage") is True:
            return openai_events(reply, rid, int(time.time()), True)
        events = openai_events(reply, rid, int(time.time()), False)
        # ..., the finish-reason chunk, `data: [DONE]`: the fields go in before its `}`.
        finish, has_content = events[-2]
        body = finish.rstrip()
        events[-2] = (body[:-1] + tail(reply, rid) + b"}\n\n", has_content)
        return events

    return render


def _preset(name: str, prefix: str, tail: Callable[[Reply, str], bytes]) -> MockWire:
    """Chat Completions under `prefix`, its stream ending with `tail`: a specific wire
    (only its own prefix), unlike the general one it copies."""

    def under(path: str) -> bool:
        return path.startswith(prefix + "/") and is_chat_completions(path)

    return replace(
        CHAT_COMPLETIONS, name=name, match=under, render_events=_events_with(tail), general=False
    )


GROQ: MockWire = _preset("groq", GROQ_PREFIX, _groq_tail)
MISTRAL: MockWire = _preset("mistralai", MISTRAL_PREFIX, _mistral_tail)
