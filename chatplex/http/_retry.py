"""Rate-limit bookkeeping of one HTTP attempt (only called when a budget is in use).

What a finished or failed attempt hands back to the budget it drew its permit from.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import APIError
from ..messages import peek_usage
from ._learn import spent

if TYPE_CHECKING:
    from ..messages import AIMessage
    from ..messages import AIMessageChunk
    from ._ratelimit import Permit

__all__ = ["release_failed", "stream_used_tokens", "used_tokens"]


def release_failed(permit: Permit, err: APIError, headers: Mapping[str, str] | None = None) -> None:
    """Hand a failed attempt's permit back: its status (a 429 slows the budget's pace),
    the server's `retry_after` (which pauses the whole budget) and the response's headers
    (a 429 often announces the limits it enforces). A throttling event inside a 200
    stream (`StreamError.rate_limited`) counts as the 429 it stands for; an error body
    saying the quota is spent (`RateLimitError.limit_spent`) as a ``remaining: 0``."""
    status = err.status if err.status is not None and err.status >= 400 else None
    if status is None and getattr(err, "rate_limited", False):
        status = 429
    if getattr(err, "limit_spent", False):
        headers = spent(headers)
    permit.release(status=status, retry_after=err.retry_after, headers=headers)


def used_tokens(message: AIMessage) -> int | None:
    """Total tokens a reply reports; None when the provider reported none."""
    usage = peek_usage(message)  # counts once, leaves lazy usage unbuilt in the reply
    return usage.get("total_tokens") if usage else None


def stream_used_tokens(chunks: Iterable[AIMessageChunk]) -> int | None:
    """Total tokens reported by the chunks of a stream (their usage entries are
    increments); None when none reported any."""
    total = None
    for chunk in chunks:
        usage = chunk.usage_metadata
        if usage and "total_tokens" in usage:
            total = (total or 0) + usage["total_tokens"]
    return total
