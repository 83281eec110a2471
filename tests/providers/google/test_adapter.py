"""GeminiAdapter and the wire it shares with Vertex AI: URLs, keys, errors, tools. (Vertex
AI's own: `test_vertex_adapter.py`.)"""

from __future__ import annotations

import json
from typing import Annotated
from typing import Any
from typing import TypedDict

import pytest
from langchain_core.utils.function_calling import convert_to_json_schema

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.sse_event import SSEEvent
from chatplex.chat.structured import output_schema
from chatplex.errors import BadRequestError
from chatplex.errors import PermissionDeniedError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.vertex_adapter import VertexAIAdapter
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)

KEY = "AIzaSy-secret-key-123"
HI = [HumanMessage("Hi")]


def test_the_key_goes_in_the_header_never_in_the_url_or_repr() -> None:
    adapter = GeminiAdapter(api_key=KEY)
    request = adapter.build_request(HI, CallSettings(model="gemini-2.5-flash"), stream=False)
    assert request.url == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent"
    )
    assert request.headers["x-goog-api-key"] == KEY
    assert "x-goog-api-key" in request.secret_headers
    for shown in (
        repr(adapter),
        repr(request),
        repr(request.headers),
        str(adapter.budget_key("m")),
    ):
        assert KEY not in shown


def test_streams_ask_for_sse_and_models_prefix_is_dropped() -> None:
    adapter = GeminiAdapter(api_key=KEY, base_url="http://127.0.0.1:9/gw?tenant=a")
    request = adapter.build_request(HI, CallSettings(model="models/gemini-2.0-flash"), stream=True)
    assert request.url == (
        "http://127.0.0.1:9/gw/v1beta/models/gemini-2.0-flash:streamGenerateContent"
        "?tenant=a&alt=sse"
    )


def test_environment_keys_follow_the_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("GEMINI_API_KEY", "from-gemini-env")
    assert GeminiAdapter()._api_key.get() == "from-gemini-env"  # type: ignore[union-attr]
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google-env")
    assert GeminiAdapter()._api_key.get() == "from-google-env"  # type: ignore[union-attr]
    # A base URL written in code for another host gets no environment key.
    local = GeminiAdapter(base_url="http://127.0.0.1:9")
    request = local.build_request(HI, CallSettings(model="m"), stream=False)
    assert "x-goog-api-key" not in request.headers
    assert "GOOGLE_API_KEY goes only to" in str(local.map_error(403, b"{}", {}))


def test_a_missing_key_for_the_public_api_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="Gemini API key missing"):
        GeminiAdapter()


@pytest.mark.parametrize("model", ["", "../secrets", "a b", "x?key=1"])
def test_model_names_that_would_change_the_url_are_refused(model: str) -> None:
    with pytest.raises(ValueError):
        GeminiAdapter(api_key=KEY).build_request(HI, CallSettings(model=model), stream=False)


def test_only_system_messages_is_refused_before_any_request() -> None:
    with pytest.raises(ValueError, match="at least one message"):
        GeminiAdapter(api_key=KEY).build_request(
            [SystemMessage("x")], CallSettings(model="m"), stream=False
        )


def test_an_empty_user_turn_is_left_out_with_langchain_google_genais_warning() -> None:
    """The Gemini API's partner leaves a user turn of no content ("" or []) out, with
    its warning; blank text blocks are refused (Gemini refuses an empty text part).
    Vertex AI's partner leaves out a user turn's empty text, merging the turn into the
    user turn after it; with none, the turn is refused (Vertex AI refuses no parts)."""
    history = [HumanMessage("Hi"), AIMessage("Hello"), HumanMessage(""), HumanMessage([])]
    settings = CallSettings(model="m")
    with pytest.warns(UserWarning, match="HumanMessage with empty content was removed") as seen:
        request = GeminiAdapter(api_key=KEY).build_request(history, settings, stream=False)
    assert len(seen) == 2
    assert [c["role"] for c in request.json["contents"]] == ["user", "model"]
    with pytest.raises(ValueError, match="a user message of empty text"):
        GeminiAdapter(api_key=KEY).build_request(
            [HumanMessage([{"type": "text", "text": ""}])], settings, stream=False
        )
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="empty list of messages"):
        GeminiAdapter(api_key=KEY).build_request([HumanMessage("")], settings, stream=False)
    vertex = VertexAIAdapter(project="p", location="us-central1", api_key=KEY)
    with pytest.raises(ValueError, match="a user message of empty text"):
        vertex.build_request(history[:3], settings, stream=False)
    asked = [*history[:3], HumanMessage("And now?")]
    request = vertex.build_request(asked, settings, stream=False)
    assert request.json["contents"][-1] == {"role": "user", "parts": [{"text": "And now?"}]}


def google_error(code: int, status: str, message: str, **extra: Any) -> bytes:
    return json.dumps(
        {"error": {"code": code, "message": message, "status": status, **extra}}
    ).encode()


def test_errors_are_typed_with_status_message_and_request_id() -> None:
    adapter = GeminiAdapter(api_key=KEY)
    headers = {"x-request-id": "req-42"}
    bad = adapter.map_error(400, google_error(400, "INVALID_ARGUMENT", "bad field"), headers)
    assert isinstance(bad, BadRequestError) and bad.error_type == "INVALID_ARGUMENT"
    assert bad.message == "bad field" and bad.request_id == "req-42" and bad.code == 400
    denied = adapter.map_error(403, google_error(403, "PERMISSION_DENIED", "no"), {})
    assert isinstance(denied, PermissionDeniedError)
    for status, name in ((500, "INTERNAL"), (503, "UNAVAILABLE")):
        error = adapter.map_error(status, google_error(status, name, "down"), {})
        assert isinstance(error, ServerError) and error.retryable
    assert adapter.map_error(502, b"<html>bad gateway</html>", {}).message.startswith("<html>")


def test_429_with_a_retry_delay_is_a_retryable_rate_limit() -> None:
    body = google_error(
        429,
        "RESOURCE_EXHAUSTED",
        "You exceeded your current quota, please check your plan and billing details.",
        details=[{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "26s"}],
    )
    error = GeminiAdapter(api_key=KEY).map_error(429, body, {})
    assert type(error) is RateLimitError and error.retryable and error.retry_after == 26.0
    # Without a delay, quota wording means waiting will not help.
    plain = google_error(429, "RESOURCE_EXHAUSTED", "check your plan and billing details")
    assert isinstance(GeminiAdapter(api_key=KEY).map_error(429, plain, {}), QuotaExceededError)


def test_count_requests_go_to_the_models_count_tokens_with_the_calls_headers() -> None:
    gemini = GeminiAdapter(api_key="AIza-k", base_url="http://127.0.0.1:9", api_version="v1")
    request = gemini.count_request("models/gemini-2.5-flash", {"contents": []})
    assert request.url == "http://127.0.0.1:9/v1/models/gemini-2.5-flash:countTokens"
    assert request.json == {"contents": []} and request.headers["x-goog-api-key"] == "AIza-k"
    vertex = VertexAIAdapter(
        project="p", location="europe-west4", api_key=None, credentials=_Token()
    )
    full = "projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-pro"
    assert vertex.full_model_name("gemini-2.5-pro") == full
    assert vertex.full_model_name("models/gemini-2.5-pro") == full
    express = VertexAIAdapter(api_key="AQ-k")
    assert express.full_model_name("gemini-2.5-pro") == "publishers/google/models/gemini-2.5-pro"
    request = vertex.count_request("gemini-2.5-pro", {"model": full, "contents": []})
    assert request.url == f"https://europe-west4-aiplatform.googleapis.com/v1/{full}:countTokens"
    assert request.headers["Authorization"] == "Bearer ya29.t"


class _Token:
    token = "ya29.t"
    valid = True
    project_id = "p"

    def refresh(self, request: object) -> None:
        """Never needed: the token is valid."""


def test_builtin_tools_are_one_tool_on_vertex_ai_and_each_its_own_on_gemini() -> None:
    from chatplex.adapters.tools import to_tool_specs

    weather = {"name": "get_weather", "parameters": {"type": "object", "properties": {}}}
    vertex = VertexAIAdapter(project="p", location="us-central1", api_key=KEY)
    gemini = GeminiAdapter(api_key=KEY)
    bound = [{"google_search": {}}, weather]
    declarations = [{"name": "get_weather"}]
    for adapter, tools in (
        (vertex, [{"googleSearch": {}, "functionDeclarations": declarations}]),
        (gemini, [{"googleSearch": {}}, {"functionDeclarations": declarations}]),
    ):
        specs = to_tool_specs(bound, builtin=adapter.builtin_tool)
        settings = CallSettings(model="gemini-2.5-flash", tools=specs)
        request = adapter.build_request([HumanMessage("Hi")], settings, stream=False)
        assert request.json["tools"] == tools
    assert vertex.builtin_tool({"url_context": {}}) is None  # langchain-google-vertexai's
    assert gemini.builtin_tool({"url_context": {}}) == {"urlContext": {}}


def test_each_wire_declares_functions_in_the_openapi_subset_as_its_partner_converts() -> None:
    # langchain-google-vertexai keeps a property's title and writes no empty `required`;
    # langchain-google-genai drops the title and fills `required` in
    parameters = {"type": "object", "properties": {"city": {"type": "string", "title": "City"}}}
    tool = ToolSpec("get_weather", "Weather of a city.", parameters)
    vertex = VertexAIAdapter(project="p", location="us-central1", api_key=KEY)
    settings = CallSettings(model="gemini-2.5-flash", tools=(tool,))
    city = {"type": "STRING", "title": "City"}
    for adapter, declared in (
        (vertex, {"parameters": {"type": "OBJECT", "properties": {"city": city}}}),
        (
            GeminiAdapter(api_key=KEY),
            {
                "parameters": {
                    "type": "OBJECT",
                    "properties": {"city": {"type": "STRING"}},
                    "required": [],
                }
            },
        ),
    ):
        request = adapter.build_request([HumanMessage("Hi")], settings, stream=False)
        [declaration] = request.json["tools"][0]["functionDeclarations"]
        assert declaration == {
            "name": "get_weather",
            "description": "Weather of a city.",
            **declared,
        }


def test_a_schema_the_gemini_apis_subset_would_lose_goes_whole_as_json_schema() -> None:
    # langchain-google-genai's `parameters` would drop the default (a kept difference)
    parameters = {"type": "object", "properties": {"unit": {"type": "string", "default": "c"}}}
    settings = CallSettings(model="gemini-2.5-flash", tools=(ToolSpec("t", "", parameters),))
    request = GeminiAdapter(api_key=KEY).build_request([HumanMessage("Hi")], settings, stream=False)
    [declaration] = request.json["tools"][0]["functionDeclarations"]
    assert declaration == {"name": "t", "parametersJsonSchema": parameters}


class Reminder(TypedDict):
    """A reminder to set."""

    text: Annotated[str, ..., "What to remind of"]


def test_a_typeddicts_response_schema_is_langchain_cores_titled_and_described() -> None:
    # langchain-google-genai sends convert_to_json_schema's: the docstring as description.
    adapter = GeminiAdapter(api_key=KEY)
    spec = output_schema(Reminder)
    settings = adapter.structured_output_settings(spec, Reminder, "json_schema", None)
    assert settings["response_json_schema"] == convert_to_json_schema(Reminder)
    assert settings["response_json_schema"]["description"] == "A reminder to set."


@pytest.mark.parametrize("parallel", [False, True])
def test_parallel_tool_calls_is_google_genais_validation_error(parallel: bool) -> None:
    # langchain-google-genai binds parallel_tool_calls as given and google-genai's
    # GenerateContentConfig refuses it at the call (extra fields forbidden): the same
    # error, in the same words, at the call, before any request (Gemini has no such
    # setting); `bind_tools` itself binds it.
    from pydantic import ValidationError

    from chatplex.langchain import ChatGoogleGenerativeAI

    types = pytest.importorskip("google.genai.types")

    def book(day: str) -> str:
        """Book a table."""
        return day

    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash", api_key="k", base_url="http://127.0.0.1:9"
    )
    bound = model.bind_tools([book], parallel_tool_calls=parallel)
    assert bound.kwargs["parallel_tool_calls"] is parallel
    with pytest.raises(ValidationError) as ours:
        bound.invoke("Book it")
    with pytest.raises(ValidationError) as theirs:
        types.GenerateContentConfig(parallel_tool_calls=parallel)
    assert str(ours.value) == str(theirs.value)
    assert ours.value.errors() == theirs.value.errors()


@pytest.mark.parametrize("parallel", [False, True])
def test_chatplexs_own_model_refuses_parallel_tool_calls_when_bound(parallel: bool) -> None:
    # The wire refuses the setting Gemini has not (google-genai's words), before any
    # request: only the drop-in binds it as given, for its call to refuse.
    from pydantic import ValidationError

    import chatplex

    model = chatplex.init_chat_model(
        "google_genai:gemini-2.5-flash", api_key="k", base_url="http://127.0.0.1:9"
    )

    def book(day: str) -> str:
        """Book a table."""
        return day

    with pytest.raises(ValidationError, match="parallel_tool_calls"):
        model.bind_tools([book], parallel_tool_calls=parallel)


async def test_an_untitled_json_schema_goes_as_given_as_langchain_google_genai_sends_it() -> None:
    # langchain-google-genai sends a JSON-schema dict without a title as its
    # `responseJsonSchema`, as given (no name is needed); by function calling the tool
    # needs a name: langchain-core's ValueError, when it is bound.
    from chatplex.langchain import ChatGoogleGenerativeAI
    from chatplex.testing import MockServer

    untitled = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "degrees": {"type": "integer"}},
        "required": ["city", "degrees"],
    }
    given = json.loads(json.dumps(untitled))
    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        model = ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key="k", base_url=server.url)
        structured = model.with_structured_output(untitled)
        got = [structured.invoke("Weather?"), await structured.ainvoke("Weather?")]
        with pytest.raises(ValueError):
            model.with_structured_output(untitled, method="function_calling")
    assert [sorted(g) for g in got] == [["city", "degrees"]] * 2
    for body in bodies:
        assert body["generationConfig"]["responseJsonSchema"] == given
        assert body["generationConfig"]["responseMimeType"] == "application/json"
    assert len(bodies) == 2 and untitled == given


def test_a_gemini_3_reply_is_listed_only_when_read_as_the_partners() -> None:
    # `partner_replies` (set by ChatGoogleGenerativeAI) reads a Gemini 3 (or later) reply
    # as langchain-google-genai gives it: a list of blocks always, [] when empty; a
    # model's own GeminiAdapter keeps the str, and Vertex AI's partner has no such rule.
    def reply(version: str, *parts: dict[str, Any]) -> bytes:
        candidate = {"content": {"parts": list(parts)}, "finishReason": "STOP", "index": 0}
        return json.dumps({"candidates": [candidate], "modelVersion": version}).encode()

    def read(adapter: Any, body: bytes) -> tuple[Any, Any]:
        parser = adapter.stream_parser({})
        return adapter.parse_response(body, {}).content, parser.feed(SSEEvent(data=body.decode()))

    partner = GeminiAdapter(api_key=KEY, partner_replies=True)
    text = reply("gemini-3-pro-preview", {"text": "Hi\n"})
    call = reply("gemini-3.1-pro-preview", {"functionCall": {"name": "f", "args": {}}})
    content, chunk = read(partner, text)
    assert content == [{"type": "text", "text": "Hi"}]
    assert chunk.content == [{"type": "text", "text": "Hi\n", "index": 0}]
    content, chunk = read(partner, call)
    assert content == [] and chunk.content == []
    assert chunk.tool_call_chunks[0]["index"] == 0
    assert read(partner, reply("gemini-2.5-flash", {"text": "Hi\n"}))[0] == "Hi"
    for own in (GeminiAdapter(api_key=KEY), VertexAIAdapter(api_key=KEY)):
        content, chunk = read(own, text)
        assert content == "Hi\n" and chunk.content == "Hi\n"
        assert read(own, call)[0] == ""


@pytest.mark.parametrize("choice", ["auto", "none"])
def test_a_tool_choice_with_no_tools_is_refused_only_under_the_partners_name(choice: str) -> None:
    settings = CallSettings(model="gemini-2.5-flash", tool_choice=choice)
    own = GeminiAdapter(api_key=KEY).build_request(HI, settings, stream=False)
    assert own.json["toolConfig"] == {"functionCallingConfig": {"mode": choice.upper()}}
    partner = GeminiAdapter(api_key=KEY, partner_replies=True)
    with pytest.raises(ValueError, match="'tool_choice' can only be specified if 'tools'"):
        partner.build_request(HI, settings, stream=False)


def test_any_with_no_tools_is_refused_at_the_call_in_the_spelling_bound() -> None:
    # A drop-in binds it (`keeps_choice_without_tools`, "any" kept as given), as
    # langchain-google-genai does, which refuses it at the call naming it so.
    assert GeminiAdapter.keeps_choice_without_tools
    settings = CallSettings(model="gemini-2.5-flash", tool_choice="any", tool_list_bound=True)
    partner = GeminiAdapter(api_key=KEY, partner_replies=True)
    with pytest.raises(ValueError, match=r"^Received tool_choice='any' but no formatted_tools"):
        partner.build_request(HI, settings, stream=False)


def test_a_foreign_replys_blocks_gemini_cannot_hold_are_dropped_not_refused() -> None:
    # langchain-google-genai reads another provider's reply by its standard blocks and
    # drops what no Gemini part holds (Anthropic's redacted thinking); its own are refused.
    redacted = {"type": "redacted_thinking", "data": "EncryptedThought=="}
    reply = AIMessage(
        [redacted, {"type": "text", "text": "Two."}],
        response_metadata={"model_provider": "anthropic"},
    )
    history = [HumanMessage("q"), reply, HumanMessage("Sure?")]
    settings = CallSettings(model="gemini-2.5-flash")
    request = GeminiAdapter(api_key=KEY).build_request(history, settings, stream=False)
    assert request.json["contents"][1] == {"role": "model", "parts": [{"text": "Two."}]}
    own = AIMessage([redacted], response_metadata={"model_provider": "google_genai"})
    with pytest.raises(ValueError, match="redacted_thinking"):
        GeminiAdapter(api_key=KEY).build_request([HumanMessage("q"), own], settings, stream=False)
