"""ChatVertexAI and init_chat_model("google_vertexai:...") end to end over an httpx
MockTransport answering as Vertex AI's Gemini does (sync and async): the model its
record builds (`vertex_dropin.build`), and the drop-in for what its LangChain class
answers (its fields, its structured output, its counts)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex.langchain
from chatplex import init_chat_model
from chatplex.chat import ChatModel
from chatplex.errors import RateLimitError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.providers.google import vertex_dropin
from chatplex.version import USER_AGENT
from tests.providers.google._gemini_fake import ChatVertexAI
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)
from tests.providers.google._gemini_fake import sends_a_legacy_call
from tests.providers.google._gemini_fake import stops_sent
from tests.providers.google._gemini_fake import vertex
from tests.providers.google._gemini_fake import vertex_dropin_model as dropin


def in_us_east5(server: Gemini, **settings: Any) -> ChatModel:
    """ChatVertexAI in us-east5, its project its credentials'."""
    return ChatVertexAI(
        model_name="gemini-2.5-flash",
        location="us-east5",
        credentials=FakeCredentials(),
        http_client=server.client(),
        **settings,
    )


def test_chat_vertexai_sends_a_bearer_token_to_the_vertex_path() -> None:
    server = Gemini()
    model = in_us_east5(server, max_output_tokens=10)
    assert model.invoke("Hi").text == "Hello from Gemini"
    request = server.requests[0]
    assert str(request.url) == (
        "https://us-east5-aiplatform.googleapis.com/v1beta1/projects/proj-from-creds/"
        "locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent"
    )
    assert request.headers["authorization"] == "Bearer ya29.vertex"
    assert model.get_name() == "ChatVertexAI" and model.model == "gemini-2.5-flash"
    # Structured output as langchain-google-vertexai: a forced function call by default.
    server.parts = [{"functionCall": {"name": "Person", "args": {"name": "Ada"}}}]
    schema = {"title": "Person", "type": "object", "properties": {"name": {"type": "string"}}}
    assert model.with_structured_output(schema).invoke("Who?") == {"name": "Ada"}
    assert server.body()["toolConfig"]["functionCallingConfig"]["mode"] == "ANY"
    assert "ya29" not in repr(model)


def test_stop_sequences_is_the_stop_a_calls_stop_replaces() -> None:
    # langchain-google-vertexai's `stop` field takes `stop_sequences` as its alias; the
    # drop-in sent it as a body field, over a call's stop (sync and async alike).
    server = Gemini()
    model = vertex(server, stop_sequences=["END"])
    assert stops_sent(server, model) == [["END"], ["HALT"], ["HALT"]]


def test_refused_settings_fail_before_credentials_are_looked_up() -> None:
    with pytest.raises(TypeError, match="REST"):
        ChatVertexAI(model="m", api_transport="grpc")  # no project, no ADC: never reached


def test_a_client_certificate_is_refused_only_where_it_would_be_presented(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server = Gemini()

    def certificate() -> tuple[bytes, bytes]:
        return b"certificate", b"key"

    model = vertex(server, client_cert_source=certificate, request_parallelism=1)
    model.invoke("Hi")
    assert "certificate" not in str(server.requests[0].headers)
    monkeypatch.setenv("GOOGLE_API_USE_CLIENT_CERTIFICATE", "True")
    with pytest.raises(TypeError, match="mutual TLS"):
        vertex(server, client_cert_source=certificate)


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

    got = dropin(server).with_structured_output(Sum, method="json_mode").invoke("1+2?")
    assert got == Sum(total=3)
    config = server.body()["generationConfig"]
    assert config["candidateCount"] == 1 and config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["properties"] == {
        "total": {"title": "Total", "type": "integer"}
    }


def test_chat_vertexai_answers_json_schema_by_function_calling() -> None:
    """langchain-google-vertexai's with_structured_output sends every method but
    json_mode as a forced tool call: "json_schema" too (no response schema)."""
    call = {"functionCall": {"name": "Sum", "args": {"total": 3}}}
    server = Gemini([call])

    class Sum(BaseModel):
        total: int

    got = dropin(server).with_structured_output(Sum, method="json_schema").invoke("1+2?")
    assert got == Sum(total=3)
    body = server.body()
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "Sum"
    assert body["toolConfig"]["functionCallingConfig"]["allowedFunctionNames"] == ["Sum"]
    assert "responseJsonSchema" not in body["generationConfig"]


def test_init_chat_model_reaches_vertex_ai() -> None:
    server = Gemini()
    model = init_chat_model(
        "google_vertexai:gemini-2.5-flash",
        project="p",
        credentials=FakeCredentials(),
        http_client=server.client(),
        api_transport="rest",  # langchain-google-vertexai's, inert (its spec's)
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
    model = dropin(
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


def test_top_logprobs_is_warned_of_and_not_sent_as_langchain_google_vertexai(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Not a field there: logged (its closest field named), moved to model_kwargs with
    # LangChain's warning, and not sent; its own logprobs= still says how many (sync
    # and async).
    server = Gemini()
    with pytest.warns(UserWarning, match="top_logprobs was transferred to model_kwargs"):
        model = vertex(server, logprobs=2, top_logprobs=3)
    assert [r.getMessage() for r in caplog.records] == [
        "Unexpected argument 'top_logprobs' provided to ChatVertexAI. Did you mean: 'logprobs'?"
    ]
    model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    for i in (0, 1):
        config = server.body(i)["generationConfig"]
        assert {k: v for k, v in config.items() if "ogprobs" in k} == {
            "responseLogprobs": True,
            "logprobs": 2,
        }


def test_chat_vertexai_counts_texts_and_conversations_in_one_call(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = Gemini()
    model = in_us_east5(server)
    full = "projects/proj-from-creds/locations/us-east5/publishers/google/models/gemini-2.5-flash"
    assert vertex_dropin.num_tokens(model, "Hi") == 4
    assert server.body() == {
        "model": full,
        "contents": [{"role": "user", "parts": [{"text": "Hi"}]}],
    }
    assert server.requests[0].url.path == f"/v1beta1/{full}:countTokens"
    assert server.requests[0].headers["authorization"] == "Bearer ya29.vertex"
    said = [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello.")]
    with caplog.at_level("WARNING"):
        assert vertex_dropin.num_tokens_from_messages(model, said, [{"name": "f"}], {}) == 4
    assert "Tool token counting is not yet supported" in caplog.text
    assert len(server.requests) == 2
    assert [c["role"] for c in server.body()["contents"]] == ["user", "model"]
    # Its partner takes no keyword: langchain-core's count, which refuses it, unsent.
    assert vertex_dropin.ChatVertexAI.hooks.messages_count.counts(model)
    assert vertex_dropin.num_tokens_from_messages(model, said, None, {"colour": "red"}) is None
    assert len(server.requests) == 2


def test_full_model_name_is_langchains_resource_name() -> None:
    ChatVertexAI = chatplex.langchain.ChatVertexAI  # noqa: N806 (its fields)
    model = ChatVertexAI(
        model="gemini-2.5-flash",
        project="p",
        location="europe-west4",
        credentials=FakeCredentials(),
    )
    assert model.full_model_name == (
        "projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-flash"
    )
    endpoint = "projects/p/locations/europe-west4/endpoints/123"
    tuned = ChatVertexAI(model=endpoint, project="p", credentials=FakeCredentials())
    assert tuned.full_model_name == endpoint
    # Express mode has no project: LangChain's field says so ("None").
    express = ChatVertexAI(model="gemini-2.5-flash", api_key="AQ-k")
    assert express.full_model_name.startswith("projects/None/locations/us-central1/")


def test_chat_vertexai_sends_no_text_signature_from_extras_as_langchain_google_vertexai() -> None:
    # langchain-google-vertexai reads a text block's signature from `thought_signature`
    # only: a Gemini 3 reply's text signed in its `extras` goes unsigned (sync and async).
    server = Gemini()
    model = vertex(server)
    signed = [{"type": "text", "text": "Hi", "extras": {"signature": "c2ln"}}]
    history = [HumanMessage(signed), AIMessage(signed), HumanMessage("Again")]
    model.invoke(history)
    asyncio.run(model.ainvoke(history))
    for n in (0, 1):
        assert [c["parts"] for c in server.body(n)["contents"]] == [
            [{"text": "Hi"}],
            [{"text": "Hi"}],
            [{"text": "Again"}],
        ]


def test_docstring_examples() -> None:
    import doctest

    result = doctest.testmod(vertex_dropin)
    assert result.attempted >= 2 and result.failed == 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (the partner's own, on build)
def test_no_project_and_no_credentials_is_the_partner_s_google_auth_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """langchain-google-vertexai's class and words (the Vertex AI SDK's) where no project
    is given and none can be looked up, chained from google-auth's own error, in the
    LangChain family; chatplex's own model raises google-auth's error itself (a
    GoogleAuthError too)."""
    from google.auth.exceptions import DefaultCredentialsError
    from google.auth.exceptions import GoogleAuthError

    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(GoogleAuthError) as raised:
        chatplex.langchain.ChatVertexAI(model="gemini-2.0-flash")
    assert type(raised.value) is GoogleAuthError
    assert str(raised.value).startswith("Unable to find your project. Please provide a project ID")
    assert isinstance(raised.value.__cause__, DefaultCredentialsError)
    partner = pytest.importorskip("langchain_google_vertexai")
    with pytest.raises(GoogleAuthError) as theirs:
        partner.ChatVertexAI(model="gemini-2.0-flash")
    assert (type(theirs.value), str(theirs.value)) == (type(raised.value), str(raised.value))
    with pytest.raises(GoogleAuthError, match="Unable to find your project") as lc:
        chatplex.langchain.init_chat_model("google_vertexai:gemini-2.0-flash")
    assert isinstance(lc.value.__cause__, DefaultCredentialsError)
    with pytest.raises(DefaultCredentialsError, match="missing.json"):
        init_chat_model("google_vertexai:gemini-2.0-flash")


def test_the_credentials_type_is_the_one_in_use_when_a_call_reads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Application Default Credentials are looked up by the first call's request, before
    its headers are read: the credentials' type is said from then on."""
    import google.auth

    oauth2 = pytest.importorskip("google.oauth2.credentials")
    monkeypatch.setattr(google.auth, "default", lambda scopes: (oauth2.Credentials("t"), "p"))
    model = ChatVertexAI(model="gemini-2.0-flash", project="p")
    headers = model.sdk_headers
    assert headers is not None
    assert not headers.sent_by(True)["x-goog-api-client"].count("cred-type/")
    model.adapter.auth.authorization()  # type: ignore[union-attr]
    said = headers.sent_by(True)
    assert said is headers.sent_by(False)  # made once per credentials' type
    assert said["x-goog-api-client"].endswith(f" cred-type/u {USER_AGENT}")


def test_chatplex_own_family_says_no_credentials_type() -> None:
    oauth2 = pytest.importorskip("google.oauth2.credentials")
    own = init_chat_model(
        "google_vertexai:gemini-2.0-flash", project="p", credentials=oauth2.Credentials("t")
    )
    assert own.sdk_headers is None
    assert own.adapter.auth._jwt is False  # type: ignore[union-attr]


def test_a_dropins_service_account_signs_its_own_jwt_from_its_construction() -> None:
    """A fact of the family, given to the auth when the adapter is built: the headers it
    says (`sdk_headers`) change no credentials."""
    oauth2 = pytest.importorskip("google.oauth2.credentials")
    model = ChatVertexAI(model="gemini-2.0-flash", project="p", credentials=oauth2.Credentials("t"))
    assert model.adapter.auth._jwt is True  # type: ignore[union-attr]
    model.sdk_headers = None
    assert model.adapter.auth._jwt is True  # type: ignore[union-attr]


def test_chat_vertexai_sends_a_function_message_with_its_call_sync_and_async() -> None:
    # langchain-google-vertexai drops the legacy call (the assistant turn in
    # additional_kwargs) and sends a model turn of no parts, which Vertex AI refuses:
    # the call goes as a functionCall, the answer as that partner writes it.
    server = Gemini()
    model = dropin(server)
    sends_a_legacy_call(model, server, "", {"content": "It is sunny."})


@pytest.mark.parametrize(
    ("named", "resource"),
    [
        (
            {"tuned_model_name": "projects/p/locations/us-central1/endpoints/7"},
            "projects/p/locations/us-central1/endpoints/7",
        ),
        (
            {"tuned_model_name": "my-tuned"},
            "projects/p/locations/us-central1/publishers/google/models/my-tuned",
        ),
        # full_model_name= is taken as given, over tuned_model_name=
        (
            {
                "full_model_name": "projects/q/locations/asia-east1/endpoints/8",
                "tuned_model_name": "x",
            },
            "projects/q/locations/asia-east1/endpoints/8",
        ),
    ],
)
def test_a_tuned_model_or_full_name_is_where_every_call_goes(
    named: dict[str, str], resource: str
) -> None:
    # As langchain-google-vertexai's validate_environment: full_model_name, else made of
    # tuned_model_name; model_name (replies, user agent) stays the model given.
    server = Gemini()
    model = dropin(server, **named)
    assert model.full_model_name == resource
    assert model.tuned_model_name == named.get("tuned_model_name")
    reply = model.invoke("Hi")
    asyncio.run(model.ainvoke("Hi"))
    list(model.stream("Hi"))
    assert [r.url.path for r in server.requests] == [
        f"/v1beta1/{resource}:generateContent",
        f"/v1beta1/{resource}:generateContent",
        f"/v1beta1/{resource}:streamGenerateContent",
    ]
    assert reply.response_metadata["model_name"] == "gemini-2.5-flash"
    assert model.get_num_tokens("Hi") == 4
    assert server.requests[-1].url.path == f"/v1beta1/{resource}:countTokens"
    assert server.body()["model"] == resource


def test_its_own_ways_are_functions_of_a_plain_model_on_its_adapter() -> None:
    # What ChatVertexAI does its own way, as functions of any ChatModel on a Vertex AI
    # adapter (the hooks its record names).
    server = Gemini()
    built = in_us_east5(server)
    model = ChatModel(built.adapter, "models/gemini-2.5-flash-001", http_client=server.client())
    assert vertex_dropin.profile_names(model) == ("gemini-2.5-flash",)
    target = vertex_dropin.structured_target
    assert target(model, "json_schema", {}) == (model, "function_calling")
    assert target(model, "json_mode", {}) == (model, "json_schema")
    assert vertex_dropin.num_tokens(model, "Hi") == 4
    said = [HumanMessage("Hi"), AIMessage("Hello.")]
    assert vertex_dropin.num_tokens_from_messages(model, said, None, {}) == 4
    assert vertex_dropin.num_tokens_from_messages(model, said, None, {"colour": "red"}) is None
    assert len(server.requests) == 2
    assert server.requests[0].url.path.endswith("gemini-2.5-flash-001:countTokens")
