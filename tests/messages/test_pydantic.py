"""The pydantic methods of chatplex messages (`model_dump`, `model_dump_json`,
`model_copy`, `model_validate`, `to_json`, pickling): what LangChain's code calls on a
message, compared with what LangChain's own messages give."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from tests._fresh import fresh_python

pytest.importorskip("langchain_core")

from langchain_core import messages as lc  # noqa: E402
from langchain_core.load import dumpd  # noqa: E402
from langchain_core.load import load  # noqa: E402

from chatplex import AIMessage  # noqa: E402
from chatplex import AIMessageChunk  # noqa: E402
from chatplex import HumanMessage  # noqa: E402
from chatplex import ToolMessage  # noqa: E402
from chatplex.messages import BaseMessage  # noqa: E402
from chatplex.messages import messages_to_dict  # noqa: E402
from chatplex.messages import to_langchain  # noqa: E402
from tests.messages._builders import opening  # noqa: E402

MESSAGES: list[BaseMessage] = [
    *opening(response_metadata={"finish_reason": "tool_calls"}),
    ToolMessage("2", tool_call_id="c1", id="t1", artifact={"raw": 2}, status="error"),
    HumanMessage([{"type": "text", "text": "more"}], id="h3"),
    AIMessageChunk(
        content="",
        tool_call_chunks=[{"name": "add", "args": '{"a": 1}', "id": "c1", "index": 0}],
        chunk_position="last",
    ),
]


# --- the pydantic methods ---------------------------------------------------------------


@pytest.mark.parametrize("message", MESSAGES, ids=repr)
def test_model_dump_is_langchains(message: BaseMessage) -> None:
    theirs = to_langchain(message)
    assert message.model_dump() == theirs.model_dump()
    assert list(message.model_dump()) == list(theirs.model_dump())  # the same order
    assert message.model_dump(exclude={"type"}) == theirs.model_dump(exclude={"type"})
    assert message.model_dump(include={"content", "id"}) == theirs.model_dump(
        include={"content", "id"}
    )
    assert message.model_dump(exclude_none=True) == theirs.model_dump(exclude_none=True)
    assert json.loads(message.model_dump_json()) == json.loads(theirs.model_dump_json())
    assert message.model_dump(mode="json") == theirs.model_dump(mode="json")


def test_model_dump_json_is_compact_like_pydantics_and_indents_on_request() -> None:
    message = HumanMessage("hé")
    assert message.model_dump_json() == to_langchain(message).model_dump_json()
    assert message.model_dump_json(indent=2).startswith('{\n  "content": "hé"')


def test_model_dump_rejects_an_unknown_mode() -> None:
    with pytest.raises(ValueError, match="mode"):
        HumanMessage("hi").model_dump(mode="yaml")  # type: ignore[arg-type]


def test_model_copy_keeps_the_class_and_sets_the_update() -> None:
    original = MESSAGES[2]
    assert isinstance(original, AIMessage)
    shallow = original.model_copy(update={"content": "changed"})
    assert type(shallow) is AIMessage
    assert shallow.content == "changed"
    assert original.content == "calling"
    assert shallow.tool_calls is original.tool_calls
    deep = original.model_copy(deep=True)
    assert deep == original
    assert deep.tool_calls is not original.tool_calls
    with pytest.raises(TypeError, match="no field 'colour'"):
        original.model_copy(update={"colour": "red"})


def test_model_copy_of_a_chunk_keeps_its_tool_calls() -> None:
    chunk = AIMessageChunk(
        content="",
        tool_call_chunks=[{"name": "add", "args": '{"a": 1}', "id": "c1", "index": 0}],
        chunk_position="last",
    )
    copied = chunk.model_copy()
    assert type(copied) is AIMessageChunk
    assert (
        copied.tool_calls
        == chunk.tool_calls
        == [{"name": "add", "args": {"a": 1}, "id": "c1", "type": "tool_call"}]
    )


def test_model_validate_never_picks_a_class_dataclass_replaced() -> None:
    """Each message class is a `@dataclass(slots=True)`, which makes a new class: the
    class statement's own stays among `BaseMessage.__subclasses__()` until the garbage
    collector frees it (with the collector off, or after `gc.freeze()`, never)."""
    code = (
        "import gc\n"
        "gc.disable()\n"
        "from chatplex.messages import AIMessage, BaseMessage, HumanMessage\n"
        "for kind, cls in (('human', HumanMessage), ('ai', AIMessage)):\n"
        "    print(type(BaseMessage.model_validate({'type': kind, 'content': 'hi'})) is cls)\n"
    )
    assert fresh_python(code).stdout.split() == ["True", "True"]


def test_model_validate_reads_dicts_langchain_messages_and_messages() -> None:
    assert AIMessage.model_validate({"content": "hi", "id": "1"}) == AIMessage(content="hi", id="1")
    assert type(BaseMessage.model_validate({"type": "human", "content": "hi"})) is HumanMessage
    assert type(HumanMessage.model_validate(lc.HumanMessage("hi"))) is HumanMessage
    message = HumanMessage("hi")
    assert HumanMessage.model_validate(message) is message
    assert AIMessage.model_validate_json('{"content": "hi"}') == AIMessage(content="hi")
    with pytest.raises(ValueError, match="got a message of type .human."):
        AIMessage.model_validate({"type": "human", "content": "hi"})
    with pytest.raises(TypeError, match="cannot validate int"):
        AIMessage.model_validate(3)


@pytest.mark.parametrize("message", MESSAGES + [AIMessageChunk(content="x")], ids=repr)
def test_pickle_and_copies_keep_the_chatplex_class(message: BaseMessage) -> None:
    for clone in (pickle.loads(pickle.dumps(message)), copy.copy(message), copy.deepcopy(message)):
        assert type(clone) is type(message)
        assert clone == message


@pytest.mark.filterwarnings("ignore:The function `load` is in beta")
def test_langchains_serialiser_round_trips_a_chatplex_message() -> None:
    for message in MESSAGES:
        assert dumpd(message) == dumpd(to_langchain(message))
        loaded = load(dumpd(message), allowed_objects="messages")
        assert lc.messages_to_dict([loaded]) == messages_to_dict([message])
