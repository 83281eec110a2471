"""What langchain-aws's `ChatBedrockConverse` infers from a Bedrock model id when not
given: the model's vendor (`provider`), its base model (the id without its cross-region
prefix), whether LangChain streams it (`disable_streaming`) and which tool choices it
takes (`supports_tool_choice_values`); and which API its `ChatBedrock` speaks
(`converse_choice`). The tables are langchain-aws's, as data
(`tests/providers/bedrock/test_model_defaults.py` checks them against the installed
package over a list of ids).

>>> provider_of("us.meta.llama3-1-70b-instruct-v1:0")
'meta'
>>> disable_streaming("meta", "us.meta.llama3-1-70b-instruct-v1:0")
'tool_calling'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Literal

__all__ = [
    "base_model",
    "converse_choice",
    "disable_streaming",
    "forced_tool_refused",
    "is_application_profile",
    "provider_of",
    "tool_choice_values",
]

#: Regional prefixes of cross-region inference profiles (`us.anthropic.claude-...`).
_REGION_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "jp.", "au.", "global.", "sa.", "amer.")

#: Per vendor, the model id parts of the models langchain-aws streams, tools included.
_STREAMED: dict[str, tuple[str, ...]] = {
    "ai21": ("jamba-1-5",),
    "amazon": ("nova-lite", "nova-micro", "nova-pro", "nova-premier", "nova-2-lite"),
    "anthropic": (
        "claude-3",
        "claude-sonnet-4",
        "claude-opus-4",
        "claude-haiku-4",
        "claude-fable-5",
        "claude-opus-5",
        "claude-sonnet-5",
        "claude-haiku-5",
    ),
    "openai": ("gpt-",),
    "cohere": ("command-r",),
    "deepseek": ("v3",),
    "qwen": ("qwen3",),
    "moonshot": ("kimi",),
    "moonshotai": ("kimi",),
    "xai": ("grok",),
    "zai": ("glm",),
}

#: Per vendor, those it streams only without tools ("" : every model of the vendor).
#: Read after `_STREAMED` (Cohere's `command-r` streams, its other `command`s not).
_STREAMED_WITHOUT_TOOLS: dict[str, tuple[str, ...]] = {
    "ai21": ("jamba-instruct",),
    "amazon": ("titan-text",),
    "anthropic": ("claude-v2", "claude-instant"),
    "cohere": ("command",),
    "meta": ("",),
    "mistral": ("",),
    "deepseek": ("r1",),
    "writer": ("palmyra",),
}

#: Claude models that refuse a forced tool at all.
_NEVER_FORCED = ("claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5")
#: Models that refuse (or ignore) a forced tool while thinking is on.
_THINKING_UNFORCED = (
    "claude-3-7-",
    "claude-sonnet-4",
    "claude-opus-4",
    "claude-haiku-4",
    "deepseek.v3",
)
_ALL = ("auto", "any", "tool")
#: The models langchain-aws's ChatBedrock sends to Converse unless told otherwise.
_NOVA = "amazon.nova"


def provider_of(model_id: str) -> str:
    """The vendor of a model id: its first part, or its second after a regional
    prefix (`anthropic` of `us.anthropic.claude-...`)."""
    parts = model_id.split(".", maxsplit=2)
    if len(parts) > 1 and f"{parts[0].lower()}." in _REGION_PREFIXES:
        return parts[1]
    return parts[0]


def base_model(model_id: str) -> str:
    """The model id without its regional (cross-region inference) prefix."""
    return model_id.partition(".")[2] if model_id.startswith(_REGION_PREFIXES) else model_id


def is_application_profile(model_id: str) -> bool:
    """An application inference profile's ARN: langchain-aws reads its defaults from
    its base model, whatever `disable_streaming` was given."""
    return "application-inference-profile" in model_id


def _named(table: Mapping[str, tuple[str, ...]], provider: str, model_lower: str) -> bool:
    return any(part in model_lower for part in table.get(provider, ()))


def disable_streaming(provider: str, model_lower: str) -> bool | Literal["tool_calling"]:
    """LangChain's `disable_streaming` for a model (`model_lower`: its base model id, or
    its id, lowercased): False where langchain-aws streams it, "tool_calling" where only
    without tools, True where it has not verified the model streams."""
    if _named(_STREAMED, provider, model_lower):
        return False
    if _named(_STREAMED_WITHOUT_TOOLS, provider, model_lower):
        return "tool_calling"
    return True


def _thinking(fields: Mapping[str, Any]) -> bool:
    thinking = fields.get("thinking")
    return isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "adaptive")


def _deepseek_thinking(base: str, fields: Mapping[str, Any]) -> bool:
    if "deepseek.v3" in base:
        effort = fields.get("reasoning_effort")
        return bool(effort) and str(effort).lower() not in ("none", "low", "medium")
    return _thinking(fields)


def _llama_values(base: str) -> tuple[str, ...]:
    if "llama4" in base or any(v in base for v in ("llama3-1", "llama3-3")):
        return ("auto",)
    if "llama3-2" in base and any(size in base for size in ("11b", "90b")):
        return ("auto",)
    return ()


def thinking_unforced(base: str) -> bool:
    """Whether the base model `base` refuses (or ignores) a forced tool beside thinking,
    as langchain-aws's `thinking_forced_tool_use_unsupported` names them: where its
    `with_structured_output` offers the tool unforced, only these raise at a reply
    without the call.

    >>> thinking_unforced("anthropic.claude-sonnet-4-20250514-v1:0")
    True
    >>> thinking_unforced("meta.llama3-1-70b-instruct-v1:0")
    False
    """
    return "claude-opus-4-8" not in base and any(n in base for n in _THINKING_UNFORCED)


def forced_tool_refused(base: str, fields: Mapping[str, Any]) -> bool:
    """Whether the base model `base` refuses a forced tool with the thinking its model
    request fields (or kwargs) `fields` turn on: langchain-aws then offers its tools to be
    chosen ("auto" alone), and its ChatBedrock's `bind_tools` refuses a forced one.

    >>> on = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
    >>> forced_tool_refused("anthropic.claude-3-7-sonnet-20250219-v1:0", on)
    True
    """
    return thinking_unforced(base) and _thinking(fields)


def tool_choice_values(model_id: str, fields: Mapping[str, Any]) -> tuple[str, ...]:
    """The tool choices a Bedrock model takes, as langchain-aws infers them from its id
    (regional prefix dropped) and from thinking in the model request fields.

    >>> tool_choice_values("us.anthropic.claude-3-5-haiku-20241022-v1:0", {})
    ('auto', 'any', 'tool')
    >>> tool_choice_values("meta.llama3-1-70b-instruct-v1:0", {})
    ('auto',)
    """
    base = base_model(model_id)
    if "claude" in base:
        if any(name in base for name in _NEVER_FORCED):
            return ("auto",)
        return ("auto",) if forced_tool_refused(base, fields) else _ALL
    if "grok" in base:
        return _ALL
    if base.startswith("zai.glm-"):
        return _ALL if base.startswith("zai.glm-5.3") else ("auto", "any")
    if base.startswith("openai.gpt-") and "gpt-oss" not in base:
        return _ALL
    if "llama4" in base or "llama3" in base:
        return _llama_values(base)
    if "mistral-large" in base:
        return ("auto", "any")
    if "nova" in base:
        return _ALL
    if "deepseek" in base and "r1-v1" not in base:
        return ("auto",) if _deepseek_thinking(base, fields) else ("auto", "any")
    return ()


def converse_choice(model: str, settings: dict[str, Any]) -> str | None:
    """The `bedrock` spec's `wire_choice`: "bedrock_converse" where langchain-aws's
    ChatBedrock speaks Converse (`beta_use_converse_api=True`, its default for Amazon
    Nova models, by the id or the base model), else None (InvokeModel). Takes
    `beta_use_converse_api` out of `settings` (no adapter has it).

    >>> converse_choice("us.amazon.nova-lite-v1:0", {}), converse_choice("anthropic.m", {})
    ('bedrock_converse', None)
    """
    use = settings.pop("beta_use_converse_api", None)
    if use is None:
        base = settings.get("base_model_id") or settings.get("base_model") or ""
        use = _NOVA in f"{model} {base}"
    return "bedrock_converse" if use else None
