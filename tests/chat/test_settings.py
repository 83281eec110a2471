"""Setting checks (`chat/settings.py`): ranges and types of the common settings, and which
setting names hold secrets."""

from __future__ import annotations

import math
from typing import Any

import pytest

from chatplex.chat.settings import CALL_SETTINGS
from chatplex.chat.settings import SETTING_NAMES
from chatplex.chat.settings import TRANSPORT_SETTINGS
from chatplex.chat.settings import check_body_fields
from chatplex.chat.settings import check_settings
from chatplex.chat.settings import coerce_rate_limit
from chatplex.http import RateLimit
from chatplex.secret import is_secret_name


@pytest.mark.parametrize(
    "name",
    [
        "api_key",
        "x-api-key",
        "OPENAI_API_KEY",
        "key",
        "access_token",
        "client_secret",
        "password",
        "Authorization",
        "proxy-password",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


# (A name holding one of the words anywhere counts, `monkey` too: the one masking rule,
# `chatplex.secret.is_credential_name`. A URL's name does not: the URL rule masks it.)
@pytest.mark.parametrize(
    "name", ["max_tokens", "tokenizer", "tiktoken_model_name", "base_url", "authorization_url"]
)
def test_other_names_are_not_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_nothing_set_is_fine() -> None:
    check_settings({})
    check_settings(dict.fromkeys(["temperature", "max_tokens", "top_p", "stop", "timeout"]))


GOOD: list[dict[str, Any]] = [
    {"temperature": 0, "top_p": 1, "max_tokens": 1},
    {"temperature": 2.0, "top_p": 0.0},
    {"stop": "\n"},
    {"stop": ("a", "b")},
    {"timeout": 0.5, "max_retries": 0, "max_retry_after": 0},
    {"max_retry_after": 60.0},
    {"extra_headers": {"x-trace": "1"}},
    {"unknown_setting": object()},  # not the checker's business
]


@pytest.mark.parametrize("values", GOOD)
def test_good_values_pass(values: dict[str, Any]) -> None:
    check_settings(values)


BAD: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"temperature": 2.5}, ValueError, "temperature"),
    ({"temperature": False}, ValueError, "temperature"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": 1.0}, ValueError, "max_tokens"),
    ({"top_p": math.nan}, ValueError, "top_p"),
    ({"stop": ["a", 1]}, TypeError, "stop"),
    ({"timeout": 0}, ValueError, "timeout"),
    ({"timeout": True}, ValueError, "timeout"),
    ({"max_retries": -1}, ValueError, "max_retries"),
    ({"max_retries": 1.0}, ValueError, "max_retries"),
    ({"max_retry_after": math.inf}, ValueError, "max_retry_after"),
    ({"max_retry_after": -1}, ValueError, "max_retry_after"),
    ({"max_retry_after": True}, ValueError, "max_retry_after"),
    ({"extra_headers": {"x-n": 1}}, TypeError, "extra_headers"),
    ({"extra_headers": [("x", "y")]}, TypeError, "extra_headers"),
]


@pytest.mark.parametrize(("values", "error", "name"), BAD)
def test_bad_values_are_rejected_naming_the_setting(
    values: dict[str, Any], error: type[Exception], name: str
) -> None:
    with pytest.raises(error, match=f"^{name} must be"):
        check_settings(values)


def test_every_call_and_transport_setting_is_a_setting_name() -> None:
    assert set(CALL_SETTINGS) | set(TRANSPORT_SETTINGS) < set(SETTING_NAMES)
    assert "model_kwargs" in SETTING_NAMES and "seed" not in SETTING_NAMES


def test_body_fields_are_names_to_values_and_model_kwargs_hold_no_setting() -> None:
    check_body_fields("extra_body", {"seed": 1, "temperature": 0}, "M")  # sent as given
    check_body_fields("model_kwargs", {"seed": 1}, "M")
    with pytest.raises(TypeError, match="model_kwargs must be a dict"):
        check_body_fields("model_kwargs", {1: "x"}, "M")
    with pytest.raises(ValueError, match="M: pass max_tokens, temperature as keyword"):
        check_body_fields("model_kwargs", {"temperature": 0, "max_tokens": 5}, "M")


def test_rate_limit_setting_coerced() -> None:
    assert coerce_rate_limit(False) is False
    assert coerce_rate_limit(None) is None and coerce_rate_limit(True) is None
    assert coerce_rate_limit({"requests_per_minute": 60}) == RateLimit(requests_per_minute=60)
    with pytest.raises((TypeError, ValueError)):
        coerce_rate_limit({"requests_per_hour": 60})
