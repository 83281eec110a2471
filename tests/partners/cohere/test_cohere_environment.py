"""The base URL of langchain-cohere's ChatCohere, side by side: `CO_API_URL` (the cohere
SDK's variable) is not read, as langchain-cohere hands its client `base_url=None`, which
the SDK takes as its production URL over the variable; a `base_url=` given in code is
where both send.

The variable points at a local server, and api.cohere.com resolves to nothing (the
resolver is stubbed for that one name, so no request leaves the machine; the suite's
network guard stops chatplex's before): a call that follows the variable arrives there,
one that does not fails to connect (what it raises is the stub's or the guard's).

A base URL given as "" is a kept difference (`DIFFERENCES`): the cohere SDK fails on it
sending nothing; the drop-in takes it as none given."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import raised
from tests.partners._unresolved import unresolvable
from tests.partners.cohere.test_cohere_sidebyside import KEY
from tests.partners.cohere.test_cohere_sidebyside import MODEL
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

langchain_cohere = pytest.importorskip("langchain_cohere")

_HOST = "api.cohere.com"


@pytest.fixture
def unresolved(monkeypatch: pytest.MonkeyPatch) -> None:
    """api.cohere.com resolving to nothing, as on a machine with no network."""
    unresolvable(monkeypatch, {_HOST})
    for variable in ("CO_API_URL", "CO_API_KEY", "COHERE_API_KEY"):
        monkeypatch.delenv(variable, raising=False)


def _outcome(model: Any, how: str) -> Any:
    try:
        reply = model.invoke("Hi") if how == "invoke" else asyncio.run(model.ainvoke("Hi"))
        return {"content": reply.content}
    except Exception:  # noqa: BLE001 - that it raised is compared
        return "raised"


def _each_side(server: ScriptedServer, **keywords: Any) -> list[Any]:
    """Per class (the partner's, the drop-in): its `base_url` field, what an invoke and an
    ainvoke gave, and the requests the local server got."""
    server.handler = cohere_replies()
    out = []
    for cls in (langchain_cohere.ChatCohere, chatplex.langchain.ChatCohere):
        model = cls(model=MODEL, cohere_api_key=KEY, max_retries=0, **keywords)
        server.seen.clear()
        calls = [_outcome(model, how) for how in ("invoke", "ainvoke")]
        out.append((model.base_url, calls, [plain_request(seen) for seen in server.seen]))
    return out


@pytest.mark.usefixtures("unresolved")
def test_co_api_url_is_not_read(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_API_URL", server.url)
    theirs, ours = _each_side(server)
    assert theirs[0] is None and theirs[2] == []  # (what this side by side is about)
    assert ours == theirs


@pytest.mark.usefixtures("unresolved")
def test_a_base_url_given_wins(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CO_API_URL", "http://cohere.example.invalid")
    theirs, ours = _each_side(server, base_url=server.url)
    assert "raised" not in theirs[1] and len(theirs[2]) == 2
    assert ours == theirs


#: Script -> (why it differs, how its outcome is read): each checked by its test below.
DIFFERENCES: dict[str, tuple[Why, Callable[[Any], Any]]] = {
    "an_empty_base_url_is_none_given": (
        Difference(
            Reason.RAISES,
            'a base URL given as an empty string (`base_url=os.environ.get("MY_PROXY", "")` '
            "with the variable unset) is handed to the cohere SDK as the base of every "
            "request: the call raises httpx's UnsupportedProtocol (a URL without a scheme) "
            "before any request is sent",
            "an empty base URL counts as none given: the request goes to api.cohere.com, as "
            "when no base URL is given (`CO_API_URL` unread)",
        ),
        lambda outcome: outcome,
    ),
}


@pytest.mark.usefixtures("unresolved")
def test_an_empty_base_url_is_none_given(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CO_API_URL", server.url)
    server.seen.clear()  # (the module's server)

    def invoked(cls: Any, **keywords: Any) -> dict[str, Any]:
        model = cls(model=MODEL, cohere_api_key=KEY, max_retries=0, **keywords)
        return raised(lambda: model.invoke("Hi"))

    theirs = invoked(langchain_cohere.ChatCohere, base_url="")
    assert type(theirs["error"]).__name__ == "UnsupportedProtocol", theirs
    # Ours, given "" and given nothing, goes to Cohere's own URL (the suite's network
    # guard names it), not to the variable's server.
    for ours in (
        invoked(chatplex.langchain.ChatCohere, base_url=""),
        invoked(chatplex.langchain.ChatCohere),
    ):
        assert type(ours["error"]).__name__ == "NetworkBlockedError", ours
        assert "POST https://api.cohere.com/v2/chat" in str(ours["error"]), ours
    assert server.seen == []


def _key_sent(server: ScriptedServer, cls: Any, **keywords: Any) -> Any:
    """The key header of the one request `cls` sent, or the class of what it raised."""
    server.seen.clear()
    model = cls(model=MODEL, base_url=server.url, max_retries=0, **keywords)
    try:
        model.invoke("Hi")
    except Exception as err:  # noqa: BLE001 - what is raised is what is compared
        return type(err).__name__, [seen.headers.get("authorization") for seen in server.seen]
    (seen,) = server.seen
    return seen.headers.get("authorization")


@pytest.fixture
def both_key_variables(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.handler = cohere_replies()
    monkeypatch.setenv("COHERE_API_KEY", "cohere_api_key")
    monkeypatch.setenv("CO_API_KEY", "co_api_key")


@pytest.mark.usefixtures("both_key_variables")
def test_an_empty_api_key_reads_cohere_api_key(server: ScriptedServer) -> None:
    """`api_key=""` (a script's `os.environ.get("MY_KEY", "")`): langchain-cohere has
    no `api_key` field, and reads COHERE_API_KEY; so does the drop-in, for which an
    empty key counts as none given."""
    theirs = _key_sent(server, langchain_cohere.ChatCohere, api_key="")
    assert theirs == "Bearer cohere_api_key"
    assert _key_sent(server, chatplex.langchain.ChatCohere, api_key="") == theirs


DIFFERENCES["an_empty_cohere_api_key"] = (
    Difference(
        Reason.RAISES,
        "an empty `cohere_api_key` is sent as the header `Authorization: Bearer `, which "
        "its HTTP client refuses: the call raises, nothing sent, though COHERE_API_KEY "
        "holds a key",
        "an empty key counts as none given: COHERE_API_KEY's key is sent (else CO_API_KEY's)",
    ),
    lambda outcome: outcome,
)


@pytest.mark.usefixtures("both_key_variables")
def test_an_empty_cohere_api_key(server: ScriptedServer) -> None:
    theirs = _key_sent(server, langchain_cohere.ChatCohere, cohere_api_key="")
    assert theirs == ("LocalProtocolError", []), theirs
    ours = _key_sent(server, chatplex.langchain.ChatCohere, cohere_api_key="")
    assert ours == "Bearer cohere_api_key"


def test_every_kept_difference_has_its_script() -> None:
    assert {f"test_{name}" for name in DIFFERENCES} <= set(globals())
