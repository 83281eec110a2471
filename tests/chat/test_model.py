"""`ChatModel` (`chat/model.py`): settings checked at construction, on `bind` and per call;
copies that leave the model alone; the request it builds through its adapter; the hooks
it sends through."""

from __future__ import annotations

import math
from typing import Any

import pytest

from chatplex import AIMessage, ChatModel, FakeChatModel


async def invoke(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> AIMessage:
    if sync:
        return model.invoke(input, **kwargs)
    return await model.ainvoke(input, **kwargs)


# --- settings validation ----------------------------------------------------------------


BAD_SETTINGS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"temperature": -0.1}, ValueError, "temperature"),
    ({"temperature": 2.01}, ValueError, "temperature"),
    ({"temperature": math.nan}, ValueError, "temperature"),
    ({"temperature": math.inf}, ValueError, "temperature"),
    ({"temperature": "0.5"}, ValueError, "temperature"),
    ({"temperature": True}, ValueError, "temperature"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": -5}, ValueError, "max_tokens"),
    ({"max_tokens": 10.0}, ValueError, "max_tokens"),
    ({"max_tokens": "100"}, ValueError, "max_tokens"),
    ({"max_tokens": True}, ValueError, "max_tokens"),
    ({"top_p": -0.01}, ValueError, "top_p"),
    ({"top_p": 1.01}, ValueError, "top_p"),
    ({"top_p": math.nan}, ValueError, "top_p"),
    ({"top_p": False}, ValueError, "top_p"),
    ({"stop": 5}, TypeError, "stop"),
    ({"stop": [1, 2]}, TypeError, "stop"),
    ({"stop": ["ok", None]}, TypeError, "stop"),
    ({"stop": b"\n"}, TypeError, "stop"),
    ({"stop": {"a": 1}}, TypeError, "stop"),
]


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


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
def test_bad_settings_fail_at_construction(
    settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    with pytest.raises(exc, match=name):
        FakeChatModel(**settings)


@pytest.mark.parametrize("settings", GOOD_SETTINGS)
def test_good_settings_are_accepted(settings: dict[str, Any]) -> None:
    model = FakeChatModel(responses=["ok"], **settings)
    for key, value in settings.items():
        assert getattr(model, key) == value
    assert model.invoke("hi").text == "ok"


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


@pytest.mark.parametrize(("settings", "exc", "name"), BAD_SETTINGS)
@pytest.mark.parametrize("sync", [True, False])
async def test_bad_call_overrides_raise_before_anything_runs(
    sync: bool, settings: dict[str, Any], exc: type[Exception], name: str
) -> None:
    model = FakeChatModel(responses=["ok"])
    with pytest.raises(exc, match=name):
        await invoke(model, "hi", sync, **settings)
    received: list[AIMessage] = []
    with pytest.raises(exc, match=name):
        if sync:
            for chunk in model.stream("hi", **settings):
                received.append(chunk)
        else:
            async for chunk in model.astream("hi", **settings):
                received.append(chunk)
    assert received == []
    assert model.calls == []  # nothing reached the "provider"


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
async def test_valid_call_overrides_do_not_change_the_model(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"])
    reply = await invoke(model, "hi", sync, temperature=1.5, max_tokens=3, stop="x")
    assert reply.text == "ok"
    assert (model.temperature, model.max_tokens, model.stop) == (None, None, None)
