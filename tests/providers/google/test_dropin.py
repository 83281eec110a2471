"""ChatGoogleGenerativeAI and init_chat_model("google_genai:...") end to end over an
httpx MockTransport answering as Gemini does (sync and async)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from _corpus import load_cases
from pydantic import BaseModel

from chatplex import init_chat_model
from chatplex.errors import APIError
from chatplex.errors import RateLimitError
from chatplex.providers.google import dropin
from tests.providers.google._gemini_fake import KEY
from tests.providers.google._gemini_fake import ChatGoogleGenerativeAI
from tests.providers.google._gemini_fake import ChatVertexAI
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import genai
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google._gemini_fake import sends_a_legacy_call
from tests.providers.google._gemini_fake import stops_sent


def test_langchain_parameters_become_the_gemini_body() -> None:
    server = Gemini()
    model = genai(
        server,
        temperature=0.3,
        max_output_tokens=100,
        top_k=4,
        n=2,
        thinking_budget=256,
        include_thoughts=True,
        safety_settings=[{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
    )
    assert model.invoke("Hi").text == "Hello from Gemini"
    body = server.body()
    assert body["generationConfig"] == {
        "temperature": 0.3,
        "maxOutputTokens": 100,
        "topK": 4,
        "candidateCount": 2,
        # as google-genai writes its ThinkingConfig (field names, in its order)
        "thinkingConfig": {"include_thoughts": True, "thinking_budget": 256},
    }
    assert list(body["generationConfig"]["thinkingConfig"]) == [
        "include_thoughts",
        "thinking_budget",
    ]
    assert body["safetySettings"][0]["threshold"] == "BLOCK_NONE"
    assert server.requests[0].headers["x-goog-api-key"] == KEY
    assert KEY not in repr(model)


def test_stop_sequences_is_the_stop_a_calls_stop_replaces() -> None:
    # langchain-google-genai's `stop` field takes `stop_sequences` as its alias; the
    # drop-in sent it as a body field, over a call's stop (sync and async alike).
    server = Gemini()
    model = genai(server, stop_sequences=["END"])
    assert stops_sent(server, model) == [["END"], ["HALT"], ["HALT"]]


def test_stream_and_async_paths_give_the_same_message() -> None:
    server = Gemini([{"text": "Hel"}, {"text": "lo"}])
    model = genai(server)
    chunks = list(model.stream("Hi"))
    assert "".join(c.text for c in chunks) == "Hello"
    assert server.requests[-1].url.params["alt"] == "sse"
    invoked = model.invoke("Hi")
    assert asyncio.run(model.ainvoke("Hi")) == invoked

    async def astream() -> str:
        return "".join([c.text async for c in model.astream("Hi")])

    assert asyncio.run(astream()) == "Hello"


def test_stream_usage_is_warned_of_and_changes_nothing_as_langchain_google_genai(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # langchain-google-genai has no such field: it logs, LangChain warns that it moved
    # it to model_kwargs, and a stream keeps its usage (sync and async).
    server = Gemini([{"text": "Hel"}, {"text": "lo"}])
    with pytest.warns(UserWarning, match="stream_usage is not default parameter") as seen:
        model = genai(server, stream_usage=False)
    assert [w.filename for w in seen] == [__file__]
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        (
            "langchain_google_genai.chat_models",
            "Unexpected argument 'stream_usage' provided to ChatGoogleGenerativeAI. "
            "Did you mean: 'streaming'?",
        )
    ]
    assert any(c.usage_metadata is not None for c in model.stream("Hi"))

    async def ausage() -> list[Any]:
        return [c.usage_metadata async for c in model.astream("Hi")]

    assert any(u is not None for u in asyncio.run(ausage()))
    assert model.stream_usage is True


def test_logprobs_given_to_the_class_are_warned_of_and_not_sent_as_langchain_google_genai(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Fields langchain-google-genai does not have: it logs each, LangChain warns that it
    # moved each to model_kwargs, and neither is sent (sync and async); a call's own
    # logprobs=True goes into generationConfig, as there.
    server = Gemini()
    with pytest.warns(UserWarning) as seen:
        model = genai(server, top_logprobs=2, logprobs=True, response_logprobs=True)
    assert [str(w.message).split(" is not")[0] for w in seen] == [
        "WARNING! top_logprobs",
        "WARNING! logprobs",
        "WARNING! response_logprobs",
    ]
    assert [w.filename for w in seen] == [__file__] * 3
    assert [r.getMessage() for r in caplog.records] == [
        f"Unexpected argument '{name}' provided to ChatGoogleGenerativeAI.{hint}"
        for name, hint in (
            ("top_logprobs", ""),
            ("logprobs", ""),
            ("response_logprobs", " Did you mean: 'response_schema'?"),
        )
    ]
    model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    sent = [server.requests[i].content for i in (0, 1)]
    assert sent[0] == sent[1] and b"ogprobs" not in sent[0]
    genai(server).invoke("Hi", logprobs=True)
    assert b'"logprobs":1}' in server.requests[-1].content  # a number, as the SDK sends it


def test_tool_calls_round_trip() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return "sunny"

    call = {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}
    server = Gemini([call])
    model = genai(server).bind_tools([get_weather], tool_choice="get_weather")
    reply = model.invoke("Weather in Paris?")
    assert reply.tool_calls[0]["name"] == "get_weather"
    assert reply.tool_calls[0]["args"] == {"city": "Paris"}
    body = server.body()
    assert body["toolConfig"]["functionCallingConfig"]["allowedFunctionNames"] == ["get_weather"]
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "get_weather"


def test_structured_output_asks_for_a_json_schema() -> None:
    class Person(BaseModel):
        name: str
        born: int

    server = Gemini([{"text": '{"name": "Ada", "born": 1815}'}])
    person = genai(server).with_structured_output(Person).invoke("Who is Ada?")
    assert person == Person(name="Ada", born=1815)
    config = server.body()["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["properties"]["born"]["type"] == "integer"


def test_init_chat_model_reaches_gemini() -> None:
    server = Gemini()
    model = init_chat_model(
        "google_genai:gemini-2.5-flash", api_key=KEY, http_client=server.client(), top_k=2
    )
    assert model.invoke("Hi").usage_metadata["total_tokens"] == 8  # type: ignore[index]
    # langchain-google-genai's defaults, which its spec declares (`init_defaults`).
    assert server.body()["generationConfig"] == {"topK": 2, "temperature": 0.7, "candidateCount": 1}
    assert "gemini-2.5-flash:generateContent" in str(server.requests[0].url)
    assert model.get_name() == "ChatGoogleGenerativeAI"


def test_a_stream_whose_200_body_is_the_error_raises_it_typed() -> None:
    """A stream request answered 200 with Gemini's error payload as its whole body (JSON
    written on lines, no events): a typed error with Google's status, code, message and
    the request id, streamed or awaited; never an empty reply."""
    payload = {"error": {"code": 400, "message": "Bad field.", "status": "INVALID_ARGUMENT"}}
    body = json.dumps(payload, indent=2).encode()

    def answer(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "x-request-id": "rq-9"}
        return httpx.Response(200, content=body, headers=headers)

    async def streamed_async(model: Any) -> list[Any]:
        return [chunk async for chunk in model.astream("Hi")]

    for run in (lambda m: list(m.stream("Hi")), lambda m: asyncio.run(streamed_async(m))):
        model = init_chat_model(
            "google_genai:gemini-2.5-flash",
            api_key=KEY,
            max_retries=0,
            http_client=httpx.Client(transport=httpx.MockTransport(answer)),
            http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(answer)),
        )
        with pytest.raises(APIError) as caught:
            run(model)
        err = caught.value
        assert (err.error_type, err.code, err.message) == ("INVALID_ARGUMENT", 400, "Bad field.")
        assert err.request_id == "rq-9" and err.body == payload


def test_typed_errors_reach_the_caller() -> None:
    with pytest.raises(RateLimitError):
        genai(Gemini(status=429)).invoke("Hi")
    blocked = Gemini()
    blocked.parts = []
    model = genai(blocked)
    original = blocked.response

    def refused() -> dict[str, Any]:
        data = original()
        data["candidates"][0]["finishReason"] = "PROHIBITED_CONTENT"
        return data

    blocked.response = refused  # type: ignore[method-assign]
    # As langchain-google-genai: a withheld reply is an empty message saying why.
    reply = model.invoke("Hi")
    assert reply.content == "" and reply.response_metadata["finish_reason"] == "PROHIBITED_CONTENT"


def test_unknown_and_refused_keywords_are_type_errors() -> None:
    with pytest.raises(TypeError, match="did you mean 'top_k'"):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, topk=3)
    with pytest.raises(TypeError, match="tuned models are named by model="):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, tuned_model_name="t")
    with pytest.raises(TypeError, match="REST"):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, transport="grpc")
    ChatGoogleGenerativeAI(model="m", api_key=KEY, transport="rest")  # the off value
    # client_args build the HTTP clients: not with clients given as well.
    with pytest.raises(TypeError, match="http_client"):
        ChatGoogleGenerativeAI(
            model="m", api_key=KEY, client_args={"verify": False}, http_client=httpx.Client()
        )
    with pytest.raises(TypeError, match="pass one of them"):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, google_api_key="other")
    with pytest.raises(ValueError, match="n must be 1 when streaming"):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, n=2, streaming=True)


def test_an_unknown_call_keyword_is_chatplexs_type_error_outside_langchain() -> None:
    # (the LangChain drop-in raises langchain-google-genai's ValidationError instead:
    # tests/partners/google, unknown_call_keyword)
    server = Gemini()
    model = genai(server)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        model.invoke("Hi", foo=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        asyncio.run(model.ainvoke("Hi", foo=1))
    assert server.requests == []


def test_client_args_build_the_http_clients_sync_and_async() -> None:
    """langchain-google-genai's `client_args` are the keywords of the SDK's httpx clients:
    chatplex's own clients are built with them (here a transport and a header)."""
    server = Gemini()
    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        client_args={"transport": httpx.MockTransport(server.handler), "headers": {"x-a": "1"}},
    )
    model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    assert [r.headers.get("x-a") for r in server.requests] == ["1", "1"]


def test_client_args_hooks_go_to_the_client_that_runs_them() -> None:
    """A script's request hooks in `client_args`: the plain ones run on sync calls, the
    coroutine ones on async calls; neither fails the other kind of call."""
    server = Gemini()
    hooked: list[str] = []

    def note(request: httpx.Request) -> None:
        hooked.append("sync")

    async def anote(request: httpx.Request) -> None:
        hooked.append("async")

    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        client_args={
            "transport": httpx.MockTransport(server.handler),
            "event_hooks": {"request": [note, anote]},
        },
    )
    model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    assert hooked == ["sync", "async"]


def test_client_options_api_endpoint_is_the_base_url() -> None:
    server = Gemini()
    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        client_options={"api_endpoint": "gateway.example"},
        http_client=server.client(),
    )
    model.invoke("Hi")
    assert str(server.requests[0].url).startswith("https://gateway.example/v1beta/models/")


def test_batch_apis_gemini_batch_mode_and_vertex_not_built() -> None:
    from chatplex.batches.submit import batch_api
    from chatplex.providers.google.batch import GeminiBatches

    assert isinstance(batch_api(genai(Gemini())), GeminiBatches)
    vertex = ChatVertexAI(model="gemini-2.5-flash", project="p", credentials=FakeCredentials())
    with pytest.raises(NotImplementedError, match="google_vertexai"):
        batch_api(vertex)


def test_gemini_counts_a_text_with_count_tokens_as_langchain_google_genai() -> None:
    server = Gemini()
    model = genai(server, extra_headers={"x-team": "blue"})
    assert dropin.num_tokens(model, "Say hi") == 4
    request = server.requests[0]
    assert str(request.url) == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens"
    )
    assert request.headers["x-goog-api-key"] == KEY and request.headers["x-team"] == "blue"
    assert server.body() == {"contents": [{"parts": [{"text": "Say hi"}]}]}
    # The drop-in asks it (its record's hook); its messages are counted by langchain-core,
    # one text at a time (no hook of its own for them).
    assert dropin.ChatGoogleGenerativeAI.hooks.num_tokens is dropin.num_tokens


#: A signature as Gemini sends it (base64), on a text part or a function call.
SIGNATURE = "c2lnbmF0dXJl"
#: (the reply's modelVersion, its parts): each answered whole, and streamed a part an event.
REPLY_SHAPES: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "gemini3_text": ("gemini-3-pro-preview", [{"text": "Hel"}, {"text": "lo\n"}]),
    "gemini3_thinking_signed_text": (
        "gemini-3-pro-preview",
        [
            {"text": "Plan.", "thought": True},
            {"text": "Answer", "thoughtSignature": SIGNATURE},
            {"text": " done"},
        ],
    ),
    "gemini3_text_then_call": (
        "gemini-3-flash-preview",
        [
            {"text": "Checking."},
            {
                "functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Paris"}},
                "thoughtSignature": SIGNATURE,
            },
            {"text": "More."},
        ],
    ),
    "gemini3_call_only": (
        "models/gemini-3-pro-preview",
        [{"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Oslo"}}}],
    ),
    "gemini3_empty": ("gemini-3-pro-preview", [{"text": ""}]),
    "gemini25_text": ("gemini-2.5-flash", [{"text": "Hello\n"}]),
    "gemini25_two_texts": ("gemini-2.5-flash", [{"text": "Hel"}, {"text": ""}, {"text": "lo"}]),
    "gemini25_thoughts_and_texts": (
        "gemini-2.5-flash",
        [
            {"text": "First, ", "thought": True},
            {"text": "then.", "thought": True},
            {"text": "A"},
            {"text": "B", "thoughtSignature": SIGNATURE},
        ],
    ),
    "gemini25_thinking_then_call": (
        "gemini-2.5-flash",
        [
            {"text": "Plan.", "thought": True},
            {"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Rome"}}},
        ],
    ),
}


def _shape_transport(version: str, parts: list[dict[str, Any]]) -> httpx.MockTransport:
    """Gemini answering `parts`: whole, or one event a part (the finish on the last)."""

    def reply(some: list[dict[str, Any]], finish: bool) -> dict[str, Any]:
        candidate: dict[str, Any] = {"content": {"role": "model", "parts": some}, "index": 0}
        if finish:
            candidate["finishReason"] = "STOP"
        usage = {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5}
        return {"candidates": [candidate], "modelVersion": version, "usageMetadata": usage}

    events = [reply([part], i == len(parts) - 1) for i, part in enumerate(parts)]
    lines = b"".join(b"data: " + json.dumps(e).encode() + b"\r\n\r\n" for e in events)
    return _answering(json.dumps(reply(parts, True)).encode(), lines)


def _answering(whole: bytes, events: bytes) -> httpx.MockTransport:
    """A server answering `whole` (JSON) and a stream with `events` (server-sent)."""

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("alt") != "sse":
            return httpx.Response(200, content=whole, headers={"content-type": "application/json"})
        return httpx.Response(200, content=events, headers={"content-type": "text/event-stream"})

    return httpx.MockTransport(handler)


def _shapes_read(
    cls: Any, model_name: str, transport: httpx.MockTransport, **settings: Any
) -> dict[str, Any]:
    """What `cls` gives for the reply: invoked and streamed, sync and async (content,
    tool calls and chunks, additional_kwargs; each chunk and the merged stream). Tool
    calls Gemini sent without an id are compared by name, arguments and index (the
    partner draws random ids)."""
    model = cls(
        model=model_name,
        api_key="k",
        client_args={"transport": transport},
        max_retries=0,
        **settings,
    )

    def seen(message: Any) -> dict[str, Any]:
        fields = ("content", "additional_kwargs", "tool_calls", "tool_call_chunks")
        out = {name: getattr(message, name, None) for name in fields}
        # The scripted replies' own call id is "c1"; any other is drawn per call (the
        # partner's uuid4 may itself start with "c1": compared whole, not by prefix).
        if any(call["id"] != "c1" for call in out["tool_calls"] or ()):
            out["tool_calls"] = [(c["name"], c["args"]) for c in out["tool_calls"]]
            out["additional_kwargs"] = sorted(out["additional_kwargs"])
        if any(call["id"] != "c1" for call in out["tool_call_chunks"] or ()):
            chunks = out["tool_call_chunks"]
            out["tool_call_chunks"] = [(c["name"], c["args"], c["index"]) for c in chunks]
        return out

    def merged(chunks: list[Any]) -> dict[str, Any]:
        whole = chunks[0]
        for chunk in chunks[1:]:
            whole = whole + chunk
        return {"chunks": [seen(c) for c in chunks], "merged": seen(whole)}

    async def both() -> tuple[Any, list[Any]]:
        return await model.ainvoke("Hi"), [c async for c in model.astream("Hi")]

    ainvoked, astreamed = asyncio.run(both())
    return {
        "invoked": seen(model.invoke("Hi")),
        "streamed": merged(list(model.stream("Hi"))),
        "ainvoked": seen(ainvoked),
        "astreamed": merged(astreamed),
    }


@pytest.mark.parametrize("output_version", [None, "v1"])
@pytest.mark.parametrize("shape", sorted(REPLY_SHAPES))
def test_reply_content_is_langchain_google_genais_gemini_3_a_list_always(
    shape: str, output_version: str | None
) -> None:
    # langchain-google-genai reads a reply whose modelVersion is Gemini 3 or later with
    # its content a list of blocks always ([] when empty, a tool-call reply's too), its
    # stream's blocks and tool calls indexed by one counter, a whole reply's text
    # without its trailing newlines; Gemini 2.x keeps its str, a whole reply's parts side
    # by side (two texts: two str). Both classes read the same replies through the same
    # transport (and langchain-core's v1 content alike).
    partner = pytest.importorskip("langchain_google_genai")
    from chatplex.langchain import ChatGoogleGenerativeAI as Ours

    version, parts = REPLY_SHAPES[shape]
    name = version.rsplit("/", 1)[-1]
    given = {"output_version": output_version} if output_version else {}
    transport = _shape_transport(version, parts)
    theirs = _shapes_read(partner.ChatGoogleGenerativeAI, name, transport, **given)
    assert _shapes_read(Ours, name, transport, **given) == theirs
    listed = isinstance(theirs["invoked"]["content"], list)
    # a list: Gemini 3, several parts side by side (texts too), v1 content; one text a str
    assert listed == ("gemini-3" in version or len(parts) > 1 or bool(given))


#: Gemini 3 replies recorded from the real API (tests/wire-corpus): each answered whole
#: and as its recorded stream.
RECORDED_GEMINI_3 = {
    kind: [
        c
        for c in load_cases({"google_genai"})
        if c.status == 200 and c.kind == kind and b'"gemini-3' in c.body
    ]
    for kind in ("json", "sse")
}


@pytest.mark.parametrize("case", RECORDED_GEMINI_3["json"], ids=lambda c: c.name)
def test_recorded_gemini_3_replies_read_as_langchain_google_genai_reads_them(case: Any) -> None:
    partner = pytest.importorskip("langchain_google_genai")
    from chatplex.langchain import ChatGoogleGenerativeAI as Ours

    streams = RECORDED_GEMINI_3["sse"]
    assert streams, "the corpus holds Gemini 3 streams"
    for stream in streams:
        transport = _answering(case.body, stream.body)
        theirs = _shapes_read(partner.ChatGoogleGenerativeAI, "gemini-3-flash-preview", transport)
        ours = _shapes_read(Ours, "gemini-3-flash-preview", transport)
        assert ours == theirs
        assert isinstance(ours["invoked"]["content"], list)


def test_a_gemini_3_reply_is_listed_by_the_partners_class_alone() -> None:
    # chatplex.langchain's init_chat_model("google_genai:...") is ChatGoogleGenerativeAI,
    # as LangChain's is: its rule holds there. chatplex's own init_chat_model builds its
    # model over the adapter, which keeps the reply's text one str (test_adapter.py).
    import chatplex.langchain

    version, parts = REPLY_SHAPES["gemini3_text"]
    settings: dict[str, Any] = {"api_key": "k", "max_retries": 0}
    client = httpx.Client(transport=_shape_transport(version, parts))
    name = "google_genai:gemini-3-pro-preview"
    model = chatplex.langchain.init_chat_model(name, http_client=client, **settings)
    assert model.invoke("Hi").content == [
        {"type": "text", "text": "Hel"},
        {"type": "text", "text": "lo"},
    ]
    assert [c.content for c in model.stream("Hi")] == [
        [{"type": "text", "text": "Hel", "index": 0}],
        [{"type": "text", "text": "lo\n", "index": 0}],
        [],  # the closing chunk, of the stream's kind of content
    ]
    own = init_chat_model(name, http_client=client, **settings)
    assert own.invoke("Hi").content == "Hello\n"


def _replayed(provider: str | None) -> list[Any]:
    """A Gemini 3 exchange replayed after its tool ran: every text block signed in its
    `extras`, as langchain-google-genai writes a Gemini 3 reply's text parts."""
    from langchain_core.messages import AIMessage as LCAI
    from langchain_core.messages import HumanMessage as LCHuman
    from langchain_core.messages import SystemMessage as LCSystem
    from langchain_core.messages import ToolMessage as LCTool

    meta = {"model_provider": provider} if provider else {}

    def text(words: str) -> list[str | dict[str, Any]]:
        return [{"type": "text", "text": words, "extras": {"signature": SIGNATURE}}]

    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "c1", "type": "tool_call"}
    return [
        LCSystem(text("Be brief.")),
        LCHuman(text("Weather in Paris?")),
        LCAI(text("Checking."), tool_calls=[call], response_metadata=meta),
        LCTool(text("sunny"), tool_call_id="c1"),
        LCAI(text("It is sunny."), response_metadata=meta),
        # langchain-google-vertexai's spelling, read by langchain-google-genai too
        LCAI(
            [{"type": "text", "text": "Yes.", "thought_signature": SIGNATURE}],
            response_metadata=meta,
        ),
        LCHuman("Thanks"),
    ]


@pytest.mark.parametrize("provider", ["google_genai", None, "openai"])
def test_a_replayed_text_blocks_signature_is_sent_as_langchain_google_genai_sends_it(
    provider: str | None,
) -> None:
    # langchain-google-genai sends a text block's `extras` signature as its part's
    # thoughtSignature (a foreign reply's text unsigned), sync and async alike.
    partner = pytest.importorskip("langchain_google_genai")
    from chatplex.langchain import ChatGoogleGenerativeAI as Ours

    def sent(cls: Any, asynchronous: bool) -> Any:
        server = Gemini()
        transport = httpx.MockTransport(server.handler)
        model = cls(
            model="gemini-3-pro-preview",
            api_key="k",
            client_args={"transport": transport},
            max_retries=0,
        )
        history = _replayed(provider)
        asyncio.run(model.ainvoke(history)) if asynchronous else model.invoke(history)
        body = server.body()
        return body["contents"], body.get("systemInstruction")

    for asynchronous in (False, True):
        theirs = sent(partner.ChatGoogleGenerativeAI, asynchronous)
        assert sent(Ours, asynchronous) == theirs
        signed = [p["text"] for c in theirs[0] for p in c["parts"] if "thoughtSignature" in p]
        native = provider != "openai"
        assert signed == ["Weather in Paris?", *(["Checking.", "It is sunny.", "Yes."] * native)]


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(dropin)
    assert result.attempted >= 2 and result.failed == 0


@pytest.mark.parametrize("choice", ["auto", "none", "any"])
def test_a_tool_choice_with_no_tools_is_refused_as_langchain_google_genai_refuses_it(
    choice: str,
) -> None:
    # The partner binds it and refuses it at the call, before sending; the drop-in too,
    # in its words, sync and async (test_adapter: chatplex's own Gemini model sends it).
    partner = pytest.importorskip("langchain_google_genai")
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"candidates": []})

    transport = httpx.MockTransport(handler)
    words = []
    from chatplex.langchain import ChatGoogleGenerativeAI as Ours

    for cls in (partner.ChatGoogleGenerativeAI, Ours):
        model = cls(model="gemini-2.5-flash", api_key="k", client_args={"transport": transport})
        bound = model.bind_tools([], tool_choice=choice)
        with pytest.raises(ValueError) as raised:
            bound.invoke("Hi")
        words.append(str(raised.value))
    with pytest.raises(ValueError, match="can only be specified if 'tools'"):
        asyncio.run(bound.ainvoke("Hi"))
    assert words[0] == words[1] and sent == []


def test_a_function_message_goes_as_langchain_google_genai_sends_it_sync_and_async() -> None:
    # Its _parse_chat_history: the legacy call (the assistant turn's additional_kwargs)
    # as a functionCall alone, the FunctionMessage as a tool result's functionResponse.
    import chatplex.langchain

    server = Gemini()
    model = chatplex.langchain.ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        google_api_key=KEY,
        http_client=server.client(),
        http_async_client=server.async_client(),
        max_retries=0,
    )
    sends_a_legacy_call(model, server, "Let me look.", {"output": "It is sunny."})
