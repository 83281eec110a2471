"""ChatOpenAI on the Responses API side by side: each script runs with langchain-openai's
`ChatOpenAI(use_responses_api=True)` (its default `output_version`, which formats
replies as `responses/v1` content) and with chatplex's, the same constructor call
against the same scripted `/v1/responses` server (whole replies, and the typed event
stream for `stream=True`), and what it returns or raises is compared field by field,
with the requests the server got.

The hosts that serve the Responses API too (xAI, Together) run the scripts naming nothing
of OpenAI's own under their classes (`HOSTS`: langchain-xai's ChatXAI, langchain-together's
ChatTogether, each a BaseChatOpenAI that switches as langchain-openai does).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex
import chatplex.langchain
from tests.adapters import _responses_fixtures as fixtures
from tests.adapters._responses_fixtures import REFUSAL_ITEM
from tests.adapters._responses_fixtures import events_of
from tests.adapters._responses_fixtures import message_item
from tests.adapters._responses_fixtures import reasoning_item
from tests.adapters._responses_fixtures import response
from tests.adapters._responses_fixtures import sse_of
from tests.adapters._responses_fixtures import web_search_item
from tests.adapters._responses_fixtures import with_done_events
from tests.partners._openai_scripts import OpenAIScripts
from tests.partners._openai_scripts import openai_suite
from tests.partners._openai_scripts import refusal_raised
from tests.partners._openai_scripts import refusal_read
from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import bound_choices
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import module_loop
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import refused_before_sending
from tests.partners._sidebyside import with_content_or_last

lc = pytest.importorskip("langchain_core.messages")
openai = pytest.importorskip("openai")
partner = pytest.importorskip("langchain_openai")

KEY = "sk-test-0000"
MODEL = "gpt-4.1"
ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_ORGANIZATION")
ENV += ("LC_OUTPUT_VERSION", "OPENAI_PROJECT")

# ---- the scripted Responses server ---------------------------------------------------------


def call_item(name: str | None, args: dict[str, Any], n: int = 1) -> dict[str, Any]:
    return fixtures.call_item(name, json.dumps(args), n)


REASONING_ITEM = reasoning_item("**Counting** the letters.", "Two of them.")
WEB_ITEM = web_search_item("weather Paris")
CITATION = {
    "type": "url_citation",
    "url": "https://w.example",
    "title": "W",
    "start_index": 0,
    "end_index": 6,
}


@dataclass(frozen=True)
class Script:
    """What the server answers: these output items (a function call's `name` None: the
    request's first tool), or an error."""

    output: list[dict[str, Any]] = field(default_factory=lambda: [message_item("Hello!")])
    status: int = 200
    error: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # the Response's other fields
    fail_in_stream: dict[str, Any] | None = None  # a response.failed event's error


def answer(script: Script) -> Callable[[Seen], Reply]:
    def reply(seen: Seen) -> Reply:
        if script.error is not None:
            return Reply(script.status, [json.dumps({"error": script.error}).encode()])
        body = seen.body or {}
        output = []
        for item in script.output:
            if item["type"] == "function_call" and item["name"] is None:
                item = {**item, "name": _tool_name(body)}
            output.append(item)
        previous = body.get("previous_response_id")
        # The finished response echoes the request's `text` config (its format), as the
        # API does: langchain-openai reads a JSON schema's reply by it.
        echoed = {"text": body["text"]} if isinstance(body.get("text"), dict) else {}
        resp = response(output, model="gpt-4.1-2025-04-14", **{**echoed, **script.extra})
        resp["id"] = "resp_2" if previous else "resp_1"
        if not body.get("stream"):
            return Reply(200, [json.dumps(resp).encode()])
        events = with_done_events(events_of(resp))
        if script.fail_in_stream is not None:
            failed = {**resp, "status": "failed", "error": script.fail_in_stream, "output": []}
            events = [*events[:2], {"type": "response.failed", "response": failed}]
        for number, event in enumerate(events):
            event["sequence_number"] = number
        return Reply(200, [sse_of([e]) for e in events], "text/event-stream")

    return reply


def _tool_name(body: dict[str, Any]) -> str:
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("name"):
        return str(choice["name"])
    functions = [t for t in body.get("tools") or () if t.get("type") == "function"]
    return str(functions[0]["name"]) if functions else "missing"


# ---- the scripts: script(cls, url) -> result ----------------------------------------------


def _model(cls: Any, url: str, **more: Any) -> Any:
    settings: dict[str, Any] = {
        "model": MODEL,
        "api_key": KEY,
        "base_url": url + "/v1",
        "use_responses_api": True,
    }
    settings.update(more)
    return cls(**{k: v for k, v in settings.items() if v is not None})


#: The scripts this suite runs as the other OpenAI suite does (`_openai_scripts.py`).
OPENAI = OpenAIScripts(_model)


def stream_options_per_call(cls: Any, url: str) -> Any:
    # The Responses API's own stream_options (include_obfuscation), sent as given.
    chunks = list(
        _model(cls, url).stream("Say hello", stream_options={"include_obfuscation": False})
    )
    return merged(chunks)


def stream_chunks(cls: Any, url: str) -> Any:
    chunks = list(_model(cls, url).stream("Say hello"))
    return {
        "texts": [c.text for c in with_content_or_last(chunks, by_text=True)],
        "positions": [c.chunk_position for c in with_content_or_last(chunks, by_text=True)],
        "merged": merged(chunks),
    }


#: One event loop for every async script: langchain-openai keeps its async HTTP client
#: per process, bound to the loop of its first call.
LOOP, _shared_clients_closed = module_loop()


def run_async(work: Any) -> Any:
    return LOOP.run_until_complete(work)


def ainvoke_text(cls: Any, url: str) -> Any:
    return run_async(_model(cls, url).ainvoke("Say hello"))


def astream_chunks(cls: Any, url: str) -> Any:
    async def run() -> list[Any]:
        return [c async for c in _model(cls, url).astream("Say hello")]

    chunks = run_async(run())
    return {
        "texts": [c.text for c in with_content_or_last(chunks, by_text=True)],
        "positions": [c.chunk_position for c in with_content_or_last(chunks, by_text=True)],
        "merged": merged(chunks),
    }


def tool_round_trip(cls: Any, url: str) -> Any:
    model = _model(cls, url).bind_tools([add])
    first = model.invoke("What is 1+2?")
    call = first.tool_calls[0]
    result = lc.ToolMessage(str(add(**call["args"])), tool_call_id=call["id"])
    return model.invoke([lc.HumanMessage("What is 1+2?"), first, result])


def tool_choice_bound_chat_completions(cls: Any, url: str) -> Any:
    """The same on the Chat Completions API (ChatOpenAI's default)."""
    return bound_choices(_model(cls, url, use_responses_api=None))


def _reasoning_model(cls: Any, url: str) -> Any:
    return _model(cls, url, model="o4-mini", reasoning={"effort": "low", "summary": "auto"})


def reasoning_invoke(cls: Any, url: str) -> Any:
    return _reasoning_model(cls, url).invoke("How many r in berry?")


def reasoning_stream(cls: Any, url: str) -> Any:
    return merged(list(_reasoning_model(cls, url).stream("How many r in berry?")))


def reasoning_round_trip(cls: Any, url: str) -> Any:
    model = _reasoning_model(cls, url)
    first = model.invoke("How many r in berry?")
    return model.invoke([lc.HumanMessage("How many r in berry?"), first, lc.HumanMessage("Sure?")])


def reasoning_round_trip_unstored(cls: Any, url: str) -> Any:
    model = _model(cls, url, model="o4-mini", reasoning={"effort": "low"}, store=False)
    first = model.invoke("How many r in berry?")
    return model.invoke([lc.HumanMessage("How many r in berry?"), first, lc.HumanMessage("Sure?")])


def reasoning_switches_wire(cls: Any, url: str) -> Any:
    model = cls(model="o4-mini", api_key=KEY, base_url=url + "/v1", reasoning={"effort": "low"})
    return model.invoke("How many r in berry?")


def effort_beside_call_reasoning(cls: Any, url: str) -> Any:
    """A model's `reasoning_effort` and a call's `reasoning` (its summary), on the
    Responses API."""
    model = cls(model="o4-mini", api_key=KEY, base_url=url + "/v1", reasoning_effort="low").bind(
        reasoning={"summary": "auto"}
    )
    return attempted(lambda: model.invoke("How many r in berry?"))


def responses_fields_switch(cls: Any, url: str) -> Any:
    """A Responses field alone (none of `use_responses_api`) sends it there: the field
    `use_responses_api` reads True after, and an empty `include` is sent as given."""
    read, replies = [], []
    for fields in ({"reasoning": {"effort": "low"}}, {"include": []}, {"truncation": "auto"}):
        model = cls(model="o4-mini", api_key=KEY, base_url=url + "/v1", **fields)
        read.append((model.use_responses_api, model.include, model.truncation))
        replies.append(model.invoke("Hi"))
    return read, replies


def responses_switch_per_call(cls: Any, url: str) -> Any:
    """A call (or binding) of a model that leaves `use_responses_api` unset, given a
    Responses-only keyword or a built-in tool, or a GPT-6 call with tools: each goes to
    the Responses API, invoked and streamed."""
    model = cls(model="o4-mini", api_key=KEY, base_url=url + "/v1")
    low = {"effort": "low"}
    gpt6 = cls(model="gpt-6", api_key=KEY, base_url=url + "/v1").bind_tools([add])
    return [
        model.invoke("Hi", reasoning=low),
        model.invoke("Hi", include=["reasoning.encrypted_content"]),
        model.invoke("Hi", truncation="auto"),
        model.invoke("Hi", text={"verbosity": "low"}),
        model.bind(reasoning=low).invoke("Hi"),
        model.invoke("Hi", tools=[{"type": "web_search"}]),
        list(model.stream("Hi", reasoning=low)),
        gpt6.invoke("Hi"),
    ]


def responses_switches_alone(cls: Any, url: str) -> Any:
    """langchain-openai's switches to the Responses API, without `use_responses_api`:
    the v1 Responses output, and the previous reply's id sent in place of its turns."""
    versioned = cls(
        model="o4-mini", api_key=KEY, base_url=url + "/v1", output_version="responses/v1"
    )
    chained = cls(model="o4-mini", api_key=KEY, base_url=url + "/v1", use_previous_response_id=True)
    first = chained.invoke("Say hello")
    again = chained.invoke([lc.HumanMessage("Say hello"), first, lc.HumanMessage("Again")])
    read = [
        (m.use_responses_api, m.output_version, m.use_previous_response_id)
        for m in (versioned, chained)
    ]
    return read, versioned.invoke("Hi"), again


def web_search_invoke(cls: Any, url: str) -> Any:
    return _model(cls, url).bind_tools([{"type": "web_search"}]).invoke("Weather in Paris?")


def web_search_stream(cls: Any, url: str) -> Any:
    model = _model(cls, url).bind_tools([{"type": "web_search"}])
    return merged(list(model.stream("Weather in Paris?")))


def tool_choice_without_tools(cls: Any, url: str) -> Any:
    """`tool_choice=` given to one call of a model with no tool bound: sent as given
    (the API's answer is its own), invoked and streamed."""
    model = _model(cls, url)
    streamed = list(model.stream("Hi", tool_choice="none"))
    return [model.invoke("Hi", tool_choice="auto"), [c.content for c in streamed]]


def builtin_tool_choice(cls: Any, url: str) -> Any:
    """A built-in tool forced by its type (the Responses API's object, and its name),
    and a function in the Responses API's own form: what is bound, and the replies to an
    invoke, a stream and an ainvoke (each request compared too)."""
    choices: list[Any] = [
        {"type": "web_search"},
        "web_search",
        {"type": "function", "name": "add"},
    ]
    seen = []
    for choice in choices:
        bound = _model(cls, url).bind_tools([{"type": "web_search"}, add], tool_choice=choice)
        seen.append(
            {
                "bound": bound.kwargs["tool_choice"],
                "invoked": bound.invoke("Weather in Paris?"),
                "streamed": merged(list(bound.stream("Weather in Paris?"))),
            }
        )
    bound = _model(cls, url).bind_tools(
        [{"type": "web_search"}], tool_choice={"type": "web_search"}
    )
    return [*seen, run_async(bound.ainvoke("Weather in Paris?"))]


MCP = {"type": "mcp", "server_label": "wiki", "server_url": "https://mcp.example/mcp"}


def wire_tool_choice_kinds(cls: Any, url: str) -> Any:
    """The Responses API's own `tool_choice` objects (an MCP server's, the allowed
    tools, a custom tool's, a hosted tool not bound), sent as given, bound by
    `bind_tools` or `bind`: invoked, streamed, ainvoked (each request compared too)."""
    choices: list[Any] = [
        {"type": "mcp", "server_label": "wiki"},
        {"type": "allowed_tools", "mode": "auto", "tools": [{"type": "function", "name": "add"}]},
        {"type": "custom", "name": "grammar"},
        {"type": "file_search"},
    ]
    seen = []
    for choice in choices:
        bound = _model(cls, url).bind_tools([MCP, add], tool_choice=choice)
        seen.append(
            {
                "bound": bound.kwargs["tool_choice"],
                "invoked": bound.invoke("Weather in Paris?"),
                "streamed": merged(list(bound.stream("Weather in Paris?"))),
            }
        )
    bound = _model(cls, url).bind(tools=[MCP], tool_choice=choices[0])
    return [*seen, run_async(bound.ainvoke("Weather in Paris?"))]


def previous_response_id_auto(cls: Any, url: str) -> Any:
    model = _model(cls, url, use_previous_response_id=True)
    first = model.invoke("Say hello")
    return model.invoke([lc.HumanMessage("Say hello"), first, lc.HumanMessage("Again")])


def previous_response_id_given(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Again", previous_response_id="resp_0")


def structured_pydantic(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class Sum(BaseModel):
        """A sum."""

        total: int

    return _model(cls, url).with_structured_output(Sum).invoke("1+2?")


def refusal(cls: Any, url: str) -> Any:
    return _model(cls, url).invoke("Something bad")


class Answer(BaseModel):
    """An answer."""

    text: str


def refusal_structured(cls: Any, url: str) -> Any:
    """A refusal to a pydantic schema: langchain-openai's `OpenAIRefusalError`."""
    model = _model(cls, url).with_structured_output(Answer, method="json_schema")
    return refusal_raised(lambda: model.invoke("Something bad"))


def refusal_structured_stream(cls: Any, url: str) -> Any:
    model = _model(cls, url).with_structured_output(Answer, method="json_schema")
    return refusal_raised(lambda: list(model.stream("Something bad")))


def structured_class_stream(cls: Any, url: str) -> Any:
    """A pydantic schema streamed: its format sent as the class's JSON schema (strict),
    where a whole call sends the SDK's parse() form."""
    model = _model(cls, url).with_structured_output(Answer, method="json_schema")
    return list(model.stream("Say hi"))


def class_format_stream(cls: Any, url: str) -> Any:
    """A pydantic class bound as the `response_format`, streamed: each piece."""
    return list(_model(cls, url).bind(response_format=Answer).stream("Say hi"))


def refusal_structured_raw(cls: Any, url: str) -> Any:
    model = _model(cls, url)
    got = model.with_structured_output(Answer, method="json_schema", include_raw=True)
    out = got.invoke("Something bad")
    return {**out, "parsing_error": refusal_read(out["parsing_error"])}


def incomplete(cls: Any, url: str) -> Any:
    return _model(cls, url, max_tokens=3).invoke("Tell a story")


def options_sent(cls: Any, url: str) -> Any:
    model = _model(cls, url, temperature=0.2, max_tokens=64, top_p=0.9)
    return model.invoke("Hi")


def call_max_tokens_beside_constructors(cls: Any, url: str) -> Any:
    # The call's max_completion_tokens wins; its max_tokens gives way to the model's.
    model = _model(cls, url, max_tokens=16)
    return [model.invoke("Hi", max_completion_tokens=42), model.invoke("Hi", max_tokens=42)]


def responses_params_sent(cls: Any, url: str) -> Any:
    model = _model(
        cls, url, store=False, truncation="auto", include=["reasoning.encrypted_content"]
    )
    return model.invoke("Hi")


def std_image_block(cls: Any, url: str) -> Any:
    block = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    message = lc.HumanMessage(content=[{"type": "text", "text": "What is this?"}, block])
    return _model(cls, url).invoke([message])


def error_async(cls: Any, url: str) -> Any:
    return raised(lambda: run_async(_model(cls, url, max_retries=0).ainvoke("Hi")))


def failed_event_in_stream(cls: Any, url: str) -> Any:
    got = raised(lambda: list(_model(cls, url, max_retries=0).stream("Hi")))
    return {"ValueError": isinstance(got["error"], ValueError)}


TOOL = Script([call_item(None, {"a": 1, "b": 2})])
SUM = Script([message_item('{"total": 3}')])
SUM_CALL = Script([call_item(None, {"total": 3})])
REASONING = Script([REASONING_ITEM, message_item("Two.")])
WEB = Script([WEB_ITEM, message_item("Sunny.", [CITATION])])
BAD_ARGS = Script([{**call_item(None, {}), "arguments": '{"a": '}])
INCOMPLETE = Script(
    [message_item("Once")],
    extra={"status": "incomplete", "incomplete_details": {"reason": "max_output_tokens"}},
)


def _err(
    status: int, message: str, code: str | None, kind: str, param: str | None = None
) -> Script:
    return Script(
        status=status, error={"message": message, "type": kind, "param": param, "code": code}
    )


SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    # (the Responses API has no stop sequences: none sent, whatever is given)
    **OPENAI.plain(
        Script, "invoke_text", "invoke_messages", "stop_text", "stop_empty", "call_timeout_object"
    ),
    "stream_chunks": (Script(), stream_chunks),
    "stream_options_per_call": (Script(), stream_options_per_call),
    "ainvoke_text": (Script(), ainvoke_text),
    "astream_chunks": (Script(), astream_chunks),
    "batch_two": (Script(), OPENAI.batch_two),
    "metadata_key_order": (Script(), OPENAI.metadata_key_order),
    "response_headers": (Script(), OPENAI.response_headers),
    "tool_call_invoke": (TOOL, OPENAI.tool_call_invoke),
    "tool_call_stream": (TOOL, OPENAI.tool_call_stream),
    "tool_round_trip": (TOOL, tool_round_trip),
    "tool_choice_named": (TOOL, OPENAI.tool_choice_named),
    "tool_choice_bound": (Script(), OPENAI.tool_choice_bound),
    "tool_choice_bound_chat_completions": (Script(), tool_choice_bound_chat_completions),
    "tool_choice_invocation_params": (TOOL, OPENAI.tool_choice_invocation_params),
    "invalid_tool_arguments": (BAD_ARGS, OPENAI.invalid_tool_arguments),
    "reasoning_invoke": (REASONING, reasoning_invoke),
    "reasoning_stream": (REASONING, reasoning_stream),
    "reasoning_round_trip": (REASONING, reasoning_round_trip),
    "reasoning_switches_wire": (REASONING, reasoning_switches_wire),
    "effort_beside_call_reasoning": (REASONING, effort_beside_call_reasoning),
    "responses_fields_switch": (Script(), responses_fields_switch),
    "responses_switches_alone": (Script(), responses_switches_alone),
    "responses_switch_per_call": (REASONING, responses_switch_per_call),
    "reasoning_round_trip_unstored": (REASONING, reasoning_round_trip_unstored),
    "web_search_invoke": (WEB, web_search_invoke),
    "web_search_stream": (WEB, web_search_stream),
    "builtin_tool_choice": (WEB, builtin_tool_choice),
    "tool_choice_without_tools": (Script(), tool_choice_without_tools),
    "wire_tool_choice_kinds": (Script(), wire_tool_choice_kinds),
    "previous_response_id_auto": (Script(), previous_response_id_auto),
    "previous_response_id_given": (Script(), previous_response_id_given),
    "structured_pydantic": (SUM, structured_pydantic),
    "structured_raw": (SUM, OPENAI.structured_raw),
    "structured_function_calling": (SUM_CALL, OPENAI.structured_function_calling),
    "usage_details": (REASONING, OPENAI.usage_details),
    "usage_in_stream": (REASONING, OPENAI.usage_in_stream),
    "refusal": (Script([REFUSAL_ITEM]), refusal),
    "refusal_structured": (Script([REFUSAL_ITEM]), refusal_structured),
    "refusal_structured_raw": (Script([REFUSAL_ITEM]), refusal_structured_raw),
    "refusal_structured_stream": (Script([REFUSAL_ITEM]), refusal_structured_stream),
    "structured_class_stream": (Script([message_item('{"text": "hi"}')]), structured_class_stream),
    "class_format_stream": (Script([message_item('{"text": "hi"}')]), class_format_stream),
    "incomplete": (INCOMPLETE, incomplete),
    "options_sent": (Script(), options_sent),
    "call_max_tokens_beside_constructors": (Script(), call_max_tokens_beside_constructors),
    "responses_params_sent": (Script(), responses_params_sent),
    "streaming_invoke": (Script(), OPENAI.streaming_invoke),
    "std_image_block": (Script([message_item("A pixel.")]), std_image_block),
    "error_400": (
        _err(400, "Invalid value for 'temperature'", "invalid_value", "invalid_request_error"),
        OPENAI.error_400,
    ),
    "error_401": (
        _err(401, "Incorrect API key provided", "invalid_api_key", "invalid_request_error"),
        OPENAI.error_401,
    ),
    "error_429": (
        _err(429, "Rate limit reached for gpt-4.1", "rate_limit_exceeded", "tokens"),
        OPENAI.error_429,
    ),
    "error_500": (_err(500, "The server had an error", None, "server_error"), OPENAI.error_500),
    "error_in_stream_call": (
        _err(
            400, "Unsupported parameter: 'stop'", "unsupported_parameter", "invalid_request_error"
        ),
        OPENAI.error_in_stream_call,
    ),
    "error_async": (
        _err(401, "Incorrect API key provided", "invalid_api_key", "invalid_request_error"),
        error_async,
    ),
    "failed_event_in_stream": (
        Script(fail_in_stream={"code": "server_error", "message": "The model failed."}),
        failed_event_in_stream,
    ),
}

# ---- what differs on purpose, and why ------------------------------------------------------


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "effort_beside_call_reasoning": (
        Difference(
            Reason.RAISES,
            "a model's `reasoning_effort` beside a call's `reasoning` on the Responses API "
            "raises TypeError (`Responses.create()` takes no `reasoning_effort`), before "
            "any request",
            "both are sent as one `reasoning` object: the call's keys, and the model's "
            "effort where the call gives none",
        ),
        refused_before_sending(
            "TypeError", lambda body: body["reasoning"] == {"summary": "auto", "effort": "low"}
        ),
    ),
}

#: Request headers a script's constructor decides, compared; the rest (user agents, SDK
#: telemetry `x-stainless-*`) name the client that sent them.
COMPARED_HEADERS = ("authorization", "content-type")


SUITE = openai_suite(partner.ChatOpenAI, SCRIPTS, DIFFERENCES, ENV, COMPARED_HEADERS, answer)
test_same_as_langchain_openai = SUITE.same_test()
test_at_least_25_scripts = SUITE.tables_test()


# ---- the same scripts under an OpenAI-compatible host's class -------------------------------

#: The hosts that serve the Responses API, whose partner class (a BaseChatOpenAI) goes over
#: it: partner module and class name (chatplex's has the same name).
HOSTS = {"xai": ("langchain_xai", "ChatXAI"), "together": ("langchain_together", "ChatTogether")}
#: The scripts run under each host's class: those naming nothing of OpenAI's own (its
#: built-in tools, its structured output), on every path: invoke, ainvoke, stream, errors.
HOST_SCRIPTS = (
    "invoke_messages",
    "stop_text",
    "call_max_tokens_beside_constructors",
    "ainvoke_text",
    "stream_chunks",
    "tool_call_invoke",
    "tool_round_trip",
    "reasoning_invoke",
    "reasoning_stream",
    "reasoning_switches_wire",
    "responses_fields_switch",
    "responses_switches_alone",
    "previous_response_id_auto",
    "previous_response_id_given",
    "usage_details",
    "error_400",
    "error_async",
)
#: (host, script) -> why it is not compared.
HOST_NOT_RUN = {
    (host, script): (
        "langchain-together's class is langchain-openai's BaseChatOpenAI, whose stream "
        "hands the Responses payload (`input`) to Chat Completions' create(): TypeError "
        "'Missing required arguments' before any request (held below); chatplex streams"
    )
    for host in ("together",)
    for script in ("stream_chunks", "reasoning_stream")
}


@pytest.mark.parametrize(
    ("host", "name"),
    [(h, s) for h in HOSTS for s in HOST_SCRIPTS if (h, s) not in HOST_NOT_RUN],
)
def test_a_hosts_class_same_as_its_partner(host: str, name: str, server: ScriptedServer) -> None:
    module, cls = HOSTS[host]
    theirs, ours = getattr(pytest.importorskip(module), cls), getattr(chatplex.langchain, cls)
    # the suite's run of the script, under the host's classes, with no kept difference
    outcome = dataclasses.replace(SUITE, theirs=theirs, ours=ours, differences={}).run(name, server)
    our_requests = outcome[3]
    assert our_requests and all(r["path"] == "/v1/responses" for r in our_requests)
    assert_same(outcome)


def test_a_together_stream_is_langchains_type_error_and_chatplexs_reply(
    server: ScriptedServer,
) -> None:
    # The kept difference of HOST_NOT_RUN: LangChain raises before sending anything.
    partner_cls = pytest.importorskip("langchain_together").ChatTogether
    server.handler = answer(Script())
    server.seen.clear()
    with pytest.raises(TypeError, match="Missing required arguments"):
        list(_model(partner_cls, server.url).stream("Say hello"))
    assert not server.seen
    assert (
        merged(list(_model(chatplex.langchain.ChatTogether, server.url).stream("Say hello")))
        is not None
    )
    assert [seen.path for seen in server.seen] == ["/v1/responses"]
