"""A LangChain user's scripts over message content: images (OpenAI-style `image_url`
blocks, a data URL and a URL; LangChain's v1 `image` blocks), a PDF and an audio block,
reasoning settings and a reasoning block passed back, built-in (server) tools bound as
dicts, `output_version="v1"` over a tool-call stream, content lists in the history
(an AI turn's blocks, a system message's `cache_control`, a system message mid-history,
two user turns in a row, an empty one), tool results with an artifact, list content and
an error status, and a prompt template with an image, sync and async, on the wires a
script most often imports: what reached the server and the reply, the partner
package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import messages
from langchain_core import prompts

from tests.partners.google.test_google_sidebyside import _one_spelling as either_spelling

from ._cells import cells
from ._cells import family_test
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from .test_model_api import _ids_masked
from .test_model_api import _requests
from .test_model_api import v1_replies
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_content_scripts")

#: A 1x1 PNG, as a script reads one from disk.
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)
#: A tiny PDF and WAV, base64 (their bytes are not read by the server).
PDF = "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK"
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQAAAAA="
#: An image by URL (never fetched: only wires whose partner sends URLs as they are).
IMAGE_URL = "https://example.com/cat.png"

#: Where a request body carries the conversation, on each wire's API.
_CONVERSATION = (
    "messages",
    "system",
    "contents",
    "systemInstruction",
    "system_instruction",
    "input",
    "instructions",
)


def _conversation(body: dict[str, Any]) -> dict[str, Any]:
    """The members of a request body holding the conversation (ids masked), as the
    server reads them (`_one_spelling`)."""
    return {k: masked(_one_spelling(body[k])) for k in _CONVERSATION if k in body}


def _one_spelling(value: Any) -> Any:
    """`value` with what Gemini's proto3 JSON reads either way written one way: the
    field names of `inlineData` and `thinkingConfig` camelCase (the google-genai SDK
    sends some snake_case), and bytes in standard base64 (it sends the URL-safe
    alphabet; proto3 JSON takes both)."""
    value = either_spelling(value)
    if isinstance(value, dict):
        out = {k: _one_spelling(v) for k, v in value.items()}
        inline = out.get("inlineData")
        if isinstance(inline, dict) and isinstance(inline.get("data"), str):
            out["inlineData"] = {
                **inline,
                "data": inline["data"].replace("-", "+").replace("_", "/"),
            }
        return out
    if isinstance(value, list):
        return [_one_spelling(v) for v in value]
    return value


def _sent(run: Run, call: Callable[[], Any]) -> Any:
    """`call()`'s outcome (a reply, or what it raised) and the conversation each request
    it made carried."""
    with _requests(run) as seen:
        reply = outcome_of(call)
    return {"reply": observe(reply), "sent": [_conversation(b) for b in seen]}


def _asking(*blocks: dict[str, Any]) -> list[Any]:
    """A one-turn input: a user message with a text block and `blocks`."""
    return [messages.HumanMessage([{"type": "text", "text": "Describe this."}, *blocks])]


# ---- images, files, audio -----------------------------------------------------------------


def image_openai_blocks(run: Run) -> Any:
    """An image in a HumanMessage as OpenAI's `image_url` block with a data URL."""
    block = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    return _sent(run, lambda: run.make().invoke(_asking(block)))


def image_url_blocks(run: Run) -> Any:
    """An image by URL: OpenAI's `image_url` block and LangChain's v1 `image` block."""
    model = run.make()
    return {
        "openai": _sent(
            run,
            lambda: model.invoke(_asking({"type": "image_url", "image_url": {"url": IMAGE_URL}})),
        ),
        "v1": _sent(run, lambda: model.invoke(_asking({"type": "image", "url": IMAGE_URL}))),
    }


def image_v1_block(run: Run) -> Any:
    """LangChain's v1 standard block `{"type": "image", "base64": ..., "mime_type": ...}`."""
    block = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    return _sent(run, lambda: run.make().invoke(_asking(block)))


def image_async(run: Run) -> Any:
    """Both image forms with a data URL / base64, over `ainvoke` and `astream`."""
    model = run.make()
    openai_block = {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}}
    v1_block = {"type": "image", "base64": PNG, "mime_type": "image/png"}

    async def body() -> Any:
        with _requests(run) as seen:
            reply = await model.ainvoke(_asking(openai_block))
            merged = None
            async for chunk in model.astream(_asking(v1_block)):
                merged = chunk if merged is None else merged + chunk
        return {
            "reply": observe(reply),
            "streamed": observe(merged),
            "sent": [_conversation(b) for b in seen],
        }

    return arun(body)


def pdf_block(run: Run) -> Any:
    """A PDF as LangChain's v1 `file` block (an error where the partner takes none)."""
    block = {"type": "file", "base64": PDF, "mime_type": "application/pdf", "filename": "a.pdf"}
    return _sent(run, lambda: run.make().invoke(_asking(block)))


def audio_block(run: Run) -> Any:
    """A WAV as LangChain's v1 `audio` block (an error where the partner takes none)."""
    block = {"type": "audio", "base64": WAV, "mime_type": "audio/wav"}
    return _sent(run, lambda: run.make().invoke(_asking(block)))


# ---- replies as blocks ---------------------------------------------------------------------


def _shown(reply: Any) -> dict[str, Any]:
    return {
        "text": reply.text,
        "blocks": masked(reply.content_blocks),
        "pretty": _ids_masked(reply.pretty_repr()),
    }


def v1_replies_shown(run: Run) -> Any:
    """`output_version="v1"`: `.text`, `content_blocks` and `pretty_repr()` of a text
    reply, a tool-call reply and a merged stream."""
    return v1_replies(run, _shown)


def _tool_stream(model: Any) -> Any:
    chunks = list(model.bind_tools([get_weather]).stream(TURNS[0]))
    merged = None
    for chunk in chunks:
        merged = chunk if merged is None else merged + chunk
    return {
        "chunks": [
            {"content": masked(c.content), "calls": masked(c.tool_call_chunks)} for c in chunks
        ],
        "merged": observe(merged),
        "blocks": masked(merged.content_blocks),
    }


def v1_tool_stream(run: Run) -> Any:
    """`output_version="v1"` over a streamed tool call: each chunk's content and call
    pieces, the merged reply and its `content_blocks`."""
    return outcome_of(lambda: _tool_stream(run.make(output_version="v1")))


def responses_v1_tool_stream(run: Run) -> Any:
    """langchain-openai's `output_version="responses/v1"` (the Responses API) over a
    streamed tool call, then the merged reply passed back with the tool's result."""

    def call() -> Any:
        model = run.make(output_version="responses/v1")
        out = _tool_stream(model)
        called = messages.AIMessage(
            **{k: v for k, v in _merged(model).model_dump().items() if k in _AI_KEYS}
        )
        result = messages.ToolMessage(
            "It is sunny in Paris.", tool_call_id=called.tool_calls[0]["id"]
        )
        with _requests(run) as seen:
            again = model.bind_tools([get_weather]).invoke(
                [messages.HumanMessage(TURNS[0]), called, result]
            )
        return {**out, "again": observe(again), "sent": [_conversation(b) for b in seen]}

    return outcome_of(call)


_AI_KEYS = ("content", "additional_kwargs", "response_metadata", "tool_calls", "id")


def _merged(model: Any) -> Any:
    merged = None
    for chunk in model.bind_tools([get_weather]).stream(TURNS[0]):
        merged = chunk if merged is None else merged + chunk
    return merged


# ---- reasoning ------------------------------------------------------------------------------

#: Each wire's reasoning setting as its partner's docs show it.
REASONING: dict[str, dict[str, Any]] = {
    "openai": {"reasoning_effort": "low"},
    "anthropic": {"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 2048},
    "gemini": {"thinking_budget": 128, "include_thoughts": True},
    "bedrock_converse": {
        "additional_model_request_fields": {"thinking": {"type": "enabled", "budget_tokens": 1024}},
        "max_tokens": 2048,
    },
    "ollama": {"reasoning": True},
    "groq": {"reasoning_effort": "default", "reasoning_format": "parsed"},
    "mistralai": {},
}


def _reasoning_sent(body: dict[str, Any]) -> dict[str, Any]:
    """The members of a request body (top level or one down) whose name speaks of
    reasoning or thinking, and of max tokens."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        inner = value.items() if isinstance(value, dict) else ()
        for name, held in [(key, value), *((f"{key}.{k}", v) for k, v in inner)]:
            low = name.rsplit(".", 1)[-1].lower()
            if any(word in low for word in ("think", "reason", "max_tokens", "maxtokens")):
                found[name] = held
    return found


def reasoning_settings(run: Run) -> Any:
    """The wire's reasoning setting on the class: the reply, the merged stream and the
    reasoning members of each request."""

    def call() -> Any:
        model = run.make(**REASONING[run.wire.name])
        reply = model.invoke(HELLO)
        merged = None
        for chunk in model.stream(HELLO):
            merged = chunk if merged is None else merged + chunk
        return {"reply": observe(reply), "streamed": observe(merged)}

    with _requests(run) as seen:
        out = outcome_of(call)
    return {"out": out, "sent": [_reasoning_sent(_one_spelling(b)) for b in seen]}


def reasoning_per_call(run: Run) -> Any:
    """OpenAI's `reasoning={"effort": ...}` (a dict, Responses-style) on the class, and
    `reasoning_effort` given to `invoke` (where the partner takes it)."""
    with _requests(run) as seen:
        bound = outcome_of(lambda: run.make(reasoning={"effort": "low"}).invoke(HELLO))
        per_call = outcome_of(lambda: run.make().invoke(HELLO, reasoning_effort="high"))
    return {
        "bound": observe(bound),
        "per_call": observe(per_call),
        "sent": [_reasoning_sent(b) for b in seen],
    }


#: An Anthropic reply with a thinking block, as a script holds it from an earlier turn.
THOUGHT = messages.AIMessage(
    [
        {"type": "thinking", "thinking": "The user wants a greeting.", "signature": "c2ln"},
        {"type": "text", "text": "Hello, friend!"},
    ],
    response_metadata={"model_provider": "anthropic"},
)
#: The same as LangChain's v1 standard blocks (what `output_version="v1"` gives).
THOUGHT_V1 = messages.AIMessage(
    [
        {"type": "reasoning", "reasoning": "The user wants a greeting."},
        {"type": "text", "text": "Hello, friend!"},
    ],
    output_version="v1",
)


def reasoning_history(run: Run) -> Any:
    """A second turn whose history holds an AI reply with a reasoning block: Anthropic's
    `thinking` block (with its signature) and the v1 `reasoning` block."""
    model = run.make()
    asked = messages.HumanMessage(HELLO)
    again = messages.HumanMessage("Say it again")
    return {
        "thinking": _sent(run, lambda: model.invoke([asked, THOUGHT, again])),
        "v1": _sent(run, lambda: model.invoke([asked, THOUGHT_V1, again])),
    }


# ---- built-in tools --------------------------------------------------------------------------

#: Each wire's built-in web search as a dict, with what its class needs to take it.
SERVER_TOOLS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "openai": ({"type": "web_search_preview"}, {"use_responses_api": True}),
    "anthropic": ({"type": "web_search_20250305", "name": "web_search", "max_uses": 2}, {}),
    "gemini": ({"google_search": {}}, {}),
}


def server_tool(run: Run) -> Any:
    """The wire's built-in web search bound as a dict beside a function tool: the
    request's tools and the reply (its blocks included)."""
    tool, settings = SERVER_TOOLS[run.wire.name]

    def call() -> Any:
        reply = run.make(**settings).bind_tools([tool, get_weather]).invoke(HELLO)
        return {"reply": observe(reply), "blocks": masked(reply.content_blocks)}

    with _requests(run) as seen:
        out = outcome_of(call)
    return {"out": out, "sent": [masked(_tools_of(b)) for b in seen]}


def _tools_of(body: dict[str, Any]) -> Any:
    """The tools a request body offers (Converse nests them in its toolConfig); a Gemini
    function declaration without its schema, which chatplex sends as
    `parametersJsonSchema` where langchain-google-genai sends the OpenAPI subset as
    `parameters` (a kept difference, held in tests/partners/google)."""
    tools = body.get("tools") or (body.get("toolConfig") or {}).get("tools")
    return [_unschemed(tool) for tool in tools] if isinstance(tools, list) else tools


def _unschemed(tool: Any) -> Any:
    if not isinstance(tool, dict) or not isinstance(tool.get("functionDeclarations"), list):
        return tool
    schemas = ("parameters", "parametersJsonSchema")
    declarations = [
        {k: v for k, v in d.items() if k not in schemas} for d in tool["functionDeclarations"]
    ]
    return {**tool, "functionDeclarations": declarations}


# ---- the history --------------------------------------------------------------------------


def ai_blocks_history(run: Run) -> Any:
    """A three-turn history whose AI turns have list content: a text block, then a text
    block beside a tool call and its result (multi-turn with tool calls and blocks)."""
    called = messages.AIMessage(
        [{"type": "text", "text": "Let me look."}],
        tool_calls=[{"name": "get_weather", "args": {"location": "Paris"}, "id": "call_1"}],
    )
    history = [
        messages.HumanMessage(HELLO),
        messages.AIMessage([{"type": "text", "text": "Hello, friend!"}]),
        messages.HumanMessage(TURNS[0]),
        called,
        messages.ToolMessage("It is sunny in Paris.", tool_call_id="call_1"),
        messages.HumanMessage("Thanks, say goodbye"),
    ]
    return _sent(run, lambda: run.make().bind_tools([get_weather]).invoke(history))


def system_list_cache(run: Run) -> Any:
    """A SystemMessage with list content, its last block marked `cache_control`
    (Anthropic's prompt caching), and a user block marked the same."""
    system = messages.SystemMessage(
        [
            {"type": "text", "text": "You are terse."},
            {"type": "text", "text": "Greet warmly.", "cache_control": {"type": "ephemeral"}},
        ]
    )
    user = messages.HumanMessage(
        [{"type": "text", "text": HELLO, "cache_control": {"type": "ephemeral"}}]
    )
    return _sent(run, lambda: run.make().invoke([system, user]))


def system_mid_history(run: Run) -> Any:
    """A SystemMessage in the middle of the history (after a first exchange)."""
    history = [
        messages.SystemMessage("You are terse."),
        messages.HumanMessage(HELLO),
        messages.AIMessage("Hello, friend!"),
        messages.SystemMessage("From now on answer in French."),
        messages.HumanMessage("Say it again"),
    ]
    return _sent(run, lambda: run.make().invoke(history))


def consecutive_users(run: Run) -> Any:
    """Two HumanMessages in a row, then an empty one at the end of another input (and
    the warnings the call gave)."""
    model = run.make()
    two = [messages.HumanMessage(HELLO), messages.HumanMessage("And to my neighbour")]
    empty = [messages.HumanMessage(HELLO), messages.AIMessage("Hi!"), messages.HumanMessage("")]
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        sent_empty = _sent(run, lambda: model.invoke(empty))
    return {
        "two": _sent(run, lambda: model.invoke(two)),
        "empty": sent_empty,
        "warned": [str(w.message) for w in warned if w.category is UserWarning],
    }


def consecutive_users_async(run: Run) -> Any:
    async def body() -> Any:
        model = run.make()
        two = [messages.HumanMessage(HELLO), messages.HumanMessage("And to my neighbour")]
        with _requests(run) as seen:
            try:
                reply = observe(await model.ainvoke(two))
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                reply = observe(exc)
        return {"reply": reply, "sent": [_conversation(b) for b in seen]}

    return arun(body)


# ---- tool results ---------------------------------------------------------------------------


def _after_call(result: messages.ToolMessage) -> list[Any]:
    called = messages.AIMessage(
        "",
        tool_calls=[{"name": "get_weather", "args": {"location": "Paris"}, "id": "call_1"}],
    )
    return [messages.HumanMessage(TURNS[0]), called, result]


def tool_results(run: Run) -> Any:
    """ToolMessages as tools return them: with an `artifact`, with list content (text
    and an image), and with `status="error"`: the request and the reply to each."""
    model = run.make().bind_tools([get_weather])
    shapes = {
        "artifact": messages.ToolMessage(
            "It is sunny in Paris.", tool_call_id="call_1", artifact={"raw": [21, "sunny"]}
        ),
        "list": messages.ToolMessage(
            [
                {"type": "text", "text": "It is sunny in Paris."},
                {"type": "image", "base64": PNG, "mime_type": "image/png"},
            ],
            tool_call_id="call_1",
        ),
        "error": messages.ToolMessage(
            "Error: the weather service is down.", tool_call_id="call_1", status="error"
        ),
    }
    return {
        name: _sent(run, lambda result=result: model.invoke(_after_call(result)))
        for name, result in shapes.items()
    }


def tool_results_async(run: Run) -> Any:
    """The error-status ToolMessage over `ainvoke`."""
    result = messages.ToolMessage(
        "Error: the weather service is down.", tool_call_id="call_1", status="error"
    )

    async def body() -> Any:
        model = run.make().bind_tools([get_weather])
        with _requests(run) as seen:
            reply = await model.ainvoke(_after_call(result))
        return {"reply": observe(reply), "sent": [_conversation(b) for b in seen]}

    return arun(body)


# ---- prompt templates ----------------------------------------------------------------------


def prompt_with_image(run: Run) -> Any:
    """`ChatPromptTemplate` with a `MessagesPlaceholder` and a user turn whose image is a
    template (`{"type": "image_url", "image_url": "{url}"}`), piped into the model."""
    prompt = prompts.ChatPromptTemplate.from_messages(
        [
            ("system", "You describe pictures."),
            prompts.MessagesPlaceholder("history"),
            (
                "user",
                [
                    {"type": "text", "text": "{question}"},
                    {"type": "image_url", "image_url": "{url}"},
                ],
            ),
        ]
    )
    chain = prompt | run.make()
    values = {
        "history": [messages.HumanMessage(HELLO), messages.AIMessage("Hello, friend!")],
        "question": "What is in this picture?",
        "url": f"data:image/png;base64,{PNG}",
    }
    return _sent(run, lambda: chain.invoke(values))


#: Scenario -> the wires it runs on (SCRIPT_WIRES unless named here).
ONLY: dict[str, tuple[str, ...]] = {
    # gemini's and Converse's partners download an image given by URL (no network here).
    "image_url_blocks": tuple(w for w in SCRIPT_WIRES if w not in ("gemini", "bedrock_converse")),
    "reasoning_settings": tuple(w for w in SCRIPT_WIRES if w != "mistralai"),
    "reasoning_per_call": ("openai",),
    "responses_v1_tool_stream": ("openai",),
    "server_tool": tuple(SERVER_TOOLS),
}

SCENARIOS = {
    "image_openai_blocks": image_openai_blocks,
    "image_url_blocks": image_url_blocks,
    "image_v1_block": image_v1_block,
    "image_async": image_async,
    "pdf_block": pdf_block,
    "audio_block": audio_block,
    "v1_replies_shown": v1_replies_shown,
    "v1_tool_stream": v1_tool_stream,
    "responses_v1_tool_stream": responses_v1_tool_stream,
    "reasoning_settings": reasoning_settings,
    "reasoning_per_call": reasoning_per_call,
    "reasoning_history": reasoning_history,
    "server_tool": server_tool,
    "ai_blocks_history": ai_blocks_history,
    "system_list_cache": system_list_cache,
    "system_mid_history": system_mid_history,
    "consecutive_users": consecutive_users,
    "consecutive_users_async": consecutive_users_async,
    "tool_results": tool_results,
    "tool_results_async": tool_results_async,
    "prompt_with_image": prompt_with_image,
}


def _cells() -> list[Any]:
    return [cell for name in SCENARIOS for cell in cells([name], ONLY.get(name, SCRIPT_WIRES))]


test_content_script = family_test(SCENARIOS, params=_cells())
