"""langchain_core's ModelError family and the partner packages' own classes
(`chatplex.sdk_error_langchain`): the class langchain-openai raises for each status (side
by side with it), on both wires sync and async, a stream that broke off, a context
overflow, a partner's own class leading the hierarchy, and pickling keeping every family."""

from __future__ import annotations

import contextlib
import copy
import json
import pickle
import sys
import types
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import openai
import pytest

from chatplex import errors
from chatplex.langchain import ChatOpenAI
from chatplex.sdk_error_families import joined_classes
from chatplex.sdk_error_langchain import LANGCHAIN_MODEL_ERRORS
from chatplex.sdk_error_langchain import langchain_class_for
from chatplex.sdk_error_langchain import model_error_family
from chatplex.sdk_error_langchain import partner_family
from chatplex.sdk_errors import chatplex_class
from chatplex.sdk_errors import sdk_compatible

from ._local_server import Answering
from ._local_server import serving
from ._sdk_wires import ANTHROPIC
from ._sdk_wires import OPENAI
from ._sdk_wires import dropin_model
from ._sdk_wires import error_body
from ._sdk_wires import url_for
from ._status_calls import raised_both_ways

lc_exceptions = pytest.importorskip("langchain_core.exceptions")

# status -> the ModelError class langchain-openai raises for it (None: re-raised unchanged)
MODEL_ERRORS: dict[int, Any] = {
    400: lc_exceptions.ModelInvalidRequestError,
    401: lc_exceptions.ModelAuthenticationError,
    403: lc_exceptions.ModelPermissionDeniedError,
    404: lc_exceptions.ModelNotFoundError,
    409: None,
    422: None,
    429: lc_exceptions.ModelRateLimitError,
    500: lc_exceptions.ModelAPIError,
    503: lc_exceptions.ModelAPIError,
}


@contextlib.contextmanager
def _status_server(status: int, body: dict[str, Any]) -> Iterator[str]:
    """A server on 127.0.0.1 answering every POST with `status` and `body` (the openai SDK
    sends through its own HTTP client, which respx does not see)."""

    class Handler(Answering):
        def do_POST(self) -> None:
            self.read_body()
            self.answer(status, json.dumps(body).encode())

    with serving(Handler) as url:
        yield f"{url}/v1"


@pytest.mark.parametrize("status", sorted(MODEL_ERRORS))
def test_model_error_family_matches_langchain_openai(status: int) -> None:
    langchain_openai = pytest.importorskip("langchain_openai")
    settings = {"model": "gpt-4o-mini", "api_key": "sk-test", "max_retries": 0}
    with _status_server(status, error_body(status, "openai")) as url:
        with pytest.raises(openai.APIStatusError) as theirs:
            langchain_openai.ChatOpenAI(base_url=url, **settings).invoke("hi")
        with pytest.raises(errors.APIStatusError) as ours:
            ChatOpenAI(base_url=url, **settings).invoke("hi")
    expected = MODEL_ERRORS[status]
    if expected is None:
        assert not isinstance(theirs.value, lc_exceptions.ModelError)
        assert not isinstance(ours.value, lc_exceptions.ModelError)
    else:
        assert isinstance(theirs.value, expected)  # the table is langchain-openai's
        assert isinstance(ours.value, expected)
    sdk_class = next(c for c in type(theirs.value).__mro__ if c.__module__.startswith("openai"))
    assert isinstance(ours.value, sdk_class)  # and the SDK's class it wraps


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_model_errors_caught_on_both_wires_sync_and_async(provider: str) -> None:
    model, body = dropin_model(provider), error_body(429, provider)
    for caught in raised_both_ways(model, url_for(provider), 429, body):
        assert isinstance(caught, lc_exceptions.ModelRateLimitError)
        assert isinstance(caught, errors.RateLimitError)
        assert chatplex_class(caught) is errors.RateLimitError
        assert caught.is_retryable is True  # LangChain's own attribute, from its class


def _stream_failure(**fields: Any) -> errors.StreamError:
    return errors.StreamError("stream failed", provider="openai", **fields)


def test_a_stream_that_broke_off_is_langchain_openais_connection_error() -> None:
    """The openai SDK raises a stream whose connection failed as `APIConnectionError`,
    which langchain-openai re-raises as its `OpenAIConnectionError` (a
    ModelConnectionError); an error event and a malformed event are neither."""
    base = pytest.importorskip("langchain_openai.chat_models.base")
    broken = _stream_failure()
    broken.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    families = (partner_family(base.__name__, "OpenAI", broken_stream=True), *OPENAI)
    widened = sdk_compatible(broken, (*families, LANGCHAIN_MODEL_ERRORS))
    assert isinstance(widened, base.OpenAIConnectionError)
    assert isinstance(widened, lc_exceptions.ModelConnectionError)
    for other in (_stream_failure(error_type="server_error"), _stream_failure()):
        assert langchain_class_for(other, lc_exceptions) is None
        assert not isinstance(sdk_compatible(other, families), base.OpenAIConnectionError)
    # A partner that lets its SDK's stream errors through (no `broken_stream`) adds none.
    plain = _stream_failure()
    plain.__cause__ = httpx.RemoteProtocolError("peer closed connection")
    quiet = partner_family(base.__name__, "OpenAI")
    assert not isinstance(sdk_compatible(plain, (quiet,)), base.OpenAIConnectionError)


def test_context_overflow_and_timeouts() -> None:
    # langchain-openai reads the overflow in the error's text, which the openai SDK
    # writes of the body's message alone: OpenAI's code `context_length_exceeded` beside
    # plain words is an invalid request to it (tests/partners/openai/
    # test_context_overflow_sidebyside.py), its words in the message an overflow.
    body = {"error": {"code": "context_length_exceeded", "message": "too long"}}

    def a_400(message: str) -> errors.APIStatusError:
        return errors.status_error(provider="openai", status=400, message=message, body=body)

    coded = a_400("This model's maximum context length is 8192")
    assert langchain_class_for(coded, lc_exceptions) is lc_exceptions.ModelInvalidRequestError
    overflow = a_400("context_length_exceeded: 8192 tokens at most")
    assert langchain_class_for(overflow, lc_exceptions) is lc_exceptions.ContextOverflowError
    widened = sdk_compatible(overflow, (*OPENAI, LANGCHAIN_MODEL_ERRORS))
    assert isinstance(widened, lc_exceptions.ContextOverflowError)
    assert isinstance(widened, openai.BadRequestError)
    timeout = errors.APITimeoutError("slow", provider="openai")
    assert isinstance(
        sdk_compatible(timeout, (LANGCHAIN_MODEL_ERRORS,)), lc_exceptions.ModelTimeoutError
    )
    # A wire that does not declare the family (its partner re-raises its SDK's errors)
    # gives no ModelError: LangChain's retry middleware then retries it, as the partner's.
    assert not isinstance(
        sdk_compatible(errors.APITimeoutError("slow"), ()), lc_exceptions.ModelError
    )
    refused = errors.APIConnectionError("refused", provider="anthropic")
    anthropic_wire = (*ANTHROPIC, LANGCHAIN_MODEL_ERRORS)
    assert isinstance(sdk_compatible(refused, anthropic_wire), lc_exceptions.ModelConnectionError)
    assert isinstance(refused, anthropic.APIConnectionError)
    # A spent budget is no model error.
    budget = errors.BudgetExceededError("spent", spent=2.0, max_cost=1.0)
    assert langchain_class_for(budget, lc_exceptions) is None
    assert LANGCHAIN_MODEL_ERRORS.module == "langchain_core.exceptions"


def _partner_module() -> Any:
    """A partner package shaped like langchain-anthropic: its own classes, each its SDK's
    class and langchain_core's ModelError class at once."""

    module = types.ModuleType("partner_under_test")
    pairs = {
        "InvalidRequestError": (anthropic.BadRequestError, lc_exceptions.ModelInvalidRequestError),
        "ContextOverflowError": (anthropic.BadRequestError, lc_exceptions.ContextOverflowError),
        "RateLimitError": (anthropic.RateLimitError, lc_exceptions.ModelRateLimitError),
        "APIError": (anthropic.InternalServerError, lc_exceptions.ModelAPIError),
        "OverloadedError": (anthropic.OverloadedError, lc_exceptions.ModelAPIError),
        "TimeoutError": (anthropic.APITimeoutError, lc_exceptions.ModelTimeoutError),
    }
    for word, bases in pairs.items():
        setattr(module, f"Partner{word}", type(f"Partner{word}", bases, {}))
    return module


def test_partner_family_leads_with_the_partners_own_class(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = _partner_module()
    monkeypatch.setitem(sys.modules, module.__name__, module)
    wire = (
        partner_family(module.__name__, "Partner", ("prompt is too long",)),
        *ANTHROPIC,
        model_error_family(("prompt is too long",)),
    )

    def raised(status: int, message: str = "no") -> Any:
        return sdk_compatible(
            errors.status_error(provider="anthropic", status=status, message=message), wire
        )

    bad = raised(400)
    # The partner's class first after chatplex's, as in the partner's own error's hierarchy
    # (the SDK's and LangChain's classes, which it subclasses, are no extra bases).
    outside = [c for c in joined_classes(bad) if not c.__module__.startswith("chatplex")]
    assert outside[0] is module.PartnerInvalidRequestError
    assert type(bad).__qualname__ == "PartnerInvalidRequestError"  # named as the partner's
    assert isinstance(bad, anthropic.BadRequestError)
    assert bad.is_retryable is False
    assert bad.type is None  # the SDK family's fields are still filled
    assert isinstance(raised(400, "prompt is too long"), module.PartnerContextOverflowError)
    # context_length_exceeded is langchain-openai's word, not this partner's
    assert not isinstance(
        raised(400, "context_length_exceeded"), lc_exceptions.ContextOverflowError
    )
    assert isinstance(raised(429), module.PartnerRateLimitError)
    assert isinstance(raised(529), module.PartnerOverloadedError)
    assert isinstance(raised(500), module.PartnerAPIError)
    timeout = sdk_compatible(errors.APITimeoutError("slow", provider="anthropic"), wire)
    assert isinstance(timeout, module.PartnerTimeoutError)
    # A status the partner re-raises unchanged, or one it has no class for, is the SDK's.
    conflict = raised(409)
    assert isinstance(conflict, anthropic.ConflictError)
    assert not isinstance(conflict, lc_exceptions.ModelError)
    missing = raised(404)  # no PartnerModelNotFoundError: LangChain's family stands for it
    assert isinstance(missing, lc_exceptions.ModelNotFoundError)
    assert isinstance(missing, anthropic.NotFoundError)


def test_a_partner_not_imported_still_names_the_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A drop-in's error is named as its partner package's class (what `type(err).__name__`,
    logs and tracers read) where the script never imported the partner: by the class's
    module and name alone, kept by pickling and copying; its classes are the SDK's and
    LangChain's. chatplex's own models keep chatplex's names."""
    name = "langchain_partner_not_imported.chat_models"
    monkeypatch.delitem(sys.modules, name, raising=False)
    wire = (partner_family(name, "Partner", overloaded=True), *ANTHROPIC, LANGCHAIN_MODEL_ERRORS)

    def raised(status: int, *, words: bool = True) -> Any:
        err = errors.status_error(provider="anthropic", status=status, message="no")
        return sdk_compatible(err, wire, words=words)

    busy = raised(429)
    assert (type(busy).__module__, type(busy).__qualname__) == (name, "PartnerRateLimitError")
    assert isinstance(busy, anthropic.RateLimitError)
    assert isinstance(busy, lc_exceptions.ModelRateLimitError)
    assert chatplex_class(busy) is errors.RateLimitError
    assert type(raised(529)).__name__ == "PartnerOverloadedError"
    assert type(raised(500)).__name__ == "PartnerAPIError"
    assert type(raised(409)).__name__ == "ConflictError"  # re-raised unchanged: the SDK's
    assert type(raised(429, words=False)).__name__ == "RateLimitError"
    for kept in (pickle.loads(pickle.dumps(busy)), copy.copy(busy)):
        assert type(kept).__name__ == "PartnerRateLimitError"
        assert isinstance(kept, anthropic.RateLimitError)
    assert name not in sys.modules


def test_pickle_keeps_every_family() -> None:
    wire = (*OPENAI, LANGCHAIN_MODEL_ERRORS)
    err = sdk_compatible(errors.status_error(provider="openai", status=429, message="x"), wire)
    copy = pickle.loads(pickle.dumps(err))
    assert isinstance(copy, openai.RateLimitError)
    assert isinstance(copy, lc_exceptions.ModelRateLimitError)
    assert isinstance(copy, errors.RateLimitError)
    assert type(copy) is type(err)
