"""A chat model's one call that is not a chat (a provider's token count): a request its
wire built, sent as the model's chat calls are -- its HTTP client (else the shared
pool), retries, timeout, size bound and the ambient deadline (a lambda's `timeout`),
its adapter's typed errors -- and the reply's body read by the caller, not parsed as a
chat reply.

A drop-in whose partner class asks its provider something besides a chat (a token
count endpoint, a tokenizer) builds the request with its adapter and hands it here with
how to read the answer; no provider is named here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import TypeVar

from ..core.run_config import current_config
from .body_reading import BodyReading
from .credentials import authorized
from .retrying import retry_policy_for
from .sending import with_extra_headers

if TYPE_CHECKING:
    from ..adapters.request_types import HTTPRequest
    from ..sdk_error_families import ErrorFamily
    from .model import ChatModel

__all__ = ["side_call"]

T = TypeVar("T")


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

    read_values: list[T] = []  # the reply's, once `send` returned
    reading = BodyReading(
        adapter.provider,
        adapter.error_families if error_families is None else error_families,
        lambda body: read_values.append(read(body)),
        adapter.map_error,
        adapter.budget_key,
    )
    send(
        reading,
        request,
        client=model.http_client,
        timeout=model.timeout if timeout is None else timeout,
        deadline=ambient.get("deadline"),
        retry=retry_policy_for(model) if retried else None,
        max_response_bytes=model.max_response_bytes,
        partner_words=model.partner_words,  # a drop-in's count fails in its partner's words
        kept_responses=model.partner_calls.kept_responses,
    )
    return read_values[-1]
