"""A 400 (and the other statuses langchain-openai wraps) raised through chatplex's
ChatOpenAI is langchain-openai's own class (`OpenAIInvalidRequestError`: the openai SDK's
class and langchain_core's ModelError class), sync and async; a status langchain-openai
re-raises unchanged is the SDK's class alone; the Responses and Azure wires declare the
same families."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import httpx
import openai
import pytest
import respx

from chatplex import errors
from chatplex import langchain
from chatplex.chat import init_chat_model
from chatplex.langchain import AzureChatOpenAI
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.errors import CHAT_ERROR_FAMILIES
from chatplex.providers.openai.errors import ERROR_FAMILIES
from chatplex.providers.openai.errors import RESPONSES_ERROR_FAMILIES
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter
from chatplex.sdk_errors import sdk_compatible
from tests._dropins import engine
from tests._status_calls import first_outside_chatplex
from tests._status_calls import raised_both_ways

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

base = pytest.importorskip("langchain_openai.chat_models.base")
lc_exceptions = pytest.importorskip("langchain_core.exceptions")

URL = "https://api.openai.com/v1/chat/completions"

#: status -> langchain-openai's class for it (None: the SDK's error, re-raised unchanged).
PARTNER: dict[int, Any] = {
    400: base.OpenAIInvalidRequestError,
    401: base.OpenAIAuthenticationError,
    403: base.OpenAIPermissionDeniedError,
    404: base.OpenAIModelNotFoundError,
    409: None,
    429: base.OpenAIRateLimitError,
    500: base.OpenAIAPIError,
}


def _raised(status: int, message: str = "nope") -> list[BaseException]:
    """The error of a sync and of an async call answered with `status`."""
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", max_retries=0)
    body = {"error": {"message": message, "type": "invalid_request_error", "code": None}}
    return raised_both_ways(model, URL, status, body)


@pytest.mark.parametrize("status", sorted(PARTNER))
def test_an_error_is_langchain_openais_class(status: int) -> None:
    expected = PARTNER[status]
    for err in _raised(status):
        if expected is None:
            assert first_outside_chatplex(err) is openai.ConflictError
            assert not isinstance(err, lc_exceptions.ModelError)  # retried by LangChain
        else:
            assert first_outside_chatplex(err) is expected  # as langchain-openai's error
        assert isinstance(err, openai.APIStatusError)
        assert err.status_code == status


def test_a_context_overflow_is_langchain_openais_overflow_class() -> None:
    for err in _raised(400, "context_length_exceeded: too many tokens"):
        assert isinstance(err, base.OpenAIContextOverflowError)
        assert not isinstance(err, base.OpenAIInvalidRequestError)


def test_every_openai_wire_declares_the_partner_family_first() -> None:
    assert OpenAIAdapter.error_families is CHAT_ERROR_FAMILIES
    assert AzureOpenAIAdapter.error_families[: len(CHAT_ERROR_FAMILIES)] == CHAT_ERROR_FAMILIES
    responses = OpenAIResponsesAdapter.error_families
    assert responses[: len(RESPONSES_ERROR_FAMILIES)] == RESPONSES_ERROR_FAMILIES
    for families in (CHAT_ERROR_FAMILIES, RESPONSES_ERROR_FAMILIES):
        assert [f.module for f in families[1:]] == [f.module for f in ERROR_FAMILIES]
    # json's first (it picks only a body or an event that is not JSON), then the partner's.
    assert [f.module for f in ERROR_FAMILIES[:2]] == ["json", "langchain_openai.chat_models.base"]


#: A 200 whose body is an error object, as OpenAI-compatible servers send one.
ERROR_OBJECT = {"message": "overloaded", "type": "server_error", "param": None, "code": None}


def _error_body_raised(model: Any, url: str = URL) -> list[BaseException]:
    with respx.mock:
        respx.post(url__startswith=url).mock(
            return_value=httpx.Response(200, json={"error": ERROR_OBJECT})
        )
        with pytest.raises(ValueError) as sync:
            model.invoke("hi")
        with pytest.raises(ValueError) as asynchronous:
            asyncio.run(model.ainvoke("hi"))
    return [sync.value, asynchronous.value]


def test_a_200_error_body_is_langchain_openais_value_error() -> None:
    """langchain-openai raises `ValueError(response_dict["error"])` for it: the class
    (none of the SDK's), the object as its one argument and its words; chatplex's own
    model is that ValueError too, in chatplex's words."""
    model = langchain.ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", max_retries=0)
    for err in _error_body_raised(model):
        assert first_outside_chatplex(err) is ValueError
        assert not isinstance(err, openai.APIError)
        assert err.args == (ERROR_OBJECT,) and str(err) == str(ERROR_OBJECT)
        assert isinstance(err, errors.APIError) and err.message == "overloaded"
    own = init_chat_model("openai:gpt-4o-mini", api_key="sk-test", max_retries=0)
    for err in _error_body_raised(own):
        assert str(err) == "openai server_error: overloaded"


def test_azures_200_error_body_is_the_same_value_error() -> None:
    """AzureChatOpenAI reads the reply with ChatOpenAI's `_create_chat_result`."""
    model = AzureChatOpenAI(
        azure_endpoint="https://res.openai.azure.com",
        azure_deployment="d",
        api_version="2024-10-21",
        api_key="k",
        max_retries=0,
    )
    for err in _error_body_raised(model, "https://res.openai.azure.com/openai/deployments/d/"):
        assert first_outside_chatplex(err) is ValueError
        assert not isinstance(err, openai.APIError)
        assert err.args == (ERROR_OBJECT,) and str(err) == str(ERROR_OBJECT)


def test_a_responses_200_error_body_is_a_value_error_of_the_sdks_response_error() -> None:
    """langchain-openai's Responses path raises `ValueError(response.error)`: the openai
    SDK's ResponseError is its one argument and its words; chatplex's own model keeps
    its words."""
    model = langchain.ChatOpenAI(
        model="gpt-4o-mini", api_key="sk-test", max_retries=0, use_responses_api=True
    )
    expected = openai.types.responses.ResponseError.construct(**ERROR_OBJECT)
    for err in _error_body_raised(model, "https://api.openai.com/v1/responses"):
        assert first_outside_chatplex(err) is ValueError
        assert not isinstance(err, openai.APIError)
        assert str(err) == str(expected) and str(err).startswith("ResponseError(")
        assert err.args == (expected,)
        assert isinstance(err, errors.APIError) and err.message == "overloaded"
    own = init_chat_model(
        "openai:gpt-4o-mini", api_key="sk-test", max_retries=0, use_responses_api=True
    )
    for err in _error_body_raised(own, "https://api.openai.com/v1/responses"):
        assert str(err) == "openai_responses server_error: overloaded"


def test_a_failed_responses_stream_event_stays_the_sdks_api_error_and_a_value_error() -> None:
    """A `response.failed` event is no 200 error body: the SDK's plain APIError first,
    then the ValueError langchain-openai raises for it."""
    event = errors.StreamError("failed", provider="openai_responses", error_type="server_error")
    err = sdk_compatible(event, OpenAIResponsesAdapter.error_families)
    assert first_outside_chatplex(err) is openai.APIError
    assert isinstance(err, ValueError)


def _event_raised(event: dict[str, Any]) -> Any:
    from chatplex.adapters.sse_event import SSEEvent
    from chatplex.providers.openai.responses_stream import ResponsesStreamParser

    with pytest.raises(errors.StreamError) as info:
        ResponsesStreamParser().feed(SSEEvent(event["type"], json.dumps(event)))
    return sdk_compatible(info.value, OpenAIResponsesAdapter.error_families)


def test_a_responses_failure_event_the_sdk_passes_is_langchain_openais_value_error() -> None:
    """The openai SDK raises its APIError only for an event whose data holds an `error`
    object; langchain-openai raises a plain ValueError for the others: an `error`
    event's "code: message", a `response.failed` event's `str(response.error)`."""
    raised = _event_raised(
        {"type": "error", "code": "server_error", "message": "busy", "param": None}
    )
    assert first_outside_chatplex(raised) is ValueError
    assert not isinstance(raised, (openai.APIError, lc_exceptions.ModelError))
    assert str(raised) == "server_error: busy" and raised.provider_message == "busy"
    assert str(_event_raised({"type": "error", "code": None, "message": "busy"})) == "busy"
    error = {"code": "server_error", "message": "The model had an error"}
    failed = {"type": "response.failed", "response": {"id": "r", "error": error}}
    raised = _event_raised(failed)
    assert first_outside_chatplex(raised) is ValueError
    assert str(raised) == str(openai.types.responses.ResponseError.construct(**error))
    nested = {"type": "error", "error": {"type": "x", "code": "bad", "message": "Flagged"}}
    assert first_outside_chatplex(_event_raised(nested)) is openai.APIError


def test_without_the_openai_sdk_a_responses_error_body_is_worded_as_its_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the SDK installed (which a drop-in's error otherwise loads): the object's
    dict is the ValueError's argument and words, as on Chat Completions."""
    monkeypatch.setitem(sys.modules, "openai", None)  # (an environment without it)
    err = errors.APIError("overloaded", provider="openai_responses", body={"error": ERROR_OBJECT})
    err = sdk_compatible(err, RESPONSES_ERROR_FAMILIES)
    assert first_outside_chatplex(err) is ValueError
    assert err.args == (ERROR_OBJECT,) and str(err) == str(ERROR_OBJECT)
