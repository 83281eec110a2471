"""The OpenRouter preset (chatplex/providers/compatible/presets_own_reading/openrouter.py):
a reply read as langchain-openrouter reads it (side by side with it:
tests/partners/compatible/test_openrouter_reply_sidebyside.py)."""

from __future__ import annotations

import json
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


def test_a_stream_names_its_reply_on_the_finishing_piece() -> None:
    """langchain-openrouter's pieces: `model_provider` alone, the finishing one its reply's
    keys (read from its event), the usage record's none but the cost. The model stays on
    the first piece, where the OpenAI reading puts it (a drop-in's stream holds it for
    the finishing one: the preset's `stream_finish_keys`)."""
    from chatplex.adapters.sse_event import SSEEvent
    from chatplex.providers.compatible.adapter import preset_adapter_class

    adapter = preset_adapter_class("openrouter")(api_key="k", base_url="http://127.0.0.1:9")
    parser = adapter.stream_parser({})
    head = {"id": "gen-1", "object": "chat.completion.chunk", "created": 7, "model": "m"}

    def fed(choices: list[Any], **more: Any) -> Any:
        chunk = parser.feed(SSEEvent(data=json.dumps({**head, "choices": choices, **more})))
        own = ("provider", "raw_finish_reason")  # (chatplex's, which a drop-in leaves out)
        return chunk and {k: v for k, v in chunk.response_metadata.items() if k not in own}

    role = {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
    first = {"model_name": "m", "finish_reason": None, "model_provider": "openrouter"}
    assert fed([role]) == first  # (a drop-in leaves the null finish reason out)
    text = {"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}
    assert fed([text]) == {"model_provider": "openrouter"}
    finish = {"index": 0, "delta": {}, "finish_reason": "stop", "logprobs": None}
    assert list(fed([finish]).items()) == [
        ("finish_reason", "stop"),
        ("id", "gen-1"),
        ("created", 7),
        ("object", "chat.completion.chunk"),
        ("model_provider", "openrouter"),
    ]
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2, "cost": 0.5}
    assert fed([], usage=usage) == {"cost": 0.5}
