"""`Secret` (`secret.py`): a credential that never shows itself."""

from __future__ import annotations

import copy
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


def test_copies_are_the_same_value_and_pickles_load_back_equal() -> None:
    secret = Secret(KEY)
    assert copy.copy(secret) is secret and copy.deepcopy({"k": secret})["k"] is secret
    loaded = pickle.loads(pickle.dumps(secret))
    assert type(loaded) is Secret and loaded == secret and loaded.get() == KEY
    assert KEY not in repr(loaded)


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


# --- URLs that carry a credential, held from the first frame that sees them ------------


def test_a_url_carrying_a_credential_is_held_and_others_are_not() -> None:
    from chatplex.secret import hold_url

    for url in ("http://u:pw@gw.example/v1", "https://fn.example/api?code=c1&x=1"):
        held = hold_url(url)
        assert isinstance(held, Secret) and held.get() == url
    for value in ("http://gw.example/v1", "https://gw.example/v1?api-version=2", "a@b", None, 3):
        assert hold_url(value) is value


def test_hold_keys_holds_named_keys_and_credential_urls_in_place() -> None:
    from chatplex.secret import hold_keys

    args: dict[str, object] = {
        "api_key": "sk-1",
        "base_url": "http://u:pw@gw.example",
        "endpoint": "http://gw.example",
        "temperature": 0.5,
        "token_limit": 3,  # not a str: left as it is
    }
    hold_keys(args, lambda name: name.endswith(("_key", "_limit")))
    assert args["api_key"] == Secret("sk-1")
    assert args["base_url"] == Secret("http://u:pw@gw.example")
    assert args["endpoint"] == "http://gw.example" and args["token_limit"] == 3


def test_a_held_url_is_taken_apart_as_the_clear_one() -> None:
    from chatplex.secret import take_url_credentials

    url = "https://me:pw@gw.example/v1?api-version=2&code=c1"
    held, clear = take_url_credentials(Secret(url)), take_url_credentials(url)
    assert (held.shown, held.secret, held.userinfo) == (clear.shown, clear.secret, clear.userinfo)


def test_url_pieces_stay_held_when_held() -> None:
    from chatplex.secret import joined_held
    from chatplex.secret import query_with
    from chatplex.secret import shown_url
    from chatplex.secret import take_url_credentials
    from chatplex.secret import url_joined
    from chatplex.secret import url_with_query
    from chatplex.secret import with_userinfo

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


@pytest.mark.parametrize(
    "name",
    [
        "x-api-key-2",
        "X-Gateway-Token-Extra",
        "Helicone-Auth",
        "x-portkey-virtual-key",
        "x-client-secret-v2",
        "x-request-signature",
        "x-upstream-password",
        "x-credential-id",
        "aws_access_key_id",
        "api-key",
        "sig",
        "code",
    ],
)
def test_the_one_rule_names_a_credential_wherever_the_word_stands(name: str) -> None:
    from chatplex.secret import is_credential_name
    from chatplex.secret import is_secret_header
    from chatplex.secret import is_secret_name
    from chatplex.secret import is_secret_query

    assert is_credential_name(name)
    assert is_secret_header(name) and is_secret_query(name) and is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "max_tokens",
        "x-ratelimit-remaining-tokens",
        "tiktoken_model_name",
        "custom_get_token_ids",
        "secret_headers",
        "credentials_profile_name",
        "prompt_cache_key",
        "provider_stop_reason_key_map",
        "country_code",
        "design",
        "openai-organization",
    ],
)
def test_what_names_the_words_but_carries_no_credential(name: str) -> None:
    from chatplex.secret import is_credential_name

    assert not is_credential_name(name)


def test_a_value_carrying_the_models_key_is_masked_whatever_its_name() -> None:
    from chatplex.secret import Secret
    from chatplex.secret import is_credential_value
    from chatplex.secret import mask_headers

    key = Secret("sk-model-key-1")
    assert is_credential_value("sk-model-key-1", [key])
    assert is_credential_value("run sk-model-key-1 now", [key])
    assert is_credential_value("Bearer anything")
    assert not is_credential_value("claude-haiku-4-5", [Secret("k")])  # a 1-letter key: whole only
    assert mask_headers([("x-tenant", "sk-model-key-1")], keys=[key]) == [("x-tenant", "***")]
