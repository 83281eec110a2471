"""ChatAnthropicVertex side by side: each script runs with langchain-google-vertexai's
`ChatAnthropicVertex` (the anthropic SDK's `AnthropicVertex` client, pointed at the
server by `base_url`, with a fixed `access_token`) and with chatplex's, the same
constructor call against the same scripted Vertex AI endpoint
(`/projects/<p>/locations/<l>/publishers/anthropic/models/<m>:rawPredict`,
`:streamRawPredict`: Anthropic's Messages replies and events, the Anthropic suite's);
what each returns or raises is compared field by field, with the requests the server got
(path, body, the headers a script decides).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import compared_headers
from tests.partners._sidebyside import constructed
from tests.partners._sidebyside import init_chat_model_for
from tests.partners._sidebyside import instance_of
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import observe
from tests.partners._sidebyside import raised
from tests.partners._sidebyside import sum_schema
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import ANSWER
from tests.partners.anthropic.test_anthropic_sidebyside import failing
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

garden = pytest.importorskip("langchain_google_vertexai.model_garden")
sdk = pytest.importorskip("anthropic")
lc = pytest.importorskip("langchain_core.messages")

from chatplex.langchain import ChatAnthropicVertex as OurChat  # noqa: E402

MODEL = "claude-sonnet-4-5@20250929"
PROJECT = "proj-1"
LOCATION = "us-east5"
TOKEN = "fake-token"
ENV = ("ANTHROPIC_VERTEX_BASE_URL", "CLOUD_ML_REGION", "GOOGLE_CLOUD_PROJECT")


def model(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model_name", MODEL)
    return cls(project=PROJECT, location=LOCATION, access_token=TOKEN, base_url=url, **settings)


# ---- the scripts: (server reply, script(ChatAnthropicVertex, url) -> result) -----------


def fields(cls: Any, url: str) -> Any:
    """Its fields as a script reads them: given, defaulted, and the model's output limit
    from its profile (a model it names, one it does not)."""
    built, said = constructed(lambda: model(cls, url))
    other = model(cls, url, model_name="claude-3-haiku@20240307", max_tokens=100)
    read = ("model_name", "project", "location", "max_output_tokens", "max_retries")
    return {
        "fields": {name: getattr(built, name) for name in (*read, "stream_usage", "streaming")},
        "other": [other.max_output_tokens, other.model_name],
        "llm_type": built._llm_type,
        "said": said,
    }


def invoke_text(cls: Any, url: str) -> Any:
    return model(cls, url).invoke("Hi")


def ainvoke_text(cls: Any, url: str) -> Any:
    return asyncio.run(model(cls, url).ainvoke("Hi"))


def settings_sent(cls: Any, url: str) -> Any:
    """Its sampling settings, stop words and a system message, as sent."""
    chat = model(cls, url, temperature=0.2, top_p=0.9, top_k=5, max_tokens=256)
    messages = [lc.SystemMessage("Be brief."), lc.HumanMessage("Hi")]
    return attempted(lambda: chat.invoke(messages, stop=["END"]).content)


def stream_merged(cls: Any, url: str) -> Any:
    """A stream merged: its text, usage and stop (each chunk's shape aside)."""
    whole = merged(list(model(cls, url).stream("Hi")))
    return {"content": whole.content, "usage": whole.usage_metadata}


def tool_call(cls: Any, url: str) -> Any:
    reply = model(cls, url).bind_tools([add]).invoke("Add 1 and 2")
    return {"tool_calls": observe(reply.tool_calls), "content": reply.content}


def structured(cls: Any, url: str) -> Any:
    return model(cls, url).with_structured_output(sum_schema(description="A sum.")).invoke("1+2?")


def init_chat_model_garden(cls: Any, url: str) -> Any:
    init_chat_model = init_chat_model_for(cls, OurChat)
    built = init_chat_model(
        "google_anthropic_vertex:" + MODEL,
        project=PROJECT,
        location=LOCATION,
        access_token=TOKEN,
        base_url=url,
    )
    return {"name": built.get_name(), "content": built.invoke("Hi").content}


def no_project(cls: Any, url: str) -> Any:
    err = raised(lambda: cls(model_name=MODEL, access_token=TOKEN, base_url=url))["error"]
    return {"name": type(err).__name__, "value_error": isinstance(err, ValueError)}


def server_error(cls: Any, url: str) -> Any:
    chat = model(cls, url, max_retries=0)
    err = raised(lambda: chat.invoke("Hi"))["error"]
    classes = (sdk.InternalServerError, sdk.APIStatusError, sdk.APIError)
    return {"status": getattr(err, "status_code", None), **instance_of(err, *classes)}


SUM_CALL = {**ADD_CALL, "name": "Sum", "input": {"total": 3}}

SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "fields": (messages_reply(), fields),
    "invoke_text": (messages_reply(), invoke_text),
    "ainvoke_text": (messages_reply(), ainvoke_text),
    "settings_sent": (messages_reply(), settings_sent),
    "stream_merged": (streamed(ANSWER), stream_merged),
    "tool_call": (messages_reply(ADD_CALL, stop="tool_use"), tool_call),
    "structured": (messages_reply(SUM_CALL, stop="tool_use"), structured),
    "init_chat_model": (messages_reply(), init_chat_model_garden),
    "no_project": (messages_reply(), no_project),
    "unavailable_503": (failing(503, "api_error"), server_error),
}


def _sampling_sent(outcome: Outcome) -> Outcome:
    """Theirs raised the SDK's TypeError before any request; ours sent the settings:
    read as theirs once both are seen so."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "TypeError"} and ours == "Hello there, friend.", theirs
    assert their_requests == [] and len(our_requests) == 1, our_requests
    sent = our_requests[0]["body"]
    assert (sent["temperature"], sent["top_p"], sent["top_k"]) == (0.2, 0.9, 5), sent
    assert sent["stop_sequences"] == ["END"] and sent["max_tokens"] == 256, sent
    return theirs, theirs, their_requests, their_requests


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Difference, Callable[[Outcome], Outcome]]] = {
    "settings_sent": (
        Difference(
            Reason.RAISES,
            "a model given `temperature`, `top_p` or `top_k` fails every call before any "
            "request: the anthropic SDK's `messages.create()` no longer takes them (a "
            "TypeError)",
            "they are sent in the request body, as Anthropic's API on Vertex AI takes them",
        ),
        _sampling_sent,
    ),
}

#: Scripts that differ today, and how (each a strict xfail until it matches).
NOT_YET: dict[str, str] = {}

COMPARED_HEADERS = ("authorization", "anthropic-version", "content-type", "x-stainless-timeout")

SUITE = Suite(
    SCRIPTS,
    garden.ChatAnthropicVertex,
    OurChat,
    DIFFERENCES,
    result=observe,
    request=compared_headers(COMPARED_HEADERS),
    collect=True,
    env=ENV,
    not_yet=NOT_YET,
)
test_same_as_langchain_google_vertexai = SUITE.same_test()


def test_every_kept_difference_is_a_script_with_why() -> None:
    assert set(DIFFERENCES) <= set(SCRIPTS)
    assert set(NOT_YET) <= set(SCRIPTS)


def test_the_output_limits_are_its_profiles() -> None:
    from langchain_google_vertexai.data._profiles import _PROFILES

    from chatplex.providers.google.anthropic_vertex_dropin import MAX_OUTPUT_TOKENS

    theirs = {k: v["max_output_tokens"] for k, v in _PROFILES.items() if k.startswith("claude")}
    assert theirs == MAX_OUTPUT_TOKENS
