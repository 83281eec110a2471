"""`adapters/headers.py`: a reply's header read by its lower-case name."""

from __future__ import annotations

import httpx

from chatplex.adapters.headers import header_value


def test_header_value_is_case_insensitive_for_plain_dicts_too() -> None:
    assert header_value({"request-id": "a"}, "request-id") == "a"
    assert header_value({"Request-Id": "b"}, "request-id") == "b"
    assert header_value(httpx.Headers({"Request-ID": "c"}), "request-id") == "c"
    assert header_value({"other": "x"}, "request-id") is None
    assert header_value({}, "request-id") is None
    assert header_value(None, "request-id") is None
