"""Where a credential hides in a URL (`chatplex/secret/urls.py`): query names like a
credential, URLs taken apart into what may be shown and what is sent, held from the first
frame that sees them, and joined without their credentials coming out in clear."""

from __future__ import annotations

import pytest

from chatplex.secret import Secret
from chatplex.secret.urls import query_added
from chatplex.secret.urls import redact_urls_in
from tests.secret.test_init import KEY


@pytest.mark.parametrize(
    "name",
    [
        "key",
        "api-key",
        "api_key",
        "apikey",
        "code",
        "sig",
        "signature",
        "token",
        "access_token",
        "secret",
        "client_secret",
        "password",
        "X-Amz-Signature",
        "X-Amz-Credential",
        "X-Amz-Security-Token",
        "auth",
        "subscription-key",
    ],
)
def test_credential_query_names(name: str) -> None:
    from chatplex.secret.urls import is_secret_query

    assert is_secret_query(name)


@pytest.mark.parametrize("name", ["api-version", "model", "country_code", "alt", "se", "sv"])
def test_other_query_names(name: str) -> None:
    from chatplex.secret.urls import is_secret_query

    assert not is_secret_query(name)


@pytest.mark.parametrize(
    ("url", "shown", "sent", "userinfo"),
    [
        ("https://gw.test/v1", "https://gw.test/v1", None, None),
        (
            f"https://fn.test/api?code={KEY}",
            "https://fn.test/api?code=***",
            f"https://fn.test/api?code={KEY}",
            None,
        ),
        (
            f"https://u:{KEY}@gw.test/v1?api-version=2",
            "https://gw.test/v1?api-version=2",
            None,
            f"u:{KEY}",
        ),
        (f"https://{KEY}@gw.test/", "https://gw.test/", None, f"{KEY}:"),
        (
            "https://u:p%40ss@gw.test/?sig=a%2Bb&x=1",
            "https://gw.test/?sig=***&x=1",
            "https://gw.test/?sig=a%2Bb&x=1",
            "u:p@ss",
        ),
    ],
)
def test_take_url_credentials(url: str, shown: str, sent: str | None, userinfo: str | None) -> None:
    from chatplex.secret.urls import take_url_credentials

    parts = take_url_credentials(url)
    assert parts.shown == shown
    assert (parts.secret.get() if parts.secret else None) == sent
    assert parts.url() == (sent or shown)
    assert (parts.userinfo.get() if parts.userinfo else None) == userinfo
    assert KEY not in repr(parts) + parts.shown


def test_a_url_carrying_a_credential_is_held_and_others_are_not() -> None:
    from chatplex.secret.urls import hold_url

    for url in ("http://u:pw@gw.example/v1", "https://fn.example/api?code=c1&x=1"):
        held = hold_url(url)
        assert isinstance(held, Secret) and held.get() == url
    for value in ("http://gw.example/v1", "https://gw.example/v1?api-version=2", "a@b", None, 3):
        assert hold_url(value) is value


def test_a_held_url_is_taken_apart_as_the_clear_one() -> None:
    from chatplex.secret.urls import take_url_credentials

    url = "https://me:pw@gw.example/v1?api-version=2&code=c1"
    held, clear = take_url_credentials(Secret(url)), take_url_credentials(url)
    assert (held.shown, held.secret, held.userinfo) == (clear.shown, clear.secret, clear.userinfo)


def test_url_pieces_stay_held_when_held() -> None:
    from chatplex.secret.urls import joined_held
    from chatplex.secret.urls import query_with
    from chatplex.secret.urls import shown_url
    from chatplex.secret.urls import take_url_credentials
    from chatplex.secret.urls import url_joined
    from chatplex.secret.urls import url_with_query
    from chatplex.secret.urls import with_userinfo

    held = Secret("http://u:p%40w@gw.example/")
    joined = url_joined(held, "/v1")
    assert isinstance(joined, Secret) and joined.get() == "http://u:p%40w@gw.example/v1"
    queried = url_with_query(Secret("http://gw.example/v1?code=c"), {"api-version": "2"})
    assert isinstance(queried, Secret)
    assert queried.get() == "http://gw.example/v1?code=c&api-version=2"
    assert url_with_query("http://gw.example/v1", {"a": 1}) == "http://gw.example/v1?a=1"
    assert joined_held("http://gw", "/v1") == "http://gw/v1"
    assert joined_held("http://gw", Secret("?code=c")) == Secret("http://gw?code=c")
    taken = take_url_credentials("https://u:p%40w@gw.example/v1?code=c")
    assert query_with(taken, "api-version=2") == Secret("?code=c&api-version=2")
    assert query_with(take_url_credentials("http://gw"), "") == Secret("")
    back = with_userinfo("https://gw.example/v1", taken.userinfo)
    assert back == Secret("https://u:p%40w@gw.example/v1")  # as it came: percent-encoded
    assert with_userinfo("https://gw.example", None) == "https://gw.example"
    assert shown_url(held) == "http://gw.example/"


def test_a_query_added_to_a_held_url_stays_held_and_replaces_names_it_repeats() -> None:
    held = Secret("https://gw.example/v1/chat?code=c1&a=1")
    shown, sent = query_added("https://gw.example/v1/chat?code=***&a=1", held, {"a": [2, 3]})
    assert shown == "https://gw.example/v1/chat?code=***&a%5B%5D=2&a%5B%5D=3"
    assert (
        sent is not None and sent.get() == "https://gw.example/v1/chat?code=c1&a%5B%5D=2&a%5B%5D=3"
    )
    bare = "https://gw.example/v1"
    assert query_added(bare, None, {"gone": None}) == (bare, None)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"POST http://u:{KEY}@h:1/runs HTTP/1.1", "POST http://***@h:1/runs HTTP/1.1"),
        (f"at 'https://{KEY}@h/v1?key={KEY}&a=2'", "at 'https://***@h/v1?key=***&a=2'"),
        ("write to me@example.com", "write to me@example.com"),  # no URL: kept
        ("http://h/p@x", "http://h/p@x"),  # an @ in the path: no user info
    ],
)
def test_user_info_of_a_url_in_text_is_masked(text: str, shown: str) -> None:
    """As `redact_url` masks one URL: httpx's request log line and errors that quote a
    client's URL (LangSmith's sender) show no proxy password."""
    assert redact_urls_in(text) == shown
