"""ChatAnthropic side by side on tool binding: each script runs with langchain-anthropic's
class and with chatplex's, the same constructor call against the same scripted Messages
server, and what it returns or raises is compared, with the requests the server got
(path, body, the headers a script sets). The rest of ChatAnthropic is checked by the
import-swap cases (tests/compat/).

Differences kept on purpose (`DIFFERENCES`, each with why) are taken out before the
comparison; a script whose outcome differs otherwise fails.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import ANTHROPIC_KEPT
from tests.partners._sidebyside import NAMED
from tests.partners._sidebyside import TOOL_NAMED_NONE
from tests.partners._sidebyside import TRUE_REFUSED
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptsOver
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import called_choice
from tests.partners._sidebyside import choices_kept
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import text_stop_bare
from tests.partners._sidebyside import text_stop_kept
from tests.partners._sidebyside import text_stop_refused

partner = pytest.importorskip("langchain_anthropic")

KEY = "sk-ant-test-0000"
MODEL = "claude-haiku-4-5"
ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_API_URL", "ANTHROPIC_BASE_URL")


def messages_reply(
    *content: dict[str, Any],
    stop: str = "end_turn",
    usage: dict[str, Any] | None = None,
    more: dict[str, Any] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Messages API: one whole reply of `content` blocks (a text by default),
    its `usage` as given (default: 12 tokens in, 7 out), `more` top-level fields over
    these."""
    blocks = list(content) or [{"type": "text", "text": "Hello there, friend."}]
    counted = usage or {"input_tokens": 12, "output_tokens": 7}

    def answer(seen: Seen) -> Reply:
        reply = {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": counted,
            **(more or {}),
        }
        return Reply(200, [json.dumps(reply).encode()], headers={"request-id": "req_01"})

    return answer


ADD_CALL = {"type": "tool_use", "id": "toolu_01", "name": "add", "input": {"a": 1, "b": 2}}
CITED = {
    "type": "text",
    "text": "Paris.",
    "citations": [
        {
            "type": "char_location",
            "cited_text": "Paris is the capital of France.",
            "document_index": 0,
            "document_title": "Atlas",
            "start_char_index": 0,
            "end_char_index": 31,
        }
    ],
}


def _opening(block: dict[str, Any]) -> dict[str, Any]:
    """A block as its `content_block_start` event opens it: empty where deltas fill it."""
    kind = block["type"]
    if kind == "text":
        return {"type": "text", "text": "", **({"citations": []} if "citations" in block else {})}
    if kind == "thinking":
        return {"type": "thinking", "thinking": "", "signature": ""}
    if kind in ("tool_use", "server_tool_use"):
        return {**block, "input": {}}
    return block  # a result or redacted thinking comes whole


def _deltas(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The deltas of a streamed block, each of its texts in two pieces (as the API streams
    a text with citations: its text, then each citation)."""
    kind = block["type"]
    if kind == "text":
        text = block["text"]
        pieces = [{"type": "text_delta", "text": p} for p in (text[:3], text[3:])]
        cited = [{"type": "citations_delta", "citation": c} for c in block.get("citations", [])]
        return pieces + cited
    if kind == "thinking":
        thought = block["thinking"]
        pieces = [{"type": "thinking_delta", "thinking": p} for p in (thought[:3], thought[3:])]
        return [*pieces, {"type": "signature_delta", "signature": block["signature"]}]
    if kind in ("tool_use", "server_tool_use"):
        raw = json.dumps(block["input"])
        return [{"type": "input_json_delta", "partial_json": p} for p in (raw[:5], raw[5:])]
    return []


def streamed(
    *content: dict[str, Any],
    stop: str = "end_turn",
    usage: dict[str, Any] | None = None,
    closing: dict[str, Any] | None = None,
) -> Callable[[Seen], Reply]:
    """A scripted Messages API answering `content` as `messages_reply` does, and a stream
    request with its events (each block opened, its deltas, closed). `usage`: the whole
    reply's and message_start's (its output_tokens 1 there); `closing`: message_delta's
    (default: the same, 7 tokens out)."""
    whole = messages_reply(*content, stop=stop, usage=usage)

    def answer(seen: Seen) -> Reply:
        if not (seen.body or {}).get("stream"):
            return whole(seen)
        counted = {**(usage or {"input_tokens": 12}), "output_tokens": 1}
        head = {"id": "msg_01", "type": "message", "role": "assistant", "model": MODEL}
        message = {**head, "content": [], "stop_reason": None, "stop_sequence": None}
        events: list[dict[str, Any]] = [
            {"type": "message_start", "message": {**message, "usage": counted}}
        ]
        for index, block in enumerate(content):
            events.append(
                {"type": "content_block_start", "index": index, "content_block": _opening(block)}
            )
            events += [
                {"type": "content_block_delta", "index": index, "delta": delta}
                for delta in _deltas(block)
            ]
            events.append({"type": "content_block_stop", "index": index})
        delta = {"stop_reason": stop, "stop_sequence": None}
        last = closing or {**counted, "output_tokens": 7}
        events.append({"type": "message_delta", "delta": delta, "usage": last})
        events.append({"type": "message_stop"})
        pieces = [f"event: {e['type']}\ndata: {json.dumps(e)}\n\n".encode() for e in events]
        return Reply(200, pieces, "text/event-stream", headers={"request-id": "req_01"})

    return answer


def _model(cls: Any, url: str) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url)


#: The scripts this suite runs as every wire's does (`_sidebyside.ScriptsOver`).
COMMON = ScriptsOver(lambda cls, url, **more: cls(model=MODEL, api_key=KEY, base_url=url, **more))


# ---- the scripts: (server reply, script(ChatAnthropic, url) -> result) -------------------


def tool_choice_bound(cls: Any, url: str) -> Any:
    """What `bind_tools` binds for each tool choice (what `bound.kwargs`, callbacks and
    tracers see), the tools aside: None, the words, a tool's name, True beside one tool
    and beside two, a choice object (OpenAI's, and Anthropic's own)."""
    objects = {"object": NAMED, "Anthropic's object": {"type": "tool", "name": "add"}}
    return bound_choices(_model(cls, url), objects)


def tool_choice_invocation_params(cls: Any, url: str) -> Any:
    """The tool choice a callback's `on_chat_model_start` receives among the invocation
    params for a call forcing a tool by its name, and the reply (the request compared)."""
    return called_choice(_model(cls, url))


#: The tool choices a call gives beside tools bound without one.
PER_CALL_CHOICES = ("add", "any", "auto")


def tool_choice_per_call(cls: Any, url: str) -> Any:
    """`tool_choice=` given to one call (not to `bind_tools`): a tool's name, the words."""
    bound = _model(cls, url).bind_tools([add, mul])
    return [bound.invoke("1+2?", tool_choice=choice) for choice in PER_CALL_CHOICES]


#: The tool choices a call gives with no tool bound (the others need one: refused).
UNBOUND_CHOICES = ("auto", "none")


def tool_choice_without_tools(cls: Any, url: str) -> Any:
    """`tool_choice=` given to one call of a model with no tool bound: sent (the
    provider's answer is its own), invoked and streamed."""
    model = _model(cls, url)
    return [
        model.invoke("Hi", tool_choice="auto"),
        merged(list(model.stream("Hi", tool_choice="none"))),
    ]


THINKING = {"type": "thinking", "thinking": "Add them.", "signature": "sig-01"}
ANSWER = {"type": "text", "text": "Calling add."}


def v1_thinking_history(cls: Any, url: str) -> Any:
    """A thinking reply with a tool call, read as LangChain's v1 blocks
    (`output_version="v1"`), sent back with the tool's result: the reasoning block goes
    back as its thinking block, signature included (the API refuses a tool call's turn
    without it while thinking is on)."""
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    thinking = {"type": "enabled", "budget_tokens": 1024}
    model = cls(
        model=MODEL,
        api_key=KEY,
        base_url=url,
        output_version="v1",
        thinking=thinking,
        max_tokens=2048,
    ).bind_tools([add])
    first = model.invoke("1+2?")
    result = ToolMessage("3", tool_call_id=first.tool_calls[0]["id"])
    return {"first": first, "second": model.invoke([HumanMessage("1+2?"), first, result])}


REDACTED = {"type": "redacted_thinking", "data": "EncryptedThought=="}


def thinking_stream_history(cls: Any, url: str) -> Any:
    """A streamed reply thinking (a thought, a redacted one) before its tool call, merged
    and sent back with the tool's result: its blocks go back without the stream's
    `index` (an extra input the API refuses), the thinking with its signature."""
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    thinking = {"type": "enabled", "budget_tokens": 1024}
    model = cls(model=MODEL, api_key=KEY, base_url=url, thinking=thinking, max_tokens=2048)
    bound = model.bind_tools([add])
    first = merged(list(bound.stream("1+2?")))
    result = ToolMessage("3", tool_call_id=first.tool_calls[0]["id"])
    return {"first": first, "second": bound.invoke([HumanMessage("1+2?"), first, result])}


SEARCHED = (
    {"type": "server_tool_use", "id": "srvtoolu_01", "name": "web_search", "input": {"query": "q"}},
    {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_01",
        "content": [
            {
                "type": "web_search_result",
                "title": "W",
                "url": "https://w.example",
                "encrypted_content": "EC==",
                "page_age": "1 day",
            }
        ],
    },
    {"type": "text", "text": "Sunny."},
)


def server_results_stream_history(cls: Any, url: str) -> Any:
    """A streamed reply holding the server's own tool call and its result (a web search),
    merged and sent back in the next turn: the result without the stream's `index`."""
    from langchain_core.messages import HumanMessage

    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 1}
    model = _model(cls, url).bind_tools([search])
    first = merged(list(model.stream("Weather?")))
    return {"first": first, "second": model.invoke([HumanMessage("Weather?"), first, "Thanks"])}


CODE_RUN = (
    {
        "type": "server_tool_use",
        "id": "srvtoolu_02",
        "name": "code_execution",
        "input": {"code": "print(1+2)"},
    },
    {
        "type": "code_execution_tool_result",
        "tool_use_id": "srvtoolu_02",
        "content": {
            "type": "code_execution_result",
            "stdout": "3\n",
            "stderr": "",
            "return_code": 0,
            "content": [],
        },
    },
    {"type": "text", "text": "It is 3."},
)


def v1_server_tools_history(cls: Any, url: str) -> Any:
    """A reply holding the server's own tool calls and results (a web search, a code
    run), read as LangChain's v1 blocks (`server_tool_call`, `server_tool_result`),
    invoked and streamed, and sent back in the next turn: as the blocks they were."""
    from langchain_core.messages import HumanMessage

    tools = [
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 1},
        {"type": "code_execution_20250825", "name": "code_execution"},
    ]
    model = cls(model=MODEL, api_key=KEY, base_url=url, output_version="v1").bind_tools(tools)
    out = []
    for first in (model.invoke("Weather?"), merged(list(model.stream("Weather?")))):
        out.append([first, model.invoke([HumanMessage("Weather?"), first, "Thanks"])])
    return out


MCP_LOOKUP = (
    {
        "type": "mcp_tool_use",
        "id": "mcptoolu_01",
        "name": "lookup",
        "server_name": "docs",
        "input": {"q": "x"},
    },
    {
        "type": "mcp_tool_result",
        "tool_use_id": "mcptoolu_01",
        "is_error": False,
        "content": [{"type": "text", "text": "found"}],
    },
    {"type": "text", "text": "Found."},
)


def mcp_server_history(cls: Any, url: str) -> Any:
    """A model given `mcp_servers`: a reply holding the MCP server's tool call and
    result (its text blocks as the SDK dumps them), invoked and streamed, then sent back."""
    from langchain_core.messages import HumanMessage

    servers = [{"type": "url", "url": "https://mcp.example/sse", "name": "docs"}]
    model = cls(model=MODEL, api_key=KEY, base_url=url, mcp_servers=servers)
    first, streamed_first = model.invoke("Look x up"), merged(list(model.stream("Look x up")))
    return [first, streamed_first, model.invoke([HumanMessage("x?"), streamed_first, "Thanks"])]


def server_call_input_pieces(cls: Any, url: str) -> Any:
    """A streamed reply whose server tool call (a web search) streams its input: each
    fragment its own piece (`input_json_delta`; in v1, a `server_tool_call_chunk`), as
    the API sends them, heard by a callback; the merged message."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Tokens(BaseCallbackHandler):
        def __init__(self) -> None:
            self.pieces: list[Any] = []

        def on_llm_new_token(self, token: str, *, chunk: Any = None, **kw: Any) -> None:
            self.pieces.append(chunk.message.content)

    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 1}
    out = []
    for version in ("v0", "v1"):
        model = cls(model=MODEL, api_key=KEY, base_url=url, output_version=version)
        heard = Tokens()
        chunks = list(model.bind_tools([search]).stream("Weather?", config={"callbacks": [heard]}))
        out.append({"chunks": [c.content for c in chunks], "heard": heard.pieces})
        out.append(merged(chunks))
    return out


def _document_question() -> Any:
    from langchain_core.messages import HumanMessage

    document = {
        "type": "document",
        "source": {"type": "text", "media_type": "text/plain", "data": "Paris is the capital."},
        "citations": {"enabled": True},
    }
    return HumanMessage([document, {"type": "text", "text": "The capital?"}])


def cited_history(cls: Any, url: str) -> Any:
    """A reply citing a document (its citations as the SDK reads them), sent back in the
    history (as the API takes them)."""
    from langchain_core.messages import HumanMessage

    model = _model(cls, url)
    first = model.invoke([_document_question()])
    again = [_document_question(), first, HumanMessage("Sure?")]
    return {"first": first, "second": model.invoke(again)}


def v1_cited_history(cls: Any, url: str) -> Any:
    """A cited reply read as LangChain's v1 blocks (its citations as `annotations`), sent
    back in the history: cited, as it came."""
    from langchain_core.messages import HumanMessage

    model = cls(model=MODEL, api_key=KEY, base_url=url, output_version="v1")
    first = model.invoke([_document_question()])
    again = [_document_question(), first, HumanMessage("Sure?")]
    return {"first": first, "second": model.invoke(again)}


#: A reply the model refused: why, as the API gives it beside `stop_reason`.
REFUSED = {"stop_details": {"type": "refusal", "category": "cyber", "explanation": "Not allowed."}}


def refused_history(cls: Any, url: str) -> Any:
    """A refused reply (read as LangChain's v1 blocks too: a `refusal` block among them)
    sent back before a new question and last; and a message given a refusal block."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage

    out = []
    for version in ("v0", "v1"):
        model = cls(model=MODEL, api_key=KEY, base_url=url, output_version=version)
        first = model.invoke("Hack it")
        later = model.invoke([HumanMessage("Hack it"), first, HumanMessage("Why?")])
        out.append({"first": first, "later": later, "last": model.invoke(["Hack it", first])})
    given = AIMessage([{"type": "text", "text": "No."}, {"type": "refusal", "refusal": "No."}])
    out.append(_model(cls, url).invoke([HumanMessage("Hack it"), given, HumanMessage("Why?")]))
    return out


def compaction_history(cls: Any, url: str) -> Any:
    """A reply's compaction and advisor result, as a stream indexes them, sent back."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage

    advice = {"type": "advisor_result", "text": "Fine."}
    given = AIMessage(
        [
            {"type": "compaction", "content": "Earlier: a greeting.", "index": 0},
            {"type": "advisor_tool_result", "tool_use_id": "srvtoolu_1", "content": advice}
            | {"index": 1},
            {"type": "text", "text": "Hi.", "index": 2},
        ]
    )
    return _model(cls, url).invoke([HumanMessage("Hi"), given, HumanMessage("More?")])


def cited_stream_chunks(cls: Any, url: str) -> Any:
    """A cited reply streamed: each chunk's content, and the merged message."""
    chunks = list(_model(cls, url).stream([_document_question()]))
    return {"chunks": [c.content for c in chunks], "merged": merged(chunks)}


def _terse_history() -> list[Any]:
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    return [SystemMessage("Be terse."), HumanMessage("Hi")]


def system_per_call(cls: Any, url: str) -> Any:
    """`system=` given to a call, over the history's system message: as text and as
    blocks, invoked, awaited and streamed (langchain-anthropic hands it to the SDK's
    `create()`, which sends it as the request's system)."""
    import asyncio

    model = _model(cls, url)
    blocks = [{"type": "text", "text": "Be kind.", "cache_control": {"type": "ephemeral"}}]
    return {
        "text": model.invoke(_terse_history(), system="Be kind."),
        "blocks": model.invoke(_terse_history(), system=blocks),
        "awaited": asyncio.run(model.ainvoke("Hi", system="Be brief.")),
        "streamed": merged(list(model.stream(_terse_history(), system="Be kind."))),
    }


def system_in_constructor(cls: Any, url: str) -> Any:
    """`system=` given to the constructor (langchain-anthropic keeps it in
    `model_kwargs`, with langchain-core's warning): sent over the history's system
    message, a call's over it."""
    model, said = constructed(
        lambda: cls(model=MODEL, api_key=KEY, base_url=url, system="Be kind.")
    )
    return [
        model.invoke(_terse_history()),
        model.invoke(_terse_history(), system="Be brief."),
        model.model_kwargs,
        said["warned"],
    ]


def unnamed_parameters_moved(cls: Any, url: str) -> Any:
    """Messages API parameters its class has no field for, given to the constructor:
    moved into `model_kwargs` with langchain-core's warning, and sent from there."""
    model, said = constructed(
        lambda: cls(model=MODEL, api_key=KEY, base_url=url, service_tier="auto", speed="fast")
    )
    return [model.invoke("Hi"), model.model_kwargs, said["warned"]]


def timeout_per_call(cls: Any, url: str) -> Any:
    """`timeout=` given to one call (or bound), beside a model with and without one of
    its own: the anthropic SDK writes the call's in `x-stainless-timeout` as given (`5`,
    `5.0`; its `NOT_GIVEN` where the call gives none) and in `x-stainless-read-timeout`;
    invoked, awaited and streamed (the requests compared)."""
    import asyncio

    bare = _model(cls, url)
    timed = cls(model=MODEL, api_key=KEY, base_url=url, timeout=30)
    return [
        bare.invoke("Hi", timeout=5),
        bare.invoke("Hi", timeout=5.0),
        timed.invoke("Hi"),
        timed.invoke("Hi", timeout=5),
        bare.bind(timeout=8).invoke("Hi"),
        asyncio.run(timed.ainvoke("Hi", timeout=4)),
        merged(list(bare.stream("Hi", timeout=6))),
    ]


def forced_choice_beside_thinking(cls: Any, url: str) -> Any:
    """Tools bound with a forced choice (a tool's name, "any", Anthropic's object) on a
    model that thinks (enabled, adaptive), and `with_structured_output` over it: the
    choice is dropped with a warning (the API refuses forced tool use beside thinking),
    "auto" and `parallel_tool_calls=False` kept; each warning's class counted."""
    import warnings

    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for thinking in ({"type": "enabled", "budget_tokens": 1024}, {"type": "adaptive"}):
            model = _model_with(cls, url, thinking=thinking, max_tokens=2048)
            for choice in ("add", "any", "auto", {"type": "tool", "name": "add"}):
                out.append(model.bind_tools([add], tool_choice=choice).invoke("1+2?"))
            single = model.bind_tools([add], tool_choice="add", parallel_tool_calls=False)
            out.append(single.invoke("1+2?"))
            out.append(model.with_structured_output(Sum).invoke("1+2?"))
    return {"replies": out, "warned": sorted({w.category.__name__ for w in caught})}


def structured_on_unforcing_models(cls: Any, url: str) -> Any:
    """`with_structured_output` on the models whose API refuses a forced tool choice
    (Claude 5.5's): the tool offered unforced; `bind_tools` naming a tool still forces it."""
    import warnings

    from pydantic import BaseModel

    class Sum(BaseModel):
        total: int

    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name in ("claude-sonnet-5-5", "claude-opus-5-5-20270101", "claude-fable-5-1"):
            model = cls(model=name, api_key=KEY, base_url=url)
            out.append(model.with_structured_output(Sum, include_raw=True).invoke("1+2?"))
            out.append(model.bind_tools([add], tool_choice="add").invoke("1+2?"))
    return {"replies": out, "warned": sorted({w.category.__name__ for w in caught})}


#: Conversations with a system message after the first turn (a "later" one).
LATER_SYSTEMS = {
    "after a reply": [("human", "hi"), ("ai", "hello"), ("system", "French."), ("human", "how?")],
    "last": [("human", "hi"), ("ai", "hello"), ("human", "how?"), ("system", "French.")],
    "two prompts": [("system", "Terse."), ("human", "hi"), ("system", "French."), ("human", "x")],
    "a run, last": [("human", "hi"), ("system", "A"), ("system", "B")],
    "a reply before": [("human", "hi"), ("ai", "well "), ("system", "B")],
    "blocks": [
        ("human", "hi"),
        ("system", [{"type": "text", "text": "French."}, {"type": "image", "url": "x"}]),
        ("human", "how?"),
    ],
    "a tool change, last": [("human", "hi"), ("system", [{"type": "tool_removal", "name": "add"}])],
    "a tool change, hoisted": [
        ("human", "hi"),
        ("system", [{"type": "text", "text": "T"}, {"type": "tool_removal", "name": "add"}]),
        ("human", "x"),
    ],
    "a tool defined, before a reply": [
        ("human", "hi"),
        (
            "system",
            [
                {
                    "type": "tool_addition",
                    "tool": {"type": "tool_definition", "name": "mul", "input_schema": {}},
                }
            ],
        ),
        ("ai", "ok"),
        ("human", "go"),
    ],
    "a tool change in the prompt": [
        ("system", [{"type": "text", "text": "T"}, {"type": "tool_addition", "name": "add"}]),
        ("human", "x"),
    ],
}


def later_system_messages(cls: Any, url: str) -> Any:
    """A system message after the conversation started, on a model that takes one in
    place (claude-opus-5) and on one that does not (claude-haiku-4-5): in place as a
    `system` turn after a user turn (last, or before a reply; tool changes kept, with
    their beta), else hoisted into the system prompt with a warning (a second prompt a
    ValueError); blocks other than text dropped with a warning. Each reply's text, what
    was warned, the request's beta header (the requests compared)."""
    import warnings

    from langchain_core.messages import convert_to_messages

    out = []
    for name in ("claude-haiku-4-5", "claude-opus-5"):
        model = cls(model=name, api_key=KEY, base_url=url)
        for case, conversation in LATER_SYSTEMS.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    answer: Any = model.invoke(convert_to_messages(conversation)).content
                except ValueError as err:
                    answer = {"ValueError": str(err)}
            out.append([name, case, answer, sorted({w.category.__name__ for w in caught})])
    return out


def _model_with(cls: Any, url: str, **more: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **more)


def failing(status: int, kind: str) -> Callable[[Seen], Reply]:
    """A scripted Messages API answering every request with an error `status`."""
    body = {"type": "error", "error": {"type": kind, "message": "Try again later."}}
    return lambda seen: Reply(status, [json.dumps(body).encode()], headers={"request-id": "r1"})


def _server_error(err: BaseException) -> dict[str, Any]:
    """A server error as a script's `except` clauses see it: its class name, and which
    of the anthropic SDK's server error classes and langchain-anthropic's it is."""
    sdk = pytest.importorskip("anthropic")
    names = ("InternalServerError", "ServiceUnavailableError", "GatewayTimeoutError")
    classes = [getattr(sdk, n) for n in (*names, "OverloadedError") if hasattr(sdk, n)]
    classes += [partner.chat_models.AnthropicAPIError, partner.chat_models.AnthropicOverloadedError]
    return {"name": type(err).__name__, **instance_of(err, *classes)}


def server_error(cls: Any, url: str) -> Any:
    model = cls(model=MODEL, api_key=KEY, base_url=url, max_retries=0)
    return _server_error(raised(lambda: model.invoke("Hi"))["error"])


def server_error_stream(cls: Any, url: str) -> Any:
    model = cls(model=MODEL, api_key=KEY, base_url=url, max_retries=0)
    return _server_error(raised(lambda: list(model.stream("Hi")))["error"])


#: A reply that wrote the prompt cache: its usage as the API sends it whole and in
#: message_start (the writes split by time to live in `cache_creation`), and in
#: message_delta, whose usage has the counts but no split.
CACHE_WRITE_USAGE = {
    "input_tokens": 20,
    "cache_creation_input_tokens": 100,
    "cache_read_input_tokens": 2000,
    "cache_creation": {"ephemeral_5m_input_tokens": 60, "ephemeral_1h_input_tokens": 40},
    "output_tokens": 9,
    "service_tier": "standard",
}
CACHE_WRITE_CLOSING = {
    "input_tokens": 20,
    "cache_creation_input_tokens": 100,
    "cache_read_input_tokens": 2000,
    "output_tokens": 9,
}


#: message_start's usage with its cache counts, none used.
NO_CACHE_USAGE = {
    "input_tokens": 12,
    "cache_creation_input_tokens": 0,
    "cache_read_input_tokens": 0,
}


def cache_write_usage(cls: Any, url: str) -> Any:
    """A prompt-caching script's token counts: the reply invoked, and streamed and merged
    (its `usage_metadata`, what a cost tracker reads)."""
    model = _model(cls, url)
    return {
        "invoked": model.invoke("Hi").usage_metadata,
        "streamed": merged(list(model.stream("Hi"))).usage_metadata,
    }


def streamed_usage(cls: Any, url: str) -> Any:
    """A stream's merged usage, its closing usage as the server sends it (the output
    alone, as the Messages API's older `message_delta` did, or no cache counts).
    (Not awaited here: langchain-anthropic keeps one async client per process, bound to
    the first event loop that used it, which a later script's `asyncio.run` would meet
    closed.)"""
    return {"streamed": merged(list(_model(cls, url).stream("Hi"))).usage_metadata}


def closing_fields(**event: Any) -> Callable[[Seen], Reply]:
    """A scripted Messages API streaming a text reply whose closing `message_delta`
    carries `event`'s fields (a `delta` of its own merged into the stop's)."""
    whole = streamed(ANSWER)

    def answer(seen: Seen) -> Reply:
        reply = whole(seen)
        if not (seen.body or {}).get("stream"):
            return reply
        pieces = []
        for piece in reply.pieces:
            if piece.startswith(b"event: message_delta"):
                data = json.loads(piece.split(b"data: ", 1)[1])
                data["delta"].update(event.get("delta", {}))
                data.update({k: v for k, v in event.items() if k != "delta"})
                piece = f"event: message_delta\ndata: {json.dumps(data)}\n\n".encode()
            pieces.append(piece)
        return Reply(reply.status, pieces, reply.content_type, reply.headers)

    return answer


def closing_metadata(cls: Any, url: str) -> Any:
    """A stream's closing metadata: the context edits the API applied (a model given
    `context_management`, with its beta), the code container it ran in (its fields as
    the SDK's model dumps them): each chunk's, and the merged message's."""
    edits = {"edits": [{"type": "clear_tool_uses_20250919"}]}
    model = cls(
        model=MODEL,
        api_key=KEY,
        base_url=url,
        betas=["context-management-2025-06-27"],
        context_management=edits,
    )
    chunks = list(model.stream("Hi"))
    return {"each": [c.response_metadata for c in chunks], "merged": merged(chunks)}


def reuse_last_container(cls: Any, url: str) -> Any:
    """`reuse_last_container=True` with the code execution tool: a call whose history
    holds a reply that ran in a container runs in it again (its id sent as `container`;
    a given container's id wins), the field read back as given."""
    from langchain_core.messages import HumanMessage

    tool = {"type": "code_execution_20250825", "name": "code_execution"}
    model = cls(model=MODEL, api_key=KEY, base_url=url, reuse_last_container=True)
    bound = model.bind_tools([tool])
    first = merged(list(bound.stream("Run it")))
    history = [HumanMessage("Run it"), first, HumanMessage("Again")]
    return {
        "field": [model.reuse_last_container, "reuse_last_container" in repr(model)],
        "container": first.response_metadata.get("container"),
        "again": bound.invoke(history),
        "own": bound.invoke(history, container="cntr_9"),
    }


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "unavailable_503": (failing(503, "api_error"), server_error),
    "unavailable_503_stream": (failing(503, "api_error"), server_error_stream),
    "gateway_timeout_504": (failing(504, "api_error"), server_error),
    "overloaded_529_stream": (failing(529, "overloaded_error"), server_error_stream),
    "tool_choice_bound": (messages_reply(), tool_choice_bound),
    "tool_choice_invocation_params": (
        messages_reply(ADD_CALL, stop="tool_use"),
        tool_choice_invocation_params,
    ),
    "tool_choice_per_call": (messages_reply(ADD_CALL, stop="tool_use"), tool_choice_per_call),
    "tool_choice_without_tools": (streamed(ANSWER), tool_choice_without_tools),
    "later_system_messages": (messages_reply(), later_system_messages),
    "closing_context_edits": (
        closing_fields(
            context_management={
                "applied_edits": [
                    {
                        "type": "clear_tool_uses_20250919",
                        "cleared_tool_uses": 2,
                        "cleared_input_tokens": 100,
                    }
                ]
            }
        ),
        closing_metadata,
    ),
    "reuse_last_container": (
        closing_fields(delta={"container": {"id": "cntr_1", "expires_at": "2026-12-01T00:00:00Z"}}),
        reuse_last_container,
    ),
    "closing_container": (
        closing_fields(delta={"container": {"id": "cntr_1", "expires_at": "2026-12-01T00:00:00Z"}}),
        closing_metadata,
    ),
    "output_only_closing_usage": (
        streamed(ANSWER, closing={"output_tokens": 7}),
        streamed_usage,
    ),
    "closing_usage_without_cache_counts": (
        streamed(ANSWER, usage=NO_CACHE_USAGE, closing={"input_tokens": 12, "output_tokens": 7}),
        streamed_usage,
    ),
    "server_call_input_pieces": (streamed(*SEARCHED), server_call_input_pieces),
    "mcp_server_history": (streamed(*MCP_LOOKUP), mcp_server_history),
    "v1_server_tools_history": (streamed(*SEARCHED[:2], *CODE_RUN), v1_server_tools_history),
    "structured_on_unforcing_models": (
        messages_reply({**ADD_CALL, "name": "Sum", "input": {"total": 3}}, stop="tool_use"),
        structured_on_unforcing_models,
    ),
    "forced_choice_beside_thinking": (
        messages_reply(
            THINKING, {**ADD_CALL, "name": "Sum", "input": {"total": 3}}, stop="tool_use"
        ),
        forced_choice_beside_thinking,
    ),
    "system_per_call": (streamed(ANSWER), system_per_call),
    "stop_text": (messages_reply(), COMMON.stop_text),
    "call_timeout_object": (
        messages_reply(),
        functools.partial(COMMON.call_timeout_object, sdk="anthropic"),
    ),
    "system_in_constructor": (messages_reply(), system_in_constructor),
    "timeout_per_call": (streamed(ANSWER), timeout_per_call),
    "unnamed_parameters_moved": (messages_reply(), unnamed_parameters_moved),
    "cited_history": (messages_reply(CITED), cited_history),
    "cited_stream_chunks": (streamed(CITED), cited_stream_chunks),
    "v1_cited_history": (messages_reply(CITED), v1_cited_history),
    "refused_history": (messages_reply(ANSWER, stop="refusal", more=REFUSED), refused_history),
    "refused_empty_history": (
        messages_reply(stop="refusal", more={**REFUSED, "content": []}),
        refused_history,
    ),
    "compaction_history": (messages_reply(), compaction_history),
    "thinking_stream_history": (
        streamed(THINKING, REDACTED, ADD_CALL, stop="tool_use"),
        thinking_stream_history,
    ),
    "server_results_stream_history": (streamed(*SEARCHED), server_results_stream_history),
    "v1_thinking_history": (
        messages_reply(THINKING, ANSWER, ADD_CALL, stop="tool_use"),
        v1_thinking_history,
    ),
    "cache_write_usage": (
        streamed(usage=CACHE_WRITE_USAGE, closing=CACHE_WRITE_CLOSING),
        cache_write_usage,
    ),
}

# ---- what differs on purpose, and why ------------------------------------------------------


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "tool_choice_bound": ((TOOL_NAMED_NONE, TRUE_REFUSED), choices_kept(ANTHROPIC_KEPT)),
}


def _choices_as_objects(choices: tuple[str, ...]) -> Callable[[Outcome], Outcome]:
    """Their calls' bare-string tool_choice (`choices`), ours Anthropic's object for
    each; then ours read as theirs."""
    objects = {
        "add": {"type": "tool", "name": "add"},
        "any": {"type": "any"},
        "auto": {"type": "auto"},
        "none": {"type": "none"},
    }

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert sorted(r["body"]["tool_choice"] for r in their_requests) == sorted(choices)
        assert sorted(str(r["body"]["tool_choice"]) for r in our_requests) == sorted(
            str(objects[c]) for c in choices
        )
        ours_read = []
        for request in our_requests:
            choice = request["body"]["tool_choice"]
            word = next(c for c, o in objects.items() if o == choice)
            ours_read.append({**request, "body": {**request["body"], "tool_choice": word}})
        return theirs, ours, their_requests, in_order(ours_read)

    return normalise


DIFFERENCES["tool_choice_per_call"] = (
    Difference(
        Reason.REJECTED,
        "a tool choice given to one call (`invoke(..., tool_choice='add')`) is sent as "
        "the bare string, which Anthropic's API refuses (it takes an object)",
        "it is sent as Anthropic's object: `{'type': 'tool', 'name': 'add'}`, "
        "`{'type': 'any'}`, `{'type': 'auto'}`; with no tool bound too (`auto`, `none`)",
    ),
    _choices_as_objects(PER_CALL_CHOICES),
)
DIFFERENCES["tool_choice_without_tools"] = (
    DIFFERENCES["tool_choice_per_call"][0],
    _choices_as_objects(UNBOUND_CHOICES),
)

DIFFERENCES["stop_text"] = (
    (
        text_stop_refused("stop_sequences"),
        text_stop_bare("stop_sequences", "which Anthropic's API refuses (it takes a list)"),
    ),
    text_stop_kept(None, lambda body: body["stop_sequences"]),
)


def _httpx_timeouts_taken(outcome: Outcome) -> Outcome:
    """Theirs raised for both httpx `Timeout`s with nothing sent (the SDK's TypeError, or,
    once an httpx-based SDK is imported, its connection error wrapping the TypeError its
    socket raised) and answered with the SDK's own; ours answered all three, each request
    as theirs: read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    raised = {"refused": "TypeError"}, {"refused": "AnthropicConnectionError"}
    assert theirs["httpx"] == theirs["phases"] and theirs["httpx"] in raised, theirs
    assert ours["httpx"] == ours["phases"] == ours["anthropic"] == theirs["anthropic"]
    assert len(their_requests) == 1 and our_requests == their_requests * 3, our_requests
    return theirs, theirs, their_requests, their_requests


DIFFERENCES["call_timeout_object"] = (
    Difference(
        Reason.RAISES,
        "fails a call given `timeout=httpx.Timeout(...)` before any request: its SDK, on "
        "httpx2, raises a TypeError (or a connection error wrapping one) for httpx's object",
        "an httpx `Timeout` is taken as the SDK's own is: its read timeout bounds the call",
    ),
    _httpx_timeouts_taken,
)


def _cache_split_kept(outcome: Outcome) -> Outcome:
    """Their merged stream's cache writes as one count, ours split by time to live as
    both classes' invoked reply has them; ours read as theirs once each is seen so."""
    theirs, ours, their_requests, our_requests = outcome
    split = {
        "cache_read": 2000,
        "cache_creation": 0,
        "ephemeral_5m_input_tokens": 60,
        "ephemeral_1h_input_tokens": 40,
    }
    assert theirs["invoked"] == ours["invoked"] == ours["streamed"]
    assert ours["streamed"]["input_token_details"] == split
    assert theirs["streamed"]["input_token_details"] == {"cache_read": 2000, "cache_creation": 100}
    assert theirs["streamed"]["input_tokens"] == ours["streamed"]["input_tokens"] == 2120
    return theirs, {**ours, "streamed": theirs["streamed"]}, their_requests, our_requests


DIFFERENCES["cache_write_usage"] = (
    Difference(
        Reason.LOSES_DATA,
        "a streamed reply that wrote the prompt cache loses how its writes split by time "
        "to live: the merged stream's usage has only `cache_creation` (their sum), as the "
        "stream's last usage event carries no split, though the whole reply's usage has "
        "`ephemeral_5m_input_tokens` and `ephemeral_1h_input_tokens` (priced apart) and "
        "`cache_creation` 0",
        "the merged stream's usage is the whole reply's, the split by time to live kept "
        "from the stream's first event",
    ),
    _cache_split_kept,
)


def _input_count_kept(outcome: Outcome) -> Outcome:
    """Their merged stream's input count 0 (the closing usage's, which has none), ours
    message_start's; ours read as theirs once each is seen so."""
    theirs, ours, their_requests, our_requests = outcome
    streamed, theirs_streamed = ours["streamed"], theirs["streamed"]
    assert theirs_streamed["input_tokens"] == 0 and theirs_streamed["total_tokens"] == 7
    assert streamed["input_tokens"] == 12 and streamed["total_tokens"] == 19
    assert streamed["output_tokens"] == theirs_streamed["output_tokens"] == 7
    return theirs, theirs, their_requests, our_requests


DIFFERENCES["output_only_closing_usage"] = (
    Difference(
        Reason.LOSES_DATA,
        "a stream whose closing `message_delta` usage counts the output alone (the "
        "Messages API's older form, still sent by some Anthropic-compatible servers) "
        "reports 0 input tokens: its usage is read from that event alone, the input "
        "count `message_start` carried dropped",
        "the merged stream's usage has the input count of `message_start` where the "
        "closing usage has none",
    ),
    _input_count_kept,
)

#: Request headers a script decides (its constructor, a call's timeout), compared; the rest
#: (user agents, the SDK's platform `x-stainless-*`) name the client that sent them.
COMPARED_HEADERS = (
    "x-api-key",
    "anthropic-beta",
    "anthropic-version",
    "content-type",
    "x-stainless-timeout",
    "x-stainless-read-timeout",
)


def anthropic_suite(scripts: Any, differences: Any = None) -> Suite:
    """A side-by-side suite of ChatAnthropic compared as this module's: the partner's class
    and the drop-in, their results and headers, in this module's environment."""
    return Suite(
        scripts,
        partner.ChatAnthropic,
        chatplex.langchain.ChatAnthropic,
        differences or {},
        result=observe,
        request=compared_headers(COMPARED_HEADERS),
        collect=True,
        env=ENV,
    )


SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_same_as_langchain_anthropic = SUITE.same_test()


def test_every_kept_difference_is_a_script_with_why() -> None:
    assert set(DIFFERENCES) <= set(SCRIPTS)
    assert all(why for why, _ in DIFFERENCES.values())


def test_the_unnamed_parameters_are_those_its_class_has_no_field_for() -> None:
    from chatplex.chat.params import api_parameters
    from chatplex.providers.anthropic.dropin import UNNAMED_PARAMETERS

    fields = partner.ChatAnthropic.model_fields
    named = set(fields) | {f.alias for f in fields.values() if f.alias}
    assert (api_parameters("anthropic") or frozenset()) - named == UNNAMED_PARAMETERS
