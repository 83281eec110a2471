"""ChatGoogleGenerativeAI / ChatVertexAI and init_chat_model("google_genai:...") end to
end over an httpx MockTransport answering as Gemini does (sync and async)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from chatplex.errors import RateLimitError
from chatplex.lean import ChatGoogleGenerativeAI
from chatplex.lean import ChatVertexAI
from chatplex.lean import init_chat_model
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage

KEY = "AIza-test-key"


@pytest.fixture(autouse=True)
def _no_google_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_CLOUD_PROJECT"):
        monkeypatch.delenv(name, raising=False)


class Gemini:
    """Answers generateContent / streamGenerateContent; records the requests."""

    def __init__(self, parts: list[dict[str, Any]] | None = None, status: int = 200) -> None:
        self.parts = parts or [{"text": "Hello from Gemini"}]
        self.status = status
        self.requests: list[httpx.Request] = []

    def response(self) -> dict[str, Any]:
        return {
            "candidates": [
                {
                    "content": {"parts": self.parts, "role": "model"},
                    "finishReason": "STOP",
                    "index": 0,
                }
            ],
            "usageMetadata": {
                "promptTokenCount": 5,
                "candidatesTokenCount": 3,
                "totalTokenCount": 8,
            },
            "modelVersion": "gemini-2.5-flash",
            "responseId": "r1",
        }

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.status != 200:
            error = {"error": {"code": self.status, "message": "slow down", "status": "X"}}
            return httpx.Response(self.status, json=error)
        if request.url.path.endswith(":countTokens"):
            return httpx.Response(200, json={"totalTokens": 4})
        if request.url.params.get("alt") == "sse":
            events = b"".join(
                b"data: " + json.dumps(self.piece(part, i)).encode() + b"\r\n\r\n"
                for i, part in enumerate(self.parts)
            )
            return httpx.Response(
                200, content=events, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=self.response())

    def piece(self, part: dict[str, Any], i: int) -> dict[str, Any]:
        data = self.response()
        data["candidates"][0]["content"]["parts"] = [part]
        if i < len(self.parts) - 1:
            del data["candidates"][0]["finishReason"]
        return data

    def body(self, n: int = -1) -> dict[str, Any]:
        return json.loads(self.requests[n].content)  # type: ignore[no-any-return]

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handler))

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))


def genai(server: Gemini, **settings: Any) -> ChatGoogleGenerativeAI:
    return ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        google_api_key=KEY,
        http_client=server.client(),
        http_async_client=server.async_client(),
        max_retries=0,
        **settings,
    )


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
        "thinkingConfig": {"thinkingBudget": 256, "includeThoughts": True},
    }
    assert body["safetySettings"][0]["threshold"] == "BLOCK_NONE"
    assert server.requests[0].headers["x-goog-api-key"] == KEY
    assert KEY not in repr(model)


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


def test_stream_usage_false_strips_usage_from_the_stream_sync_and_async() -> None:
    # chatplex's own setting (langchain-google-genai has none): ChatChatplex and users
    # turning stream usage off get it on this drop-in too, honoured rather than refused.
    server = Gemini([{"text": "Hel"}, {"text": "lo"}])
    with_usage = [c.usage_metadata for c in genai(server).stream("Hi")]
    assert any(u is not None for u in with_usage)
    model = genai(server, stream_usage=False)
    assert all(c.usage_metadata is None for c in model.stream("Hi"))

    async def ausage() -> list[Any]:
        return [c.usage_metadata async for c in model.astream("Hi")]

    assert all(u is None for u in asyncio.run(ausage()))


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


@pytest.mark.parametrize("sync", [True, False])
def test_json_mode_with_a_schema_sends_the_schema(sync: bool) -> None:
    # langchain-google-genai's json_mode is an alias of json_schema: the schema is sent,
    # not JSON mode alone (which the model answers in any shape).
    class Person(BaseModel):
        name: str
        born: int

    server = Gemini([{"text": '{"name": "Ada", "born": 1815}'}])
    structured = genai(server).with_structured_output(Person, method="json_mode")
    person = (
        structured.invoke("Who is Ada?") if sync else asyncio.run(structured.ainvoke("Who is Ada?"))
    )
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
    # The drop-in's defaults, as LangChain's init_chat_model builds its class.
    assert server.body()["generationConfig"] == {"topK": 2, "temperature": 0.7, "candidateCount": 1}
    assert "gemini-2.5-flash:generateContent" in str(server.requests[0].url)
    assert model.get_name() == "ChatGoogleGenerativeAI"


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
    with pytest.raises(TypeError, match="ChatVertexAI"):
        ChatGoogleGenerativeAI(model="m", api_key=KEY, vertexai=True)
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


class FakeCredentials:
    token: str | None = None
    valid = False
    project_id = "proj-from-creds"

    def refresh(self, request: Any) -> None:
        self.token, self.valid = "ya29.vertex", True


def test_chat_vertexai_sends_a_bearer_token_to_the_vertex_path() -> None:
    server = Gemini()
    model = ChatVertexAI(
        model_name="gemini-2.5-flash",
        location="us-east5",
        credentials=FakeCredentials(),
        http_client=server.client(),
        max_output_tokens=10,
    )
    assert model.invoke("Hi").text == "Hello from Gemini"
    request = server.requests[0]
    assert str(request.url) == (
        "https://us-east5-aiplatform.googleapis.com/v1beta1/projects/proj-from-creds/"
        "locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert request.headers["authorization"] == "Bearer ya29.vertex"
    assert model.get_name() == "ChatVertexAI" and model.model_name == "gemini-2.5-flash"
    # Structured output as langchain-google-vertexai: a forced function call by default.
    server.parts = [{"functionCall": {"name": "Person", "args": {"name": "Ada"}}}]
    schema = {"title": "Person", "type": "object", "properties": {"name": {"type": "string"}}}
    assert model.with_structured_output(schema).invoke("Who?") == {"name": "Ada"}
    assert server.body()["toolConfig"]["functionCallingConfig"]["mode"] == "ANY"
    assert "ya29" not in repr(model)


def test_refused_settings_fail_before_credentials_are_looked_up() -> None:
    with pytest.raises(TypeError, match="REST"):
        ChatVertexAI(model="m", api_transport="grpc")  # no project, no ADC: never reached


def test_batch_apis_gemini_batch_mode_and_vertex_not_built() -> None:
    from chatplex.batches.submit import batch_api
    from chatplex.providers.google.batch import GeminiBatches

    assert isinstance(batch_api(genai(Gemini())), GeminiBatches)
    vertex = ChatVertexAI(model="gemini-2.5-flash", project="p", credentials=FakeCredentials())
    with pytest.raises(NotImplementedError, match="google_vertexai"):
        batch_api(vertex)


def vertex(server: Gemini, **settings: Any) -> ChatVertexAI:
    return ChatVertexAI(
        model="gemini-2.5-flash",
        project="p",
        credentials=FakeCredentials(),
        http_client=server.client(),
        http_async_client=server.async_client(),
        **settings,
    )


def test_chat_vertexai_endpoint_version_names_the_path() -> None:
    server = Gemini()
    vertex(server, endpoint_version="v1").invoke("Hi")
    assert "/v1/projects/p/locations/us-central1/" in str(server.requests[0].url)


def test_chat_vertexai_max_retries_counts_attempts() -> None:
    # As langchain-google-vertexai (tenacity's stop_after_attempt): 1 is one attempt.
    once = Gemini(status=429)
    with pytest.raises(RateLimitError):
        vertex(once, max_retries=1, max_retry_after=0).invoke("Hi")
    assert len(once.requests) == 1
    twice = Gemini(status=429)
    with pytest.raises(RateLimitError):
        asyncio.run(vertex(twice, max_retries=2, max_retry_after=0).ainvoke("Hi"))
    assert len(twice.requests) == 2


def test_chat_vertexai_sends_candidate_count_and_json_mode_schema() -> None:
    server = Gemini([{"text": '{"total": 3}'}])

    class Sum(BaseModel):
        total: int

    got = vertex(server).with_structured_output(Sum, method="json_mode").invoke("1+2?")
    assert got == Sum(total=3)
    config = server.body()["generationConfig"]
    assert config["candidateCount"] == 1 and config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["properties"] == {
        "total": {"title": "Total", "type": "integer"}
    }


def test_init_chat_model_builds_chat_vertexai() -> None:
    server = Gemini()
    model = init_chat_model(
        "google_vertexai:gemini-2.5-flash",
        project="p",
        credentials=FakeCredentials(),
        http_client=server.client(),
        api_transport="rest",
    )
    assert model.get_name() == "ChatVertexAI"
    reply = model.invoke("Hi")
    assert reply.response_metadata["is_blocked"] is False
    assert reply.response_metadata["usage_metadata"]["prompt_token_count"] == 5


def test_chat_vertexai_reads_as_langchains_and_takes_proto_enum_safety_settings() -> None:
    import enum

    class HarmCategory(enum.IntEnum):  # aiplatform's proto enums: numbers as values
        HARM_CATEGORY_HARASSMENT = 7

    class HarmBlockThreshold(enum.IntEnum):
        BLOCK_ONLY_HIGH = 3

    server = Gemini()
    model = vertex(
        server,
        max_output_tokens=20,
        streaming=True,
        safety_settings={HarmCategory.HARM_CATEGORY_HARASSMENT: HarmBlockThreshold.BLOCK_ONLY_HIGH},
    )
    assert (model.project, model.location, model.max_output_tokens) == ("p", "us-central1", 20)
    model.invoke("Hi")
    body = server.body()
    assert body["safetySettings"] == [
        {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
    ]
    assert "candidateCount" not in body["generationConfig"]  # not in streams, as LangChain


def test_chat_vertexai_other_candidates_name_the_provider() -> None:
    server = Gemini()
    original = server.response

    def two() -> dict[str, Any]:
        data = original()
        data["candidates"].append({**data["candidates"][0], "index": 1})
        return data

    server.response = two  # type: ignore[method-assign]
    reply = vertex(server, n=2, endpoint_version="v1").invoke("Hi")
    other = reply.response_metadata["other_candidates"][0]
    assert other.response_metadata["model_provider"] == "google_vertexai"
    assert other.response_metadata["usage_metadata"]["traffic_type"] == "TRAFFIC_TYPE_UNSPECIFIED"


def test_chat_vertexai_takes_transport_rest_as_langchains_alias() -> None:
    server = Gemini()
    vertex(server, transport="rest").invoke("Hi")
    assert len(server.requests) == 1
    with pytest.raises(TypeError, match="REST"):
        vertex(server, transport="grpc")


@pytest.mark.parametrize(
    ("logprobs", "sent"),
    [
        (True, {"responseLogprobs": True}),
        (3, {"responseLogprobs": True, "logprobs": 3}),
        (False, {}),
    ],
)
def test_chat_vertexai_logprobs_as_langchains(logprobs: Any, sent: dict[str, Any]) -> None:
    server = Gemini()
    vertex(server, logprobs=logprobs).invoke("Hi")
    config = server.body()["generationConfig"]
    assert {k: v for k, v in config.items() if "ogprobs" in k} == sent


def test_gemini_counts_a_text_with_count_tokens_as_langchain_google_genai() -> None:
    server = Gemini()
    model = genai(server, extra_headers={"x-team": "blue"})
    assert model.langchain_num_tokens("Say hi") == 4
    request = server.requests[0]
    assert str(request.url) == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:countTokens"
    )
    assert request.headers["x-goog-api-key"] == KEY and request.headers["x-team"] == "blue"
    assert server.body() == {"contents": [{"parts": [{"text": "Say hi"}]}]}
    # Its messages are counted by langchain-core, one text at a time.
    assert not model.langchain_counts_messages()  # langchain-core's, one count per message


def test_chat_vertexai_counts_texts_and_conversations_in_one_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = Gemini()
    model = ChatVertexAI(
        model_name="gemini-2.5-flash",
        location="us-east5",
        credentials=FakeCredentials(),
        http_client=server.client(),
    )
    full = "projects/proj-from-creds/locations/us-east5/publishers/google/models/gemini-2.5-flash"
    assert model.langchain_num_tokens("Hi") == 4
    assert server.body() == {
        "model": full,
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
    }
    assert server.requests[0].url.path == f"/v1beta1/{full}:countTokens"
    assert server.requests[0].headers["authorization"] == "Bearer ya29.vertex"
    said = [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello.")]
    with caplog.at_level("WARNING"):
        assert model.langchain_num_tokens_from_messages(said, [{"name": "f"}], {}) == 4
    assert "Tool token counting is not yet supported" in caplog.text
    assert len(server.requests) == 2
    assert [c["role"] for c in server.body()["contents"]] == ["user", "model"]
    # Its partner takes no keyword: langchain-core's count, which refuses it, unsent.
    assert model.langchain_counts_messages()
    assert model.langchain_num_tokens_from_messages(said, None, {"colour": "red"}) is None
    assert len(server.requests) == 2
