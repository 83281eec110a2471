"""`content_blocks` of replies whose list content stays as the provider sent it
(`ReplyStyle.content_parts`: Mistral's), as langchain-mistralai's translator reads them.

langchain-mistralai registers its translator for its `model_provider` when it is
imported; `register_parts_blocks` registers this one for each profile whose style keeps
content parts, called when `adapter.py` or `dropin.py` loads (importing `ChatMistralAI`,
as importing langchain-mistralai's). What it reads:

- a str item, or a text part, is a `text` block (a part's `index` kept); a text part
  carrying a `reference` (a cited answer, see `style._with_references`) gets one
  `citation` annotation: its `cited_text`, the reference's other fields as `extras`;
- a `thinking` part gives one `reasoning` block per text piece inside it (the part's
  `index` on each);
- any other part is `non_standard`; what is neither str nor dict is left out;
- the tool calls follow, one `tool_call` block each (a lone empty text before them is
  dropped). A stream piece is read the same way.

>>> from chatplex.messages import AIMessage
>>> reply = AIMessage([{"type": "thinking", "thinking": [{"type": "text", "text": "Add."}]},
...                    {"type": "text", "text": "4"}])
>>> parts_blocks(reply)
[{'type': 'reasoning', 'reasoning': 'Add.'}, {'type': 'text', 'text': '4'}]
"""

from __future__ import annotations

from typing import Any

from ...messages import AIMessage
from ...messages import register_blocks
from .spec import PROFILES

__all__ = ["parts_blocks", "register_parts_blocks"]

_Block = dict[str, Any]


def parts_blocks(message: AIMessage) -> list[_Block]:
    """The standard content blocks of `message` (a reply or a stream piece) whose
    content holds the provider's own parts; the message is unchanged."""
    content = message.content
    if isinstance(content, str):
        blocks: list[_Block] = [{"type": "text", "text": content}]
    else:
        blocks = []
        for part in content:
            if isinstance(part, str):
                blocks.append({"type": "text", "text": part})
            elif isinstance(part, dict):
                blocks.extend(_part_blocks(part))
    if message.tool_calls and len(blocks) == 1 and _is_empty_text(blocks[0]):
        blocks = []  # the empty content beside a tool call is no block
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_call", "name": call["name"], "args": call["args"], "id": call.get("id")}
        )
    return blocks


def register_parts_blocks() -> None:
    """Read the replies of each profile whose style keeps content parts with
    `parts_blocks` (registering again replaces: idempotent)."""
    for profile in PROFILES.values():
        if profile.style is not None and profile.style.content_parts:
            register_blocks(profile.style.model_provider, parts_blocks)


def _is_empty_text(block: _Block) -> bool:
    return block.get("type") == "text" and block.get("text") == ""


def _part_blocks(part: _Block) -> list[_Block]:
    kind = part.get("type")
    if kind == "text" and isinstance(part.get("text"), str):
        text: _Block = {"type": "text", "text": part["text"]}
        if "index" in part:
            text["index"] = part["index"]
        if "reference" in part:
            text["annotations"] = [_citation(part["reference"])]
        return [text]
    if kind == "thinking" and isinstance(part.get("thinking"), list):
        out: list[_Block] = []
        for piece in part["thinking"]:
            if isinstance(piece, dict) and piece.get("type") == "text":
                reasoning: _Block = {"type": "reasoning", "reasoning": piece.get("text", "")}
                if "index" in part:
                    reasoning["index"] = part["index"]
                out.append(reasoning)
        return out
    return [{"type": "non_standard", "value": dict(part)}]


def _citation(reference: Any) -> _Block:
    """A `reference`'s fields as a citation: `cited_text` when set, the rest as extras
    (a reference that is not a dict gives a bare citation)."""
    citation: _Block = {"type": "citation"}
    if isinstance(reference, dict):
        if reference.get("cited_text"):
            citation["cited_text"] = reference["cited_text"]
        extras = {k: v for k, v in reference.items() if k != "cited_text"}
        if extras:
            citation["extras"] = extras
    return citation
