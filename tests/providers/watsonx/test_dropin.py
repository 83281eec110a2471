"""`ChatWatsonx` (`providers/watsonx/dropin.py`: its record's `build`), through the
drop-in (`chatplex.langchain.ChatWatsonx`) and the model it builds (`chatplex_model`):
langchain-ibm's constructor, its parameters and `params` on the wire, refused settings,
sync and async calls over respx with the IAM exchange injected."""

from __future__ import annotations

import asyncio
import copy
import doctest
import json
import pickle
from typing import Any

import httpx
import pytest
import respx

from chatplex.langchain import ChatWatsonx
from chatplex.providers.watsonx import dropin as module
from chatplex.providers.watsonx.auth import IAM_URL
from tests.providers.watsonx.conftest import chat_reply

BASE = "https://us-south.ml.cloud.ibm.com"
CHAT = f"{BASE}/ml/v1/text/chat"
REPLY = chat_reply("ok", 2)


def _model(**given: Any) -> Any:
    settings: dict[str, Any] = {
        "model_id": "ibm/granite",
        "url": BASE,
        "token": "tok",
        "project_id": "p-1",
    }
    return ChatWatsonx(**{**settings, **given})


@respx.mock(assert_all_called=True)
def test_langchain_ibms_parameters_on_the_wire_sync_and_async(respx_mock: Any) -> None:
    route = respx_mock.post(url__startswith=CHAT).mock(return_value=httpx.Response(200, json=REPLY))
    model = _model(
        params={"temperature": 0.2, "max_completion_tokens": 50, "top_p": None},
        stop=["END"],
        seed=7,
        time_limit=1000,
    )
    assert model.invoke("hi").content == "ok"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "model_id": "ibm/granite",
        "messages": [{"role": "user", "content": "hi"}],
        "temperature": 0.2,
        "stop": ["END"],
        "max_completion_tokens": 50,
        "seed": 7,
        "time_limit": 1000,
        "project_id": "p-1",
    }
    assert route.calls.last.request.headers["authorization"] == "Bearer tok"
    assert asyncio.run(model.ainvoke("hi")).content == "ok"
    # A per-call stop goes as the chat API's `stop` (langchain-ibm: `stop_sequences`).
    model.invoke("hi", stop=["X"])
    assert json.loads(route.calls.last.request.content)["stop"] == ["X"]


@respx.mock(assert_all_called=True)
def test_an_api_key_is_exchanged_at_the_iam_url_given(respx_mock: Any) -> None:
    route = respx_mock.post(url__startswith=CHAT).mock(return_value=httpx.Response(200, json=REPLY))
    iam = respx_mock.post("https://iam.test.cloud.ibm.com/identity/token").mock(
        return_value=httpx.Response(200, json={"access_token": "iam-tok", "expires_in": 3600})
    )
    model = _model(
        token=None, api_key="ibm-key", iam_url="https://iam.test.cloud.ibm.com/identity/token"
    )
    model.invoke("hi")
    assert iam.call_count == 1 and b"apikey=ibm-key" in iam.calls.last.request.content
    assert route.calls.last.request.headers["authorization"] == "Bearer iam-tok"


def test_names_and_defaults() -> None:
    model = _model(temperature=0)
    built = model.chatplex_model
    assert model.get_name() == built.get_name() == "ChatWatsonx"
    assert model.model_id == built.model == "ibm/granite"
    assert str(built.adapter.base_url) == BASE and model.project_id == "p-1"
    assert built.adapter.scope == {"project_id": "p-1"} and model.space_id is None
    assert built.max_retries == 2 and built.temperature == 0 and built.streaming is False
    assert _model(model_id=None, model="ibm/other").chatplex_model.model == "ibm/other"
    shown = repr(_model(token="tok-secret-1").chatplex_model)
    assert "tok" not in shown.replace("tok-secret-1", "")
    assert "tok-secret-1" not in repr(_model(token="tok-secret-1"))


def test_params_may_be_an_object_with_to_dict() -> None:
    class TextChatParameters:  # ibm-watsonx-ai's schema objects have to_dict()
        def to_dict(self) -> dict[str, Any]:
            return {"temperature": 0.4, "n": 2, "seed": None}

    model = _model(params=TextChatParameters()).chatplex_model
    assert model.temperature == 0.4 and model.extra_body == {"n": 2}
    with pytest.raises(ValueError, match="params must be a dict"):
        _model(params=3)


def test_a_setting_in_params_and_as_a_field_is_an_error() -> None:
    # (langchain-ibm's words: its check_duplicate_chat_params)
    with pytest.raises(ValueError, match=r"keyword arguments: \['temperature'\]"):
        _model(temperature=0.1, params={"temperature": 0.2})
    with pytest.raises(ValueError, match=r"keyword arguments: \['seed'\]"):
        _model(seed=1, params={"seed": 2})


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("deployment_id", "d-1", "deployed models"),
        ("password", "pw", "Cloud Pak for Data"),
        ("username", "u", "Cloud Pak for Data"),
        ("instance_id", "i", "Cloud Pak for Data"),
        ("version", "5.0", "Cloud Pak for Data"),
        ("watsonx_client", object(), "its own requests"),
        ("verify", False, "http_client"),
    ],
)
def test_refused_settings_say_why(name: str, value: Any, reason: str) -> None:
    with pytest.raises(TypeError, match=reason):
        _model(**{name: value})
    _model(**{name: None})  # the off value is accepted


def test_unknown_keywords_name_the_closest_one() -> None:
    with pytest.raises(TypeError, match=r"'temprature' \(did you mean 'temperature'\?\)"):
        _model(temprature=0)
    with pytest.raises(ValueError, match="needs model_id"):
        _model(model_id=None)
    built = _model(guided_json={"type": "object"}, validate_model=False).chatplex_model
    assert built.extra_body == {"guided_json": {"type": "object"}}


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


@respx.mock(assert_all_called=True)
def test_a_model_with_an_api_key_deep_copies_and_pickles_and_the_copy_answers(
    respx_mock: Any,
) -> None:
    # Its IAM token holds a lock, which cannot be copied: each copy gets its own (issue 65),
    # and the LangChain class's copies equal their model, as every drop-in's.
    respx_mock.post(url__startswith=CHAT).mock(return_value=httpx.Response(200, json=REPLY))
    token = {"access_token": "iam-tok", "expires_in": 3600}
    exchanges = respx_mock.post(IAM_URL).mock(return_value=httpx.Response(200, json=token))
    model = _model(token=None, api_key="ibm-key").chatplex_model
    for copied in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert copied.invoke("hi").content == "ok"
    assert exchanges.call_count == 2  # each copy exchanged the key for a token of its own
    given: dict[str, Any] = {"model_id": "ibm/granite", "project_id": "p", "api_key": "k"}
    wrapped = ChatWatsonx(**{**given, "url": BASE})
    assert copy.deepcopy(wrapped) == wrapped == pickle.loads(pickle.dumps(wrapped))
