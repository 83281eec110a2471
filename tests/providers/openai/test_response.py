"""A parsed OpenAI reply builds its `response_metadata` on first read (`LazyMetadata`).

What the user sees must be what an eagerly built dict gave: the same keys in the same
order, a dict of the reply's own, equal, repr'd, copied, pickled and dumped alike.
"""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from typing import Any

import pytest

from chatplex.adapters import sharing
from chatplex.messages import AIMessage
from chatplex.messages import LazyMetadata
from chatplex.messages import has_metadata
from chatplex.messages import metadata_value
from chatplex.messages import set_metadata
from chatplex.messages._messages import _RESPONSE_METADATA
from chatplex.providers.openai.response import parse_candidates
from chatplex.providers.openai.response import parse_reply
from tests.adapters._message_views import VIEWS


def body(i: int, **extra: Any) -> bytes:
    choice: dict[str, Any] = {"index": 0, "message": {"content": f"hi {i}"}}
    choice["finish_reason"] = "stop"
    return json.dumps(
        {
            "id": f"chatcmpl-{i}",
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_1",
            "service_tier": "default",
            "choices": [choice],
            "usage": {"prompt_tokens": 5, "completion_tokens": i, "total_tokens": 5 + i},
            **extra,
        }
    ).encode()


EXPECTED_KEYS = [
    "provider",
    "model_provider",
    "model_name",
    "id",
    "finish_reason",
    "raw_finish_reason",
    "system_fingerprint",
    "service_tier",
    "request_id",
    "logprobs",
    "token_usage",
]


def raw_slot(message: AIMessage) -> Any:
    return _RESPONSE_METADATA.__get__(message)


def test_metadata_is_unbuilt_until_read_then_a_dict_of_the_replys_own() -> None:
    one = parse_reply(body(1), {"x-request-id": "req-1"})
    two = parse_reply(body(2), {"x-request-id": "req-2"})
    assert type(raw_slot(one)) is LazyMetadata
    assert raw_slot(one).head is raw_slot(two).head  # the model's constants: one dict
    meta = one.response_metadata
    assert type(meta) is dict and raw_slot(one) is meta  # built once, then kept
    assert list(meta) == EXPECTED_KEYS
    assert meta["id"] == "chatcmpl-1" and meta["request_id"] == "req-1"
    assert meta["finish_reason"] == "stop" and meta["model_name"] == "gpt-4o-mini"
    assert meta["token_usage"] == {
        "prompt_tokens": 5,
        "completion_tokens": 1,
        "total_tokens": 6,
        "completion_tokens_details": None,  # as the openai SDK's model gives it
        "prompt_tokens_details": None,
    }
    meta["model_name"] = "changed"
    meta["mine"] = 1
    assert two.response_metadata["model_name"] == "gpt-4o-mini"
    assert "mine" not in two.response_metadata
    three = parse_reply(body(3), None)  # the shared head was not touched by the edit
    assert three.response_metadata["model_name"] == "gpt-4o-mini"
    assert "request_id" not in three.response_metadata


def test_an_unread_reply_compares_copies_pickles_and_dumps_as_a_read_one() -> None:
    read = parse_reply(body(4), {"x-request-id": "r"})
    eager = AIMessage(
        content=read.content,
        id=read.id,
        additional_kwargs=dict(read.additional_kwargs),
        response_metadata=dict(read.response_metadata),
        usage_metadata=read.usage_metadata,
    )
    for view in VIEWS:
        unread = parse_reply(body(4), {"x-request-id": "r"})
        assert type(raw_slot(unread)) is LazyMetadata
        assert view(unread) == view(eager)
    copied = copy.copy(parse_reply(body(4), None))
    assert type(copied.response_metadata) is dict


def test_metadata_value_and_set_metadata_leave_it_unbuilt() -> None:
    reply = parse_reply(body(5), None)
    assert metadata_value(reply, "finish_reason") == "stop"
    assert metadata_value(reply, "model_name") == "gpt-4o-mini"
    assert metadata_value(reply, "request_id") is None
    assert has_metadata(reply, "id") and has_metadata(reply, "provider")
    assert not has_metadata(reply, "request_id")
    set_metadata(reply, "attempts", 2)
    set_metadata(reply, "id", "other")  # a key it has: built, then set
    assert type(raw_slot(reply)) is dict
    assert reply.response_metadata["id"] == "other"
    assert has_metadata(reply, "attempts") and not has_metadata(reply, "nope")
    fresh = parse_reply(body(5), None)
    set_metadata(fresh, "attempts", 2)
    assert type(raw_slot(fresh)) is LazyMetadata
    assert list(fresh.response_metadata)[-1] == "attempts"
    assert fresh.response_metadata["attempts"] == 2


def test_candidates_refusal_and_logprobs_keep_their_places() -> None:
    data = {
        "id": "c",
        "model": "m",
        "choices": [
            {"index": 1, "message": {"content": "b"}, "logprobs": {"content": []}},
            {"index": 0, "message": {"content": None, "refusal": "no"}, "finish_reason": "stop"},
        ],
    }
    first, second = parse_candidates(json.dumps(data).encode())
    assert first.response_metadata["refusal"] == "no"
    assert list(first.response_metadata)[-1] == "refusal"
    assert second.response_metadata["logprobs"] == {"content": []}
    assert second.response_metadata["finish_reason"] is None
    reply = parse_reply(json.dumps(data).encode(), None)  # others in the first's metadata
    assert [m.text for m in reply.response_metadata["other_candidates"]] == ["b"]


def test_shared_heads_are_bounded_and_odd_values_are_not_shared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sharing, "_SHARED", {})
    monkeypatch.setattr(sharing, "_SHARED_MAX", 4)
    for i in range(10):
        parse_reply(body(i, system_fingerprint=f"fp_{i}"), None)
        assert len(sharing._SHARED) <= 4
    odd = parse_reply(body(1, system_fingerprint=["a list"]), None)
    assert odd.response_metadata["system_fingerprint"] == ["a list"]


def test_to_langchain_sees_the_same_metadata() -> None:
    pytest.importorskip("langchain_core")
    # A fresh interpreter: loading LangChain's classes changes what this process's
    # messages report as their class (the border), which other tests here do not expect.
    script = (
        "import json, sys\n"
        "from chatplex.providers.openai.response import parse_reply\n"
        "from chatplex.messages import to_langchain\n"
        "body = sys.stdin.buffer.read()\n"
        "unread, read = parse_reply(body, None), parse_reply(body, None)\n"
        "expected = dict(read.response_metadata)\n"
        "converted = to_langchain(unread)\n"
        "assert type(converted).__module__.startswith('langchain_core'), type(converted)\n"
        "assert converted.response_metadata == expected\n"
        "assert list(converted.response_metadata) == list(expected)\n"
        "assert converted.usage_metadata == read.usage_metadata\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], input=body(6), capture_output=True, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert done.stdout.strip() == b"ok"


def test_usage_metadata_is_built_on_read_and_never_sees_edits_to_token_usage() -> None:
    from chatplex.messages import LazyValue
    from chatplex.messages import peek_usage
    from chatplex.messages._messages import _USAGE_METADATA

    data = json.loads(body(7))
    data["usage"]["prompt_tokens_details"] = {"cached_tokens": 2}
    data["usage"]["completion_tokens_details"] = {"reasoning_tokens": 1}
    reply = parse_reply(json.dumps(data).encode(), None)
    assert type(_USAGE_METADATA.__get__(reply)) is LazyValue
    expected = {
        "input_tokens": 5,
        "output_tokens": 7,
        "total_tokens": 12,
        "input_token_details": {"cache_read": 2},
        "output_token_details": {"reasoning": 1},
    }
    assert peek_usage(reply) == expected
    assert type(_USAGE_METADATA.__get__(reply)) is LazyValue  # peeking keeps nothing
    reply.response_metadata["token_usage"]["prompt_tokens"] = 99
    reply.response_metadata["token_usage"]["prompt_tokens_details"]["cached_tokens"] = 99
    assert reply.usage_metadata == expected
    assert _USAGE_METADATA.__get__(reply) is reply.usage_metadata  # built once, then kept
    reply.usage_metadata["input_tokens"] = 0  # type: ignore[index]
    assert peek_usage(reply) is reply.usage_metadata
    other = parse_reply(json.dumps(data).encode(), None)
    assert other.usage_metadata == expected  # each reply builds its own
    assert pickle.loads(pickle.dumps(other)) == other
    no_usage = parse_reply(json.dumps({**data, "usage": None}).encode(), None)
    assert no_usage.usage_metadata is None and peek_usage(no_usage) is None


@pytest.mark.parametrize(
    ("message", "usage", "words"),
    [
        ({"content": "hi"}, {"prompt_tokens": "5", "completion_tokens": 1}, "prompt_tokens"),
        # (counts that are not plain ints leave the quick check for the careful reader)
        ({"content": "hi"}, {"prompt_tokens": 5, "completion_tokens": True}, "is a bool"),
        ({"content": "hi"}, {"prompt_tokens": 5, "total_tokens": -1}, "negative"),
        ({"content": "hi"}, {"prompt_tokens": 2.5}, "prompt_tokens is a float"),
        (
            {"content": "", "tool_calls": [{"id": "t", "function": {"name": 5, "arguments": ""}}]},
            None,
            "name is a int",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_when_the_reply_is_read(
    message: dict[str, Any], usage: Any, words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply
    from chatplex.providers.openai.response import parse_candidates

    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
    body = {"id": "c", "model": "m", "choices": [choice], "usage": usage}
    with pytest.raises(MalformedReply, match=words):  # not later, when usage is first read
        parse_candidates(json.dumps(body).encode())


@pytest.mark.parametrize("content", [5, 2.5, True, {"text": "hi"}])
def test_content_neither_text_nor_parts_is_refused_not_kept(content: Any) -> None:
    # A text reply without tool calls skips the chunk a tool-call reply goes through;
    # content of another type is refused as the reply's (a dict was read as its keys).
    from chatplex.adapters.reading import MalformedReply

    choice = {"index": 0, "message": {"role": "assistant", "content": content}}
    with pytest.raises(MalformedReply, match="message content is a"):
        parse_candidates(json.dumps({"id": "c", "model": "m", "choices": [choice]}).encode())


def test_a_spoken_replys_audio_is_kept_as_langchain_openai_keeps_it() -> None:
    audio = {"id": "audio_1", "data": "UklGRiQ=", "expires_at": 1, "transcript": "hi"}
    message = {"role": "assistant", "content": None, "audio": audio, "refusal": None}
    raw = json.loads(body(1))
    raw["choices"][0]["message"] = message
    reply = parse_reply(json.dumps(raw).encode(), None)
    assert reply.additional_kwargs == {"audio": audio, "refusal": None}
    assert reply.content == ""


def test_a_legacy_function_call_is_kept_as_langchain_openai_keeps_it() -> None:
    call = {"name": "add", "arguments": '{"a": 1}', "x": 1}
    raw = json.loads(body(1))
    raw["choices"][0]["message"] = {"role": "assistant", "content": None, "function_call": call}
    raw["choices"][0]["finish_reason"] = "function_call"
    reply = parse_reply(json.dumps(raw).encode(), None)
    kept = reply.additional_kwargs["function_call"]
    assert kept == call and list(kept) == ["arguments", "name", "x"]  # the SDK model's order
    assert reply.tool_calls == [] and reply.content == ""
    assert reply.response_metadata["finish_reason"] == "function_call"


@pytest.mark.parametrize("tier", [None, "default", "priority", "flex"])
def test_usage_metadata_reads_plain_and_other_counts_alike(tier: str | None) -> None:
    """Plain counts take a short path (no `reply_count` call): whole floats, missing
    counts and details come out as they did, with or without a tier, keys in order."""
    from chatplex.adapters.reading import MalformedReply
    from chatplex.providers.openai.response import usage_metadata

    details = {
        "prompt_tokens_details": {"audio_tokens": 1, "cached_tokens": 2, "cache_write_tokens": 3},
        "completion_tokens_details": {"audio_tokens": None, "reasoning_tokens": 4},
    }
    plain = usage_metadata({"prompt_tokens": 10, "completion_tokens": 6, **details}, tier)
    whole = usage_metadata(
        {"prompt_tokens": 10.0, "completion_tokens": 6, "total_tokens": None, **details}, tier
    )
    assert plain == whole and plain is not None
    assert plain["total_tokens"] == 16 and list(plain) == [
        "input_tokens",
        "output_tokens",
        "total_tokens",
        "input_token_details",
        "output_token_details",
    ]
    inputs, outputs = plain["input_token_details"], plain["output_token_details"]
    if tier in ("priority", "flex"):
        assert inputs == {
            "audio": 1,
            f"{tier}_cache_read": 2,
            f"{tier}_cache_creation": 3,
            tier: 8,
        }
        assert outputs == {f"{tier}_reasoning": 4, tier: 2}
    else:
        assert list(inputs.items()) == [("audio", 1), ("cache_read", 2), ("cache_creation", 3)]
        assert outputs == {"reasoning": 4}
    given = usage_metadata({"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 9}, tier)
    assert given is not None and given["total_tokens"] == 9  # as the reply says it
    nothing = usage_metadata({}, tier)
    assert nothing is not None and (nothing["input_tokens"], nothing["total_tokens"]) == (0, 0)
    for bad in ({"prompt_tokens": True}, {"completion_tokens": -1}, {"total_tokens": "3"}):
        with pytest.raises(MalformedReply):
            usage_metadata(bad, tier)
