"""The LangChain classes the two Google drop-ins stand in for, as records (decision
013): langchain-google-genai's `ChatGoogleGenerativeAI` (`GENAI_RECORD`: `dropin.py`
adds how its model is built) and langchain-google-vertexai's `ChatVertexAI` (`VERTEX_RECORD`:
`vertex_dropin.py` adds its). Their own pydantic fields (`declared`) are written as each
partner declares them, the fields both declare alike once (`_BOTH`);
`tests/partners/test_partner_fields_declared.py` compares them with the partners' and
lists each difference with its reason (an annotation naming an SDK type: chatplex
loads no Google SDK, so the plain values it takes are declared).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import Annotated
from typing import Any
from typing import Literal

import httpx
from pydantic import BeforeValidator
from pydantic import SecretStr

from ...chat.langsmith_gateway import GatewayRoute
from ...chat.partner_form import FieldRange
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...chat.partner_form import SdkClient
from ...chat.partner_record import REQUIRED
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerField
from ...chat.partner_record import model_as_sent
from ...chat.sdk_agents import SdkForms
from ...specs import dumped_under_aliases
from ...specs import field_names
from .dropin_settings import NO_FIELD
from .genai_backend import on_gemini_api
from .genai_client import USER_AGENT as GENAI_USER_AGENT
from .genai_client import gemini_client

__all__ = [
    "GENAI_DECLARED",
    "GENAI_NO_FIELD",
    "GENAI_RECORD",
    "VERTEX_DECLARED",
    "VERTEX_NO_FIELD",
    "VERTEX_RECORD",
]

#: The fields both partner classes declare alike.
_BOTH = {
    f.name: f
    for f in (
        PartnerField("client", excluded=True),  # its SDK client
        PartnerField("project", str | None),
        PartnerField("additional_headers", dict[str, str] | None),
        PartnerField("frequency_penalty", float | None),
        PartnerField("presence_penalty", float | None),
        PartnerField("top_p", float | None),
        PartnerField("top_k", int | None),
        PartnerField("max_output_tokens", int | None, alias="max_tokens"),
        PartnerField("thinking_budget", int | None),
        PartnerField("include_thoughts", bool | None),
        PartnerField("seed", int | None),
        PartnerField("labels", dict[str, str] | None),
        PartnerField("model_kwargs", dict[str, Any], factory=dict),
        PartnerField("stop", list[str] | None, alias="stop_sequences"),
        PartnerField("response_mime_type", str | None),
        PartnerField("response_schema", dict[str, Any] | None),
        PartnerField("cached_content", str | None),
    )
}


def _both(names: str) -> tuple[PartnerField, ...]:
    return tuple(_BOTH[name] for name in names.split())


#: `ChatGoogleGenerativeAI`'s fields, in its order. Its SDK-typed ones (google-genai's
#: str enums, `ThinkingConfig`, which its validator turns into a dict) take their values.
GENAI_DECLARED = (
    PartnerField(
        "google_api_key",
        SecretStr | None,
        alias="api_key",
        env=("GOOGLE_API_KEY", "GEMINI_API_KEY"),
    ),
    PartnerField("credentials"),
    PartnerField("vertexai", bool | None),
    _BOTH["project"],
    PartnerField("location", str | None, env=("GOOGLE_CLOUD_LOCATION",)),
    PartnerField("base_url", str | dict | None, alias="client_options"),
    _BOTH["additional_headers"],
    PartnerField("client_args", dict[str, Any] | None),
    PartnerField("api_version", str | None),
    PartnerField("model", str, REQUIRED),
    PartnerField("temperature", float | None, 0.7),
    *_both("frequency_penalty presence_penalty top_p top_k max_output_tokens"),
    PartnerField("n", int, 1, alias="candidate_count"),
    PartnerField("max_retries", int, 6, alias="retries"),
    PartnerField("timeout", float | None, alias="request_timeout"),
    PartnerField("response_modalities", list[str] | None),
    PartnerField("media_resolution", str | None),
    PartnerField("image_config", dict[str, Any] | None),
    *_both("thinking_budget include_thoughts"),
    PartnerField("safety_settings", dict[str, str] | None),
    *_both("seed labels client"),
    PartnerField(
        "default_metadata", Sequence[tuple[str, str]] | None, alias="default_metadata_input"
    ),
    _BOTH["model_kwargs"],
    PartnerField("streaming", bool | None),
    PartnerField("convert_system_message_to_human", bool, False),
    *_both("stop response_mime_type response_schema"),
    PartnerField(
        "reasoning_effort",
        Literal["minimal", "low", "medium", "high"] | None,
        alias="thinking_level",
    ),
    # (google-genai's ThinkingConfig taken too, made a dict as its field validator does)
    PartnerField(
        "thinking_config", Annotated[dict[str, Any] | None, BeforeValidator(model_as_sent)]
    ),
    _BOTH["cached_content"],
)

#: `ChatVertexAI`'s fields, in its order. Its SDK-typed ones (the Vertex AI SDK's proto
#: enums, int-valued; google-api-core's `ClientOptions`; langchain-core's messages)
#: take their values.
VERTEX_DECLARED = (
    _BOTH["client"],
    PartnerField("async_client", excluded=True),
    # (no variable: its SDK's default project comes from google-auth's lookup, which
    # reads GOOGLE_CLOUD_PROJECT but needs credentials and a Resource Manager call)
    _BOTH["project"],
    # (its validator reads the Vertex AI SDK's default location where none is given)
    PartnerField("location", str, "us-central1", env=("GOOGLE_CLOUD_REGION", "CLOUD_ML_REGION")),
    PartnerField("request_parallelism", int, 5),
    PartnerField("max_retries", int, 6),
    _BOTH["stop"],
    PartnerField("model_name", str, REQUIRED, alias="model"),
    PartnerField("full_model_name", str | None, excluded=True),
    PartnerField("client_options", excluded=True),
    PartnerField("api_endpoint", str | None, alias="base_url"),
    PartnerField("api_transport", str | None, alias="transport"),
    PartnerField("default_metadata", Sequence[tuple[str, str]], factory=list),
    _BOTH["additional_headers"],
    PartnerField("client_cert_source", Callable[[], tuple[bytes, bytes]] | None),
    PartnerField("credentials", excluded=True),
    PartnerField("endpoint_version", Literal["v1", "v1beta1"], "v1beta1"),
    PartnerField("client_preview", excluded=True),
    PartnerField("temperature", float | None),
    *_both("frequency_penalty presence_penalty max_output_tokens top_p top_k"),
    PartnerField("n", int, 1),
    _BOTH["seed"],
    PartnerField("streaming", bool, False),
    PartnerField("safety_settings", list[Any] | dict[Any, Any] | None),
    PartnerField("tuned_model_name", str | None),
    # (its SDK's enums, or their words: a kept difference; held as given, never made
    # ints, which would be sent as numbers)
    PartnerField("response_modalities", list[Any] | None),
    *_both("thinking_budget include_thoughts"),
    PartnerField("audio_timestamp", bool | None),
    PartnerField("timeout", float | httpx.Timeout | None),
    PartnerField("examples", list[Any] | None),
    *_both("response_mime_type response_schema cached_content"),
    PartnerField("logprobs", bool | int, False),
    _BOTH["labels"],
    PartnerField("perform_literal_eval_on_string_raw_content", bool, False),
    PartnerField("wait_exponential_kwargs", dict[str, float] | None),
    _BOTH["model_kwargs"],
)


#: Keywords langchain-google-genai's class has no field for (its warnings' suggestions):
#: LangChain's `logprobs` / `top_logprobs` too, which it never sends.
GENAI_NO_FIELD = {
    **NO_FIELD,
    "logprobs": None,
    "top_logprobs": None,
    "response_logprobs": "response_schema",
}

#: langchain-google-genai's pydantic aliases, alias -> field.
_GENAI_ALIASES = {
    "api_key": "google_api_key",
    "max_tokens": "max_output_tokens",
    "candidate_count": "n",
    "retries": "max_retries",
    "request_timeout": "timeout",
    "stop_sequences": "stop",
    "thinking_level": "reasoning_effort",
    # (its aliases, also the drop-in's keywords: written and read as their fields)
    "client_options": "base_url",
    "default_metadata_input": "default_metadata",
}

GENAI_RECORD = PartnerClass(
    llm_type="chat-google-generative-ai",
    namespace=("langchain_google_genai", "chat_models"),
    partner_class="langchain_google_genai.chat_models:ChatGoogleGenerativeAI",
    # Its SDK appends chatplex's User-Agent to its own, as it appends the caller's.
    sdk=SdkForms(
        "google-genai-sdk/{google-genai} gl-python/{python} "
        "langchain-google-genai/{langchain-google-genai}-ChatGoogleGenerativeAI {chatplex}",
        (("x-goog-api-client", "google-genai-sdk/{google-genai} gl-python/{python}"),),
        versions=(("google-genai", "2.34.0"), ("langchain-google-genai", "4.4.2")),
    ),
    lifts_model_kwargs=1,  # (its validator is a frame deeper)
    profiles="google_genai",
    declared=GENAI_DECLARED,
    fields=PartnerFields(
        # The keywords it moves to `model_kwargs` (with LangChain's warning): shown there.
        kept_in=dict.fromkeys(GENAI_NO_FIELD, "model_kwargs"),
        aliases=_GENAI_ALIASES,
        # Its validator's refusals (temperature and top_p: the spec's ranges).
        ranges={
            "top_k": FieldRange(1, None, "top_k must be positive"),
            "frequency_penalty": FieldRange(
                -2.0, 2.0, "frequency_penalty must be in the range [-2.0, 2.0]"
            ),
            "presence_penalty": FieldRange(
                -2.0, 2.0, "presence_penalty must be in the range [-2.0, 2.0]"
            ),
        },
        # Its validator's temperature where none is given: None for Gemini 3 and later.
        filled={"temperature": "temperature"},
        secrets={"google_api_key": "GOOGLE_API_KEY", "gemini_api_key": "GEMINI_API_KEY"},
        # Its validator's, whatever was given: its additional headers' items.
        completed={"default_metadata": "adapter.shown_default_metadata"},
        # Its generation fields, unset ones too (`thinking_level`: its reasoning_effort).
        identifying=IdentifyingParams(
            always={
                **{
                    name: name
                    for name in (
                        "model",
                        "temperature",
                        "frequency_penalty",
                        "presence_penalty",
                        "top_p",
                        "top_k",
                        "max_output_tokens",
                        "n",
                        "safety_settings",
                        "response_modalities",
                        "media_resolution",
                        "thinking_budget",
                        "include_thoughts",
                    )
                },
                "thinking_level": "reasoning_effort",
                "thinking_config": "thinking_config",
                "image_config": "image_config",
            }
        ),
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        assigned=frozenset({"model_kwargs", "default_metadata"}),
        # (the Gemini API's: its gateway proxies no Vertex AI)
        langsmith_gateway=GatewayRoute(
            "base_url",
            "google_api_key",
            "gemini",
            key_variables=("GOOGLE_API_KEY", "GEMINI_API_KEY"),
            applies=on_gemini_api,
        ),
        dump_aliases={
            **dumped_under_aliases(_GENAI_ALIASES),
            # its other pydantic aliases, of fields the drop-in takes under another name
            "base_url": "client_options",
            "default_metadata": "default_metadata_input",
        },
        dumped=field_names(
            "name disable_streaming output_version google_api_key credentials vertexai "
            "project location base_url additional_headers client_args api_version model "
            "temperature frequency_penalty presence_penalty top_p top_k max_output_tokens "
            "n max_retries timeout response_modalities media_resolution image_config "
            "thinking_budget include_thoughts safety_settings seed labels "
            "default_metadata model_kwargs streaming convert_system_message_to_human stop "
            "response_mime_type response_schema reasoning_effort thinking_config "
            "cached_content"
        ),
        # Its SDK client (`async_client`: its `.aio`), the drop-in's built on first read.
        clients={
            "client": SdkClient(f"{gemini_client.__module__}:{gemini_client.__name__}"),
            "async_client": SdkClient("client", "aio"),
        },
        # Its `aclose()`: the async client, then the sync one.
        closers={"aclose": ("async_client", "client")},
        client_arguments={
            "api_key": "google_api_key",
            "base_url": "base_url",
            "api_version": "api_version",
            "headers": "additional_headers",
            "client_args": "client_args",
            **{name: name for name in ("vertexai", "project", "location", "credentials")},
        },
        client_headers={"user-agent": GENAI_USER_AGENT},
        client_headers_keyword="headers",
    ),
)


#: Keywords langchain-google-vertexai's class has no field for (its warnings'
#: suggestions): LangChain's `top_logprobs` too (its `logprobs` takes the number).
VERTEX_NO_FIELD = {**NO_FIELD, "top_logprobs": "logprobs"}

#: langchain-google-vertexai's pydantic aliases, alias -> field.
_VERTEX_ALIASES = {
    "model": "model_name",
    "base_url": "api_endpoint",
    "transport": "api_transport",
    "max_tokens": "max_output_tokens",
    "stop_sequences": "stop",
}

#: langchain-google-vertexai's `ChatVertexAI`.
VERTEX_RECORD = PartnerClass(
    llm_type="vertexai",
    namespace=("langchain", "chat_models", "vertexai"),
    partner_class="langchain_google_vertexai.chat_models:ChatVertexAI",
    lifts_model_kwargs=0,  # its validator's (langchain-core's build_model_kwargs)
    profiles="google_vertexai",
    declared=VERTEX_DECLARED,
    streaming_shapes_request=True,  # no candidateCount in streams
    fields=PartnerFields(
        # The keywords it moves to `model_kwargs` (with LangChain's warning): shown there.
        kept_in=dict.fromkeys(VERTEX_NO_FIELD, "model_kwargs"),
        aliases=_VERTEX_ALIASES,
        # It declares none, and its one credential, `credentials` (an object), is
        # excluded from every dump: no dump of its holds it, nor a reference.
        lc_secrets={},
        # Its validator's, whatever was given: its additional headers' items.
        completed={"default_metadata": "adapter.shown_default_metadata"},
        # Its validator's location where none is given: its SDK's default, which the
        # drop-in reads as it does (`vertex_dropin.partner_location`) and calls; and its
        # project: the credentials', else the one looked up (the adapter's, called).
        # Its `max_tokens` property reads its max_output_tokens (the model's max_tokens).
        filled={
            "location": "adapter.location",
            "project": "adapter.project",
            "max_tokens": "max_tokens",
        },
        # Its validator names the model with its project and location (never written).
        resolved={"full_model_name": "adapter.partner_full_model_name"},
        # Its model and its request defaults that are set (`n` as `candidate_count`).
        identifying=IdentifyingParams(
            always={"model_name": "model_name"},
            unless_none={
                "temperature": "temperature",
                "max_output_tokens": "max_output_tokens",
                "candidate_count": "n",
                "seed": "seed",
                "top_k": "top_k",
                "top_p": "top_p",
            },
            # added by its `_get_invocation_params` (a call's keyword replaces it)
            invoked_last={
                "thinking_budget": "thinking_budget",
                "include_thoughts": "include_thoughts",
            },
        ),
        default_params=frozenset({"model_name"}),  # its identifying params but that
        # Set by its validators whatever was given (its `exclude_unset` keeps them).
        # (its `location` and `client_options` too: its "before" validator writes them)
        assigned=frozenset(
            {"api_transport", "client_options", "default_metadata", "location", "model_kwargs"}
        ),
        dump_aliases=dumped_under_aliases(_VERTEX_ALIASES),
        dumped=field_names(
            "name disable_streaming output_version project location request_parallelism "
            "max_retries stop model_name api_endpoint api_transport default_metadata "
            "additional_headers client_cert_source endpoint_version temperature "
            "frequency_penalty presence_penalty max_output_tokens top_p top_k n seed "
            "streaming safety_settings tuned_model_name response_modalities "
            "thinking_budget include_thoughts audio_timestamp timeout examples "
            "response_mime_type response_schema cached_content logprobs labels "
            "perform_literal_eval_on_string_raw_content wait_exponential_kwargs "
            "model_kwargs"
        ),
    ),
)
