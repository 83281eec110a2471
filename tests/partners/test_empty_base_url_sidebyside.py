"""A base URL given as "" (a script's `os.environ.get("X", "")`) while a variable naming
one is set, side by side: langchain-groq, -anthropic and -cohere hand their SDK the empty
string, which it takes as the base of every request and fails on (a connection error, or
httpx's refusal of a URL without a scheme: no request is sent); the drop-in takes "" as
no base URL and sends where the variable says. A kept difference: LangChain raises an
error (`Reason.RAISES`)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import raised


def _chat_completion(seen: Seen) -> Reply:
    message = {"role": "assistant", "content": "Paris"}
    body = {"id": "c1", "object": "chat.completion", "created": 1, "model": "m"}
    body["choices"] = [{"index": 0, "message": message, "finish_reason": "stop"}]
    return Reply(200, [json.dumps(body).encode()])


def _anthropic_message(seen: Seen) -> Reply:
    body = {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x"}
    body |= {"content": [{"type": "text", "text": "Paris"}], "stop_reason": "end_turn"}
    body["usage"] = {"input_tokens": 3, "output_tokens": 1}
    return Reply(200, [json.dumps(body).encode()])


def _cohere_chat(seen: Seen) -> Reply:
    body = {"id": "r1", "finish_reason": "COMPLETE"}
    body["message"] = {"role": "assistant", "content": [{"type": "text", "text": "Paris"}]}
    body["usage"] = {"tokens": {"input_tokens": 3, "output_tokens": 1}}
    return Reply(200, [json.dumps(body).encode()])


#: Class → (partner module, its keywords, a variable the drop-in reads a base URL from
#: where none is given, the server's answer, the class of what the partner raises).
WIRES: dict[str, tuple[str, dict[str, Any], str, Callable[[Seen], Reply], str]] = {
    "ChatGroq": (
        "langchain_groq",
        {"api_key": "k"},
        "GROQ_BASE_URL",
        _chat_completion,
        "APIConnectionError",
    ),
    "ChatAnthropic": (
        "langchain_anthropic",
        {"api_key": "k"},
        "ANTHROPIC_API_URL",
        _anthropic_message,
        "AnthropicConnectionError",
    ),
    "ChatCohere": (
        "langchain_cohere",
        {"cohere_api_key": "k"},
        "CO_API_URL",
        _cohere_chat,
        "UnsupportedProtocol",
    ),
}


@pytest.mark.parametrize("name", sorted(WIRES))
def test_an_empty_base_url_is_none_given(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    module, keywords, variable, answer, raised_class = WIRES[name]
    partner = getattr(pytest.importorskip(module), name)
    server.handler = answer
    monkeypatch.setenv(variable, server.url)
    built = {"model": "claude-x", "base_url": "", "max_retries": 0, **keywords}
    before = len(server.seen)  # (the module's server)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = raised(lambda: partner(**built).invoke("hi"))
        assert len(server.seen) == before  # refused by its SDK's client: nothing sent
        ours = getattr(chatplex.langchain, name)(**built).invoke("hi")
    assert type(theirs["error"]).__name__ == raised_class, theirs
    assert ours.content == "Paris" and len(server.seen) == before + 1
