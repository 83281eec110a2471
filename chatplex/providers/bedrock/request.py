"""Bedrock Converse request side: chatplex messages and settings → the Converse body.

- System messages become `system` (`[{"text": ...}]`), wherever they are in the
  conversation (Converse has no mid-conversation system role), as langchain-aws
  gathers them.
- Runs of messages of one type are merged first (LangChain's `merge_message_runs`, as
  langchain-aws merges them); consecutive same-role turns are then merged (Converse
  wants alternating roles), and `ToolMessage`s become user `toolResult` blocks
  (`status: "error"` for failed tools). Blank user, assistant or tool-result text goes
  as ".".
- Converse's own blocks pass as they are (`{"cachePoint": {"type": "default"}}`,
  `{"guardContent": ...}`, `{"document": ...}`: a dict with one such key and no
  "type"), as langchain-aws passes them; `{"type": "guard_content", "text": ...}` is
  langchain-aws's typed guard block.
- Files: LangChain's base64 `file` blocks become `{"document": ...}` (`documents.py`).
- Images: data URLs (`image_url`), Anthropic-style `{"type": "image", "source":
  {"type": "base64", ...}}` and LangChain's `{"type": "image", "base64": ...,
  "mime_type": ...}` become `{"image": {"format", "source": {"bytes"}}}` (bytes are
  base64 in the JSON wire, as botocore sends a blob). Bedrock does not fetch URLs: an
  `http(s)` image URL is refused before any request.
- Assistant turns: text, `toolUse` for each tool call, and the signed reasoning blocks
  of a previous reply (`reasoningContent`: Claude needs them back with tool results;
  an Anthropic `thinking` block too, unless another provider's reply holds it);
  reasoning without a signature is not sent. A server-side tool's call and result
  (`server_tool_call` / `server_tool_result` blocks, as `response.py` reads
  them) go back in place as `toolUse` with `"type": "server_tool_use"` and `toolResult`
  with its own `type` and `status`, as Bedrock returned them (a recorded next turn shows
  Converse takes them so); a result that is not Converse's content (another provider's)
  is refused before any request.
- A body without `toolConfig` (no tools bound, none given) carries the conversation's
  tool use as text (`tool_text.py`), as langchain-aws sends it: Converse refuses
  toolUse/toolResult blocks without it.
- Settings: `inferenceConfig` (sent even when empty, as `system` is, as langchain-aws
  sends them; maxTokens, temperature, topP, stopSequences), `toolConfig`
  (tools with `inputSchema.json`; toolChoice auto / any / tool).
- Extra body fields (`extra_body`, `model_kwargs`, keyword arguments): Converse's own
  top-level fields go as they are, in camelCase or in LangChain's snake_case
  (`additional_model_request_fields`, `guardrail_config`, `performance_config`,
  `request_metadata`, `additional_model_response_field_paths`, `prompt_variables`,
  `service_tier`, `output_config`); inferenceConfig's `topP` / `maxTokens` go there, a
  call's `model_id` is the URL's model (`converse_model`) and a None `reasoning_effort`
  is not sent, as langchain-aws's `_converse_params` takes them; a call's
  `cache_control` becomes `cachePoint` blocks (`cache_marks.py`); OpenAI's
  `response_format` (json_schema) becomes `outputConfig` (native structured output);
  anything else (`thinking`, `top_k`, ...) goes into `additionalModelRequestFields`, as
  langchain-aws does with unknown keywords.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.base import CallSettings
from ...adapters.base import ToolSpec
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import HumanMessage
from ...messages import SystemMessage
from ...messages import ToolMessage
from ...messages.utils import merge_message_runs
from .cache_marks import add_cache_points
from .documents import document_block
from .documents import video_block
from .reasoning_effort import EffortRule
from .tool_text import has_tool_blocks
from .tool_text import tool_blocks_as_text

__all__ = [
    "CONVERSE_FIELDS",
    "NATIVE_BLOCK_KEYS",
    "SERVER_TOOL_BLOCK_TYPES",
    "converse_body",
    "converse_fields",
    "converse_model",
    "is_native",
    "wire_messages",
    "without_null_branches",
]

_Block = dict[str, Any]

#: Converse's top-level body fields besides messages, system, inferenceConfig and
#: toolConfig (which chatplex builds), with LangChain's snake_case names.
CONVERSE_FIELDS = {
    "additionalModelRequestFields": "additional_model_request_fields",
    "additionalModelResponseFieldPaths": "additional_model_response_field_paths",
    "guardrailConfig": "guardrail_config",
    "outputConfig": "output_config",
    "performanceConfig": "performance_config",
    "promptVariables": "prompt_variables",
    "requestMetadata": "request_metadata",
    "serviceTier": "service_tier",
}
_SNAKE = {snake: camel for camel, snake in CONVERSE_FIELDS.items()}
#: `inferenceConfig`'s fields given as keywords in camelCase, where langchain-aws puts
#: them (its `_converse_params` takes them so; None: the model's own); snake_case ones
#: are chatplex's settings.
_INFERENCE_FIELDS = frozenset({"maxTokens", "topP"})
#: `inferenceConfig`'s fields in the order langchain-aws writes them.
_INFERENCE_ORDER = ("maxTokens", "temperature", "topP", "stopSequences")
#: The model a call's keywords name, which langchain-aws's `_converse_params` takes as
#: `modelId` (`model_id=` per call, respelt): the URL's model, not a body field.
_MODEL_KEYWORDS = frozenset({"model_id", "modelId"})
#: A call's cache setting, which langchain-aws turns into `cachePoint` blocks
#: (`cache_marks.add_cache_points`), never a body field.
_CACHE_KEYWORD = "cache_control"
_TAKEN_OUT = _MODEL_KEYWORDS | {_CACHE_KEYWORD}
#: Keywords langchain-aws takes out of a call's and drops when None.
_DROPPED_WHEN_NONE = frozenset({"reasoning_effort"})
#: A call's reasoning effort, which a ChatBedrockConverse translates by its model's
#: profile (`reasoning_effort.EffortRule`); chatplex's own models send it as it is.
_EFFORT_KEYWORD = "reasoning_effort"
_FIELDS_KEY = "additionalModelRequestFields"
#: Converse's own content blocks, which a message may carry as they are (no "type"), as
#: langchain-aws passes them: `{"cachePoint": {"type": "default"}}` (its
#: `create_cache_point()`), `{"guardContent": ...}`, `{"document": ...}`...
NATIVE_BLOCK_KEYS = frozenset(
    {"cachePoint", "guardContent", "document", "image", "video", "audio", "json", "searchResult"}
)
#: The standard blocks a reply's server-side tool use is kept as (sent back as they came).
SERVER_TOOL_BLOCK_TYPES = frozenset({"server_tool_call", "server_tool_result"})
#: What a Converse `toolResult.content` item may hold (botocore's `ToolResultContentBlock`).
_RESULT_CONTENT_KEYS = frozenset({"json", "text", "image", "document", "video", "searchResult"})
#: What langchain-aws sends for blank user or tool-result text (Converse refuses blanks).
EMPTY_TEXT = "."
_IMAGE_FORMATS = {"image/png": "png", "image/jpeg": "jpeg", "image/gif": "gif"}
_IMAGE_FORMATS |= {"image/webp": "webp", "image/jpg": "jpeg"}


def converse_model(settings: CallSettings) -> str:
    """The model a Converse call goes to: a call's `model_id=` (or `modelId=`) keyword,
    as langchain-aws sends it (`modelId or self.model_id`), else the model's own."""
    for name in _MODEL_KEYWORDS:
        given = settings.extra_body.get(name)
        if given:
            return str(given)
    return settings.model


def converse_body(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    base_model: str | None = None,
    effort_rule: EffortRule | None = None,
    vendor: str | None = None,
) -> dict[str, Any]:
    """The whole Converse body for one call (the model id goes in the URL, not here);
    `base_model` (the model's own, else `settings.model`; not a call's `model_id=`) and
    `vendor` (the model's `provider`) say where a call's `cache_control` puts cache
    points, as langchain-aws's `_get_base_model()` and `provider` do; `effort_rule` (a
    ChatBedrockConverse's) what a call's `reasoning_effort` becomes."""
    body = converse_fields(messages, settings, effort_rule)
    cache_control = settings.extra_body.get(_CACHE_KEYWORD)
    add_cache_points(body, cache_control, base_model or settings.model, vendor)
    if "toolConfig" not in body and has_tool_blocks(body["messages"]):
        body["messages"] = tool_blocks_as_text(body["messages"])
    return body


def converse_fields(
    messages: Sequence[BaseMessage], settings: CallSettings, effort_rule: EffortRule | None = None
) -> dict[str, Any]:
    """The Converse body with the conversation's tool blocks as they are, tools offered
    or not: what CountTokens counts (langchain-aws counts them so; only a chat call
    without `toolConfig` needs them as text, `converse_body`)."""
    system, turns = wire_messages(messages)
    # `system` and `inferenceConfig` go even when empty, as langchain-aws sends them.
    body: dict[str, Any] = {"messages": turns, "system": system}
    inference = settings.sampling(
        max_tokens="maxTokens", temperature="temperature", top_p="topP", stop="stopSequences"
    )
    body["inferenceConfig"] = inference
    if settings.tools:
        body["toolConfig"] = _tool_config(settings.tools, settings.tool_choice)
    elif settings.tool_choice not in (None, "auto", "none"):
        raise ValueError(f"tool_choice={settings.tool_choice!r} needs tools (bind_tools)")
    _add_extras(body, settings.extra_body, effort_rule)
    return body


def _add_extras(
    body: dict[str, Any], extras: Mapping[str, Any], effort_rule: EffortRule | None
) -> None:
    model_fields: dict[str, Any] = {}
    # langchain-aws: a call's effort becomes fields under the call's own request fields
    # (snake_case), both over the model's (camelCase, which come first).
    effort = extras.get(_EFFORT_KEYWORD)
    effort_fields = effort_rule.fields(effort) if effort_rule and effort is not None else {}
    # The fields langchain-aws reads for Nova 2's "high" reasoning: the call's, else the
    # model's (not their merge).
    call_fields = extras.get(CONVERSE_FIELDS[_FIELDS_KEY])
    call_fields = {**effort_fields, **(call_fields if isinstance(call_fields, Mapping) else {})}
    deciding = call_fields or extras.get(_FIELDS_KEY) or {}
    for name, value in extras.items():
        camel = _SNAKE.get(name, name)
        if name in _TAKEN_OUT or (value is None and name in _DROPPED_WHEN_NONE):
            continue  # the URL's model (`converse_model`), cache points, or nothing sent
        if camel in _INFERENCE_FIELDS:
            if value is not None:
                merged = {**body.get("inferenceConfig", {}), camel: value}
                body["inferenceConfig"] = {k: merged[k] for k in _INFERENCE_ORDER if k in merged}
            continue
        if camel == "response_format":
            body["outputConfig"] = output_config(value)
            continue
        if camel == _FIELDS_KEY:
            if not isinstance(value, Mapping):
                raise TypeError(f"{name} must be a dict, got {type(value).__name__}")
            if name != camel:  # the call's: the effort's fields go under them
                model_fields.update(effort_fields)
                effort_fields = {}
            model_fields.update(value)
        elif name == _EFFORT_KEYWORD and effort_rule is not None:
            continue  # translated above
        elif camel == "system":
            # LangChain's `system=[...]`: prompts put before the messages' own.
            extra = [{"text": v} if isinstance(v, str) else v for v in _as_list(value)]
            body["system"] = extra + body.get("system", [])
        elif camel == "serviceTier" and isinstance(value, str):
            body["serviceTier"] = {"type": value}  # LangChain's str form
        elif camel == "inferenceConfig" and isinstance(value, Mapping):
            body["inferenceConfig"] = {**body.get("inferenceConfig", {}), **value}
        elif camel in CONVERSE_FIELDS or camel == "toolConfig":
            body[camel] = value  # the caller's own Converse field wins
        else:
            model_fields[name] = value  # a model's own parameter (thinking, top_k...)
    model_fields.update(effort_fields)
    if model_fields:
        body[_FIELDS_KEY] = model_fields
    if "inferenceConfig" not in extras and _reasons_high(deciding):
        body["inferenceConfig"].pop("maxTokens", None)


def _reasons_high(fields: Mapping[str, Any]) -> bool:
    """Reasoning enabled at "high" (Nova 2's `reasoningConfig`): langchain-aws then sends
    no `maxTokens`, whatever was set."""
    config = fields.get("reasoningConfig") if isinstance(fields, Mapping) else None
    return (
        isinstance(config, Mapping)
        and config.get("type") == "enabled"
        and config.get("maxReasoningEffort") == "high"
    )


def output_config(response_format: Any) -> dict[str, Any]:
    """OpenAI's `response_format` (what `with_structured_output(method="json_schema")`
    binds) as Converse's native structured output, `outputConfig.textFormat`, as
    langchain-aws converts it: the schema as a JSON string, `additionalProperties: false`
    on every object (Bedrock requires it). Only `json_schema` has a Converse form."""
    fmt = response_format if isinstance(response_format, Mapping) else {}
    if fmt.get("type") != "json_schema":
        raise ValueError(
            f"response_format type {fmt.get('type')!r} has no Bedrock Converse form; "
            "use {'type': 'json_schema', ...} (with_structured_output(method='json_schema')) "
            "or a forced tool (method='function_calling')"
        )
    inner = fmt.get("json_schema") or fmt.get("jsonSchema") or {}
    schema = inner.get("schema", {})
    schema = json.loads(schema) if isinstance(schema, str) else copy.deepcopy(schema)
    # The schema's own description (a pydantic model's docstring), as langchain-aws sends.
    described = schema.get("description") if isinstance(schema, dict) else None
    _closed_objects(schema)
    name = inner.get("name") or "output_schema"
    definition = {
        "schema": json.dumps(schema, ensure_ascii=False),
        "name": name,
        "description": inner.get("description") or described or name,
    }
    structure = {"jsonSchema": definition}
    return {"textFormat": {"type": "json_schema", "structure": structure}}


def _closed_objects(schema: Any) -> None:
    """`additionalProperties: false` on every object schema inside `schema` (in place)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            schema["additionalProperties"] = False
        for value in schema.values():
            _closed_objects(value)
    elif isinstance(schema, list):
        for item in schema:
            _closed_objects(item)


def without_null_branches(schema: Any) -> Any:
    """`schema` with each nullable field as its type alone (`anyOf: [X, {"type":
    "null"}]` is X, `{"type": [X, "null"]}` is X), as langchain-aws declares a tool:
    Converse refuses a request whose tools hold more than 16 union-typed parameters, and
    a caller may still leave an optional field out. A new value.

    >>> without_null_branches({"anyOf": [{"type": "string"}, {"type": "null"}], "default": None})
    {'type': 'string', 'default': None}
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "anyOf" and isinstance(value, list):
            kept = [without_null_branches(v) for v in value if not _null_type(v)]
            if len(kept) == 1:
                out.update(kept[0])  # the one type left, in the field's place
            else:
                out[key] = kept or value
        elif key == "type" and isinstance(value, list):
            kept = [t for t in value if t != "null"]
            out[key] = kept[0] if len(kept) == 1 else (kept or value)
        elif isinstance(value, dict):
            out[key] = without_null_branches(value)
        elif isinstance(value, list):
            out[key] = [without_null_branches(v) for v in value]
        else:
            out[key] = value
    return out


def _null_type(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, (str, Mapping)) else list(value)


def _tool_config(tools: Sequence[ToolSpec], choice: str | None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "tools": [
            {
                "toolSpec": {
                    "name": tool.name,
                    # A tool with no description goes described by its name, as
                    # langchain-aws declares it (a pydantic class without a docstring).
                    "description": tool.description or tool.name,
                    **({"strict": tool.strict} if tool.strict is not None else {}),
                    "inputSchema": {"json": without_null_branches(tool.parameters)},
                }
            }
            for tool in tools
        ]
    }
    if choice is None:
        return config
    if choice == "none":
        raise ValueError(
            "Bedrock Converse has no tool_choice 'none': call the model without tools "
            "(unbind them) instead"
        )
    if choice == "auto":
        config["toolChoice"] = {"auto": {}}
    elif choice in ("required", "any"):
        config["toolChoice"] = {"any": {}}
    else:
        if choice not in {t.name for t in tools}:
            raise ValueError(f"tool_choice names {choice!r}, which is not among the bound tools")
        config["toolChoice"] = {"tool": {"name": choice}}
    return config


def wire_messages(messages: Sequence[BaseMessage]) -> tuple[list[_Block], list[_Block]]:
    """System messages → `system` blocks, wherever they are; the rest → alternating
    turns. Runs of messages of one type are merged first (LangChain's
    `merge_message_runs`: two user texts in a row become one, joined by a newline), as
    langchain-aws merges them."""
    system: list[_Block] = []
    turns: list[_Block] = []
    names: dict[str, int] = {}  # the documents' derived names so far (`document_block`)
    for i, message in enumerate(merge_message_runs(list(messages))):
        if isinstance(message, SystemMessage):
            system.extend(_text_blocks(message.content, i))
            continue
        role, content = _turn(message, i, names)
        if not content:
            # An empty assistant turn (no text, no calls): Bedrock rejects blanks, so it
            # goes as ".", as langchain-aws sends it (left out, its neighbours would merge).
            content = [{"text": EMPTY_TEXT}]
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(content)
        else:
            turns.append({"role": role, "content": content})
    if not turns:
        # A system prompt alone goes with a "." user turn, as langchain-aws sends it (and
        # counts it: trim_messages(token_counter=model) counts the system message alone).
        turns.append({"role": "user", "content": [{"text": EMPTY_TEXT}]})
    if turns[0]["role"] != "user":
        raise ValueError("Bedrock Converse needs the conversation to start with a user message")
    return system, turns


def _turn(msg: BaseMessage, i: int, names: dict[str, int]) -> tuple[str, list[_Block]]:
    if isinstance(msg, HumanMessage):
        return "user", _user_blocks(msg.content, i, names) or [{"text": EMPTY_TEXT}]
    if isinstance(msg, AIMessage):
        if isinstance(msg, AIMessageChunk):
            msg = msg.to_message()  # a merged stream: parse tool-call fragments
        return "assistant", _assistant_blocks(msg, i)
    if isinstance(msg, ToolMessage):
        result = _user_blocks(msg.content, i, names) or [{"text": EMPTY_TEXT}]
        tool_result: _Block = {"toolUseId": msg.tool_call_id, "content": result}
        tool_result["status"] = "error" if msg.status == "error" else "success"
        return "user", [{"toolResult": tool_result}]
    raise TypeError(f"message {i}: unsupported message type {type(msg).__name__}")


def _text_blocks(content: Any, i: int) -> list[_Block]:
    if isinstance(content, str):
        return [{"text": content}] if content else []
    out = []
    for block in content:
        if is_native(block):
            out.append(dict(block))  # a cachePoint after the system prompt
            continue
        text = block if isinstance(block, str) else block.get("text")
        if isinstance(text, str) and text:
            out.append({"text": text})
        elif not isinstance(block, str) and block.get("type") != "text":
            raise ValueError(f"message {i}: a system message takes text only")
    return out


def is_native(block: Any) -> bool:
    """Whether `block` is one of Converse's own content blocks, passed as it is."""
    return (
        isinstance(block, dict)
        and "type" not in block
        and len(block) == 1
        and (next(iter(block)) in NATIVE_BLOCK_KEYS)
    )


def _typed_blocks(
    content: Sequence[Any], out: list[_Block], has_text: Callable[[str], Any]
) -> Iterator[tuple[int, _Block]]:
    """The pieces of list content that go as they are, appended to `out` -- a str as a
    text block (when `has_text` says it holds text), a Converse-native block unchanged --
    and the others yielded, with their index, for the turn to translate."""
    for j, block in enumerate(content):
        if isinstance(block, str):
            if has_text(block):
                out.append({"text": block})
        elif is_native(block):
            out.append(dict(block))
        else:
            yield j, block


def _user_blocks(content: Any, i: int, names: dict[str, int]) -> list[_Block]:
    """User or tool-result content as Converse's blocks; blank text (and no content at
    all) as `EMPTY_TEXT`, as langchain-aws sends it."""
    if isinstance(content, str):
        return [{"text": content if content.strip() else EMPTY_TEXT}]
    if not content:
        return [{"text": EMPTY_TEXT}]
    out: list[_Block] = []
    for j, block in _typed_blocks(content, out, bool):
        kind = block.get("type")
        if kind == "guard_content":  # langchain-aws's typed form of guardContent
            out.append({"guardContent": {"text": {"text": block.get("text") or ""}}})
        elif kind == "text":
            text = block.get("text")
            out.append({"text": text if isinstance(text, str) and text.strip() else EMPTY_TEXT})
        elif kind in ("image_url", "image"):
            out.append({"image": _image(block, i, j)})
        elif kind == "file":
            out.append(document_block(block, f"message {i}: content block {j}", names))
        elif kind == "video":
            out.append(video_block(block, f"message {i}: content block {j}"))
        elif kind in ("reasoning", "reasoning_content"):
            continue  # not user content
        else:
            raise ValueError(f"message {i}: content block {j} of type {kind!r} is not sent")
    return out


def _image(block: _Block, i: int, j: int) -> _Block:
    """One image block as Converse's `{"format", "source": {"bytes": base64}}`."""
    mime: Any = None
    data: Any = None
    if block.get("type") == "image_url":
        url = block.get("image_url")
        url = url.get("url") if isinstance(url, dict) else url
        if isinstance(url, str) and url.startswith("data:") and ";base64," in url:
            head, _, data = url.partition(";base64,")
            mime = head[len("data:") :]
        else:
            raise ValueError(
                f"message {i}: content block {j}: Bedrock does not fetch image URLs; send "
                "the image as a base64 data URL (data:image/png;base64,...)"
            )
    else:
        source = block.get("source")
        if isinstance(source, dict) and source.get("type") == "base64":
            mime, data = source.get("media_type"), source.get("data")
        else:
            mime, data = block.get("mime_type"), block.get("base64") or block.get("data")
    fmt = _IMAGE_FORMATS.get(str(mime).lower())
    if fmt is None:
        raise ValueError(
            f"message {i}: content block {j}: image type {mime!r} is not one Bedrock takes "
            f"({', '.join(sorted(_IMAGE_FORMATS))})"
        )
    if not isinstance(data, str) or not data:
        raise ValueError(f"message {i}: content block {j}: the image has no base64 data")
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"message {i}: content block {j}: the image data is not base64") from None
    return {"format": fmt, "source": {"bytes": data}}


def _assistant_blocks(msg: AIMessage, i: int) -> list[_Block]:
    """A previous reply's turn: its content in order, a `tool_use` block (langchain-aws's
    reply content) standing for the tool call of its id, and the calls no block stands
    for after them, as langchain-aws sends them."""
    out: list[_Block] = []
    calls = {call["id"]: call for call in msg.tool_calls}
    content = msg.content
    if isinstance(content, str):
        if content.strip():
            out.append({"text": content})
    else:
        for j, block in _typed_blocks(content or (), out, str.strip):
            kind = block.get("type")
            if kind == "text" and str(block.get("text") or "").strip():
                out.append({"text": block["text"]})
            elif kind == "reasoning":
                reasoning = _reasoning_back(block)
                if reasoning is not None:
                    out.append({"reasoningContent": reasoning})
            elif kind == "reasoning_content":
                reasoning = _reasoning_content_back(block.get("reasoning_content"))
                if reasoning is not None:
                    out.append({"reasoningContent": reasoning})
            elif kind == "thinking" and not _foreign(msg):
                # Anthropic's form of a signed thought, as langchain-aws takes it back;
                # another provider's reply's (a ChatAnthropic one) is left out, as it is.
                said = {"text": block.get("thinking"), "signature": block.get("signature")}
                reasoning = _reasoning_content_back(said)
                if reasoning is not None:
                    out.append({"reasoningContent": reasoning})
            elif kind == "tool_use":
                call = calls.pop(block.get("id"), None)
                if call is not None:
                    out.append(_tool_use(call))
            elif kind == "server_tool_call":
                out.append({"toolUse": _server_call_back(block, i, j)})
            elif kind == "server_tool_result":
                out.append({"toolResult": _server_result_back(block, i, j)})
    out.extend(_tool_use(call) for call in msg.tool_calls if call["id"] in calls)
    return out


#: The `model_provider`s of Bedrock's own replies (and a message that names none).
_OWN_REPLIES = frozenset({None, "bedrock_converse", "bedrock"})


def _foreign(msg: AIMessage) -> bool:
    """Whether `msg` is another provider's reply (its reasoning is not Bedrock's)."""
    return msg.response_metadata.get("model_provider") not in _OWN_REPLIES


def _tool_use(call: Any) -> _Block:
    return {"toolUse": {"toolUseId": call["id"], "name": call["name"], "input": call["args"]}}


def _reasoning_content_back(said: Any) -> _Block | None:
    """langchain-aws's `reasoning_content` block as Converse takes it back (signed only)."""
    if not isinstance(said, dict):
        return None
    redacted = said.get("redacted_content")
    if redacted:
        return {"redactedContent": redacted}
    signature = said.get("signature")
    if not isinstance(signature, str) or not signature:
        return None
    return {"reasoningText": {"text": said.get("text") or "", "signature": signature}}


def _reasoning_back(block: _Block) -> _Block | None:
    """A reasoning block of a previous reply, as Converse takes it back (signed only)."""
    redacted = block.get("redacted_content")
    if isinstance(redacted, str) and redacted:
        return {"redactedContent": redacted}
    signature = block.get("signature")
    if not isinstance(signature, str) or not signature:
        return None
    return {"reasoningText": {"text": block.get("reasoning") or "", "signature": signature}}


def _server_call_back(block: _Block, i: int, j: int) -> _Block:
    """A server-side tool call of a previous reply, as the `toolUse` Bedrock sent."""
    where = f"message {i}: content block {j} (server_tool_call)"
    call_id, name, args = block.get("id"), block.get("name"), block.get("args")
    if not isinstance(call_id, str) or not call_id or not isinstance(name, str) or not name:
        raise ValueError(f"{where} needs its 'id' and 'name' to be sent back to Bedrock")
    extras = block.get("extras")
    if not isinstance(args, dict) or (isinstance(extras, dict) and "unparsed_args" in extras):
        raise ValueError(
            f"{where}: its 'args' is not a JSON object (the streamed input did not parse: "
            "see extras['unparsed_args']); Converse takes a tool input only as an object"
        )
    return {"toolUseId": call_id, "name": name, "input": args, "type": "server_tool_use"}


def _server_result_back(block: _Block, i: int, j: int) -> _Block:
    """A server-side tool result of a previous reply, as the `toolResult` Bedrock sent:
    its content as it came (`[{"json": ...}]`), its own `type` from `extras`."""
    where = f"message {i}: content block {j} (server_tool_result)"
    call_id, output = block.get("tool_call_id"), block.get("output")
    if not isinstance(call_id, str) or not call_id:
        raise ValueError(f"{where} needs its 'tool_call_id' to be sent back to Bedrock")
    fits = isinstance(output, list) and all(
        isinstance(item, dict) and len(item) == 1 and next(iter(item)) in _RESULT_CONTENT_KEYS
        for item in output
    )
    if not fits:
        raise ValueError(
            f"{where}: its 'output' is not Converse tool-result content (a list of "
            f"one-key blocks: {', '.join(sorted(_RESULT_CONTENT_KEYS))}); a server tool "
            "result from another provider cannot be sent to Bedrock: drop the block"
        )
    result: _Block = {"toolUseId": call_id, "content": output}
    extras = block.get("extras")
    if isinstance(extras, dict) and isinstance(extras.get("block_type"), str):
        result["type"] = extras["block_type"]
    result["status"] = "error" if block.get("status") == "error" else "success"
    return result
