"""ChatOpenAI's drop-in reading a compatible server's reasoning (its partner record's
`partner_reading`): the `reasoning_content` / `reasoning` text a server such as vLLM
or OpenRouter sends beside the answer, which langchain-openai drops, kept in
`additional_kwargs["reasoning_content"]` with `content` as langchain-openai reads it (the
text as a str), as ChatDeepSeek keeps it. chatplex's own family reads it as reasoning
blocks (`response.py`); a script ported from LangChain keeps a str `content`.

>>> from chatplex.messages import AIMessage
>>> reply = AIMessage([{"type": "reasoning", "reasoning": "Count."}, {"type": "text", "text": "2"}])
>>> kept = reasoning_as_kwarg(reply, whole=True)
>>> kept.content, kept.additional_kwargs
('2', {'reasoning_content': 'Count.', 'refusal': None})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import TypeVar

from ...adapters.headers import header_value
from ...adapters.sse_event import SSEEvent
from ...messages import AIMessage
from ...messages import AIMessageChunk
from .adapter import OpenAIAdapter
from .stream import OpenAIStreamParser

__all__ = ["ReasoningAsKwargAdapter", "reasoning_as_kwarg"]

_Message = TypeVar("_Message", bound=AIMessage)


def reasoning_as_kwarg(message: _Message, *, whole: bool) -> _Message:
    """`message` with its reasoning blocks' text in `additional_kwargs`, its other blocks
    as its content (text blocks alone: their text); `whole`, a whole reply's (its
    `refusal` None where its content is text, as langchain-openai's reader sets it)."""
    content = message.content
    if not isinstance(content, list) or not any(_is_reasoning(b) for b in content):
        return message
    reasoning = "".join(str(b.get("reasoning") or "") for b in content if _is_reasoning(b))
    rest = [b for b in content if not _is_reasoning(b)]
    texts = all(isinstance(b, dict) and b.get("type") == "text" for b in rest)
    kept: Any = "".join(str(b.get("text") or "") for b in rest) if texts else rest
    additional = {**message.additional_kwargs, "reasoning_content": reasoning}
    if whole and texts:
        additional.setdefault("refusal", None)
    return message.model_copy(update={"content": kept, "additional_kwargs": additional})


def _is_reasoning(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "reasoning"


class _ReasoningAsKwargParser(OpenAIStreamParser):
    """OpenAI's stream parser, each chunk's reasoning in its `additional_kwargs`."""

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        chunk = super().feed(event)
        return None if chunk is None else reasoning_as_kwarg(chunk, whole=False)


class ReasoningAsKwargAdapter(OpenAIAdapter):
    """The OpenAI adapter as ChatOpenAI's drop-in reads replies (a copy of the model's,
    made by `partner.py`): reasoning in `additional_kwargs["reasoning_content"]`."""

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        return reasoning_as_kwarg(super().parse_response(body, headers), whole=True)

    def stream_parser(self, headers: Mapping[str, str]) -> OpenAIStreamParser:
        return _ReasoningAsKwargParser(
            header_value(headers, "x-request-id"),
            raw_keys=False,
            sdk_events=self.reads_sdk_events,
            headers=self.kept_headers(headers),
        )
