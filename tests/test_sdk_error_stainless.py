"""The Stainless-made SDKs' family (`chatplex.sdk_error_stainless`): the class by
status and its fallbacks, and the SDK's words (issue 47): a status error's message and
`str()` as the Stainless SDKs word them (checked against the installed openai SDK), a
failure in transit as the SDK's timeout or connection class in its words, and OpenAI's
`body` as the error object alone."""

from __future__ import annotations

import sys
from typing import Any

import anthropic
import httpx
import openai
import pytest

from chatplex import errors
from chatplex.sdk_error_stainless import sdk_class_for
from chatplex.sdk_error_stainless import stainless_family
from chatplex.sdk_errors import sdk_compatible

from ._sdk_wires import OPENAI
from ._sdk_wires import OPENAI_URL


def test_no_sdk_class_for_errors_no_sdk_has() -> None:
    budget = errors.BudgetExceededError("spent", spent=2.0, max_cost=1.0)
    assert sdk_compatible(budget, OPENAI) is budget
    assert type(budget) is errors.BudgetExceededError
    assert sdk_class_for(ValueError("bug"), openai) is None
    # A wire that declares no family, without LangChain loaded: unchanged.
    err = errors.status_error(provider="groq-native", status=429, message="slow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "langchain_core.exceptions", None)  # type: ignore[arg-type]
        assert type(sdk_compatible(err, ())) is errors.RateLimitError


def test_status_without_own_sdk_class_falls_back() -> None:
    err = sdk_compatible(errors.status_error(provider="openai", status=402, message="pay"), OPENAI)
    assert type(err).__mro__[1:].count(openai.APIStatusError) == 1
    assert not isinstance(err, openai.InternalServerError)
    five = sdk_compatible(errors.status_error(provider="openai", status=502, message="x"), OPENAI)
    assert isinstance(five, openai.InternalServerError)


# ---- the SDK's words (issue 47): message and str() as the Stainless SDKs word them


def _status_error(status: int | None, body: Any, message: str = "Invalid API Key") -> Any:
    return errors.status_error(provider="groq", status=status, message=message, body=body)


def test_stainless_text_words_a_status_error_as_the_sdk_does() -> None:
    from chatplex.sdk_error_stainless import stainless_text

    body = {"error": {"message": "Invalid API Key", "code": "invalid_api_key"}}
    whole = _status_error(401, body)
    stainless_text(whole, "no_such_sdk")  # an SDK that shows the whole body
    assert whole.message == str(whole) == f"Error code: 401 - {body}"
    assert whole.provider_message == "Invalid API Key" and whole.status_code == 401
    text = _status_error(502, "  bad gateway \n")
    stainless_text(text, "no_such_sdk")
    assert str(text) == "bad gateway"
    empty = _status_error(500, None)
    stainless_text(empty, "no_such_sdk")
    assert str(empty) == "Error code: 500"
    inner = _status_error(400, {"message": "bad"})
    inner.whole_body = {"error": {"message": "bad"}}  # a wire keeping the error object
    stainless_text(inner, "no_such_sdk")
    assert str(inner) == "Error code: 400 - {'error': {'message': 'bad'}}"


def test_stainless_text_reads_the_openai_sdks_own_wording() -> None:
    """openai's recent releases show the body's `error.message` alone: the same words as
    the installed SDK's own error, checked against it."""
    from chatplex.sdk_error_stainless import stainless_text

    body = {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}
    ours = _status_error(401, body)
    stainless_text(ours, "openai")
    response = httpx.Response(401, json=body, request=httpx.Request("POST", OPENAI_URL))
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    theirs = client._make_status_error_from_response(response)  # type: ignore[arg-type]
    assert str(ours) == str(theirs) and ours.message == theirs.message


def test_an_error_with_no_status_keeps_chatplex_words() -> None:
    from chatplex.sdk_error_stainless import stainless_text

    event = errors.StreamError("overloaded", provider="openai", error_type="server_error")
    stainless_text(event, "openai")
    assert str(event) == "openai server_error: overloaded" and event.message == "overloaded"


def test_a_timeout_is_the_sdks_timeout_class() -> None:
    """The partner's class (issue 47): openai.APITimeoutError, as langchain-openai's
    SDK raises, and as it no builtin TimeoutError (LangGraph's default RetryPolicy
    retries it), in the SDK's words; chatplex's ("read timed out ...", which bound) stay as
    `provider_message` and as its cause, chained to httpx's error."""
    slow = errors.APITimeoutError("read timed out", provider="openai")
    slow.__cause__ = httpx.ReadTimeout("timed out")
    timeout = sdk_compatible(slow, OPENAI)
    assert isinstance(timeout, openai.APITimeoutError) and not isinstance(timeout, TimeoutError)
    assert str(timeout) == "Request timed out." == timeout.message
    assert timeout.provider_message == "read timed out"
    detail = timeout.__cause__
    assert type(detail) is errors.APITimeoutError and str(detail) == "openai: read timed out"
    assert isinstance(detail.__cause__, httpx.ReadTimeout)
    failed = sdk_compatible(errors.APIConnectionError("refused", provider="openai"), OPENAI)
    assert isinstance(failed, openai.APIConnectionError) and str(failed) == "Connection error."
    anthropic_family = (stainless_family("anthropic"),)
    ours = sdk_compatible(errors.APITimeoutError("t", provider="anthropic"), anthropic_family)
    assert isinstance(ours, anthropic.APITimeoutError)
    assert str(ours).startswith("Request timed out or interrupted.")


def test_inner_body_is_the_error_object_as_the_openai_sdks() -> None:
    """`stainless_family(..., inner_body=True)`: `body` and `str()` as the openai SDK's
    own error has them; the whole body kept as `whole_body`."""
    body = {"error": {"message": "m", "type": "invalid_request_error", "code": None}}
    ours = sdk_compatible(_status_error(400, body), (stainless_family("openai", inner_body=True),))
    response = httpx.Response(400, json=body, request=httpx.Request("POST", OPENAI_URL))
    client = openai.OpenAI(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    theirs = client._make_status_error_from_response(response)  # type: ignore[arg-type]
    assert (ours.body, str(ours), ours.args) == (theirs.body, str(theirs), theirs.args)  # type: ignore[attr-defined]
    assert ours.whole_body == body  # type: ignore[attr-defined]
