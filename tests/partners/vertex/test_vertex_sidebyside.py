"""ChatVertexAI side by side: each script runs with langchain-google-vertexai's
`ChatVertexAI` (google-cloud-aiplatform's `PredictionServiceClient` over its REST
transport, `api_transport="rest"`, pointed at the server by `base_url`, with a fixed
OAuth token as `credentials`) and with chatplex's, the same constructor call against the
same scripted Vertex AI REST server
(`/v1beta1/projects/<p>/locations/<l>/publishers/google/models/<m>:generateContent`,
`:streamGenerateContent`); what each returns or raises is compared field by field, with
the requests the server got (method, path, body, the headers a server reads).

The server's replies are the Gemini suite's (`tests/partners/google/`): one wire. A
stream is answered as the client asked: server-sent events for `?alt=sse` (chatplex),
one JSON array otherwise (the aiplatform REST transport).

Read alike, as the server reads them (the same request, not differences): the REST
transport's framing query (`$alt=json;enum-encoding=int`) and chatplex's `alt=sse`, proto
enums sent as numbers, an empty `generationConfig`, `systemInstruction`'s `role`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import PNG
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import init_chat_model_for
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import sum_schema
from tests.partners.google._scripts import ADD_CALL
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google._scripts import THOUGHT
from tests.partners.google._scripts import GeminiScripts
from tests.partners.google._scripts import error_body
from tests.partners.google._scripts import negative_candidates_refused
from tests.partners.google.test_google_sidebyside import CODE_PARTS
from tests.partners.google.test_google_sidebyside import CONVERSATION
from tests.partners.google.test_google_sidebyside import GROUNDING
from tests.partners.google.test_google_sidebyside import UNSENT_THERE
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import given_unsent_there
from tests.partners.google.test_google_sidebyside import sent_only_here
from tests.partners.google.test_google_sidebyside import unsent_there
from tests.partners.google.test_google_sidebyside import with_grounding

vertex_partner = pytest.importorskip("langchain_google_vertexai")
oauth2 = pytest.importorskip("google.oauth2.credentials")
api_core_errors = pytest.importorskip("google.api_core.exceptions")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatVertexAI as OurChat  # noqa: E402

MODEL = "gemini-2.5-flash"
PROJECT = "proj-1"
LOCATION = "us-central1"
TOKEN = "fake-token"


def vertex_replies(
    parts: list[dict[str, Any]] | None = None, **settings: Any
) -> Callable[[Seen], Reply]:
    """The Gemini suite's scripted replies; a stream asked without `alt=sse` (the
    aiplatform REST transport's) answered as one JSON array of the same events."""
    gemini = gemini_replies(parts, **settings)

    def answer(seen: Seen) -> Reply:
        if ":streamGenerateContent" not in seen.path or "alt=sse" in seen.path:
            return gemini(seen)
        as_sse = Seen(seen.method, seen.path + "&alt=sse", seen.headers, seen.body)
        reply = gemini(as_sse)
        if reply.content_type != "text/event-stream":
            return reply
        events = [json.loads(piece.removeprefix(b"data: ").strip()) for piece in reply.pieces]
        return Reply(200, [json.dumps(events).encode()])

    return answer


def model(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", MODEL)
    return cls(
        project=PROJECT,
        location=LOCATION,
        credentials=oauth2.Credentials(token=TOKEN),
        api_transport="rest",
        base_url=url,
        **settings,
    )


#: The scripts this suite runs as the other Gemini suite does (`google/_scripts.py`).
GEMINI = GeminiScripts(model)


# ---- the scripts: (server reply, script(ChatVertexAI, url) -> result) ----------------


def structured_default(cls: Any, url: str) -> Any:
    from pydantic import BaseModel

    class add(BaseModel):  # noqa: N801 - the tool's name is the class name
        """Add two integers."""

        a: int
        b: int

    return model(cls, url).with_structured_output(add).invoke("Add 1 and 2")


def structured_json_mode(cls: Any, url: str) -> Any:
    schema = sum_schema()
    got = model(cls, url).with_structured_output(schema, method="json_mode", include_raw=True)
    return got.invoke("1+2?")


def count_tokens(cls: Any, url: str) -> Any:
    """`get_num_tokens` (the text as one human message) and
    `get_num_tokens_from_messages` (the conversation at once, system message left out;
    tools ignored), and `trim_messages` counting with the model."""
    llm = model(cls, url)
    count = llm.get_num_tokens_from_messages(CONVERSATION)
    kept = lc.trim_messages(CONVERSATION, max_tokens=count - 1, token_counter=llm)
    with_tools = llm.get_num_tokens_from_messages(CONVERSATION, tools=[add])
    return [llm.get_num_tokens("Say hello to Ann"), count, kept, with_tools]


def init_chat_model_vertex(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChat)
    built = init_chat_model(
        "google_vertexai:" + MODEL,
        project=PROJECT,
        location=LOCATION,
        credentials=oauth2.Credentials(token=TOKEN),
        api_transport="rest",
        base_url=url,
    )
    return {"name": built.get_name(), "reply": built.invoke("Hi")}


def labels(cls: Any, url: str) -> Any:
    return model(cls, url, labels={"team": "blue"}).invoke("Hi")


def thinking_stream(cls: Any, url: str) -> Any:
    return merged(list(model(cls, url, include_thoughts=True).stream("How many r?")))


#: A reply whose text part Gemini signed (after a thought).
SIGNED_TEXT = [
    {"text": "Plan", "thought": True},
    {"text": "There are three.", "thoughtSignature": "c2lnbmF0dXJl"},
]


#: A reply whose thought Gemini signed, before its answer.
SIGNED_THOUGHT = [
    {"text": "Count the letters.", "thought": True, "thoughtSignature": "c2lnbmF0dXJl"},
    {"text": "There are three."},
]


def signed_thought_round_trip(cls: Any, url: str) -> Any:
    """A signed thought read (invoked, its standard blocks, and streamed) and replayed
    from the reply and from the merged stream: its thinking blocks hold no signature
    and it goes back unsigned, as langchain-google-vertexai sends every thought (a
    function call's signature, which Gemini checks, is kept: `tool_round_trip`)."""
    chat = model(cls, url, include_thoughts=True)
    first = chat.invoke("How many r?")
    whole = merged(list(chat.stream("How many r?")))
    again = [
        chat.invoke([lc.HumanMessage("How many r?"), said, lc.HumanMessage("Sure?")]).content
        for said in (first, whole)
    ]
    return [first, first.content_blocks, whole.content, again]


def signed_text_round_trip(cls: Any, url: str) -> Any:
    """A signed text part read (invoked, and streamed: each piece's signature whole) and
    replayed, from the reply and from the merged stream."""
    chat = model(cls, url)
    first = chat.invoke("How many r?")
    chunks = list(chat.stream("How many r?"))
    whole = chunks[0]
    for chunk in chunks[1:]:
        whole = whole + chunk
    again = [
        chat.invoke([lc.HumanMessage("How many r?"), said, lc.HumanMessage("Sure?")])
        for said in (first, whole)
    ]
    return {
        "first": first,
        "chunks": [c.content for c in chunks],
        "whole": whole.content,
        "again": again,
    }


def aliases(cls: Any, url: str) -> Any:
    return cls(
        model_name=MODEL,
        project=PROJECT,
        location="europe-west4",
        credentials=oauth2.Credentials(token=TOKEN),
        api_transport="rest",
        api_endpoint=url,
        max_tokens=50,
        timeout=30,
    ).invoke("Hi")


def safety_settings_enums(cls: Any, url: str) -> Any:
    from langchain_google_vertexai import HarmBlockThreshold
    from langchain_google_vertexai import HarmCategory

    settings = {HarmCategory.HARM_CATEGORY_HARASSMENT: HarmBlockThreshold.BLOCK_ONLY_HIGH}
    return model(cls, url, safety_settings=settings).invoke("Hi")


def top_logprobs_given(cls: Any, url: str) -> Any:
    """LangChain's `top_logprobs`, which the class has no field for, beside its own
    `logprobs`: what the construction says, where it holds it, and what is sent."""
    built, said = constructed(lambda: model(cls, url, logprobs=2, top_logprobs=3))
    return {**said, "model_kwargs": built.model_kwargs, "reply": built.invoke("Say hello")}


def endpoint_v1(cls: Any, url: str) -> Any:
    return model(cls, url, endpoint_version="v1").invoke("Hi")


def model_attributes(cls: Any, url: str) -> Any:
    built = model(cls, url, temperature=0.3, max_output_tokens=20)
    names = ("model_name", "project", "location", "temperature", "max_output_tokens")
    return {
        "name": built.get_name(),
        "fields": {n: getattr(built, n, None) for n in names},
    }


def anonymous_credentials(cls: Any, url: str) -> Any:
    from google.auth.credentials import AnonymousCredentials

    return cls(
        model=MODEL,
        project=PROJECT,
        credentials=AnonymousCredentials(),
        api_transport="rest",
        base_url=url,
    ).invoke("Hi")


def tool_choice_auto_stream(cls: Any, url: str) -> Any:
    bound = model(cls, url).bind_tools([add], tool_choice="auto")
    return merged(list(bound.stream("What is 1+2?")))


def stream_model_named(cls: Any, url: str) -> Any:
    """Which chunks of a stream name the model (a script printing it as the reply
    finishes), and the name each gives."""
    return [c.response_metadata.get("model_name") for c in model(cls, url).stream("Hi")]


def _transit_failure(err: BaseException) -> Any:
    """A failure in transit as a script catches it: the REST transport lets requests'
    errors through (google-auth's session is on requests), none of google-api-core's."""
    import requests
    from google.api_core import exceptions

    return instance_of(
        err,
        requests.exceptions.RequestException,
        requests.exceptions.ConnectionError,
        requests.exceptions.Timeout,
        requests.exceptions.ConnectTimeout,
        requests.exceptions.ReadTimeout,
        exceptions.GoogleAPIError,
    )


def connection_refused(cls: Any, url: str) -> Any:
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    return _transit_failure(raised(lambda: model(cls, closed, max_retries=1).invoke("Hi"))["error"])


def stalled(answer: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """`answer`, half a second late: past a call's `timeout=0.1`."""

    def late(seen: Seen) -> Reply:
        time.sleep(0.5)
        return answer(seen)

    return late


def read_timeout(cls: Any, url: str) -> Any:
    built = model(cls, url, max_retries=1, timeout=0.1)
    return _transit_failure(raised(lambda: built.invoke("Hi"))["error"])


def error_404(cls: Any, url: str) -> Any:
    return raised(lambda: model(cls, url, max_retries=1).invoke("Hi"))


def _add_arguments() -> dict[str, Any]:
    """`add`'s arguments as a JSON schema (new at each call: a partner may change it)."""
    integer = {"type": "integer"}
    return {"type": "object", "properties": {"a": integer, "b": integer}, "required": ["a", "b"]}


def structured_include_raw(cls: Any, url: str) -> Any:
    schema = {"title": "add", "description": "Add two integers.", **_add_arguments()}
    return model(cls, url).with_structured_output(schema, include_raw=True).invoke("1+2?")


def openai_format_tool(cls: Any, url: str) -> Any:
    function = {"name": "add", "description": "Add two integers.", "parameters": _add_arguments()}
    tool = {"type": "function", "function": function}
    return model(cls, url).bind_tools([tool]).invoke("What is 1+2?")


def tool_choice_none(cls: Any, url: str) -> Any:
    return model(cls, url).bind_tools([add], tool_choice="none").invoke("Hi")


#: Citations of a reply, with a field a newer API sends.
CITATIONS = {"citations": [{"startIndex": 0, "endIndex": 5, "uri": "https://x", "newer": 1}]}


def grounding_and_citations(cls: Any, url: str) -> Any:
    """Google Search bound: the reply's `grounding_metadata` and `citation_metadata`
    (as a script reads its sources: `grounding_chunks[0]["web"]["uri"]`)."""
    reply = model(cls, url).bind_tools([{"google_search": {}}]).invoke("Weather in Paris?")
    grounding = reply.response_metadata["grounding_metadata"]
    return {"reply": reply, "source": grounding["grounding_chunks"][0]["web"]["uri"]}


def code_execution(cls: Any, url: str) -> Any:
    """The code execution tool bound: the reply's code and output blocks, and the reply
    sent back in the next turn."""
    chat = model(cls, url).bind_tools([{"code_execution": {}}])
    first = chat.invoke("What is 1 + 2? Run code.")
    again = chat.invoke(
        [lc.HumanMessage("What is 1 + 2? Run code."), first, lc.HumanMessage("Why?")]
    )
    return [first, again]


def tool_choice_required(cls: Any, url: str) -> Any:
    """`tool_choice="required"` (LangChain's word for any tool, as `create_agent` and
    langchain-openai scripts write it) over two tools: what is bound, and the reply."""
    bound = model(cls, url).bind_tools([add, mul], tool_choice="required")
    return {"bound": bound.kwargs["tool_choice"], "reply": bound.invoke("Add 1 and 2")}


def builtin_search_with_function(cls: Any, url: str) -> Any:
    """A built-in tool bound as a dict beside a function: one tool holding both."""
    return model(cls, url).bind_tools([{"google_search": {}}, add]).invoke("What is 1+2?")


def builtin_tools_only(cls: Any, url: str) -> Any:
    """Built-in tools alone (code execution, then Vertex AI Search retrieval)."""
    store = "projects/p/locations/global/collections/default_collection/dataStores/d"
    tools = [{"code_execution": {}}, {"retrieval": {"vertex_ai_search": {"datastore": store}}}]
    return model(cls, url).bind_tools(tools).invoke("Hi")


def builtin_after_retrieval(cls: Any, url: str) -> Any:
    """A tool bound after retrieval: langchain-google-vertexai's ValueError (raised by
    its bind_tools, by chatplex's request; no request sent either way)."""
    tools = [{"google_search_retrieval": {}}, add]
    return raised(lambda: model(cls, url).bind_tools(tools).invoke("What is 1+2?"))


def pdf_base64(cls: Any, url: str) -> Any:
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "Summarise."},
            {"type": "file", "base64": "JVBERi0xLjQK", "mime_type": "application/pdf"},
        ]
    )
    return model(cls, url).invoke([message])


def file_by_id(cls: Any, url: str) -> Any:
    """A standard file block given by `file_id` (a Files API id, which Vertex AI has
    not): langchain-google-vertexai raises ValueError before any request."""
    message = lc.HumanMessage(
        content=[
            {"type": "text", "text": "Summarise."},
            {"type": "file", "file_id": "files/abc123", "mime_type": "application/pdf"},
        ]
    )
    return raised(lambda: model(cls, url).invoke([message]))


def cached_content(cls: Any, url: str) -> Any:
    name = f"projects/{PROJECT}/locations/{LOCATION}/cachedContents/c1"
    return model(cls, url, cached_content=name).invoke("Hi")


def response_logprobs(cls: Any, url: str) -> Any:
    return model(cls, url, logprobs=2).invoke("Hi")


LOGPROBS = {
    "chosenCandidates": [{"token": "Hi", "logProbability": -0.25}],
    "topCandidates": [
        {
            "candidates": [
                {"token": "Hi", "logProbability": -0.25},
                {"token": "Yo", "logProbability": -2.5},
            ]
        }
    ],
}


def with_logprobs(answer: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """`answer`'s JSON reply with log probabilities on its candidate."""

    def reply(seen: Seen) -> Reply:
        got = answer(seen)
        body = json.loads(b"".join(got.pieces))
        body["candidates"][0]["logprobsResult"] = LOGPROBS
        body["candidates"][0]["avgLogprobs"] = -0.25
        return Reply(got.status, [json.dumps(body).encode()], got.content_type)

    return reply


GEMINI_3 = "gemini-3-pro-preview"


def gemini_3_replies(parts: list[dict[str, Any]]) -> Callable[[Seen], Reply]:
    """`vertex_replies(parts)` naming a Gemini 3 model as the reply's `modelVersion`."""
    answer = vertex_replies(parts)
    named = f'"modelVersion": "{MODEL}"'.encode()

    def renamed(seen: Seen) -> Reply:
        reply = answer(seen)
        new = f'"modelVersion": "{GEMINI_3}"'.encode()
        reply.pieces = [piece.replace(named, new) for piece in reply.pieces]
        return reply

    return renamed


def gemini_3_text(cls: Any, url: str) -> Any:
    """A Gemini 3 reply, invoked and streamed: langchain-google-vertexai has no Gemini 3
    rule (langchain-google-genai's list content): its text stays a str."""
    chat = model(cls, url, model=GEMINI_3)
    chunks = list(chat.stream("Say hello"))
    return {"invoked": chat.invoke("Say hello"), "texts": [c.content for c in chunks]}


def generation_info_seen(cls: Any, url: str) -> Any:
    """What a callback handler reads of each generation: `on_llm_new_token`'s chunk's
    `generation_info`, `on_llm_end`'s generation's and `llm_output`, for an invoke and a
    stream; and `generate()`'s."""
    from langchain_core.callbacks import BaseCallbackHandler

    class Handler(BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            self.seen.append(("token", token, kwargs["chunk"].generation_info))

        def on_llm_end(self, response: Any, **kwargs: Any) -> None:
            [[generation]] = response.generations
            self.seen.append(("end", generation.generation_info, response.llm_output))

    chat = model(cls, url)
    invoked, streamed = Handler(), Handler()
    chat.invoke("Say hello", config={"callbacks": [invoked]})
    list(chat.stream("Say hello", config={"callbacks": [streamed]}))
    generated = chat.generate([[lc.HumanMessage("Say hello")]])
    return {
        "invoke": invoked.seen,
        "stream": streamed.seen,
        "generate": [[g.generation_info for g in row] for row in generated.generations],
    }


def tool_result_image(cls: Any, url: str) -> Any:
    """A tool's result holding an image (a text block and a standard base64 image block),
    answered."""
    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "call_1", "type": "tool_call"}
    image = {"type": "image", "base64": PNG, "mime_type": "image/png"}
    history = [
        lc.HumanMessage("Draw 1 + 2"),
        lc.AIMessage("", tool_calls=[call]),
        lc.ToolMessage([{"type": "text", "text": "The chart:"}, image], tool_call_id="call_1"),
        lc.HumanMessage("Describe it."),
    ]
    return model(cls, url).bind_tools([add]).invoke(history)


def per_call_settings(cls: Any, url: str) -> Any:
    """Settings given to one call that langchain-google-genai sends and
    langchain-google-vertexai's `_allowed_params` leaves out: a JSON schema
    (`response_json_schema`, beside the JSON MIME type), `max_tokens`, `thinking_level`;
    and a misspelt one (`temprature=0.2`), attempted."""
    llm = model(cls, url)
    json_mime = {"response_mime_type": "application/json"}
    return {
        "schema": llm.invoke("Hi", response_json_schema=sum_schema(), **json_mime),
        "max_tokens": llm.invoke("Hi", max_tokens=5),
        "thinking_level": llm.invoke("Hi", thinking_level="low"),
        "misspelt": attempted(lambda: llm.invoke("Hi", temprature=0.2)),
    }


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    **GEMINI.rows(vertex_replies),
    "per_call_settings": (vertex_replies(), per_call_settings),
    "gemini_3_text": (gemini_3_replies([{"text": "Hello there."}]), gemini_3_text),
    "structured_default": (vertex_replies(ADD_CALL), structured_default),
    "structured_json_mode": (vertex_replies([{"text": '{"total": 3}'}]), structured_json_mode),
    "signed_text_round_trip": (vertex_replies(SIGNED_TEXT), signed_text_round_trip),
    "signed_thought_round_trip": (vertex_replies(SIGNED_THOUGHT), signed_thought_round_trip),
    "count_tokens": (vertex_replies(), count_tokens),
    "builtin_search_with_function": (vertex_replies(ADD_CALL), builtin_search_with_function),
    "builtin_tools_only": (vertex_replies(), builtin_tools_only),
    "builtin_after_retrieval": (vertex_replies(), builtin_after_retrieval),
    "additional_headers": (vertex_replies(), GEMINI.additional_headers),
    "init_chat_model_vertex": (vertex_replies(), init_chat_model_vertex),
    "labels": (vertex_replies(), labels),
    "generation_info_seen": (vertex_replies(), generation_info_seen),
    "tool_result_image": (vertex_replies(), tool_result_image),
    "thinking_stream": (vertex_replies(THOUGHT, usage=THINKING_USAGE), thinking_stream),
    "aliases": (vertex_replies(), aliases),
    "safety_settings_enums": (vertex_replies(), safety_settings_enums),
    "top_logprobs_given": (with_logprobs(vertex_replies()), top_logprobs_given),
    "endpoint_v1": (vertex_replies(), endpoint_v1),
    "model_attributes": (vertex_replies(), model_attributes),
    "anonymous_credentials": (vertex_replies(), anonymous_credentials),
    "tool_choice_none": (vertex_replies(), tool_choice_none),
    "tool_choice_required": (vertex_replies(ADD_CALL), tool_choice_required),
    "code_execution": (vertex_replies(CODE_PARTS), code_execution),
    "grounding_and_citations": (
        with_grounding(vertex_replies(), groundingMetadata=GROUNDING, citationMetadata=CITATIONS),
        grounding_and_citations,
    ),
    "pdf_base64": (vertex_replies(), pdf_base64),
    "file_by_id": (vertex_replies(), file_by_id),
    "cached_content": (vertex_replies(), cached_content),
    "response_logprobs": (with_logprobs(vertex_replies()), response_logprobs),
    "structured_include_raw": (vertex_replies(ADD_CALL), structured_include_raw),
    "openai_format_tool": (vertex_replies(ADD_CALL), openai_format_tool),
    "error_404": (
        vertex_replies(status=404, error=error_body(404, "NOT_FOUND", "No model.")),
        error_404,
    ),
    "tool_choice_auto_stream": (vertex_replies(ADD_CALL), tool_choice_auto_stream),
    "stream_model_named": (vertex_replies(), stream_model_named),
    "connection_refused": (vertex_replies(), connection_refused),
    "read_timeout": (stalled(vertex_replies()), read_timeout),
}

# ---- what differs on purpose, and why --------------------------------------------------


#: Request headers a server reads (the rest name the client: user agents, encodings).
READ_HEADERS = ("authorization", "content-type", "x-team")


#: Script → (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {}

# langchain-google-vertexai's class has no `service_tier`, `extra_body` or
# `default_headers` field either: moved to model_kwargs, never sent; the drop-in sends them
# (here a cache named by its full resource name, which the drop-in passes on unchanged).
_UNSENT_GIVEN = {
    "extra_body": {"cachedContent": f"projects/{PROJECT}/locations/x/cachedContents/c1"}
}
for _keyword in UNSENT_THERE:
    _given = _UNSENT_GIVEN.get(_keyword)
    SCRIPTS[f"{_keyword}_given"] = (vertex_replies(), given_unsent_there(_keyword, model, _given))
    DIFFERENCES[f"{_keyword}_given"] = (
        unsent_there(_keyword, "ChatVertexAI"),
        sent_only_here(_keyword, _given),
    )


def _declarations(requests: list[Any], *keys: str) -> list[Any]:
    found = []
    for request in requests:
        body = request["body"] or {}
        for tool in body.get("tools") or []:
            for declaration in tool.get("functionDeclarations") or []:
                found.extend(declaration.pop(key, None) for key in keys)
        config = body.get("generationConfig") or {}
        found.extend(config.pop(key, None) for key in keys if key.startswith("response"))
    return found


def _full_json_schema(outcome: Outcome) -> Outcome:
    """Schemas compared apart: theirs as `parameters` / `responseSchema` (the OpenAPI
    subset), ours as `parametersJsonSchema` / `responseJsonSchema`, one each; a function
    call's arguments read as their float-valued JSON."""
    theirs, ours, their_requests, our_requests = outcome
    assert any(_declarations(their_requests, "parameters", "responseSchema"))
    assert any(_declarations(our_requests, "parametersJsonSchema", "responseJsonSchema"))
    _as_floats(theirs, ours)
    return theirs, ours, their_requests, our_requests


def _float_arguments(outcome: Outcome) -> Outcome:
    """A function call's arguments read as their float-valued JSON (the declarations,
    in the OpenAPI subset on both sides, compared as they are)."""
    theirs, ours, their_requests, our_requests = outcome
    _as_floats(theirs, ours)
    return theirs, ours, their_requests, our_requests


def _as_floats(theirs: Any, ours: Any) -> None:
    """Our `additional_kwargs["function_call"]["arguments"]` read as theirs (numbers as
    floats, keys in proto order), once checked to hold the same values."""
    for their_message, our_message in _message_pairs(theirs, ours):
        their_call = their_message.get("additional_kwargs", {}).get("function_call")
        our_call = our_message.get("additional_kwargs", {}).get("function_call")
        if their_call and our_call:
            assert json.loads(their_call["arguments"]) == json.loads(our_call["arguments"])
            our_call["arguments"] = their_call["arguments"]


def _message_pairs(theirs: Any, ours: Any) -> list[tuple[Any, Any]]:
    if isinstance(theirs, dict) and isinstance(ours, dict):
        pairs = [(theirs, ours)] if "type" in theirs else []
        for key in set(theirs) & set(ours):
            pairs += _message_pairs(theirs[key], ours[key])
        return pairs
    return []


_SCHEMAS = Difference(
    Reason.LOSES_DATA,
    "converts a response schema to the OpenAPI subset (`responseSchema`), dropping what "
    "it lacks (`additionalProperties`, a nullable field's null...: the model is never "
    "told them)",
    "a response schema goes as `responseJsonSchema` (the JSON Schema as given); "
    "function parameters go in the OpenAPI subset (`parameters`) as langchain-google-"
    "vertexai sends them where that subset holds them whole, else as "
    "`parametersJsonSchema`",
)
_FLOAT_ARGUMENTS = Difference(
    Reason.LOSES_DATA,
    "passes a call's arguments through a protobuf Struct, so every integer becomes a "
    "float in `additional_kwargs['function_call']['arguments']` (`1` -> `1.0`; above "
    "2**53 wrong digits)",
    "a call's `additional_kwargs['function_call']['arguments']` keeps the model's numbers",
)
_FINISH = Difference(
    Reason.LOSES_DATA,
    "puts `FINISH_REASON_UNSPECIFIED` on every stream chunk before the last, so adding "
    'the chunks up gives `FINISH_REASON_UNSPECIFIEDSTOP`, which no `== "STOP"` check '
    "matches",
    "a merged stream's `finish_reason` is the reply's (`STOP`)",
)
_THOUGHT_TOKENS = Difference(
    Reason.LOSES_DATA,
    "leaves thinking tokens out of `output_tokens` while `total_tokens` keeps them: its "
    "cost accounting undercounts thinking models",
    "`usage_metadata['output_tokens']` counts the thinking tokens (billed as output; "
    "`output_token_details['reasoning']` says how many), as langchain-google-genai does",
)


DIFFERENCES["structured_json_mode"] = (_SCHEMAS, _full_json_schema)
# The tools' parameters (all the OpenAPI subset holds) are declared alike; the calls'
# arguments are not.
for _name in (
    "tool_call_invoke",
    "tool_call_stream",
    "tool_choice_any",
    "tool_choice_named",
    "tool_choice_invocation_params",
    "structured_default",
    "tool_choice_auto_stream",
    "structured_include_raw",
    "openai_format_tool",
):
    DIFFERENCES[_name] = (_FLOAT_ARGUMENTS, _float_arguments)


def _their_pydantic_titles(outcome: Outcome) -> Outcome:
    """`_float_arguments`, and their declaration read without what its function's
    pydantic schema adds (its title, description and each argument's title): bound
    beside a built-in tool, langchain-google-vertexai declares the function from its
    `args_schema`, not from `convert_to_openai_tool`'s dict (it refuses the built-in
    one). Not yet the same: chatplex declares it from the dict, as for every function
    bound alone."""
    theirs, ours, their_requests, our_requests = _float_arguments(outcome)
    [tool] = their_requests[0]["body"]["tools"]
    parameters = tool["functionDeclarations"][0]["parameters"]
    assert parameters.pop("title") == "add" and parameters.pop("description")
    assert {p.pop("title") for p in parameters["properties"].values()} == {"A", "B"}
    return theirs, ours, their_requests, our_requests


DIFFERENCES["builtin_search_with_function"] = (_FLOAT_ARGUMENTS, _their_pydantic_titles)


def _tool_output_as_sent(outcome: Outcome) -> Outcome:
    """Their tool result (the text "3.0": the tool summed the float arguments they read)
    read as ours ("3"), both sent as langchain-google-vertexai sends a text result."""
    theirs, ours, their_requests, our_requests = outcome
    _float_arguments(outcome)
    their_part = their_requests[0]["body"]["contents"][2]["parts"][0]["functionResponse"]
    our_part = our_requests[0]["body"]["contents"][2]["parts"][0]["functionResponse"]
    assert their_part["response"] == {"content": "3.0"} and our_part["response"] == {"content": "3"}
    their_part["response"] = our_part["response"]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["tool_round_trip"] = (
    (
        _FLOAT_ARGUMENTS,
        Difference(
            Reason.LOSES_DATA,
            "reads the call's integer arguments through a protobuf Struct as floats (1.0 "
            'and 2.0), so the tool returns and sends the text "3.0": the model reads a '
            "value its own arguments never gave",
            "the call keeps the model's integers and the tool's result (\"3\") goes as "
            'langchain-google-vertexai sends a text result, `{"content": "3"}`',
        ),
    ),
    _tool_output_as_sent,
)


def _async_works(outcome: Outcome) -> Outcome:
    """Their crash read as our reply: the same request went out, the reply was lost."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"crashed": True} and ours["content"] == "Hello there, friend."
    return ours, ours, their_requests, our_requests


def _run_their_async(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    def run(cls: Any, url: str) -> Any:
        if cls is OurChat:
            return script(cls, url)
        with pytest.raises(TypeError, match="can't be used in 'await' expression"):
            script(cls, url)
        return {"crashed": True}

    return run


SCRIPTS["ainvoke_text"] = (vertex_replies(), _run_their_async(GEMINI.ainvoke_text))
DIFFERENCES["ainvoke_text"] = (
    Difference(
        Reason.RAISES,
        'with `api_transport="rest"`, `ainvoke` and `astream` raise a TypeError once the '
        "reply is in (the aiplatform REST client's result is not awaitable): the call is "
        "made and billed, its reply lost",
        "`ainvoke` and `astream` work over REST",
    ),
    _async_works,
)


def _without(*paths: tuple[str, ...]) -> Callable[[Outcome], Outcome]:
    """Our result read without the fields at `paths` (each checked to be there)."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for path in paths:
            holder = ours
            for key in path[:-1]:
                holder = holder[key]
            assert holder.pop(path[-1]) is not None
        return theirs, ours, their_requests, our_requests

    return read


DIFFERENCES["blocked_prompt"] = (
    Difference(
        Reason.LOSES_DATA,
        "returns an empty message with no reason: a script cannot tell a blocked prompt "
        "from an empty answer",
        "a blocked prompt's reply says why in `response_metadata['prompt_feedback']` "
        "(`block_reason`), as chatplex's ChatGoogleGenerativeAI",
    ),
    _without(("response_metadata", "prompt_feedback")),
)


def _sent_by_us(*keys: str) -> Callable[[Outcome], Outcome]:
    """Our request read without `generationConfig` fields they drop."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for request in our_requests:
            config = request["body"]["generationConfig"]
            for key in keys:
                assert config.pop(key) is not None
        return theirs, ours, their_requests, our_requests

    return read


DIFFERENCES["sampling_settings"] = (
    Difference(
        Reason.LOSES_DATA,
        "accepts `presence_penalty` and `frequency_penalty` and silently leaves them out "
        "of the request",
        "`presence_penalty` and `frequency_penalty` are sent",
    ),
    _sent_by_us("presencePenalty", "frequencyPenalty"),
)


def _data_url_type(outcome: Outcome) -> Outcome:
    """Their image part's MIME type (image/jpeg for a PNG data URL) read as ours."""
    theirs, ours, their_requests, our_requests = outcome
    part = their_requests[0]["body"]["contents"][0]["parts"][1]["inlineData"]
    assert part["mimeType"] == "image/jpeg"
    part["mimeType"] = "image/png"
    return theirs, ours, their_requests, our_requests


DIFFERENCES["image_data_url"] = (
    Difference(
        Reason.LOSES_DATA,
        "sends a PNG data URL's image labelled `image/jpeg`",
        "a data URL's image goes with the MIME type the URL names (`image/png`)",
    ),
    _data_url_type,
)


def _finish_word(outcome: Outcome) -> Outcome:
    """Their merged stream's finish reason (the words of every chunk run together) read
    as ours."""
    theirs, ours, their_requests, our_requests = outcome
    meta = theirs["merged"]["response_metadata"]
    assert meta["finish_reason"] == "FINISH_REASON_UNSPECIFIEDSTOP"
    meta["finish_reason"] = "STOP"
    return theirs, ours, their_requests, our_requests


DIFFERENCES["stream_text"] = (_FINISH, _finish_word)


def _thoughts_counted(outcome: Outcome) -> Outcome:
    """Our output tokens read without the thinking tokens they leave out."""
    theirs, ours, their_requests, our_requests = outcome
    usage = ours["usage_metadata"]
    assert usage["output_tokens"] == theirs["usage_metadata"]["output_tokens"] + 20
    usage["output_tokens"] -= 20
    return theirs, ours, their_requests, our_requests


DIFFERENCES["thinking_invoke"] = (_THOUGHT_TOKENS, _thoughts_counted)


def _invoked_stream_finish(outcome: Outcome) -> Outcome:
    """As _finish_word, for the message `invoke` adds up from the stream."""
    theirs, ours, their_requests, our_requests = outcome
    _stream_finish_words(theirs)
    return theirs, ours, their_requests, our_requests


DIFFERENCES["streaming_flag"] = (_FINISH, _invoked_stream_finish)


def _chunk_finish_words(outcome: Outcome) -> Outcome:
    """As _finish_word, for the stream's generation_info a handler reads: their chunks'
    `FINISH_REASON_UNSPECIFIED` left out, their merged generation's words read as ours."""
    theirs, ours, their_requests, our_requests = outcome
    *tokens, (_, info, _) = theirs["stream"]
    for _, _, piece in tokens:
        if piece and piece.get("finish_reason") == "FINISH_REASON_UNSPECIFIED":
            del piece["finish_reason"]
    assert info["finish_reason"] == "FINISH_REASON_UNSPECIFIEDSTOP"
    info["finish_reason"] = "STOP"
    return theirs, ours, their_requests, our_requests


DIFFERENCES["generation_info_seen"] = (_FINISH, _chunk_finish_words)


def _image_apart(outcome: Outcome) -> Outcome:
    """Our tool result's image part and text response read as their one response of the
    blocks' fields run together, once each is seen."""
    theirs, ours, their_requests, our_requests = outcome
    [their_turn] = [c for c in their_requests[0]["body"]["contents"] if c["role"] == "user"][-1:]
    [our_turn] = [c for c in our_requests[0]["body"]["contents"] if c["role"] == "user"][-1:]
    run_together = {"type": "textimage", "text": "The chart:", "base64": PNG}
    assert their_turn["parts"][0]["functionResponse"]["response"] == {
        **run_together,
        "mime_type": "image/png",
    }
    image, answer, question = our_turn["parts"]
    assert image == {"inlineData": {"mimeType": "image/png", "data": PNG}}
    assert answer["functionResponse"]["response"] == {"type": "text", "text": "The chart:"}
    our_turn["parts"] = their_turn["parts"]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["tool_result_image"] = (
    Difference(
        Reason.LOSES_DATA,
        "a tool result holding an image (a text block and an image block) goes as one "
        "`functionResponse.response` of the blocks' fields run together (`'type': "
        "'textimage'`, the image's base64 as a text field): the model never sees the "
        "image; an `image_url` block there raises TypeError",
        "the image goes as an `inlineData` part beside the function's response, as "
        "langchain-google-genai sends it, and the text as the response",
    ),
    _image_apart,
)


def _stream_finish_words(merged_message: Any) -> None:
    meta = merged_message["response_metadata"]
    assert meta["finish_reason"].endswith("STOP") and meta["finish_reason"] != "STOP"
    meta["finish_reason"] = "STOP"


def _thinking_stream(outcome: Outcome) -> Outcome:
    """Their merged stream read as ours: the finish words joined, thinking tokens left
    out."""
    theirs, ours, their_requests, our_requests = outcome
    _stream_finish_words(theirs)
    assert ours["usage_metadata"]["output_tokens"] == theirs["usage_metadata"]["output_tokens"] + 20
    ours["usage_metadata"]["output_tokens"] -= 20
    return theirs, ours, their_requests, our_requests


DIFFERENCES["thinking_stream"] = ((_FINISH, _THOUGHT_TOKENS), _thinking_stream)


def _usage_once(outcome: Outcome) -> Outcome:
    """Our second candidate read with the reply's usage LangChain copies onto it."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours[0][1]["usage_metadata"] is None
    ours[0][1]["usage_metadata"] = ours[0][0]["usage_metadata"]
    return theirs, ours, their_requests, our_requests


DIFFERENCES["two_candidates"] = (
    Difference(
        Reason.LOSES_DATA,
        "copies the whole reply's usage onto every candidate when n > 1: adding up the "
        "generations' usage (as callbacks and cost trackers do) counts the call n times",
        "with n > 1 the usage is on the first candidate only, as chatplex's ChatGoogleGenerativeAI",
    ),
    _usage_once,
)


DIFFERENCES["negative_candidates"] = (
    Difference(
        Reason.REJECTED,
        "builds with `n=-1` and sends `candidateCount: -1`, which Vertex AI refuses "
        "(400: the candidate count must be positive)",
        "the constructor refuses `n` below 1 with a pydantic ValidationError, before any request",
    ),
    negative_candidates_refused,
)


def _empty_turn_merged(outcome: Outcome) -> Outcome:
    """Their request with the blank assistant turn as a model turn of no parts, ours with
    the two user turns around it as one (the rest the same): read as theirs once both
    are checked."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    hi, blank, question = their_request["body"]["contents"]
    assert blank["role"] == "model" and not blank.get("parts"), blank
    merged_turn = {"role": "user", "parts": [*hi["parts"], *question["parts"]]}
    assert our_request["body"]["contents"] == [merged_turn], our_request
    return theirs, ours, their_requests, [their_request]


DIFFERENCES["empty_ai_turn"] = (
    Difference(
        Reason.REJECTED,
        "sends an assistant turn of no text (`AIMessage('')`) as a model turn with no "
        "parts, which Vertex AI refuses (400: a content must include at least one part)",
        "the blank assistant turn is left out and the user turns around it are sent as "
        "one, as langchain-google-vertexai joins consecutive user turns",
    ),
    _empty_turn_merged,
)


def _per_call_sent(outcome: Outcome) -> Outcome:
    """Our three requests read without the setting each call gave (its schema, maximum
    and thinking level, once each, as given), beside their four without any; our refusal
    of the misspelt keyword, before any request, read as their reply of a request like
    the plain ones."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours["misspelt"] == {"refused": "SettingRefused"}, ours["misspelt"]
    ours = {**ours, "misspelt": theirs["misspelt"]}
    given = {
        "responseJsonSchema": sum_schema(),
        "maxOutputTokens": 5,
        "thinkingConfig": {"thinkingLevel": "LOW"},
    }
    for key, value in given.items():
        sent = [r["body"]["generationConfig"].pop(key, None) for r in our_requests]
        assert sent.count(value) == 1 and sent.count(None) == len(sent) - 1, (key, sent)
    plain = [r for r in our_requests if "responseMimeType" not in r["body"]["generationConfig"]]
    assert len(their_requests) == 4 and len(our_requests) == 3 and plain
    return theirs, ours, their_requests, in_order([*our_requests, plain[0]])


DIFFERENCES["per_call_settings"] = (
    Difference(
        Reason.LOSES_DATA,
        "silently leaves out of the request a setting given to one call that its "
        "generation config does not list: a JSON schema (`response_json_schema`), "
        "`max_tokens`, `thinking_level`, and a misspelt keyword (`temprature=0.2`) alike: "
        "the model answers without the schema, the limit or the thinking level asked",
        "`response_json_schema`, `max_tokens` and `thinking_level` given to a call are sent "
        "(`responseJsonSchema`, `maxOutputTokens`, `thinkingConfig.thinkingLevel`), as "
        "langchain-google-genai sends them; a keyword no setting has raises TypeError "
        "(`SettingRefused`) before any request",
    ),
    _per_call_sent,
)


def _any_of_the_declared(outcome: Outcome) -> Outcome:
    """Their forced call of a function named "required" read as our choice of any
    declared function, once each is seen."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    their_config = their_request["body"]["toolConfig"]["functionCallingConfig"]
    our_config = our_request["body"]["toolConfig"]["functionCallingConfig"]
    assert their_config == {"mode": "ANY", "allowedFunctionNames": ["required"]}, their_config
    assert our_config == {"mode": "ANY", "allowedFunctionNames": ["add", "mul"]}, our_config
    our_request["body"]["toolConfig"] = their_request["body"]["toolConfig"]
    _float_arguments(outcome)
    return theirs, ours, their_requests, our_requests


DIFFERENCES["tool_choice_required"] = (
    (
        Difference(
            Reason.REJECTED,
            "sends tool_choice='required' as a function of that name "
            "(`allowedFunctionNames: ['required']`), which no declaration has: Vertex "
            "AI refuses a name that matches no declared function",
            "'required' is sent as a choice of any declared function (`mode: ANY` with "
            "every declared name), as langchain-google-genai sends it",
        ),
        _FLOAT_ARGUMENTS,
    ),
    _any_of_the_declared,
)


#: The aiplatform REST transport's framing, the same request on the wire as chatplex's:
#: its query asks for JSON replies with enums as numbers (`$alt=json;enum-encoding=int`),
#: chatplex's for a stream as server-sent events (`alt=sse`); taken off the path.
_FRAMING = ("?%24alt=json%3Benum-encoding%3Dint", "?alt=sse")

#: Proto enums the REST transport sends as numbers (`enum-encoding=int`), read as their
#: names (Vertex AI takes either): `Type` of a schema, `Mode` of function calling, a
#: safety setting's `HarmCategory` and `HarmBlockThreshold`, code execution's `Language`
#: and `Outcome`.
_ENUM_NAMES = {
    "type": {1: "STRING", 2: "NUMBER", 3: "INTEGER", 4: "BOOLEAN", 5: "ARRAY", 6: "OBJECT"},
    "mode": {1: "AUTO", 2: "ANY", 3: "NONE", 4: "VALIDATED"},
    "language": {1: "PYTHON"},
    "outcome": {1: "OUTCOME_OK", 2: "OUTCOME_FAILED", 3: "OUTCOME_DEADLINE_EXCEEDED"},
}


def _enum_names(value: Any) -> Any:
    if isinstance(value, dict) and isinstance(value.get("category"), int):
        value = {
            **value,
            "category": vertex_partner.HarmCategory(value["category"]).name,
            "threshold": vertex_partner.HarmBlockThreshold(value["threshold"]).name,
        }
    if isinstance(value, dict):
        return {
            k: _ENUM_NAMES[k].get(v, v)
            if k in _ENUM_NAMES and isinstance(v, int)
            else _enum_names(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_enum_names(v) for v in value]
    return value


def _comparable_body(body: Any) -> Any:
    """The body as the server reads it: enums by name; `systemInstruction`'s role
    (which the server ignores; langchain-google-vertexai writes "system") left out."""
    body = _enum_names(body)
    if isinstance(body, dict) and body.get("generationConfig") == {}:
        body = {k: v for k, v in body.items() if k != "generationConfig"}  # absent alike
    system = body.get("systemInstruction") if isinstance(body, dict) else None
    if isinstance(system, dict):
        body = {**body, "systemInstruction": {k: v for k, v in system.items() if k != "role"}}
    return body


def _comparable_request(seen: Seen) -> Any:
    """A request as the server reads it: method, path (without the framing query),
    the headers it reads, the body."""
    headers = {k: v for k, v in seen.headers.items() if k in READ_HEADERS}
    path = seen.path
    for query in _FRAMING:
        path = path.removesuffix(query)
    body = _comparable_body(seen.body)
    return {"method": seen.method, "path": path, "headers": headers, "body": body}


def _comparable_result(value: Any) -> Any:
    """The observed result, with an error read as a script reads it: the classes users
    catch, the attributes they read and the text it prints."""
    if isinstance(value, dict) and set(value) == {"error"}:
        err = value["error"]
        out: dict[str, Any] = instance_of(
            err,
            api_core_errors.GoogleAPICallError,
            api_core_errors.ClientError,
            api_core_errors.ServerError,
        )
        out["class"] = next(
            (c.__name__ for c in type(err).__mro__ if c.__module__ == api_core_errors.__name__),
            type(err).__name__,
        )
        for name in ("code", "message", "reason", "domain", "details", "errors"):
            out[name] = getattr(err, name, None)
        # (api-core's `code` is an HTTPStatus: its `phrase` and `name` are read too)
        out["code_repr"] = repr(out["code"])
        out["str"] = str(err)
        return out
    return observe(value)


SUITE = Suite(
    SCRIPTS,
    vertex_partner.ChatVertexAI,
    OurChat,
    DIFFERENCES,
    result=_comparable_result,
    request=_comparable_request,
)
test_same_as_langchain_google_vertexai = SUITE.same_test()
test_at_least_25_scripts = SUITE.tables_test()
