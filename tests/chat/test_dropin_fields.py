"""The shared drop-in parameters and the construction hand-off
(chatplex/chat/dropin_fields.py): fields declared once, taken out of `**params`, handed
to `ChatModel` with the tail and the API parameters; keys among them held as Secrets."""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from chatplex.chat.dropin import dropin
from chatplex.chat.dropin_fields import API_KEY
from chatplex.chat.dropin_fields import CLIENT_FIELDS
from chatplex.chat.dropin_fields import MAX_RETRIES
from chatplex.chat.dropin_fields import SAMPLING
from chatplex.chat.dropin_fields import STOP
from chatplex.chat.dropin_fields import STREAMING
from chatplex.chat.dropin_fields import TEMPERATURE
from chatplex.chat.dropin_fields import TOP_P
from chatplex.chat.dropin_fields import take_params
from chatplex.chat.dropin_fields import with_defaults
from chatplex.chat.model import ChatModel
from chatplex.secret import Secret

FIELDS = (*SAMPLING, MAX_RETRIES, API_KEY, STREAMING)


@dropin(fields=FIELDS)
class ChatShared(ChatModel):
    """A drop-in over a wire's API (its parameters checked), keeping what it took."""

    def __init__(self, model: str = "shared", *, top_k: int | None = None, **params: Any):
        self.taken = take_params(self, params, FIELDS, "openai")
        self.taken.settle(self, None, model, top_k=top_k)


def test_shared_fields_are_shown_typed_before_the_classes_own() -> None:
    params = inspect.signature(ChatShared).parameters
    names = list(params)
    assert names[:8] == [
        "model",
        "temperature",
        "max_tokens",
        "top_p",
        "stop",
        "max_retries",
        "api_key",
        "streaming",
    ]
    assert names[8] == "top_k" and names[-1] == "api_params"
    assert str(params["streaming"]) == "streaming: 'bool' = False"


def test_the_parts_are_taken_apart_and_handed_to_the_model() -> None:
    model = ChatShared(temperature=0.5, top_k=3, seed=7, tags=["t"], timeout=4.0)
    taken = model.taken
    assert taken.owner == "ChatShared"
    assert taken.given["temperature"] == 0.5 and taken.given["streaming"] is False
    assert taken.tail.settings == {"timeout": 4.0} and taken.api_params == {"seed": 7}
    assert (model.temperature, model.timeout) == (0.5, 4.0)
    assert model.extra_body == {"top_k": 3, "seed": 7}
    assert model.run_defaults == {"tags": ["t"]}


def test_a_field_left_none_leaves_chatmodels_default_and_own_settings_win() -> None:
    assert ChatShared().max_retries == 2  # the field's None: ChatModel's default
    assert ChatShared(max_retries=0).max_retries == 0

    @dropin(fields=FIELDS)
    class ChatOwnRetries(ChatModel):
        def __init__(self, model: str = "own", **params: Any):
            taken = take_params(self, params, FIELDS)
            taken.settle(self, None, model, max_retries=9)

    assert ChatOwnRetries(max_retries=1).max_retries == 9


def test_a_wire_checks_what_is_left_and_no_wire_leaves_it_to_the_class() -> None:
    with pytest.raises(TypeError, match="temprature"):
        ChatShared(temprature=0.1)

    @dropin(fields=FIELDS)
    class ChatUnchecked(ChatModel):
        def __init__(self, model: str = "unchecked", **params: Any):
            self.left = take_params(self, params, FIELDS).api_params
            super().__init__(None, model)

    assert ChatUnchecked(anything=1).left == {"anything": 1}


def test_a_key_declared_as_a_field_reaches_the_body_as_a_secret() -> None:
    model = ChatShared(api_key="sk-secret")
    key = model.taken.given["api_key"]
    assert isinstance(key, Secret) and key.get() == "sk-secret"
    assert "sk-secret" not in repr(model.taken.given)


def test_sent_gives_the_request_parameters_given_in_their_order() -> None:
    taken = ChatShared(stop=["x"], temperature=0.0).taken
    assert taken.sent((STOP, TOP_P, TEMPERATURE)) == {"stop": ["x"], "temperature": 0.0}
    assert taken.sent((TOP_P,)) == {}


def test_with_defaults_changes_only_the_named_defaults() -> None:
    changed = with_defaults(CLIENT_FIELDS, temperature=0.7)
    assert [f.name for f in changed] == [f.name for f in CLIENT_FIELDS]
    assert changed[0].default == 0.7 and CLIENT_FIELDS[0].default is None
    assert changed[1:] == CLIENT_FIELDS[1:]
