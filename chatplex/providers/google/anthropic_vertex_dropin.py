"""`ChatAnthropicVertex`: langchain-google-vertexai's model garden class for Claude on
Vertex AI, as a record (`PartnerClass`): `chatplex.langchain.ChatAnthropicVertex` makes
its LangChain chat model from it, on `anthropic_vertex.AnthropicVertexAdapter`.

Its constructor is langchain-google-vertexai's: `model_name` / `model`, `project`
(required, as there), `location` ("us-central1"), `credentials` (google-auth; default:
Application Default Credentials) or a fixed `access_token`, `api_endpoint` /
`base_url` (the anthropic SDK's base URL, `/v1` included; else
`ANTHROPIC_VERTEX_BASE_URL`, else the location's), `additional_headers`,
`max_output_tokens` / `max_tokens` (unset: the model's output limit in its profiles,
`MAX_OUTPUT_TOKENS`, else 4096), `temperature`, `top_k`, `top_p`, `stop` /
`stop_sequences`, `timeout`, `max_retries` (3), `streaming`, `stream_usage`,
`model_kwargs` (sent in the body). Its Gemini fields (`n`, `seed`, `safety_settings`,
...) and its client options are taken and change nothing, as there.

>>> model = build({"model_name": "claude-sonnet-4-5@20250929", "project": "p",
...                "access_token": "t"})
>>> model.get_name(), model.model, model.adapter.default_max_tokens
('ChatAnthropicVertex', 'claude-sonnet-4-5@20250929', 64000)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal

import httpx

from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import held_and_spelled
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...chat.sdk_agents import SdkForms
from ...chat.sdk_agents import stainless_headers
from ...specs import dumped_under_aliases
from ...specs import field_names
from .vertex_dropin import _project_not_found
from .vertex_dropin import partner_location

if TYPE_CHECKING:
    from ...chat.model import ChatModel

__all__ = [
    "FALLBACK_MAX_TOKENS",
    "MAX_OUTPUT_TOKENS",
    "ChatAnthropicVertex",
    "build",
    "max_tokens_for",
]

_OWNER = "ChatAnthropicVertex"

#: Its pydantic aliases, alias -> field.
_ALIASES = {
    "model": "model_name",
    "base_url": "api_endpoint",
    "transport": "api_transport",
    "max_tokens": "max_output_tokens",
    "stop_sequences": "stop",
}

#: The `max_output_tokens` of each Claude model in langchain-google-vertexai's profiles
#: (3.2.5's; a test compares the two), which it sends when none is set.
MAX_OUTPUT_TOKENS: dict[str, int] = {
    "claude-fable-5-1@default": 128000,
    "claude-fable-5@default": 128000,
    "claude-haiku-4-5@20251001": 64000,
    "claude-haiku-5-5@default": 128000,
    "claude-opus-4-1@20250805": 32000,
    "claude-opus-4-5@20251101": 64000,
    "claude-opus-4-6@default": 128000,
    "claude-opus-4-7@default": 128000,
    "claude-opus-4-8@default": 128000,
    "claude-opus-4@20250514": 32000,
    "claude-opus-5-5@default": 128000,
    "claude-opus-5@default": 128000,
    "claude-sonnet-4-5@20250929": 64000,
    "claude-sonnet-4-6@default": 128000,
    "claude-sonnet-4@20250514": 64000,
    "claude-sonnet-5-5@default": 128000,
    "claude-sonnet-5@default": 128000,
}
#: Its `max_output_tokens` for a model its profiles do not name.
FALLBACK_MAX_TOKENS = 4096

#: Its fields that change nothing of its requests (its Gemini settings, its client
#: options): taken, as it takes them.
_UNUSED = (
    "request_parallelism",
    "full_model_name",
    "client_options",
    "api_transport",
    "default_metadata",
    "client_cert_source",
    "endpoint_version",
    "client_preview",
    "frequency_penalty",
    "presence_penalty",
    "n",
    "seed",
    "safety_settings",
    "tuned_model_name",
    "response_modalities",
    "thinking_budget",
    "include_thoughts",
    "audio_timestamp",
    "wait_exponential_kwargs",
    "async_http_client",
    "client",
    "async_client",
)


def max_tokens_for(model: str | None) -> int:
    """The `max_output_tokens` it sends for `model` when none is set: its profile's (by
    exact name, else the one `{model}@...` profile), else 4096.

    >>> max_tokens_for("claude-sonnet-4-5"), max_tokens_for("claude-3-haiku@20240307")
    (64000, 4096)
    """
    if not model:
        return FALLBACK_MAX_TOKENS
    found = MAX_OUTPUT_TOKENS.get(model)
    if found is None:
        matches = [k for k in MAX_OUTPUT_TOKENS if k.startswith(f"{model}@")]
        found = MAX_OUTPUT_TOKENS[matches[0]] if len(matches) == 1 else None
    return found or FALLBACK_MAX_TOKENS


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-google-vertexai's `ChatAnthropicVertex` constructor: the model from its
    fields as held (`PartnerClass.build`), refused where it refuses (no project)."""
    from .anthropic_vertex import AnthropicVertexAdapter

    given = held_and_spelled(_OWNER, keywords, _ALIASES)
    for name in _UNUSED:
        given.pop(name, None)
    model = given.pop("model_name", None)
    project, location = given.pop("project", None), given.pop("location", None)
    if project is None and not os.environ.get("GOOGLE_CLOUD_PROJECT"):
        # (its Vertex AI SDK's lookup finds none: google-auth's error in its words)
        raise _no_project()
    credentials, token = given.pop("credentials", None), given.pop("access_token", None)
    endpoint, headers = given.pop("api_endpoint", None), given.pop("additional_headers", None)
    max_tokens = given.pop("max_output_tokens", None)
    body = {name: given.pop(name, None) for name in ("top_k",)}
    settings = take_settings(given)
    settings.pop("max_tokens", None)  # (its max_output_tokens, read above)
    api_params = checked_keywords(ChatAnthropicVertex, _OWNER, "google_anthropic_vertex", given)
    if model is None:
        raise TypeError(f"{_OWNER} needs model_name=... (e.g. 'claude-sonnet-4-5@20250929')")
    adapter = AnthropicVertexAdapter(
        project=project,
        location=partner_location(location),
        credentials=credentials,
        access_token=token,
        base_url=endpoint,
        default_headers=headers,
        default_max_tokens=max_tokens if max_tokens is not None else max_tokens_for(model),
        as_partner=True,
    )
    sent = {k: v for k, v in body.items() if v is not None}
    return partner_model(ChatAnthropicVertex, adapter, model, {**settings, **sent, **api_params})


def _no_project() -> Exception:
    """What it raises where no project is given nor set: its Vertex AI SDK's lookup's
    `GoogleAuthError` (`vertex_dropin._project_not_found`); without google-auth, a
    ValueError in the same words."""
    try:
        from google.auth.exceptions import GoogleAuthError
    except ImportError:
        return _project_not_found(ValueError("Vertex AI needs a project"))
    return _project_not_found(GoogleAuthError("no project"))  # type: ignore[no-untyped-call]


def structured_target(
    model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """langchain-google-vertexai's `with_structured_output` answers every method by a
    forced tool call (the method asked is taken and not read)."""
    return model._structured_target("function_calling", schema)


#: Its own pydantic fields, in its order.
_DECLARED = (
    PartnerField("client", excluded=True),
    PartnerField("async_client", excluded=True),
    PartnerField("project", str | None),
    PartnerField("location", str, "us-central1"),
    PartnerField("request_parallelism", int, 5),
    PartnerField("max_retries", int, 3),
    PartnerField("stop", list[str] | None, alias="stop_sequences"),
    PartnerField("model_name", str | None, alias="model"),
    PartnerField("full_model_name", str | None, excluded=True),
    PartnerField("client_options", excluded=True),
    PartnerField("api_endpoint", str | None, alias="base_url"),
    PartnerField("api_transport", str | None, alias="transport"),
    PartnerField("default_metadata", Sequence[tuple[str, str]], factory=list),
    PartnerField("additional_headers", dict[str, str] | None),
    PartnerField("client_cert_source", Callable[[], tuple[bytes, bytes]] | None),
    PartnerField("credentials"),
    PartnerField("endpoint_version", Literal["v1", "v1beta1"], "v1beta1"),
    PartnerField("client_preview", excluded=True),
    PartnerField("temperature", float | None),
    PartnerField("frequency_penalty", float | None),
    PartnerField("presence_penalty", float | None),
    PartnerField("max_output_tokens", int, FALLBACK_MAX_TOKENS, alias="max_tokens"),
    PartnerField("top_p", float | None),
    PartnerField("top_k", int | None),
    PartnerField("n", int, 1),
    PartnerField("seed", int | None),
    PartnerField("streaming", bool, False),
    PartnerField("safety_settings", list[Any] | dict[Any, Any] | None),
    PartnerField("tuned_model_name", str | None),
    PartnerField("response_modalities", list[Any] | None),
    PartnerField("thinking_budget", int | None),
    PartnerField("include_thoughts", bool | None),
    PartnerField("audio_timestamp", bool | None),
    PartnerField("timeout", float | httpx.Timeout | None),
    PartnerField("access_token", str | None),
    PartnerField("stream_usage", bool, True),
    PartnerField("wait_exponential_kwargs", dict[str, float] | None),
    PartnerField("http_client", excluded=True),
    PartnerField("async_http_client", excluded=True),
    PartnerField("model_kwargs", dict[str, Any], factory=dict),
)

#: langchain-google-vertexai's `ChatAnthropicVertex` as data.
ChatAnthropicVertex = PartnerClass(
    llm_type="anthropic-chat-vertexai",
    partner_class="langchain_google_vertexai.model_garden:ChatAnthropicVertex",
    lifts_model_kwargs=0,  # its validator's (langchain-core's build_model_kwargs)
    profiles="google_vertexai",
    declared=_DECLARED,
    # The anthropic SDK's `AnthropicVertex` clients (sync, async): their User-Agents and
    # platform headers, the call's timeout as its NOT_GIVEN sentinel where none is.
    sdk=SdkForms(
        ("AnthropicVertex/Python {anthropic}", "AsyncAnthropicVertex/Python {anthropic}"),
        stainless_headers("anthropic", **{"x-stainless-timeout": "{call_timeout}"}),
        versions=(("anthropic", "2.15.0"),),
    ),
    fields=PartnerFields(
        aliases=_ALIASES,
        lc_secrets={},
        # Its "before" validators' max_output_tokens where none is given, and location:
        # its Vertex AI SDK's default (`vertex_dropin.partner_location`), called.
        # Its `max_tokens` property reads its max_output_tokens.
        filled={
            "max_output_tokens": "adapter.default_max_tokens",
            "max_tokens": "adapter.default_max_tokens",
            "location": "adapter.location",
        },
        # Its validator's, whatever was given: its additional headers' items.
        completed={"default_metadata": "adapter.shown_default_metadata"},
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset(
            {
                "model_kwargs",
                "max_output_tokens",
                "default_metadata",
                "location",
                "api_transport",
                "client_options",
            }
        ),
        dump_aliases=dumped_under_aliases(_ALIASES),
        identifying=IdentifyingParams(
            always={"model_name": "model_name"},
            unless_none={
                "temperature": "temperature",
                "max_output_tokens": "max_output_tokens",
                "candidate_count": "n",
                "top_k": "top_k",
                "top_p": "top_p",
            },
        ),
        dumped=field_names(
            "name disable_streaming output_version project location request_parallelism "
            "max_retries stop model_name api_endpoint api_transport "
            "default_metadata additional_headers client_cert_source credentials "
            "endpoint_version "
            "temperature frequency_penalty presence_penalty max_output_tokens top_p top_k "
            "n seed streaming safety_settings tuned_model_name response_modalities "
            "thinking_budget include_thoughts audio_timestamp timeout access_token "
            "stream_usage wait_exponential_kwargs model_kwargs"
        ),
    ),
    build=build,
    hooks=PartnerHooks(structured_target=structured_target),
)
