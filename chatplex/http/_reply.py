"""What a read response becomes, for the attempt engine (`_engine.Call`): a whole body
parsed into the reply (or its typed error), a stream's first chunk's marks
(`mark_opening`), the single chunk of a stream answered with JSON, a reply past the size
bound, and a broken stream's failure with its partial reply and whether another attempt
is safe. Pure functions of the response and the chunks received: no I/O, no call state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ..adapters.headers import GATEWAY_METADATA_HEADER
from ..adapters.headers import gateway_metadata
from ..adapters.reading import worth_retrying
from ..errors import APIError
from ..errors import ResponseTooLargeError
from ..errors import StreamError
from ..messages import AIMessageChunk
from ..messages import has_metadata
from ..messages import merge_cut_short
from ..messages import reply_as_chunk
from ..messages import set_metadata
from ._errors import annotate
from ._errors import malformed_body
from ._errors import request_id_from
from ._errors import status_failure
from ._request import log_response

if TYPE_CHECKING:
    import httpx

    from ..adapters.base import Adapter
    from ..messages import AIMessage

__all__ = [
    "MALFORMED",
    "has_content",
    "is_json",
    "keep_body",
    "malformed_event",
    "mark_opening",
    "parse_reply",
    "refuse_wrong_shape",
    "reply_chunk",
    "too_large",
    "with_partial",
    "wrong_shape",
]


def keep_body(response: httpx.Response, body: bytes) -> None:
    """Give a response read piece by piece its body, as `read()` would: errors keep a
    copy of the response, and users read `err.response.content`."""
    response._content = body  # noqa: SLF001 - what httpx's own read() sets


def reply_chunk(adapter: Adapter, response: httpx.Response) -> AIMessageChunk:
    """A fully read JSON reply to a stream request (an error payload raises its typed
    error), as the single chunk of that stream."""
    return reply_as_chunk(parse_reply(adapter, response))


def parse_reply(adapter: Adapter, response: httpx.Response) -> AIMessage:
    """Status check and parsing of a fully read response."""
    status = response.status_code
    body = response.content
    log_response(response, len(body))
    if status >= 300:  # redirects are not followed: report them, do not parse them
        err = status_failure(adapter, response, body)
        body = b""  # no frame's locals keep what the server said (keys it echoed)
        raise err
    headers = response.headers
    try:
        message = adapter.parse_response(body, headers)
    except APIError as err:  # e.g. an error object inside a 200 body
        annotate(err, adapter, response)
        raise
    except MALFORMED as exc:  # bad JSON, or a well-framed reply with fields of wrong types
        raise malformed_body(adapter, response, exc) from exc
    shape = wrong_shape(message)
    if shape is not None:
        raise malformed_body(adapter, response, ValueError(shape))
    # has_/set_metadata leave a reply's lazy metadata unbuilt (a dict a reply costs
    # memory: bench/README.md, "Peak RSS"); same meaning as `in` and `[...] =`.
    if not has_metadata(message, "request_id"):
        request_id = request_id_from(headers, adapter)
        if request_id is not None:
            set_metadata(message, "request_id", request_id)
    gateway = gateway_metadata(headers.get(GATEWAY_METADATA_HEADER))
    if gateway is not None:  # (LangSmith's gateway answered: what it resolved)
        set_metadata(message, "gateway_metadata", gateway)
    return message


def mark_opening(
    metadata: dict[str, Any], response: httpx.Response, adapter: Adapter, attempt: int
) -> None:
    """A stream's first chunk's `metadata` given what `parse_reply` gives a whole reply
    (the request id, the gateway's metadata) and the attempts made."""
    headers = response.headers
    request_id = request_id_from(headers, adapter)
    if request_id is not None:
        metadata.setdefault("request_id", request_id)
    metadata["attempts"] = attempt
    gateway = gateway_metadata(headers.get(GATEWAY_METADATA_HEADER))
    if gateway is not None:
        metadata["gateway_metadata"] = gateway


#: What a parser raises on a reply it cannot read: JSON errors, and the `TypeError`s,
#: `AttributeError`s and `KeyError`s of a well-framed reply whose fields have the wrong
#: types (usage as a string, tool calls as a number), and the `RecursionError` of JSON
#: nested deeper than Python's parser reads. Shown as chatplex's malformed-reply error
#: (with the status and request id; retried only when the bytes were not whole JSON:
#: `adapters.reading.worth_retrying`), never as a bare Python error.
MALFORMED = (ValueError, TypeError, AttributeError, LookupError, RecursionError)


def wrong_shape(message: AIMessage) -> str | None:
    """What makes a parsed reply unusable (its `.text` or a merge would raise), if any."""
    content = message.content
    if not isinstance(content, (str, list)):
        return f"reply content is a {type(content).__name__}, not text or blocks"
    if isinstance(content, list):
        for block in content:
            if not isinstance(block, (str, dict)):
                return f"a reply content block is a {type(block).__name__}"
            # (`.text` reads text blocks only: another part's `text` may be null, as the
            # fireworks SDK dumps an image part)
            if (
                isinstance(block, dict)
                and block.get("type") == "text"
                and not isinstance(block.get("text", ""), str)
            ):
                return "a reply 'text' block's text is not a str"
    for call in message.tool_calls:
        if not isinstance(call.get("args"), dict):
            return f"the arguments of tool call {call.get('name')!r} are not an object"
    return None


def refuse_wrong_shape(chunk: AIMessageChunk) -> None:
    """Raise `TypeError` (the stream's malformed-event error, where the engine catches
    it) for a parsed chunk whose content is not text or blocks: merging it, or its
    `.text`, would raise in the caller's hands. Called only for content that is not a
    `str` (the per-token path stays one type check)."""
    problem = wrong_shape(chunk)
    if problem is not None:
        raise TypeError(problem.replace("reply", "chunk", 1))


def is_json(response: httpx.Response) -> bool:
    """A JSON body where events were expected (a 200 error payload, or `stream` ignored)."""
    content_type: str = response.headers.get("content-type", "")
    return content_type.startswith("application/json")


def has_content(chunk: AIMessageChunk) -> bool:
    """Whether a chunk carries some of the reply, not just metadata: leading metadata-only
    chunks (OpenAI's role chunk, Anthropic's message_start) are held back until the first
    content, so a failure before any content can still be retried unseen."""
    return bool(chunk.content or chunk.tool_call_chunks or chunk.additional_kwargs)


def with_partial(
    err: StreamError,
    adapter: Adapter,
    response: httpx.Response,
    received: list[AIMessageChunk],
    started: bool,
) -> None:
    annotate(err, adapter, response)
    if err.partial is None:
        err.partial = merge_cut_short(received)
    cause = err.__cause__  # an event the parser refused (`malformed_event`)
    sent_whole = isinstance(cause, MALFORMED) and not worth_retrying(cause)
    if sent_whole and err.status is None:
        # A malformed reply, as a body read whole is one: the status it came with.
        err.status = response.status_code
    if not started and err.error_type is None and err.body is None and not sent_whole:
        # A stream cut short or garbled, not an error the provider declared (those carry
        # their payload in `body`, and the adapter judged them), nor an event it sent
        # whole with a field of the wrong type (which would come again): with nothing
        # shown to the caller yet, another attempt is as safe as after a dropped connection.
        err.retryable = True


def malformed_event(
    exc: Exception,
    adapter: Adapter,
    response: httpx.Response,
    received: list[AIMessageChunk],
    started: bool,
) -> StreamError:
    err = StreamError(
        f"malformed stream event from {response.request.url.host}: {exc}",
        partial=merge_cut_short(received),
        provider=adapter.provider,
        retryable=not started and worth_retrying(exc),
    )
    annotate(err, adapter, response)
    return err


def too_large(
    adapter: Adapter, req: httpx.Request, max_bytes: int, size: int
) -> ResponseTooLargeError:
    """The error for a reply past `max_response_bytes` (not retried: it would be again)."""
    return ResponseTooLargeError(
        f"the reply from {req.url.host} is larger than max_response_bytes={max_bytes} "
        f"(at least {size} bytes); if such replies are expected, raise the bound: "
        "ChatModel(max_response_bytes=...) or the max_response_bytes argument of "
        "chatplex.http's send/stream",
        provider=adapter.provider,
        retryable=False,
    )
