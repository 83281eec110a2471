"""API parameters langchain-openai's classes have no field for (`user`, `tools`,
`response_format`, ...; `dropin_record.UNNAMED_PARAMETERS`), given to the constructor:
its validator moves them into `model_kwargs` with its warning, serializes them there
and sends them from there. Before, the drop-ins sent them alike but held them apart:
no warning, an empty `model_kwargs`, and a dump without them (a serialization round
trip lost them). Each case builds the partner's class and the drop-in with the same
keywords against the module's server and compares the warnings naming the keyword,
`model_kwargs`, the serialized `model_kwargs` and the field the request sent.

Then: a copy (`model_copy(update=...)`) and an assigned field, after which the
partner's validators do not run again, warn nothing on either side."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

import chatplex.langchain
from chatplex.providers.openai.dropin_record import UNNAMED_PARAMETERS
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer

langchain_openai = pytest.importorskip("langchain_openai")

_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
_TOOL = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
#: Chat Completions parameters and a value of each (the server answers them all).
VALUES: dict[str, Any] = {
    "audio": {"voice": "alloy", "format": "wav"},
    "function_call": "auto",
    "functions": [{"name": "f", "parameters": {"type": "object"}}],
    "modalities": ["text"],
    "moderation": {"categories": ["x"]},
    "parallel_tool_calls": False,
    "prediction": {"type": "content", "content": "x"},
    "prompt_cache_key": "k1",
    "prompt_cache_retention": "24h",
    "response_format": {"type": "json_object"},
    "safety_identifier": "s-1",
    "stream_options": {"include_usage": True},
    "tool_choice": "none",
    "tools": [_TOOL],
    "user": "u-1",
    "web_search_options": {},
}


def _keywords(name: str, url: str) -> dict[str, Any]:
    if name == "AzureChatOpenAI":
        return {
            "azure_deployment": "d",
            "azure_endpoint": url,
            "api_version": "2024-10-21",
            "api_key": "k",
            "max_retries": 0,
        }
    return {"model": "gpt-4o-mini", "base_url": url + "/v1", "api_key": "k", "max_retries": 0}


def _transferred(said: list[warnings.WarningMessage], keyword: str) -> int:
    return sum(f"{keyword} was transferred to model_kwargs" in str(w.message) for w in said)


def _seen(name: str, given: dict[str, Any], server: ScriptedServer) -> list[Any]:
    """Per class (the partner's, the drop-in): the warnings naming the keyword given,
    `model_kwargs`, its serialized `model_kwargs`, and the keyword's field sent."""
    from langchain_core.load import dumpd

    (keyword,) = given
    server.handler = lambda seen: Reply(200, [_REPLY])
    out = []
    for cls in (getattr(langchain_openai, name), getattr(chatplex.langchain, name)):
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            model = cls(**_keywords(name, server.url), **given)
        server.seen.clear()
        model.invoke("hi")
        (request,) = server.seen
        sent = request.body.get(keyword, "<unsent>")
        serialized = dumpd(model)["kwargs"].get("model_kwargs")
        out.append((_transferred(said, keyword), model.model_kwargs, serialized, sent))
    return out


def test_the_table_is_the_api_parameters_the_partner_has_no_field_for() -> None:
    from chatplex.chat.params import api_parameters

    fields = langchain_openai.ChatOpenAI.model_fields
    named = set(fields) | {f.alias for f in fields.values() if f.alias}
    wires = (api_parameters("openai") or set()) | (api_parameters("openai_responses") or set())
    assert wires - named == UNNAMED_PARAMETERS
    assert set(VALUES) == UNNAMED_PARAMETERS & (api_parameters("openai") or set())


@pytest.mark.parametrize("keyword", sorted(VALUES))
@pytest.mark.parametrize("name", ["ChatOpenAI", "AzureChatOpenAI"])
def test_a_parameter_without_a_field_is_moved_into_model_kwargs_as_there(
    name: str, keyword: str, server: ScriptedServer
) -> None:
    value = VALUES[keyword]
    theirs, ours = _seen(name, {keyword: value}, server)
    assert ours == theirs
    assert ours == (1, {keyword: value}, {keyword: value}, value)


@pytest.mark.parametrize(
    ("name", "given"),
    [
        ("ChatOpenAI", {"user": "u-1"}),
        ("AzureChatOpenAI", {"tools": [_TOOL]}),
        ("ChatGroq", {"top_p": 0.5}),
    ],
)
@pytest.mark.parametrize("how", ["copied", "assigned"])
def test_a_copy_or_an_assigned_field_warns_nothing_again(
    name: str, given: dict[str, Any], how: str, server: ScriptedServer
) -> None:
    server.handler = lambda seen: Reply(200, [_REPLY])
    partner = (
        pytest.importorskip("langchain_groq").ChatGroq
        if name == "ChatGroq"
        else getattr(langchain_openai, name)
    )
    keywords = (
        {"model": "m", "base_url": server.url, "api_key": "k", "max_retries": 0}
        if name == "ChatGroq"
        else _keywords(name, server.url)
    )
    (keyword,) = given
    seen = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        with warnings.catch_warnings(record=True) as built:
            warnings.simplefilter("always")
            model = cls(**keywords, **given)
        with warnings.catch_warnings(record=True) as later:
            warnings.simplefilter("always")
            if how == "copied":
                model = model.model_copy(update={"temperature": 0.2})
            else:
                model.temperature = 0.2
            server.seen.clear()
            model.invoke("hi")
        (request,) = server.seen
        sent = request.body[keyword]
        seen.append((_transferred(built, keyword), _transferred(later, keyword), sent))
    theirs, ours = seen
    assert ours == theirs
    assert ours[:2] == (1, 0)
