"""A success reply whose body is not JSON (a proxy's page with a 200), side by side at
each partner's default retries: every partner's SDK raises the decoder's error at the
first request, so the drop-in sends one too and raises the same class. chatplex's own
models retry it (the page may pass)."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex.langchain
from chatplex import init_chat_model
from chatplex.errors import APIError
from tests.partners._builds import AT_URL
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import scripted_server

#: Beside `AT_URL`'s: classes whose keys are given as keywords.
CASES = {
    **AT_URL,
    "ChatOpenAI-responses": (
        "langchain_openai",
        lambda url: {"model": "gpt-4o-mini", "base_url": url, "use_responses_api": True},
    ),
    "ChatCohere": ("langchain_cohere", lambda url: {"model": "command-r", "base_url": url}),
    "ChatOllama": ("langchain_ollama", lambda url: {"model": "llama3", "base_url": url}),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        lambda url: {"model": "gemini-2.5-flash", "base_url": url, "google_api_key": "k"},
    ),
    "ChatBedrockConverse": (
        "langchain_aws",
        lambda url: {
            "model": "anthropic.claude-3-haiku-20240307-v1:0",
            "endpoint_url": url,
            "region_name": "us-east-1",
            "aws_access_key_id": "a",
            "aws_secret_access_key": "s",
        },
    ),
}

_PAGE = Reply(200, [b"<html>Please log in</html>"], "application/json")


def _sent(model: Any) -> tuple[int, BaseException]:
    """Requests sent to a server whose every reply is a page, and what the call raised."""
    with scripted_server() as server:
        server.handler = lambda seen: _PAGE
        with pytest.raises(Exception) as raised:  # noqa: PT011 - the class is compared
            model(server.url).invoke("Hi")
        return len(server.seen), raised.value


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_reply_that_is_not_json_is_sent_once_and_raised_as_by_the_partner(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = case.partition("-")[0]
    module, keywords = CASES[case]
    partner = getattr(pytest.importorskip(module), name)
    for provider in ("OPENAI", "GROQ", "DEEPSEEK", "XAI", "TOGETHER", "FIREWORKS", "MISTRAL",
                     "ANTHROPIC", "COHERE"):  # fmt: skip
        monkeypatch.setenv(f"{provider}_API_KEY", "test-key")
    sent_theirs, theirs = _sent(lambda url: partner(**keywords(url)))
    sent_ours, ours = _sent(lambda url: getattr(chatplex.langchain, name)(**keywords(url)))
    assert (sent_ours, sent_theirs) == (1, 1)
    assert isinstance(ours, type(theirs)), (type(theirs).__mro__, type(ours).__mro__)


@pytest.mark.usefixtures("chatplex_retries_at_once")
def test_chatplexs_own_model_retries_a_reply_that_is_not_json() -> None:
    def own(url: str) -> Any:
        return init_chat_model("openai:gpt-4o-mini", base_url=url, api_key="sk-test")

    sent, raised = _sent(own)
    assert sent == 3  # max_retries=2
    assert isinstance(raised, APIError) and raised.retryable
