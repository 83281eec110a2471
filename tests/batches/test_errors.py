"""The batch errors: rows that never ran are APIErrors, and which may be retried."""

from __future__ import annotations

import pickle

from chatplex.batches.errors import BatchCanceledError
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.errors import BatchFormatError
from chatplex.batches.errors import BatchNotFinishedError
from chatplex.errors import APIError
from chatplex.errors import ChatplexError


def test_rows_that_never_ran_are_api_errors_and_only_expired_is_retryable() -> None:
    expired = BatchExpiredError("window closed", provider="openai", code="batch_expired")
    canceled = BatchCanceledError("canceled", provider="anthropic")
    assert isinstance(expired, APIError) and expired.retryable
    assert isinstance(canceled, APIError) and not canceled.retryable
    assert expired.provider == "openai" and expired.code == "batch_expired"


def test_job_level_errors_are_chatplex_errors() -> None:
    assert issubclass(BatchNotFinishedError, ChatplexError)
    assert issubclass(BatchFormatError, ChatplexError)


def test_row_errors_survive_pickling() -> None:  # results cross process pools
    error = pickle.loads(pickle.dumps(BatchExpiredError("late", provider="openai")))
    assert type(error) is BatchExpiredError
    assert (error.message, error.provider) == ("late", "openai")
