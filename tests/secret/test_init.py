"""`chatplex.secret` (`secret/__init__.py`): `Secret`, a credential that never shows itself,
and the one rule for what names and values carry a credential. (URLs: `test_urls.py`; a
call's arguments and settings: `test_arguments.py`.)"""

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


def test_scrub_text_masks_every_occurrence_longest_first() -> None:
    from chatplex.secret import scrub_text

    text = f"bad key {KEY}; again: {KEY}, prefix {KEY[:8]}"
    assert scrub_text(text, [KEY[:8], KEY]) == "bad key ***; again: ***, prefix ***"
    assert scrub_text(text, []) == text


# -- the one rule for names and values -------------------------------------------------


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
    from chatplex.secret.urls import is_secret_query

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
