"""The contract between ChatModel and a wire API: four pure functions, no I/O.

An adapter turns messages + settings into an `HTTPRequest` description, and a response
body (or a stream of server-sent events) into `AIMessage` / `AIMessageChunk`. Sending,
retrying, rate limiting and pooling are the http layer's job, so a new provider is one
module implementing `Adapter` and gets all of that for free.

This module is the interface; the values passed through it are their own modules:
`request_types.py` (`CallSettings`, `ToolSpec`, `HTTPRequest`), `sse_event.py` (a
stream's `SSEEvent`) and `batch_api.py` (what `batch_api_for` returns). So are the
helpers an adapter's constructor uses: `base_url.py` (where it sends), `keys.py` (its
key and secret headers), `headers.py` and `error_detail.py` (reading a reply's headers
and a FastAPI-style error body).
"""

from __future__ import annotations

import dataclasses
import threading
from abc import ABC
from abc import abstractmethod
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Protocol
from typing import runtime_checkable

from ..errors import APIError
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..sdk_error_families import ErrorFamily
from ..secret import Secret
from ..secret import merged_headers
from .request_types import CallSettings
from .request_types import HTTPRequest
from .structured_profile import StructuredProfile

if TYPE_CHECKING:  # types of signatures only (the Batch API's, a drop-in's layer)
    from .batch_api import BatchAPI
    from .batch_api import Limits
    from .extra_body_layer import ExtraBodyLayer


__all__ = [
    "Adapter",
    "FrameDecoder",
    "HELPER_PIECE_PROVIDER",
    "CredentialFetch",
    "FetchesCredential",
    "HoldsPieces",
    "StreamParser",
    "TokenCounts",
]


class TokenCounts(Protocol):
    """A wire's local token counts (`Adapter.token_counts`), as its LangChain class
    makes them, of the model named `model`."""

    def token_ids(self, model: str, text: str) -> list[int]: ...

    def count_messages(
        self,
        model: str,
        messages: Sequence[BaseMessage],
        tools: Sequence[Any] | None = None,
        **keywords: Any,
    ) -> int: ...


@dataclasses.dataclass(frozen=True, slots=True)
class CredentialFetch:
    """One HTTP exchange that fetches the credential an adapter's `authorize` adds (a
    token for a key: watsonx's IBM Cloud IAM). The chat layer sends `request` as it
    sends a call (the model's client, timeout and retries, the call's deadline, no
    longer than `timeout` s, the reply capped at `max_bytes`), hands a 200 reply's body
    to `read` (which keeps the credential, or raises a typed error) and makes an error
    status `refused(status, body, headers)`; one exchange at a time per `holder` (`lock`
    for sync calls)."""

    request: HTTPRequest
    read: Callable[[bytes], None]
    refused: Callable[[int, bytes, Mapping[str, str]], APIError]
    max_bytes: int
    timeout: float
    lock: threading.Lock
    holder: object


@runtime_checkable
class FetchesCredential(Protocol):
    """An adapter whose per-call credential is fetched over HTTP by the chat layer
    (`credential_fetch`) before `authorize` adds it, so no provider folder does I/O, and
    which may be renewed after a 401 (`credential_refused`)."""

    def credential_fetch(self) -> CredentialFetch | None:
        """The exchange to send before authorising, None while the credential is fresh."""
        ...

    def credential_refused(self, request: HTTPRequest) -> bool:
        """A call sent with `request` was refused with 401: drop the credential it
        carried; True when a fresh one may be fetched (the call is then authorised again
        and sent once more)."""
        ...


#: A chunk's `response_metadata` key naming the `model_provider` its partner writes on
#: every piece of an SDK helper's stream, the empty ones too (the chunks of
#: `PartnerTraits.sdk_helper_adapter`'s adapter; read and dropped by
#: `langchain/helper_stream.py`).
HELPER_PIECE_PROVIDER = "helper_piece_provider"


class StreamParser(Protocol):
    """Turns the events of one stream into chunks; one instance per stream (stateful).

    The items fed are what the adapter's stream framing yields: `SSEEvent`s by default;
    an adapter whose wire frames its stream otherwise declares `stream_framing`, a
    zero-argument callable (a class) returning a decoder with `feed(raw: bytes) -> list`
    and `flush() -> list` (as `chatplex.http.SSEDecoder`), and its parser takes that
    decoder's items (NDJSON lines as `str`, AWS event-stream messages...). The
    http layer makes one decoder and one parser per response."""

    def feed(self, event: Any) -> AIMessageChunk | None:
        """The chunk this item contributes, or None (pings, bookkeeping events).

        Raises `StreamError` for an error event or an unparseable payload."""
        ...

    def finish(self) -> None:
        """Called when the body ends; raises `StreamError` if the stream was cut short."""
        ...


@runtime_checkable
class HoldsPieces(Protocol):
    """A `StreamParser` that holds pieces of the reply back, to hand them on later (on
    its last chunk): a stream cut before then keeps them on its error's `partial`."""

    def held(self) -> list[AIMessageChunk]:
        """The pieces fed so far and not yet handed on in a chunk, as chunks."""
        ...


class FrameDecoder(Protocol):
    """How a stream's bytes are framed into the items its `StreamParser` takes: fed the
    body's bytes as they come, `flush()` at its end (as `chatplex.http.SSEDecoder`)."""

    @property
    def media_types(self) -> tuple[str, ...]:
        """The content types of the bodies it reads (`application/x-ndjson`...): a
        stream whose reply has one is read, beside server-sent events and JSON."""
        ...

    def feed(self, raw: bytes) -> list[Any]: ...

    def flush(self) -> list[Any]: ...


class Adapter(ABC):
    """One wire API: the whole contract between the shared engine (chat/, http/,
    batches/) and a provider's translation, every member with its default. Instances
    hold connection settings (base URL, key, headers).

    Shared code reads an adapter only through these members (no `getattr`/`hasattr`):
    a provider declares what differs by overriding one, in its own folder. The five
    abstract members translate; the rest are hooks and capabilities whose defaults suit
    a plain HTTP+SSE wire (the members are listed in ARCHITECTURE.md, "The adapter
    interface"). A capability may be a class attribute, an instance attribute or a
    property in a subclass. What a wire's LangChain partner package does differently
    is no member: it is that wire's `PartnerTraits` record (`partner_traits.py`), read
    only by `chatplex.langchain`.
    """

    #: The wire's name (`"openai"`, `"anthropic"`...): errors, metadata, budgets.
    provider: str

    # ---- connection: where calls go ---------------------------------------------------

    #: The base URL, credentials in its query masked (reprs, traces, Batch APIs); None
    #: for a wire that names it otherwise (`endpoint_url`).
    base_url: str | None = None
    #: The base URL with its query's credentials, to send (None: `base_url` has none).
    secret_base_url: Secret | None = None
    #: Where calls go for a wire whose constructor names it `endpoint_url`.
    endpoint_url: str | None = None

    # ---- names ------------------------------------------------------------------------

    @property
    def registry_name(self) -> str | None:
        """The provider name it is registered under when it differs from its wire
        (`"azure_openai"` on OpenAI's wire); None: `provider`."""
        return None

    @property
    def preset(self) -> str | None:
        """The preset's name for an adapter that is a preset of another wire (an
        OpenAI-compatible server: its profile's name); None otherwise."""
        return None

    #: The name replies are priced under when their URL does not say (a preset's own,
    #: never OpenAI's); None: `provider`.
    price_provider: str | None = None

    # ---- the request ------------------------------------------------------------------

    #: The API's body parameters (`extra_body` keys checked against them), or None: not
    #: checked. Read on the class (`chat.params.api_parameters`).
    api_parameters: ClassVar[Collection[str] | None] = None

    def for_model(self, model: str) -> Adapter:
        """The adapter answering for `model` (a wire whose replies do not name the model
        asked returns a copy that names it); default: itself."""
        return self

    @abstractmethod
    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate; raise ValueError/TypeError before any I/O."""

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """The body fields asking for parallel tool calls or one call at a time
        (`bind_tools(parallel_tool_calls=parallel)`) with this `tool_choice` bound, in
        the wire's own form (Anthropic's inside `tool_choice`); default: the Chat
        Completions field `parallel_tool_calls`."""
        return {"parallel_tool_calls": parallel}

    @property
    def authorizes_calls(self) -> bool:
        """Whether each request is authorised when sent (`authorize` / `aauthorize`:
        per-call tokens, Azure Entra ID): by default, whether its class overrides either
        hook; False: requests carry their credentials."""
        cls = type(self)
        return cls.authorize is not Adapter.authorize or cls.aauthorize is not Adapter.aauthorize

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        """`request` authorised for a sync call (when `authorizes_calls`); default: as is."""
        return request

    async def aauthorize(self, request: HTTPRequest) -> HTTPRequest:
        """`request` authorised for an async call; default: `authorize(request)`."""
        return self.authorize(request)

    def with_call_headers(self, request: HTTPRequest, headers: Mapping[str, str]) -> HTTPRequest:
        """`request` carrying the model's and the call's `extra_headers` (over its own),
        and what the wire sends by what they name (a preset's session affinity, which a
        header of the call's replaces); default: the headers alone."""
        if not headers:
            return request
        # A copy masking what either marked (a call's header carrying the model's key):
        # its keys reach the copies an error shows (`http._redaction.SECRET_KEYS_KEY`).
        merged = merged_headers(request.headers, headers)
        return dataclasses.replace(request, headers=merged)

    # ---- the reply --------------------------------------------------------------------

    @abstractmethod
    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a whole (non-streamed) response body."""

    @abstractmethod
    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser:
        """A fresh parser for one stream's items (see `stream_framing`)."""

    #: A zero-argument callable (a class) making the decoder that frames a stream's bytes
    #: into the items `stream_parser` takes (NDJSON lines, AWS event-stream messages);
    #: None: server-sent events (`chatplex.http.SSEDecoder`).
    stream_framing: Callable[[], FrameDecoder] | None = None

    #: Whether usage a server sends in a stream unasked is kept when `stream_usage` is off
    #: (Chat Completions, the Responses API); False: the model strips it.
    keeps_sent_usage: bool = False

    @abstractmethod
    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """Turn an error status and body into a typed error (see `errors.status_error`)."""

    @property
    def error_families(self) -> tuple[ErrorFamily, ...]:
        """The provider SDKs' error classes an error is also an instance of, when the
        script imported that SDK (`except openai.RateLimitError`); default: none."""
        return ()

    @abstractmethod
    def budget_key(self, model: str) -> tuple[str, ...]:
        """Identity of the rate-limit budget (provider, base_url, key digest, model)."""

    # ---- structured output ------------------------------------------------------------

    #: How the wire does structured output (`with_structured_output`: its default
    #: method, JSON mode, strictness, the reply's reading, the forced tool), one record;
    #: default: the Chat Completions wire's (`structured_profile.py`).
    structured: StructuredProfile = StructuredProfile()

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any] | None:
        """The settings `with_structured_output(given, method=method, strict=strict)`
        binds to get the reply as JSON text ("json_schema" / "json_mode"); None: the
        shared default (`chat.structured.format_settings`: a `response_format`)."""
        return None

    # ---- token counts ------------------------------------------------------------------

    #: The tokens counted as the wire's LangChain class counts them where it counts
    #: locally (a tokenizer it ships, such as tiktoken), by both families'
    #: `get_num_tokens*`; None: it asks its provider or downloads a tokenizer (chatplex's
    #: own models raise there).
    token_counts: TokenCounts | None = None

    # ---- tools and call keywords --------------------------------------------------------

    #: Whether a drop-in's choice of any tool with no tool bound
    #: (`bind_tools([], tool_choice="any")`) is bound, as its partner package binds it,
    #: and left to the request (`normalise_tool_choice(kept_without_tools=...)`): beside
    #: `tools: []` its choice goes too where the wire sends that list (langchain-anthropic and
    #: some presets' partners send it so); else the adapter drops or refuses it as the partner
    #: does at the call. False: refused at `bind_tools` (ValueError, chatplex's own).
    keeps_choice_without_tools: bool = False

    #: The constructor's `extra_body` of a drop-in whose partner's SDK merges it last,
    #: which a call's own replaces (`extra_body_layer.py`, set by the drop-in's build);
    #: None: a model's `extra_body` is merged with a call's.
    extra_body_layer: ExtraBodyLayer | None = None

    @property
    def call_body_fields(self) -> frozenset[str]:
        """Call keywords beyond the wire's API parameters that it sends in the body as
        given (a preset's own settings, per call too: its drop-in's `body`); a call
        naming one is not refused (`ChatModel.bind`)."""
        return frozenset()

    def body_field(self, name: str) -> str:
        """The body field a body keyword `name` is sent as (a provider's own name for a
        setting: a preset's `Profile.renames`); a call's keyword replaces the
        model's field of that name (`ChatModel.bind`). Default: `name`, as given."""
        return name

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """A tool dict bound as one of its provider's built-in (server) tools, as the
        wire sends it (passed through as given: Anthropic's `{"type":
        "web_search_20250305", ...}`, Gemini's `{"google_search": {}}`); None: not one,
        read as a function (`adapters.tools`). Default: None."""
        return None

    # ---- Batch APIs -------------------------------------------------------------------

    def batch_api_for(self, model: str, limits: Limits | None = None) -> BatchAPI:
        """Its provider's Batch API for `model` (see `chatplex.batches`); default: a
        ValueError, the provider has none in chatplex."""
        raise ValueError(f"provider {self.provider!r} has no Batch API in chatplex")

    def batch_base_url(self) -> Secret | None:
        """Where its Batch API sits when not at `base_url` (an Azure resource's, not a
        deployment's); None: at the base URL."""
        return None
