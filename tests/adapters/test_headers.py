"""`adapters/headers.py`: a reply's header read by its lower-case name; LangSmith's gateway
metadata header read as its JSON."""

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
    header = "X-LangSmith-Gateway-Metadata"
    assert gateway_metadata({header: '{"provider": "openai"}'}) == {"provider": "openai"}
    assert gateway_metadata(httpx.Headers({header: '{"model": "m"}'})) == {"model": "m"}
    for raw in ("", "not json", "[1, 2]", '"text"'):  # (absent, not JSON, not an object)
        assert gateway_metadata({header: raw}) is None
    assert gateway_metadata({}) is None
    assert gateway_metadata(None) is None
