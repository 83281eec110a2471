"""The Azure OpenAI wire of the mock server (`testing/_mock_wire_azure.py`): its pure
functions, and the official `openai` SDK's `AzureOpenAI` as the client of a MockServer."""

from __future__ import annotations

import doctest
import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from chatplex.testing import MockServer
from chatplex.testing import _mock_wire_azure
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_routes import wire_for
from chatplex.testing._mock_wire_azure import WIRE
from chatplex.testing._mock_wire_azure import azure_check_auth
from chatplex.testing._mock_wire_azure import azure_error
from chatplex.testing._mock_wire_azure import deployment

HI: Any = [{"role": "user", "content": "hi there"}]  # the SDK's TypedDicts, loosely


@pytest.mark.parametrize(
    "path",
    [
        "/openai/deployments/gpt4o/chat/completions",
        "/azure/openai/deployments/gpt4o/chat/completions",
        "/azure/openai/v1/chat/completions",
    ],
)
def test_azure_paths_route_to_azure(path: str) -> None:
    wire = wire_for(path)
    assert wire is not None and wire.name == "azure"


def test_a_bare_openai_v1_path_stays_chat_completions() -> None:
    wire = wire_for("/openai/v1/chat/completions")  # Groq's
    assert wire is not None and wire.name == "openai"


def test_the_deployment_is_the_model_when_the_body_names_none() -> None:
    path = "/openai/deployments/dep-1/chat/completions"
    assert deployment(path) == "dep-1"
    assert WIRE.request_view(path, {"messages": HI})["model"] == "dep-1"
    assert WIRE.request_view(path, {"model": "m", "messages": HI})["model"] == "m"


def test_auth_needs_api_key_or_bearer() -> None:
    assert azure_check_auth({"api-key": "k"}) is None
    assert azure_check_auth({"authorization": "Bearer t"}) is None
    assert "Access denied" in (azure_check_auth({}) or "")
    assert azure_check_auth({"authorization": "Basic x"}) is not None


def test_error_shapes() -> None:
    assert json.loads(azure_error(401, "invalid_request_error", "denied", None)) == {
        "error": {"code": "401", "message": "denied"}
    }
    refusal = json.loads(azure_error(400, "invalid_request_error", "filtered", "content_filter"))
    inner = refusal["error"]["innererror"]
    assert refusal["error"]["code"] == "content_filter" and refusal["error"]["param"] == "prompt"
    assert inner["code"] == "ResponsibleAIPolicyViolation"
    assert inner["content_filter_result"]["sexual"] == {"filtered": True, "severity": "high"}
    other = json.loads(azure_error(500, "server_error", "boom", None))
    assert other["error"]["type"] == "server_error"


def test_replies_carry_filter_results() -> None:
    reply = plan_reply("openai", {"messages": HI}, text=None, chunks=None, tool_name=None)
    body = json.loads(WIRE.render_json(reply, "r"))
    assert (
        body["prompt_filter_results"][0]["content_filter_results"]["jailbreak"]["detected"] is False
    )
    assert body["choices"][0]["content_filter_results"]["hate"]["filtered"] is False
    events = WIRE.render_events(reply, "r", {"messages": HI})
    first = json.loads(events[0][0][len(b"data: ") :])
    assert first["choices"] == [] and "prompt_filter_results" in first and not events[0][1]
    assert events[-1][0] == b"data: [DONE]\n\n"
    assert sum(is_delta for _, is_delta in events) == len(reply.pieces)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_mock_wire_azure)
    assert failures == 0 and tried > 0


# ---------------------------------------------------------------- the SDK as the client


@pytest.fixture(scope="module")
def client(server: MockServer) -> Iterator[openai.AzureOpenAI]:
    with openai.AzureOpenAI(
        azure_endpoint=server.azure_endpoint,
        api_key="k",
        api_version="2024-10-21",
        azure_deployment="dep",
        max_retries=0,
    ) as sdk:
        yield sdk


def test_the_sdk_reads_a_reply_and_a_stream(client: openai.AzureOpenAI) -> None:
    reply = client.chat.completions.create(model="gpt-4o", messages=HI)
    assert reply.choices[0].message.content == "Echo: hi there"
    assert reply.model_extra and "prompt_filter_results" in reply.model_extra
    stream = client.chat.completions.create(
        model="gpt-4o",
        messages=HI,
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Echo: hi there" and chunks[-1].usage is not None


def test_the_sdk_sees_content_filter_refusals(client: openai.AzureOpenAI) -> None:
    fault = {"x-mock-fault": "content_filter"}
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="m", messages=HI, extra_headers=fault)
    assert caught.value.code == "content_filter"
    stream = client.chat.completions.create(
        model="m",
        messages=HI,
        stream=True,
        extra_headers=fault,
    )
    finishes = [c.choices[0].finish_reason for c in stream if c.choices]
    assert finishes[-1] == "content_filter"


async def test_the_async_sdk_on_azures_v1_path(server: MockServer) -> None:
    base = server.azure_endpoint + "/openai/v1/"
    async with openai.AsyncOpenAI(base_url=base, api_key="k") as client:
        reply = await client.chat.completions.create(model="m", messages=HI)
    assert reply.choices[0].message.content == "Echo: hi there"


def test_a_request_without_a_key_is_refused(server: MockServer) -> None:
    path = "/openai/deployments/d/chat/completions?api-version=2024-10-21"
    response = httpx.post(server.azure_endpoint + path, json={"messages": HI})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "401"
