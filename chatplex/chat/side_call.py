"""A chat model's one call that is not a chat (a provider's token count): a request its
wire built, sent as the model's chat calls are -- its HTTP client (else the shared
pool), retries, timeout, size bound and the ambient deadline (a lambda's `timeout`),
its adapter's typed errors -- and the reply's body read by the caller, not parsed as a
chat reply.

A drop-in whose partner class asks its provider something besides a chat (Gemini's and
Vertex AI's `countTokens`, Cohere's tokenizer, Anthropic's `count_tokens`, Bedrock's
CountTokens) builds the request with its adapter and hands it here with how to read the
answer; no provider is named here.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Generic
from typing import TypeVar

from ..adapters.base import Adapter
from ..core.run_config import current_config
from ..messages import AIMessage
from .credentials import authorized
from .sending import retry_policy_for
from .sending import with_extra_headers

if TYPE_CHECKING:
    from ..adapters.base import StreamParser
    from ..adapters.request_types import CallSettings
    from ..adapters.request_types import HTTPRequest
    from ..errors import APIError
    from ..messages import BaseMessage
    from ..sdk_error_families import ErrorFamily
    from .model import ChatModel

__all__ = ["side_call"]

T = TypeVar("T")


class _Reading(Adapter, Generic[T]):
    """The model's adapter for one side call: its name, its errors and their families
    (or the families the call's partner raises), and a reply's body read by `read` (kept
    as `value`: the HTTP layer hands on a message, which this call has none of)."""

    def __init__(
        self,
        adapter: Adapter,
        read: Callable[[bytes], T],
        families: tuple[ErrorFamily, ...] | None,
    ) -> None:
        self.provider = adapter.provider
        self._adapter = adapter
        self._read = read
        self._families = adapter.error_families if families is None else families
        self.value: T | None = None

    @property
    def error_families(self) -> tuple[ErrorFamily, ...]:
        return self._families

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        raise NotImplementedError("a side call's request comes built")

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        # `read`'s ValueError (bad JSON), KeyError or TypeError (a reply of the wrong
        # shape) are the HTTP layer's malformed-body error, as a chat reply's are.
        self.value = self._read(body)
        return AIMessage(content="")

    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser:
        raise NotImplementedError("a side call does not stream")

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        return self._adapter.map_error(status, body, headers)

    def budget_key(self, model: str) -> tuple[str, ...]:
        return self._adapter.budget_key(model)


def side_call(
    model: ChatModel,
    request: HTTPRequest,
    read: Callable[[bytes], T],
    *,
    error_families: tuple[ErrorFamily, ...] | None = None,
    to_provider: bool = True,
    retried: bool = True,
    timeout: float | None = None,
) -> T:
    """`read(the reply's body)` for `request`, sent with `model`'s client, retries,
    timeout, size bound and `extra_headers`; an error status raises its adapter's typed
    error (with `error_families` in place of the adapter's, where the partner raises
    other classes for this call than for a chat). `to_provider=False`: a URL the
    provider pointed to elsewhere (a file in a storage bucket), sent as given, without
    the model's extra headers or per-call credentials. `retried=False`: one attempt,
    as a partner whose SDK does not retry this call. `timeout`: this call's, in seconds,
    over the model's (an SDK's per-call `timeout`). The model's rate budget is not spent:
    providers meter these endpoints apart from chats, and a count should not wait
    behind a queue of chat calls."""
    adapter = model.adapter
    if adapter is None:
        raise NotImplementedError(f"{type(model).__name__} has no adapter to send requests")
    ambient = current_config().get() or {}
    if to_provider:
        # Per-call tokens (Azure Entra ID, IAM).
        request = authorized(model, adapter, request, ambient.get("deadline"))
        request = with_extra_headers(model, request)
    from ..http import send  # loaded with the first side call, as a chat's first call

    reading = _Reading(adapter, read, error_families)
    send(
        reading,
        request,
        client=model.http_client,
        timeout=model.timeout if timeout is None else timeout,
        deadline=ambient.get("deadline"),
        retry=retry_policy_for(model) if retried else None,
        max_response_bytes=model.max_response_bytes,
        partner_words=model.partner_words,  # a drop-in's count fails in its partner's words
    )
    return reading.value  # type: ignore[return-value]  # set: send returned
