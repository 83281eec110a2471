"""An invalid tool call's `error` worded as the partner package words it.

chatplex words a call whose arguments are not JSON alike on every wire
(`messages.NOT_JSON` and the decoder's message); under a LangChain name the reply's
`error` is the partner's (its partner record's `invalid_arguments_words`):
langchain_core's `parse_tool_call` wording, which the Chat Completions packages read a
reply with, or the decoder's message alone (langchain-openai's Responses path). Streams
need none of this: LangChain merges their chunks and words the error itself.
"""

from __future__ import annotations

from typing import Any

from langchain_core.exceptions import OutputParserException
from langchain_core.outputs import ChatResult

from ..messages import NOT_JSON

__all__ = ["partner_words"]


def partner_words(result: ChatResult, words: str | None) -> ChatResult:
    """`result` with each invalid call's not-JSON `error` worded as `words` says
    ("parser", "decoder"; None: left as chatplex words it)."""
    if words is None:
        return result
    for generation in result.generations:
        message: Any = generation.message
        for call in getattr(message, "invalid_tool_calls", None) or ():
            error = call.get("error")
            if isinstance(error, str) and error.startswith(NOT_JSON):
                call["error"] = _worded(words, call, error.removeprefix(NOT_JSON))
    return result


def _worded(words: str, call: Any, why: str) -> str:
    if words == "decoder":
        return why
    # langchain_core's parse_tool_call raises this, and the packages keep its str().
    said = (
        f"Function {call.get('name')} arguments:\n\n{call.get('args')}\n\nare not valid "
        f"JSON. Received JSONDecodeError {why}"
    )
    return str(OutputParserException(said))
