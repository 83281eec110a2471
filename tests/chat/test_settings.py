"""Setting checks (`chat/settings.py`): ranges and types of the common settings, and which
setting names hold secrets."""

from __future__ import annotations

import math
from typing import Any

import pytest

from chatplex.chat.settings import check_settings, is_secret_name


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


@pytest.mark.parametrize(
    "name",
    ["max_tokens", "monkey", "keyboard", "tokenizer", "secretary", "base_url", "authorization_url"],
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
