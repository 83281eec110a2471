"""Inputs and outputs serialized as LangChain's tracer sends them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pydantic
import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import ChatPromptTemplate
from chatplex import HumanMessage
from chatplex import SystemMessage
from chatplex import ToolMessage
from chatplex.chat.llm_results import chat_result
from chatplex.core.string_prompts import PromptTemplate
from chatplex.messages import LazyMetadata
from chatplex.messages import LazyValue
from chatplex.messages import _tool_calls as tool_calls_module
from chatplex.tracing.serialize import chain_inputs
from chatplex.tracing.serialize import chain_outputs
from chatplex.tracing.serialize import dumpd
from chatplex.tracing.serialize import jsonable
from chatplex.tracing.serialize import llm_result
from chatplex.tracing.serialize import usage_of
from chatplex.tracing.serialize import with_gateway
from tests.messages._builders import held_after_build

USAGE = {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}


def reply() -> AIMessage:
    return AIMessage(
        "pong",
        usage_metadata=USAGE,  # type: ignore[arg-type]
        response_metadata={"model_provider": "openai", "model_name": "m", "finish_reason": "stop"},
    )


@pytest.mark.parametrize(
    "message",
    [
        HumanMessage("hi"),
        HumanMessage("hi", name="bob", id="h1"),
        SystemMessage("be brief"),
        ToolMessage("42", tool_call_id="call_1"),
        AIMessageChunk("par"),
        AIMessage(
            "",
            id="a1",
            tool_calls=[{"name": "f", "args": {"x": 1}, "id": "call_1", "type": "tool_call"}],
        ),
        reply(),
    ],
    ids=lambda m: type(m).__name__,
)
def test_messages_dump_as_langchains_do(message: Any) -> None:
    """Built without LangChain, equal to LangChain's own `to_json()` of the same message
    (chatplex's `to_json` converts through langchain-core)."""
    pytest.importorskip("langchain_core")
    assert dumpd(message) == message.to_json()


def test_prompt_values_and_messages_as_langsmith_shows_them() -> None:
    value = ChatPromptTemplate.from_messages([("human", "{q}")]).invoke({"q": "x"})
    assert jsonable(value) == {
        "messages": [
            {"content": "x", "additional_kwargs": {}, "response_metadata": {}, "type": "human"}
        ]
    }
    assert jsonable(PromptTemplate.from_template("a {q}").invoke({"q": "b"})) == {"text": "a b"}


def test_chain_inputs_and_outputs_wrap_non_dicts() -> None:
    assert chain_inputs({"q": 1}) == {"q": 1}
    assert chain_inputs("hi") == {"input": "hi"}
    assert chain_outputs(["a", ("b",)]) == {"output": ["a", ["b"]]}
    assert chain_outputs({"k": HumanMessage("x")})["k"]["content"] == "x"
    assert jsonable(ValueError("no")) == "ValueError('no')"


def test_an_llm_result_and_its_usage() -> None:
    out = llm_result(chat_result(reply()))
    assert out["type"] == "LLMResult" and out["run"] is None
    (generation,) = out["generations"][0]
    assert generation["text"] == "pong" and generation["type"] == "ChatGeneration"
    assert generation["message"]["id"][-1] == "AIMessage"
    assert generation["message"]["kwargs"]["usage_metadata"] == USAGE
    assert generation["generation_info"]["finish_reason"] == "stop"
    assert usage_of(chat_result(reply())) == USAGE
    assert usage_of(chat_result(AIMessage("no usage"))) is None


def _through_model_dump(message: Any) -> dict[str, Any]:
    """What `dumpd` built before it read fields in place: from `model_dump` (a deep
    copy, nested messages as `{"type", "data"}`)."""
    fields = message.model_dump()
    kwargs = {
        k: v
        for k, v in fields.items()
        if k in ("content", "type", "tool_calls", "invalid_tool_calls")
        or v not in (None, {}, [], "")
    }
    if fields["type"] not in ("ai", "AIMessageChunk"):
        kwargs.pop("tool_calls", None)
        kwargs.pop("invalid_tool_calls", None)
    name = type(message).__name__
    return {"lc": 1, "type": "constructor", "id": ["langchain", "schema", "messages", name],
            "kwargs": kwargs}  # fmt: skip


OTHER = AIMessage("second", response_metadata={"finish_reason": "stop"})


@pytest.mark.parametrize(
    "message",
    [
        HumanMessage([{"type": "text", "text": "a"}], name="bob", id="h1"),
        ToolMessage("42", tool_call_id="c1", artifact={"rows": [1, 2]}),
        AIMessage("n=2", response_metadata={"other_candidates": [OTHER], "model_name": "m"}),
        AIMessageChunk(
            "par",
            tool_call_chunks=[
                {"name": "f", "args": '{"x": 1}', "id": "c", "index": 0, "type": "tool_call_chunk"}
            ],
            response_metadata={"other_candidates": [OTHER]},
        ),
        reply(),
    ],
    ids=lambda m: type(m).__name__,
)
@pytest.mark.parametrize("writer", ["orjson", "json"])
def test_fields_read_in_place_write_the_same_json_as_model_dump(message: Any, writer: str) -> None:
    """`dumpd` reads a chatplex message's fields without copying them; the bytes the
    sender writes are those of the `model_dump` form, nested messages included."""
    from chatplex.tracing import writer

    write = writer.dumps if writer == "orjson" else writer.json_dumps
    assert dumpd(message)["kwargs"] is not None
    assert write(dumpd(message)) == write(_through_model_dump(message))
    if isinstance(message, AIMessage):  # the reply inside the LLMResult too
        result = chat_result(message)
        expected = llm_result(result)
        for row, generations in zip(expected["generations"], result.generations, strict=True):
            for item, generation in zip(row, generations, strict=True):
                item["message"] = _through_model_dump(generation.message)
        assert write(llm_result(result)) == write(expected)


def test_the_langsmith_clients_writer_gets_nested_messages_as_data() -> None:
    from chatplex.tracing.serialize import plain_data

    data = plain_data(dumpd(AIMessage("n=2", response_metadata={"other_candidates": [OTHER]})))
    (nested,) = data["kwargs"]["response_metadata"]["other_candidates"]
    assert nested == {"type": "ai", "data": OTHER.model_dump()}


class _Metadata(dict):  # type: ignore[type-arg]
    """A dict subclass in a message's field: written as a plain dict."""


def _walked_model_dump(message: Any) -> dict[str, Any]:
    """What `jsonable` wrote for a message before its one-pass form: `model_dump()`'s
    copy, its None fields left out, each value walked again."""
    return {k: jsonable(v) for k, v in message.model_dump().items() if v is not None}


@pytest.mark.parametrize(
    "message",
    [
        HumanMessage("hi", id="h1", name="ann"),
        AIMessage(
            "answer",
            tool_calls=[{"name": "f", "args": {"x": (1, 2)}, "id": "c1", "type": "tool_call"}],
            usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
            response_metadata={
                "model_name": "m",
                "nested": _Metadata(a=[1, {"b": None}], c=(3, "d")),
                "other": [AIMessage("second", response_metadata={"k": 1})],
                7: "an int key",
            },
        ),
        AIMessageChunk("part", additional_kwargs={"refusal": None}),
        ToolMessage("42", tool_call_id="c1", artifact={"rows": [1, 2]}),
    ],
)
@pytest.mark.parametrize("writer", ["orjson", "json"])
def test_a_message_is_written_as_its_model_dump_was(message: Any, writer: str) -> None:
    """Its fields are read in place, not walked: the bytes the sender writes are those
    of `model_dump`'s copy walked, nested messages, tuples, dict subclasses and int
    keys included."""
    from chatplex.tracing import writer

    write = writer.dumps if writer == "orjson" else writer.json_dumps
    fields = jsonable(message)
    assert list(fields) == list(_walked_model_dump(message))  # the same fields, in order
    assert write(fields) == write(_walked_model_dump(message))
    wrapped = chain_inputs({"m": [message, ("t", message)]})
    walked = {"m": [_walked_model_dump(message), ["t", _walked_model_dump(message)]]}
    assert write(wrapped) == write(walked)
    assert json.loads(write(wrapped)) == json.loads(json.dumps(walked))


class _Settings(pydantic.BaseModel):
    temperature: float = 0.5


def test_objects_in_a_messages_fields_are_written_as_jsonable_shows_them() -> None:
    """What the JSON writer does not know by itself in a field (a pydantic model, a
    prompt value) is written as `jsonable` shows it at the top level."""
    from chatplex.tracing import writer

    prompt = ChatPromptTemplate.from_messages([("human", "{q}")]).invoke({"q": "x"})
    message = AIMessage("a", response_metadata={"settings": _Settings(), "prompt": prompt})
    for write in (writer.dumps, writer.json_dumps):
        meta = json.loads(write(jsonable(message)))["response_metadata"]
        assert meta["settings"] == {"temperature": 0.5}
        assert meta["prompt"] == jsonable(prompt)


class _Row(Mapping[str, Any]):
    """A mapping that is no dict."""

    def __init__(self, **values: Any) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Any:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def test_any_mapping_is_a_chain_runs_fields_each_time() -> None:
    """Whether a type's values are mappings is asked once per type: the answer holds."""
    for _ in range(2):
        assert chain_inputs(_Row(q="x")) == {"q": "x"}
        assert chain_outputs(_Row(a=1)) == {"a": 1}
        assert chain_outputs(HumanMessage("m"))["output"]["content"] == "m"


def _lazy_reply() -> AIMessage:
    """A reply as a provider makes it: metadata and usage built on first read."""
    metadata = LazyMetadata({"model_provider": "p"}, ("finish_reason",), ("stop",))
    usage = LazyValue(dict, USAGE)
    return AIMessage("pong", response_metadata=metadata, usage_metadata=usage)  # type: ignore[arg-type]


def _streamed_reply() -> AIMessageChunk:
    """A traced stream's merged reply: its tool calls derived on first read."""
    fragment = {"name": "f", "args": '{"a": 1}', "id": "c1", "index": 0}
    return AIMessageChunk("", tool_call_chunks=[fragment], chunk_position="last")  # type: ignore[list-item]


#: Per lazily built field: a reply holding it unbuilt, and what builds it, as (owner,
#: name) (patched to pause the thread building first right after its build, before it
#: is stored).
_LAZY_FIELDS = {
    "response_metadata": (_lazy_reply, LazyMetadata, "build"),
    "usage_metadata": (_lazy_reply, LazyValue, "build"),
    "tool_calls": (_streamed_reply, tool_calls_module, "parse_tool_call_chunks"),
}


def _edit(value: Any) -> None:
    if type(value) is list:
        value[0]["args"]["edited"] = True
    else:
        value["edited"] = True


def _edited(value: Any) -> bool:
    return bool(value[0]["args"].get("edited") if type(value) is list else value.get("edited"))


@pytest.mark.parametrize("sender_first", [True, False], ids=["sender_builds_first", "user_first"])
@pytest.mark.parametrize("field", list(_LAZY_FIELDS))
def test_a_lazy_field_read_on_the_senders_thread_and_the_users_is_one_object(
    monkeypatch: pytest.MonkeyPatch, field: str, sender_first: bool
) -> None:
    """The tracer's sender thread writes a traced reply (`dumpd`) while the user reads
    the same reply: whichever thread builds a lazy field first, both get the object the
    message keeps, and the user's edit of it stays in the message. Driven step by step:
    the thread that builds first is held between its build and the store while the
    other one reads (and the user edits) to the end."""
    make, owner, name = _LAZY_FIELDS[field]
    message = make()

    def send() -> Any:
        return dumpd(message)["kwargs"][field]

    def use() -> Any:
        value = getattr(message, field)
        _edit(value)
        return value

    if sender_first:
        sent, used = held_after_build(monkeypatch, (owner, name), send, use)
    else:
        used, sent = held_after_build(monkeypatch, (owner, name), use, send)
    kept = getattr(message, field)
    assert _edited(kept)  # the user's edit is in the message
    assert used is kept and sent is kept  # one object on both threads


def test_with_gateway_takes_what_langchains_tracer_takes() -> None:
    metadata = {"ls_provider": "openai", "ls_model_name": "gpt-4o-mini"}
    with_gateway(metadata, AIMessage(content="hi"))  # (no gateway: nothing)
    assert metadata == {"ls_provider": "openai", "ls_model_name": "gpt-4o-mini"}
    gateway = {"provider": "  ", "model": 3}  # (neither a name: the call's kept)
    reply = AIMessage(content="hi", response_metadata={"gateway_metadata": gateway})
    with_gateway(metadata, chat_result(reply))
    assert metadata == {
        "ls_provider": "openai",
        "ls_model_name": "gpt-4o-mini",
        "ls_gateway_info": gateway,
    }
