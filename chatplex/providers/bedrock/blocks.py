"""`content_blocks` of Converse replies (`model_provider` "bedrock_converse"): their
content is langchain-aws's, read as LangChain's Converse translator reads it.

langchain-core ships that translator itself, so it is always there: the provider's spec
names `converse_blocks` (`ProviderSpec.blocks`), which `messages` loads on the first
Converse reply it reads, made here or built by hand. What it reads:

- a str, `text` and `tool_use` blocks as Anthropic's (the blocks langchain-aws keeps);
- a `reasoning_content` block is one `reasoning` block: its text, its `signature` /
  `redacted_content` as extras (with the block's other keys);
- the standard `server_tool_call` / `server_tool_result` blocks chatplex gives Bedrock's
  own tools stay as they are; any other block is `non_standard`;
- a stream's metadata pieces (no content, no tool calls, no extra fields) have none.

>>> from chatplex.messages import AIMessage
>>> converse_blocks(AIMessage([{"type": "reasoning_content",
...                             "reasoning_content": {"text": "Add.", "signature": "s"}}]))
[{'type': 'reasoning', 'reasoning': 'Add.', 'extras': {'signature': 's'}}]
"""

from __future__ import annotations

from typing import Any

from ...messages import AIMessage
from ...messages import PieceFields
from ...messages import anthropic_style_blocks
from ...messages import keep_index_and_extras

__all__ = ["converse_blocks"]

_Block = dict[str, Any]


def converse_blocks(message: AIMessage) -> list[_Block]:
    """The standard content blocks of a Converse reply or stream piece (a new list)."""
    if message.content == "" and not message.additional_kwargs and not message.tool_calls:
        return []  # a stream's metadata pieces
    return anthropic_style_blocks(message, _converse_block)


def _converse_block(block: _Block, chunk: PieceFields | None) -> _Block:
    kind = block.get("type")
    if kind == "reasoning_content":
        return _reasoning(block)
    if kind in ("server_tool_call", "server_tool_result"):
        return dict(block)
    value = dict(block)
    index = value.pop("index", None)
    kept: _Block = {"type": "non_standard", "value": value}
    if index is not None:
        kept["index"] = index
    return kept


def _reasoning(block: _Block) -> _Block:
    said = block.get("reasoning_content")
    said = said if isinstance(said, dict) else {}
    out: _Block = {"type": "reasoning"}
    if said.get("text"):
        out["reasoning"] = said["text"]
    extras = {k: said[k] for k in ("signature", "redacted_content") if said.get(k)}
    if extras:
        out["extras"] = extras
    keep_index_and_extras(out, block, {"type", "reasoning_content", "index", "extras"})
    return out
