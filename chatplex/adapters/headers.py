"""A reply's header read by its lower-case name (`header_value`), whether the headers are
httpx's (case-insensitive) or a plain dict spelled otherwise. Pure."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["header_value"]


def header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """`headers[name]` for a lower-case `name`, also from a plain dict spelled otherwise
    (httpx headers are case-insensitive already; tests and users pass plain dicts)."""
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value
