"""`adapters/headers.py`: a reply's header read by its lower-case name; LangSmith's gateway
metadata header's value read as its JSON."""

from __future__ import annotations

import httpx

from chatplex.adapters.headers import gateway_metadata
from chatplex.adapters.headers import header_value


def test_header_value_is_case_insensitive_for_plain_dicts_too() -> None:
    assert header_value({"request-id": "a"}, "request-id") == "a"
    assert header_value({"Request-Id": "b"}, "request-id") == "b"
    assert header_value(httpx.Headers({"Request-ID": "c"}), "request-id") == "c"
    assert header_value({"other": "x"}, "request-id") is None
    assert header_value({}, "request-id") is None
    assert header_value(None, "request-id") is None


def test_gateway_metadata_is_the_headers_json_object() -> None:
    # (the header read by its name: tests/http/test_send.py and test_stream.py)
    assert gateway_metadata('{"provider": "openai"}') == {"provider": "openai"}
    assert gateway_metadata('{"model": "m"}') == {"model": "m"}
    for raw in ("", "not json", "[1, 2]", '"text"'):  # (empty, not JSON, not an object)
        assert gateway_metadata(raw) is None
    assert gateway_metadata(None) is None  # (absent)
