"""`ChatVertexAI`: langchain-google-vertexai's class as a record (`PartnerClass`: its
facts in `dropin_record.py`, how its model is built and what it does its own way here):
`chatplex.langchain.ChatVertexAI` makes its LangChain chat model from it. Gemini on
Vertex AI, its generation settings as `ChatGoogleGenerativeAI`'s (`dropin.py`; both read
by `dropin_settings.py`).

Its constructor is langchain-google-vertexai's: `model` / `model_name`, `project`,
`location`, `credentials` (google-auth; default: Application Default Credentials, the
extra `chatplex[vertexai]`), or `api_key` for Vertex AI express mode; `base_url` /
`api_endpoint`, `endpoint_version` ("v1beta1"), `additional_headers`,
`tuned_model_name` and `full_model_name` (where every call goes); generation settings
as `ChatGoogleGenerativeAI`'s, plus its `logprobs` (True, or how many top candidates),
`labels` and `audio_timestamp`. Without `location`, the calls go where
langchain-google-vertexai's do: `GOOGLE_CLOUD_REGION`, else `CLOUD_ML_REGION`, else
"us-central1". `with_structured_output` calls a function by default, as
langchain-google-vertexai. `request_parallelism`, `client_options`, `client_preview`,
`examples` and `default_metadata` are taken and change nothing, as there; its
`client_cert_source` is refused where GOOGLE_API_USE_CLIENT_CERTIFICATE is "true"
(mutual TLS). `wait_exponential_kwargs` sets its retries' waits as there
(`vertex_waits.py`); `perform_literal_eval_on_string_raw_content=True` reads a
message's text as a Python literal of content as there (`vertex_literal.py`). Its
requests say who calls as its SDK's do (`partner_headers`, with
google-auth's `cred-type/...` of the credentials in use).

>>> model = build({"model": "gemini-2.5-flash", "api_key": "AQ-example", "n": 2})
>>> model.get_name(), model.model, model.extra_body["candidate_count"]
('ChatVertexAI', 'gemini-2.5-flash', 2)
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import platform
import re
import urllib.parse
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...chat.dropin import pick
from ...chat.params import PartnerTypeError
from ...chat.params import SettingRefused
from ...chat.partner_record import MessagesCount
from ...chat.partner_record import PartnerDeprecation
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import TokenTold
from ...chat.partner_record import checked_keywords
from ...chat.partner_record import held_and_spelled
from ...chat.partner_record import keywordless
from ...chat.partner_record import partner_model
from ...chat.partner_record import take_settings
from ...chat.sdk_agents import PartnerHeaders
from .dropin_record import VERTEX_NO_FIELD
from .dropin_record import VERTEX_RECORD
from .dropin_settings import GEMINI_FIELDS
from .dropin_settings import OFF_VALUES
from .dropin_settings import REFUSED_ALIKE
from .dropin_settings import attempts_as_retries
from .dropin_settings import gemini_body
from .dropin_settings import moved_keywords
from .request import safety_settings

if TYPE_CHECKING:
    from ...adapters.base import Adapter
    from ...chat.model import ChatModel
    from ...messages import BaseMessage
    from .vertex_auth import VertexAuth

__all__ = [
    "ChatVertexAI",
    "build",
    "count_messages",
    "num_tokens",
    "num_tokens_from_messages",
    "partner_headers",
    "profile_names",
    "structured_target",
]

_logger = logging.getLogger(__name__)

_OWNER = "ChatVertexAI"
#: Its other spellings of its keywords, each -> the one it stands for: LangChain's
#: `model_name` and `request_timeout`, langchain-google-genai's `google_api_key`, the
#: `default_headers` the ChatGoogleGenerativeAI drop-in also takes as its headers, and
#: its pydantic aliases `max_tokens` and `stop_sequences` (read as their fields by the
#: drop-in before `build`).
_SPELLINGS = {
    "model_name": "model",
    "request_timeout": "timeout",
    "google_api_key": "api_key",
    "default_headers": "additional_headers",
    "max_tokens": "max_output_tokens",
    "stop_sequences": "stop",
}
#: Its keywords taken, changing nothing, as langchain-google-vertexai takes them (its
#: fields, read by chatplex.langchain): its `request_parallelism`, `client_preview` and
#: `examples` are held and never read by its chat model, and its validator replaces
#: `client_options` (with its endpoint's) and `default_metadata` (with the additional
#: headers' items).
_HELD = ("request_parallelism", "client_options", "default_metadata", "client_preview", "examples")
#: Its Gemini request fields, in its order, sent where set (`dropin_settings.gemini_body`).
_GEMINI_FIELDS = (
    *GEMINI_FIELDS,
    "labels",
    "seed",
    "presence_penalty",
    "frequency_penalty",
    "response_logprobs",
    "logprobs",
    "audio_timestamp",
)

#: LangChain's default model when none is named.
DEFAULT_VERTEX_MODEL = "gemini-2.0-flash"
#: Where langchain-google-vertexai calls when no `location=` is given: the Vertex AI
#: SDK's default location (`initializer.global_config.location`), the first of these
#: variables set, else its default region. GOOGLE_CLOUD_LOCATION (google-genai's, which
#: chatplex's own Vertex AI model reads) is not one of them.
LOCATION_VARIABLES, DEFAULT_LOCATION = ("GOOGLE_CLOUD_REGION", "CLOUD_ML_REGION"), "us-central1"
#: Settings of langchain-google-vertexai chatplex cannot honour, and why (a TypeError,
#: never ignored).
REFUSED = {
    **REFUSED_ALIKE,
    "api_transport": "chatplex speaks REST (JSON over HTTP); api_transport='rest' only",
    # langchain-google-vertexai's alias of api_transport
    "transport": "chatplex speaks REST (JSON over HTTP); transport='rest' only",
    # (langchain-google-genai's setting, which ChatGoogleGenerativeAI takes)
    "convert_system_message_to_human": "not a setting of langchain-google-vertexai; "
    "system messages go as systemInstruction",
}


def build(keywords: dict[str, Any]) -> ChatModel:
    """langchain-google-vertexai's constructor: the model from its fields as held
    (`PartnerClass.build`), refused before any request as the partner refuses; the
    adapter (which may look up Application Default Credentials) built after the checks."""
    from .vertex_adapter import VertexAIAdapter
    from .vertex_adapter import vertex_model_name

    given = held_and_spelled(_OWNER, keywords, _SPELLINGS)
    for held in _HELD:
        given.pop(held, None)
    if given.pop("client_cert_source", None) is not None and _presents_client_certificates():
        raise SettingRefused(
            f"{_OWNER}(client_cert_source=...) with {_CLIENT_CERTIFICATE}=true is not "
            "supported: chatplex presents no client certificate (mutual TLS); unset the "
            "variable or leave the setting out"
        )
    moved_keywords(given, _OWNER, "langchain_google_vertexai.chat_models", 0, VERTEX_NO_FIELD)
    model = given.pop("model", None) or DEFAULT_VERTEX_MODEL
    project, location = given.pop("project", None), given.pop("location", None)
    credentials, api_key = given.pop("credentials", None), given.pop("api_key", None)
    base_url, api_endpoint = given.pop("base_url", None), given.pop("api_endpoint", None)
    endpoint_version = given.pop("endpoint_version", "v1beta1")
    headers = given.pop("additional_headers", None)
    tuned, full = given.pop("tuned_model_name", None), given.pop("full_model_name", None)
    waits = given.pop("wait_exponential_kwargs", None)
    literals = given.pop("perform_literal_eval_on_string_raw_content", False)
    if waits is not None:
        waits = _checked_waits(waits)
    fields = {name: given.pop(name, None) for name in _GEMINI_FIELDS}
    settings = take_settings(given)
    endpoint = pick(_OWNER, base_url=base_url, api_endpoint=api_endpoint)
    if isinstance(endpoint, str) and endpoint and "://" not in endpoint:
        endpoint = f"https://{endpoint}"
    api_params = checked_keywords(
        ChatVertexAI, _OWNER, "google_vertexai", given, own=REFUSED, own_off=OFF_VALUES
    )
    streaming, logprobs = settings.get("streaming"), fields["logprobs"]
    body = gemini_body(
        _OWNER,
        fields,
        api_params,
        streaming=streaming,
        # langchain-google-vertexai sends candidateCount, except in streams
        n=fields["n"] or (None if streaming else 1),
        safety_settings=safety_settings(fields["safety_settings"]),
        # langchain-google-vertexai's: True asks for the chosen tokens' logprobs, a
        # number also for that many top candidates per token
        response_logprobs=fields["response_logprobs"] or (True if logprobs else None),
        logprobs=None if isinstance(logprobs, bool) else logprobs or None,
    )
    try:
        adapter = VertexAIAdapter(
            project=project,
            location=partner_location(location),
            credentials=credentials,
            api_key=api_key,
            base_url=endpoint,
            api_version=endpoint_version,  # its default, where Vertex AI's newest fields are
            default_headers=headers,
            own_jwt=True,  # as the partner's generated client signs its own
            as_partner=True,
        )
    except Exception as err:
        if project is not None:
            raise
        raise _project_not_found(err) from err
    adapter.reads_literals = bool(literals)  # (its truth, as it reads the field)
    if full is not None or tuned is not None:
        adapter.resource = full or adapter.full_model_name(tuned or "")
    # Its `full_model_name` field: as given, else the tuned model's or the model's
    # resource name (a name holding a path of its own kept; "None" as the project in
    # express mode, as its validator writes it).
    adapter.partner_full_model_name = full or vertex_model_name(
        tuned or model, adapter.project, adapter.location
    )
    settings.update(
        max_tokens=fields["max_output_tokens"],
        max_retries=attempts_as_retries(settings.get("max_retries")),
    )
    built = partner_model(ChatVertexAI, adapter, model, {**settings, **body, **api_params})
    if waits is not None and built.retry_policy is None:  # (`retry_policy=` replaces it)
        from ...chat.retrying import retry_policy_for
        from .vertex_waits import partner_waits

        # What it retries, and how often, as without the setting: its partner calls
        # (set on the engine after this) retry as chatplex's own, for calls and streams.
        built.retry_policy = partner_waits(retry_policy_for(built), waits, built.max_retry_after)
    built.structured_output_method = "function_calling"  # langchain-google-vertexai's default
    routed = None if adapter.project is None else adapter.partner_full_model_name
    said = (_OWNER, model, routed)
    base = partner_headers(*said)
    built.sdk_headers = CredentialHeaders(
        base.sync, base.aio, base.names, base.per_attempt, said=said, auth=adapter.auth
    )
    return built


@dataclasses.dataclass(frozen=True, slots=True)
class CredentialHeaders(PartnerHeaders):
    """langchain-google-vertexai's headers (`partner_headers` said for `said`: class
    name, model, routed resource), with the `cred-type/...` google-auth adds to each of
    its API requests for the credentials in use (`auth`'s; Application Default
    Credentials: once looked up, which a call's request does before these are read, so
    the headers a call keeps for the next ones name them), made once per credentials'
    type."""

    said: tuple[str, str, str | None] = (_OWNER, DEFAULT_VERTEX_MODEL, None)
    auth: VertexAuth | None = None
    made: dict[str, Mapping[str, str]] = dataclasses.field(default_factory=dict, compare=False)

    def sent_by(self, sync: bool) -> Mapping[str, str]:
        used = self.auth.metric() if self.auth is not None else None
        if used is None:
            return self.sync  # (its sync and async clients say the same)
        made = self.made.get(used)
        if made is None:
            made = self.made[used] = partner_headers(*self.said, used=used).sync
        return made


def _checked_waits(waits: Mapping[str, Any]) -> dict[str, float]:
    """`wait_exponential_kwargs` as its field holds it (`dict[str, float]`: numbers as
    floats, pydantic's error for another value); a key tenacity's `wait_exponential`
    does not take is its TypeError, which langchain-google-vertexai raises at each call
    before any request, raised here at construction."""
    from .vertex_waits import partner_wait

    field = "wait_exponential_kwargs"  # (pydantic's error locates the value under it)
    held: dict[str, float] = _waits_field().validate_python({field: waits})[field]
    try:
        partner_wait(held)
    except TypeError as err:
        raise PartnerTypeError(str(err)) from None
    return held


@functools.cache
def _waits_field() -> Any:
    from typing import Literal

    from pydantic import TypeAdapter

    return TypeAdapter(dict[Literal["wait_exponential_kwargs"], dict[str, float]])


#: The variable that makes the partner's SDK client present `client_cert_source`'s
#: certificate (google-api-core's `should_use_client_cert`).
_CLIENT_CERTIFICATE = "GOOGLE_API_USE_CLIENT_CERTIFICATE"


def _presents_client_certificates() -> bool:
    return os.environ.get(_CLIENT_CERTIFICATE, "false").lower() == "true"


def profile_names(model: ChatModel) -> tuple[str, ...]:
    """langchain-google-vertexai's profile key: the model's name without `models/` or a
    version suffix."""
    return (re.sub(r"-\d{3}$", "", model.model.replace("models/", "")),)


def structured_target(
    model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """langchain-google-vertexai answers every method but "json_mode" by function
    calling: "json_schema" too (json_mode with a schema: both Google classes' answer,
    `dropin_base.structured_target`)."""
    from .dropin_base import structured_target as google_target

    return google_target(model, "function_calling" if method == "json_schema" else method, schema)


def num_tokens(model: ChatModel, text: str) -> int:
    """langchain-google-vertexai's `get_num_tokens`: the text counted as one human
    message."""
    from ...messages import HumanMessage

    return count_messages(model, [HumanMessage(text)], None)


def count_messages(
    model: ChatModel, messages: list[BaseMessage], tools: Sequence[Any] | None
) -> int:
    """One `countTokens` of the conversation's contents (system messages left out, tools
    ignored with a warning, as langchain-google-vertexai does)."""
    from .count import contents_body
    from .dropin_base import count_tokens
    from .vertex_adapter import VertexAIAdapter
    from .vertex_literal import literal_messages

    if tools:
        _logger.warning(
            "Tool token counting is not yet supported for ChatVertexAI. "
            "The tools parameter will be ignored."
        )
    adapter = model.adapter
    assert isinstance(adapter, VertexAIAdapter)  # built on one
    if adapter.reads_literals:  # (its counts read the text as its requests do)
        messages = literal_messages(messages)
    return count_tokens(model, contents_body(adapter.called_resource(model.model), messages))


#: langchain-google-vertexai's `get_num_tokens_from_messages` (its signature takes no
#: keyword).
num_tokens_from_messages = keywordless(count_messages)


def partner_location(given: str | None) -> str:
    """The location langchain-google-vertexai calls: `given`, else its SDK's default
    (`LOCATION_VARIABLES`, `DEFAULT_LOCATION`)."""
    found = (os.environ.get(variable) for variable in LOCATION_VARIABLES)
    return given or next((value for value in found if value), DEFAULT_LOCATION)


#: The distributions whose versions langchain-google-vertexai's requests name, and the
#: versions its header forms were read from (sent where one is not installed here).
READ_VERSIONS = {
    "langchain-google-vertexai": "3.2.5",
    "requests": "2.34.2",
    "grpcio": "1.85.3",
    "google-api-core": "2.44.0",
}
#: langchain-google-vertexai's telemetry tag, added where this variable is set.
_TELEMETRY = ("GOOGLE_CLOUD_AGENT_ENGINE_ID", "+remote_reasoning_engine")


def partner_headers(
    name: str, model: str, routed: str | None = None, used: str | None = None
) -> PartnerHeaders:
    """The headers langchain-google-vertexai's class `name` sends for `model` over the
    REST transport (the one chatplex speaks): requests' User-Agent, and
    `x-goog-api-client` as google-api-core's `ClientInfo.to_user_agent` writes the
    client info of its `_utils.get_client_info(module=self._user_agent)`, whose module is
    already `get_user_agent`'s `langchain-google-vertexai/<version>-<Class>_<model>`; then
    google-auth's `cred-type/...` of the credentials in use (`used`), and chatplex last
    (Google's libraries append their tokens to this header). With the model's resource name
    (`routed`), the routing header its generated client adds
    (`gapic_v1.routing_header`: URL-encoded, `/` kept)."""
    from ...version import USER_AGENT

    tag = _TELEMETRY[1] if os.environ.get(_TELEMETRY[0]) else ""
    version = _version("langchain-google-vertexai")
    agent = f"langchain-google-vertexai/{version}-{name}_{model}{tag}"
    library = f"{version}-{agent}{tag}"
    client = (
        f"langchain-google-vertexai/{library} gl-python/{platform.python_version()} "
        f"grpc/{_version('grpcio')} gax/{_version('google-api-core')} gccl/{library}"
    )
    client = f"{client} {used} {USER_AGENT}" if used else f"{client} {USER_AGENT}"
    sent = {"User-Agent": f"python-requests/{_version('requests')}", "x-goog-api-client": client}
    if routed is not None:
        sent["x-goog-request-params"] = urllib.parse.urlencode({"model": routed}, safe="/")
    return PartnerHeaders(sent, sent, frozenset(h.lower() for h in sent), {})


@functools.cache
def _version(distribution: str) -> str:
    import importlib.metadata

    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return READ_VERSIONS[distribution]


#: The Vertex AI SDK's words where no project is given and none is found (its
#: `initializer.project`), which langchain-google-vertexai raises at construction.
_NO_PROJECT = (
    "Unable to find your project. Please provide a project ID by:"
    "\n- Passing a constructor argument"
    "\n- Using vertexai.init()"
    "\n- Setting project using 'gcloud config set project my-project'"
    "\n- Setting a GCP environment variable"
    "\n- To create a Google Cloud project, please follow guidance at "
    "https://developers.google.com/workspace/guides/create-project"
)


def _project_not_found(err: Exception) -> Exception:
    """What langchain-google-vertexai raises where no project is given and looking one up
    failed with `err`: google-auth's GoogleAuthError (the class of the credentials
    lookup's DefaultCredentialsError) in the SDK's words; a ValueError in them where
    credentials were found but name no project; `err` itself otherwise."""
    if type(err).__module__ == "google.auth.exceptions":
        from google.auth.exceptions import GoogleAuthError

        return GoogleAuthError(_NO_PROJECT)  # type: ignore[no-untyped-call]
    if isinstance(err, ValueError) and "needs a project" in str(err):
        return ValueError(_NO_PROJECT)
    return err


def told_if_text(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """What langchain-google-vertexai's `_stream` tells each token's hook: a piece whose
    content is text, that text and the piece; nothing of a piece of blocks."""
    content = piece.message.content
    return (content, {"chunk": piece}) if isinstance(content, str) else None


#: langchain-google-vertexai's `ChatVertexAI`: its facts (`dropin_record.py`), how its
#: model is built, and what it does its own way (its profile key, its countTokens
#: counts, every structured output method but json_mode by function calling).
ChatVertexAI = dataclasses.replace(
    VERTEX_RECORD,
    build=build,
    # (langchain-google-vertexai 3.2 on: ChatGoogleGenerativeAI reaches Vertex AI)
    deprecated=PartnerDeprecation(
        words="Use [`ChatGoogleGenerativeAI`][langchain_google_genai.ChatGoogleGenerativeAI] "
        "instead.",
        since="3.2.0",
        removal="4.0.0",
        alternative_import="langchain_google_genai.ChatGoogleGenerativeAI",
    ),
    # Its class-level executor, declared None: read on a model, None (the partner's
    # attribute is that declaration's FieldInfo, a ClassVar it never fills).
    helpers=(("task_executor", property(lambda _model: None)),),
    hooks=PartnerHooks(
        num_tokens=num_tokens,
        # (langchain-google-vertexai asks countTokens, for every model)
        messages_count=MessagesCount(num_tokens_from_messages),
        profile_names=profile_names,
        structured_target=structured_target,
        stream_tokens=StreamTokens(told_if_text),
    ),
)
