"""A reply's header read by its lower-case name (`header_value`), whether the headers are
httpx's (case-insensitive) or a plain dict spelled otherwise; LangSmith's gateway
metadata header's value read as its JSON (`gateway_metadata`). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bodies import loads

__all__ = ["GATEWAY_METADATA_HEADER", "gateway_metadata", "header_value"]


def header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """`headers[name]` for a lower-case `name`, also from a plain dict spelled otherwise
    (httpx headers are case-insensitive already; tests and users pass plain dicts)."""
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


#: The header LangSmith's gateway answers with: its JSON metadata (the provider and the
#: model it resolved).
GATEWAY_METADATA_HEADER = "x-langsmith-gateway-metadata"


def gateway_metadata(value: str | None) -> dict[str, Any] | None:
    """The JSON object in the value of a reply's `X-LangSmith-Gateway-Metadata` header
    (`GATEWAY_METADATA_HEADER`); None where the header is absent, not JSON, or not an
    object (as langchain-core reads it). The value is read by the caller: a reply's
    headers are case-insensitive already, and most replies have none of it."""
    parsed = loads(value) if value else None
    return parsed if isinstance(parsed, dict) else None
