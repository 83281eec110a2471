"""What `init_chat_model("openai:...")` and the provider registry decide as
langchain-openai does (the Responses API or Chat Completions, the `stream_usage`
default, `max_completion_tokens`), and what tells a built-in tool: shared with the
`ChatOpenAI` drop-in (`dropin.py`) and the presets' (`providers/compatible/dropin.py`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ...adapters.tools import is_typed_tool

__all__ = [
    "RESPONSES_ONLY",
    "RESPONSES_ONLY_MODELS",
    "candidates",
    "check_responses_only",
    "init_defaults",
    "init_settings",
    "is_builtin_tool",
    "langchain_temperature",
    "lacks_structured_outputs",
    "structured_outputs_fallback",
    "prefers_responses_api",
    "responses_provider",
    "stream_usage_default",
    "wants_responses_api",
]


#: Body fields only the Responses API has: one of them in the body selects it (as
#: langchain-openai's `_use_responses_api`).
RESPONSES_ONLY = (
    "context_management",
    "include",
    "previous_response_id",
    "reasoning",
    "text",
    "truncation",
)


def responses_provider(model: str, settings: dict[str, Any]) -> str | None:
    """The OpenAI specs' `wire_choice`: "openai_responses" when the settings ask for the
    Responses API (as `ChatOpenAI` decides), else None (the provider's own wire). Takes
    `use_responses_api` and `output_version` out of `settings`, but for the Responses
    API's "v0" (langchain-openai's v0.3 shape), which its adapter takes
    (`ProviderSpec.adapter_attributes`)."""
    use = settings.pop("use_responses_api", None)
    version = settings.pop("output_version", None)
    body = {
        **(settings.get("model_kwargs") or {}),
        **(settings.get("extra_body") or {}),
        **settings,
    }
    previous = settings.get("use_previous_response_id", False)
    responses = wants_responses_api(
        use, version, use_previous_response_id=previous, body=body, model=model
    )
    if responses and version == "v0":
        settings["output_version"] = version
    return "openai_responses" if responses else None


#: Models served by the Responses API only (langchain-openai's list), and codex models.
RESPONSES_ONLY_MODELS = ("gpt-5-pro", "gpt-5.2-pro", "gpt-5.4-pro", "gpt-5.5-pro", "gpt-5.6-sol")


def prefers_responses_api(model: str | None) -> bool:
    """Whether `model` is one langchain-openai sends to the Responses API by itself.

    >>> prefers_responses_api("gpt-5-pro"), prefers_responses_api("gpt-4.1")
    (True, False)
    """
    if not model:
        return False
    return model.startswith(RESPONSES_ONLY_MODELS) or "codex" in model


def is_builtin_tool(tool: Any) -> bool:
    """A built-in (server) tool of the Responses API (`{"type": "web_search"}`,
    file_search, code_interpreter, mcp...): a dict with a type that is not "function",
    and not a tool or schema of another form (a JSON schema's "object", a `title`,
    Anthropic's `input_schema`).

    >>> is_builtin_tool({"type": "web_search"}), is_builtin_tool({"type": "object"})
    (True, False)
    """
    return is_typed_tool(tool)


def wants_responses_api(
    use_responses_api: bool | None,
    output_version: str | None,
    *,
    use_previous_response_id: bool,
    body: Mapping[str, Any],
    model: str | None = None,
) -> bool:
    """Whether a ChatOpenAI goes to the Responses API: as langchain-openai decides.

    >>> wants_responses_api(None, None, use_previous_response_id=False, body={"reasoning": {}})
    True
    >>> wants_responses_api(None, None, use_previous_response_id=False, body={"seed": 1})
    False
    """
    if use_responses_api is not None:
        if not isinstance(use_responses_api, bool):
            raise TypeError(
                f"use_responses_api must be True, False or None, got {use_responses_api!r}"
            )
        return use_responses_api
    if not isinstance(use_previous_response_id, bool):
        raise TypeError(
            f"use_previous_response_id must be True or False, got {use_previous_response_id!r}"
        )
    tools = body.get("tools")
    builtin = isinstance(tools, list) and any(is_builtin_tool(t) for t in tools)
    return (
        output_version == "responses/v1"
        or prefers_responses_api(model)
        or use_previous_response_id
        or builtin
        or any(body.get(name) is not None for name in RESPONSES_ONLY)
    )


def check_responses_only(owner: str, responses: bool, settings: Mapping[str, Any]) -> None:
    """ValueError where a model held on Chat Completions (`use_responses_api=False`) is
    given one of `settings` (name -> value given), which only the Responses API has.

    >>> check_responses_only("ChatOpenAI", False, {"reasoning": {"effort": "low"}})
    Traceback (most recent call last):
    ...
    ValueError: ChatOpenAI: reasoning is a Responses API setting; not with use_responses_api=False
    """
    if responses or not any(settings.values()):
        return
    *others, last = settings
    names = f"{', '.join(others)} and {last}" if others else last
    said = "are Responses API settings" if others else "is a Responses API setting"
    raise ValueError(f"{owner}: {names} {said}; not with use_responses_api=False")


def langchain_temperature(
    model: str | None, params: dict[str, Any], reasoning: Mapping[str, Any] | None
) -> None:
    """`params`' temperature as langchain-openai's validator leaves it for the model it
    names (`validate_temperature`): an o1 model given none gets 1; a gpt-5 model (but a
    "-chat" one, or one whose reasoning effort is "none") takes only 1, another value
    is dropped, so none is sent (the API refuses it).

    >>> given = {"temperature": 0}
    >>> langchain_temperature("gpt-5-nano", given, None); given
    {}
    >>> given = {}
    >>> langchain_temperature("o1-mini", given, None); given
    {'temperature': 1}
    """
    name = (model or "").lower()
    if name.startswith("o1") and "temperature" not in params:
        params["temperature"] = 1
    efforts = (params.get("reasoning_effort"), (reasoning or {}).get("effort"))
    takes_any = not name.startswith("gpt-5") or "chat" in name or "none" in efforts
    if not takes_any and params.get("temperature") not in (None, 1):
        del params["temperature"]


def lacks_structured_outputs(model: str | None) -> bool:
    """A model without OpenAI's Structured Outputs (gpt-3*, gpt-4-*, gpt-4), which
    langchain-openai's `with_structured_output` answers by function calling instead of
    "json_schema".

    >>> lacks_structured_outputs("gpt-3.5-turbo"), lacks_structured_outputs("gpt-4o")
    (True, False)
    """
    return model is not None and (model.startswith(("gpt-3", "gpt-4-")) or model == "gpt-4")


def structured_outputs_fallback(model: str | None) -> str | None:
    """langchain-openai's warning where `model` lacks Structured Outputs (its
    `with_structured_output` then calls a function instead); None where it has them.

    >>> structured_outputs_fallback("gpt-4o") is None
    True
    >>> structured_outputs_fallback("gpt-4")[:44]
    "Cannot use method='json_schema' with model g"
    """
    if not lacks_structured_outputs(model):
        return None
    return (
        f"Cannot use method='json_schema' with model {model} "
        f"since it doesn't support OpenAI's Structured Output API. You can "
        f"see supported models here: "
        f"https://platform.openai.com/docs/guides/structured-outputs#supported-models. "
        "To fix this warning, set `method='function_calling'. "
        "Overriding to method='function_calling'."
    )


def init_defaults(adapter_settings: dict[str, Any]) -> None:
    """For an "openai:..." model of `init_chat_model` (or the provider registry), as the
    `ChatOpenAI` LangChain's builds: `max_tokens` goes as `max_completion_tokens` to any
    server."""
    adapter_settings.setdefault("completion_tokens", True)


def stream_usage_default(settings: Mapping[str, Any]) -> bool:
    """langchain-openai's `stream_usage` default, for `init_chat_model("openai:...")`:
    asked for only of OpenAI's own host (no base URL given or in OPENAI_BASE_URL, no
    HTTP client of the user's)."""
    keys = ("base_url", "openai_api_base", "http_client", "http_async_client")
    return all(settings.get(k) is None for k in keys) and "OPENAI_BASE_URL" not in os.environ


def init_settings(settings: dict[str, Any]) -> None:
    """`init_chat_model("openai:...")`'s settings as `ChatOpenAI`'s constructor defaults
    them (the openai spec's `init_settings`): `stream_usage` (`stream_usage_default`)."""
    if "stream_usage" not in settings:
        settings["stream_usage"] = stream_usage_default(settings)


def candidates(n: int | None, streaming: bool) -> int | None:
    """`n` as langchain-openai takes it: an int of at least 1, 1 when streaming."""
    if n is None:
        return None
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be an int >= 1, got {n!r}")
    if n > 1 and streaming:
        raise ValueError("n must be 1 when streaming (a stream carries one candidate)")
    return n
