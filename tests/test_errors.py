"""The typed error tree (`errors.py`): which class a status becomes, whether it is worth
retrying, what an error shows, and that its fields survive pickling."""

from __future__ import annotations

import pickle

import pytest

from chatplex.errors import APIConnectionError
from chatplex.errors import APIError
from chatplex.errors import APIStatusError
from chatplex.errors import APITimeoutError
from chatplex.errors import AuthenticationError
from chatplex.errors import BadRequestError
from chatplex.errors import ChatplexError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import NotFoundError
from chatplex.errors import OverloadedError
from chatplex.errors import PermissionDeniedError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.errors import StreamIdleTimeoutError
from chatplex.errors import status_error
from chatplex.messages import AIMessageChunk


def error(status: int, message: str = "m", **kw: object) -> APIStatusError:
    return status_error(provider="p", status=status, message=message, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "cls", "retryable"),
    [
        (400, BadRequestError, False),
        (401, AuthenticationError, False),
        (403, PermissionDeniedError, False),
        (404, NotFoundError, False),
        (408, APIStatusError, True),
        (409, APIStatusError, True),
        (418, APIStatusError, False),
        (422, BadRequestError, False),
        (429, RateLimitError, True),
        (500, ServerError, True),
        (501, ServerError, True),
        (503, ServerError, True),
        (529, OverloadedError, True),
        (599, ServerError, True),
    ],
)
def test_status_chooses_the_class_and_retryability(
    status: int, cls: type[APIStatusError], retryable: bool
) -> None:
    err = error(status)
    assert type(err) is cls
    assert err.retryable is retryable
    assert (err.status, err.provider, err.message) == (status, "p", "m")


def test_overloaded_error_type_wins_over_the_status() -> None:
    err = error(200, error_type="overloaded_error")
    assert type(err) is OverloadedError and err.retryable is False  # 200 says nothing
    assert error(500, error_type="overloaded_error").retryable


@pytest.mark.parametrize(
    "fields",
    [
        {"error_type": "insufficient_quota"},
        {"code": "insufficient_quota"},
        {"message": "Your credit balance is too low to access the API"},
        {"message": "You have reached your specified API usage limits"},
        {"error_type": "billing_error"},
    ],
)
def test_a_429_that_waiting_will_not_fix_is_a_quota_error(fields: dict[str, str]) -> None:
    err = error(429, **fields)
    assert type(err) is QuotaExceededError
    assert isinstance(err, RateLimitError)
    assert err.retryable is False


def test_x_should_retry_overrides_the_status() -> None:
    assert error(400, headers={"x-should-retry": "true"}).retryable is True
    assert error(503, headers={"x-should-retry": "false"}).retryable is False
    assert error(503, headers={"x-should-retry": "maybe"}).retryable is True
    assert error(503, headers={}).retryable is True


def test_fields_are_kept() -> None:
    err = error(
        404,
        error_type="not_found_error",
        code="model_not_found",
        request_id="req_1",
        body={"error": {}},
        response="the response",
    )
    assert (err.error_type, err.code, err.request_id) == (
        "not_found_error",
        "model_not_found",
        "req_1",
    )
    assert err.body == {"error": {}} and err.response == "the response"
    assert err.attempts == 1 and err.retry_after is None


def test_str_names_provider_status_type_request_id_and_attempts() -> None:
    err = error(429, message="slow down", error_type="rate_limit_error", request_id="req_9")
    assert str(err) == "p 429 rate_limit_error: slow down (request_id=req_9)"
    err.attempts = 3
    assert str(err) == "p 429 rate_limit_error: slow down (request_id=req_9, attempts=3)"
    assert str(APIError("bare")) == "bare"


def test_repr_shows_the_fields() -> None:
    text = repr(error(500, message="boom", request_id="r"))
    assert text == (
        "ServerError(status=500, provider='p', error_type=None, message='boom', "
        "request_id='r', retryable=True)"
    )


def test_retryable_defaults_per_class_and_can_be_overridden() -> None:
    assert APIConnectionError("reset").retryable is True
    assert APIConnectionError("bad url", retryable=False).retryable is False
    assert APIError("x").retryable is False
    assert APIError("x", retryable=True).retryable is True
    assert RateLimitError("x").retryable is True
    assert QuotaExceededError("x").retryable is False


def test_pickling_keeps_the_fields_and_drops_the_response() -> None:
    err = error(429, message="slow", request_id="req_2", response=object(), body={"a": 1})
    err.attempts = 2
    err.retry_after = 1.5
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is RateLimitError
    assert (copy.status, copy.message, copy.request_id, copy.body) == (
        429,
        "slow",
        "req_2",
        {"a": 1},
    )
    assert (copy.attempts, copy.retry_after, copy.retryable) == (2, 1.5, True)
    assert copy.response is None
    assert str(copy) == str(err)


def test_stream_errors_carry_the_partial_reply() -> None:
    partial = AIMessageChunk("half")
    err = StreamError("cut", partial=partial, provider="p")
    assert err.partial is partial and err.provider == "p"
    idle = StreamIdleTimeoutError("idle", partial=partial)
    assert isinstance(idle, StreamError) and isinstance(idle, APITimeoutError)
    assert not isinstance(idle, TimeoutError) and idle.retryable  # (as APITimeoutError)
    assert idle.partial is partial


def test_deadline_exceeded_is_a_timeout_with_an_optional_partial() -> None:
    err = DeadlineExceededError("late")
    assert isinstance(err, TimeoutError) and isinstance(err, ChatplexError)
    assert not isinstance(err, APIError)  # never retried as a provider failure
    assert err.partial is None
    assert DeadlineExceededError("late", partial=AIMessageChunk("x")).partial == AIMessageChunk("x")


def test_every_error_is_a_chatplex_error() -> None:
    for cls in (APIError, APITimeoutError, StreamError, QuotaExceededError, DeadlineExceededError):
        assert issubclass(cls, ChatplexError)
    assert issubclass(APITimeoutError, APIConnectionError)
    # One request's timeout is no builtin TimeoutError (an OSError), as no SDK's is:
    # LangGraph's default RetryPolicy retries it. The whole call's deadline is one.
    assert not issubclass(APITimeoutError, TimeoutError)


def test_content_filter_error_is_a_bad_request_carrying_the_filter_results() -> None:
    from chatplex.errors import BadRequestError
    from chatplex.errors import ContentFilterError

    results = {"content_filter_results": {"hate": {"filtered": True, "severity": "high"}}}
    err = ContentFilterError("filtered", filter_results=results, status=400, code="content_filter")
    assert isinstance(err, BadRequestError) and not err.retryable
    copy = pickle.loads(pickle.dumps(err))
    assert type(copy) is ContentFilterError
    assert copy.filter_results == results and copy.code == "content_filter"


def test_lock_and_budget_errors_pickle_with_their_fields() -> None:
    from chatplex.errors import BudgetExceededError
    from chatplex.errors import LockTimeoutError

    lock = LockTimeoutError("locked", path="/tmp/budget", holder=4242)
    budget = BudgetExceededError("spent", spent=1.5, max_cost=1.0)
    lock_copy, budget_copy = pickle.loads(pickle.dumps((lock, budget)))
    assert type(lock_copy) is LockTimeoutError and str(lock_copy) == "locked"
    assert (lock_copy.path, lock_copy.holder) == ("/tmp/budget", 4242)
    assert type(budget_copy) is BudgetExceededError and str(budget_copy) == "spent"
    assert (budget_copy.spent, budget_copy.max_cost) == (1.5, 1.0)


def test_a_missing_key_error_names_the_wire_that_refused_and_pickles_with_it() -> None:
    from chatplex.errors import MissingKeyError
    from chatplex.providers.compatible.adapter import preset_adapter_class

    groq = preset_adapter_class("groq")  # a class made per preset: pickled by its name
    err = MissingKeyError("Groq API key missing", adapter_class=groq)
    bare = MissingKeyError("no key")
    copy, bare_copy = pickle.loads(pickle.dumps((err, bare)))
    assert type(copy) is MissingKeyError and isinstance(copy, ValueError)
    assert (str(copy), copy.adapter_class) == ("Groq API key missing", groq)
    assert (str(bare_copy), bare_copy.adapter_class) == ("no key", None)


def test_safety_blocked_error_names_reason_and_category_and_pickles() -> None:
    import pickle

    from chatplex.errors import APIError
    from chatplex.errors import SafetyBlockedError

    error = SafetyBlockedError(
        "the prompt was blocked",
        reason="SAFETY",
        category="HARM_CATEGORY_HARASSMENT",
        ratings=[{"category": "HARM_CATEGORY_HARASSMENT", "blocked": True}],
        provider="google_genai",
    )
    assert isinstance(error, APIError) and not error.retryable
    assert (error.reason, error.category) == ("SAFETY", "HARM_CATEGORY_HARASSMENT")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.reason, copy.category, copy.ratings) == (
        error.reason,
        error.category,
        error.ratings,
    )
    assert SafetyBlockedError("x", reason="RECITATION").category == "RECITATION"
