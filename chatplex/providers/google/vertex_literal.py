"""langchain-google-vertexai's `perform_literal_eval_on_string_raw_content=True`
(`ChatVertexAI`'s setting, off by default): a message's text read as a Python literal
before it is written, as its `_parse_chat_history_gemini` reads it (pure), so a
conversation goes as it sends it. An agent's `ChatPromptTemplate` formats content blocks
into a string; read back, they go as real parts (an image as `inlineData`).

- System, user and assistant messages whose content is a str are read with
  `ast.literal_eval` (never `eval`); tool results are not (nor a `ChatMessage`, which it
  refuses);
- text that is no literal (its SyntaxError or ValueError) stays the text;
- an int, float (a bool too) or str is sent as its text: `"1_000"` as "1000", `"'hi'"`
  as "hi";
- a list is sent as content blocks: its dicts as given (a `tool_use` block as its
  text, if any, a `function_call_signature` left out), every other item as its text
  (`str()`: a nested list or a tuple as written by Python), each written as a block
  given in a list is;
- anything else (a dict, a tuple such as `"1, 2"`, a set, None, bytes, a complex) is its
  TypeError, `Unsupported type: <class '...'>`, before any request.

`ast.literal_eval` parses the whole text: on a huge one it costs what it costs the
partner.

>>> literal_content("[{'type': 'text', 'text': 'Hi'}, 42]")
[{'type': 'text', 'text': 'Hi'}, {'type': 'text', 'text': '42'}]
>>> literal_content("Hello, world"), literal_content("0x10")
('Hello, world', '16')
>>> literal_content("{'a': 1}")
Traceback (most recent call last):
TypeError: Unsupported type: <class 'dict'>
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from typing import Any

from ...messages import CHAT_ROLE_KEY
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage

__all__ = ["literal_content", "literal_messages"]

#: The messages whose text it reads (`_convert_to_parts`' callers); a ToolMessage is
#: none of them.
_READ = (SystemMessage, HumanMessage, AIMessage)


def literal_messages(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """`messages`, each system, user and assistant message's str content read as a
    literal (`literal_content`); the others, and a text that is no literal, as given."""
    return [_read(message) for message in messages]


def _read(message: BaseMessage) -> BaseMessage:
    content = message.content
    # (a ChatMessage of a known role: it raises on it, reading nothing)
    if not isinstance(message, _READ) or CHAT_ROLE_KEY in message.additional_kwargs:
        return message
    if not isinstance(content, str):
        return message
    read = literal_content(content)
    return message if read == content else message.model_copy(update={"content": read})


def literal_content(text: str) -> str | list[dict[str, Any]]:
    """`text` as langchain-google-vertexai reads it for its parts: the literal's text,
    or its list as blocks (a non-dict item as a text block of its `str()`); text that is
    no literal as given. Another literal is its TypeError, in its words."""
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError):
        return text
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list):
        return [block for item in value if (block := _block(item)) is not None]
    raise TypeError(f"Unsupported type: {type(value)}")


def _block(item: Any) -> dict[str, Any] | None:
    """A list item as its converter reads it: a dict as given, but for the blocks it
    reads here alone (a list given as content is LangChain's, whose calls chatplex keeps
    apart): a `tool_use` block as its text, if any; a `function_call_signature` dropped."""
    if not isinstance(item, dict):
        return {"type": "text", "text": str(item)}
    kind = item.get("type")
    if kind == "tool_use":
        return {"type": "text", "text": item["text"]} if item.get("text") else None
    return None if kind == "function_call_signature" else item
