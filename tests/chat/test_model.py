"""`ChatModel` (`chat/model.py`): copies that leave the model alone; tools and structured
output bound through the drop-ins' hooks. (Its settings, its description, its Runnable and
I/O hooks have their modules' files: test_binding.py, test_description.py...)"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import FakeChatModel
from tests.chat._model_wire import KEY
from tests.chat._model_wire import Wire
from tests.chat._model_wire import invoke
from tests.chat._model_wire import model_over


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


def test_input_and_output_types_for_the_schemas() -> None:
    from chatplex.core import schemas

    model = FakeChatModel()
    assert model.InputType is schemas.ChatModelInput
    assert model.OutputType is schemas.ChatModelOutput  # an AIMessage, described as LangChain
    assert "AIMessage" in model.get_output_jsonschema()["$defs"]


@pytest.mark.parametrize("sync", [True, False])
async def test_generate_sends_a_stop_string_whole(sync: bool) -> None:
    """`generate(..., stop="END")` is one stop sequence, as `invoke`'s: not split into
    its characters."""
    wire = Wire()
    model = model_over(wire)
    if sync:
        model.generate([["hi"]], stop="END")
    else:
        await model.agenerate([["hi"]], stop="END")
    model.generate([["hi"]], stop=("a", "b"))
    assert [body["stop"] for body in wire.bodies] == [["END"], ["a", "b"]]
