"""Best-effort parsing of a JSON prefix, for tool-call arguments that are still streaming.

`parse_partial_json(s)` returns what LangChain's function of the same name returns for
every input (a differential test holds them together): `json.loads(s, strict=False)`
when `s` is complete; otherwise `s` with an open string closed and open brackets closed,
cut back one character at a time until it parses; `None` when a closing bracket does not
match; the original `JSONDecodeError` when nothing parses.

Most inputs are a JSON document cut off by the stream, and for those pydantic_core's
`from_json(s, allow_partial="trailing-strings")` gives LangChain's value in about a
twentieth of the time. It is used only where it agrees: when its strict parse fails for
nothing but the end of the input (so no stray bracket or trailing text, which LangChain
and pydantic_core read differently), and the input does not end in a number cut after
its sign, point or exponent (LangChain keeps the digits before, pydantic_core drops the
number), in a `\\u` escape cut short (LangChain drops the string, pydantic_core keeps
it) or in a backslash (pydantic 2.10's pydantic_core drops that string, later ones keep
it). Everything else goes through `_cut_back`: LangChain's algorithm at a lower cost.

LangChain walks the string in Python, character by character, and its cut-back loop can
call `json.loads` once per character of a long unfinished string (a streamed code
argument ending in half an escape such as `\\u00`): quadratic. Here one regex scan finds
strings and brackets, and the cut-back only tries the ends that can parse: never inside
a string (an unterminated string never parses) and only at the bracket depth of the end
(fewer or more open brackets than the closers appended never balance). Every skipped
candidate is one that would have failed, so the result is the same.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["parse_partial_json"]

# A complete string, a lone opening quote (a string that runs to the end), or a bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|"|[\[\]{}]', re.S)
# The body of a string that never closes: it stops before a trailing lone backslash.
_OPEN_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.S)
_CLOSER = {"{": "}", "[": "]"}
# What a JSON value can start with, after whitespace (NaN, Infinity: Python's json takes them).
_VALUE_START = re.compile(r'[ \t\n\r]*[{\["\-0-9tfnNI]')
# An end where LangChain and pydantic_core's partial parse differ: a number cut after its
# sign, point or exponent (a run of number characters after a delimiter: within a string
# it may be text, which only costs the slow path), or a string cut inside a \\u escape
# (fewer than 4 characters after it, whatever they are) or after a surrogate escape.
_DISPUTED_END = re.compile(
    r"(?:(?<![^\s\[:,])[-+.\deE]*[-+.eE]"
    r"|\\u(?:[dD][89a-fA-F][0-9a-fA-F]{2}(?:\\(?:u.{0,3})?)?|.{0,3}))$",
    re.S,
)


def parse_partial_json(s: str) -> Any:
    """Parse JSON that may be cut off, closing what is open.

    >>> parse_partial_json('{"city": "Par')
    {'city': 'Par'}
    >>> parse_partial_json('{"city": "Paris", "unit')
    {'city': 'Paris'}
    """
    # Loaded on the first parse: `import chatplex.messages` does not need it.
    from pydantic_core import from_json

    try:
        return from_json(s)
    except ValueError as exc:
        if not str(exc).startswith("EOF while parsing"):
            return _cut_back(s)  # not (only) cut off, or not JSON pydantic_core reads
    # A window is enough: its start counts as a delimiter, so a longer number is caught.
    if s.endswith("\\") or _DISPUTED_END.search(s[-16:]):
        return _cut_back(s)
    try:
        return from_json(s, allow_partial="trailing-strings")
    except ValueError:
        return _cut_back(s)


def _cut_back(s: str) -> Any:
    """LangChain's algorithm: close what is open, cut back until something parses."""
    try:
        return json.loads(s, strict=False)
    except json.JSONDecodeError as exc:
        # LangChain ends by raising what `json.loads(s)` raises: this very error.
        error = exc

    stack: list[str] = []
    # The prefix lengths worth trying, as runs (first, last, bracket depth) between
    # tokens: a prefix that ends inside a string is never one of them.
    runs: list[tuple[int, int, int]] = []
    new = s
    pos = 0  # the first prefix length of the current run
    for match in _TOKEN.finditer(s):
        start, token = match.start(), match.group()
        runs.append((pos, start, len(stack)))
        if token == '"':  # a string that runs to the end of the input: close it
            body = _OPEN_BODY.match(s, start + 1)
            assert body is not None  # the pattern matches the empty string
            # A trailing lone backslash is half an escape: it goes, as in LangChain.
            new = s[: body.end()] + '"'
            pos = len(new)
            break
        if token[0] == '"':  # a complete string
            pos = match.end()
            continue
        if token in _CLOSER:
            stack.append(_CLOSER[token])
        elif stack and stack[-1] == token:
            stack.pop()
        else:
            return None  # a closing bracket that closes nothing open: malformed
        pos = start + 1
    runs.append((pos, len(new), len(stack)))

    if _VALUE_START.match(s) is None:
        raise error  # no prefix of `s` starts a JSON value: every cut would fail

    closers = "".join(reversed(stack))
    depth = len(stack)
    # Longest prefix first, as LangChain cuts back; it never tries the empty prefix.
    for first, last, run_depth in reversed(runs):
        if run_depth != depth:
            continue
        for end in range(last, max(first, 1) - 1, -1):
            try:
                return json.loads(new[:end] + closers, strict=False)
            except json.JSONDecodeError:
                continue
    raise error
