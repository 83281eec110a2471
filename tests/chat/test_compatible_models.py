"""`init_chat_model`'s reading of a provider's LangChain names (chat/compatible_models.py)."""

from __future__ import annotations

import doctest

import pytest

import chatplex.chat.compatible_models as module
from chatplex.chat.compatible_models import take_body_parameters


def test_body_fields_are_taken_and_aliases_renamed() -> None:
    settings = {"random_seed": 1, "temperature": 0, "endpoint": "http://h"}
    assert take_body_parameters("mistralai", settings) == {"random_seed": 1}
    assert settings == {"temperature": 0, "base_url": "http://h"}
    assert take_body_parameters("vllm", {"x": 1}) == {}
    assert take_body_parameters("no-such", {"x": 1}) == {}


def test_an_alias_and_its_name_together_is_an_error() -> None:
    with pytest.raises(TypeError):
        take_body_parameters("groq", {"groq_api_key": "a", "api_key": "b"})


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0
