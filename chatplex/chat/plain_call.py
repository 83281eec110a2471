"""A drop-in's request that is not a chat call (a token count), sent as its chat calls are.

The request is the wire's (its folder builds it, pure); this module only sends it with
the model's pooled client, timeout, size cap and retries, within the ambient deadline
(a lambda's `timeout`), and reads the reply with the function the wire gives. An error
status is the adapter's typed error, in its SDK's classes too (`error_families`), as a
chat call's is. It shares no rate budget with chat calls: providers limit these
endpoints apart, and a count should not wait behind a queue of chat calls.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Generic
from typing import TypeVar

from ..adapters.base import Adapter
from ..core.run_config import current_config
from ..messages import AIMessage

if TYPE_CHECKING:
    from ..adapters.base import CallSettings
    from ..adapters.base import HTTPRequest
    from ..adapters.base import StreamParser
    from ..errors import APIError
    from ..messages import BaseMessage
    from ..sdk_errors import ErrorFamily
    from .model import ChatModel

__all__ = ["message_list", "post_plain"]

T = TypeVar("T")
M = TypeVar("M")


class _Reading(Adapter, Generic[T]):
    """The model's adapter for one plain request: its errors, SDK classes and budget
    identity, with the reply read by `read` (the value kept in `value`)."""

    def __init__(self, adapter: Adapter, read: Callable[[bytes], T]) -> None:
        self._adapter = adapter
        self._read = read
        self.provider = adapter.provider
        self.value: T | None = None

    @property
    def error_families(self) -> tuple[ErrorFamily, ...]:
        return self._adapter.error_families

    def build_request(
        self, messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        raise NotImplementedError("a plain request is built by its wire, not here")

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        self.value = self._read(body)
        return AIMessage(content="")  # what the http layer carries; the value is ours

    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser:
        raise NotImplementedError("a plain request is never streamed")

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        return self._adapter.map_error(status, body, headers)

    def budget_key(self, model: str) -> tuple[str, ...]:
        return self._adapter.budget_key(model)


def post_plain(
    model: ChatModel,
    request: HTTPRequest,
    read: Callable[[bytes], T],
    *,
    timeout: float | None = None,
) -> T:
    """`read(body)` of the reply to `request`, sent with `model`'s client and bounds
    (`timeout`: this request's, in seconds, over the model's).
    Raises what a chat call of `model` raises for the same failure; what `read` raises on
    a body it cannot read (ValueError, TypeError, KeyError) is the malformed-reply error."""
    from .. import http
    from .sending import retry_policy_for

    adapter = model.adapter
    if adapter is None:
        raise NotImplementedError(f"{type(model).__name__} has no adapter to send requests")
    ambient = current_config().get() or {}
    reading = _Reading(adapter, read)
    http.send(
        reading,
        request,
        client=model.http_client,
        timeout=model.timeout if timeout is None else timeout,
        deadline=ambient.get("deadline"),
        retry=retry_policy_for(model),
        max_response_bytes=model.max_response_bytes,
    )
    return reading.value  # type: ignore[return-value]  # set by the one reply parsed


def message_list(messages: object, kind: type[M], owner: str) -> list[M]:
    """`messages` as a list of `kind` (chatplex's or LangChain's messages), or a
    TypeError naming the first item that is not one, before any request is built."""
    if not isinstance(messages, Sequence) or isinstance(messages, (str, bytes)):
        raise TypeError(f"{owner} takes a list of messages, got {type(messages).__name__}")
    for i, item in enumerate(messages):
        if not isinstance(item, kind):
            raise TypeError(
                f"{owner} takes a list of messages; item {i} is a {type(item).__name__}"
            )
    return list(messages)
