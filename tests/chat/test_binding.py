"""Settings on a model (`chat/binding.py`): checked at construction and on `bind`, set on
the bound copy (a call's overrides too) and read back as a call's `CallSettings`."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex.http import RateLimit
from tests.chat._model_wire import BAD_SETTINGS
from tests.chat._model_wire import KEY

GOOD_SETTINGS: list[dict[str, Any]] = [
    {"temperature": 0},
    {"temperature": 2},
    {"temperature": 0.7},
    {"top_p": 0},
    {"top_p": 1},
    {"max_tokens": 1},
    {"stop": "\n"},
    {"stop": ["\n", "END"]},
    {"stop": ("x",)},
    {"stop": []},
]


@pytest.mark.parametrize("settings", GOOD_SETTINGS)
def test_good_settings_are_accepted(settings: dict[str, Any]) -> None:
    model = FakeChatModel(responses=["ok"], **settings)
    for key, value in settings.items():
        assert getattr(model, key) == value
    assert model.invoke("hi").text == "ok"


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bad_settings_fail_at_construction(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    with pytest.raises(exc, match=name):
        FakeChatModel(**settings)


@pytest.mark.parametrize(
    ("settings", "name"),
    [({"timeout": 0}, "timeout"), ({"timeout": -1}, "timeout"), ({"max_retries": -1}, "retries")],
)
def test_bad_client_settings_fail_at_construction(settings: dict[str, Any], name: str) -> None:
    with pytest.raises(ValueError, match=name):
        FakeChatModel(**settings)


def test_empty_model_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="model"):
        FakeChatModel(model="")


def test_an_adapter_must_implement_the_declared_interface() -> None:
    # Shared code calls the interface's members (issue 48): an object that only looks
    # like an adapter fails here, before any request, naming what it must be.
    class LooksLikeOne:
        provider = "x"

    with pytest.raises(TypeError, match=r"subclass of chatplex\.adapters\.base\.Adapter"):
        ChatModel(LooksLikeOne(), "m")  # type: ignore[arg-type]


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bind_validates_at_bind_time(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        model.bind(**settings)
    assert model.calls == []


def test_bind_returns_a_configured_copy() -> None:
    model = FakeChatModel(responses=["ok"], temperature=0.1)
    bound = model.bind(temperature=0.9, max_tokens=50, stop=["\n"], seed=7)
    assert isinstance(bound, FakeChatModel)
    assert bound is not model
    assert (bound.temperature, bound.max_tokens, bound.stop) == (0.9, 50, ["\n"])
    assert bound.extra_body == {"seed": 7}
    assert (model.temperature, model.max_tokens, model.stop) == (0.1, None, None)
    assert model.extra_body == {}
    assert bound.invoke("hi").text == "ok"


@pytest.mark.parametrize("sync", [True, False])
async def test_a_calls_seed_replaces_the_models_field_it_is_sent_as(sync: bool) -> None:
    """Mistral's API names the seed `random_seed`: a call's `seed` replaces the model's
    `random_seed` (a call's setting replaces the model's), on the copy only."""
    from chatplex import init_chat_model
    from chatplex.testing import MockRequest
    from chatplex.testing import MockServer

    bodies: list[dict[str, Any] | None] = []

    def record(request: MockRequest) -> None:
        bodies.append(request.json)

    with MockServer(fault_plan=record) as server:
        model = init_chat_model(
            "mistralai:mistral-small-latest",
            api_key=KEY,
            base_url=server.openai_base_url,
            model_kwargs={"random_seed": 7},
        )
        bound = model.bind(seed=3)
        assert bound.extra_body == {"seed": 3}
        assert model.extra_body == {"random_seed": 7}
        assert model.bind(temperature=0.5).extra_body == {"random_seed": 7}
        if sync:
            bound.invoke("hi")
        else:
            await bound.ainvoke("hi")
    [body] = bodies
    assert body is not None and body["random_seed"] == 3 and "seed" not in body


def test_rate_limit_setting() -> None:
    limited = FakeChatModel(rate_limit={"requests_per_minute": 60})
    assert limited.rate_limit == RateLimit(requests_per_minute=60)
    assert FakeChatModel().rate_limit is None
    assert FakeChatModel(rate_limit={}).rate_limit is None  # nothing limited: no limiter
    assert limited.bind(rate_limit=None).rate_limit is None


def test_call_settings_normalise_stop() -> None:
    model = FakeChatModel(stop="END", temperature=0.1)
    settings = model._settings({})
    assert (settings.model, settings.stop, settings.temperature) == ("fake-chat", ("END",), 0.1)
    assert model._settings({"stop": ["a", "b"]}).stop == ("a", "b")
    assert model._settings({"stop": []}).stop is None


def test_call_settings_tell_a_bound_empty_tool_list_under_a_langchain_name() -> None:
    from tests._dropins import chat_model

    dropin = chat_model("ChatAnthropic", model="claude-haiku-4-5", api_key="k")  # its model
    assert not dropin._settings({}).tool_list_bound
    assert dropin.bind_tools([])._settings({}).tool_list_bound
    assert dropin._settings({"tools": []}).tool_list_bound  # tools=[] per call
    # chatplex's own models (no LangChain class) bind no empty list.
    own = FakeChatModel()
    assert not own.bind_tools([])._settings({}).tool_list_bound
    assert not own._settings({"tools": []}).tool_list_bound


def test_a_calls_output_config_is_laid_over_the_models_on_anthropics_wire() -> None:
    """Anthropic's `output_config` holds independent settings (its spec's
    `layered_body_fields`): the keys of a binding's, a structured output's or a call's
    go over the model's, and a None keeps the model's. Another body field is replaced."""
    from chatplex import init_chat_model

    given = {"output_config": {"effort": "low"}, "metadata": {"user_id": "a"}}
    model = init_chat_model("anthropic:claude-opus-4-5", api_key=KEY, model_kwargs=given)

    def sent(runnable: Any) -> dict[str, Any]:
        return dict(runnable.build_request("hi").json)

    budget = {"type": "tokens", "total": 9}
    body = sent(model.bind(output_config={"task_budget": budget}, metadata={"user_id": "b"}))
    assert body["output_config"] == {"effort": "low", "task_budget": budget}
    assert body["metadata"] == {"user_id": "b"}
    assert sent(model.bind(output_config={"effort": "high"}))["output_config"] == {"effort": "high"}
    assert sent(model.bind(output_config=None))["output_config"] == {"effort": "low"}
    structured = model.with_structured_output(CITY_SCHEMA, method="json_schema")
    config = sent(structured.steps[0])["output_config"]  # type: ignore[attr-defined]
    assert config["effort"] == "low" and config["format"]["type"] == "json_schema"


CITY_SCHEMA = {"title": "City", "type": "object", "properties": {"name": {"type": "string"}}}
