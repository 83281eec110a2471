"""`Secret` (`secret.py`): a credential that never shows itself."""

from __future__ import annotations

import pickle

import pytest

from chatplex.secret import Secret

KEY = "sk-SENTINEL-0123456789"


def test_get_reveals_the_value() -> None:
    assert Secret(KEY).get() == KEY


def test_repr_str_and_formatting_are_masked() -> None:
    secret = Secret(KEY)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        repr([secret]),
        repr({"k": secret}),
    ]
    assert all(KEY not in text for text in shown)
    assert repr(secret) == str(secret) == "Secret('**********')"


def test_equal_by_value_and_hashable() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert Secret(KEY) != Secret("other")
    assert Secret(KEY) != KEY  # never equal to the plain string
    assert len({Secret(KEY), Secret(KEY), Secret("other")}) == 2


def test_truthiness_follows_the_value() -> None:
    assert Secret(KEY)
    assert not Secret("")


def test_not_picklable() -> None:
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(Secret(KEY))


# -- what counts as a credential in a URL, and taking it out ----------------------------


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
    from chatplex.secret import is_secret_query

    assert is_secret_query(name)


@pytest.mark.parametrize("name", ["api-version", "model", "country_code", "alt", "se", "sv"])
def test_other_query_names(name: str) -> None:
    from chatplex.secret import is_secret_query

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
    from chatplex.secret import take_url_credentials

    parts = take_url_credentials(url)
    assert parts.shown == shown
    assert (parts.secret.get() if parts.secret else None) == sent
    assert parts.url() == (sent or shown)
    assert (parts.userinfo.get() if parts.userinfo else None) == userinfo
    assert KEY not in repr(parts) + parts.shown


def test_scrub_text_masks_every_occurrence_longest_first() -> None:
    from chatplex.secret import scrub_text

    text = f"bad key {KEY}; again: {KEY}, prefix {KEY[:8]}"
    assert scrub_text(text, [KEY[:8], KEY]) == "bad key ***; again: ***, prefix ***"
    assert scrub_text(text, []) == text
