"""The OpenRouter preset (chatplex/providers/compatible/presets_own_reading/openrouter.py):
a reply read as langchain-openrouter reads it (side by side with it:
tests/partners/compatible/test_openrouter_reply_sidebyside.py)."""

from __future__ import annotations

from typing import Any

from chatplex.messages import AIMessage
from chatplex.providers.compatible.presets_own_reading.openrouter import OPENROUTER
from chatplex.providers.compatible.style import style_reply


def _read(reply: dict[str, Any], choice: dict[str, Any]) -> AIMessage:
    message = AIMessage(
        "Hi",
        additional_kwargs={"refusal": None},
        response_metadata={"model_name": "m", "finish_reason": "stop", "id": "gen-1"},
    )
    style = OPENROUTER.profile.style
    assert style is not None
    return style_reply(message, {**reply, "choices": [{"message": {}, **choice}]}, style)


def test_a_reply_keeps_the_keys_langchain_openrouter_reports_as_it_orders_them() -> None:
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cost": 0}
    reply = {"id": "gen-1", "created": 7, "object": "chat.completion", "usage": usage}
    read = _read({**reply, "system_fingerprint": None}, {"logprobs": None})
    assert list(read.response_metadata.items()) == [
        ("model_name", "m"),
        ("id", "gen-1"),
        ("created", 7),
        ("object", "chat.completion"),
        ("finish_reason", "stop"),
        ("logprobs", None),  # (the choice has the field)
        ("model_provider", "openrouter"),
        ("cost", 0),  # (a free model's: sent, so reported)
    ]
    assert read.additional_kwargs == {}  # no `refusal` key


def test_a_reply_without_the_fields_reports_none_of_them() -> None:
    read = _read({"system_fingerprint": "fp_1"}, {})
    assert list(read.response_metadata) == [
        "model_name",
        "finish_reason",
        "model_provider",
        "system_fingerprint",
    ]


def test_a_structured_reply_carries_no_parsed_key() -> None:
    style = OPENROUTER.profile.style
    assert style is not None and not style.parsed_key
