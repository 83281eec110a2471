"""What a header may hold, checked where an adapter keeps its headers and again where
the http layer builds each request (so every path, sync, async and streaming, passes it
before anything is sent): a name that is an HTTP token, a value without CR, LF, NUL or
another control character (a tab aside). That is RFC 9110's field-value, and what h11
refuses on httpx's sync path; the async path writes header lines itself, where a CR or
LF would end the header and start another. A key read from a file keeps its trailing
newline: it is refused here, with the header's name and never its value. Pure.

>>> check_header("authorization", "Bearer sk-1\\n")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
chatplex.errors.InvalidHeaderError: the value of header 'authorization' has a line feed \
(LF) at its end; ...
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from collections.abc import Mapping

from ..errors import InvalidHeaderError
from ..secret import Secret

__all__ = ["check_header", "check_headers_sent", "check_raw_headers", "control_character"]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_RAW_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_RAW_NAMES = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?::[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*")
_NAME, _VALUE = operator.itemgetter(0), operator.itemgetter(1)
_NAMES = {0x0D: "a carriage return (CR)", 0x0A: "a line feed (LF)", 0x00: "a NUL"}


def control_character(value: str | bytes | Secret) -> str | None:
    """Which character no header value may hold `value` has first, and where (at its end
    or inside it), in words that never quote the value; None: none. A `Secret` is read
    in place: no local of a frame a traceback shows holds it in clear.

    >>> control_character("sk-1\\r\\n"), control_character("a\\tb")
    ('a carriage return (CR) inside it', None)
    """
    found: re.Match[bytes] | re.Match[str] | None
    if isinstance(value, bytes):
        found = _RAW_CONTROL.search(value)
    else:
        found = _CONTROL.search(value.get() if isinstance(value, Secret) else value)
    if found is None:
        return None
    char = found.group()
    code = char[0] if isinstance(char, bytes) else ord(char)
    what = _NAMES.get(code, f"a control character (U+{code:04X})")
    return f"{what} {'at its end' if found.end() == found.endpos else 'inside it'}"


def check_header(name: str, value: str | bytes | Secret, where: str = "") -> None:
    """`InvalidHeaderError` when `value` holds a control character (`control_character`),
    naming the header (and `where` it was given, e.g. "default_headers: "), never its
    value."""
    fault = control_character(value)
    if fault is not None:
        del value  # the error's traceback shows this frame's locals
        raise _refused(name, f"{where}the value of header {name!r} has {fault}")


def check_raw_headers(raw: Iterable[tuple[bytes, bytes]]) -> None:
    """`check_header` for headers as httpx holds them (`httpx.Headers.raw`: byte pairs),
    the names checked as HTTP tokens too."""
    pairs = raw if isinstance(raw, list) else list(raw)
    # All names and all values at once (one regex pass each, ~1 us for a request's
    # headers); the header at fault is looked for only when there is one.
    names, values = b":".join(map(_NAME, pairs)), b"\t".join(map(_VALUE, pairs))
    # Tokens joined by ":" -- and no ":" but the joins' (a ":" is no token character).
    one_token_each = _RAW_NAMES.fullmatch(names) and names.count(b":") == len(pairs) - 1
    if one_token_each and _RAW_CONTROL.search(values) is None:
        return
    del names, values
    for name, value in pairs:
        if _RAW_TOKEN.fullmatch(name) is None:
            del raw, pairs, value  # the error's traceback shows this frame's locals
            shown = name.decode("latin-1")
            raise _refused(shown, f"{shown!r} is not a header name (an HTTP token)")
        fault = control_character(value) if _RAW_CONTROL.search(value) else None
        if fault is not None:
            del raw, pairs, value
            shown = name.decode("latin-1")
            raise _refused(shown, f"the value of header {shown!r} has {fault}")


def check_headers_sent(headers: Mapping[str, str]) -> None:
    """`check_raw_headers` for a plain mapping of headers about to be sent."""
    check_raw_headers(
        (name.encode("latin-1", "replace"), value if isinstance(value, bytes) else value.encode())
        for name, value in headers.items()
    )


def _refused(name: str, what: str) -> InvalidHeaderError:
    return InvalidHeaderError(
        f"{what}; a header value may hold no CR, LF, NUL or other control character (a "
        "key read from a file keeps its trailing newline: strip it). Nothing was sent.",
        header=name,
    )
