"""ChatGoogleGenerativeAI on Vertex AI side by side: langchain-google-genai (4.0 on) sends
to Vertex AI where `vertexai=True`, a project or credentials are given, or
`GOOGLE_GENAI_USE_VERTEXAI` says so (LangChain's way to Gemini on Vertex AI now that
ChatVertexAI is deprecated); the drop-in sends the same requests to the same paths with
the same credential, and reads the replies alike. The server is the script's own
(`base_url`, with the project and location given, as google-genai then builds the usual
paths); credentials are a google-auth token that needs no refresh.

Which backend each setting chooses, and what is not built (a gateway of one's own):
test_google_vertex_backend.py."""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import run_both
from tests.partners.google.test_google_sidebyside import gemini_replies

genai = pytest.importorskip("langchain_google_genai")
oauth2 = pytest.importorskip("google.oauth2.credentials")

import chatplex.langchain  # noqa: E402

_VARIABLES = ("GOOGLE_API_KEY", "GEMINI_API_KEY", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION")


class City(BaseModel):
    """A city."""

    name: str


def _model(cls: Any, url: str, **settings: Any) -> Any:
    given: dict[str, Any] = {
        "model": "gemini-2.5-flash",
        "vertexai": True,
        "project": "proj-1",
        "location": "us-central1",
        "credentials": oauth2.Credentials(token="tok-1"),
        "base_url": url,
        "max_retries": 0,
    }
    given.update(settings)
    return cls(**{k: v for k, v in given.items() if v is not None})


def _read_and_invoke(model: Any) -> Any:
    """The model's name as it reads back (and is identified by), and a reply."""
    return {"model": model.model, "identifying": model._identifying_params.get("model")}, (
        model.invoke("Hi")
    )


def _stream(model: Any) -> list[Any]:
    return [chunk.content for chunk in model.stream("Hi")]


_WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather in a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}

_TEXT = {"type": "text", "text": "Summarise it."}
_PDF = {"type": "file", "url": "gs://bucket/report.pdf", "mime_type": "application/pdf"}
_NAMED = "google_genai:gemini-2.5-flash"
_VERTEX = {"vertexai": True, "project": "proj-1", "location": "us-central1", "max_retries": 0}


def _vertex_reply(seen: Seen) -> Reply:
    """A reply as Vertex AI words it: its creation time, traffic type, token details."""
    usage = {
        "promptTokenCount": 3,
        "candidatesTokenCount": 1,
        "totalTokenCount": 4,
        "trafficType": "ON_DEMAND",
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}],
    }
    body = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "Hi"}]},
                "finishReason": "STOP",
                "avgLogprobs": -0.1,
            }
        ],
        "usageMetadata": usage,
        "modelVersion": "gemini-2.5-flash",
        "createTime": "2026-12-06T05:00:00.123456Z",
        "responseId": "resp-v",
    }
    return Reply(200, [json.dumps(body).encode()])


def _init(cls: Any) -> Callable[..., Any]:
    """LangChain's `init_chat_model`, or the drop-in's, as the class's side has it, with
    the credentials."""
    made: Callable[..., Any] = chatplex.langchain.init_chat_model
    if not cls.__module__.startswith("chatplex"):
        from langchain.chat_models import init_chat_model as made

    return functools.partial(made, credentials=oauth2.Credentials(token="tok-1"))


#: name -> (script(cls, url), the server's replies)
SCRIPTS: dict[str, tuple[Callable[[Any, str], Any], Callable[[Seen], Reply]]] = {
    "invoke": (lambda cls, url: _model(cls, url).invoke("Hi"), gemini_replies()),
    "stream": (lambda cls, url: _stream(_model(cls, url)), gemini_replies()),
    "ainvoke": (lambda cls, url: asyncio.run(_model(cls, url).ainvoke("Hi")), gemini_replies()),
    "location_global": (
        lambda cls, url: _model(cls, url, location="global").invoke("Hi"),
        gemini_replies(),
    ),
    "model_with_models_prefix": (
        lambda cls, url: _read_and_invoke(_model(cls, url, model="models/gemini-2.5-flash")),
        gemini_replies(),
    ),
    "publishers_model": (
        lambda cls, url: _model(cls, url, model="google/gemini-2.5-flash").invoke("Hi"),
        gemini_replies(),
    ),
    "project_chooses_vertex": (
        lambda cls, url: _model(cls, url, vertexai=None).invoke("Hi"),
        gemini_replies(),
    ),
    "express_mode_key": (
        lambda cls, url: _model(
            cls, url, project=None, location=None, credentials=None, api_key="AQ-express"
        ).invoke("Hi"),
        gemini_replies(),
    ),
    "api_version_v1": (
        lambda cls, url: _model(cls, url, api_version="v1").invoke("Hi"),
        gemini_replies(),
    ),
    "structured_output": (
        lambda cls, url: _model(cls, url).with_structured_output(City).invoke("Paris?"),
        gemini_replies([{"text": '{"name": "Paris"}'}]),
    ),
    "tool_call": (
        lambda cls, url: _model(cls, url).bind_tools([_WEATHER]).invoke("Weather in Oslo?"),
        gemini_replies([{"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}]),
    ),
    "token_count": (
        lambda cls, url: _model(cls, url).get_num_tokens("hello there"),
        gemini_replies(),
    ),
    "labels_a_vertex_field": (
        lambda cls, url: _model(cls, url, labels={"team": "search"}).invoke("Hi"),
        gemini_replies(),
    ),
    "thinking": (
        lambda cls, url: _model(cls, url, thinking_budget=128, include_thoughts=True).invoke("Hi"),
        gemini_replies([{"text": "Let me see.", "thought": True}, {"text": "Hello."}]),
    ),
    "file_in_cloud_storage": (
        lambda cls, url: _model(cls, url).invoke([("user", [_TEXT, _PDF])]),
        gemini_replies(),
    ),
    "vertex_shaped_reply": (lambda cls, url: _model(cls, url).invoke("Hi"), _vertex_reply),
    "init_chat_model": (
        lambda cls, url: _init(cls)(_NAMED, **_VERTEX, base_url=url).invoke("Hi"),
        gemini_replies(),
    ),
    "error_status": (
        lambda cls, url: _raised(lambda: _model(cls, url).invoke("Hi")),
        gemini_replies(
            status=403, error={"code": 403, "message": "denied", "status": "PERMISSION_DENIED"}
        ),
    ),
}


def _raised(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as err:  # noqa: BLE001 (what each raises is what is compared)
        return {"raised": type(err).__name__, "module": type(err).__module__.split(".")[0]}


def _request(seen: Seen) -> Any:
    """What was sent: where, the credential it carried, the body."""
    credential = {
        name: value
        for name, value in seen.headers.items()
        if name.lower() in ("authorization", "x-goog-api-key", "x-goog-user-project")
    }
    return {"method": seen.method, "path": seen.path, "credential": credential, "body": seen.body}


@pytest.fixture(autouse=True)
def _no_google_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in (*_VARIABLES, "GOOGLE_GENAI_USE_VERTEXAI"):
        monkeypatch.delenv(variable, raising=False)


def _on_both(server: ScriptedServer, script: Callable[[Any], Any]) -> Any:
    """`script(cls)` with the partner's class, then the drop-in's, against `server`: what
    each returned and what it sent (`run_both`'s outcome)."""
    return run_both(
        server,
        lambda: script(genai.ChatGoogleGenerativeAI),
        lambda: script(chatplex.langchain.ChatGoogleGenerativeAI),
        result=observe,
        request=_request,
        collect=True,
    )


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_google_genai_on_vertex_ai(name: str, server: ScriptedServer) -> None:
    script, replies = SCRIPTS[name]
    server.handler = replies
    outcome = _on_both(server, lambda cls: script(cls, server.url))
    assert_same(outcome)
    assert outcome[2], "the partner sent nothing: the script shows nothing"


def test_the_variable_chooses_vertex_ai_for_both(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    server.handler = gemini_replies()
    outcome = _on_both(
        server,
        lambda cls: _model(cls, server.url, vertexai=None, location="europe-west4").invoke("Hi"),
    )
    assert_same(outcome)
    assert outcome[2][0]["path"].startswith("/v1beta1/projects/proj-1/locations/europe-west4/")


def test_the_environments_key_is_express_mode_for_both(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No credentials, project or location: `GOOGLE_API_KEY` (the key field's fallback,
    on both) is express mode's key, sent to the server given as google-genai sends it."""
    monkeypatch.setenv("GOOGLE_API_KEY", "AQ-from-env")
    server.handler = gemini_replies()
    outcome = _on_both(
        server,
        lambda cls: _model(cls, server.url, project=None, location=None, credentials=None).invoke(
            "Hi"
        ),
    )
    assert_same(outcome)
    assert outcome[2][0]["credential"] == {"x-goog-api-key": "AQ-from-env"}
