"""An Anthropic model's history on InvokeModel, its assistant turns' thinking as
langchain-aws's `ChatBedrock` sends it back (Anthropic refuses an assistant's tool call
without the thinking before it when thinking is on):

- a Bedrock reply read as LangChain's v1 blocks (`output_version="v1"`): each signed
  `reasoning` block as the `thinking` block it was (its `_convert_from_v1_to_anthropic`);
- a reply whose content is a string and whose `additional_kwargs["thinking"]` holds
  `text` and `signature` (the shape older langchain-aws versions kept): that thinking
  block before the text.

A user turn of no blocks goes as one "." text block (`with_placeholder`), as langchain-aws
sends it (Bedrock refuses an empty content list). Anything else goes to the Anthropic
wire's translation as it is.

>>> from chatplex.messages import AIMessage
>>> said = AIMessage("Three.", additional_kwargs={"thinking": {"text": "Add.", "signature": "s"}})
>>> with_thinking(said).content
[{'type': 'thinking', 'thinking': 'Add.', 'signature': 's'}, {'type': 'text', 'text': 'Three.'}]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import HumanMessage
from .conversation import EMPTY_TEXT

__all__ = ["with_placeholder", "with_thinking"]

#: The `model_provider` a Bedrock reply names (langchain-aws converts its v1 blocks only).
_BEDROCK = "bedrock"


def with_placeholder(message: BaseMessage) -> BaseMessage:
    """`message`, or a user turn of no blocks as langchain-aws sends it: one "." text
    block."""
    if isinstance(message, HumanMessage) and message.content == []:
        return message.model_copy(update={"content": [{"type": "text", "text": EMPTY_TEXT}]})
    return message


def with_thinking(message: BaseMessage) -> BaseMessage:
    """`message`, or an assistant turn's copy with its thinking written as Anthropic's
    blocks, where langchain-aws sends them so."""
    if not isinstance(message, AIMessage):
        return message
    if isinstance(message.content, str):
        return _kept_thinking(message)
    if _bedrock_v1_reply(message):
        content = [_thinking(b) if _signed_reasoning(b) else b for b in message.content]
        return message.model_copy(update={"content": content})
    return message


def _bedrock_v1_reply(message: AIMessage) -> bool:
    metadata = message.response_metadata
    return metadata.get("output_version") == "v1" and metadata.get("model_provider") == _BEDROCK


def _signed_reasoning(block: Any) -> bool:
    """A v1 reasoning block with Anthropic's signature (one without it has no thinking
    block Anthropic takes back)."""
    if not isinstance(block, Mapping) or block.get("type") != "reasoning":
        return False
    extras = block.get("extras")
    return isinstance(extras, Mapping) and bool(extras.get("signature"))


def _thinking(block: Mapping[str, Any]) -> dict[str, Any]:
    """A signed v1 reasoning block as the thinking block it was, keys in langchain-aws's
    order."""
    thinking: dict[str, Any] = {}
    if "reasoning" in block:
        thinking["thinking"] = block["reasoning"]
    thinking["type"] = "thinking"
    thinking["signature"] = block["extras"]["signature"]
    return thinking


def _kept_thinking(message: AIMessage) -> AIMessage:
    """A string reply with its `additional_kwargs["thinking"]` (text and signature) as
    a thinking block before its text; else as it is."""
    said = message.additional_kwargs.get("thinking")
    if not (isinstance(said, Mapping) and "text" in said and "signature" in said):
        return message
    blocks: list[dict[str, Any]] = [
        {"type": "thinking", "thinking": said["text"], "signature": said["signature"]}
    ]
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    return message.model_copy(update={"content": blocks})
