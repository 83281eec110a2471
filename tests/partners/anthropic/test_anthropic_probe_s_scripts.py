"""ChatAnthropic side by side in scripts that send back a hand-written history whose
AIMessage holds invalid tool calls (arguments that are no JSON, JSON but no object, an
object; one without an id, one without a name), each answered by a ToolMessage where it
can be, then a new question. Each runs with both classes against one scripted Messages
server; what it returns and sends is compared."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import add
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply


def _bad(n: int, args: str, *, name: str | None = "add", has_id: bool = True) -> dict[str, Any]:
    call_id = f"toolu_0{n}" if has_id else None
    return {"name": name, "args": args, "id": call_id, "error": "bad", "type": "invalid_tool_call"}


def invalid_calls_answered(cls: Any, url: str) -> Any:
    """Each history's reply; its requests say what went back (a tool result answering
    an invalid call needs its tool_use in the turn before: the API refuses one without)."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    good = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_00", "type": "tool_call"}
    turns: list[tuple[Any, list[Any]]] = [
        (AIMessage("", invalid_tool_calls=[_bad(1, "{1,")]), ["toolu_01"]),
        (AIMessage("Let me add.", invalid_tool_calls=[_bad(1, '{"a": "x"}')]), ["toolu_01"]),
        (
            AIMessage("", tool_calls=[good], invalid_tool_calls=[_bad(1, "[1]")]),
            ["toolu_00", "toolu_01"],
        ),
        (AIMessage("Hmm.", invalid_tool_calls=[_bad(1, "{1,", has_id=False)]), []),
        (AIMessage("Hmm.", invalid_tool_calls=[_bad(1, "{1,", name=None)]), []),
    ]
    chat = cls(model=MODEL, api_key=KEY, base_url=url).bind_tools([add])
    out = []
    for turn, answered in turns:
        results = [
            ToolMessage("error: bad arguments", tool_call_id=i, status="error") for i in answered
        ]
        out.append(chat.invoke([HumanMessage("1+2?"), turn, *results, HumanMessage("And now?")]))
    last = AIMessage("", invalid_tool_calls=[_bad(1, "{1,")])  # a prefill of an invalid call
    out.append(chat.invoke([HumanMessage("1+2?"), last]))
    return out


def invalid_call_without_arguments(cls: Any, url: str) -> Any:
    """A history whose invalid call has no arguments (`args=None`), answered, then a new
    question: invoked and awaited."""
    import asyncio

    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    bad = {**_bad(1, "{1,"), "args": None}
    history = [
        HumanMessage("1+2?"),
        AIMessage("Hmm.", invalid_tool_calls=[bad]),
        ToolMessage("error: no arguments", tool_call_id="toolu_01", status="error"),
        HumanMessage("And now?"),
    ]
    chat = cls(model=MODEL, api_key=KEY, base_url=url).bind_tools([add])
    return [chat.invoke(history), asyncio.run(chat.ainvoke(history))]


SCRIPTS = {
    "invalid_calls_answered": (messages_reply(), invalid_calls_answered),
    "invalid_call_without_arguments": (messages_reply(), invalid_call_without_arguments),
}

SUITE = anthropic_suite(SCRIPTS)
test_probe_s_scripts_same_as_langchain_anthropic = SUITE.same_test()
