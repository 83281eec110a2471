"""What both Google drop-ins share once built (the functions their records name:
json_mode's target, a count in one attempt) and LangChain's `model_name`, over an httpx
MockTransport answering as Gemini does."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from chatplex.errors import ServerError
from chatplex.providers.google.dropin import num_tokens
from chatplex.secret import MASK
from tests.providers.google._gemini_fake import KEY
from tests.providers.google._gemini_fake import ChatVertexAI
from tests.providers.google._gemini_fake import FakeCredentials
from tests.providers.google._gemini_fake import Gemini
from tests.providers.google._gemini_fake import genai
from tests.providers.google._gemini_fake import no_google_env  # noqa: F401 (autouse)


def test_both_classes_are_named_by_model_name() -> None:
    from chatplex.langchain import ChatGoogleGenerativeAI
    from chatplex.langchain import ChatVertexAI as VertexDropIn

    gemini = ChatGoogleGenerativeAI(model="gemini-2.5-flash", api_key=KEY)
    vertex = VertexDropIn(model="gemini-2.0-flash", project="p", credentials=FakeCredentials())
    assert (gemini.model_name, vertex.model_name) == ("gemini-2.5-flash", "gemini-2.0-flash")


@pytest.mark.parametrize("sync", [True, False])
def test_json_mode_with_a_schema_sends_the_schema(sync: bool) -> None:
    # langchain-google-genai's json_mode is an alias of json_schema: the schema is sent,
    # not JSON mode alone (which the model answers in any shape).
    class Person(BaseModel):
        name: str
        born: int

    from chatplex.langchain import ChatGoogleGenerativeAI

    server = Gemini([{"text": '{"name": "Ada", "born": 1815}'}])
    model = ChatGoogleGenerativeAI(
        model="gemini-2.5-flash",
        api_key=KEY,
        http_client=server.client(),
        http_async_client=server.async_client(),
    )
    structured = model.with_structured_output(Person, method="json_mode")
    person = (
        structured.invoke("Who is Ada?") if sync else asyncio.run(structured.ainvoke("Who is Ada?"))
    )
    assert person == Person(name="Ada", born=1815)
    config = server.body()["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseJsonSchema"]["properties"]["born"]["type"] == "integer"


def test_a_count_is_one_attempt_whatever_max_retries_says() -> None:
    server = Gemini(status=500)
    with pytest.raises(ServerError):
        num_tokens(genai(server, max_retries=3), "Hi")
    assert len(server.requests) == 1
    assert server.requests[0].url.path.endswith(":countTokens")


def test_default_metadata_shows_a_credential_header_masked_and_sends_it() -> None:
    # Both partners' validators set `default_metadata` to the additional headers'
    # items and show and write them in clear; chatplex shows every credential header
    # masked (named like one, or carrying the model's key), the others as given, and
    # sends each as given.
    headers = {"x-team": "blue", "x-api-key-2": "gw-secret-1", "x-tenant": KEY}
    server = Gemini([{"text": "Hi"}])
    gemini = genai(server, additional_headers=headers)
    vertex = ChatVertexAI(
        model="gemini-2.0-flash", api_key=KEY, additional_headers={"x-tenant": KEY}
    )
    shown = (("x-team", "blue"), ("x-api-key-2", MASK), ("x-tenant", MASK))
    assert gemini.adapter.shown_default_metadata == shown
    assert vertex.adapter.shown_default_metadata == (("x-tenant", MASK),)
    assert KEY not in repr(vars(gemini)) + repr(vars(vertex))
    gemini.invoke("Hi")
    sent = server.requests[-1].headers
    assert [sent[name] for name in headers] == ["blue", "gw-secret-1", KEY]


def test_the_partner_hooks_answer_for_a_plain_model_on_the_gemini_adapter() -> None:
    # What ChatGoogleGenerativeAI does its own way, as functions of any ChatModel on a
    # Google adapter (`PartnerHooks`), not of its engine class.
    from chatplex.chat import ChatModel
    from chatplex.providers.google.adapter import GeminiAdapter
    from chatplex.providers.google.dropin import profile_names
    from chatplex.providers.google.dropin_base import structured_target

    server = Gemini(status=500)
    adapter = GeminiAdapter(api_key=KEY)
    model = ChatModel(adapter, "models/gemini-2.5-flash-001", http_client=server.client())
    assert profile_names(model) == ("gemini-2.5-flash",)
    assert structured_target(model, "json_mode", {"type": "object"}) == (model, "json_schema")
    assert structured_target(model, "json_mode", None) == (model, "json_mode")
    with pytest.raises(ServerError):
        num_tokens(model, "Hi")
    assert len(server.requests) == 1  # (one attempt, as the engine's count)
    assert server.requests[0].url.path.endswith("gemini-2.5-flash-001:countTokens")
