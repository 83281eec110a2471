"""Replies parsed from separate bodies share their repeated strings
(`providers/openai/response.py`, through the kit's `adapters/sharing.py`).

A 10,000-reply batch otherwise keeps 10,000 copies of every usage key, of the model's
name and of the finish reason; what the reply returns must stay equal all the same.
"""

from __future__ import annotations

import json
import pickle

from chatplex.adapters.sharing import shared
from chatplex.adapters.sharing import shared_keys
from chatplex.providers.openai.response import parse_reply
from chatplex.providers.openai.response import sdk_usage


def body(i: int) -> bytes:
    return json.dumps(
        {
            "id": f"chatcmpl-{i}",
            "model": "gpt-4o-mini-2024-07-18",
            "system_fingerprint": "fp_44709d6fcb",
            "service_tier": "default",
            "choices": [{"index": 0, "message": {"content": f"hi {i}"}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": 5,
                "completion_tokens": i,
                "total_tokens": 5 + i,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            },
        }
    ).encode()


def test_two_replies_share_usage_keys_and_model_constants() -> None:
    one, two = parse_reply(body(1), None), parse_reply(body(2), None)
    meta_1, meta_2 = one.response_metadata, two.response_metadata
    for key in ("model_name", "system_fingerprint", "service_tier", "raw_finish_reason"):
        assert meta_1[key] == meta_2[key]
        assert meta_1[key] is meta_2[key], key
    keys_1 = list(meta_1["token_usage"]) + list(meta_1["token_usage"]["prompt_tokens_details"])
    keys_2 = list(meta_2["token_usage"]) + list(meta_2["token_usage"]["prompt_tokens_details"])
    assert keys_1 == keys_2
    assert all(a is b for a, b in zip(keys_1, keys_2, strict=True))
    # Each reply still owns its dicts: changing one leaves the other as it was.
    meta_1["token_usage"]["prompt_tokens_details"]["cached_tokens"] = 3
    assert meta_2["token_usage"]["prompt_tokens_details"]["cached_tokens"] == 0


def test_shared_copies_stay_equal_to_what_the_server_sent() -> None:
    raw = json.loads(body(7))
    reply = parse_reply(body(7), None)
    # The raw usage, the fields the openai SDK's model gives it (None) included.
    assert reply.response_metadata["token_usage"] == sdk_usage(raw["usage"])
    assert reply.response_metadata["token_usage"] is not raw["usage"]
    dumped = json.loads(json.dumps(reply.response_metadata["token_usage"]))
    assert dumped == sdk_usage(raw["usage"])
    assert pickle.loads(pickle.dumps(reply)) == reply
    assert shared_keys({"a": {"b": [1]}, 2: None}) == {"a": {"b": [1]}, 2: None}
    assert shared(None) is None and shared(3) == 3
    assert shared("".join(["st", "op"])) is shared("stop")
