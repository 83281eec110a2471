"""`stop` as the Chat Completions drop-ins send it (as given: one string as the string,
an empty list where the partner class sends one), and as chatplex's own family sends
it (a list, unchanged)."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex
from chatplex.providers.openai.stop_dropin import sent_stop
from tests._dropins import chat_model
from tests._dropins import engine

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

KEY = "sk-test-stop"
LEFT_OUT = "<left out>"


def sent(model: Any) -> Any:
    """The `stop` field of the request a call of `model` sends."""
    return model.build_request("hi").json.get("stop", LEFT_OUT)


@pytest.mark.parametrize(
    ("stop", "call_stop", "empty", "expected"),
    [
        ("END", None, "never", "END"),
        ("END", "END", "call", "END"),
        (["a", "b"], None, "always", None),  # the engine's list, as it is
        ([], None, "call", None),
        ([], [], "call", []),
        ((), (), "call", []),
        ([], None, "always", []),
        ([], [], "never", None),
        (None, None, "always", None),
    ],
)
def test_what_is_sent_in_place_of_the_list(
    stop: Any, call_stop: Any, empty: Any, expected: Any
) -> None:
    assert sent_stop(stop, call_stop, empty) == expected


def test_chatplexs_own_family_sends_a_list_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """`init_chat_model`'s models send one string as a list of that string: neither
    dropped nor split into characters; an empty list is no stop."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = chatplex.init_chat_model("openai:gpt-4o-mini", api_key=KEY)
    assert sent(model.bind(stop="END")) == ["END"]
    assert sent(chatplex.init_chat_model("openai:gpt-4o-mini", api_key=KEY, stop="END")) == ["END"]
    assert sent(model.bind(stop=[])) == LEFT_OUT
    assert sent(model.bind(stop=("a", "b"))) == ["a", "b"]


def test_chatopenai_sends_stop_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = ChatOpenAI(model="gpt-4o-mini", api_key=KEY)
    assert sent(model.bind(stop="END")) == "END"
    assert sent(ChatOpenAI(model="gpt-4o-mini", api_key=KEY, stop="END")) == "END"
    assert sent(model.bind(stop=[])) == []  # a call's `[]`
    assert sent(ChatOpenAI(model="gpt-4o-mini", api_key=KEY, stop=[])) == LEFT_OUT
    assert sent(model.bind(stop=["a", "b"])) == ["a", "b"]
    # the engine's settings keep the list every other reader reads
    assert model.bind(stop="END")._settings({}).stop == ("END",)


def test_a_stop_in_the_body_fields_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `stop` given in `extra_body` is sent over the field's, as the SDK sends it."""
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = ChatOpenAI(model="gpt-4o-mini", api_key=KEY, stop="END", extra_body={"stop": ["X"]})
    assert sent(model) == ["X"]


def test_no_stop_on_the_responses_api(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    model = ChatOpenAI(model="gpt-4o-mini", api_key=KEY, use_responses_api=True, stop="END")
    assert sent(model) == LEFT_OUT
    assert sent(model.bind(stop=[])) == LEFT_OUT


def test_each_class_sends_the_empty_lists_its_partner_sends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("GROQ_API_BASE", "MISTRAL_BASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    groq = chat_model("ChatGroq", model="llama-3.3-70b-versatile", api_key=KEY, stop=[])
    assert sent(groq) == [] and sent(groq.bind(stop="END")) == "END"
    mistral = chat_model("ChatMistralAI", model="mistral-small-latest", api_key=KEY)
    assert sent(mistral.bind(stop=[])) == LEFT_OUT
    assert sent(mistral.bind(stop="END")) == "END"
