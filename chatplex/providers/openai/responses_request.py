"""OpenAI Responses API request side: chatplex messages, tools and settings → the body of
`POST /responses`.

Messages become `input` items: system (or developer, see `OPENAI_ROLE_KEY`) and user
turns as role messages with `input_text` / `input_image` / `input_file` parts; assistant
turns as their output items given back (text as `output_text` messages, reasoning items,
built-in tool items, tool calls as `function_call` items); tool results as
`function_call_output` items. Chat Completions parameters that have a Responses
spelling are translated (`max_tokens` → `max_output_tokens`, `response_format` →
`text.format`, `reasoning_effort` → `reasoning.effort`, `verbosity` → `text.verbosity`);
those without one are refused before any request, naming the parameter, except `stop`,
which is left out as langchain-openai leaves it out (the API has no stop sequences).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import cast

from ...adapters.request_types import CallSettings
from ...adapters.request_types import ToolSpec
from ...adapters.validate import not_sendable
from ...messages import CALL_PLACE_KEY
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from .blocks import file_name
from .request import STANDARD_TOOL_CHOICES
from .request import standard_tool_choice
from .request import system_role
from .request import tool_result_text
from .responses_v0 import from_v03_message
from .responses_v1 import function_call_item
from .responses_v1 import responses_blocks

__all__ = ["REFUSED_PARAMETERS", "since_last_response", "wire_body", "wire_input"]

#: Chat Completions parameters the Responses API has no field for, and what to do instead.
REFUSED_PARAMETERS = {
    "n": "the Responses API returns one candidate per call",
    "seed": "the Responses API takes no seed",
    "presence_penalty": "the Responses API has no presence_penalty",
    "frequency_penalty": "the Responses API has no frequency_penalty",
    "logit_bias": "the Responses API has no logit_bias",
    "modalities": "the Responses API takes no modalities; use the image_generation tool",
    "audio": "the Responses API has no audio output",
    "prediction": "the Responses API has no predicted outputs",
    "web_search_options": 'bind the built-in tool {"type": "web_search"} instead',
    "functions": "pass tools=... (function tools)",
    "function_call": "pass tool_choice=...",
    "logprobs": 'pass include=["message.output_text.logprobs"] and top_logprobs=...',
}
#: Assistant content blocks given back as they are: the output items of a reply.
_ITEM_BLOCKS = frozenset(
    {
        "reasoning",
        "web_search_call",
        "file_search_call",
        "computer_call",
        "code_interpreter_call",
        "image_generation_call",
        "mcp_call",
        "mcp_list_tools",
        "mcp_approval_request",
        "custom_tool_call",
        "local_shell_call",
        "tool_search_call",
        "tool_search_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "compaction",
    }
)
#: Fields of a reply's blocks that are not part of the input item (chatplex's stream index).
_BLOCK_ONLY = ("index",)
#: Blocks of a user or system message sent as input items of their own.
_OWN_ITEMS = frozenset(
    {
        "mcp_approval_response",
        "tool_search_output",
        "apply_patch_call_output",
        "configuration_update",
    }
)
#: Those a system message alone carries (OpenAI takes them with the developer role).
_SYSTEM_ITEMS = frozenset({"additional_tools"})


def wire_body(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    *,
    stream: bool,
    choice_alone: bool = False,
) -> dict[str, Any]:
    """The request body of one call (raises ValueError/TypeError for what cannot go);
    a tool choice with no tool (`bind_tools([], tool_choice=...)`, a call's
    `tool_choice=` with none bound) is sent alone where `choice_alone`
    (`Adapter.keeps_choice_without_tools`, as langchain-openai sends it)."""
    extra = dict(settings.extra_body)
    for name, reason in REFUSED_PARAMETERS.items():
        if extra.get(name) is not None and not (name == "n" and extra[name] == 1):
            raise ValueError(f"{name}= is a Chat Completions parameter: {reason}")
        extra.pop(name, None)
    # `stop` is not sent: the Responses API has no stop sequences, and langchain-openai
    # drops it the same way (LangChain's standard tests call every model with one).
    stored = extra.get("store") is not False
    body: dict[str, Any] = {"model": settings.model, "input": wire_input(messages, stored)}
    if settings.temperature is not None:
        body["temperature"] = settings.temperature
    # A `max_completion_tokens` given in the body (a call's keyword) wins over the model's
    # max_tokens, as langchain-openai renames it to `max_output_tokens` last.
    completion, spelled = (
        extra.pop(name, None) for name in ("max_completion_tokens", "max_tokens")
    )
    chosen = (completion, settings.max_tokens, spelled)
    max_tokens = next((n for n in chosen if n is not None), None)
    if max_tokens is not None:
        body["max_output_tokens"] = max_tokens
    if settings.top_p is not None:
        body["top_p"] = settings.top_p
    tools = [wire_tool(t) for t in settings.tools] + _builtin_tools(extra.pop("tools", None))
    if tools:
        body["tools"] = tools
    choice = wire_tool_choice(settings.tool_choice, settings.tools, tools, alone=choice_alone)
    if choice is not None:
        body["tool_choice"] = choice
    text = _text_config(extra)
    if text:
        body["text"] = text
    reasoning = _reasoning(extra)
    if reasoning:
        body["reasoning"] = reasoning
    # `stream: false` too, as langchain-openai sends it (the API's default is the same).
    body["stream"] = stream
    body.update(extra)
    if _refuses_temperature(body):
        body.pop("temperature", None)
    return body


def _refuses_temperature(body: Mapping[str, Any]) -> bool:
    """A gpt-5 model (but a "-chat" one, or one whose reasoning effort is "none") takes
    no `temperature`: langchain-openai leaves it out of a Responses body, whatever set it.

    >>> _refuses_temperature({"model": "gpt-5-nano"})
    True
    >>> _refuses_temperature({"model": "gpt-5.1", "reasoning": {"effort": "none"}})
    False
    """
    model = body.get("model")
    reasoning = body.get("reasoning")
    effort = reasoning.get("effort") if isinstance(reasoning, Mapping) else None
    named = isinstance(model, str) and model.startswith("gpt-5") and "chat" not in model
    return named and effort != "none"


def since_last_response(messages: Sequence[BaseMessage]) -> tuple[list[BaseMessage], str | None]:
    """The messages after the last AI reply that has a Responses id (`resp_...`), and that
    id: what goes with `previous_response_id` (the server holds the rest). Without such
    a reply: all messages and None. As langchain-openai's `_get_last_messages`."""
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if isinstance(message, AIMessage):
            response_id = message.response_metadata.get("id")
            if isinstance(response_id, str) and response_id.startswith("resp_"):
                return list(messages[i + 1 :]), response_id
    return list(messages), None


# -- messages -----------------------------------------------------------------------------


def wire_input(messages: Sequence[BaseMessage], stored: bool = True) -> list[dict[str, Any]]:
    """The `input` items of `messages`, in order. `stored=False` (the request's `store`
    is false: the server keeps no items to look ids up in): message items go without
    their ids and reasoning items only with their `encrypted_content`, as
    langchain-openai sends them."""
    items: list[dict[str, Any]] = []
    for message in messages:
        if isinstance(message, AIMessage):
            items.extend(_ai_items(message, stored, items))
        elif isinstance(message, ToolMessage):
            items.append(
                _computer_call_output(message)
                or _custom_tool_output(message)
                or {
                    "type": "function_call_output",
                    "output": _tool_output(message.content),
                    "call_id": message.tool_call_id,
                }
            )
        elif isinstance(message, SystemMessage):
            items.extend(_input_items(system_role(message), message.content, system=True))
        elif isinstance(message, HumanMessage):
            items.extend(_input_items("user", message.content, system=False))
        else:
            raise not_sendable(message, "the OpenAI Responses adapter")
    return items


def _input_items(role: str, content: Any, *, system: bool) -> list[dict[str, Any]]:
    """A user or system message's items: its blocks that are input items of their own
    (`_OWN_ITEMS`; a system message's `additional_tools` too, which adds tools
    mid-conversation), as given, then the message of its other blocks (none when only
    such blocks were given), as langchain-openai places them."""
    if isinstance(content, str):
        return [_input_message(role, content)]
    own = _OWN_ITEMS | _SYSTEM_ITEMS if system else _OWN_ITEMS
    items = [dict(b) for b in content if isinstance(b, dict) and b.get("type") in own]
    parts = [b for b in content if not (isinstance(b, dict) and b.get("type") in own)]
    if parts or not items:
        items.append(_input_message(role, parts))
    return items


def _input_message(role: str, content: Any) -> dict[str, Any]:
    # Typed as langchain-openai types it (the API reads an untyped item the same way),
    # its keys in langchain-openai's order.
    return {"content": _input_content(content), "role": role, "type": "message"}


def _input_content(content: Any) -> Any:
    if isinstance(content, str):
        return content
    return [_input_part(block) for block in content]


def _input_part(block: Any) -> dict[str, Any]:
    part = _converted_part(block)
    if isinstance(block, dict) and "prompt_cache_breakpoint" in block:
        # An explicit cache breakpoint stays on the part, as langchain-openai keeps it.
        part["prompt_cache_breakpoint"] = block["prompt_cache_breakpoint"]
    return part


def _converted_part(block: Any) -> dict[str, Any]:
    if isinstance(block, str):
        return {"type": "input_text", "text": block}
    kind = block.get("type")
    if kind in ("input_text", "input_image", "input_file"):
        return {k: v for k, v in block.items() if k not in _BLOCK_ONLY}
    if kind == "text":
        return {"type": "input_text", "text": block.get("text") or ""}
    if kind == "image_url":  # the Chat Completions form
        image = block.get("image_url")
        url = image.get("url") if isinstance(image, dict) else image
        detail = image.get("detail") if isinstance(image, dict) else None
        return _image_part({"type": "input_image", "image_url": url}, detail)
    if kind == "image":  # LangChain's standard block
        return _image_part({"type": "input_image", **_source(block)}, block.get("detail"))
    if kind == "file":
        inner = block.get("file")
        if isinstance(inner, dict):  # the Chat Completions form
            return {"type": "input_file", **inner}
        return {"type": "input_file", **_source(block, file=True)}
    raise ValueError(
        f"content block type {kind!r} cannot go in a Responses API input message; use text, "
        "image_url, image, file, input_text, input_image or input_file"
    )


def _image_part(part: dict[str, Any], detail: Any) -> dict[str, Any]:
    # `detail` only when given, as langchain-openai sends it (the API's default: auto).
    if detail:
        part["detail"] = detail
    return part


def _source(block: Mapping[str, Any], *, file: bool = False) -> dict[str, Any]:
    """Where a LangChain standard image/file block's data is, as Responses fields."""
    if block.get("file_id"):
        return {"file_id": block["file_id"]}
    data = block.get("base64") or block.get("data")
    if data:
        mime = block.get("mime_type") or ("application/pdf" if file else "image/png")
        url = f"data:{mime};base64,{data}"
        if file:
            return {"file_data": url, "filename": file_name(block)}
        return {"image_url": url}
    if block.get("url"):
        return {"file_url": block["url"]} if file else {"image_url": block["url"]}
    raise ValueError(f"a {block.get('type')!r} block needs url, base64 or file_id")


def _ai_items(
    message: AIMessage, stored: bool = True, sent: Sequence[dict[str, Any]] = ()
) -> list[dict[str, Any]]:
    """An assistant turn as output items: its text in message items (one per message id,
    a text of an id an earlier turn's item in `sent` holds added to that item), its
    reasoning, built-in tool and function call items as they came (a call's arguments as
    the reply wrote them), then the tool calls no item holds, as langchain-openai sends
    them (arguments as `json.dumps(args, ensure_ascii=False)`)."""
    if isinstance(message, AIMessageChunk):
        message = message.to_message()
    message = from_v03_message(message)
    content = message.content
    call_items = {
        c["id"]: function_call_item(cast("Mapping[str, Any]", c))
        or _call_item(c["id"], c["name"], json.dumps(c["args"], ensure_ascii=False))
        for c in message.tool_calls
    }
    for bad in message.invalid_tool_calls:
        call_items[bad["id"]] = _call_item(bad["id"], bad["name"] or "", bad["args"] or "")
    if isinstance(content, str):
        # An output message item, as langchain-openai writes an assistant's text: an
        # empty one too, but beside calls (whose turn's text it reads as null).
        text = {"type": "output_text", "text": content, "annotations": []}
        items: list[dict[str, Any]] = (
            [{"type": "message", "role": "assistant", "content": [text]}]
            if content or not call_items
            else []
        )
        return items + list(call_items.values())
    items = []
    for block in responses_blocks(_calls_in_place(content, call_items, message.tool_calls)):
        kind = block.get("type")
        if kind in ("text", "output_text", "refusal"):
            current = _message_item(items, block.get("id"), stored, sent)
            if kind == "refusal":
                current["content"].append({"type": "refusal", "refusal": block.get("refusal", "")})
            else:
                current["content"].append(
                    {
                        "type": "output_text",
                        "text": block.get("text") or "",
                        "annotations": list(block.get("annotations") or ()),
                    }
                )
            continue
        if kind in ("function_call", "custom_tool_call"):  # the item of its tool call
            call_items.pop(block.get("call_id"), None)
            items.append(_item_of(block))
        elif kind == "reasoning" and not stored and not block.get("encrypted_content"):
            continue  # an id the server did not keep: not sent back
        elif kind in _ITEM_BLOCKS:
            items.append(_item_of(block))
        # other blocks (another provider's thinking, tool_use...) are not sent back
    return items + list(call_items.values())


def _calls_in_place(
    content: list[Any], call_items: Mapping[Any, dict[str, Any]], calls: Sequence[Any]
) -> list[Any]:
    """`content` with the function call item of each call whose v1 block stood in it
    (`CALL_PLACE_KEY`) put back at that place, as langchain-openai writes a v1 turn."""
    placed = [
        (extras[CALL_PLACE_KEY], call_items[c["id"]])
        for c in calls
        if isinstance(extras := c.get("extras"), Mapping)
        and isinstance(extras.get(CALL_PLACE_KEY), int)
        and c["id"] in call_items
    ]
    out = list(content)
    for place, item in sorted(placed, key=lambda p: p[0]):
        out.insert(place, item)  # in order: each place counts the calls placed before it
    return out


def _message_item(
    items: list[dict[str, Any]], msg_id: Any, stored: bool, sent: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The message item a text block goes into, as langchain-openai finds it: the item
    already sent with the block's message id, of this turn or an earlier one (a reply
    given twice, as a cache gives it: the API refuses two items of one id), else a new
    one (so each block without an id, or with LangChain's own `lc_...`, is a message of
    its own), carrying the id only when it is the server's (`msg_...`) and the turn is
    stored."""
    for given in (*sent, *items):
        if given.get("type") == "message" and given.get("id") and given["id"] == msg_id:
            return given
    item: dict[str, Any] = {"type": "message", "role": "assistant", "content": []}
    if msg_id and stored and not str(msg_id).startswith("lc_"):
        item["id"] = msg_id
    items.append(item)
    return item


def _item_of(block: Mapping[str, Any]) -> dict[str, Any]:
    """An output item given back: the block without the merge keys chunks add (`index`,
    also inside a reasoning summary's parts, as LangChain's merged streams have them)."""
    item = {k: v for k, v in block.items() if k not in _BLOCK_ONLY}
    summary = item.get("summary")
    if isinstance(summary, list):
        item["summary"] = [
            {k: v for k, v in p.items() if k not in _BLOCK_ONLY} if isinstance(p, dict) else p
            for p in summary
        ]
    return item


def _call_item(call_id: str | None, name: str, arguments: str) -> dict[str, Any]:
    if not call_id:
        raise ValueError(f"tool call {name!r} has no id; OpenAI needs one to match its result")
    return {"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}


#: The blocks a tool result's list goes as input parts of (langchain-openai's
#: `_ensure_valid_tool_message_content`; an `image` block it has made `input_image`).
_OUTPUT_PARTS = frozenset(
    {"input_text", "input_image", "input_file", "text", "image_url", "image", "file"}
)
#: Blocks langchain-openai leaves out of a tool result (`_format_message_content`).
_NOT_IN_OUTPUT = frozenset({"tool_use", "thinking", "reasoning_content"})


def _computer_call_output(message: ToolMessage) -> dict[str, Any] | None:
    """The `computer_call_output` item of a computer-use action's result (a ToolMessage
    marked `additional_kwargs["type"] = "computer_call_output"`: its first `input_image`
    block, or its text as the screenshot's URL, with the safety checks acknowledged), as
    langchain-openai sends it; None for any other result."""
    extra = message.additional_kwargs
    if extra.get("type") != "computer_call_output":
        return None
    content = message.content
    if isinstance(content, str):
        image: Any = {"type": "input_image", "image_url": content}
    else:
        images = [b for b in content if isinstance(b, dict) and b.get("type") == "input_image"]
        if not images:
            return None
        image = images[0]
    item = {"call_id": message.tool_call_id, "type": "computer_call_output", "output": image}
    if "acknowledged_safety_checks" in extra:
        item["acknowledged_safety_checks"] = extra["acknowledged_safety_checks"]
    return item


def _custom_tool_output(message: ToolMessage) -> dict[str, Any] | None:
    """The `custom_tool_call_output` item of a custom tool's result (what
    langchain-openai's `custom_tool` returns: a list holding that block), as
    langchain-openai sends it; None for any other result."""
    for block in message.content if isinstance(message.content, list) else ():
        if isinstance(block, dict) and block.get("type") == "custom_tool_call_output":
            output = block.get("output") or ""
            return {
                "type": "custom_tool_call_output",
                "call_id": message.tool_call_id,
                "output": output,
            }
    return None


def _tool_output(content: Any) -> Any:
    """A tool result's `output`: a string as it is; a list of text, image and file
    blocks as input parts; another list as its JSON text (non-ASCII as is, text blocks
    cut to their text and cache breakpoint), as langchain-openai sends them."""
    if isinstance(content, str):
        return content
    kept = [b for b in content if not (isinstance(b, dict) and b.get("type") in _NOT_IN_OUTPUT)]
    if all(isinstance(b, dict) and b.get("type") in _OUTPUT_PARTS for b in kept):
        return [_input_part(b) for b in kept]
    return json.dumps([tool_result_text(b) for b in kept], ensure_ascii=False)


# -- tools and settings --------------------------------------------------------------------


def wire_tool(tool: ToolSpec) -> dict[str, Any]:
    """A function tool in the Responses shape (flat: no nested "function"); a built-in
    tool (`ToolSpec.builtin`: web_search, file_search, mcp...) as given."""
    if tool.builtin is not None:
        return dict(tool.builtin)
    out: dict[str, Any] = {
        "type": "function",
        "name": tool.name,
        **tool.description_field(),
        **tool.parameters_field(),
    }
    if tool.strict is not None:
        out["strict"] = tool.strict
    return {**out, **tool.beside}  # flat beside it, as langchain-openai sends them


def _builtin_tools(extra: Any) -> list[dict[str, Any]]:
    """Built-in tools (`{"type": "web_search"}`, file_search, code_interpreter, mcp...)
    passed in the body's `tools`: sent as given, after the function tools."""
    if extra is None:
        return []
    if not isinstance(extra, list) or not all(
        isinstance(t, dict) and isinstance(t.get("type"), str) for t in extra
    ):
        raise TypeError(
            f'tools in the body must be a list of {{"type": ...}} dicts, got {extra!r:.80}'
        )
    return [dict(t) for t in extra]


def wire_tool_choice(
    choice: str | None,
    specs: Sequence[ToolSpec],
    tools: Sequence[Mapping[str, Any]],
    *,
    alone: bool = False,
) -> Any:
    """`choice` as the body's `tool_choice` (None: not sent); `alone`: a choice word
    goes even with no tool (none bound, or a bound empty list, which the Responses
    body leaves out)."""
    choice = standard_tool_choice(choice, bool(tools) or alone)
    if choice is None or choice in STANDARD_TOOL_CHOICES:
        return choice
    if choice in {t.name for t in specs if t.builtin is None}:
        return {"type": "function", "name": choice}
    if choice in {t.get("type") for t in tools}:  # a built-in tool, by its type
        return {"type": choice}
    names = ", ".join(
        [t.name for t in specs if t.builtin is None]
        + [str(t.get("type")) for t in tools if t.get("type") != "function"]
    )
    raise ValueError(f"tool_choice names {choice!r}, which is not among the tools: {names}")


def _text_config(extra: dict[str, Any]) -> dict[str, Any]:
    """`text` ({format, verbosity}) from the body's `text`, and the Chat Completions
    spellings `response_format` and `verbosity`."""
    text = dict(extra.pop("text", None) or {})
    response_format = extra.pop("response_format", None)
    if response_format is not None:
        text["format"] = _text_format(response_format)
    verbosity = extra.pop("verbosity", None)
    if verbosity is not None:
        text["verbosity"] = verbosity
    return text


def _text_format(response_format: Any) -> dict[str, Any]:
    if not isinstance(response_format, Mapping):
        raise TypeError(f"response_format must be a dict, got {response_format!r:.80}")
    kind = response_format.get("type")
    if kind == "json_schema" and isinstance(response_format.get("json_schema"), Mapping):
        # Chat Completions nests name/schema/strict; the Responses API has them flat.
        return {"type": "json_schema", **response_format["json_schema"]}
    if kind in ("json_schema", "json_object", "text"):
        return dict(response_format)
    raise ValueError(f"response_format type {kind!r} has no Responses API text.format")


def _reasoning(extra: dict[str, Any]) -> dict[str, Any]:
    reasoning = extra.pop("reasoning", None)
    if reasoning is not None and not isinstance(reasoning, Mapping):
        raise TypeError(f"reasoning must be a dict like {{'effort': 'low'}}, got {reasoning!r:.80}")
    out = dict(reasoning or {})
    effort = extra.pop("reasoning_effort", None)
    if effort is not None:
        out.setdefault("effort", effort)
    return out
