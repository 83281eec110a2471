"""The connection pieces every adapter builds its requests with (`adapters/connection.py`)."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import connection
from chatplex.adapters.base_url import BaseURL
from chatplex.adapters.connection import adapter_repr
from chatplex.adapters.connection import json_headers
from chatplex.adapters.connection import post_json
from chatplex.adapters.connection import set_header
from chatplex.adapters.connection import with_default_headers
from chatplex.adapters.keys import hold_secrets
from chatplex.adapters.request_types import HTTPRequest
from chatplex.secret import Secret


def test_the_examples_hold() -> None:
    failures, tried = doctest.testmod(connection)
    assert tried and not failures


def test_a_header_set_again_in_another_case_replaces_the_first() -> None:
    headers = {"content-type": "application/json", "Authorization": "Bearer a"}
    set_header(headers, "authorization", "Bearer b")
    assert headers == {"content-type": "application/json", "authorization": "Bearer b"}


def test_default_headers_replace_ours_and_bad_ones_fail_at_construction() -> None:
    ours = {"content-type": "application/json", "X-Id": "1"}
    assert with_default_headers(ours, {"x-id": "2", "X-New": "n"}) == {
        "content-type": "application/json",
        "x-id": "2",
        "X-New": "n",
    }
    assert with_default_headers({"a": "1"}, None) == {"a": "1"}
    with pytest.raises(ValueError, match="default_headers: 'bad name'"):
        with_default_headers({}, {"bad name": "v"})
    with pytest.raises(TypeError, match="the value of 'x-n' is a int"):
        with_default_headers({}, {"x-n": 1})  # type: ignore[dict-item]


def test_the_credential_header_is_the_key_else_the_url_user_info_else_none() -> None:
    plain = BaseURL.parse("https://api.example/v1", "/chat")
    with_user = BaseURL.parse("https://u:pw@api.example/v1", "/chat")
    key = Secret("k-1")
    bearer = json_headers(key, with_user)
    assert bearer["Authorization"].get() == "Bearer k-1"  # the key wins over user info
    assert json_headers(key, plain, key_header="x-goog-api-key") == {
        "content-type": "application/json",
        "x-goog-api-key": key,
    }
    assert json_headers(None, with_user)["Authorization"] is with_user.basic_auth
    assert json_headers(Secret(""), plain) == {"content-type": "application/json"}
    assert all(isinstance(v, (str, Secret)) for v in bearer.values())


def test_post_json_reveals_the_held_headers_only_into_the_request() -> None:
    names = frozenset({"x-token"})
    held = hold_secrets({"x-token": "t-1", "content-type": "application/json"}, names)
    secret_url = Secret("https://api.example/v1/chat?code=c-1")
    request = post_json("https://api.example/v1/chat?code=***", {"a": 1}, held, names, secret_url)
    assert isinstance(request, HTTPRequest) and request.method == "POST"
    assert request.headers["x-token"] == "t-1" and request.json == {"a": 1}
    assert request.secret_headers == names and request.secret_url is secret_url
    assert "t-1" not in repr(request) and "t-1" not in repr(request.headers)
    assert post_json("http://h/x", {}, {}, frozenset()).secret_url is None


def test_the_repr_masks_the_url_never_raises_and_names_the_class() -> None:
    class Wire:
        def __init__(self) -> None:
            self.base_url = "https://gw.example/v1?key=k-1"
            self._api_key = Secret("sk-secret")

    shown = adapter_repr(Wire(), api_key="_api_key")
    assert shown == "Wire(base_url='https://gw.example/v1?key=***', api_key=Secret('**********'))"
    half_built = object.__new__(Wire)  # an __init__ that failed before setting anything
    assert adapter_repr(half_built, "Named", api_key="_api_key", other="other") == (
        "Named(base_url=None, api_key=None, other=None)"
    )


_HOME = connection.ProviderHome(
    "api.example", "https://api.example/v1", ("EXAMPLE_KEY", "EXAMPLE_OLD_KEY"), "EXAMPLE_URL"
)


def test_connect_sends_the_environment_key_anywhere_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As the SDKs and LangChain's partner packages do (issue 47); holding it back is
    chatplex's option, CHATPLEX_HOLD_ENVIRONMENT_KEY=1."""
    monkeypatch.delenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", raising=False)
    monkeypatch.setenv("EXAMPLE_KEY", "k-env")
    elsewhere = _HOME.connect(None, _HOME.take_url("https://gw.example"), "/chat")
    assert elsewhere.key == Secret("k-env") and elsewhere.withheld == ""
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "0")
    assert _HOME.connect(None, _HOME.take_url("https://gw.example"), "/chat").key == Secret("k-env")


def test_connect_sends_the_environment_key_only_to_the_home_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("EXAMPLE_OLD_KEY", "k-env")
    home = _HOME.connect(None, None, "/chat")
    assert home.where.url == "https://api.example/v1/chat"
    assert home.key == Secret("k-env") and home.withheld == ""
    elsewhere = _HOME.connect(None, _HOME.take_url("https://gw.example"), "/chat")
    assert elsewhere.key is None
    # The note names the variable that is set, the first of them.
    assert "EXAMPLE_OLD_KEY goes only to api.example or to a base URL from EXAMPLE_URL" in (
        elsewhere.withheld
    )
    monkeypatch.setenv("EXAMPLE_URL", "https://gw.example")
    assert _HOME.connect(None, None, "/chat").key == Secret("k-env")


def test_connect_sends_an_explicit_key_anywhere_and_an_empty_one_nowhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("EXAMPLE_KEY", "k-env")
    given = _HOME.connect(Secret("k-1"), _HOME.take_url("https://gw.example"), "/chat")
    assert given.key == Secret("k-1") and given.withheld == ""
    empty = _HOME.connect(Secret(""), None, "/chat")
    assert empty.key is None and "EXAMPLE_KEY" in empty.withheld


def test_connect_reads_the_first_base_url_variable_set_and_sends_the_environment_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # an environment's URL gets it
    monkeypatch.setenv("EXAMPLE_KEY", "k-env")
    monkeypatch.delenv("EXAMPLE_URL", raising=False)
    monkeypatch.setenv("EXAMPLE_LEGACY_URL", "https://legacy.example/v1")
    variables = ("EXAMPLE_LEGACY_URL", "EXAMPLE_URL")
    legacy = _HOME.connect(None, None, "/chat", variables=variables)
    assert legacy.where.url == "https://legacy.example/v1/chat"
    assert legacy.key == Secret("k-env")
    monkeypatch.delenv("EXAMPLE_LEGACY_URL")
    assert _HOME.connect(None, None, "/chat", variables=variables).where.url == (
        "https://api.example/v1/chat"
    )


def test_connect_adds_the_query_to_the_base_url_chosen_keeping_its_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXAMPLE_URL", "https://u:p@env.example/v1?sig=s1")
    link = _HOME.connect(Secret("k"), None, "/chat", query={"tenant": "t1"})
    assert link.where.url == "https://env.example/v1/chat?sig=***&tenant=t1"
    assert link.where.secret_url is not None
    assert link.where.secret_url.get() == "https://env.example/v1/chat?sig=s1&tenant=t1"
    with pytest.raises(TypeError):
        _HOME.connect(None, None, "/chat", query=["tenant"])  # type: ignore[arg-type]


def test_held_headers_put_the_callers_over_ours_and_hold_credentials() -> None:
    held = connection.held_headers(
        {"content-type": "application/json", "X-Key": "k-1"}, {"x-key": "k-2"}, frozenset({"x-key"})
    )
    assert held == {"content-type": "application/json", "x-key": Secret("k-2")}
    assert isinstance(held["x-key"], Secret)


def test_a_connection_builds_its_headers_and_budget_digest_from_its_key() -> None:
    keyed = _HOME.connect(Secret("k-1"), _HOME.take_url("https://gw.example"), "/chat")
    assert keyed.json_headers() == json_headers(Secret("k-1"), keyed.where)
    assert keyed.json_headers(key_header="x-key")["x-key"] == Secret("k-1")
    assert len(keyed.key_digest) == 16
    keyless = _HOME.connect(Secret(""), _HOME.take_url("https://gw.example"), "/chat")
    assert keyless.json_headers() == {"content-type": "application/json"}
    assert keyless.key_digest == ""


def test_a_given_base_url_is_taken_apart_before_connecting() -> None:
    taken = _HOME.take_url("https://u:pw@gw.example/v1?code=c-1")
    assert taken is not None and "c-1" not in repr(taken) and "pw" not in repr(taken)
    assert _HOME.take_url(None) is None
    with pytest.raises(TypeError, match="base_url must be a str, got int"):
        _HOME.take_url(1)  # type: ignore[arg-type]
    # An empty one means the default base URL, as an unset one does.
    link = _HOME.connect(None, _HOME.take_url(""), "/chat")
    assert link.where.url == "https://api.example/v1/chat"
