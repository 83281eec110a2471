"""`ChatVertexAI`: a chatplex chat model that takes the constructor of
langchain-google-vertexai: Gemini on Vertex AI, its generation settings as
`ChatGoogleGenerativeAI`'s (`dropin.py`; both built by `dropin_settings.py`).

>>> model = ChatVertexAI(model="gemini-2.5-flash", api_key="AQ-example", n=2)
>>> model.get_name(), model.model_name, model.extra_body["candidate_count"]
('ChatVertexAI', 'gemini-2.5-flash', 2)
"""

from __future__ import annotations

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

from ...chat.dropin import dropin
from ...chat.dropin import pick
from ...chat.dropin import spellings
from ...chat.params import SettingRefused
from ...chat.sdk_agents import PartnerHeaders
from .dropin_base import GoogleDropin
from .dropin_record import VERTEX_NO_FIELD
from .dropin_record import VERTEX_RECORD
from .dropin_settings import REFUSED_ALIKE
from .dropin_settings import google_fields
from .dropin_settings import google_params
from .dropin_settings import google_settings
from .request import safety_settings

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...messages import BaseMessage
    from ...secret import Secret

__all__ = [
    "ChatVertexAI",
    "count_messages",
    "num_tokens",
    "num_tokens_from_messages",
    "partner_headers",
    "profile_names",
    "structured_target",
]

_logger = logging.getLogger(__name__)

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
    "perform_literal_eval_on_string_raw_content": "a message's text is sent as written "
    "(never read as a Python literal of content blocks); pass the blocks as a list",
    "wait_exponential_kwargs": "retries wait as chatplex's retry policy sets (its own "
    "waits: retry_policy=)",
}
VERTEX_FIELDS = google_fields(
    temperature=None,
    safety_settings=None,
    logprobs="bool | int | None",
    labels=True,
    audio_timestamp=True,
)


class ChatVertexAI(GoogleDropin):
    """Gemini on Vertex AI with langchain-google-vertexai's constructor: `model` /
    `model_name`, `project`, `location`, `credentials` (google-auth; default:
    Application Default Credentials, the extra `chatplex[vertexai]`), or `api_key`
    for Vertex AI express mode; generation settings as `ChatGoogleGenerativeAI`'s.
    Without `location`, the calls go where langchain-google-vertexai's do:
    `GOOGLE_CLOUD_REGION`, else `CLOUD_ML_REGION`, else "us-central1".
    `with_structured_output` calls a function by default, as langchain-google-vertexai.
    """

    partner_record = VERTEX_RECORD

    def langchain_profile_names(self) -> tuple[str, ...]:
        return profile_names(self)

    structured_output_method = "function_calling"  # langchain-google-vertexai's default

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        return structured_target(self, method, schema)

    @property
    def project(self) -> str | None:
        """The Google Cloud project the calls go to (None in express mode)."""
        from .vertex_adapter import VertexAIAdapter  # loaded already: the model was built on it

        return self.adapter.project if isinstance(self.adapter, VertexAIAdapter) else None

    @property
    def location(self) -> str | None:
        """The Vertex AI region, or "global"."""
        from .vertex_adapter import VertexAIAdapter

        return self.adapter.location if isinstance(self.adapter, VertexAIAdapter) else None

    @property
    def max_output_tokens(self) -> int | None:
        """LangChain's name for `max_tokens`."""
        return self.max_tokens

    def langchain_num_tokens(self, text: str) -> int:
        return num_tokens(self, text)

    def langchain_counts_messages(self) -> bool:
        return True  # langchain-google-vertexai asks countTokens

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        return num_tokens_from_messages(self, messages, tools, keywords)

    #: langchain-google-vertexai's `tuned_model_name=`: the model (a bare name, or its
    #: endpoint's resource path) every call goes to, `model` naming it in replies.
    tuned_model_name: str | None = None
    #: Its `full_model_name=`, given: the resource every call goes to, as given.
    _full_model_name: str | None = None

    @property
    def full_model_name(self) -> str:
        """The resource every call goes to, as langchain-google-vertexai's field holds it:
        as given (`full_model_name=`), else the tuned model's or the model's resource name
        (`projects/<project>/locations/<location>/publishers/google/models/<model>`; a
        name holding a path of its own is kept)."""
        from .vertex_adapter import vertex_model_name

        if self._full_model_name is not None:
            return self._full_model_name
        return vertex_model_name(self.tuned_model_name or self.model, self.project, self.location)

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
        tuned_model_name: str | None = None,
        full_model_name: str | None = None,
        request_parallelism: int = 5,
        client_options: Any = None,
        default_metadata: Sequence[tuple[str, str]] = (),
        client_cert_source: Callable[[], tuple[bytes, bytes]] | None = None,
        client_preview: Any = None,
        examples: Sequence[Any] | None = None,
        **params: Any,
    ) -> None:
        from .vertex_adapter import VertexAIAdapter

        # Taken, changing nothing, as langchain-google-vertexai takes them (its fields,
        # read by chatplex.langchain): its `request_parallelism`, `client_preview` and
        # `examples` are held and never read by its chat model, and its validator
        # replaces `client_options` (with its endpoint's) and `default_metadata` (with
        # the additional headers' items). Its `client_cert_source` is presented only
        # where GOOGLE_API_USE_CLIENT_CERTIFICATE is "true" (mTLS): refused there.
        del request_parallelism, client_options, default_metadata, client_preview, examples
        if client_cert_source is not None and _presents_client_certificates():
            raise SettingRefused(
                f"{type(self).__name__}(client_cert_source=...) with "
                f"{_CLIENT_CERTIFICATE}=true is not supported: chatplex presents no "
                "client certificate (mutual TLS); unset the variable or leave the setting out"
            )

        taken = google_params(
            self,
            params,
            VERTEX_FIELDS,
            "ChatVertexAI",
            "langchain_google_vertexai.chat_models",
            outer=0,
            no_field=VERTEX_NO_FIELD,
        )
        given = taken.given
        endpoint = pick(type(self).__name__, base_url=base_url, api_endpoint=api_endpoint)
        if isinstance(endpoint, str) and endpoint and "://" not in endpoint:
            endpoint = f"https://{endpoint}"

        self.tuned_model_name = tuned_model_name
        self._full_model_name = full_model_name

        def adapter() -> VertexAIAdapter:
            try:
                built = VertexAIAdapter(
                    project=project,
                    location=partner_location(location),
                    credentials=credentials,
                    api_key=api_key,
                    base_url=endpoint,
                    # langchain-google-vertexai's default, where Vertex AI's newest fields are
                    api_version=endpoint_version,
                    default_headers=additional_headers,
                    own_jwt=True,  # as the partner's generated client signs its own
                    as_partner=True,
                )
            except Exception as err:
                if project is not None:
                    raise
                raise _project_not_found(err) from err
            if full_model_name is not None or tuned_model_name is not None:
                built.resource = full_model_name or built.full_model_name(tuned_model_name or "")
            return built

        logprobs = given["logprobs"]
        google_settings(
            self,
            "google_vertexai",
            adapter,
            model or DEFAULT_VERTEX_MODEL,
            taken,
            refused=REFUSED,
            temperature=given["temperature"],
            # langchain-google-vertexai sends candidateCount, except in streams
            n=given["n"] or (None if given["streaming"] else 1),
            safety_settings=safety_settings(given["safety_settings"]),
            # langchain-google-vertexai's: True asks for the chosen tokens' logprobs,
            # a number also for that many top candidates per token
            response_logprobs=given["response_logprobs"] or (True if logprobs else None),
            logprobs=None if isinstance(logprobs, bool) else logprobs or None,
        )
        if self.sdk_headers is None:  # (a subclass may say who calls its own way)
            routed = None if self.project is None else self.full_model_name
            self._sdk_for = (type(self).__name__, model or DEFAULT_VERTEX_MODEL, routed)
            self.sdk_headers = partner_headers(*self._sdk_for)

    #: The headers said without the credentials' type (`sdk_headers` adds it), and what
    #: they were made for (class name, model, routed resource).
    _sdk_base: PartnerHeaders | None = None
    _sdk_for: tuple[str, str, str | None] | None = None
    _sdk_made: tuple[PartnerHeaders, str, PartnerHeaders] | None = None

    @property
    def sdk_headers(self) -> PartnerHeaders | None:
        """Under LangChain's name, langchain-google-vertexai's headers, with the
        `cred-type/...` google-auth adds to each of its API requests for the credentials
        in use (Application Default Credentials: once looked up, which the first call's
        request does before these are read); None in chatplex's own family."""
        from .vertex_adapter import VertexAIAdapter  # loaded with the adapter it built

        base, named, adapter = self._sdk_base, self._sdk_for, self.__dict__.get("adapter")
        auth = adapter.auth if isinstance(adapter, VertexAIAdapter) else None
        used = auth.metric() if auth is not None and base is not None else None
        if base is None or named is None or used is None:
            return base
        made = self._sdk_made
        if made is None or made[0] is not base or made[1] != used:
            made = self._sdk_made = (base, used, partner_headers(*named, used=used))
        return made[2]

    @sdk_headers.setter
    def sdk_headers(self, headers: PartnerHeaders | None) -> None:
        self._sdk_base = headers


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


def num_tokens_from_messages(
    model: ChatModel,
    messages: list[BaseMessage],
    tools: Sequence[Any] | None,
    keywords: dict[str, Any],
) -> int | None:
    """langchain-google-vertexai's `get_num_tokens_from_messages`; None for any keyword
    (its signature takes none: langchain-core's count then refuses it)."""
    return None if keywords else count_messages(model, messages, tools)


def count_messages(
    model: ChatModel, messages: list[BaseMessage], tools: Sequence[Any] | None
) -> int:
    """One `countTokens` of the conversation's contents (system messages left out, tools
    ignored with a warning, as langchain-google-vertexai does)."""
    from .count import contents_body
    from .dropin_base import count_tokens
    from .vertex_adapter import VertexAIAdapter

    if tools:
        _logger.warning(
            "Tool token counting is not yet supported for ChatVertexAI. "
            "The tools parameter will be ignored."
        )
    adapter = model.adapter
    assert isinstance(adapter, VertexAIAdapter)  # built on one
    return count_tokens(model, contents_body(adapter.called_resource(model.model), messages))


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


dropin(
    ChatVertexAI,
    fields=VERTEX_FIELDS,
    declared=("stop_sequences",),
    aliases=spellings(
        "model_name",
        "request_timeout",
        google_api_key="api_key",
        max_tokens="max_output_tokens",
        # its `stop` field's alias: a call's `stop` replaces it
        stop_sequences="stop",
    ),
)
