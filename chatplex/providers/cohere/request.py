"""Cohere v2 request side: messages + settings → the `/v2/chat` body, as langchain-cohere
shapes it (its `get_cohere_chat_request_v2`).

- A `SystemMessage` is `{"role": "system", "content": text}`, its text blocks (when
  given as blocks) as Cohere's `text` parts, as langchain-cohere passes them; `preamble`
  (a setting of ChatCohere, or given per call) is a system message put first.
- A `HumanMessage` is `{"role": "user", "content": ...}`: a str as it is, a list of
  blocks as Cohere's `text` / `image_url` parts (LangChain's standard `image` block,
  by URL or base64 data, as an `image_url` part too, as the other wires send it).
- An `AIMessage` with tool calls is `{"role": "assistant", "tool_plan": <its text, or
  LangChain's stock sentence>, "tool_calls": [{"id", "type": "function", "function":
  {"name", "arguments": <JSON text>}}]}`; without, `{"role": "assistant", "content"}`,
  text blocks as `text` parts (as for a system message), thinking blocks as they are.
- A `ToolMessage` is `{"role": "tool", "tool_call_id", "content": [documents]}`: its
  content as Cohere documents (a str → `{"output": str}`; a dict as it is; a list, each
  item so), as langchain-cohere's `convert_to_documents` makes them.
- Settings: `temperature`, `max_tokens`, `top_p` → `p`, `stop` → `stop_sequences`,
  tools (OpenAI's function shape, which Cohere's v2 takes), `tool_choice` (`"REQUIRED"`,
  `"NONE"`; a named tool is the only tool offered, and required). Every other v2 field
  (`documents`, `citation_options`, `response_format`, `safety_mode`, `seed`, `k`,
  `frequency_penalty`, `presence_penalty`, `logprobs`, `strict_tools`, `thinking`,
  `priority`) goes through `extra_body` unchanged.

>>> from chatplex.messages import HumanMessage, SystemMessage
>>> wire_body([SystemMessage("Be brief."), HumanMessage("Hi")],
...           CallSettings(model="command-a-03-2025", top_p=0.9, stop=("END",)), stream=False)
... # doctest: +NORMALIZE_WHITESPACE
{'model': 'command-a-03-2025', 'messages': [{'role': 'system', 'content': 'Be brief.'},
 {'role': 'user', 'content': 'Hi'}], 'stop_sequences': ['END'], 'p': 0.9, 'stream': False}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.request_types import CallSettings
from ...adapters.request_types import ToolSpec
from ...adapters.validate import image_block_url
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage

__all__ = ["API_PARAMETERS", "TOOL_PLAN", "wire_body"]

#: What langchain-cohere sends as `tool_plan` for a tool-calling turn without text.
TOOL_PLAN = "I will assist you using the tools provided."

#: The v2 Chat body fields a caller may set (besides model, messages and stream), and
#: ChatCohere's `preamble`.
API_PARAMETERS = frozenset(
    {
        "tools",
        "strict_tools",
        "documents",
        "citation_options",
        "response_format",
        "safety_mode",
        "max_tokens",
        "stop_sequences",
        "temperature",
        "seed",
        "frequency_penalty",
        "presence_penalty",
        "k",
        "p",
        "logprobs",
        "tool_choice",
        "thinking",
        "priority",
        "preamble",
    }
)

#: chatplex's tool_choice words → Cohere's.
_CHOICES = {"required": "REQUIRED", "any": "REQUIRED", "none": "NONE"}


def wire_body(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    *,
    stream: bool,
    empty_tool_list: bool = False,
) -> dict[str, Any]:
    """The `/v2/chat` body, in the order the cohere SDK writes its fields; a bound empty
    tool list as `tools: []` where `empty_tool_list` (`CohereAdapter.empty_tool_list_sent`)."""
    extra = dict(settings.extra_body)
    preamble = extra.pop("preamble", None)
    if preamble:
        messages = [SystemMessage(str(preamble)), *messages]
    last = messages[-1] if messages else None
    if not isinstance(last, (HumanMessage, ToolMessage)):
        # langchain-cohere's rule, before any request: Cohere answers a user or tool turn.
        raise ValueError("the last message must be a HumanMessage or a ToolMessage (Cohere)")
    body: dict[str, Any] = {"model": settings.model, "messages": [_message(m) for m in messages]}
    listed = settings.tool_list_bound and empty_tool_list
    tools, choice = _tools(settings.tools, settings.tool_choice)
    if tools or listed:
        body["tools"] = tools
    if _strict(settings.tools, tools):
        body["strict_tools"] = True
    if settings.max_tokens is not None:
        body["max_tokens"] = settings.max_tokens
    if settings.stop:
        body["stop_sequences"] = list(settings.stop)
    if settings.temperature is not None:
        body["temperature"] = settings.temperature
    if settings.top_p is not None:
        body["p"] = settings.top_p
    if choice is not None:
        body["tool_choice"] = choice
    # The caller's own fields win, as extra_body does on every wire; one given as None is
    # not sent (langchain-cohere leaves it out).
    body.update({name: value for name, value in extra.items() if value is not None})
    body["stream"] = stream
    return body


def _tools(
    tools: tuple[ToolSpec, ...], choice: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The tools and Cohere's choice word; with no tool, the choice still sent (beside a
    bound `tools: []`, or alone: a call's), as langchain-cohere's SDK sends it (the
    API's answer is its own). "auto" is Cohere's default, which it has no word for;
    Cohere's own words (`NONE`, `REQUIRED`) are read as chatplex's, unless a tool is so
    named."""
    if choice is not None and choice.lower() in _CHOICES and choice not in {t.name for t in tools}:
        choice = choice.lower()
    if not tools:
        return [], _CHOICES.get(choice or "")
    if choice in (None, "auto"):
        return [_tool(t) for t in tools], None
    if choice in _CHOICES:
        return [_tool(t) for t in tools], _CHOICES[choice]
    # A named tool: Cohere cannot name one, so it is offered alone and required.
    named = [t for t in tools if t.name == choice]
    if not named:
        raise ValueError(f"tool_choice names {choice!r}, which is not among the tools")
    return [_tool(named[0])], "REQUIRED"


def _strict(tools: tuple[ToolSpec, ...], sent: list[dict[str, Any]]) -> bool:
    """Whether Cohere's `strict_tools` is asked: every tool sent strict
    (`bind_tools(strict=True)`). It is one switch for every tool: a strict tool sent
    beside one that is not is refused, not sent loose."""
    names = {tool["function"]["name"] for tool in sent}
    marks = {tool.strict is True for tool in tools if tool.name in names}
    if len(marks) > 1:
        raise ValueError(
            "Cohere's strict_tools holds every tool to its schema, or none: some tools "
            "are strict and some are not; bind them alike (bind_tools(..., strict=True))"
        )
    return marks == {True}


def _tool(tool: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            # Cohere requires a description: the name when none (langchain-cohere's rule).
            "description": tool.description or tool.name,
            "parameters": tool.parameters,
        },
    }


def _message(message: BaseMessage) -> dict[str, Any]:
    if isinstance(message, AIMessage):
        return _assistant(message)
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id,
            "content": [{"type": "document", "document": {"data": d}} for d in _documents(message)],
        }
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": _text_parts(message.content)}
    return {"role": "user", "content": _user_content(message.content)}


def _assistant(message: AIMessage) -> dict[str, Any]:
    if message.tool_calls:
        return {
            "role": "assistant",
            "tool_plan": _text(message.content) or TOOL_PLAN,
            "tool_calls": [
                {
                    "id": call.get("id"),
                    "type": "function",
                    "function": {"name": call["name"], "arguments": json.dumps(call["args"])},
                }
                for call in message.tool_calls
            ],
        }
    return {"role": "assistant", "content": _text_parts(message.content, thinking=True)}


def _documents(message: ToolMessage) -> list[dict[str, Any]]:
    content: Any = message.content
    if isinstance(content, str):
        items: list[Any] = [{"output": content}]
    elif isinstance(content, Mapping):
        items = [content]
    else:
        items = list(content)
    docs = [dict(item) if isinstance(item, Mapping) else {"output": item} for item in items]
    return docs or [{"output": ""}]


def _text(content: Any) -> str:
    """A message's text (reasoning and other non-text blocks are not Cohere's)."""
    if isinstance(content, str):
        return content
    return "".join(_texts(content))


def _texts(content: Any) -> list[str]:
    """The text of each text block (or str) of a list content, in order."""
    out = []
    for block in content or ():
        if isinstance(block, str):
            out.append(block)
        elif isinstance(block, Mapping) and block.get("type") == "text":
            out.append(str(block.get("text", "")))
    return out


def _text_parts(content: Any, *, thinking: bool = False) -> Any:
    """A system or assistant message's content: a str as it is, blocks as Cohere's
    `text` parts (joining them would run one block's text into the next's), "" when
    none is text; `thinking`: an assistant's thinking blocks too, in their place, as
    they are (Cohere's `thinking` part; langchain-cohere passes them so)."""
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block in content or ():
        if thinking and isinstance(block, Mapping) and block.get("type") == "thinking":
            parts.append(dict(block))
        else:
            parts += [{"type": "text", "text": text} for text in _texts([block])]
    return parts or ""


def _user_content(content: Any) -> Any:
    if isinstance(content, str):
        return content
    parts: list[dict[str, Any]] = []
    for block in content:
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
        elif block.get("type") == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif block.get("type") == "image_url":
            url = block.get("image_url")
            parts.append(
                {"type": "image_url", "image_url": url if isinstance(url, dict) else {"url": url}}
            )
        elif block.get("type") == "image":
            parts.append(
                {"type": "image_url", "image_url": {"url": image_block_url(block, "Cohere")}}
            )
    return parts or ""
