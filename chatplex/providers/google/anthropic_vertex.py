"""Anthropic's Claude models on Vertex AI (`AnthropicVertexAdapter`), the wire of the
anthropic SDK's `AnthropicVertex` client: Anthropic's Messages body, built by the
Anthropic wire's own translation (`providers/anthropic/`: this folder's declared
crossing, docs/decisions/007-declared-crossings.md), sent to
`POST {base}/projects/{project}/locations/{location}/publishers/anthropic/models/
{model}:rawPredict` (a stream: `:streamRawPredict`, Anthropic's server-sent events).
What Vertex AI changes: no `model` in the body (it is in the path), the API version as
the body's `anthropic_version` (the anthropic SDK's, no `anthropic-version` header),
and a Google OAuth bearer token (`vertex_auth.VertexAuth`: `credentials=`, else
Application Default Credentials) or a fixed `access_token=`.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = AnthropicVertexAdapter(project="p", location="us-east5", access_token="t")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="claude-sonnet-4-5@20250929"), stream=False)
>>> request.url
'https://us-east5-aiplatform.googleapis.com/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict'
>>> "model" in request.json, request.json["anthropic_version"]
(False, '2026-10-21')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from ...adapters.base_url import endpoint_url
from ...adapters.connection import post_json
from ...adapters.keys import as_secret
from ...adapters.keys import hold_secrets
from ...adapters.keys import key_digest
from ...adapters.request_types import HTTPRequest
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...secret import MASK
from ...secret import Secret
from ...secret.urls import hold_url
from ..anthropic.adapter import ANTHROPIC_VERSION
from ..anthropic.adapter import AnthropicAdapter
from ..anthropic.response import SDK_BLOCK_FIELDS
from ..anthropic.stream import AnthropicStreamParser
from .adapter import checked_location
from .vertex_auth import VertexAuth
from .vertex_auth import authorized

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from ..anthropic.batch import AnthropicBatches

__all__ = ["BASE_VARIABLE", "AnthropicVertexAdapter", "default_base_url"]

#: The anthropic SDK's variable for the Vertex base URL (`AnthropicVertex`'s).
BASE_VARIABLE = "ANTHROPIC_VERTEX_BASE_URL"
#: The anthropic SDK's regions with hosts of their own (multi-region endpoints).
_OWN_HOSTS = {
    "global": "https://aiplatform.googleapis.com/v1",
    "us": "https://aiplatform.us.rep.googleapis.com/v1",
    "eu": "https://aiplatform.eu.rep.googleapis.com/v1",
}


def default_base_url(location: str) -> str:
    """The base URL the anthropic SDK's `AnthropicVertex` calls in `location`.

    >>> default_base_url("europe-west1"), default_base_url("global")
    ('https://europe-west1-aiplatform.googleapis.com/v1', 'https://aiplatform.googleapis.com/v1')
    """
    return _OWN_HOSTS.get(location) or f"https://{location}-aiplatform.googleapis.com/v1"


class AnthropicVertexAdapter(AnthropicAdapter):
    """Claude on Vertex AI: the Anthropic Messages wire at Vertex AI's `rawPredict`.

    `project` from `project=`, `GOOGLE_CLOUD_PROJECT`, or the credentials; `location`
    from `location=`, `CLOUD_ML_REGION` (the anthropic SDK's), `GOOGLE_CLOUD_LOCATION`,
    else "us-central1". The base URL (it includes `/v1`) from `base_url=`,
    `ANTHROPIC_VERTEX_BASE_URL`, else the location's (`default_base_url`).

    Credentials: `access_token=` (sent as given, never refreshed), else `credentials=`
    (google-auth), else Application Default Credentials; a token is refreshed by
    google-auth when it has expired, when the request is built (never logged).
    `as_partner=True` (its drop-in's): a message's text goes as a text block, as
    langchain-google-vertexai's `ChatAnthropicVertex` sends it.
    """

    provider = "google_anthropic_vertex"
    #: Whether text contents go as text blocks (its drop-in's partner sends them so).
    _text_as_blocks = False

    def __init__(
        self,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        access_token: str | Secret | None = None,
        base_url: str | Secret | None = None,
        anthropic_version: str = ANTHROPIC_VERSION,
        default_headers: Mapping[str, str] | None = None,
        default_max_tokens: int | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        own_jwt: bool = False,
        as_partner: bool = False,
    ) -> None:
        base_url = hold_url(base_url)  # rebound first: no local holds a credential in clear
        token = as_secret(access_token) or None
        del access_token
        location = checked_location(
            location
            or os.environ.get("CLOUD_ML_REGION")
            or os.environ.get("GOOGLE_CLOUD_LOCATION")
            or "us-central1"
        )
        self._auth: VertexAuth | None = None
        if token is None:
            self._auth = VertexAuth(credentials, project, own_jwt)
            project = self._auth.project
        project = project or os.environ.get("GOOGLE_CLOUD_PROJECT") or None
        if not project:
            raise ValueError(
                "Claude on Vertex AI needs a project: pass project=... or set GOOGLE_CLOUD_PROJECT"
            )
        self.project: str = project
        self.location = location
        self._token = token
        self._text_as_blocks = as_partner
        # (the variable's URL held as given: its user info is no local in clear)
        base = base_url or hold_url(os.environ.get(BASE_VARIABLE)) or default_base_url(location)
        super().__init__(
            base_url=base,
            anthropic_version=anthropic_version,
            default_headers=default_headers,
            default_max_tokens=default_max_tokens,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )
        # (its drop-in's partner holds the additional headers' items as default_metadata)
        held = hold_secrets(default_headers or {}, self._secret_names, ())
        self.held_default_headers = tuple(held.items())
        identity = token or (Secret(self._auth.identity) if self._auth is not None else None)
        self._key_digest = key_digest(identity, self.base_url)

    @property
    def shown_default_metadata(self) -> tuple[tuple[str, Any], ...]:
        """Its drop-in's partner's `default_metadata`: the additional headers' items, a
        credential header's value masked (`GeminiAdapter.shown_default_metadata`)."""
        held = self.held_default_headers
        return tuple((n, MASK if isinstance(v, Secret) else v) for n, v in held)

    def __repr__(self) -> str:
        return (
            f"AnthropicVertexAdapter(project={getattr(self, 'project', None)!r}, "
            f"location={getattr(self, 'location', None)!r}, "
            f"base_url={getattr(self, 'base_url', None)!r})"
        )

    @property
    def auth(self) -> VertexAuth | None:
        """The credentials' holder (None with a fixed `access_token`)."""
        return self._auth

    def _post(self, body: dict[str, Any], headers: dict[str, Any]) -> HTTPRequest:
        """The Messages request (built, validated and translated by `AnthropicAdapter`,
        its `headers` still held: no local holds a credential in clear) at Vertex AI's
        endpoint of its model, its body without `model`, with `anthropic_version`."""
        model, stream = str(body.pop("model")), bool(body.get("stream"))
        body.setdefault("anthropic_version", self.anthropic_version)  # (extra_body's wins)
        if self._text_as_blocks:
            _texts_as_blocks(body)
        held = {k: v for k, v in headers.items() if k.lower() != "anthropic-version"}
        if self._token is not None:
            held["Authorization"] = Secret("Bearer " + self._token.get())
        else:
            held = authorized(held, self._auth)
        path = (
            f"/projects/{quote(self.project, safe='')}/locations/{self.location}/publishers/"
            f"anthropic/models/{quote(model, safe='@')}:"
            f"{'streamRawPredict' if stream else 'rawPredict'}"
        )
        secret_url = None
        if self.secret_base_url is not None:
            secret_url = Secret(endpoint_url(self.secret_base_url.get(), path))
        url = endpoint_url(self.base_url, path)
        return post_json(url, body, held, self._secret_names | {"authorization"}, secret_url)

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """Anthropic's reply; its drop-in's as its partner reads it (`_as_partner_reads`)."""
        reply = super().parse_response(body, headers)
        return _as_partner_reads(reply) if self._text_as_blocks else reply

    def stream_parser(self, headers: Mapping[str, str]) -> AnthropicStreamParser:
        """Anthropic's parser; its drop-in's chunks as its partner reads them."""
        if not self._text_as_blocks:
            return super().stream_parser(headers)
        return _PartnerStreamParser(request_id=headers.get("request-id"))

    def batch_api_for(self, model: str, limits: Limits | None = None) -> AnthropicBatches:
        """Not on Vertex AI (the anthropic SDK's Vertex client has no Batch API either)."""
        raise NotImplementedError(
            "Anthropic's Message Batches API is not served on Vertex AI: submit_batch "
            "cannot use provider 'google_anthropic_vertex'"
        )


def _texts_as_blocks(body: dict[str, Any]) -> None:
    """Each turn's text content as one text block, as langchain-google-vertexai's
    `ChatAnthropicVertex` writes every message."""
    for turn in body.get("messages") or ():
        if isinstance(turn.get("content"), str):
            turn["content"] = [{"type": "text", "text": turn["content"]}]


def _as_partner_reads(message: AIMessage) -> Any:
    """`message` as langchain-google-vertexai's `ChatAnthropicVertex` reads a reply: no
    `model_provider` in its metadata (it names none), no empty `input_token_details`,
    a whole reply's blocks as the anthropic SDK's models dump them (None where unset)."""
    message.response_metadata.pop("model_provider", None)
    if isinstance(message.content, list) and not isinstance(message, AIMessageChunk):
        message.content = [_dumped(block) for block in message.content]
    usage = message.usage_metadata
    if usage is not None and not usage.get("input_token_details", True):
        usage.pop("input_token_details", None)
    return message


class _PartnerStreamParser(AnthropicStreamParser):
    """Anthropic's stream parser, its chunks as `_as_partner_reads` reads a reply."""

    def feed(self, event: Any) -> AIMessageChunk | None:
        chunk = super().feed(event)
        return None if chunk is None else _as_partner_reads(chunk)


def _dumped(block: Any) -> Any:
    """A reply's block with each field of its SDK model, None where the reply has none."""
    kind = block.get("type") if isinstance(block, dict) else None
    fields = SDK_BLOCK_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return block
    return {**{name: block.get(name) for name in fields}, **block}
