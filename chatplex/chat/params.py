"""The request parameters each built-in provider's API takes, and the check that keeps
typos out of request bodies.

A chat model of a known provider accepts, besides its settings, only the parameters of
that provider's API as keyword arguments; anything else is a `TypeError` before any
request, naming the closest known name. Parameters newer than these lists go through
`model_kwargs={...}` (or `extra_body={...}`), at construction or per call, unchecked.

The lists follow the official SDKs' `create()` signatures (a test compares them:
`tests/chat/test_params_sdk.py`), plus the few the APIs take that the SDKs no longer
name (`BEYOND_SDK`, each with its reason).

>>> check_api_parameters("openai", {"seed": 1}, settings=("temperature",), owner="ChatOpenAI")
>>> check_api_parameters("openai", {"temprature": 0}, settings=("temperature",), owner="X")
Traceback (most recent call last):
...
TypeError: X got an unexpected keyword argument 'temprature' (did you mean 'temperature'?) ...
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..adapters.base import Adapter

__all__ = [
    "API_PARAMETERS",
    "BEYOND_SDK",
    "HEADER_PARAMETERS",
    "api_parameters",
    "check_api_parameters",
    "unknown_keyword",
]

#: Body parameters of OpenAI Chat Completions (`POST /chat/completions`), besides
#: `model`, `messages` and `stream`, which chatplex sets itself.
_OPENAI = frozenset(
    {
        "audio",
        "frequency_penalty",
        "function_call",
        "functions",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "max_tokens",
        "metadata",
        "modalities",
        "moderation",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning_effort",
        "response_format",
        "safety_identifier",
        "seed",
        "service_tier",
        "stop",
        "store",
        "stream_options",
        "temperature",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "user",
        "verbosity",
        "web_search_options",
    }
)

#: Body parameters of Anthropic Messages (`POST /v1/messages`), besides `model`,
#: `messages`, `system`, `max_tokens` and `stream`, which chatplex sets itself.
_ANTHROPIC = frozenset(
    {
        "cache_control",
        "container",
        "context_management",
        "diagnostics",
        "inference_geo",
        "mcp_servers",
        "metadata",
        "output_config",
        "service_tier",
        "speed",
        "stop_sequences",
        "temperature",
        "thinking",
        "tool_choice",
        "tools",
        "top_k",
        "top_p",
        "user_profile_id",
        "workspace_id",
    }
)

#: Body parameters of the OpenAI Responses API (`POST /responses`), besides `model`,
#: `input` and `stream`, which chatplex sets itself; plus the Chat Completions spellings
#: the Responses adapter translates (`max_tokens`, `response_format`, `reasoning_effort`...).
_OPENAI_RESPONSES = frozenset(
    {
        "access_programs",
        "background",
        "background_options",
        "context_management",
        "conversation",
        "image",
        "include",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "moderation",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "prompt_cache_options",
        "prompt_cache_retention",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
    | {"max_tokens", "max_completion_tokens", "response_format", "reasoning_effort", "verbosity"}
)

#: Provider → the parameters its API takes (see the module docstring).

#: Provider → the parameters its API takes (see the module docstring).
API_PARAMETERS: dict[str, frozenset[str]] = {
    "openai": _OPENAI,
    "anthropic": _ANTHROPIC,
    "openai_responses": _OPENAI_RESPONSES,
}

#: Parameters the API takes that the SDK's `create()` does not name, and why they are kept.
BEYOND_SDK: dict[str, dict[str, str]] = {
    "openai": {},
    "anthropic": {
        "temperature": "the SDK dropped it from create() (anthropic>=1); the API still "
        "honours it for the models that take it, and LangChain's ChatAnthropic sends it",
        "top_p": "as temperature",
        "top_k": "as temperature",
        "context_management": "a beta parameter (the SDK's beta.messages.create names it)",
        "mcp_servers": "a beta parameter (the SDK's beta.messages.create names it)",
    },
}

#: Parameters the SDK sends as request headers, not in the body: provider → name → header.
HEADER_PARAMETERS: dict[str, dict[str, str]] = {
    "openai": {},
    "anthropic": {
        "user_profile_id": "anthropic-user-profile-id",
        "workspace_id": "anthropic-workspace-id",
    },
}


def api_parameters(provider: str) -> frozenset[str] | None:
    """The API parameters of a built-in provider: the table above, else what its
    adapter class declares as `api_parameters` (beside its wire code); None
    for other providers (whose extras are not checked: chatplex does not know their
    APIs)."""
    known = API_PARAMETERS.get(provider)
    if known is not None:
        return known
    from ..adapters import BUILTIN_ADAPTERS  # that provider's model is built
    from ..adapters import adapter_class  # that provider's model is built

    if provider not in BUILTIN_ADAPTERS:
        return None
    wire: type[Adapter] = adapter_class(provider)
    declared = wire.api_parameters
    return frozenset(declared) if declared is not None else None


def unknown_keyword(owner: str, name: str, known: Iterable[str], hint: str = "") -> TypeError:
    """A TypeError for an unknown keyword, naming the closest known one."""
    import difflib  # an error path: not loaded by `import chatplex`

    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    suggestion = f" (did you mean {close[0]!r}?)" if close else ""
    return TypeError(f"{owner} got an unexpected keyword argument {name!r}{suggestion}{hint}")


def check_api_parameters(
    provider: str, extras: Mapping[str, Any], *, settings: Iterable[str], owner: str
) -> None:
    """Raise TypeError for the first key of `extras` that `provider`'s API does not take.

    `settings`: the names the caller also accepts (offered as suggestions too).
    Unknown providers are not checked.
    """
    known = api_parameters(provider)
    if known is None:
        return
    for name in extras:
        if name not in known:
            hint = (
                f"; it is neither a setting of {owner} nor a parameter of the {provider} "
                "API that chatplex knows. Send parameters newer than chatplex with "
                "model_kwargs={...} (or extra_body={...})"
            )
            raise unknown_keyword(owner, name, [*settings, *known], hint)
