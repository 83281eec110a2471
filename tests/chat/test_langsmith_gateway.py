"""`chat/langsmith_gateway.py`: LangSmith's gateway resolved as langchain-core's
`utils/_gateway` resolves it (each row is one of its precedence rules; the side-by-side
suites compare the drop-ins with the partner packages themselves)."""

from __future__ import annotations

import pytest

from chatplex.chat.langsmith_gateway import GatewayRoute
from chatplex.chat.langsmith_gateway import resolve
from chatplex.secret import Secret

_ROUTE = GatewayRoute(
    "base",
    "key",
    "prov/v1",
    base_variables=("PROV_BASE",),
    key_variables=("PROV_KEY", "PROV_KEY_2"),
    default_base="https://prov.example",
)
_GATEWAY = "https://gateway.smith.langchain.com/prov/v1"
_PROV = "https://prov.example"
#: The variables' names, short: the switch, the gateway's key, LangSmith's API key.
ON, GK, LK = "LANGSMITH_GATEWAY", "LANGSMITH_GATEWAY_API_KEY", "LANGSMITH_API_KEY"
PB, PK = "PROV_BASE", "PROV_KEY"  # (the provider's own)


@pytest.mark.parametrize(
    ("env", "given", "expected"),
    [
        # off (unset, empty, or a false word): the provider's URL and key
        ({}, (None, None), (_PROV, None, False)),
        ({ON: "No", PK: "pk"}, (None, None), (_PROV, "pk", False)),
        # on: the default gateway, or the one named (its trailing slash dropped)
        ({ON: "TRUE", LK: "lk"}, (None, None), (_GATEWAY, "lk", True)),
        ({ON: "http://gw.local/", LK: "lk"}, (None, None), ("http://gw.local/prov/v1", "lk", True)),
        # through the gateway: its own key first, then LangSmith's, then the provider's
        ({ON: "1", GK: "gk", LK: "lk", PK: "pk"}, (None, None), (_GATEWAY, "gk", True)),
        ({ON: "1", "PROV_KEY_2": "pk2"}, (None, None), (_GATEWAY, "pk2", True)),
        # a URL given or in its variable goes first; its provider's key before the gateway's
        ({ON: "yes", LK: "lk", PK: "pk"}, ("http://own", None), ("http://own", "pk", False)),
        ({ON: "yes", PB: "http://env", PK: "pk"}, (None, None), ("http://env", "pk", False)),
        # ... with no provider key, the gateway's own key (never LangSmith's API key)
        ({ON: "yes", GK: "gk"}, ("http://own", None), ("http://own", "gk", False)),
        ({ON: "yes", LK: "lk"}, ("http://own", None), ("http://own", None, False)),
        # a key given is returned unchanged
        ({ON: "1", LK: "lk"}, (None, "mine"), (_GATEWAY, "mine", True)),
    ],
)  # fmt: skip
def test_the_precedence_of_langchains_gateway_helper(
    env: dict[str, str],
    given: tuple[str | None, str | None],
    expected: tuple[object, ...],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in (ON, GK, LK, PB, PK, "PROV_KEY_2"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    base_url, key, from_gateway = resolve(_ROUTE, *given)
    if given[1] is None and key is not None:  # a key found is held: a Secret
        assert isinstance(key, Secret)
        key = key.get()
    assert (base_url, key, from_gateway) == expected
