"""`ChatGoogleGenerativeAI` and `ChatVertexAI`: chatplex chat models that take the
constructors of langchain-google-genai and langchain-google-vertexai.

A script written for either ports by changing its import line: the parameter names and
aliases are LangChain's (`model`/`model_name`, `google_api_key`/`api_key`,
`max_output_tokens`/`max_tokens`, `n`, `safety_settings`, `thinking_budget`,
`include_thoughts`, `response_mime_type`, `response_schema`...), the model is
chatplex's, and it is named as LangChain's class in events, logs and callbacks. Both
share one builder (`_google_settings`): only how they reach Google differs.

>>> model = ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key="AIza-example", top_k=3)
>>> model.get_name(), model.model, model.extra_body["top_k"], model.extra_body["candidate_count"]
('ChatGoogleGenerativeAI', 'gemini-2.5-flash', 3, 1)
"""

from __future__ import annotations

import enum
import logging
import re
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import UNSET
from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import field
from ...chat.dropin import pick
from ...chat.dropin import spellings
from ...chat.dropin_fields import FREQUENCY_PENALTY
from ...chat.dropin_fields import MAX_RETRIES
from ...chat.dropin_fields import MODEL_KWARGS
from ...chat.dropin_fields import PRESENCE_PENALTY
from ...chat.dropin_fields import SEED
from ...chat.dropin_fields import STOP
from ...chat.dropin_fields import STREAM_USAGE
from ...chat.dropin_fields import STREAMING
from ...chat.dropin_fields import TEMPERATURE
from ...chat.dropin_fields import TIMEOUT
from ...chat.dropin_fields import TOP_K
from ...chat.dropin_fields import TOP_P
from ...chat.dropin_fields import DropinParams
from ...chat.dropin_fields import N
from ...chat.dropin_fields import take_params
from ...chat.model import ChatModel
from ...chat.params import check_api_parameters
from ...chat.partner_form import IdentifyingParams
from ...chat.partner_form import PartnerFields
from ...specs import field_names

if TYPE_CHECKING:
    import inspect

    from ...adapters.base import Adapter
    from ...messages import BaseMessage
    from ...sdk_errors import ErrorFamily
    from ...secret import Secret

__all__ = ["ChatGoogleGenerativeAI", "ChatVertexAI"]

_logger = logging.getLogger(__name__)

#: LangChain's default models when none is named.
DEFAULT_GENAI_MODEL = "gemini-2.5-flash"
DEFAULT_VERTEX_MODEL = "gemini-2.0-flash"
#: langchain-google-genai's temperature when none is given (none for Gemini 3 and later,
#: which it leaves to the model's own default).
DEFAULT_GENAI_TEMPERATURE = 0.7
_GEMINI_MAJOR = re.compile(r"gemini-(\d+)")
_SDK_CLIENTS = "chatplex sends its own requests (no SDK client); pass http_client= instead"
_SYSTEM = "deprecated in LangChain; system messages go as systemInstruction"
#: Settings of the LangChain classes chatplex cannot honour, and why (a TypeError, never
#: ignored), by provider; `_OFF` their values that change nothing (accepted).
_REFUSED: dict[str, dict[str, str]] = {
    "google_genai": {
        "client": _SDK_CLIENTS,
        "async_client": _SDK_CLIENTS,
        "transport": "chatplex speaks REST (JSON over HTTP); transport='rest' only",
        "convert_system_message_to_human": _SYSTEM,
        "credentials": "the Gemini API takes an API key; for google-auth credentials use "
        "ChatVertexAI (provider google_vertexai)",
        "vertexai": "use ChatVertexAI (provider google_vertexai) for Vertex AI",
        "tuned_model_name": "tuned models are named by model=",
    },
    "google_vertexai": {
        "client": _SDK_CLIENTS,
        "async_client": _SDK_CLIENTS,
        "api_transport": "chatplex speaks REST (JSON over HTTP); api_transport='rest' only",
        # langchain-google-vertexai's alias of api_transport
        "transport": "chatplex speaks REST (JSON over HTTP); transport='rest' only",
        "convert_system_message_to_human": _SYSTEM,
        "tuned_model_name": "tuned models and endpoints are named by model=",
        "full_model_name": "name the model with model=, the project and location with "
        "project= and location=",
    },
}
_OFF: dict[str, tuple[Any, ...]] = {
    "transport": (None, "rest"),
    "api_transport": (None, "rest"),
    "convert_system_message_to_human": (None, False),
    "vertexai": (None, False),
}


def _default_temperature(model: str) -> float | None:
    name = model.lower().rsplit("/", 1)[-1]
    if any(int(major) >= 3 for major in _GEMINI_MAJOR.findall(name)):
        return None
    return DEFAULT_GENAI_TEMPERATURE


def _enum_word(value: Any) -> Any:
    """An enum member as the word the REST API takes: its name (google-genai's str enums
    have it as value too; aiplatform's proto enums have a number there)."""
    return value.name if isinstance(value, enum.Enum) else value


def _safety_settings(given: Any) -> Any:
    """langchain-google-genai's `safety_settings` (a {category: threshold} dict, enums
    or their names) as the request's list; a list is sent as given."""
    if isinstance(given, Mapping):
        return [{"category": _enum_word(c), "threshold": _enum_word(t)} for c, t in given.items()]
    return given


def _clients_of_client_args(owner: str, args: Any, params: dict[str, Any]) -> None:
    """langchain-google-genai's `client_args` (the keywords the google-genai SDK builds
    its httpx clients with: `proxy`, `verify`, `trust_env`, `headers`...) honoured as the
    SDK honours them: chatplex's `http_client` and `http_async_client`, built with them."""
    if not args:
        return
    if not isinstance(args, Mapping):
        raise TypeError(
            f"{owner}(client_args=...) takes a dict of httpx.Client keywords, "
            f"not {type(args).__name__}"
        )
    if "http_client" in params or "http_async_client" in params:
        raise TypeError(
            f"{owner}(client_args=...) builds the HTTP clients; with http_client= or "
            "http_async_client= as well, give the clients those settings instead"
        )
    import httpx

    params["http_client"] = httpx.Client(**args)
    params["http_async_client"] = httpx.AsyncClient(**args)


def _attempts_as_retries(max_retries: int | None) -> int:
    """langchain-google-genai's `max_retries` counts attempts (the google-genai SDK's
    `HttpRetryOptions.attempts`: 6 by default, 0 and 1 both a single attempt);
    chatplex's counts the retries after the first."""
    attempts = 6 if max_retries is None else max_retries
    return max(attempts - 1, 0)


def _fields(
    *,
    temperature: Any,
    safety_settings: Any,
    logprobs: str,
    labels: bool = False,
    audio_timestamp: bool = False,
) -> tuple[inspect.Parameter, ...]:
    """The LangChain parameters both classes take, declared once, in their classes'
    order, with what differs between the two (a default, a type, a field only
    langchain-google-vertexai has)."""
    return (
        TEMPERATURE.replace(default=temperature),
        field("max_output_tokens", "int | None"),
        TOP_P,
        TOP_K,
        N,
        STOP,
        field("safety_settings", "Any", safety_settings),
        field("response_mime_type", "str | None"),
        field("response_schema", "Mapping[str, Any] | None"),
        field("response_modalities", "Sequence[str] | None"),
        field("thinking_budget", "int | None"),
        field("include_thoughts", "bool | None"),
        field("thinking_level", "str | None"),
        field("cached_content", "str | None"),
        *((field("labels", "Mapping[str, str] | None"),) if labels else ()),
        SEED,
        PRESENCE_PENALTY,
        FREQUENCY_PENALTY,
        field("response_logprobs", "bool | None"),
        field("logprobs", logprobs),
        *((field("audio_timestamp", "bool | None"),) if audio_timestamp else ()),
        TIMEOUT,
        MAX_RETRIES,
        STREAMING,
        STREAM_USAGE,
        MODEL_KWARGS,
    )


_GENAI_FIELDS = _fields(temperature=UNSET, safety_settings=(), logprobs="int | None")
_VERTEX_FIELDS = _fields(
    temperature=None,
    safety_settings=None,
    logprobs="bool | int | None",
    labels=True,
    audio_timestamp=True,
)
#: Of the fields, LangChain's flat thinking settings (sent as `thinkingConfig`) and
#: those `ChatModel` takes; the others are Gemini body fields, sent when set.
_THINKING = ("thinking_budget", "include_thoughts", "thinking_level")
_MODEL_SETTINGS = (
    "temperature",
    "max_output_tokens",
    "top_p",
    "stop",
    "timeout",
    "max_retries",
    "streaming",
    "stream_usage",
    "model_kwargs",
)


def _google_settings(
    model: ChatModel,
    provider: str,
    adapter: Callable[[], Adapter],
    name: str,
    taken: DropinParams,
    *,
    temperature: float | None,
    **shaped: Any,
) -> None:
    """What both constructors do once they have an adapter: the Gemini body fields
    (the fields given, as `shaped` by the class where it differs; `thinkingConfig` from
    LangChain's flat thinking settings), the API-parameter check, and
    `ChatModel.__init__`. The adapter is built after the checks: Vertex AI's may look up
    Application Default Credentials."""
    owner, given = taken.owner, taken.given
    api_params = taken.api_params = check_refused(
        owner, provider, taken.api_params, own=_REFUSED[provider], own_off=_OFF
    )
    check_api_parameters(provider, api_params, settings=constructor_names(type(model)), owner=owner)
    generation = {k: v for k, v in given.items() if k not in (*_THINKING, *_MODEL_SETTINGS)}
    body: dict[str, Any] = {k: v for k, v in {**generation, **shaped}.items() if v is not None}
    n = body.pop("n", None)
    if n is not None:
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ValueError(f"n must be an int >= 1, got {n!r}")
        if n > 1 and given["streaming"]:
            raise ValueError("n must be 1 when streaming (a stream carries one candidate)")
        body["candidate_count"] = n
    config = {k: given[k] for k in _THINKING if given[k] is not None}
    if config:
        if "thinking_config" in api_params:
            raise TypeError(f"{owner}: pass thinking_config= or thinking_budget=/..., not both")
        body["thinking_config"] = config
    taken.settle(
        model,
        adapter(),
        name,
        temperature=temperature,
        max_tokens=given["max_output_tokens"],
        # Both LangChain classes count attempts (google-genai's `HttpRetryOptions`,
        # langchain-google-vertexai's tenacity `stop_after_attempt`): 6 by default.
        max_retries=_attempts_as_retries(given["max_retries"]),
        **body,
    )


class _GoogleDropin(ChatModel):
    """The LangChain-facing bits both classes share."""

    structured_output_method = "json_schema"  # langchain-google-genai's default

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model

    def _count_tokens(
        self, body: dict[str, Any], families: tuple[ErrorFamily, ...] | None = None
    ) -> int:
        """`countTokens` of the model with `body` (`count.py`'s), sent as the model's
        calls are (`side_call`) but in one attempt (neither partner retries a count),
        raising `families`' errors where given."""
        from ...chat.side_call import side_call
        from .adapter import GeminiAdapter
        from .adapter import VertexAIAdapter
        from .count import total_tokens

        adapter = self.adapter
        assert isinstance(adapter, (GeminiAdapter, VertexAIAdapter))  # built on one
        request = adapter.count_request(self.model, body)
        return side_call(self, request, total_tokens, error_families=families, retried=False)

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        """`with_structured_output(method="json_mode")` with a schema sends the schema:
        both partners' json_mode is a response schema (langchain-google-genai's an alias
        of "json_schema", langchain-google-vertexai's `response_schema`)."""
        if method == "json_mode" and schema is not None:
            method = "json_schema"
        return self, method


class ChatGoogleGenerativeAI(_GoogleDropin):
    """The Gemini API with langchain-google-genai's constructor. Parameters are
    LangChain's, plus chatplex's own (`rate_limit`, `retry_policy`, `max_retry_after`,
    `extra_headers`, `stream_idle_timeout`, `max_response_bytes`, `name`, `stream_usage`:
    False strips usage from streamed chunks). Other
    keywords must be fields of a Gemini request (`candidate_count`, `seed`,
    `response_json_schema`, `cached_content`...): anything else is a TypeError naming
    the closest known name.

    The key: `google_api_key` / `api_key`, else `GOOGLE_API_KEY` / `GEMINI_API_KEY`.
    `base_url` or `client_options={"api_endpoint": ...}` point at another server,
    `api_version` picks the API version ("v1beta").

    As langchain-google-genai (compared side by side in tests/partners/google): the
    request carries `temperature` 0.7 unless given (none for Gemini 3 and later),
    `candidateCount` (`n`, 1) and `safetySettings` (a {category: threshold} dict or a
    list); `max_retries` counts attempts (6; 0 or 1: one attempt); replies keep
    Gemini's finish word (STOP, MAX_TOKENS, SAFETY...); a blocked prompt or a withheld
    candidate is an empty reply saying why, not an error; errors are also
    langchain-google-genai's and google-genai's classes when those are imported.
    `init_chat_model("google_genai:...")` builds this class.
    """

    langchain_llm_type = "chat-google-generative-ai"
    langchain_namespace = ("langchain_google_genai", "chat_models")
    langchain_package = "langchain-google-genai"
    langchain_fields = PartnerFields(
        aliases={
            "api_key": "google_api_key",
            "max_tokens": "max_output_tokens",
            "candidate_count": "n",
            "retries": "max_retries",
            "request_timeout": "timeout",
            "stop_sequences": "stop",
            "thinking_level": "reasoning_effort",
        },
        defaults={"temperature": 0.7, "n": 1, "max_retries": 6, "default_metadata": []},
        inert=frozenset({"default_metadata"}),
        secrets={"google_api_key": "GOOGLE_API_KEY", "gemini_api_key": "GEMINI_API_KEY"},
        floats=frozenset({"temperature", "timeout"}),
        unwritten={
            **dict.fromkeys(("credentials", "vertexai", "project", "location", "safety_settings")),
            "convert_system_message_to_human": False,
            "default_metadata": (),
            "streaming": None,  # LangChain's switch, unset: None there
        },
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
    )
    langchain_profiles = "google_genai"

    def langchain_profile_names(self) -> tuple[str, ...]:
        # langchain-google-genai's key: no resource path, no regional or version suffix.
        name = re.sub(r"^[a-z]{2,}\.(?=(?:gemini|gemma)-)", "", self.model.lower().rsplit("/")[-1])
        return (re.sub(r"-\d{3}$", "", name),)

    def langchain_num_tokens(self, text: str) -> int:
        """langchain-google-genai's `get_num_tokens`: Gemini's count of the text (its
        `get_num_tokens_from_messages` is langchain-core's, one count per message)."""
        from .count import text_body
        from .errors import COUNT_ERROR_FAMILIES

        return self._count_tokens(text_body(text), COUNT_ERROR_FAMILIES)

    def __init__(
        self,
        model: str | None = None,
        *,
        google_api_key: str | Secret | None = None,
        base_url: str | None = None,
        client_options: Mapping[str, Any] | None = None,
        api_version: str | None = None,
        additional_headers: Mapping[str, str] | None = None,
        client_args: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        from .adapter import GeminiAdapter

        _clients_of_client_args(type(self).__name__, client_args, params)
        taken = take_params(self, params, _GENAI_FIELDS)
        given = taken.given
        endpoint = (client_options or {}).get("api_endpoint")
        if endpoint and "://" not in endpoint:
            endpoint = f"https://{endpoint}"
        url = pick(type(self).__name__, base_url=base_url, api_endpoint=endpoint)
        name_given = model or DEFAULT_GENAI_MODEL
        temperature = given["temperature"]
        if temperature is UNSET:
            temperature = _default_temperature(name_given)

        def adapter() -> GeminiAdapter:
            return GeminiAdapter(
                api_key=google_api_key,
                base_url=url,
                default_headers=additional_headers,
                api_version=api_version or "v1beta",
            )

        _google_settings(
            self,
            "google_genai",
            adapter,
            name_given,
            taken,
            temperature=temperature,
            # Always sent (1 by default), as langchain-google-genai sends it.
            n=given["n"] or 1,
            # Sent even when empty, as langchain-google-genai sends it.
            safety_settings=list(_safety_settings(given["safety_settings"]) or ()),
        )


class ChatVertexAI(_GoogleDropin):
    """Gemini on Vertex AI with langchain-google-vertexai's constructor: `model` /
    `model_name`, `project`, `location`, `credentials` (google-auth; default:
    Application Default Credentials, the extra `chatplex[vertexai]`), or `api_key`
    for Vertex AI express mode; generation settings as `ChatGoogleGenerativeAI`'s.
    `with_structured_output` calls a function by default, as langchain-google-vertexai.
    """

    langchain_llm_type = "vertexai"
    langchain_namespace = ("langchain", "chat_models", "vertexai")
    langchain_package = "langchain-google-vertexai"
    langchain_fields = PartnerFields(
        aliases={
            "model": "model_name",
            "base_url": "api_endpoint",
            "transport": "api_transport",
            "max_tokens": "max_output_tokens",
            "stop_sequences": "stop",
        },
        defaults={
            "location": "us-central1",
            "request_parallelism": 5,
            "max_retries": 6,
            "default_metadata": [],
            "endpoint_version": "v1beta1",
            "n": 1,
        },
        inert=frozenset({"request_parallelism", "default_metadata", "endpoint_version"}),
        excluded=frozenset({"credentials"}),
        # Its validator names the model with its project and location (never written).
        resolved={"full_model_name": "full_model_name"},
        floats=frozenset({"temperature", "timeout"}),
        unwritten={
            **dict.fromkeys(
                (
                    "api_transport",
                    "client_cert_source",
                    "client_preview",
                    "tuned_model_name",
                    "examples",
                    "wait_exponential_kwargs",
                )
            ),
            "logprobs": False,
            "perform_literal_eval_on_string_raw_content": False,
            "default_metadata": (),
        },
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
        ),
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
    )
    langchain_profiles = "google_vertexai"

    def langchain_profile_names(self) -> tuple[str, ...]:
        return (re.sub(r"-\d{3}$", "", self.model.replace("models/", "")),)

    structured_output_method = "function_calling"  # langchain-google-vertexai's default
    #: `streaming=True` changes the request (no candidateCount): the LangChain drop-in
    #: tells the engine (chatplex/langchain/dropin.py).
    streaming_shapes_request = True

    @property
    def project(self) -> str | None:
        """The Google Cloud project the calls go to (None in express mode)."""
        from .adapter import VertexAIAdapter  # loaded already: the model was built on it

        return self.adapter.project if isinstance(self.adapter, VertexAIAdapter) else None

    @property
    def location(self) -> str | None:
        """The Vertex AI region, or "global"."""
        from .adapter import VertexAIAdapter

        return self.adapter.location if isinstance(self.adapter, VertexAIAdapter) else None

    @property
    def max_output_tokens(self) -> int | None:
        """LangChain's name for `max_tokens`."""
        return self.max_tokens

    def langchain_num_tokens(self, text: str) -> int:
        """langchain-google-vertexai's `get_num_tokens`: the text counted as one human
        message."""
        from ...messages import HumanMessage

        return self._count_messages([HumanMessage(text)], None)

    def langchain_counts_messages(self) -> bool:
        return True  # langchain-google-vertexai asks countTokens

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        """langchain-google-vertexai's `get_num_tokens_from_messages`; None for any
        keyword (its signature takes none: langchain-core's count then refuses it)."""
        return None if keywords else self._count_messages(messages, tools)

    def _count_messages(self, messages: list[BaseMessage], tools: Sequence[Any] | None) -> int:
        """One `countTokens` of the conversation's contents (system messages left out,
        tools ignored with a warning, as langchain-google-vertexai does)."""
        from .adapter import VertexAIAdapter
        from .count import contents_body

        if tools:
            _logger.warning(
                "Tool token counting is not yet supported for ChatVertexAI. "
                "The tools parameter will be ignored."
            )
        adapter = self.adapter
        assert isinstance(adapter, VertexAIAdapter)  # built on one
        return self._count_tokens(contents_body(adapter.full_model_name(self.model), messages))

    @property
    def full_model_name(self) -> str:
        """The model's resource name as langchain-google-vertexai's field holds it
        (`projects/<project>/locations/<location>/publishers/google/models/<model>`; a
        name holding a path of its own is kept)."""
        model = self.model
        if "/" not in model:
            model = f"publishers/google/models/{model}"
        if model.startswith("models/"):
            model = f"publishers/google/{model}"
        if model.startswith("publishers/"):
            return f"projects/{self.project}/locations/{self.location}/{model}"
        return model

    def __init__(
        self,
        model: str | None = None,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        api_key: str | Secret | None = None,
        api_endpoint: str | None = None,
        base_url: str | None = None,
        endpoint_version: str = "v1beta1",
        additional_headers: Mapping[str, str] | None = None,
        **params: Any,
    ) -> None:
        from .adapter import VertexAIAdapter

        taken = take_params(self, params, _VERTEX_FIELDS)
        given = taken.given
        endpoint = pick(type(self).__name__, base_url=base_url, api_endpoint=api_endpoint)
        if isinstance(endpoint, str) and endpoint and "://" not in endpoint:
            endpoint = f"https://{endpoint}"

        def adapter() -> VertexAIAdapter:
            return VertexAIAdapter(
                project=project,
                location=location,
                credentials=credentials,
                api_key=api_key,
                base_url=endpoint,
                # langchain-google-vertexai's default, where Vertex AI's newest fields are
                api_version=endpoint_version,
                default_headers=additional_headers,
            )

        logprobs = given["logprobs"]
        _google_settings(
            self,
            "google_vertexai",
            adapter,
            model or DEFAULT_VERTEX_MODEL,
            taken,
            temperature=given["temperature"],
            # langchain-google-vertexai sends candidateCount, except in streams
            n=given["n"] or (None if given["streaming"] else 1),
            safety_settings=_safety_settings(given["safety_settings"]),
            # langchain-google-vertexai's: True asks for the chosen tokens' logprobs,
            # a number also for that many top candidates per token
            response_logprobs=given["response_logprobs"] or (True if logprobs else None),
            logprobs=None if isinstance(logprobs, bool) else logprobs or None,
        )


# The request fields LangChain's classes name as fields, sent as any API parameter is
# (listed in their signatures), and their other spellings of parameters.
dropin(
    ChatGoogleGenerativeAI,
    fields=_GENAI_FIELDS,
    declared=("image_config", "labels", "media_resolution", "stop_sequences", "thinking_config"),
    aliases=spellings(
        "model_name",
        "request_timeout",
        api_key="google_api_key",
        # the Gemini adapter's name, which init_chat_model took before
        default_headers="additional_headers",
        max_tokens="max_output_tokens",
        candidate_count="n",
        retries="max_retries",
    ),
)
dropin(
    ChatVertexAI,
    fields=_VERTEX_FIELDS,
    declared=("stop_sequences",),
    aliases=spellings(
        "model_name", "request_timeout", google_api_key="api_key", max_tokens="max_output_tokens"
    ),
)
