"""A parsed Anthropic reply builds its `response_metadata` and `usage_metadata` on first
read (`LazyMetadata`, `LazyValue`), as OpenAI's do.

What the user sees must be what the eager build gives (`_start_metadata` +
`_stop_metadata`, `_usage`): the same keys in the same order, the same values, a dict of
the reply's own, equal, repr'd, copied, pickled and dumped alike.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import LazyMetadata
from chatplex.messages import LazyValue
from chatplex.messages import has_metadata
from chatplex.messages import metadata_value
from chatplex.messages import peek_usage
from chatplex.messages import set_metadata
from chatplex.messages._messages import _RESPONSE_METADATA
from chatplex.messages._messages import _USAGE_METADATA
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.adapter import _sdk_metadata
from chatplex.providers.anthropic.response import _start_metadata
from chatplex.providers.anthropic.response import _stop_metadata
from chatplex.providers.anthropic.response import _usage
from tests.adapters._message_views import VIEWS

ADAPTER = AnthropicAdapter(api_key="sk-ant-test")


def reply_data(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": f"msg_{i}",
        "type": "message",
        "role": "assistant",
        "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": f"hi {i}"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 5,
            "output_tokens": i,
            "cache_read_input_tokens": 2,
            "cache_creation": {"ephemeral_5m_input_tokens": 0},
            "service_tier": "standard",
        },
        **extra,
    }


def parse(data: dict[str, Any]) -> AIMessage:
    return ADAPTER.parse_response(json.dumps(data).encode(), {"request-id": "req"})


def eager(data: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """The metadata and usage as they were built before they were lazy."""
    usage = data.get("usage")
    meta = _sdk_metadata(
        {
            **_start_metadata(data),
            **_stop_metadata(data.get("stop_reason"), data.get("stop_sequence")),
        }
    )
    return meta, _usage(usage) if usage else None


def raw_slot(message: AIMessage) -> Any:
    return _RESPONSE_METADATA.__get__(message)


def usage_slot(message: AIMessage) -> Any:
    return _USAGE_METADATA.__get__(message)


@pytest.mark.parametrize(
    "data",
    [
        reply_data(1),
        reply_data(2, usage=None),
        reply_data(3, usage={}),
        reply_data(4, stop_reason="stop_sequence", stop_sequence="END"),
        reply_data(5, stop_reason="max_tokens", model=None),
        reply_data(6, stop_reason="pause_turn"),  # not in the finish-reason map
        reply_data(7, usage={"input_tokens": 1, "output_tokens": 2}),
        reply_data(8, usage={"input_tokens": 1, "output_tokens_details": {"thinking_tokens": 3}}),
    ],
)
def test_lazy_reads_as_the_eager_build(data: dict[str, Any]) -> None:
    reply = parse(data)
    assert type(raw_slot(reply)) is LazyMetadata
    expected_meta, expected_usage = eager(data)
    assert peek_usage(reply) == expected_usage
    meta = reply.response_metadata
    assert type(meta) is dict
    assert list(meta.items()) == list(expected_meta.items())
    assert reply.usage_metadata == expected_usage
    assert reply.id == data["id"]


def test_metadata_is_unbuilt_until_read_then_a_dict_of_the_replys_own() -> None:
    one, two = parse(reply_data(1)), parse(reply_data(2))
    assert type(raw_slot(one)) is LazyMetadata and type(usage_slot(one)) is LazyValue
    assert raw_slot(one).head is raw_slot(two).head  # the model's constants: one dict
    meta = one.response_metadata
    assert raw_slot(one) is meta  # built once, then kept
    meta["model_name"] = "changed"
    meta["usage"]["cache_creation"]["ephemeral_5m_input_tokens"] = 99
    meta["mine"] = 1
    assert two.response_metadata["model_name"] == "claude-haiku-4-5"
    assert "mine" not in two.response_metadata
    three = parse(reply_data(3))  # the shared head was not touched by the edit
    assert three.response_metadata["model_name"] == "claude-haiku-4-5"
    assert three.response_metadata["usage"]["cache_creation"] == {"ephemeral_5m_input_tokens": 0}


def test_usage_is_built_on_read_and_never_sees_edits_to_the_raw_usage() -> None:
    reply = parse(reply_data(7))
    expected = {
        "input_tokens": 7,
        "output_tokens": 7,
        "total_tokens": 14,
        # the cache writes by TTL an input detail each, as langchain-anthropic has them
        "input_token_details": {"cache_read": 2, "ephemeral_5m_input_tokens": 0},
    }
    assert peek_usage(reply) == expected
    assert type(usage_slot(reply)) is LazyValue  # peeking keeps nothing
    reply.response_metadata["usage"]["input_tokens"] = 1000
    assert reply.usage_metadata == expected
    assert usage_slot(reply) is reply.usage_metadata  # built once, then kept
    no_usage = parse(reply_data(8, usage=None))
    assert no_usage.usage_metadata is None and "usage" not in no_usage.response_metadata


def test_an_unread_reply_compares_copies_pickles_and_dumps_as_a_read_one() -> None:
    read = parse(reply_data(4))
    built = AIMessage(
        content=read.content,
        id=read.id,
        response_metadata=dict(read.response_metadata),
        usage_metadata=read.usage_metadata,
    )
    for view in VIEWS:
        unread = parse(reply_data(4))
        assert type(raw_slot(unread)) is LazyMetadata
        assert view(unread) == view(built)


def test_metadata_value_and_set_metadata_leave_it_unbuilt() -> None:
    reply = parse(reply_data(5))
    assert metadata_value(reply, "finish_reason") == "stop"
    assert metadata_value(reply, "id") == "msg_5"
    assert metadata_value(reply, "usage")["output_tokens"] == 5
    assert has_metadata(reply, "stop_sequence") and not has_metadata(reply, "request_id")
    set_metadata(reply, "attempts", 2)
    assert type(raw_slot(reply)) is LazyMetadata
    assert list(reply.response_metadata)[-1] == "attempts"


def test_unmodelled_fields_and_odd_usage_keep_the_eager_build() -> None:
    data = reply_data(9, container={"id": "c1", "expires_at": "soon"})
    reply = parse(data)
    assert type(raw_slot(reply)) is dict
    assert list(reply.response_metadata.items()) == list(eager(data)[0].items())
    assert reply.response_metadata["container"] == {
        "id": "c1",
        "expires_at": "soon",
        "skills": None,
    }
    with pytest.raises(AttributeError):  # as before: a usage that is not an object
        parse(reply_data(10, usage=["odd"]))


def test_tool_calls_and_content_are_unchanged() -> None:
    data = reply_data(11, stop_reason="tool_use")
    data["content"].append({"type": "tool_use", "id": "t1", "name": "f", "input": {"a": 1}})
    reply = parse(data)
    assert reply.tool_calls == [{"name": "f", "args": {"a": 1}, "id": "t1", "type": "tool_call"}]
    assert reply.response_metadata["finish_reason"] == "tool_calls"


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"content": "x"}, "content is a str, not a list"),
        ({"content": [5]}, "content block is a int"),
        ({"content": [{"type": "text", "text": 0}]}, "text block's text is a int"),
        ({"content": [{"type": "tool_use", "id": "t", "name": "f", "input": []}]}, "input"),
        ({"content": [{"type": "tool_use", "id": "t", "name": 5, "input": {}}]}, "name is a"),
        ({"content": [{"type": "thinking", "thinking": 5}]}, "thinking is a int"),
        ({"usage": {"input_tokens": "5", "output_tokens": 1}}, "input_tokens is a str"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_never_read_as_empty(
    extra: dict[str, Any], words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        parse(reply_data(1, **extra))


def test_content_blocks_list_their_keys_in_the_sdk_models_order() -> None:
    # langchain-anthropic's content is the SDK's Message.model_dump(): a printed reply
    # shows each block's keys in its model's field order, whatever the JSON's order.
    content = [
        {"type": "thinking", "thinking": "hm", "signature": "sig"},
        {"type": "text", "text": "Let me look."},
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "P"}},
    ]
    blocks = parse(reply_data(1, content=content)).content
    assert [list(b) for b in blocks] == [
        ["signature", "thinking", "type"],
        ["text", "type"],
        ["id", "input", "name", "type", "toolset_name"],
    ]


@pytest.mark.parametrize(
    "raw",
    [
        {"input_tokens": 12, "output_tokens": 9},
        {"input_tokens": 12, "output_tokens": 9, "cache_read_input_tokens": 5},
        {
            "input_tokens": 12,
            "output_tokens": 9,
            "cache_creation_input_tokens": 3,
            "cache_read_input_tokens": 5,
            "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 0},
        },
        {
            "input_tokens": 12,
            "output_tokens": 9,
            "cache_creation_input_tokens": 0,
            "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 0},
        },
        # the TTL counts without the total (a server leaving it out): they count
        {
            "input_tokens": 12,
            "output_tokens": 9,
            "cache_creation": {"ephemeral_5m_input_tokens": 2, "ephemeral_1h_input_tokens": 4},
        },
    ],
    ids=["plain", "cache-read", "ttl-writes", "ttl-zero", "ttl-alone"],
)
def test_usage_is_langchain_anthropics(raw: dict[str, Any]) -> None:
    """The usage as langchain-anthropic's `_create_usage_metadata` makes it of the SDK's
    `Usage` (a write's TTL counts as input details of their own, the generic
    `cache_creation` then 0, the TTLs' sum in the input count)."""
    anthropic_types = pytest.importorskip("anthropic.types")
    partner = pytest.importorskip("langchain_anthropic.chat_models")
    theirs = partner._create_usage_metadata(anthropic_types.Usage.model_validate(raw))
    ours = parse(reply_data(1, usage=raw)).usage_metadata
    assert ours == theirs


def test_a_reply_with_no_content_block_has_an_empty_list_as_langchain_anthropics() -> None:
    assert parse(reply_data(1, content=[])).content == []
    # one empty text block is still its text, as there
    assert parse(reply_data(1, content=[{"type": "text", "text": ""}])).content == ""


def test_a_server_tool_usage_has_every_field_of_the_sdks_model() -> None:
    """langchain-anthropic's metadata dumps the SDK's `ServerToolUsage`: a count the
    reply leaves out is there as None."""
    usage = {"input_tokens": 1, "output_tokens": 2, "server_tool_use": {"web_search_requests": 0}}
    meta = parse(reply_data(1, usage=usage)).response_metadata
    assert meta["usage"]["server_tool_use"] == {
        "web_fetch_requests": None,
        "web_search_requests": 0,
    }
