"""`adapters/base_url.py`: where an adapter sends, its base URL checked and taken apart."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import base_url
from chatplex.adapters.base_url import endpoint_url


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://api.example.com/v1", "https://api.example.com/v1/chat/completions"),
        ("https://api.example.com/v1/", "https://api.example.com/v1/chat/completions"),
        ("https://api.example.com", "https://api.example.com/chat/completions"),
        ("http://127.0.0.1:8000/v1#frag", "http://127.0.0.1:8000/v1/chat/completions"),
        (
            "https://x.example/openai/deployments/d?api-version=1",
            "https://x.example/openai/deployments/d/chat/completions?api-version=1",
        ),
    ],
)
def test_endpoint_url_appends_the_path_and_keeps_the_query(base_url: str, expected: str) -> None:
    assert endpoint_url(base_url, "/chat/completions") == expected


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://proxy.example/v1", "https://proxy.example/v1/messages"),
        ("https://proxy.example/v1/", "https://proxy.example/v1/messages"),
        ("https://proxy.example", "https://proxy.example/v1/messages"),
        (
            "https://proxy.example/anthropic/v1?k=1",
            "https://proxy.example/anthropic/v1/messages?k=1",
        ),
        ("https://proxy.example/v10", "https://proxy.example/v10/v1/messages"),  # not /v1
    ],
)
def test_a_version_already_in_the_base_url_is_not_repeated(base_url: str, expected: str) -> None:
    assert endpoint_url(base_url, "/v1/messages") == expected


def test_an_anthropic_model_given_a_v1_base_url_posts_to_v1_messages() -> None:
    from chatplex.providers.anthropic.adapter import AnthropicAdapter

    adapter = AnthropicAdapter(api_key="sk-ant-x", base_url="http://127.0.0.1:9/v1")
    assert adapter._url == "http://127.0.0.1:9/v1/messages"


def test_endpoint_url_refuses_user_info_without_repeating_it() -> None:
    with pytest.raises(ValueError, match="must not contain user:password@") as info:
        endpoint_url("https://me:hunter2-pw@proxy.example.com/v1", "/messages")
    assert "hunter2" not in str(info.value)


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(base_url)
    assert failures == 0 and tried > 0
