"""The message of a FastAPI-style error body (`detail_message`), which llama.cpp's
server, vLLM and many gateways send instead of the provider's own error shape: read by
the wires' `map_error` after their own shapes. Pure."""

from __future__ import annotations

from typing import Any

__all__ = ["detail_message"]


def detail_message(data: Any) -> str | None:
    """The message of a FastAPI-style error body -- `{"detail": "..."}`, or validation
    errors `{"detail": [{"loc": [...], "msg": "..."}]}` -- as llama.cpp's server, vLLM and
    many gateways send them instead of the provider's own shape; None for other bodies.

    >>> detail_message({"detail": "Model not loaded"})
    'Model not loaded'
    >>> detail_message({"detail": [{"loc": ["body", "messages"], "msg": "field required"}]})
    'body.messages: field required'
    """
    if not isinstance(data, dict):
        return None
    detail = data.get("detail")
    if isinstance(detail, str):
        return detail or None
    if isinstance(detail, dict):
        detail = [detail]
    if not isinstance(detail, list):
        return None
    parts: list[str] = []
    for item in detail:
        if isinstance(item, str):
            parts.append(item)
            continue
        if not isinstance(item, dict):
            continue
        text = item.get("msg") or item.get("message")
        if not isinstance(text, str):
            continue
        loc = item.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, (list, tuple)) else ""
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts) or None
