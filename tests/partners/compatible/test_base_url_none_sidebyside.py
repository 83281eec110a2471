"""A base URL given as None, side by side, where the class's own base URL variable is set:
langchain-groq's `groq_api_base`, langchain-sambanova's `sambanova_api_base` and
langchain-openrouter's `openrouter_api_base` read GROQ_API_BASE / SAMBANOVA_API_BASE /
OPENROUTER_API_BASE only where nothing is given (`from_env`), and hand their SDK the
None given (`base_url=os.environ.get("MY_PROXY")`, unset), which goes to the provider's
own host (or the SDK's own variable: GROQ_BASE_URL, SAMBA_NOVA_BASE_URL). Not given,
both send where the variable says.

The variable points at a local server, and the provider's host resolves to nothing (the
resolver is stubbed for it, so no request leaves the machine; the suite's network guard
stops chatplex's before): a call that follows the variable arrives there, one that does
not fails to connect (what it raises is the stub's or the guard's)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import chat_completion
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import plain_request
from tests.partners._unresolved import unresolvable

#: Class -> its package, its own base URL variable, its SDK's (None: none) and host.
CLASSES = {
    "ChatGroq": ("langchain_groq", "GROQ_API_BASE", "GROQ_BASE_URL", "api.groq.com"),
    "ChatSambaNova": (
        "langchain_sambanova",
        "SAMBANOVA_API_BASE",
        "SAMBA_NOVA_BASE_URL",
        "api.sambanova.ai",
    ),
}


@pytest.fixture
def unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    """The providers' hosts resolving to nothing, as on a machine with no network."""
    unresolvable(monkeypatch, {host for *_, host in CLASSES.values()})
    for _, own, sdk, _ in CLASSES.values():
        monkeypatch.delenv(own, raising=False)
        monkeypatch.delenv(sdk, raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)


def _answer(seen: Any) -> Reply:
    return Reply(200, [json.dumps(chat_completion("Hi there.", model="m")).encode()])


def _each_side(name: str, server: ScriptedServer, **keywords: Any) -> list[Any]:
    """Per class (the partner's, the drop-in): its base URL field, what an invoke gave (or
    that it raised), and the requests the local server got."""
    module, own, _, _ = CLASSES[name]
    server.handler = _answer
    out = []
    for cls in (getattr(pytest.importorskip(module), name), getattr(chatplex.langchain, name)):
        model = cls(model="m", api_key="k", max_retries=0, **keywords)
        server.seen.clear()
        try:
            got: Any = model.invoke("Hi").content
        except Exception:  # noqa: BLE001 - that it raised is compared
            got = "raised"
        field = getattr(model, f"{own.lower().removesuffix('_api_base')}_api_base")
        out.append((field, got, [plain_request(seen) for seen in server.seen]))
    return out


@pytest.mark.usefixtures("unresolved")
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_a_base_url_given_none_reads_not_the_classs_variable(
    name: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CLASSES[name][1], server.url)
    theirs, ours = _each_side(name, server, base_url=None)
    assert theirs == (None, "raised", [])  # (what this side by side is about)
    assert ours == theirs


@pytest.mark.usefixtures("unresolved")
@pytest.mark.parametrize("given", ["nothing", "none"])
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_the_variable_read_answers(
    name: str, given: str, server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing given: the class's variable is read; None given: its SDK's alone."""
    own, sdks = CLASSES[name][1], CLASSES[name][2]
    keywords: dict[str, Any] = {}
    if given == "nothing":
        monkeypatch.setenv(own, server.url)
    else:
        monkeypatch.setenv(own, "http://unread.example.invalid")
        monkeypatch.setenv(sdks, server.url)
        keywords["base_url"] = None
    theirs, ours = _each_side(name, server, **keywords)
    assert theirs[1] == "Hi there." and len(theirs[2]) == 1
    assert ours == theirs


def test_openrouter_given_none_sends_to_openrouter(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """langchain-openrouter's SDK reads no variable: given None, it goes to openrouter.ai
    (its SDK's server, read here: its client retries a failed connection for minutes)."""
    partner = pytest.importorskip("langchain_openrouter").ChatOpenRouter
    monkeypatch.setenv("OPENROUTER_API_BASE", server.url)
    theirs = partner(model="m", api_key="k", base_url=None)
    assert theirs.client.sdk_configuration.get_server_details()[0] == "https://openrouter.ai/api/v1"
    ours = chatplex.langchain.ChatOpenRouter(model="m", api_key="k", base_url=None, max_retries=0)
    assert ours.openrouter_api_base is theirs.openrouter_api_base is None
    server.handler, server.seen[:] = _answer, []
    with pytest.raises(Exception):  # noqa: B017,PT011 - the network guard's
        ours.invoke("Hi")
    assert server.seen == []
