"""astream_log (`core/log.py`): JSON-Patch operations building LangChain's RunLog state."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import Runnable
from chatplex.core.log import RunLog
from chatplex.core.log import RunLogPatch
from chatplex.core.prompts import ChatPromptValue

# ---- an independent RFC 6902 applier (add / replace / remove / test) -----------------------


def _pointer(path: str) -> list[str]:
    assert path == "" or path.startswith("/"), path
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")[1:]]


def rfc6902_apply(doc: Any, ops: list[dict[str, Any]]) -> Any:
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = _pointer(op["path"])
        if not parts:
            assert op["op"] in ("add", "replace")
            doc = copy.deepcopy(op["value"])
            continue
        parent = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent[part]
        key = parts[-1]
        if op["op"] == "add":
            if isinstance(parent, list):
                parent.insert(len(parent) if key == "-" else int(key), copy.deepcopy(op["value"]))
            else:
                parent[key] = copy.deepcopy(op["value"])
        elif op["op"] == "replace":
            if isinstance(parent, list):
                parent[int(key)] = copy.deepcopy(op["value"])
            else:
                assert key in parent, f"replace of a missing member {op['path']}"
                parent[key] = copy.deepcopy(op["value"])
        elif op["op"] == "remove":
            del parent[int(key) if isinstance(parent, list) else key]
        elif op["op"] == "test":
            value = parent[int(key)] if isinstance(parent, list) else parent[key]
            assert value == op["value"]
        else:
            raise AssertionError(f"unexpected op {op['op']}")
    return doc


def chain() -> Runnable[Any, str]:
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    return prompt | FakeChatModel(responses=["Hello big world"]) | StrOutputParser()


async def patches(runnable: Runnable[Any, Any], value: Any, **kw: Any) -> list[RunLogPatch]:
    return [p async for p in runnable.astream_log(value, **kw)]


def all_ops(items: list[RunLogPatch]) -> list[dict[str, Any]]:
    return [op for p in items for op in p.ops]


ENTRY_KEYS = {
    "id",
    "name",
    "type",
    "tags",
    "metadata",
    "start_time",
    "streamed_output",
    "streamed_output_str",
    "final_output",
    "end_time",
}


async def test_patches_build_the_run_state() -> None:
    items = await patches(chain(), {"topic": "tea"})
    assert all(type(p) is RunLogPatch for p in items)
    first = items[0].ops[0]
    assert (first["op"], first["path"]) == ("replace", "")
    state = rfc6902_apply(None, all_ops(items))
    assert set(state) == {"id", "streamed_output", "final_output", "logs", "name", "type"}
    assert (state["name"], state["type"]) == ("RunnableSequence", "chain")
    assert state["id"] == first["value"]["id"]
    assert state["streamed_output"] == ["Hello ", "big ", "world"]
    assert state["final_output"] == "Hello big world"
    logs = state["logs"]
    assert list(logs) == ["ChatPromptTemplate", "FakeChatModel", "StrOutputParser"]
    for entry in logs.values():
        assert set(entry) == ENTRY_KEYS
        assert datetime.fromisoformat(entry["start_time"]) <= datetime.fromisoformat(
            entry["end_time"]
        )
    prompt, model, parser = logs.values()
    assert (prompt["type"], model["type"], parser["type"]) == ("prompt", "llm", "parser")
    assert (prompt["tags"], model["tags"], parser["tags"]) == (
        ["seq:step:1"],
        ["seq:step:2"],
        ["seq:step:3"],
    )
    assert isinstance(prompt["final_output"], ChatPromptValue)
    assert model["streamed_output_str"] == ["Hello ", "big ", "world"]
    assert all(isinstance(c, AIMessageChunk) for c in model["streamed_output"])
    [[generation]] = model["final_output"]["generations"]
    assert isinstance(generation["message"], AIMessage)
    assert generation["text"] == "Hello big world"
    assert parser["streamed_output"] == ["Hello ", "big ", "world"]
    assert parser["streamed_output_str"] == []
    assert parser["final_output"] == {"output": "Hello big world"}


async def test_adding_patches_gives_the_same_state() -> None:
    items = await patches(chain(), {"topic": "tea"})
    log = items[0] + items[1]
    for patch in items[2:]:
        log = log + patch
    assert isinstance(log, RunLog)
    assert log.state == rfc6902_apply(None, all_ops(items))
    assert log.ops == all_ops(items)


async def test_diff_false_yields_the_accumulated_state() -> None:
    items = await patches(chain(), {"topic": "tea"})
    states = [s async for s in chain().astream_log({"topic": "tea"}, diff=False)]
    assert all(isinstance(s, RunLog) for s in states)
    assert len(states) == len(items)
    final = states[-1].state
    expected = rfc6902_apply(None, all_ops(items))
    for key in ("streamed_output", "final_output", "name", "type"):
        assert final[key] == expected[key]
    assert final["logs"].keys() == expected["logs"].keys()
    assert states[0].state["logs"] == {}


async def test_repeated_names_are_numbered() -> None:
    three = RunnableLambda(lambda x: x) | RunnableLambda(lambda x: x) | RunnableLambda(lambda x: x)
    state = rfc6902_apply(None, all_ops(await patches(three, 1)))
    assert list(state["logs"]) == ["RunnableLambda", "RunnableLambda:2", "RunnableLambda:3"]
    assert [e["tags"] for e in state["logs"].values()] == [
        ["seq:step:1"],
        ["seq:step:2"],
        ["seq:step:3"],
    ]
    assert state["final_output"] == 1


async def test_filters_choose_the_log_entries() -> None:
    state = rfc6902_apply(None, all_ops(await patches(chain(), "t", include_types=["llm"])))
    assert list(state["logs"]) == ["FakeChatModel"]
    assert state["final_output"] == "Hello big world"  # the root is always there
    state = rfc6902_apply(
        None, all_ops(await patches(chain(), "t", exclude_names=["FakeChatModel"]))
    )
    assert list(state["logs"]) == ["ChatPromptTemplate", "StrOutputParser"]


async def test_without_the_streamed_output_list() -> None:
    items = await patches(chain(), "t", with_streamed_output_list=False)
    assert not any(op["path"] == "/streamed_output/-" for op in all_ops(items))
    state = rfc6902_apply(None, all_ops(items))
    assert state["streamed_output"] == [] and state["final_output"] == "Hello big world"


async def test_a_piece_that_changes_nothing_replaces_nothing() -> None:
    # As LangChain's log (a diff of the totals): the "" pieces of text-less chunks add to
    # the streamed output but leave the final output alone.
    def tokens(_: Any) -> Any:
        yield from (AIMessageChunk(""), AIMessageChunk("Hi"), AIMessageChunk(""))

    items = await patches(RunnableLambda(tokens) | StrOutputParser(), 0)
    root = [[op["path"] for op in p.ops] for p in items if p.ops[0]["path"] == "/streamed_output/-"]
    assert root == [["/streamed_output/-", "/final_output"]] * 2 + [["/streamed_output/-"]]
    assert rfc6902_apply(None, all_ops(items))["final_output"] == "Hi"


async def test_names_are_escaped_as_json_pointers() -> None:
    odd = RunnableLambda(lambda x: x, name="a/b~c") | StrOutputParser()
    items = await patches(odd, "v")
    assert any(op["path"] == "/logs/a~1b~0c" for op in all_ops(items))
    assert "a/b~c" in rfc6902_apply(None, all_ops(items))["logs"]


async def test_a_root_that_does_not_stream_still_has_its_output() -> None:
    prompt = ChatPromptTemplate.from_template("{x}")
    state = rfc6902_apply(None, all_ops(await patches(prompt, {"x": "1"})))
    assert (state["type"], state["logs"]) == ("prompt", {})
    assert isinstance(state["final_output"], ChatPromptValue)


async def test_errors_yield_the_patches_then_raise() -> None:
    def fail(x: Any) -> Any:
        raise ValueError("no")

    items: list[RunLogPatch] = []
    with pytest.raises(ValueError, match="no"):
        async for patch in (chain() | RunnableLambda(fail)).astream_log({"topic": "t"}):
            items.append(patch)
    state = rfc6902_apply(None, all_ops(items))
    assert state["logs"]["fail"]["end_time"] is not None
    assert state["logs"]["fail"]["final_output"] is None
    assert state["logs"]["FakeChatModel"]["final_output"] is not None


async def test_with_the_jsonpatch_library() -> None:
    jsonpatch = pytest.importorskip("jsonpatch")  # a standard applier, when installed
    items = await patches(chain(), {"topic": "tea"})
    state = jsonpatch.apply_patch(None, copy.deepcopy(all_ops(items)))
    assert state == rfc6902_apply(None, all_ops(items))


def test_patch_repr_and_equality() -> None:
    a = RunLogPatch({"op": "add", "path": "/x", "value": 1})
    assert a == RunLogPatch({"op": "add", "path": "/x", "value": 1})
    assert "RunLogPatch(" in repr(a) and "'/x'" in repr(a)
    log = RunLogPatch({"op": "replace", "path": "", "value": {"x": 0}}) + a
    state: Any = log.state
    assert state == {"x": 1} and repr(log) == "RunLog({'x': 1})"


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import log

    failures, _ = doctest.testmod(log, optionflags=doctest.ELLIPSIS)
    assert failures == 0
