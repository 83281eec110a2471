"""Anthropic's Messages API on AWS Bedrock, as the anthropic SDK's `AnthropicBedrock`
client sends it (langchain-aws's `ChatAnthropicBedrock`, chatplex's `anthropic_bedrock`).

The body is the Messages request of Anthropic's own wire (`providers/anthropic/`: the
declared crossing from this folder), changed where the SDK changes it: no `model` (it is
in the path, `POST /model/{model}/invoke`), no `stream` (the path says it:
`/invoke-with-response-stream`), `anthropic_version: "bedrock-2023-05-31"` (Bedrock's;
the SDK sends its own API version, which Bedrock's InvokeModel does not take) unless the
body names one, a request's betas also as `anthropic_beta`. Region, endpoint, SigV4
signing (or a Bedrock API key) and the event-stream framing are the Converse adapter's
(`adapter.py`); a stream's `chunk` events carry Anthropic's stream events, read by the
Anthropic wire's parser. Replies and errors are Anthropic's (its SDK's classes).

>>> from chatplex.messages import HumanMessage
>>> adapter = AnthropicBedrockAdapter(region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE",
...                                   aws_secret_access_key="not-a-real-secret")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
...     stream=False)
>>> request.url
'https://bedrock-runtime.us-east-1.amazonaws.com/model/us.anthropic.claude-sonnet-4-5-20250929-v1:0/invoke'
>>> request.json["anthropic_version"], "model" in request.json
('bedrock-2023-05-31', False)
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from functools import cache
from typing import Any
from urllib.parse import quote

from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import reveal
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.sse_event import SSEEvent
from ...errors import MissingKeyError
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import BaseMessage
from ...messages import UsageMetadata
from ...secret import Secret
from ...secret import held_keys
from ...secret import merged_headers
from ...secret.urls import hold_url
from ..anthropic.adapter import AnthropicAdapter
from ..anthropic.stream import AnthropicStreamParser
from .adapter import BedrockAdapter
from .auth import _no_credentials
from .eventstream import EventStreamDecoder
from .eventstream import EventStreamMessage
from .invoke import ANTHROPIC_VERSION as BEDROCK_VERSION
from .response import REQUEST_ID_HEADER
from .stream import BedrockStreamParser

__all__ = [
    "ENDPOINT_VARIABLE",
    "AnthropicBedrockAdapter",
    "AnthropicBedrockStreamParser",
    "guardrail_headers",
]

#: The anthropic SDK's variable for the Bedrock endpoint (a proxy, a VPC endpoint).
ENDPOINT_VARIABLE = "ANTHROPIC_BEDROCK_BASE_URL"
_BETA_HEADER = "anthropic-beta"
_CALL_FIELDS = frozenset({"guardrail_config"})
_PROFILE_HEADER = "anthropic-user-profile-id"


def guardrail_headers(config: Mapping[str, Any] | None) -> dict[str, str]:
    """Bedrock's guardrail headers of a Converse-style `guardrail_config`, as langchain-aws
    writes them (InvokeModel takes guardrails as headers): none for none, a ValueError in
    its words without an identifier or a version."""
    if not config:
        return {}
    identifier, version = config.get("guardrailIdentifier"), config.get("guardrailVersion")
    if not identifier or not version:
        raise ValueError(
            "guardrail_config requires both 'guardrailIdentifier' and 'guardrailVersion'."
        )
    headers = {
        "X-Amzn-Bedrock-GuardrailIdentifier": str(identifier),
        "X-Amzn-Bedrock-GuardrailVersion": str(version),
    }
    if trace := config.get("trace"):
        headers["X-Amzn-Bedrock-Trace"] = str(trace).upper()
    return headers


@cache
def _session_error() -> type[Exception]:
    """The error of a signature with no AWS credentials: the Converse adapter's
    (botocore's NoCredentialsError, chatplex's `MissingKeyError`, named as botocore's),
    also the RuntimeError the anthropic SDK's `AnthropicBedrock` raises there (so a
    drop-in's call raises that class, as langchain-aws's `ChatAnthropicBedrock`).
    Pickled whole."""
    missing = type(_no_credentials(""))

    def reduce(self: Exception) -> tuple[Any, ...]:
        return (_session_missing, (str(self),))

    return type(
        missing.__name__,
        (RuntimeError, missing),
        {"__reduce__": reduce, "__module__": missing.__module__},
    )


def _session_missing(words: str) -> Exception:
    """`_session_error`'s error in `words` (what unpickling calls)."""
    return _session_error()(words)


class AnthropicBedrockAdapter(AnthropicAdapter):
    """Anthropic's Messages API over Bedrock's InvokeModel, signed with SigV4 (or a
    Bedrock API key). Its AWS settings are `BedrockAdapter`'s (region, endpoint,
    credentials, profile); the others are `AnthropicAdapter`'s, but its key and base
    URL (Bedrock's are AWS's). The endpoint: `endpoint_url=` (or its alias `base_url=`,
    as the Converse adapter's), else `ANTHROPIC_BEDROCK_BASE_URL` (the SDK's), else the
    region's bedrock-runtime.
    `guardrail_config`: a Bedrock guardrail's, sent as its headers; a call's
    `guardrail_config=` replaces it. `now`: the signature's clock (tests freeze it)."""

    stream_framing: Callable[[], EventStreamDecoder] = EventStreamDecoder

    @property
    def registry_name(self) -> str | None:
        return "anthropic_bedrock"

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
        default_headers: Mapping[str, str] | None = None,
        anthropic_version: str = BEDROCK_VERSION,  # (sent in the body)
        default_max_tokens: int | None = None,
        extra_block_types: Sequence[str] = (),
        effort_set: bool = False,
        later_systems: bool = False,
        reuse_last_container: bool = False,
        guardrail_config: Mapping[str, Any] | None = None,
        now: Callable[[], Any] | None = None,
    ) -> None:
        # Rebound first: no local of this frame holds a key in clear (tracebacks), nor a
        # URL carrying one (refused by the Converse adapter, held until then).
        endpoint_url, base_url = hold_url(endpoint_url), hold_url(base_url)
        aws_access_key_id, aws_secret_access_key = (
            as_secret(aws_access_key_id),
            as_secret(aws_secret_access_key),
        )
        aws_session_token, api_key = as_secret(aws_session_token), as_secret(api_key)
        self._aws = BedrockAdapter(
            region_name=region_name,
            endpoint_url=endpoint_url,
            base_url=base_url
            or (None if endpoint_url else hold_url(os.environ.get(ENDPOINT_VARIABLE))),
            aws_access_key_id=aws_access_key_id,
            aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token,
            credentials_profile_name=credentials_profile_name,
            api_key=api_key,
            now=now,
        )
        del aws_access_key_id, aws_secret_access_key, aws_session_token, api_key
        guardrail_headers(guardrail_config)  # (refused before any call)
        self.guardrail_config = guardrail_config
        #: The endpoint and region, as the Converse adapter resolved them.
        self.endpoint_url = self._aws.endpoint_url
        self.region_name = self._aws.region_name
        super().__init__(
            base_url=self.endpoint_url,
            base_variables=(),  # (no environment key: AWS signs)
            anthropic_version=anthropic_version,
            default_headers=default_headers,
            default_max_tokens=default_max_tokens,
            extra_block_types=extra_block_types,
            effort_set=effort_set,
            later_systems=later_systems,
            reuse_last_container=reuse_last_container,
        )

    def __repr__(self) -> str:
        return (
            f"AnthropicBedrockAdapter(region_name={getattr(self, 'region_name', None)!r}, "
            f"endpoint_url={getattr(self, 'endpoint_url', None)!r})"
        )

    @property
    def call_body_fields(self) -> frozenset[str]:
        """A call's `guardrail_config`, taken (its headers sent in the model's place)."""
        return _CALL_FIELDS

    def build_request(
        self, messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Anthropic's request, moved onto InvokeModel as `AnthropicBedrock` moves it,
        and signed (`_post`); raises before any I/O."""
        self._aws._refuse_key_in_clear()
        return super().build_request(messages, settings, stream=stream)

    def _post(self, body: dict[str, Any], headers: dict[str, Any]) -> HTTPRequest:
        model, stream = str(body.pop("model")), bool(body.pop("stream", False))
        # A call's guardrail in the model's place, as the SDK's `extra_headers` (over them).
        guardrail = body.pop("guardrail_config", None) or self.guardrail_config
        body.setdefault("anthropic_version", self.anthropic_version)  # (Bedrock's)
        held = {k: v for k, v in headers.items() if k.lower() != "anthropic-version"}
        held.update(guardrail_headers(guardrail))
        betas = header_value(held, _BETA_HEADER)
        if betas:
            body.setdefault("anthropic_beta", betas.split(","))
        profile = next((k for k in held if k.lower() == _PROFILE_HEADER), None)
        if profile is not None:  # (the SDK sends it in the body on Bedrock)
            body.setdefault("user_profile_id", held.pop(profile))
        if stream:
            held["accept"] = "application/vnd.amazon.eventstream"
        action = "invoke-with-response-stream" if stream else "invoke"
        url = f"{self.endpoint_url}/model/{quote(model, safe=':;')}/{action}"
        # Revealed into a dict whose repr masks them, marked with the values held (botocore's
        # signing log masks them), signed as the Converse adapter's.
        revealed = merged_headers(reveal(held, self._secret_names), keys=held_keys(held.values()))
        try:
            return self._aws._signed_post(url, body, revealed)
        except MissingKeyError as err:  # no AWS credentials
            raise _session_error()(str(err)) from err.__cause__

    def credential_ids(self) -> frozenset[str]:
        return self._aws.credential_ids()

    def stream_parser(self, headers: Mapping[str, str]) -> AnthropicBedrockStreamParser:  # type: ignore[override]
        return AnthropicBedrockStreamParser(header_value(headers, REQUEST_ID_HEADER))

    def budget_key(self, model: str) -> tuple[str, ...]:
        return ("anthropic_bedrock", *self._aws.budget_key(model)[1:])

    def batch_api_for(self, model: str, limits: Any = None) -> Any:
        """None: Bedrock's batch inference is no Message Batches API (the SDK refuses it)."""
        return None


class AnthropicBedrockStreamParser:
    """An `invoke-with-response-stream` body's messages: each `chunk` event's Anthropic
    stream event read by the Anthropic wire's parser; an exception message raised as
    the anthropic SDK raises it (an error event's). Usage as `ChatAnthropicBedrock`
    reports it: the input on the first chunk (Bedrock counts it in `message_start`),
    the output on the closing one."""

    __slots__ = ("_aws", "_inner", "_request_id")

    def __init__(self, request_id: str | None = None) -> None:
        self._request_id = request_id
        self._inner = AnthropicStreamParser(request_id)
        self._aws = BedrockStreamParser(request_id, None)

    def feed(self, event: EventStreamMessage | SSEEvent) -> AIMessageChunk | None:
        if not isinstance(event, EventStreamMessage):
            return self._aws.feed(event)  # raises: no event-stream framing
        if event.message_type != "event":  # as the SDK reads it: an `error` event
            return self._inner.feed(SSEEvent(event="error", data=json.dumps(_error(event))))
        if event.event_type != "chunk":
            return None  # events newer than chatplex
        data = self._event(event.payload)
        chunk = self._inner.feed(SSEEvent(event=str(data.get("type")), data=json.dumps(data)))
        kind = data.get("type")
        if chunk is not None and kind == "message_start":
            usage = (data.get("message") or {}).get("usage")
            if isinstance(usage, Mapping):
                chunk.usage_metadata = _input_usage(usage)
        elif chunk is not None and kind == "message_delta" and chunk.usage_metadata:
            out = chunk.usage_metadata.get("output_tokens", 0)
            chunk.usage_metadata = UsageMetadata(
                input_tokens=0, output_tokens=out, total_tokens=out
            )
        return chunk

    def finish(self) -> None:
        self._inner.finish()

    def _event(self, payload: bytes) -> dict[str, Any]:
        try:
            outer = json.loads(payload)
            data = json.loads(base64.b64decode(outer["bytes"], validate=True))
        except (binascii.Error, ValueError, TypeError, KeyError) as exc:
            raise StreamError(
                f"Bedrock stream chunk is not a base64 JSON event: {payload[:200]!r}",
                provider="anthropic",
                request_id=self._request_id,
            ) from exc
        if not isinstance(data, dict):
            raise StreamError(
                f"Bedrock stream chunk is not a JSON object: {payload[:200]!r}",
                provider="anthropic",
                request_id=self._request_id,
            )
        return data


def _error(event: EventStreamMessage) -> dict[str, Any]:
    """An exception message as the anthropic SDK's Bedrock decoder reads it: Anthropic's
    error event, of the exception's type and message."""
    message = event.error_message
    try:
        given = json.loads(event.payload) if event.payload else {}
    except ValueError:
        given = {}
    if isinstance(given, dict) and isinstance(given.get("message"), str):
        message = given["message"]
    return {"type": "error", "error": {"type": event.event_type, "message": message}}


def _input_usage(usage: Mapping[str, Any]) -> UsageMetadata:
    """message_start's input count, its cache reads and writes added (langchain-aws's)."""
    read, write = usage.get("cache_read_input_tokens"), usage.get("cache_creation_input_tokens")
    total = (usage.get("input_tokens") or 0) + (read or 0) + (write or 0)
    details = {k: v for k, v in (("cache_read", read), ("cache_creation", write)) if v is not None}
    return UsageMetadata(
        input_tokens=total,
        output_tokens=0,
        total_tokens=total,
        input_token_details=details,  # type: ignore[typeddict-item]
    )
