"""What a model says of itself (`chat/description.py`): its repr without the key, and
what its callback run is told (`ChatModel._serialized`, `_invocation_params`)."""

from __future__ import annotations

from tests.chat._model_wire import KEY
from tests.chat._model_wire import Wire
from tests.chat._model_wire import model_over


def test_the_provider_comes_from_the_adapter_and_the_key_never_shows() -> None:
    model = model_over(Wire(), temperature=0.5)
    assert model.provider == "openai"
    assert repr(model) == "ChatModel(provider='openai', model='gpt-test', temperature=0.5)"
    assert KEY not in repr(model) and KEY not in repr(model.bind(temperature=1))


def test_invocation_params_name_the_provider_users_chose_not_its_wire() -> None:
    from chatplex import init_chat_model
    from chatplex.adapters.request_types import CallSettings

    groq = init_chat_model("groq:llama-3.3-70b-versatile", api_key="gsk-example")
    assert groq.provider == "openai" and groq.provider_label == "groq"
    params = groq._invocation_params(CallSettings(model="llama-3.3-70b-versatile"))
    assert params["provider"] == "groq"
    plain = init_chat_model("openai:gpt-4o-mini", api_key="sk-example")
    assert plain.provider_label == "openai"


def test_the_serialized_model_names_where_its_calls_go_when_it_has_a_base_url() -> None:
    from chatplex import FakeChatModel
    from chatplex import init_chat_model

    served = init_chat_model(
        "openai:gpt-4o-mini", api_key="sk-example", base_url="http://127.0.0.1:9/v1"
    )
    assert served._serialized() == {
        "name": "ChatOpenAI",
        "kwargs": {
            "model": "gpt-4o-mini",
            "provider": "openai",
            "base_url": "http://127.0.0.1:9/v1",
        },
    }
    fake = FakeChatModel()._serialized()
    assert fake == {"name": "FakeChatModel", "kwargs": {"model": "fake-chat", "provider": "fake"}}
