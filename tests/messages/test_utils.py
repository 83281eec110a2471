"""chatplex's message utilities give what LangChain's give for the same messages (each case
run with both, compared through `messages_to_dict`), take any message-like input, and
become runnables when called without messages."""

from __future__ import annotations

import asyncio
import json
from operator import itemgetter
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import HumanMessage
from chatplex import RunnablePassthrough
from chatplex import SystemMessage
from chatplex import ToolMessage
from chatplex.messages import BaseMessage
from chatplex.messages import messages_to_dict
from chatplex.messages import to_langchain
from chatplex.messages import utils as ours
from tests._fresh import fresh_python
from tests.messages._builders import opening

lc = pytest.importorskip("langchain_core.messages")

LONG = "first line\nsecond line\nthird line\nfourth line"

MESSAGES: list[BaseMessage] = [
    *opening(),
    ToolMessage("2", tool_call_id="c1", id="t1"),
    AIMessage(content="two", id="a2"),
    AIMessage(content="three", id="a3", response_metadata={"finish_reason": "stop"}),
    HumanMessage(LONG, id="h2"),
    HumanMessage([{"type": "text", "text": "block one"}, {"type": "text", "text": "two"}]),
    AIMessage(content="done", id="a4"),
]


def langchain(messages: list[BaseMessage]) -> list[Any]:
    return [to_langchain(m) for m in messages]


def same(mine: list[Any], theirs: list[Any]) -> None:
    assert messages_to_dict(mine) == lc.messages_to_dict(theirs)


def characters(messages: list[Any]) -> int:
    return sum(len(str(m.content)) for m in messages)


def per_message(message: BaseMessage) -> int:
    return len(str(message.content))


TRIMS = [
    {"max_tokens": 3, "token_counter": len},
    {"max_tokens": 3, "token_counter": len, "include_system": True},
    {"max_tokens": 4, "token_counter": len, "strategy": "first"},
    {"max_tokens": 5, "token_counter": len, "start_on": "human"},
    {"max_tokens": 5, "token_counter": len, "end_on": ("ai", "human")},
    {"max_tokens": 6, "token_counter": len, "strategy": "first", "end_on": "ai"},
    {"max_tokens": 40, "token_counter": "approximate"},
    {"max_tokens": 40, "token_counter": "approximate", "include_system": True},
    {"max_tokens": 60, "token_counter": characters, "allow_partial": True},
    {"max_tokens": 45, "token_counter": characters, "allow_partial": True, "strategy": "first"},
    {"max_tokens": 30, "token_counter": characters, "allow_partial": True},
    {"max_tokens": 1000, "token_counter": len, "end_on": "human"},
]


@pytest.mark.parametrize("options", TRIMS, ids=lambda o: str(sorted(o.items(), key=str))[:90])
def test_trim_messages_trims_as_langchain(options: dict[str, Any]) -> None:
    same(ours.trim_messages(MESSAGES, **options), lc.trim_messages(langchain(MESSAGES), **options))


def test_trim_with_a_per_message_counter_or_a_model() -> None:
    theirs_counter = lc.trim_messages(langchain(MESSAGES), max_tokens=20, token_counter=len)
    assert len(theirs_counter) > 0

    def one(message: BaseMessage) -> int:
        return len(str(message.content))

    class Model:
        def get_num_tokens_from_messages(self, messages: list[Any]) -> int:
            return characters(messages)

    by_one = ours.trim_messages(MESSAGES, max_tokens=30, token_counter=one)
    by_model = ours.trim_messages(MESSAGES, max_tokens=30, token_counter=Model())
    assert messages_to_dict(by_one) == messages_to_dict(by_model)
    assert characters(by_one) <= 30 < characters(MESSAGES[-len(by_one) - 1 :])


def test_a_runnable_given_as_the_counter_is_refused_before_any_call_as_in_langchain() -> None:
    # chatplex's runnables are callable (`invoke`): a chat model given as token_counter
    # was sent the history (a paid call) and trim failed on `int - AIMessage`.
    from langchain_core.runnables import RunnableLambda as LangChainLambda

    from chatplex import FakeChatModel
    from chatplex import RunnableLambda

    with pytest.raises(ValueError, match="expected to be a model that implements"):
        lc.trim_messages(langchain(MESSAGES), max_tokens=5, token_counter=LangChainLambda(len))
    with pytest.raises(ValueError, match="A runnable is no counter"):
        ours.trim_messages(MESSAGES, max_tokens=5, token_counter=RunnableLambda(len))
    # A chat model counts as its wire's LangChain class counts (chat/token_counts.py);
    # one that cannot count says so, and is not called.
    model = FakeChatModel(responses=["a reply, not a count"])
    with pytest.raises(NotImplementedError, match="counts no tokens on the 'fake' wire"):
        ours.trim_messages(MESSAGES, max_tokens=5, token_counter=model)
    assert model.calls == []  # nothing was sent


def test_trim_rejects_what_langchain_rejects() -> None:
    with pytest.raises(ValueError, match="start_on parameter is only valid"):
        ours.trim_messages(
            MESSAGES, max_tokens=3, token_counter=len, strategy="first", start_on="human"
        )
    with pytest.raises(ValueError, match="include_system parameter is only valid"):
        ours.trim_messages(
            MESSAGES, max_tokens=3, token_counter=len, strategy="first", include_system=True
        )
    with pytest.raises(ValueError, match="Invalid token_counter shortcut 'exact'"):
        ours.trim_messages(MESSAGES, max_tokens=3, token_counter="exact")
    with pytest.raises(ValueError, match="expected to be a model"):
        ours.trim_messages(MESSAGES, max_tokens=3, token_counter=3)


def test_trim_takes_tuples_and_an_empty_list() -> None:
    assert ours.trim_messages([], max_tokens=3, token_counter=len) == []
    kept = ours.trim_messages([("human", "a"), ("ai", "b")], max_tokens=1, token_counter=len)
    assert [(m.type, m.text) for m in kept] == [("ai", "b")]


FILTERS = [
    {"include_types": ["human"]},
    {"include_types": [HumanMessage, SystemMessage]},
    {"include_types": [lc.HumanMessage]},
    {"exclude_types": ["tool", AIMessage]},
    {"exclude_tool_calls": True},
    {"exclude_tool_calls": ["c1"]},
    {"include_ids": ["h1", "a4"]},
    {"exclude_ids": ["h1"]},
    {"include_names": ["ann"]},
    {"exclude_names": ["ann"], "include_types": ["human"]},
]


@pytest.mark.parametrize("options", FILTERS, ids=str)
def test_filter_messages_filters_as_langchain(options: dict[str, Any]) -> None:
    theirs_options = {
        k: [to_lc_type(t) for t in v] if k.endswith("_types") else v for k, v in options.items()
    }
    same(
        ours.filter_messages(MESSAGES, **options),
        lc.filter_messages(langchain(MESSAGES), **theirs_options),
    )


def to_lc_type(kind: Any) -> Any:
    return getattr(lc, kind.__name__) if isinstance(kind, type) else kind


def test_merge_message_runs_merges_as_langchain() -> None:
    merged = ours.merge_message_runs(MESSAGES)
    assert [m.type for m in merged] == ["system", "human", "ai", "tool", "ai", "human", "ai"]
    same(merged, lc.merge_message_runs(langchain(MESSAGES)))
    assert ours.merge_message_runs([]) == []


def test_merging_ai_runs_keeps_every_tool_call_and_sums_usage() -> None:
    calls = [
        AIMessage(
            content="a",
            tool_calls=[{"name": "f", "args": {}, "id": "1"}],
            usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
        ),
        AIMessageChunk(
            content="b",
            tool_calls=[{"name": "g", "args": {"x": 1}, "id": "2"}],
            usage_metadata={"input_tokens": 2, "output_tokens": 2, "total_tokens": 4},
        ),
    ]
    merged = ours.merge_message_runs(calls, chunk_separator=" | ")
    assert len(merged) == 1
    assert type(merged[0]) is AIMessage
    assert merged[0].text == "a | b"
    assert [c["id"] for c in merged[0].tool_calls] == ["1", "2"]
    assert merged[0].usage_metadata["total_tokens"] == 6
    same(merged, lc.merge_message_runs(langchain(calls), chunk_separator=" | "))


def test_buffer_string_and_token_estimate_match_langchain() -> None:
    theirs = langchain(MESSAGES)
    assert ours.get_buffer_string(MESSAGES) == lc.get_buffer_string(theirs)
    assert ours.get_buffer_string(MESSAGES, "U", "B") == lc.get_buffer_string(theirs, "U", "B")
    estimate = pytest.importorskip("langchain_core.messages.utils").count_tokens_approximately
    assert ours.count_tokens_approximately(MESSAGES) == estimate(theirs)
    with pytest.raises(NotImplementedError, match="format='prefix'"):
        ours.get_buffer_string(MESSAGES, format="xml")


def test_message_chunk_to_message() -> None:
    chunk = AIMessageChunk(content="x", chunk_position="last")
    assert type(ours.message_chunk_to_message(chunk)) is AIMessage
    human = HumanMessage("x")
    assert ours.message_chunk_to_message(human) is human


def test_without_messages_each_is_a_runnable_for_a_chain() -> None:
    trimmer = ours.trim_messages(max_tokens=2, token_counter=len)
    chain = RunnablePassthrough.assign(messages=itemgetter("messages") | trimmer)
    out = chain.invoke({"messages": MESSAGES})
    assert [m.id for m in out["messages"]] == [None, "a4"]
    assert trimmer.name == "trim_messages"
    only_humans = ours.filter_messages(include_types=["human"])
    assert [m.type for m in only_humans.invoke(MESSAGES)] == ["human"] * 3
    merger = ours.merge_message_runs()
    assert len(asyncio.run(merger.ainvoke(MESSAGES))) == 7


def test_without_messages_a_wrong_or_missing_option_fails_at_once() -> None:
    # As a call with messages would, not later when the chain runs.
    with pytest.raises(TypeError, match="max_tokens"):
        ours.trim_messages(token_counter=len)
    with pytest.raises(TypeError, match="include_typos"):
        ours.filter_messages(include_typos=["human"])


def test_without_messages_right_after_import_chatplex_is_langchains_runnable() -> None:
    # A script's first use of chatplex can be this call: nothing has loaded the Runnable
    # core yet, and the runnable must still come, trimming as LangChain's does.
    code = (
        "import json\n"
        "from chatplex import HumanMessage, AIMessage, SystemMessage, trim_messages\n"
        "msgs = [SystemMessage('s'), HumanMessage('a'), AIMessage('b'), HumanMessage('c')]\n"
        "trimmer = trim_messages(max_tokens=2, token_counter=len, include_system=True)\n"
        "print(json.dumps([(m.type, m.content) for m in trimmer.invoke(msgs)]))\n"
    )
    ported = json.loads(fresh_python(code).stdout)
    lc_trimmer = lc.trim_messages(max_tokens=2, token_counter=len, include_system=True)
    theirs = lc_trimmer.invoke(
        [lc.SystemMessage("s"), lc.HumanMessage("a"), lc.AIMessage("b"), lc.HumanMessage("c")]
    )
    assert ported == [[m.type, m.content] for m in theirs] == [["system", "s"], ["human", "c"]]


def _replies(providers: list[str | None], totals: list[int | None]) -> list[BaseMessage]:
    """A conversation of AI replies from `providers`, each with its reported
    `total_tokens` (None: no usage), between human turns."""
    out: list[BaseMessage] = [SystemMessage("be brief"), HumanMessage("hello there")]
    for provider, total in zip(providers, totals, strict=True):
        usage = {"input_tokens": 1, "output_tokens": 1, "total_tokens": total}
        metadata = {"model_provider": provider} if provider else {}
        out.append(AIMessage("fine, and you? " * 3, response_metadata=metadata))
        out[-1].usage_metadata = usage if total is not None else None  # type: ignore[assignment]
        out.append(HumanMessage("ok " * 7))
    return out


@pytest.mark.parametrize(
    ("providers", "totals"),
    [
        (["openai"], [90]),  # scaled up, at most 1.25x
        (["openai", "openai"], [10, 200]),  # by the last reply that reports
        ([None, "openai"], [50, 80]),  # the first reply naming no provider
        (["openai", "anthropic"], [50, 80]),  # two providers: not scaled
        (["openai"], [None]),
        (["openai"], [30]),  # below the estimate: not scaled down
    ],
)
def test_count_tokens_approximately_scales_and_counts_tools_as_langchain(
    providers: list[str | None], totals: list[int | None]
) -> None:
    """`use_usage_metadata_scaling` and `tools` (dicts and tool objects), as
    langchain-core counts them."""
    from langchain_core.tools import tool as langchain_tool

    from chatplex import tool

    def add(a: int, b: int) -> int:
        """Add two ints."""
        return a + b

    estimate = pytest.importorskip("langchain_core.messages.utils").count_tokens_approximately
    mine = _replies(providers, totals)
    theirs = langchain(mine)
    dicts = [{"type": "function", "function": {"name": "lookup", "parameters": {}}}]
    for settings in (
        {"use_usage_metadata_scaling": True},
        {"use_usage_metadata_scaling": True, "tools": dicts, "chars_per_token": 3.3},
        {"tools": dicts, "extra_tokens_per_message": 2.5},
    ):
        assert ours.count_tokens_approximately(mine, **settings) == estimate(theirs, **settings)
    assert ours.count_tokens_approximately(mine, tools=[tool(add)]) == estimate(
        theirs, tools=[langchain_tool(add)]
    )


def test_get_buffer_string_writes_a_function_result_under_function_prefix() -> None:
    """A result answering a function call by name (LangChain's `FunctionMessage`, as
    the drop-ins read it) is written under `function_prefix`, as langchain-core writes
    it; a tool result stays under `tool_prefix`."""
    from chatplex.messages import FUNCTION_RESULT_KEY

    by_name = ToolMessage("r", tool_call_id="f", name="f")
    by_name.additional_kwargs[FUNCTION_RESULT_KEY] = True
    mine = [HumanMessage("hi"), by_name, ToolMessage("x", tool_call_id="c1")]
    theirs = [
        lc.HumanMessage("hi"),
        lc.FunctionMessage("r", name="f"),
        lc.ToolMessage("x", tool_call_id="c1"),
    ]
    for prefixes in ({}, {"function_prefix": "Fn", "tool_prefix": "T"}):
        assert ours.get_buffer_string(mine, **prefixes) == lc.get_buffer_string(theirs, **prefixes)


def test_get_usage_metadata_callback_takes_langchains_name() -> None:
    from chatplex import get_usage_metadata_callback

    with get_usage_metadata_callback("outer") as outer, get_usage_metadata_callback() as inner:
        assert outer is not inner and outer.usage_metadata == inner.usage_metadata == {}
