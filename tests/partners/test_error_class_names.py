"""The class name a script, a log or a tracer sees for a provider's error status: the
drop-in's `type(err).__module__` and `__qualname__` are its partner package's, on the
same bytes (a local server answering every request with the status), and the error is
an instance of the partner's class. chatplex's own family names chatplex's class."""

from __future__ import annotations

import contextlib
import functools
import importlib
import json
import warnings
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest

import chatplex
from chatplex import errors
from tests._local_server import Answering
from tests._local_server import serving

#: Drop-in name -> (partner module, constructor keywords given the server's URL).
CASES: dict[str, tuple[str, Any]] = {
    "ChatOpenAI": ("langchain_openai", lambda u: {"base_url": f"{u}/v1", "api_key": "k"}),
    "ChatAnthropic": ("langchain_anthropic", lambda u: {"base_url": u, "api_key": "k"}),
    "ChatGroq": ("langchain_groq", lambda u: {"base_url": u, "api_key": "k"}),
    "ChatMistralAI": ("langchain_mistralai", lambda u: {"endpoint": f"{u}/v1", "api_key": "k"}),
    "ChatOllama": ("langchain_ollama", lambda u: {"base_url": u}),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        lambda u: {"base_url": u, "google_api_key": "k"},
    ),
    "ChatCohere": ("langchain_cohere", lambda u: {"base_url": u, "cohere_api_key": "k"}),
    "ChatFireworks": ("langchain_fireworks", lambda u: {"base_url": f"{u}/v1", "api_key": "k"}),
    "ChatDeepSeek": ("langchain_deepseek", lambda u: {"api_base": f"{u}/v1", "api_key": "k"}),
    "ChatXAI": ("langchain_xai", lambda u: {"xai_api_base": f"{u}/v1", "api_key": "k"}),
    "ChatBedrockConverse": (
        "langchain_aws",
        lambda u: {"endpoint_url": u, "region_name": "us-east-1"},
    ),
}

MODELS = {
    "ChatOpenAI": "gpt-4o-mini",
    "ChatAnthropic": "claude-3-5-haiku-latest",
    "ChatGroq": "llama-3.1-8b-instant",
    "ChatMistralAI": "mistral-small",
    "ChatOllama": "llama3",
    "ChatGoogleGenerativeAI": "gemini-2.0-flash",
    "ChatCohere": "command-r",
    "ChatFireworks": "accounts/fireworks/models/x",
    "ChatDeepSeek": "deepseek-chat",
    "ChatXAI": "grok-2",
    "ChatBedrockConverse": "anthropic.claude-3-haiku-20240307-v1:0",
}


class _Status(Answering):
    status = 500

    def _answer(self) -> None:
        self.read_body()
        error = {"message": "no", "type": "error", "code": self.status, "status": "ERROR"}
        self.answer(self.status, json.dumps({"error": error, "message": "no"}).encode())

    do_GET = do_POST = _answer


@pytest.fixture(scope="module", params=[401, 429, 500])
def server(request: pytest.FixtureRequest) -> Iterator[str]:
    with serving(_Status, status=request.param) as url:
        yield url


@pytest.fixture(autouse=True)
def _aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in (("AWS_ACCESS_KEY_ID", "a"), ("AWS_SECRET_ACCESS_KEY", "b")):
        monkeypatch.setenv(name, value)


@pytest.fixture(autouse=True)
def _no_backoff_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The classes left at their default retries (Cohere's, Bedrock's, their drop-ins')
    retry a 429 or a 500 as many times as ever, without waiting between the attempts:
    cohere's SDK slept 1 + 2 s, botocore and chatplex's policy about as much, ~15 s of
    the module's time. The error compared is the last attempt's either way."""
    from chatplex.chat import retrying
    from chatplex.core.retry import retry_policy

    async def no_wait(seconds: float) -> None:
        pass

    monkeypatch.setattr(
        retrying,
        "_retry_policy",
        functools.partial(retry_policy, sleep=lambda seconds: None, asleep=no_wait),
    )
    with contextlib.suppress(ImportError):
        import cohere.core.http_client

        monkeypatch.setattr(cohere.core.http_client, "_retry_timeout", lambda **given: 0.0)
    with contextlib.suppress(ImportError):
        import botocore.endpoint

        monkeypatch.setattr(botocore.endpoint, "time", SimpleNamespace(sleep=lambda s: None))


def _raised(build: Any) -> BaseException:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            build().invoke("hi")
        except Exception as err:  # noqa: BLE001 - the error is what is compared
            return err
    raise AssertionError("no error raised")


@pytest.mark.parametrize("name", list(CASES))
def test_the_drop_in_s_error_is_named_as_the_partner_s(name: str, server: str) -> None:
    package, keywords = CASES[name]
    partner_class = getattr(pytest.importorskip(package), name)
    dropin_class = getattr(importlib.import_module("chatplex.langchain"), name)
    given = {"model": MODELS[name], **keywords(server)}
    retries = (
        {} if name in ("ChatOllama", "ChatCohere", "ChatBedrockConverse") else {"max_retries": 0}
    )
    theirs = _raised(lambda: partner_class(**given, **retries))
    ours = _raised(lambda: dropin_class(**given, **retries))
    named = (type(ours).__module__, type(ours).__qualname__)
    assert named == (type(theirs).__module__, type(theirs).__qualname__)
    assert isinstance(ours, type(theirs)) and isinstance(ours, errors.ChatplexError)


def test_chatplex_s_own_model_names_chatplex_s_class(server: str) -> None:
    model = chatplex.init_chat_model(
        "openai:gpt-4o-mini", base_url=f"{server}/v1", api_key="k", max_retries=0
    )
    err = _raised(lambda: model)
    assert type(err).__module__ == "chatplex.errors"
    assert isinstance(err, errors.APIError)
