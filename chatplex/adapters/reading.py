"""The one rule every wire reads a reply by, written once: a field is absent (None) or of
its type, else the reply is refused with a typed error. Never a default, never `''`:
a field of the wrong type holds what the server said (the usage, the text, a tool
call), and reading it as empty would lose it without a word.

- `reply_field`, `reply_text`, `reply_list`, `reply_dict`, `reply_count`: the value
  of one field, or `MalformedReply` naming it. The http layer reports that (as every
  `TypeError` a parser raises) as chatplex's malformed-reply error, an `APIError` with
  the status and request id (`StreamError` in a stream).
- `reply_args`: a tool call's arguments as JSON text, parsed by the same reading as the
  OpenAI wire's (`messages.parse_args`): arguments that are not JSON, not an object, or
  nested past what Python's parser can read are the call's error (the call invalid,
  the rest of the reply kept), never an untyped `RecursionError`.
- `read_calls`: a reply's tool calls sorted as every wire sorts them: a call with a name
  and readable arguments is a tool call, any other an invalid tool call with the reason.
- `drawn_call_id`: the id of a tool call the wire sent without one, stable (the same
  call, the same id: a stream and its replay agree) and shaped as the partner packages
  draw theirs (`str(uuid4())`).
- `worth_retrying`, `complete_json`: whether another attempt could get another answer.
  A reply the server sent whole (its body complete JSON, or a stream event that parsed)
  with a field of the wrong type would come back the same, and each attempt is billed:
  it is never retried. Bytes that are not JSON (a body cut short, a proxy's page, a
  garbled event before any content) may be the road's fault, and are.

>>> reply_count("lots", "usage's input_tokens")
Traceback (most recent call last):
...
chatplex.adapters.reading.MalformedReply: the reply's usage's input_tokens is a str, not an int
>>> reply_args('{"a": 1}')
({'a': 1}, None)
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

from ..messages import InvalidToolCall
from ..messages import ToolCall
from ..messages import parse_args

__all__ = [
    "MalformedReply",
    "complete_json",
    "drawn_call_id",
    "read_calls",
    "reply_args",
    "reply_count",
    "reply_field",
    "reply_list",
    "reply_dict",
    "reply_text",
    "worth_retrying",
]


def drawn_call_id(seed: str) -> str:
    """A tool call's id for a call sent without one: a uuid4's shape (the partner
    packages draw `str(uuid4())`), its bits from `seed`, so the same call gets the same id.

    >>> drawn_call_id("resp:0:0") == drawn_call_id("resp:0:0") != drawn_call_id("resp:0:1")
    True
    >>> str(uuid.UUID(drawn_call_id("resp:0:0"))) == drawn_call_id("resp:0:0")
    True
    """
    digest = hashlib.sha256(seed.encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


class MalformedReply(TypeError):
    """A reply that was read whole (its JSON parsed) with a field of the wrong type: what
    the server said, not what the road did to it. A `TypeError`, as the http layer's
    malformed-reply handling expects of a parser; never retried (`worth_retrying`)."""


def _kind_name(kind: type | tuple[type, ...]) -> str:
    if isinstance(kind, type):
        return kind.__name__
    return " or ".join(k.__name__ for k in kind)


def reply_field(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    """`value`, a field of a provider's reply, if it is absent (None) or of `kind`; else
    `MalformedReply` naming the field.

    >>> reply_field({"a": 1}, dict, "usage")
    {'a': 1}
    >>> reply_field("lots", dict, "usage")
    Traceback (most recent call last):
    ...
    chatplex.adapters.reading.MalformedReply: the reply's usage is a str, not a dict
    """
    if value is None or isinstance(value, kind):
        return value
    shown = type(value).__name__
    raise MalformedReply(f"the reply's {what} is a {shown}, not a {_kind_name(kind)}")


def reply_text(value: Any, what: str) -> str | None:
    """A text field: a str, or None when absent."""
    return reply_field(value, str, what)  # type: ignore[no-any-return]


def reply_list(value: Any, what: str) -> list[Any]:
    """A list field: the list, or `[]` when absent (a str is refused, not iterated as
    its characters)."""
    return reply_field(value, list, what) or []


def reply_dict(value: Any, what: str) -> dict[str, Any]:
    """An object field: the dict, or `{}` when absent."""
    return reply_field(value, dict, what) or {}


def reply_count(value: Any, what: str) -> int | None:
    """A token count: an int (a float with no fraction, as some servers write them, read
    as its int), None when absent; a bool, a str, a fraction or a negative number is
    `MalformedReply`.

    >>> reply_count(12, "x"), reply_count(3.0, "x"), reply_count(None, "x")
    (12, 3, None)
    """
    if type(value) is int and value >= 0:  # (nearly every count: no further check)
        return value
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedReply(f"the reply's {what} is a {type(value).__name__}, not an int")
    if value < 0:
        raise MalformedReply(f"the reply's {what} is negative ({value})")
    return value


def reply_args(raw: Any) -> tuple[dict[str, Any], str | None]:
    """A tool call's arguments sent as JSON text: (the object, None), or ({}, why the call
    is invalid). Text that is not JSON, not an object, or nested too deep to read is the
    call's error, as the OpenAI wire reads its calls; arguments that are not text at all
    (a number, an object where the wire sends text) are `MalformedReply`."""
    if raw is None:
        return {}, None
    if not isinstance(raw, str):
        raise MalformedReply(
            f"the reply's tool call arguments are a {type(raw).__name__}, not JSON text"
        )
    return parse_args(raw)


def read_calls(
    calls: Iterable[tuple[str | None, str | None, Any]],
    read_args: Callable[[Any], tuple[dict[str, Any], str | None]] = reply_args,
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """(tool calls, invalid tool calls) of a reply's calls, each given as (name, id, raw
    arguments) and its arguments read by `read_args`: a call whose arguments cannot be
    read is invalid with the reason, one without a name is invalid too (never dropped);
    an invalid call keeps its arguments as text (a non-text value as its `str`).

    >>> read_calls([("f", "c1", '{"a": 1}'), (None, "c2", "{}")])[1][0]["error"]
    'the tool call has no name'
    """
    parsed: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for name, call_id, raw in calls:
        args, error = read_args(raw)
        if not name:
            error = "the tool call has no name"
        if error is None and name:
            parsed.append({"name": name, "args": args, "id": call_id, "type": "tool_call"})
        else:
            shown = raw if isinstance(raw, str) or raw is None else str(raw)
            invalid.append(
                {
                    "name": name,
                    "args": shown,
                    "id": call_id,
                    "error": error,
                    "type": "invalid_tool_call",
                }
            )
    return parsed, invalid


def complete_json(body: bytes) -> bool:
    """Whether `body` is one whole JSON value (nested past what Python's parser reads
    counts: the server sent it whole)."""
    try:
        json.loads(body)
    except RecursionError:
        return True
    except ValueError:  # a cut-off body, an HTML page, bytes that are not UTF-8
        return False
    return True


def worth_retrying(exc: BaseException, body: bytes | None = None) -> bool:
    """Whether a reply (`body`, when it was read whole) or stream event that a parser
    refused with `exc` could read on another attempt: only bytes that are not JSON, or
    a framing the decoder could not follow (a `ValueError` that is not a JSON value
    refused), never a whole reply whose field has the wrong type."""
    if body is not None:
        return not complete_json(body)
    # MalformedReply is a TypeError, as are the AttributeErrors and LookupErrors of a
    # parser that met a wrong type unchecked: none of them is the road's fault.
    return isinstance(exc, ValueError)
