"""ChatGoogleGenerativeAI side by side in scripts that combine features: a tool-calling
agent with a checkpointer whose model is unavailable (503), its thread resumed by an
agent on another model; structured output streamed (the provider's JSON schema, a tool,
with its raw reply); token counting of a tool round trip with tools given. Compared as
the suite of `test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners.google._scripts import error_body
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_agent_scripts import ANSWER_JSON
from tests.partners.google.test_google_agent_scripts import Answer
from tests.partners.google.test_google_agent_scripts import tool_turns
from tests.partners.google.test_google_sidebyside import KEY
from tests.partners.google.test_google_sidebyside import MODEL
from tests.partners.google.test_google_sidebyside import gemini_replies


def model(cls: Any, url: str, **settings: Any) -> Any:
    """The suite's model; another one where `settings` name it."""
    settings.setdefault("model", MODEL)
    return cls(base_url=url, google_api_key=KEY, **settings)


def weather(city: str) -> str:
    """The weather in a city."""
    return f"Sunny in {city}."


#: A call of `weather` (text arguments: Vertex AI's proto reads numbers back as floats).
WEATHER_CALL = [{"functionCall": {"name": "weather", "args": {"city": "Oslo"}}}]

#: The model name the scripted server answers 503 for.
DOWN = "gemini-down"


def down_or(
    answer: Callable[[Seen], Reply],
    replies: Callable[..., Callable[[Seen], Reply]] = gemini_replies,
) -> Callable[[Seen], Reply]:
    """503 UNAVAILABLE (made by `replies`) for the `DOWN` model, `answer` for the others."""
    unavailable = replies(
        status=503, error=error_body(503, "UNAVAILABLE", "The model is overloaded.")
    )

    def answer_or_down(seen: Seen) -> Reply:
        return (unavailable if f"/{DOWN}:" in seen.path else answer)(seen)

    return answer_or_down


def agent_resumes_after_503(cls: Any, url: str, build: Callable[..., Any] = model) -> Any:
    """The script, its models made by `build(cls, url, **settings)`."""
    from langchain.agents import create_agent
    from langgraph.checkpoint.memory import InMemorySaver

    saver = InMemorySaver()
    config = {"configurable": {"thread_id": "t1"}}
    down = build(cls, url, model=DOWN, max_retries=1)
    out: list[Any] = []
    try:
        create_agent(down, tools=[weather], checkpointer=saver).invoke(
            {"messages": [("user", "Weather in Oslo?")]}, config
        )
    except Exception as err:  # noqa: BLE001 - what the script shows
        out.append([type(err).__name__, getattr(err, "code", None)])
    snap = create_agent(down, tools=[weather], checkpointer=saver).get_state(config)
    out.append([snap.next, [t.name for t in snap.tasks], len(snap.values["messages"])])
    healthy = create_agent(build(cls, url), tools=[weather], checkpointer=saver)
    out.append(healthy.invoke(None, config))
    return out


def structured_streamed(cls: Any, url: str, build: Callable[..., Any] = model) -> Any:
    """The script, its model made by `build(cls, url)`."""
    out = []
    for method in ("json_schema", "function_calling"):
        structured = build(cls, url).with_structured_output(Answer, method=method)
        out.append([method, list(structured.stream("1+2?"))])
        final: dict[str, Any] = {}
        with_raw = build(cls, url).with_structured_output(Answer, method=method, include_raw=True)
        pieces = list(with_raw.stream("1+2?"))
        for piece in pieces:
            final.update(piece)
        raw = final["raw"]
        calls = [{k: v for k, v in c.items() if k != "id"} for c in raw.tool_calls]
        parsed = [final["parsed"], final["parsing_error"], raw.content, calls]
        # (`parsed` and `parsing_error` come from parallel branches: in either order)
        raw_keys = [sorted(p) for p in pieces if "raw" in p]
        branch_keys = sorted(sorted(p) for p in pieces if "raw" not in p)
        out.append([method, raw_keys + branch_keys, parsed])
    return out


def tokens_with_tools(cls: Any, url: str) -> Any:
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage
    from langchain_core.messages import ToolMessage

    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "c1", "type": "tool_call"}
    history = [
        SystemMessage("Be brief."),
        HumanMessage("1+2?"),
        AIMessage("", tool_calls=[call]),
        ToolMessage("3", tool_call_id="c1"),
    ]
    chat = model(cls, url)
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        counts = [
            chat.get_num_tokens_from_messages(history),
            chat.get_num_tokens_from_messages(history, tools=[add]),
            chat.get_num_tokens("one two three"),
        ]
    return [counts, [(w.category.__name__, str(w.message)) for w in warned]]


def structured_reply(
    replies: Callable[..., Callable[[Seen], Reply]] = gemini_replies,
) -> Callable[[Seen], Reply]:
    """The JSON answer (made by `replies`) for a schema asked, the `Answer` function
    called for a tool."""
    call = [{"functionCall": {"name": "Answer", "args": {"value": 3, "reason": "sum"}}}]

    def answer(seen: Seen) -> Reply:
        return replies(call if (seen.body or {}).get("tools") else ANSWER_JSON)(seen)

    return answer


SCRIPTS = {
    "agent_resumes_after_503": (
        down_or(tool_turns(gemini_replies(WEATHER_CALL), gemini_replies())),
        agent_resumes_after_503,
    ),
    "structured_streamed": (structured_reply(), structured_streamed),
    "tokens_with_tools": (gemini_replies(), tokens_with_tools),
}

SUITE = gemini_suite(SCRIPTS)
test_probe_m_scripts_same_as_langchain_google_genai = SUITE.same_test()
