"""AzureChatOpenAI given its endpoint or API version as "" (a script's
`os.environ.get("X", "")` with its own variable unset) while langchain-openai's variable
names one: the drop-in takes the empty value as none given and reads the variable, as
when nothing is given; the partner hands the empty value to the openai SDK, and fails.
Two kept differences (`DIFFERENCES`), each shown by its test."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._empty_base_url import both_classes
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why

#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = {
    "an_empty_azure_endpoint_is_none_given": (
        Difference(
            Reason.RAISES,
            "an endpoint given as an empty string is handed to the openai SDK as the "
            "endpoint of every request: the call raises a connection error "
            "(langchain-openai's OpenAIConnectionError) before any request is sent, though "
            "AZURE_OPENAI_ENDPOINT names one",
            "an empty endpoint counts as none given: the request goes where "
            "AZURE_OPENAI_ENDPOINT says",
        ),
        lambda outcome: outcome,
    ),
    "an_empty_api_version_is_none_given": (
        Difference(
            Reason.REJECTED,
            "an API version given as an empty string is sent as such (`?api-version=`), "
            "which Azure OpenAI refuses (every request names its API version), though "
            "OPENAI_API_VERSION names one",
            "an empty API version counts as none given: OPENAI_API_VERSION's is sent",
        ),
        lambda outcome: outcome,
    ),
}


def _sent(server: ScriptedServer, **keywords: Any) -> list[Any]:
    """Per class (the partner's, the drop-in): the paths its call sent, or the class of
    what it raised and the paths sent before."""
    classes = both_classes(
        ("langchain_openai", "AzureChatOpenAI"), server, chat_completion("hi", created=1)
    )
    out = []
    for cls in classes:
        server.seen.clear()
        built = {"api_key": "k", "azure_deployment": "d", "max_retries": 0, **keywords}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cls(**built).invoke("hi")
        except Exception as err:  # noqa: BLE001 - what is raised is what is compared
            out.append((type(err).__name__, [seen.path for seen in server.seen]))
        else:
            out.append([seen.path for seen in server.seen])
    return out


def test_an_empty_azure_endpoint_is_none_given(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.url + "/env")
    theirs, ours = _sent(server, azure_endpoint="", api_version="2024-10-21")
    assert theirs == ("OpenAIConnectionError", [])
    assert ours == ["/env/openai/deployments/d/chat/completions?api-version=2024-10-21"]


def test_an_empty_api_version_is_none_given(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-06-01")
    theirs, ours = _sent(server, azure_endpoint=server.url, api_version="")
    assert theirs == ["/openai/deployments/d/chat/completions?api-version="]
    assert ours == ["/openai/deployments/d/chat/completions?api-version=2024-06-01"]


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
