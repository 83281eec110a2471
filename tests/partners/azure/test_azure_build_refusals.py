"""AzureChatOpenAI side by side where a setting is missing: what langchain-openai's class
refuses when it is built (its SDK clients' checks, in their order: a credential, then the
API version, then the endpoint) is refused by the drop-in then too, in the same class and
words; and built with neither a deployment nor a model, both send to the endpoint's URL
as it is (the SDK puts the body's model into the path, and there is none)."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
from pydantic import ValidationError

import chatplex.langchain
from tests._local_server import Answering
from tests._local_server import serving

partner = pytest.importorskip("langchain_openai")
pytest.importorskip("openai")

ENV = ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN")
ENV += ("OPENAI_API_VERSION", "OPENAI_API_KEY", "OPENAI_API_BASE", "OPENAI_BASE_URL")
ENV += ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")  # workload identity
ENDPOINT = "https://r.openai.azure.com"
VERSION = "2024-10-21"


@pytest.fixture(autouse=True)
def no_azure_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def _refusal(cls: Any, settings: dict[str, Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cls(**settings)
        except ValidationError as err:
            return ("ValidationError", [e["msg"] for e in err.errors()])
        except Exception as err:  # noqa: BLE001 - what is raised is compared
            return (type(err).__module__, type(err).__qualname__, str(err))
    return "built"


@pytest.mark.parametrize(
    "settings",
    [
        {"azure_endpoint": ENDPOINT, "azure_deployment": "d", "api_key": "k"},
        {"azure_endpoint": ENDPOINT, "azure_deployment": "d"},  # the credential first
        {"azure_endpoint": ENDPOINT, "api_key": "k", "api_version": VERSION},
        {"azure_deployment": "d", "api_key": "k", "api_version": VERSION},
        {"azure_deployment": "d", "api_key": "k"},  # the version before the endpoint
        {"azure_deployment": "d", "api_version": VERSION},  # the credential first
        {"azure_deployment": "d"},  # nothing in the environment: a notebook without it
    ],
    ids=[
        "no-version",
        "no-version-nor-key",
        "no-deployment",
        "no-endpoint",
        "no-endpoint-nor-version",
        "no-endpoint-nor-key",
        "no-endpoint-key-nor-version",
    ],
)
def test_a_missing_setting_is_refused_when_built_as_by_langchain_openai(
    settings: dict[str, Any],
) -> None:
    theirs = _refusal(partner.AzureChatOpenAI, settings)
    ours = _refusal(chatplex.langchain.AzureChatOpenAI, settings)
    assert ours == theirs


def test_the_version_from_the_environment_builds_both(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_VERSION", VERSION)
    settings = {"azure_endpoint": ENDPOINT, "azure_deployment": "d", "api_key": "k"}
    assert _refusal(partner.AzureChatOpenAI, settings) == "built"
    assert _refusal(chatplex.langchain.AzureChatOpenAI, settings) == "built"


class _Recording(Answering):
    seen: list[tuple[str, Any]]

    def do_POST(self) -> None:
        body = json.loads(self.read_body())
        self.seen.append((self.path, body.get("model", "<absent>")))
        reply = {
            "id": "c",
            "object": "chat.completion",
            "created": 1,
            "model": "gpt-4o",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "ok"},
                    "finish_reason": "stop",
                }
            ],
        }
        self.answer(200, json.dumps(reply).encode())


@pytest.mark.parametrize(
    "named",
    [{}, {"model": "gpt-4o"}, {"deployment_name": "dn"}],
    ids=["nothing-named", "model", "deployment"],
)
def test_the_url_and_model_sent_are_langchain_openais(named: dict[str, Any]) -> None:
    sent = {}
    for side, cls in (
        ("theirs", partner.AzureChatOpenAI),
        ("ours", chatplex.langchain.AzureChatOpenAI),
    ):
        seen: list[tuple[str, Any]] = []
        with serving(_Recording, seen=seen) as url:
            model = cls(
                azure_endpoint=url, api_version=VERSION, api_key="k", max_retries=0, **named
            )
            assert model.invoke("Hi").content == "ok"
        sent[side] = seen
    assert sent["ours"] == sent["theirs"]
