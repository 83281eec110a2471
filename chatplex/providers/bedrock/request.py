"""Bedrock Converse request side: chatplex messages and settings → the Converse body.

The conversation's turns are `conversation.py`'s (`wire_messages`), the tools'
`toolConfig` `tool_config.py`'s and a `response_format`'s `outputConfig`
`output_config.py`'s; this module puts them together with the call's settings:

- A body without `toolConfig` (no tools bound, none given) carries the conversation's
  tool use as text (`tool_text.py`), as langchain-aws sends it: Converse refuses
  toolUse/toolResult blocks without it.
- Settings: `inferenceConfig` (sent even when empty, as `system` is, as langchain-aws
  sends them; maxTokens, temperature, topP, stopSequences), `toolConfig`
  (`tool_config.py`: tools with `inputSchema.json`; toolChoice auto / any / tool).
- Extra body fields (`extra_body`, `model_kwargs`, keyword arguments): Converse's own
  top-level fields go as they are, in camelCase or in LangChain's snake_case
  (`additional_model_request_fields`, `guardrail_config`, `performance_config`,
  `request_metadata`, `additional_model_response_field_paths`, `prompt_variables`,
  `service_tier`, `output_config`); inferenceConfig's `topP` / `maxTokens` /
  `stopSequences` (`stop_sequences`) go there, a
  call's `model_id` is the URL's model (`converse_model`) and a None `reasoning_effort`
  is not sent, as langchain-aws's `_converse_params` takes them; a call's
  `cache_control` becomes `cachePoint` blocks (`cache_marks.py`); OpenAI's
  `response_format` (json_schema) becomes `outputConfig` (native structured output);
  anything else (`thinking`, `top_k`, ...) goes into `additionalModelRequestFields`, as
  langchain-aws does with unknown keywords.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from copy import deepcopy
from typing import Any

from ...adapters.request_types import CallSettings
from ...messages import BaseMessage
from .cache_marks import add_cache_points
from .conversation import wire_messages
from .output_config import output_config
from .reasoning_effort import EffortRule
from .tool_config import tool_config
from .tool_text import has_tool_blocks
from .tool_text import tool_blocks_as_text

__all__ = [
    "CONVERSE_FIELDS",
    "converse_body",
    "converse_fields",
    "converse_model",
    "guarded_last_turn",
]


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
#: `stop_sequences` too, which langchain-aws respells as `_converse_params`' own keyword.
_SNAKE = {
    **{snake: camel for camel, snake in CONVERSE_FIELDS.items()},
    "stop_sequences": "stopSequences",
}
#: `inferenceConfig`'s fields given as keywords in camelCase, where langchain-aws puts
#: them (its `_converse_params` takes them so; None: the model's own); the other
#: snake_case ones are chatplex's settings.
_INFERENCE_FIELDS = frozenset({"maxTokens", "topP", "stopSequences"})
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
    *,
    guard_last_turn: bool = False,
    raw_turns: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The whole Converse body for one call (the model id goes in the URL, not here);
    `base_model` (the model's own, else `settings.model`; not a call's `model_id=`) and
    `vendor` (the model's `provider`) say where a call's `cache_control` puts cache
    points, as langchain-aws's `_get_base_model()` and `provider` do; `effort_rule` (a
    ChatBedrockConverse's) what a call's `reasoning_effort` becomes; `guard_last_turn`
    puts the last user turn under the guardrail (`guarded_last_turn`); `raw_turns`
    (langchain-aws's `raw_blocks`) are sent in place of the messages."""
    body = converse_fields(messages, settings, effort_rule, raw_turns)
    if guard_last_turn and raw_turns is None:
        body["messages"] = guarded_last_turn(body["messages"])
    cache_control = settings.extra_body.get(_CACHE_KEYWORD)
    add_cache_points(body, cache_control, base_model or settings.model, vendor)
    if "toolConfig" not in body and has_tool_blocks(body["messages"]):
        body["messages"] = tool_blocks_as_text(body["messages"])
    return body


def guarded_last_turn(turns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`turns` with the last user turn's text blocks as `guardContent` (and one saying
    "[tool_result]" where it has no text), as langchain-aws's `guard_last_turn_only`
    sends them: a guardrail then assesses that turn alone, not the whole history.

    >>> guarded_last_turn([{"role": "user", "content": [{"text": "hi"}]}])
    [{'role': 'user', 'content': [{'guardContent': {'text': {'text': 'hi'}}}]}]
    """
    out = list(turns)
    for index in range(len(out) - 1, -1, -1):
        turn = out[index]
        if turn.get("role") != "user":
            continue
        blocks = turn["content"]
        content = [
            {"guardContent": {"text": {"text": b["text"]}}} if "text" in b else b for b in blocks
        ]
        if not any("text" in block for block in blocks):
            content.append({"guardContent": {"text": {"text": "[tool_result]"}}})
        out[index] = {**turn, "content": content}
        break
    return out


def converse_fields(
    messages: Sequence[BaseMessage],
    settings: CallSettings,
    effort_rule: EffortRule | None = None,
    raw_turns: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Converse body with the conversation's tool blocks as they are, tools offered
    or not: what CountTokens counts (langchain-aws counts them so; only a chat call
    without `toolConfig` needs them as text, `converse_body`). Given `raw_turns`, the
    body's turns are a copy of them, the messages unread, and it has no system prompt
    (langchain-aws's `raw_blocks`: relayed as given, `system=` too left out)."""
    if raw_turns is None:
        system, turns = wire_messages(messages)
    else:  # a copy: cache points are added in place
        system, turns = [], [deepcopy(dict(turn)) for turn in raw_turns]
    # `system` and `inferenceConfig` go even when empty, as langchain-aws sends them.
    body: dict[str, Any] = {"messages": turns, "system": system}
    inference = settings.sampling(
        max_tokens="maxTokens", temperature="temperature", top_p="topP", stop="stopSequences"
    )
    body["inferenceConfig"] = inference
    if settings.tools:
        body["toolConfig"] = tool_config(settings.tools, settings.tool_choice)
    elif settings.tool_choice not in (None, "auto", "none") and not settings.tool_list_bound:
        # (a drop-in's bind_tools([], tool_choice="any") goes without it, as langchain-aws
        # sends it: `Adapter.keeps_choice_without_tools`)
        raise ValueError(f"tool_choice={settings.tool_choice!r} needs tools (bind_tools)")
    _add_extras(body, settings.extra_body, effort_rule)
    if raw_turns is not None:
        body["system"] = []
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


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, (str, Mapping)) else list(value)
