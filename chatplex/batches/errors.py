"""Errors of the Batch APIs: per-row outcomes that are not replies, and job-level misuse.

A row the provider answered with an error status gets the same typed error a real-time
call would (`BadRequestError`, `RateLimitError`...: the adapter's `map_error`). Rows the
provider never ran get the two classes below, so `isinstance(err, APIError)` holds for
every failed row and `retry_failed()` can tell what is worth sending again.
"""

from __future__ import annotations

from ..errors import APIError
from ..errors import ChatplexError

__all__ = [
    "BatchCanceledError",
    "BatchExpiredError",
    "BatchFormatError",
    "BatchNotFinishedError",
]


class BatchExpiredError(APIError):
    """The row was not run before the batch's completion window closed (24 h). Nothing
    was billed for it; `retry_failed()` sends it again."""

    retryable = True


class BatchCanceledError(APIError):
    """The row was not run because the batch was canceled."""


class BatchNotFinishedError(ChatplexError):
    """`results()` was asked for before every job ended: `wait()` first (or read
    `status()`)."""


class BatchFormatError(ChatplexError):
    """A handle or result file chatplex cannot read (wrong format, unknown version, a
    row whose `custom_id` this batch never sent): never silently skipped."""
