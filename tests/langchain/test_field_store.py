"""A drop-in whose partner's fields are its store (`chatplex/langchain/field_store.py`,
decision 013): ChatCohere's record says so. Its fields are the partner's, its
engine is built from them, and built again when an assignment or a copy changes one:
what is sent follows the fields, never a second copy of them."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr

import chatplex.langchain
from chatplex.langchain.field_store import FieldStoreChatModel
from chatplex.providers.cohere.dropin import ChatCohere as CHAT_COHERE
from tests._env import without_variables
from tests.providers.cohere.test_dropin import REPLY  # (ChatCohere's reply there too)
from tests.providers.cohere.test_dropin import URL

MODEL = "command-a-03-2025"

_clean_env = without_variables("COHERE_API_KEY", "CO_API_KEY", "CO_API_URL", name="_clean_env")


def _sent(route: Any) -> dict[str, Any]:
    return dict(json.loads(route.calls.last.request.content))


def test_its_fields_are_the_partners_declared_ones() -> None:
    cls = chatplex.langchain.ChatCohere
    assert issubclass(cls, FieldStoreChatModel)
    clients = set(CHAT_COHERE.fields.clients) if CHAT_COHERE.fields else set()
    declared = {f.name for f in CHAT_COHERE.declared} - clients
    assert declared <= set(cls.model_fields)
    assert cls.model_fields["user_agent"].default == "langchain:partner"
    assert cls.model_fields["stop"].validation_alias is None  # (ChatChatplex's alias gone)


@respx.mock(assert_all_called=True)
def test_an_assigned_field_is_sent_and_the_engine_kept_while_unchanged(respx_mock: Any) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    llm = chatplex.langchain.ChatCohere(model=MODEL, cohere_api_key="co-key", temperature=0.2)
    assert not hasattr(llm, "partner_given")  # no second store
    engine = llm.chatplex_model
    llm.temperature = 0.2
    assert llm.chatplex_model is engine  # the same value: not built again
    llm.temperature = 0.7
    llm.preamble = "Be terse."
    llm.invoke("hi")
    sent = _sent(route)
    assert sent["temperature"] == 0.7
    assert sent["messages"][0] == {"role": "system", "content": "Be terse."}


@respx.mock(assert_all_called=True)
def test_a_copy_sends_its_update_and_a_list_changed_in_place(respx_mock: Any) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    llm = chatplex.langchain.ChatCohere(model=MODEL, cohere_api_key="co-key", stop=["END"])
    copied = llm.model_copy(update={"temperature": 0.1})
    copied.invoke("hi")
    assert _sent(route)["temperature"] == 0.1
    llm.invoke("hi")
    assert "temperature" not in _sent(route)  # the original unchanged
    assert llm.stop is not None
    llm.stop.append("STOP")  # in place: seen by value at the next copy
    llm.model_copy().invoke("hi")
    assert _sent(route)["stop_sequences"] == ["END", "STOP"]


@respx.mock(assert_all_called=True)
def test_the_key_read_from_the_environment_at_construction(
    respx_mock: Any, _clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    monkeypatch.setenv("COHERE_API_KEY", "co-env")
    llm = chatplex.langchain.ChatCohere(model=MODEL)
    monkeypatch.delenv("COHERE_API_KEY")
    assert isinstance(llm.cohere_api_key, SecretStr)
    assert "cohere_api_key" not in llm.model_fields_set  # (filled, not given)
    llm.invoke("hi")
    assert route.calls.last.request.headers["authorization"] == "Bearer co-env"
    assert "co-env" not in repr(llm) and "co-env" not in llm.model_dump_json()


def test_equal_copies_and_a_keyword_no_field_takes_kept_apart() -> None:
    llm = chatplex.langchain.ChatCohere(model=MODEL, cohere_api_key="co-key", seed=7)
    assert llm.chatplex_settings == {"seed": 7}
    assert "seed" not in llm.model_dump() and "chatplex_settings" not in repr(llm)
    assert llm == llm.model_copy(deep=True)
    assert llm != llm.model_copy(update={"preamble": "x"})


@respx.mock(assert_all_called=True)
def test_a_key_assigned_or_copied_in_is_held_as_a_secret(respx_mock: Any) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    llm = chatplex.langchain.ChatCohere(model=MODEL, cohere_api_key="co-old-key")
    llm.cohere_api_key = "co-assigned-key"
    copied = llm.model_copy(update={"cohere_api_key": "co-copied-key"})
    for model, key in ((llm, "co-assigned-key"), (copied, "co-copied-key")):
        assert isinstance(model.cohere_api_key, SecretStr)
        assert model.cohere_api_key.get_secret_value() == key
        model.invoke("hi")  # sent from then on
        assert route.calls.last.request.headers["authorization"] == f"Bearer {key}"
        for shown in (repr(model), model.model_dump_json(), str(vars(model))):
            assert key not in shown and "co-old-key" not in shown


def test_a_partner_with_no_streaming_field_drops_the_keyword_and_shows_no_empty_dict() -> None:
    partner = pytest.importorskip("langchain_ollama").ChatOllama
    ours = chatplex.langchain.ChatOllama
    assert issubclass(ours, FieldStoreChatModel)
    shown = []
    for cls in (partner, ours):
        llm = cls(model="llama3.2", streaming=True, num_ctx=2048)
        shown.append((repr(llm), llm.model_dump(), getattr(llm, "streaming", False)))
    assert shown[1] == shown[0]
    assert "client_kwargs" not in shown[1][0] and shown[1][1]["client_kwargs"] == {}


@pytest.mark.parametrize("name", sorted(chatplex.langchain.DROP_IN_MODULES))
def test_a_scripts_subclass_declares_every_field_as_the_drop_in_does(name: str) -> None:
    # A field shadowing a property of the drop-in's base (ChatOpenAI's `model_name`,
    # ChatBedrockConverse's `provider`) was the subclass's default as a descriptor object.
    cls = chatplex.langchain.langchain_class(name)
    mine = type(f"My{name}", (cls,), {"__module__": __name__})
    for field, info in cls.model_fields.items():
        assert mine.model_fields[field].default == info.default, field


def test_a_scripts_subclass_of_chatopenai_is_built_as_chatopenai() -> None:
    class MyChatOpenAI(chatplex.langchain.ChatOpenAI):  # type: ignore[misc, valid-type]
        pass

    mine = MyChatOpenAI(api_key="sk-test")
    assert mine.model_name == chatplex.langchain.ChatOpenAI(api_key="sk-test").model_name
    assert mine.model_name == "gpt-3.5-turbo"  # langchain-openai's default


def test_built_where_pydantic_wants_the_data_a_default_factory_may_read(
    monkeypatch: pytest.MonkeyPatch, _clean_env: None
) -> None:
    """pydantic 2.10, the package's floor, refuses `get_default(call_default_factory=True)`
    without `validated_data`; later ones take it without. Each drop-in's defaults are read
    so, once per class: every drop-in was refused when built under 2.10."""
    from pydantic.fields import FieldInfo

    from chatplex.langchain import field_store

    newest = FieldInfo.get_default

    def as_in_2_10(self: FieldInfo, **given: Any) -> Any:
        if given.get("call_default_factory") and given.get("validated_data") is None:
            raise ValueError("'validated_data' must be provided if 'call_default_factory' is True.")
        return newest(self, **given)

    monkeypatch.setattr(FieldInfo, "get_default", as_in_2_10)
    field_store._defaults.cache_clear()  # (read again, under this pydantic)
    try:
        model = chatplex.langchain.ChatCohere(model=MODEL, cohere_api_key="k")
        assert model.model == MODEL
    finally:
        field_store._defaults.cache_clear()
