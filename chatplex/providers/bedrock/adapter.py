"""AWS Bedrock Converse (`POST /model/{modelId}/converse` and `/converse-stream`).

Pure translation, as every adapter: the request body (`request.py`), the reply,
stream events and errors (`response.py`); plus what only AWS has:

- **Region and endpoint**: `region_name`, else `AWS_REGION`, `AWS_DEFAULT_REGION`, or the
  profile's region; the endpoint `https://bedrock-runtime.{region}.amazonaws.com`
  unless `endpoint_url=` (or its alias `base_url=`, as in langchain-aws) says otherwise
  (a VPC endpoint, a proxy, the mock server), or else the endpoint boto3 would read from
  `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`, `AWS_ENDPOINT_URL` or the shared config file.
- **config**: a botocore `Config`'s `region_name` is honoured (after `region_name=` and
  the environment, as langchain-aws); options chatplex's requests would not follow
  (proxies, certificates, FIPS endpoints...) are a ValueError (`client_config`).
- **Headers**: `default_headers` are added to every request and signed with it; a name
  or value that is not a printable ASCII string is a ValueError at construction.
- **Model ids**: foundation model ids (`anthropic.claude-3-5-haiku-20241022-v1:0`),
  cross-region inference profiles (`us.anthropic.claude-...`) and ARNs (provisioned
  throughput, application inference profiles) go URL-encoded in the path.
- **Credentials** (`auth.py`, through botocore: `pip install
  'chatplex[bedrock]'`): `aws_access_key_id` / `aws_secret_access_key` /
  `aws_session_token`, else `credentials_profile_name`'s profile, else botocore's default
  chain (environment, shared files, SSO, web identity, container and instance roles).
  Each request is signed with SigV4 over the exact body bytes sent
  (`HTTPRequest.content`). A Bedrock API key (`api_key=` or `bedrock_api_key=`, else
  `AWS_BEARER_TOKEN_BEDROCK`) is sent as a Bearer token instead, and wins over AWS
  keys, as in langchain-aws. Keys and tokens are `Secret`s: no repr, error or log shows them.
- **Streams** use AWS's binary event-stream framing: the adapter's `stream_framing`
  (`eventstream.EventStreamDecoder`) decodes it for the attempt engine.

The signature is computed when the request is built, once per call: retries of that
call resend it, which AWS accepts within its five-minute clock window.

>>> from chatplex.messages import HumanMessage
>>> adapter = BedrockAdapter(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
...                          aws_secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="us.anthropic.claude-3-5-haiku-20241022-v1:0"),
...     stream=False)
>>> request.url
'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/converse'
>>> request.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
True
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import os
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from ...adapters.base import Adapter
from ...adapters.base_url import BaseURL
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_headers
from ...adapters.validate import check_messages
from ...errors import APIError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import Secret
from ...secret import merged_headers
from ...secret.urls import hold_url
from ...secret.urls import redact_url
from .auth import BEARER_VARIABLE
from .auth import BearerToken
from .auth import BotocoreOptions
from .auth import ClientConfig
from .auth import SigV4Signer
from .auth import client_config
from .auth import configured_endpoint
from .auth import resolve_region
from .conversation import SERVER_TOOL_BLOCK_TYPES
from .conversation import is_native
from .errors import ERROR_FAMILIES
from .eventstream import EventStreamDecoder
from .profile_reader import ProfileReader
from .reasoning_effort import EffortRule
from .request import converse_body
from .request import converse_model
from .response import PROVIDER
from .response import REQUEST_ID_HEADER
from .response import error_from
from .response import parse_reply
from .stream import BedrockStreamParser
from .tool_config import cache_point_tool

if TYPE_CHECKING:  # annotations only
    from typing import Self

__all__ = [
    "BLOCK_TYPES",
    "BedrockAdapter",
    "ChatBedrockFields",
]

#: Content blocks this adapter sends: text, images, files and videos (base64), and the reasoning,
#: tool-use and server-tool blocks of previous replies (sent back as they came; Anthropic's
#: `redacted_thinking` left out). Others are refused before any request.
BLOCK_TYPES = BlockTypes(
    frozenset(
        {
            "text",
            "image_url",
            "image",
            "file",
            "video",
            "reasoning",
            "reasoning_content",
            "thinking",
            "redacted_thinking",
            "tool_use",
            "guard_content",
        }
    )
    | SERVER_TOOL_BLOCK_TYPES
)
_JSON = "application/json"


@dataclasses.dataclass(frozen=True, slots=True)
class ChatBedrockFields:
    """What langchain-aws's `ChatBedrock` holds of its fields where its validators change
    what was given, and what its Converse model is built from: its record reads them
    (`dropin_record.BEDROCK_RECORD`, `invoke_dropin.bound_on`)."""

    #: Whether its calls go to Converse (its `beta_use_converse_api`, resolved).
    converse: bool = False
    #: `model_kwargs`' temperature and max_tokens where taken as those fields, and
    #: `model_kwargs` without them then (None: nothing taken).
    temperature: Any = None
    max_tokens: Any = None
    model_kwargs: dict[str, Any] | None = None
    #: Its `model_kwargs`' Converse keys set (`max_tokens`, `top_p`...), its guardrails
    #: where enabled, its endpoint as given: what its Converse model is built from.
    converse_kwargs: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    guardrails: Mapping[str, Any] | None = None
    endpoint_url: str | None = None


def _secret(value: str | Secret | None, name: str) -> Secret | None:
    try:
        return as_secret(value)
    except TypeError:
        raise TypeError(f"{name} must be a str or a Secret") from None


def _environment_keys(
    session_token: Secret | None,
) -> tuple[Secret | None, Secret | None, Secret | None]:
    """The AWS keys of the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
    AWS_SESSION_TOKEN), read once, when the model is built, as langchain-aws reads them
    into its fields: a key changed later is not the model's (botocore's chain, which
    reads them otherwise, would read them at the first call). None for each when the
    pair is not there: the chain then finds the credentials at the first call."""
    access = os.environ.get("AWS_ACCESS_KEY_ID")
    secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
    if not (access and secret):
        return None, None, session_token
    token = session_token or os.environ.get("AWS_SESSION_TOKEN")
    return Secret(access), Secret(secret), Secret(token) if isinstance(token, str) else token


class BedrockAdapter(Adapter):
    """The Bedrock Converse wire API, signed with SigV4 (or a Bedrock API key).

    See the module docstring for region, endpoint, model ids and credentials. `now`:
    a clock for the signature (tests freeze it; a function returning a UTC datetime).
    `profile_reader`: what reads the profile's region and endpoint (a drop-in's build
    shares its own); None: one of the adapter's.
    """

    endpoint_url: str

    provider = PROVIDER
    #: A drop-in's `bind_tools([], tool_choice="any")` is bound and sent without the
    #: choice (no `toolConfig`), as langchain-aws sends it (`request.converse_fields`).
    keeps_choice_without_tools = True
    #: The model this adapter's replies are named by (`for_model`); None on the shared
    #: adapter. Converse replies do not name their model, so the reply's
    #: `response_metadata["model_name"]` is the model asked for, as langchain-aws sets it.
    model: str | None = None
    #: The base model replies are named by instead (a profile's or an ARN's), as
    #: langchain-aws's `base_model_id` names them; set by `ChatBedrockConverse`.
    base_model_id: str | None = None
    #: The model's vendor as langchain-aws's `provider` names it (given, or read from the
    #: model id), set by `ChatBedrockConverse`: a Claude model's cache points follow it.
    vendor: str | None = None
    #: Its errors are also botocore's `ClientError` subclasses, as langchain-aws raises.
    error_families = ERROR_FAMILIES
    #: The attempt engine decodes this wire's streams with it (not server-sent events).
    stream_framing: Callable[[], EventStreamDecoder] = EventStreamDecoder
    #: What a call's `reasoning_effort` becomes (the model's profile levels and base
    #: model, `reasoning_effort.py`); set by `ChatBedrockConverse`. None: sent as it is.
    effort_rule: EffortRule | None = None
    #: Whether the last user turn goes under the guardrail alone (langchain-aws's
    #: `guard_last_turn_only`, `request.guarded_last_turn`); set by `ChatBedrockConverse`.
    guard_last_turn: bool = False
    #: Converse turns sent as they are in place of a call's messages (langchain-aws's
    #: `raw_blocks`); set by `ChatBedrockConverse`.
    raw_turns: Sequence[Mapping[str, Any]] | None = None
    #: The tool choices the model takes ("auto", "any", "tool"), as langchain-aws's
    #: `supports_tool_choice_values` (given, or inferred from the model); set by
    #: `ChatBedrockConverse`: its `with_structured_output` forces a tool where "tool".
    tool_choice_values: tuple[str, ...] = ()
    #: The tool choice bound in place of the one given, on a copy `with_structured_output`
    #: offers its tool unforced (`converse_dropin.structured_target`); (): as given.
    structured_choice: tuple[str | None, ...] = ()
    #: What boto3's client says of itself in a drop-in's headers (its Config's options);
    #: set by `ChatBedrockConverse`. None: nothing said (chatplex's own family).
    botocore: BotocoreOptions | None = None
    #: langchain-aws's `additional_model_request_fields` where its `reasoning_effort`
    #: added to them (None: as given); set by `ChatBedrockConverse`, its field reads it.
    request_fields: dict[str, Any] | None = None
    #: langchain-aws's `ChatBedrock`'s own fields as it holds them; set by its record's
    #: `build` (`invoke_dropin.py`). None: another model.
    chat_bedrock: ChatBedrockFields | None = None

    def __init__(
        self,
        *,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        base_url: str | None = None,
        aws_access_key_id: str | Secret | None = None,
        aws_secret_access_key: str | Secret | None = None,
        aws_session_token: str | Secret | None = None,
        credentials_profile_name: str | None = None,
        api_key: str | Secret | None = None,
        bedrock_api_key: str | Secret | None = None,
        default_headers: Mapping[str, str] | None = None,
        config: Any = None,
        now: Callable[[], Any] | None = None,
        profile_reader: ProfileReader | None = None,
    ) -> None:
        # Rebound first: no local of this frame holds a key in clear (tracebacks).
        # Rebound first: no local of this frame holds a credential in clear (tracebacks).
        endpoint_url, base_url = hold_url(endpoint_url), hold_url(base_url)
        aws_access_key_id = _secret(aws_access_key_id, "aws_access_key_id")
        aws_secret_access_key = _secret(aws_secret_access_key, "aws_secret_access_key")
        aws_session_token = _secret(aws_session_token, "aws_session_token")
        api_key = _secret(api_key, "api_key")
        bedrock_api_key = _secret(bedrock_api_key, "bedrock_api_key")
        if api_key is not None and bedrock_api_key is not None:
            raise ValueError("pass api_key or bedrock_api_key (its alias), not both")
        api_key = api_key or bedrock_api_key
        from_config = config if isinstance(config, ClientConfig) else client_config(config)
        if from_config.timeout is not None or from_config.max_retries is not None:
            raise ValueError(
                "config's timeouts and retries are the chat model's settings: pass timeout= "
                "and max_retries= (ChatBedrockConverse reads them from config itself)"
            )
        # One botocore Session for the region's and the endpoint's lookups (a drop-in's
        # build shares its own).
        reader = profile_reader or ProfileReader(credentials_profile_name)
        self.region_name = resolve_region(region_name, reader, from_config.region_name)
        if endpoint_url and base_url and endpoint_url != base_url:
            raise ValueError("pass endpoint_url or base_url (its alias), not both")
        if isinstance(endpoint_url or base_url, Secret):  # held: it carries a credential
            raise ValueError("endpoint_url must not carry credentials; AWS requests are signed")
        endpoint_url = endpoint_url or base_url or configured_endpoint(reader)
        #: Whether the endpoint was given or configured (boto3's User-Agent says so).
        self.endpoint_given = bool(endpoint_url)
        default = f"https://bedrock-runtime.{self.region_name}.amazonaws.com"
        where = BaseURL.parse(endpoint_url or default, "")
        if where.secret_url is not None or where.basic_auth is not None:
            raise ValueError("endpoint_url must not carry credentials; AWS requests are signed")
        #: The endpoint (no trailing "/").
        self.endpoint_url = where.base_url
        self.credentials_profile_name = credentials_profile_name
        if api_key is None and os.environ.get(BEARER_VARIABLE):
            api_key = Secret(os.environ[BEARER_VARIABLE])  # no local holds it in clear
        self._auth: SigV4Signer | BearerToken
        # A Bedrock API key, given or from the environment, wins over AWS keys, as in
        # langchain-aws.
        if api_key:
            self._auth = BearerToken(api_key)
        else:
            if not (aws_access_key_id or aws_secret_access_key or credentials_profile_name):
                aws_access_key_id, aws_secret_access_key, aws_session_token = _environment_keys(
                    aws_session_token
                )
            self._auth = SigV4Signer(
                self.region_name,
                access_key=aws_access_key_id,
                secret_key=aws_secret_access_key,
                session_token=aws_session_token,
                profile=credentials_profile_name,
                now=now,
            )
        self._digest = hashlib.sha256(self._auth.digest_source().encode()).hexdigest()[:16]
        check_headers(default_headers, "default_headers")
        self._headers = merged_headers(default_headers, lower=True)
        #: The headers every request carries; `_headers` may add an API's own options.
        self._default_headers = merged_headers(self._headers)
        self.block_types = BLOCK_TYPES

    def __repr__(self) -> str:
        # Named by its class: the InvokeModel adapter shows the same fields.
        return (
            f"{type(self).__name__}(region_name={getattr(self, 'region_name', None)!r}, "
            f"endpoint_url={redact_url(getattr(self, 'endpoint_url', '') or '')!r}, "
            f"auth={getattr(self, '_auth', None)!r})"
        )

    def credential_ids(self) -> frozenset[str]:
        """botocore's User-Agent ids of how the credentials were found (its chain's once
        the first request's signature found them)."""
        return self._auth.feature_ids()

    def url(self, model: str, *, stream: bool) -> str:
        """The endpoint of `model` (its id, inference profile or ARN, URL-encoded)."""
        action = "converse-stream" if stream else "converse"
        return f"{self.endpoint_url}/model/{quote(model, safe='')}/{action}"

    def for_model(self, model: str) -> Self:
        """This adapter for one call to `model`: its replies and streams name that model
        (a shallow copy: credentials, signer and endpoint are shared)."""
        view = copy.copy(self)
        view.model = self.base_model_id or model
        return view

    # -- request ---------------------------------------------------------------------------

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate, translate and sign one call; raises ValueError/TypeError before any
        I/O (a missing credential too)."""
        # No messages go as one "." user turn (`wire_messages`): whether a call may be
        # empty is the caller's rule (`PartnerCalls.empty_input_sent`).
        if not settings.model or not isinstance(settings.model, str):
            raise ValueError("a Bedrock call needs a model id")
        self._refuse_key_in_clear()
        if self.raw_turns is None:
            self._check_messages(messages)  # (else not sent)
        body = converse_body(
            messages,
            settings,
            self.base_model_id or settings.model,
            self.effort_rule,
            self.vendor,
            guard_last_turn=self.guard_last_turn,
            raw_turns=self.raw_turns,
        )
        headers = merged_headers(self._headers, {"content-type": _JSON})
        if stream:
            headers.setdefault("accept", "application/vnd.amazon.eventstream")
        model = converse_model(settings)
        return self._signed_post(self.url(model, stream=stream), body, headers)

    def count_tokens_request(self, model_id: str, body: Mapping[str, Any]) -> HTTPRequest:
        """CountTokens of `model_id` (as langchain-aws names it) with `body` (a
        `count_tokens.py` input), signed; the default headers only (an API's request
        options, guardrails or service tier, are not CountTokens')."""
        self._refuse_key_in_clear()
        url = f"{self.endpoint_url}/model/{quote(model_id, safe='')}/count-tokens"
        headers = merged_headers(self._default_headers, {"content-type": _JSON})
        return self._signed_post(url, body, headers)

    def _refuse_key_in_clear(self) -> None:
        """As botocore refuses it (on the call, not at construction): a Bedrock API key
        sent in clear can be read on the way."""
        if isinstance(self._auth, BearerToken) and not self.endpoint_url.startswith("https://"):
            raise ValueError(
                "a Bedrock API key is sent only over https: endpoint_url is "
                f"{redact_url(self.endpoint_url)!r}"
            )

    def _signed_post(
        self, url: str, body: Mapping[str, Any], headers: Mapping[str, str]
    ) -> HTTPRequest:
        """The POST of `body` to `url`, signed over the bytes sent (`HTTPRequest.content`)."""
        content = _encode(body)
        # Lower-case names (botocore writes `Authorization`, `X-Amz-Date`), one spelling
        # each, marked as `headers` were (a header carrying the key stays masked).
        signed = merged_headers(headers, self._auth.sign("POST", url, content, headers), lower=True)
        return HTTPRequest(
            method="POST",
            url=url,
            headers=signed,
            json=body,
            content=content,
            secret_headers=signed.credential_names(),
        )

    # -- responses -------------------------------------------------------------------------

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        return parse_reply(body, headers, self.model)

    def stream_parser(self, headers: Mapping[str, str]) -> BedrockStreamParser:
        return BedrockStreamParser(header_value(headers, REQUEST_ID_HEADER), self.model, headers)

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response; never raises, whatever the body."""
        return error_from(status, body, headers)

    def _check_messages(self, messages: list[BaseMessage]) -> None:
        # Blank text and empty lists go as "." (`conversation.EMPTY_TEXT`), as langchain-aws
        # sends them.
        check_messages(
            _checkable(messages),
            provider=PROVIDER,
            block_types=self.block_types,
            empty_text=True,
            empty_list=True,
        )

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """Converse has no such setting, and in `additionalModelRequestFields` the model
        refuses it (an extraneous key: a 400): True asks for what Converse models do
        anyway, so nothing is sent; False cannot be honoured, a ValueError before any
        request."""
        if parallel:
            return {}
        raise ValueError(
            f"{self.provider}: Bedrock Converse has no parallel_tool_calls setting, so "
            "bind_tools(..., parallel_tool_calls=False) cannot be honoured (sent in "
            "additionalModelRequestFields, the model refuses it); leave it out"
        )

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """A cache point among the tools, bound and sent in its place as given
        (`tool_config.cache_point_tool`), as langchain-aws's ChatBedrockConverse does."""
        return cache_point_tool(tool)

    #: Function-calling structured output binds its tool with `strict` when given, as
    #: langchain-aws's `bind_tools([schema], ..., strict=strict)` does, but never with
    #: `parallel_tool_calls`, which Converse has not.
    structured = StructuredProfile(forced_tool_settings=True, single_call_models=frozenset())

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any] | None:
        """A pydantic class by "json_schema" goes as langchain-aws sends it: the model's
        own JSON schema (titles, `$defs`, defaults and optional fields kept, nothing
        made required), closed by `output_config`; a JSON-schema dict as given (its title
        and description kept in it); other schemas as the shared default."""
        if method != "json_schema":
            return None
        if spec.kind == "pydantic":
            schema = spec.target.model_json_schema()
        elif _json_schema_dict(given):
            schema = copy.deepcopy(dict(given))
        else:
            return None
        inner = {"name": spec.name or "output_schema", "schema": schema}
        return {"response_format": {"type": "json_schema", "json_schema": inner}}

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, endpoint, digest of the access key id or profile, model): never a
        secret. The region is in the endpoint: each region has its own quotas."""
        return (PROVIDER, self.endpoint_url, self._digest, model)


def _json_schema_dict(given: Any) -> bool:
    """Whether `given` is a JSON schema itself (not a function or tool dict naming one)."""
    return (
        isinstance(given, Mapping)
        and ("properties" in given or "type" in given)
        and not {"parameters", "function", "json_schema"} & set(given)
    )


def _checkable(messages: list[BaseMessage]) -> list[BaseMessage]:
    """The messages as `check_messages` reads them: Converse's own blocks (no "type",
    sent as they are) stand as typed blocks there, their text still checked."""
    out = messages
    for i, message in enumerate(messages):
        content = message.content
        if isinstance(content, list) and any(is_native(b) for b in content):
            if out is messages:
                out = list(messages)
            shown = [{"type": "text", "native": b} if is_native(b) else b for b in content]
            out[i] = message.model_copy(update={"content": shown})
    return out


# The http layer's encoding (compact UTF-8, no NaN); the adapter serialises the body
# itself because the signature must cover the bytes sent.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _encode(body: Mapping[str, Any]) -> bytes:
    try:
        return _ENCODER.encode(body).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(
            f"the request has a character that cannot be sent as UTF-8 ({exc.reason}: a "
            "lone surrogate in a tool schema or an extra field); fix or drop it"
        ) from None
