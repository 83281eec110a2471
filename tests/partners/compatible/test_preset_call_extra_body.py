"""A call's `extra_body` on the presets whose partner hands it to an SDK, side by side with
the partner: it REPLACES the constructor's, as langchain-openai's `BaseChatOpenAI`
(langchain-xai, -deepseek, -together, -nebius) and the packages that keep an unknown
`extra_body` in `model_kwargs` (langchain-groq, -fireworks, -perplexity, -sambanova)
build their payload `{**default_params, **kwargs}`; and the constructor's, merged last by
the SDK, covers a call's own value of the same field. langchain-mistralai is not among
them: it posts `extra_body` itself, as a body field.

Each case builds the partner's class and the drop-in with the same keywords, pointed at
one scripted server by the partner's base URL variable, makes the same call, and
compares the fields of the body the case is about."""

from __future__ import annotations

import asyncio
import copy
import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import scripted_server
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_nebius_sidebyside import NEBIUS
from tests.partners.compatible.test_sambanova_sidebyside import SAMBANOVA

_PRESETS = {
    **{name: p for name, p in PACKAGES.items() if name != "mistralai"},
    "nebius": NEBIUS,
    "sambanova": SAMBANOVA,
}
_REPLY = json.dumps(chat_completion("hi", created=1)).encode()
_CHUNK = {
    "id": "c1",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "m",
    "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": "stop"}],
}
_STREAM = [b"data: " + json.dumps(_CHUNK).encode() + b"\n\n", b"data: [DONE]\n\n"]
#: The body fields the cases set.
_FIELDS = ("a", "b", "top_p", "extra_body")

#: name -> (constructor keywords, how the call is made, its keywords or bound ones).
_CASES: dict[str, tuple[dict[str, Any], str, dict[str, Any]]] = {
    "a call's replaces the constructor's": (
        {"extra_body": {"a": 1, "b": 1}},
        "invoke",
        {"extra_body": {"b": 2}},
    ),
    "a stream's replaces it too": ({"extra_body": {"a": 1}}, "stream", {"extra_body": {"b": 2}}),
    "an async call's too": ({"extra_body": {"a": 1}}, "ainvoke", {"extra_body": {"b": 2}}),
    "a bound one too": ({"extra_body": {"a": 1}}, "bind", {"extra_body": {"b": 2}}),
    "what it covered comes back": (
        {"extra_body": {"top_p": 0.5}, "top_p": 0.2},
        "invoke",
        {"extra_body": {"b": 2}},
    ),
    "it covers a call's own field": ({"extra_body": {"top_p": 0.5}}, "invoke", {"top_p": 0.9}),
    "without a call's, it is sent": ({"extra_body": {"a": 1}}, "invoke", {}),
}


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as served:
        served.handler = _answer
        yield served


def _answer(seen: Seen) -> Reply:
    if isinstance(seen.body, dict) and seen.body.get("stream"):
        return Reply(200, _STREAM, content_type="text/event-stream")
    return Reply(200, [_REPLY])


def _sent(model: Any, how: str, keywords: dict[str, Any], server: ScriptedServer) -> Any:
    server.seen.clear()
    if how == "invoke":
        model.invoke("hi", **keywords)
    elif how == "ainvoke":
        asyncio.run(model.ainvoke("hi", **keywords))
    elif how == "stream":
        list(model.stream("hi", **keywords))
    else:
        model.bind(**keywords).invoke("hi")
    (seen,) = server.seen
    return {k: v for k, v in seen.body.items() if k in _FIELDS}


@pytest.mark.parametrize("case", list(_CASES))
@pytest.mark.parametrize("name", sorted(_PRESETS))
def test_a_calls_extra_body_replaces_the_constructors_as_on_the_partner(
    name: str, case: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    package: Package = _PRESETS[name]
    partner = package.partner()
    monkeypatch.setenv(package.base_variable, package.base(server.url))
    monkeypatch.setenv(package.key_variable, "sk-test-0000")
    given, how, keywords = _CASES[case]
    sent = []
    for cls in (partner, package.ours()):
        with warnings.catch_warnings():  # (their warning of `extra_body` moved, ours)
            warnings.simplefilter("ignore")
            model = cls(model=package.model, max_retries=0, **copy.deepcopy(given))
        sent.append(_sent(model, how, copy.deepcopy(keywords), server))
    theirs, ours = sent
    assert ours == theirs
    assert "extra_body" not in ours  # (the SDK merges it into the body)
