"""AzureChatOpenAI with no credential, side by side: langchain-openai falls back to Azure
workload identity (azure-identity's `WorkloadIdentityCredential` behind a bearer token
provider) when `AZURE_CLIENT_ID`, `AZURE_TENANT_ID` and `AZURE_FEDERATED_TOKEN_FILE` are
all set; the drop-in does the same.

azure-identity's credential exchanges the federated token with Microsoft Entra ID over
the network, so `azure.identity` (and `.aio`) stand in here as small modules with its
two names, recording what each class asked of them. Each case builds the partner class and
the drop-in under the same variables and compares what they asked of azure-identity, the
token providers they hold, and the credential headers of a sync and an async call."""

from __future__ import annotations

import asyncio
import json
import sys
import types
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server

partner = pytest.importorskip("langchain_openai")

_WORKLOAD = {
    "AZURE_CLIENT_ID": "client-1",
    "AZURE_TENANT_ID": "tenant-1",
    "AZURE_FEDERATED_TOKEN_FILE": "/var/run/secrets/azure/tokens/azure-identity-token",
}
_REPLY = json.dumps(chat_completion("hi", created=1)).encode()

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Difference, Callable[[Any], Any]]] = {
    "no_credential_at_another_host_sends_none": (
        Difference(
            Reason.RAISES,
            "with no API key, token or token provider given or set (and no workload "
            "identity variables), building the model raises the openai SDK's "
            "OpenAIError ('Missing credentials'), whatever host its endpoint names",
            "the model is built, and its calls to a host that is not Azure's own (a "
            "local gateway or proxy that takes no key) are sent with no credential; at "
            "Azure's own host it raises as langchain-openai does",
        ),
        lambda outcome: outcome,
    ),
}
_CLEARED = ("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "OPENAI_API_KEY", *_WORKLOAD)


class FakeIdentity:
    """`azure.identity` and `azure.identity.aio` as far as langchain-openai uses them:
    what was asked (credentials made, the scope of each provider) and the tokens given."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []

    def module(self, name: str) -> types.ModuleType:
        asked, asynchronous = self.asked, name.endswith(".aio")

        class WorkloadIdentityCredential:
            def __init__(self, **given: Any) -> None:
                asked.append((f"{name}.WorkloadIdentityCredential", given))

        def get_bearer_token_provider(credential: Any, *scopes: str) -> Callable[[], Any]:
            assert isinstance(credential, WorkloadIdentityCredential)
            asked.append((f"{name}.get_bearer_token_provider", scopes))

            async def async_token() -> str:
                return "wi-async-token"

            return async_token if asynchronous else (lambda: "wi-sync-token")

        module = types.ModuleType(name)
        module.WorkloadIdentityCredential = WorkloadIdentityCredential  # type: ignore[attr-defined]
        module.get_bearer_token_provider = get_bearer_token_provider  # type: ignore[attr-defined]
        return module


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> FakeIdentity:
    fake = FakeIdentity()
    monkeypatch.setitem(sys.modules, "azure", types.ModuleType("azure"))
    for name in ("azure.identity", "azure.identity.aio"):
        monkeypatch.setitem(sys.modules, name, fake.module(name))
    return fake


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedServer]:
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    with scripted_server() as served:
        served.handler = lambda seen: Reply(200, [_REPLY])
        yield served


def _build(cls: Any, server: ScriptedServer, **given: Any) -> Any:
    return cls(azure_endpoint=server.url, azure_deployment="gpt4o-prod", max_retries=0, **given)


def _side(cls: Any, server: ScriptedServer, identity: FakeIdentity, **given: Any) -> Any:
    """What one class asked of azure-identity, the providers it holds, and the
    credential headers of a sync then an async call (or the error's class)."""
    identity.asked.clear()
    server.seen.clear()
    try:
        model = _build(cls, server, **given)
    except Exception as exc:  # noqa: BLE001 - the class raised is compared
        return {"raised": type(exc)}
    model.invoke("hi")
    asyncio.run(model.ainvoke("hi"))
    providers = {
        name: getattr(model, name) is not None
        for name in ("azure_ad_token_provider", "azure_ad_async_token_provider")
    }
    headers = [
        {k: v for k, v in seen.headers.items() if k in ("authorization", "api-key")}
        for seen in server.seen
    ]
    return {"asked": list(identity.asked), "providers": providers, "headers": headers}


def _both(server: ScriptedServer, identity: FakeIdentity, **given: Any) -> tuple[Any, Any]:
    return (
        _side(partner.AzureChatOpenAI, server, identity, **given),
        _side(chatplex.langchain.AzureChatOpenAI, server, identity, **given),
    )


def test_with_no_credential_both_take_tokens_from_workload_identity(
    server: ScriptedServer, identity: FakeIdentity, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _WORKLOAD.items():
        monkeypatch.setenv(name, value)
    theirs, ours = _both(server, identity)
    assert ours == theirs
    assert ours["headers"] == [
        {"authorization": "Bearer wi-sync-token"},
        {"authorization": "Bearer wi-async-token"},
    ]
    scope = ("https://cognitiveservices.azure.com/.default",)
    assert ("azure.identity.aio.get_bearer_token_provider", scope) in ours["asked"]


@pytest.mark.parametrize(
    "credential",
    [
        {"api_key": "k-given"},
        {"env": "AZURE_OPENAI_API_KEY"},
        {"env": "AZURE_OPENAI_AD_TOKEN"},
        {"azure_ad_token": "t-given"},
        {"azure_ad_token_provider": "provider"},
    ],
    ids=lambda credential: next(iter(credential.values())),
)
def test_a_credential_given_or_set_leaves_workload_identity_alone(
    credential: dict[str, str],
    server: ScriptedServer,
    identity: FakeIdentity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in _WORKLOAD.items():
        monkeypatch.setenv(name, value)
    given: dict[str, Any] = dict(credential)
    if "env" in given:
        monkeypatch.setenv(given.pop("env"), "from-env")
    if "azure_ad_token_provider" in given:
        given["azure_ad_token_provider"] = lambda: "t-provided"
    theirs, ours = _both(server, identity, **given)
    assert ours == theirs
    assert ours["asked"] == []


@pytest.mark.parametrize("missing", [*_WORKLOAD, "azure-identity"])
def test_without_a_variable_or_azure_identity_both_refuse_the_missing_credential(
    missing: str,
    server: ScriptedServer,  # (its fixture clears the credential variables)
    identity: FakeIdentity,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in _WORKLOAD.items():
        if name != missing:
            monkeypatch.setenv(name, value)
    if missing == "azure-identity":
        monkeypatch.setitem(sys.modules, "azure.identity", None)  # (an ImportError)
    import openai

    # (at Azure's own host: chatplex sends a local server no credential, where asked to)
    raised = []
    for cls in (partner.AzureChatOpenAI, chatplex.langchain.AzureChatOpenAI):
        with pytest.raises(openai.OpenAIError) as error:  # what a script catches
            cls(azure_endpoint="https://res.openai.azure.com", azure_deployment="d")
        raised.append(type(error.value).__name__)  # (what a log shows)
    assert raised == ["OpenAIError", "OpenAIError"]
    assert identity.asked == []


def test_no_credential_at_another_host_sends_none(
    server: ScriptedServer, identity: FakeIdentity
) -> None:
    import openai

    with pytest.raises(openai.OpenAIError):
        _build(partner.AzureChatOpenAI, server)
    ours = _side(chatplex.langchain.AzureChatOpenAI, server, identity)
    assert ours["headers"] == [{}, {}]  # sent, sync and async, with no credential
    assert ours["asked"] == []


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
