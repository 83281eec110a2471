"""A Gemini server for the drop-ins' tests: an httpx MockTransport answering
generateContent / streamGenerateContent / countTokens as Gemini does, and fake google-auth
credentials for Vertex AI."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from chatplex.chat import ChatModel
from chatplex.providers.google import vertex_dropin
from chatplex.providers.google.dropin import build

KEY = "AIza-test-key"


def ChatGoogleGenerativeAI(**keywords: Any) -> ChatModel:  # noqa: N802 (the engine's name)
    """The model the drop-in builds from `keywords` (`dropin.build`), called as the engine
    class it replaced (decision 013)."""
    return build(keywords)


def ChatVertexAI(**keywords: Any) -> ChatModel:  # noqa: N802 (the engine's name)
    """The model the Vertex AI drop-in builds from `keywords` (`vertex_dropin.build`),
    called as the engine class it replaced (decision 013)."""
    return vertex_dropin.build(keywords)


@pytest.fixture(autouse=True)
def no_google_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key, project, location or base URL from the environment of the machine running
    the tests."""
    for name in (
        "GOOGLE_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_GEMINI_BASE_URL",
        "GOOGLE_CLOUD_PROJECT",
        "GOOGLE_CLOUD_LOCATION",
        "GOOGLE_CLOUD_REGION",
        "CLOUD_ML_REGION",
        "GOOGLE_VERTEX_BASE_URL",
    ):
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


class FakeCredentials:
    token: str | None = None
    valid = False
    project_id = "proj-from-creds"

    def refresh(self, request: Any) -> None:
        self.token, self.valid = "ya29.vertex", True


def vertex(server: Gemini, **settings: Any) -> ChatModel:
    """ChatVertexAI's model (chatplex's engine) over `server`, with fake credentials."""
    return ChatVertexAI(**_vertex_keywords(server), **settings)


def vertex_dropin_model(server: Gemini, **settings: Any) -> Any:
    """The drop-in (`chatplex.langchain.ChatVertexAI`) `vertex` builds the model of."""
    import chatplex.langchain

    return chatplex.langchain.ChatVertexAI(**_vertex_keywords(server), **settings)


def _vertex_keywords(server: Gemini) -> dict[str, Any]:
    return {
        "model": "gemini-2.5-flash",
        "project": "p",
        "credentials": FakeCredentials(),
        "http_client": server.client(),
        "http_async_client": server.async_client(),
    }


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits a model's retries choose, in order, none slept (its policy is made with
    these sleeps: a model built after the fixture)."""
    from chatplex.chat import retrying
    from chatplex.core.retry import retry_policy

    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    def made(*args: Any, **kwargs: Any) -> Any:
        return retry_policy(*args, sleep=sleep, asleep=asleep, **kwargs)

    monkeypatch.setattr(retrying, "_retry_policy", made)
    return waits


def genai(server: Gemini, **settings: Any) -> ChatModel:
    """ChatGoogleGenerativeAI over `server`, in one attempt unless `settings` say more."""
    return build(
        {
            "model": "gemini-2.5-flash",
            "google_api_key": KEY,
            "http_client": server.client(),
            "http_async_client": server.async_client(),
            "max_retries": 0,
            **settings,
        }
    )


def stops_sent(server: Gemini, model: Any) -> list[Any]:
    """The `stopSequences` `model` sends to `server` called plainly, then with a call's
    `stop=["HALT"]`, by invoke and by ainvoke."""
    import asyncio

    model.invoke("Hi")
    model.invoke("Hi", stop=["HALT"])
    asyncio.run(model.ainvoke("Hi", stop=["HALT"]))
    return [server.body(n)["generationConfig"]["stopSequences"] for n in range(-3, 0)]


def sends_a_legacy_call(model: Any, server: Gemini, said: str, response: dict[str, Any]) -> None:
    """`model` (a drop-in on `server`) sends a legacy function call (the assistant turn's
    `additional_kwargs`, its text `said`) answered by a `FunctionMessage`, by invoke and
    ainvoke: the call as a `functionCall` alone, the answer as `response`."""
    from langchain_core import messages as lc

    call = {"name": "get_weather", "arguments": '{"location": "Paris"}'}
    history = [
        lc.HumanMessage("Weather?"),
        lc.AIMessage(said, additional_kwargs={"function_call": call}),
        lc.FunctionMessage("It is sunny.", name="get_weather"),
    ]
    model.invoke(history)
    asyncio.run(model.ainvoke(history))
    answer = {"name": "get_weather", "response": response}
    for n in (0, 1):
        assert server.body(n)["contents"] == [
            {"role": "user", "parts": [{"text": "Weather?"}]},
            {
                "role": "model",
                "parts": [{"functionCall": {"name": "get_weather", "args": {"location": "Paris"}}}],
            },
            {"role": "user", "parts": [{"functionResponse": answer}]},
        ]
