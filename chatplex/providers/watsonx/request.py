"""watsonx.ai request side: messages + settings → the body of `/ml/v1/text/chat` (and
`/ml/v1/text/chat_stream`, the same body), as langchain-ibm shapes it (its
`_convert_message_to_dict`) and ibm-watsonx-ai's `ModelInference` sends it
(`_prepare_chat_payload`): `model_id`, `messages`, the chat parameters at the top
level, `project_id` or `space_id`, `tools`, then `tool_choice` (a named function) or
`tool_choice_option` (`auto`, `none`, `required`): the API takes one of the two, so a
call's own choice replaces the one `bind_tools` bound.

- A `SystemMessage` is `{"role": "system", "content": ...}`, a `HumanMessage`
  `{"role": "user", ...}`; a str as it is, a list of blocks as langchain-ibm sends them
  (LangChain's standard `image` block, by URL or base64 data, as an `image_url` part;
  audio, video and file blocks as given; a model's reasoning and `tool_use` blocks left
  out). A message's `name` (else its `additional_kwargs["name"]`) goes with it.
- An `AIMessage` with tool calls has `"tool_calls": [{"id", "type": "function",
  "function": {"name", "arguments": <JSON text>}}]` (its invalid calls after them, their
  arguments as they came) and its text, or None.
- A `ToolMessage` is `{"role": "tool", "content": <its content as a str>,
  "tool_call_id"}`.
- Settings: `temperature`, `max_tokens`, `top_p`, `stop` (the chat API's name: a per
  call `stop` is sent as `stop` too, where langchain-ibm sends `stop_sequences`, which
  the chat API does not take). Every other chat parameter (`frequency_penalty`,
  `presence_penalty`, `seed`, `n`, `logprobs`, `top_logprobs`, `logit_bias`,
  `response_format`, `time_limit`, `max_completion_tokens`, `chat_template_kwargs`,
  `reasoning_effort`, `include_reasoning`, `repetition_penalty`, `length_penalty`,
  `guided_*`) goes through `extra_body` unchanged.

>>> from chatplex.messages import HumanMessage, SystemMessage
>>> wire_body([SystemMessage("Be brief."), HumanMessage("Hi")],
...           CallSettings(model="ibm/granite-3-8b-instruct", temperature=0),
...           scope={"project_id": "p-1"}) # doctest: +NORMALIZE_WHITESPACE
{'model_id': 'ibm/granite-3-8b-instruct', 'messages': [{'role': 'system', 'content':
 'Be brief.'}, {'role': 'user', 'content': 'Hi'}], 'temperature': 0, 'project_id': 'p-1'}
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
from ...messages import InvalidToolCall
from ...messages import SystemMessage
from ...messages import ToolCall
from ...messages import ToolMessage

__all__ = ["API_PARAMETERS", "LEFT_OUT_BLOCKS", "PASSED_BLOCKS", "wire_body"]

#: The chat API's body fields a caller may set (besides what chatplex sets itself):
#: ibm-watsonx-ai's `TextChatParameters`, and the tool fields.
API_PARAMETERS = frozenset(
    {
        "frequency_penalty",
        "logprobs",
        "top_logprobs",
        "presence_penalty",
        "response_format",
        "temperature",
        "max_tokens",
        "max_completion_tokens",
        "time_limit",
        "top_p",
        "n",
        "logit_bias",
        "seed",
        "stop",
        "guided_choice",
        "guided_regex",
        "guided_grammar",
        "guided_json",
        "chat_template_kwargs",
        "reasoning_effort",
        "include_reasoning",
        "repetition_penalty",
        "length_penalty",
        "tools",
        "tool_choice",
        "tool_choice_option",
        "context",
        "crypto",
    }
)

#: Content blocks langchain-ibm leaves out of a request: a model's reasoning and its tool
#: calls as written in content (another provider's reply, or an `output_version="v1"`
#: one, sent back as history).
LEFT_OUT_BLOCKS = frozenset({"reasoning", "reasoning_content", "thinking", "tool_use"})
#: Content blocks the chat API takes that langchain-ibm sends as given: audio, video and
#: files (the SDK's `input_audio` / `input_video` parts, LangChain's `file`).
PASSED_BLOCKS = frozenset({"input_audio", "input_video", "video_url", "file"})

#: The body's tool choice fields: a tool named, or a word.
_CHOICE_FIELDS = ("tool_choice", "tool_choice_option")
#: chatplex's tool_choice words → the chat API's `tool_choice_option`.
_OPTIONS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


def wire_body(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    *,
    scope: Mapping[str, str],
    gateway: bool = False,
) -> dict[str, Any]:
    """The chat body, in the order ibm-watsonx-ai writes its fields; `scope` is the
    project or space the call is billed to (`{"project_id": ...}` or `{"space_id": ...}`);
    `gateway`: the Model Gateway's body (its tool choice: `_gateway_choice`)."""
    body: dict[str, Any] = {
        "model_id": settings.model,
        "messages": [_message(m) for m in messages],
    }
    body.update(settings.sampling(temperature="temperature", max_tokens="max_tokens"))
    body.update(settings.sampling(top_p="top_p", stop="stop"))
    extra = dict(settings.extra_body)
    tools = extra.pop("tools", None)
    bound: dict[str, Any] = {k: extra.pop(k) for k in _CHOICE_FIELDS if k in extra}
    body.update(extra)  # the caller's own fields win, as extra_body does on every wire
    body.update(scope)
    if not settings.tools:
        if tools is not None:
            body["tools"] = tools
        body.update(bound)
        return body
    body["tools"] = [_tool(t) for t in settings.tools]
    if settings.tool_choice is None:  # (`bind_tools` binds "auto"; a call's own tools, none)
        body.update(bound)
    elif gateway:
        body.update(_gateway_choice(settings.tool_choice, settings.tools, bound))
    else:  # the call's own choice replaces the bound one: the API takes one of the two
        body.update(_choice(settings.tool_choice, settings.tools))
    return body


def _gateway_choice(
    choice: str, tools: tuple[ToolSpec, ...], bound: dict[str, Any]
) -> dict[str, Any]:
    """A call's own choice on the Model Gateway, as langchain-ibm hands it to the
    gateway's `create()` beside the bound `tool_choice_option`: a word as `tool_choice`
    (chat completions' field), a tool's name as the choice object naming it."""
    own = _choice(choice, tools)
    word = own.pop("tool_choice_option", None)
    return {**bound, **own, **({"tool_choice": word} if word is not None else {})}


def _tool(tool: ToolSpec) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name, **tool.description_field()}
    function["parameters"] = tool.parameters
    if tool.strict is not None:
        function["strict"] = tool.strict
    return {"type": "function", "function": function}


def _choice(choice: str, tools: tuple[ToolSpec, ...]) -> dict[str, Any]:
    """As langchain-ibm's `bind_tools` binds a choice: a word as its option, a tool's
    name as `tool_choice: {"type": "function", "function": {"name"}}`."""
    if choice in _OPTIONS:
        return {"tool_choice_option": _OPTIONS[choice]}
    if choice not in {t.name for t in tools}:
        raise ValueError(f"tool_choice names {choice!r}, which is not among the tools")
    return {"tool_choice": {"type": "function", "function": {"name": choice}}}


def _message(message: BaseMessage) -> dict[str, Any]:
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "content": _tool_content(message.content),
            "tool_call_id": message.tool_call_id,
        }
    out: dict[str, Any] = {"role": _role(message), "content": _content(message.content)}
    # A name as langchain-ibm reads it: the message's, else its `additional_kwargs`'.
    name = message.name or message.additional_kwargs.get("name")
    if name is not None:
        out["name"] = name
    if isinstance(message, AIMessage) and (message.tool_calls or message.invalid_tool_calls):
        out["tool_calls"] = [_call(c) for c in message.tool_calls] + [
            _invalid_call(c) for c in message.invalid_tool_calls
        ]
        out["content"] = out["content"] or None  # langchain-ibm: no text is null, not ""
    elif isinstance(message, AIMessage) and "function_call" in message.additional_kwargs:
        out["function_call"] = message.additional_kwargs["function_call"]
        out["content"] = out["content"] or None
    if isinstance(message, AIMessage) and (audio := _audio(message)):
        out["audio"] = audio
    return out


def _audio(message: AIMessage) -> Any:
    """An audio reply sent back as langchain-ibm sends it: by the id of an `audio` block
    of its content, else of `additional_kwargs["audio"]` (as kept where it has none)."""
    for block in message.content if isinstance(message.content, list) else ():
        if isinstance(block, Mapping) and block.get("type") == "audio" and block.get("id"):
            return {"id": block["id"]}
    kept = message.additional_kwargs.get("audio")
    return {"id": kept["id"]} if isinstance(kept, Mapping) and "id" in kept else kept


def _call(call: ToolCall) -> dict[str, Any]:
    arguments = json.dumps(call["args"], ensure_ascii=False)
    return {"type": "function", "id": call.get("id"), "function": _function(call, arguments)}


def _invalid_call(call: InvalidToolCall) -> dict[str, Any]:
    """A call whose arguments did not parse, sent back with them as they came (as
    langchain-ibm does): its tool result then answers a call the history holds."""
    return {"type": "function", "id": call.get("id"), "function": _function(call, call["args"])}


def _function(call: ToolCall | InvalidToolCall, arguments: str | None) -> dict[str, Any]:
    return {"name": call["name"], "arguments": arguments}


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, AIMessage):
        return "assistant"
    return "user"


def _tool_content(content: Any) -> str:
    """A tool result as text (langchain-ibm sends `str(content)`; a list of text blocks
    is their text, where `str()` would send the list's repr)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(_is_text(b) for b in content):
        return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content)
    return json.dumps(content, ensure_ascii=False, default=str)


def _is_text(block: Any) -> bool:
    return isinstance(block, str) or (isinstance(block, Mapping) and block.get("type") == "text")


def _content(content: Any) -> Any:
    """A message's content as langchain-ibm sends it (`_format_message_content`): text as
    it is; blocks with a model's reasoning and tool calls left out (an assistant turn's
    calls go as `tool_calls`), a standard `image` block as an `image_url` part, any other
    block as given (`input_audio`, `input_video`, `video_url`...)."""
    if isinstance(content, str):
        return content
    parts: list[Any] = []
    for block in content or ():
        if isinstance(block, str):
            parts.append({"type": "text", "text": block})
        elif block.get("type") == "image":
            parts.append(
                {"type": "image_url", "image_url": {"url": image_block_url(block, "watsonx.ai")}}
            )
        elif block.get("type") not in LEFT_OUT_BLOCKS:
            parts.append(dict(block))
    return parts
