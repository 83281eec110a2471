"""OTelTracer: spans and metrics per the GenAI semantic conventions, read back with the
OpenTelemetry SDK's in-memory exporter and metric reader, over the mock server on every
wire (Chat Completions, Messages, Responses, Azure, Gemini, Vertex AI, Bedrock Converse,
Ollama), sync and async: invoke, stream, batch, chains, tool calls, errors, retries, and
message content when opted in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.metrics import MeterProvider  # noqa: E402
from opentelemetry.sdk.metrics.export import InMemoryMetricReader  # noqa: E402
from opentelemetry.sdk.trace import ReadableSpan  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind  # noqa: E402
from opentelemetry.trace import StatusCode  # noqa: E402

from chatplex import ChatPromptTemplate  # noqa: E402
from chatplex import StrOutputParser  # noqa: E402
from chatplex.core.tracers import tracers  # noqa: E402
from chatplex.errors import APIStatusError  # noqa: E402
from chatplex.http import retry_policy  # noqa: E402
from chatplex.testing import MockServer  # noqa: E402
from chatplex.tracing.otel import OTelTracer  # noqa: E402
from chatplex.tracing.otel import _finish_reason  # noqa: E402
from chatplex.tracing.otel import instrument  # noqa: E402
from chatplex.tracing.otel import uninstrument  # noqa: E402
from tests._calls import ask
from tests._dropins import engine

from .wires import OPENAI  # noqa: E402, F401
from .wires import WIRES  # noqa: E402, F401
from .wires import Wire  # noqa: E402, F401
from .wires import model_for  # noqa: E402, F401
from .wires import no_aws_files  # noqa: E402, F401

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)


class Otel:
    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.tracer_provider = TracerProvider()
        self.tracer_provider.add_span_processor(SimpleSpanProcessor(self.exporter))
        self.reader = InMemoryMetricReader()
        self.meter_provider = MeterProvider(metric_readers=[self.reader])

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def chat_spans(self) -> list[ReadableSpan]:
        return [s for s in self.spans() if s.name.startswith("chat ")]

    def metrics(self) -> dict[str, list[Any]]:
        data = self.reader.get_metrics_data()
        out: dict[str, list[Any]] = {}
        for resource in data.resource_metrics if data else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    out.setdefault(metric.name, []).extend(metric.data.data_points)
        return out


@pytest.fixture()
def otel() -> Iterator[Otel]:
    sink = Otel()
    instrument(sink.tracer_provider, sink.meter_provider, capture_content=False)
    yield sink
    uninstrument()


def check_chat_span(span: ReadableSpan, wire: Wire, mock: MockServer) -> None:
    attrs = dict(span.attributes or {})
    assert span.name == f"chat {wire.model}"
    assert span.kind is SpanKind.CLIENT
    assert attrs["gen_ai.operation.name"] == "chat"
    assert attrs["gen_ai.provider.name"] == wire.provider
    assert attrs["gen_ai.request.model"] == wire.model
    assert attrs["gen_ai.response.model"] == wire.model
    assert bool(attrs.get("gen_ai.response.id")) is wire.has_response_id
    assert attrs["gen_ai.usage.input_tokens"] > 0 and attrs["gen_ai.usage.output_tokens"] > 0
    assert list(attrs["gen_ai.response.finish_reasons"]) == [wire.text_stop]
    assert attrs["server.address"] == "127.0.0.1" and attrs["server.port"] == mock.port
    assert "gen_ai.input.messages" not in attrs  # content only when opted in


@pytest.mark.parametrize("wire", WIRES, ids=str)
def test_invoke_makes_one_chat_span_and_both_metrics(
    wire: Wire, mock: MockServer, otel: Otel
) -> None:
    model_for(wire, mock, temperature=0.5, max_tokens=50).invoke("hi")
    (span,) = otel.spans()
    check_chat_span(span, wire, mock)
    attrs = dict(span.attributes or {})
    assert attrs["gen_ai.request.temperature"] == 0.5 and attrs["gen_ai.request.max_tokens"] == 50
    metrics = otel.metrics()
    (duration,) = metrics["gen_ai.client.operation.duration"]
    assert duration.count == 1 and duration.sum > 0
    assert duration.attributes["gen_ai.provider.name"] == wire.provider
    tokens = {
        p.attributes["gen_ai.token.type"]: p.sum for p in metrics["gen_ai.client.token.usage"]
    }
    assert tokens["input"] == attrs["gen_ai.usage.input_tokens"]
    assert tokens["output"] == attrs["gen_ai.usage.output_tokens"]


def usage_asked(wire: Wire, mock: MockServer) -> dict[str, Any]:
    """`stream_usage=True` where the class built names the setting (a drop-in's model:
    its LangChain class); the drop-ins built here without it (Vertex AI's, Converse's:
    their partner classes have no such field, and their streams carry usage anyway)
    would warn of it as their partners do."""
    import inspect

    from chatplex.langchain import langchain_class

    built = model_for(wire, mock)
    cls = langchain_class(wire.run_name) if built.partner_words else type(built)
    named = "stream_usage" in inspect.signature(cls).parameters
    return {"stream_usage": True} if named else {}


@pytest.mark.parametrize("wire", WIRES, ids=str)
async def test_async_invoke_and_stream(wire: Wire, mock: MockServer, otel: Otel) -> None:
    # stream_usage=True: a Chat Completions model on a base_url does not ask for stream
    # usage unless told, as langchain-openai's (the span's usage is checked).
    model = model_for(wire, mock, **usage_asked(wire, mock))
    await model.ainvoke("hi")
    chunks = [c async for c in model.astream("hi")]
    assert chunks
    spans = otel.chat_spans()
    assert len(spans) == 2
    for span in spans:
        check_chat_span(span, wire, mock)


@pytest.mark.parametrize("wire", WIRES, ids=str)
def test_sync_stream(wire: Wire, mock: MockServer, otel: Otel) -> None:
    model = model_for(wire, mock, **usage_asked(wire, mock))  # the span's usage is checked
    assert "".join(c.text for c in model.stream("hello")) == "Echo: hello"
    (span,) = otel.spans()
    check_chat_span(span, wire, mock)


@pytest.mark.parametrize("wire", WIRES, ids=str)
@pytest.mark.parametrize("use_async", [False, True])
async def test_batch_is_one_root_span_per_input(
    wire: Wire, use_async: bool, mock: MockServer, otel: Otel
) -> None:
    if use_async:
        await model_for(wire, mock).abatch(["a", "b", "c"])
    else:
        model_for(wire, mock).batch(["a", "b", "c"])
    spans = otel.chat_spans()
    assert len(spans) == 3
    assert {s.context.trace_id for s in spans}.__len__() == 3
    assert all(s.parent is None for s in spans)


@pytest.mark.parametrize("wire", WIRES, ids=str)
async def test_a_chain_is_the_parent_span_of_its_steps(
    wire: Wire, mock: MockServer, otel: Otel
) -> None:
    prompt = ChatPromptTemplate.from_messages([("human", "{q}")])
    chain = prompt | model_for(wire, mock) | StrOutputParser()
    assert await chain.ainvoke({"q": "hi"}) == "Echo: hi"
    spans = {s.name: s for s in otel.spans()}
    root = spans["RunnableSequence"]
    assert root.parent is None and root.kind is SpanKind.INTERNAL
    steps = [n for n in spans if n != "RunnableSequence"]
    assert sorted(steps) == sorted(
        ["ChatPromptTemplate", next(iter(otel.chat_spans())).name, "StrOutputParser"]
    )
    for name in steps:
        assert spans[name].parent is not None
        assert spans[name].parent.span_id == root.context.span_id
    assert dict(spans["StrOutputParser"].attributes or {})["chatplex.run_type"] == "parser"


def test_a_call_inside_an_application_span_nests_under_it(mock: MockServer, otel: Otel) -> None:
    tracer = otel.tracer_provider.get_tracer("app")
    with tracer.start_as_current_span("handle_request") as outer:
        model_for(OPENAI, mock).invoke("hi")
    (chat,) = otel.chat_spans()
    assert chat.parent is not None and chat.parent.span_id == outer.get_span_context().span_id


@pytest.mark.parametrize("wire", WIRES, ids=str)
@pytest.mark.parametrize("use_async", [False, True])
async def test_an_error_sets_error_type_and_status(
    wire: Wire, use_async: bool, mock: MockServer, otel: Otel
) -> None:
    model = model_for(wire, mock, {"x-mock-fault": "status=400"}, max_retries=0)
    with pytest.raises(APIStatusError) as raised:
        await ask(model, not use_async, "hi")
    assert raised.value.status == 400
    (span,) = otel.spans()
    attrs = dict(span.attributes or {})
    assert attrs["error.type"] == "BadRequestError"
    assert span.status.status_code is StatusCode.ERROR
    assert any(e.name == "exception" for e in span.events)
    (duration,) = otel.metrics()["gen_ai.client.operation.duration"]
    assert duration.attributes["error.type"] == "BadRequestError"
    assert "gen_ai.client.token.usage" not in otel.metrics()


@pytest.mark.parametrize("wire", WIRES, ids=str)
@pytest.mark.parametrize("use_async", [False, True])
async def test_retries_are_span_events(
    wire: Wire, use_async: bool, mock: MockServer, otel: Otel
) -> None:
    policy = retry_policy(max_retries=2, initial_delay=0.001, max_delay=0.002, jitter=0.0)
    model = model_for(wire, mock, {"x-mock-fault": "status=503"}, retry_policy=policy)
    with pytest.raises(APIStatusError) as raised:
        await ask(model, not use_async, "hi")
    assert raised.value.status == 503
    (span,) = otel.spans()
    retries = [e for e in span.events if e.name == "gen_ai.client.retry"]
    assert [e.attributes["gen_ai.client.attempt"] for e in retries] == [1, 2]
    assert all(
        e.attributes["error.type"] == "ServiceUnavailableError"
        or e.attributes["error.type"].endswith("Error")
        for e in retries
    )
    assert retries[0].attributes["gen_ai.client.retry_delay"] == pytest.approx(0.001)


def test_stream_retries_are_span_events_too(mock: MockServer, otel: Otel) -> None:
    policy = retry_policy(max_retries=1, initial_delay=0.001, max_delay=0.002, jitter=0.0)
    model = model_for(OPENAI, mock, {"x-mock-fault": "status=503"}, retry_policy=policy)
    with pytest.raises(Exception, match="503"):
        list(model.stream("hi"))
    (span,) = otel.spans()
    assert [e.name for e in span.events].count("gen_ai.client.retry") == 1


def test_rate_limit_waits_are_span_events(mock: MockServer, otel: Otel) -> None:
    from chatplex.http import RateLimit

    # A budget of its own (a key no other test uses): one request in flight.
    model = ChatOpenAI(
        model="rate-limited-model",
        base_url=mock.openai_base_url,
        api_key="k",
        rate_limit=RateLimit(max_in_flight=1),
        default_headers={"x-mock-latency": "0.05"},
    )
    model.batch(["one", "two"])  # one waits for the other's permit (>= 50 ms)
    waits = [e for s in otel.spans() for e in s.events if e.name == "gen_ai.client.rate_limit_wait"]
    assert waits and waits[-1].attributes["gen_ai.client.wait"] > 0


def test_langchain_tools_in_a_chatplex_chain_are_execute_tool_spans(
    mock: MockServer, otel: Otel
) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.tools import tool

    @tool
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    model = model_for(OPENAI, mock).bind_tools([shout])
    chain = model | (lambda message: message.tool_calls[0]["args"]) | shout
    assert chain.invoke("use the tool please") == "X"
    spans = {s.name: s for s in otel.spans()}
    tool_span = spans["execute_tool shout"]
    attrs = dict(tool_span.attributes or {})
    assert attrs["gen_ai.operation.name"] == "execute_tool" and attrs["gen_ai.tool.name"] == "shout"
    assert tool_span.parent is not None
    assert tool_span.parent.span_id == spans["RunnableSequence"].context.span_id


def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


@pytest.fixture()
def otel_with_content() -> Iterator[Otel]:
    sink = Otel()
    instrument(sink.tracer_provider, sink.meter_provider, capture_content=True)
    yield sink
    uninstrument()


@pytest.mark.parametrize("wire", WIRES, ids=str)
@pytest.mark.parametrize("use_async", [False, True])
async def test_a_tool_call_reply(
    wire: Wire, use_async: bool, mock: MockServer, otel_with_content: Otel
) -> None:
    model = model_for(wire, mock).bind_tools([get_weather])
    reply = await ask(model, not use_async, "use the tool please")
    (call,) = reply.tool_calls
    (span,) = otel_with_content.spans()
    attrs = dict(span.attributes or {})
    assert list(attrs["gen_ai.response.finish_reasons"]) == [wire.tool_stop]
    (out,) = json.loads(str(attrs["gen_ai.output.messages"]))
    assert out == {
        "role": "assistant",
        "parts": [
            {
                "type": "tool_call",
                "id": call["id"],
                "name": "get_weather",
                "arguments": call["args"],
            }
        ],
        "finish_reason": "tool_call",  # the conventions' word, whatever the provider said
    }


@pytest.mark.parametrize("wire", WIRES, ids=str)
def test_message_content_only_when_opted_in(
    wire: Wire, mock: MockServer, otel_with_content: Otel
) -> None:
    from chatplex.messages import AIMessage
    from chatplex.messages import HumanMessage
    from chatplex.messages import SystemMessage
    from chatplex.messages import ToolMessage

    history = [
        SystemMessage("Be brief."),
        HumanMessage("weather?"),
        AIMessage("", tool_calls=[{"id": "call_1", "name": "get_weather", "args": {"city": "x"}}]),
        ToolMessage("sunny", tool_call_id="call_1"),
        HumanMessage("secret plans"),
    ]
    model_for(wire, mock).bind_tools([get_weather]).invoke(history)
    (span,) = otel_with_content.spans()
    attrs = dict(span.attributes or {})
    sent = json.loads(str(attrs["gen_ai.input.messages"]))
    system = {"role": "system", "parts": [{"type": "text", "content": "Be brief."}]}
    call = {"type": "tool_call", "id": "call_1", "name": "get_weather", "arguments": {"city": "x"}}
    result = {"type": "tool_call_response", "id": "call_1", "response": "sunny"}
    conversation = [
        {"role": "user", "parts": [{"type": "text", "content": "weather?"}]},
        {"role": "assistant", "parts": [call]},
        {"role": "tool", "parts": [result]},
        {"role": "user", "parts": [{"type": "text", "content": "secret plans"}]},
    ]
    if wire.name in ("anthropic", "google_genai", "google_vertexai", "bedrock_converse"):
        # These APIs take the system prompt apart: the conventions' own attribute for it.
        assert json.loads(str(attrs["gen_ai.system_instructions"])) == system["parts"]
        assert sent == conversation
    else:
        assert "gen_ai.system_instructions" not in attrs
        assert sent == [system, *conversation]
    got = json.loads(str(attrs["gen_ai.output.messages"]))
    assert got == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Echo: secret plans"}],
            "finish_reason": "stop",
        }
    ]


@pytest.mark.parametrize("wire", WIRES, ids=str)
async def test_a_streamed_reply_is_an_assistant_message(
    wire: Wire, mock: MockServer, otel_with_content: Otel
) -> None:
    assert "".join([c.text async for c in model_for(wire, mock).astream("hello")]) == "Echo: hello"
    (span,) = otel_with_content.spans()
    got = json.loads(str(dict(span.attributes or {})["gen_ai.output.messages"]))
    assert got == [
        {
            "role": "assistant",
            "parts": [{"type": "text", "content": "Echo: hello"}],
            "finish_reason": "stop",
        }
    ]


def openai_at(mock: MockServer, host: str, **settings: Any) -> Any:
    url = mock.openai_base_url.replace("127.0.0.1", host)
    return ChatOpenAI(model="gpt-4o-mini", base_url=url, api_key="k", **settings)


def test_a_model_whose_settings_change_gets_the_new_attributes(
    mock: MockServer, otel: Otel
) -> None:
    # A model's constant attributes are worked out once per settings, not once per model.
    model = openai_at(mock, "127.0.0.1")
    model.invoke("hi")
    model.model = "gpt-other"
    model.temperature = 0.25
    model.invoke("hi")
    first, second = otel.chat_spans()
    assert first.name == "chat gpt-4o-mini" and second.name == "chat gpt-other"
    attrs = dict(second.attributes or {})
    assert attrs["gen_ai.request.model"] == "gpt-other"
    assert attrs["gen_ai.request.temperature"] == 0.25
    assert "gen_ai.request.temperature" not in dict(first.attributes or {})
    durations = otel.metrics()["gen_ai.client.operation.duration"]
    assert {p.attributes["gen_ai.request.model"] for p in durations} == {"gpt-4o-mini", "gpt-other"}


def test_two_models_and_their_calls_share_no_attributes(mock: MockServer, otel: Otel) -> None:
    fault = {"x-mock-fault": "status=400"}
    with pytest.raises(APIStatusError):
        openai_at(mock, "127.0.0.1", default_headers=fault, max_retries=0).invoke("hi")
    openai_at(mock, "localhost").invoke("hi")
    openai_at(mock, "127.0.0.1").invoke("hi")  # the failed call's settings, and no fault
    failed, other, succeeded = otel.chat_spans()
    assert dict(failed.attributes or {})["server.address"] == "127.0.0.1"
    assert dict(other.attributes or {})["server.address"] == "localhost"
    # What one call adds (its error, its reply's model) stays out of the next call's.
    assert "error.type" not in dict(succeeded.attributes or {})
    assert "gen_ai.response.model" not in dict(failed.attributes or {})
    points = otel.metrics()["gen_ai.client.operation.duration"]
    seen = sorted((p.attributes["server.address"], "error.type" in p.attributes) for p in points)
    assert seen == [("127.0.0.1", False), ("127.0.0.1", True), ("localhost", False)]
    for point in points:
        assert ("gen_ai.response.model" in point.attributes) is (
            "error.type" not in point.attributes
        )


def test_a_model_name_that_is_no_string_is_reported_as_given() -> None:
    # (an unhashable one cannot key the per-settings cache: worked out for its call alone)
    import uuid

    sink = Otel()
    tracer = OTelTracer(sink.tracer_provider, sink.meter_provider)
    for model in (["a", "b"], ["a", "b"], None):
        run_id = uuid.uuid4()
        params = {"model": model, "provider": "openai"}
        tracer.on_chat_model_start(None, [[]], run_id=run_id, invocation_params=params)
        tracer.on_llm_end(SimpleNamespace(generations=[]), run_id=run_id)
    first, second, unnamed = sink.spans()
    assert first.name == second.name == "chat ['a', 'b']"
    assert dict(second.attributes or {})["gen_ai.request.model"] == ("a", "b")
    assert unnamed.name == "chat" and dict(unnamed.attributes or {})["gen_ai.request.model"] == ""


def test_the_environment_switch_for_content(monkeypatch: pytest.MonkeyPatch) -> None:
    sink = Otel()
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    assert OTelTracer(sink.tracer_provider, sink.meter_provider).capture_content is True
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "false")
    assert OTelTracer(sink.tracer_provider, sink.meter_provider).capture_content is False


def test_instrument_replaces_and_uninstrument_removes() -> None:
    sink = Otel()
    first = instrument(sink.tracer_provider, sink.meter_provider)
    second = instrument(sink.tracer_provider, sink.meter_provider)
    assert first not in tracers() and second in tracers()
    uninstrument()
    assert not any(isinstance(t, OTelTracer) for t in tracers())


def test_spans_never_ended_are_dropped_oldest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import uuid

    from chatplex.tracing import otel as module

    monkeypatch.setattr(module, "MAX_OPEN_SPANS", 3)
    sink = Otel()
    tracer = OTelTracer(sink.tracer_provider, sink.meter_provider)
    ids = [uuid.uuid4() for _ in range(5)]
    for run_id in ids:
        tracer.on_chain_start({"name": "x"}, {}, run_id=run_id, name="step")
    assert list(tracer._open) == ids[2:]
    tracer.on_chain_end({}, run_id=ids[0])  # forgotten: nothing to end, no error
    assert sink.spans() == []


@pytest.mark.parametrize(
    ("info", "metadata", "expected"),
    [
        ({"finish_reason": "stop"}, {"raw_finish_reason": "end_turn"}, "stop"),
        (None, {"raw_finish_reason": "end_turn", "stop_reason": "x"}, "end_turn"),
        # A drop-in's reply: only its partner's own key (Ollama's generation_info is the
        # reply's fields, with no finish_reason).
        ({"done_reason": "length"}, {"done_reason": "length"}, "length"),
        (None, {"stopReason": "max_tokens"}, "max_tokens"),
        (None, {}, None),
    ],
)
def test_a_generations_finish_reason(
    info: dict[str, Any] | None, metadata: dict[str, Any], expected: str | None
) -> None:
    message = SimpleNamespace(response_metadata=metadata)
    assert _finish_reason(SimpleNamespace(generation_info=info, message=message)) == expected
