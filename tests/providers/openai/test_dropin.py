"""ChatOpenAI (providers/openai/dropin.py): max_tokens sent as langchain-openai sends
it. Its aliases, refusals and API-parameter checks, shared with ChatAnthropic, are tested
in tests/chat/test_dropin_models.py; its Responses-API choice in
tests/chat/test_openai_model_responses.py."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.lean import ChatOpenAI
from chatplex.lean import init_chat_model
from tests.chat.test_dropin_models import _chatplex_body
from tests.chat.test_dropin_models import _langchain_body


@pytest.mark.parametrize("base_url", [None, "https://gateway.example/v1"])
@pytest.mark.parametrize("name", ["gpt-4o-mini", "o3", "gpt-5"])
@pytest.mark.parametrize("alias", ["max_tokens", "max_completion_tokens"])
def test_openai_sends_max_completion_tokens_as_langchain_openai(
    base_url: str | None, name: str, alias: str
) -> None:
    import langchain_openai

    settings: dict[str, Any] = {alias: 50}
    if base_url:
        settings["base_url"] = base_url
    theirs = langchain_openai.ChatOpenAI(model=name, api_key="sk-test", **settings)
    ours = ChatOpenAI(model=name, api_key="sk-test", **settings)
    expected = _langchain_body(theirs, theirs)
    got = _chatplex_body(ours)
    assert got == expected
    assert got["max_completion_tokens"] == 50 and "max_tokens" not in got
    assert _chatplex_body(ours.bind(max_tokens=5))["max_completion_tokens"] == 5


def test_init_chat_models_openai_model_sends_max_completion_tokens_anywhere() -> None:
    # As LangChain's init_chat_model (a ChatOpenAI): max_completion_tokens to any server.
    model = init_chat_model(
        "openai:llama3", base_url="http://127.0.0.1:9/v1", api_key="k", max_tokens=9
    )
    body = _chatplex_body(model)
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body
