"""What a callback's `on_chat_model_start` gets among a structured run's options
(`ls_structured_output_format`, which LangSmith and tracers record) where a partner
names it its own way: langchain-google-genai and -vertexai name json_mode as asked (their
wire sends it as a schema). Side by side with the partner classes, the same calls against
chatplex's mock server (whatever the reply parses to: the run's start is what is
compared). The compatible wires' are tests/partners/compatible/test_structured_traced.py;
langchain-cohere's, which binds none, tests/partners/cohere/ (a kept difference)."""

from __future__ import annotations

import contextlib
import importlib
import warnings
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex.langchain
from chatplex.testing import MockServer

METHODS = ("function_calling", "json_schema", "json_mode")
_NONE = "<not traced>"


class Sum(BaseModel):
    """A sum."""

    total: int


def _vertex_credentials() -> Any:
    from google.oauth2 import credentials

    return credentials.Credentials(token="ya29.mock-token")  # type: ignore[no-untyped-call]


#: name -> (partner module, constructor call for the server's URL)
CLASSES: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        lambda url: {"model": "gemini-2.0-flash", "google_api_key": "k", "base_url": url},
    ),
    "ChatVertexAI": (
        "langchain_google_vertexai",
        lambda url: {
            "model": "gemini-2.5-flash",
            "project": "proj",
            "location": "us-east5",
            "credentials": _vertex_credentials(),
            "api_transport": "rest",
            "base_url": url,
        },
    ),
}


def traced(cls: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """Each method's run's `ls_structured_output_format` kwargs, as a callback gets them."""
    from langchain_core.callbacks import BaseCallbackHandler

    seen: dict[str, Any] = {}

    for method in METHODS:

        class Started(BaseCallbackHandler):
            def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
                found = kwargs["options"].get("ls_structured_output_format")
                seen[method] = _NONE if found is None else found["kwargs"]  # noqa: B023

        schema = Sum.model_json_schema() if method == "json_mode" else Sum
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structured = cls(**settings).with_structured_output(schema, method=method)
            # The reply's parse (the mock server's echo is no JSON) is not compared.
            with contextlib.suppress(Exception):
                structured.invoke("1+2?", config={"callbacks": [Started()]})
    return seen


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_structured_run_is_traced_as_its_partner_traces_it(name: str) -> None:
    module, settings = CLASSES[name]
    partner = getattr(importlib.import_module(module), name)
    with MockServer() as server:
        theirs = traced(partner, settings(server.url))
        ours = traced(getattr(chatplex.langchain, name), settings(server.url))
    assert ours == theirs
    assert theirs["json_mode"] == {"method": "json_mode"}
