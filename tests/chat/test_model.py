"""`ChatModel` (`chat/model.py`): settings checked at construction and on `bind`; copies
that leave the model alone; tools and structured output bound through the drop-ins'
hooks. (Its Runnable and I/O hooks have their modules' files.)"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex.http import RateLimit
from tests.chat._model_wire import BAD_SETTINGS
from tests.chat._model_wire import KEY
from tests.chat._model_wire import Wire
from tests.chat._model_wire import invoke
from tests.chat._model_wire import model_over

# --- settings validation ----------------------------------------------------------------


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


def test_a_copy_is_copy_copys_default_without_init() -> None:
    """`copy.copy` (what `bind` and a call's overrides start from) gives what its default
    gave: the same class, the same attributes (the same objects: pools, adapter), no
    `__init__` run, and a setting changed on the copy stays on the copy."""

    class Counted(FakeChatModel):
        built = 0

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            type(self).built += 1
            super().__init__(*args, **kwargs)

    model = Counted(responses=["ok"], temperature=0.1, stop=["END"])
    clone = copy.copy(model)
    assert type(clone) is Counted and clone is not model and Counted.built == 1
    assert vars(clone) == vars(model)
    assert all(vars(clone)[k] is v for k, v in vars(model).items())
    clone.temperature = 0.9
    assert model.temperature == 0.1
    assert clone.invoke("hi").text == "ok"


def test_check_call_refuses_nothing_by_default() -> None:
    model = FakeChatModel(responses=["ok"], stop=["END"])
    assert model.check_call({"stop": ["HALT"], "seed": 3}) is None
    assert model.invoke("hi", stop=["HALT"]).text == "ok"


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


@pytest.mark.parametrize("sync", [True, False])
async def test_a_model_copies_and_pickles_with_its_key_and_answers(sync: bool) -> None:
    """What multiprocessing and a process pool hand a model across with; LangChain's
    models pickle too (their key a SecretStr). Every wire's own adapter, own settings."""
    from chatplex import init_chat_model
    from chatplex.testing import MockServer

    with MockServer() as server:
        for name, base in (
            ("openai:gpt-4o-mini", server.openai_base_url),
            ("anthropic:claude-haiku-4-5", server.anthropic_base_url),
        ):
            model = init_chat_model(name, base_url=base, api_key=KEY, temperature=0.3)
            for other in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
                assert type(other) is type(model) and other.adapter is not model.adapter
                assert other.temperature == 0.3 and KEY not in repr(other)
                reply = await invoke(other, "hello", sync)
                assert reply.text == "Echo: hello"
            assert KEY.encode() in pickle.dumps(model)  # the cost, as LangChain's


def test_the_provider_comes_from_the_adapter_and_the_key_never_shows() -> None:
    model = model_over(Wire(), temperature=0.5)
    assert model.provider == "openai"
    assert repr(model) == "ChatModel(provider='openai', model='gpt-test', temperature=0.5)"
    assert KEY not in repr(model) and KEY not in repr(model.bind(temperature=1))


class _Hooked(FakeChatModel):
    """A model whose LangChain class binds its own way: through the hooks only."""

    def _tools_to_bind(self, tools: Any, tool_choice: Any) -> tuple[Any, Any]:
        return [t for t in tools if callable(t)], {"pick": "required"}.get(tool_choice, tool_choice)

    def _finish_binding(self, clone: ChatModel, tools: Any, tool_choice: Any) -> ChatModel:
        clone.extra_body = {"given": [t for t in tools if not callable(t)], "asked": tool_choice}
        return clone

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        return self.bind(temperature=0), "json_schema" if method == "mine" else method


def test_drop_ins_change_what_is_bound_through_the_hooks() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return city

    bound = _Hooked().bind_tools([get_weather, {"type": "web_search"}], tool_choice="pick")
    assert [t.name for t in bound.tools] == ["get_weather"] and bound.tool_choice == "required"
    assert bound.extra_body == {"given": [{"type": "web_search"}], "asked": "pick"}
    schema = {"title": "Answer", "type": "object", "properties": {"a": {"type": "string"}}}
    structured = _Hooked(responses=['{"a": "x"}']).with_structured_output(schema, method="mine")
    assert structured.invoke("q") == {"a": "x"}


def test_rate_limit_setting() -> None:
    limited = FakeChatModel(rate_limit={"requests_per_minute": 60})
    assert limited.rate_limit == RateLimit(requests_per_minute=60)
    assert FakeChatModel().rate_limit is None
    assert FakeChatModel(rate_limit={}).rate_limit is None  # nothing limited: no limiter
    assert limited.bind(rate_limit=None).rate_limit is None


def test_input_and_output_types_for_the_schemas() -> None:
    from chatplex.core import schemas

    model = FakeChatModel()
    assert model.InputType is schemas.ChatModelInput
    assert model.OutputType is schemas.ChatModelOutput  # an AIMessage, described as LangChain
    assert "AIMessage" in model.get_output_jsonschema()["$defs"]


def test_an_adapter_must_implement_the_declared_interface() -> None:
    # Shared code calls the interface's members (issue 48): an object that only looks
    # like an adapter fails here, before any request, naming what it must be.
    class LooksLikeOne:
        provider = "x"

    with pytest.raises(TypeError, match=r"subclass of chatplex\.adapters\.base\.Adapter"):
        ChatModel(LooksLikeOne(), "m")  # type: ignore[arg-type]
