"""Replies shaped as each partner package's (providers/compatible/style.py)."""

from __future__ import annotations

import dataclasses
import doctest
import json
from typing import Any

import pytest

from chatplex.adapters.base import HELPER_PIECE_PROVIDER
from chatplex.adapters.sse_event import SSEEvent
from chatplex.messages import merge_chunks
from chatplex.providers.compatible import style as module
from chatplex.providers.compatible.profile import ReplyStyle
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.compatible.style import StyledStreamParser
from chatplex.providers.compatible.style import style_reply
from chatplex.providers.openai.adapter import OpenAIAdapter

ADAPTER = OpenAIAdapter(api_key="sk-test")


def _reply(message: dict[str, Any], usage: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "id": "r1",
        "model": "m",
        "system_fingerprint": "fp",
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": usage or {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
    }


def _shaped(data: dict[str, Any], style: ReplyStyle) -> Any:
    message = ADAPTER.parse_response(json.dumps(data).encode(), {})
    return style_reply(message, data, style)


def test_reasoning_goes_to_additional_kwargs_and_content_stays_a_str() -> None:
    data = _reply({"role": "assistant", "content": "4", "reasoning_content": "2+2"})
    reply = _shaped(data, ReplyStyle("deepseek"))
    assert reply.content == "4"
    assert reply.additional_kwargs == {"refusal": None, "reasoning_content": "2+2"}


def test_metadata_keys_are_the_packages_and_chatplex_keys_stay() -> None:
    data = _reply({"role": "assistant", "content": "hi"})
    reply = _shaped(data, PROFILES["groq"].style)  # type: ignore[arg-type]
    meta = reply.response_metadata
    assert meta["model_provider"] == "groq" and meta["service_tier"] == "on_demand"
    assert "id" not in meta and meta["provider"] == "openai"
    assert meta["token_usage"]["queue_time"] is None  # the groq SDK's null fields


def test_openai_sdk_nulls_fill_present_details_only() -> None:
    usage = {
        "prompt_tokens": 3,
        "completion_tokens": 5,
        "total_tokens": 8,
        "prompt_tokens_details": {"cached_tokens": 1},
    }
    reply = _shaped(_reply({"role": "assistant", "content": "hi"}, usage), ReplyStyle("xai"))
    token_usage = reply.response_metadata["token_usage"]
    assert token_usage["prompt_tokens_details"]["audio_tokens"] is None
    assert token_usage["completion_tokens_details"] is None
    assert reply.usage_metadata["input_token_details"] == {"cache_read": 1}
    assert reply.usage_metadata["output_token_details"] == {}


def test_xai_counts_reasoning_tokens_into_output_tokens() -> None:
    usage = {
        "prompt_tokens": 3,
        "completion_tokens": 5,
        "total_tokens": 12,
        "completion_tokens_details": {"reasoning_tokens": 4},
    }
    reply = _shaped(_reply({"role": "assistant", "content": "hi"}, usage), PROFILES["xai"].style)  # type: ignore[arg-type]
    assert reply.usage_metadata["output_tokens"] == 9


def _events(*objects: dict[str, Any]) -> list[SSEEvent]:
    return [SSEEvent(data=json.dumps(o)) for o in objects] + [SSEEvent(data="[DONE]")]


def test_groq_stream_usage_comes_from_x_groq_and_raw_calls_are_kept_per_chunk() -> None:
    head = {"id": "r1", "model": "m", "system_fingerprint": "fp"}
    call = {
        "index": 0,
        "id": "c1",
        "type": "function",
        "function": {"name": "add", "arguments": ""},
    }
    events = _events(
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [call]}}]},
        {
            **head,
            "choices": [
                {
                    "index": 0,
                    "delta": {"tool_calls": [{"index": 0, "function": {"arguments": '{"a": 1}'}}]},
                }
            ],
        },
        {
            **head,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}],
            "x_groq": {"usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}},
        },
    )
    parser = StyledStreamParser(ADAPTER.stream_parser({}), PROFILES["groq"].style)  # type: ignore[arg-type]
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    parser.finish()
    # Each event's pieces on its chunk, as the groq SDK's delta model dumps them (as
    # langchain-groq streams them); the finishing chunk has none.
    assert [c.additional_kwargs.get("tool_calls") for c in chunks] == [
        [
            {
                "index": 0,
                "id": "c1",
                "function": {"arguments": "", "name": "add"},
                "type": "function",
            }
        ],
        [
            {
                "index": 0,
                "id": None,
                "function": {"arguments": '{"a": 1}', "name": None},
                "type": None,
            }
        ],
        None,
    ]
    merged = merge_chunks(chunks)
    assert merged.usage_metadata == {"input_tokens": 3, "output_tokens": 5, "total_tokens": 8}
    assert merged.additional_kwargs["tool_calls"] == [
        {
            "index": 0,
            "id": "c1",
            "type": "function",
            "function": {"name": "add", "arguments": '{"a": 1}'},
        }
    ]
    assert merged.tool_calls[0]["args"] == {"a": 1}
    meta = merged.response_metadata
    assert meta["model_provider"] == "groq" and meta["service_tier"] == "on_demand"
    assert "id" not in meta and "token_usage" not in meta


def test_perplexity_top_level_usage_fields_are_read_as_langchain_perplexity_reads_them() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8}
    usage |= {"reasoning_tokens": 2, "citation_tokens": 4, "num_search_queries": 1}
    data = _reply({"role": "assistant", "content": "hi"}, usage)
    reply = _shaped(data, PROFILES["perplexity"].style)  # type: ignore[arg-type]
    assert reply.usage_metadata == {
        "input_tokens": 3,
        "output_tokens": 5,
        "total_tokens": 8,
        "output_token_details": {"reasoning": 2, "citation_tokens": 4},
    }
    assert reply.response_metadata["num_search_queries"] == 1
    assert "search_context_size" not in reply.response_metadata  # not sent: not set


def test_deepseek_cache_hits_are_cache_read_unless_the_nested_count_names_one() -> None:
    style = PROFILES["deepseek"].style
    base = {"prompt_tokens": 11, "completion_tokens": 5, "total_tokens": 16}
    for hits in (4, 0):  # a miss-only reply still says cache_read 0, as ChatDeepSeek does
        usage = base | {"prompt_cache_hit_tokens": hits, "prompt_cache_miss_tokens": 11 - hits}
        reply = _shaped(_reply({"role": "assistant", "content": "hi"}, usage), style)  # type: ignore[arg-type]
        assert reply.usage_metadata["input_token_details"] == {"cache_read": hits}
    nested = base | {"prompt_cache_hit_tokens": 4, "prompt_tokens_details": {"cached_tokens": 6}}
    reply = _shaped(_reply({"role": "assistant", "content": "hi"}, nested), style)  # type: ignore[arg-type]
    assert reply.usage_metadata["input_token_details"] == {"cache_read": 6}
    plain = _shaped(_reply({"role": "assistant", "content": "hi"}, base), style)  # type: ignore[arg-type]
    assert "cache_read" not in (plain.usage_metadata.get("input_token_details") or {})


def test_mistral_keeps_reasoning_blocks_in_the_content() -> None:
    data = _reply({"role": "assistant", "content": "4", "reasoning_content": "2+2"})
    reply = _shaped(data, PROFILES["mistralai"].style)  # type: ignore[arg-type]
    assert isinstance(reply.content, list) and reply.text == "4"
    assert "reasoning_content" not in reply.additional_kwargs
    assert set(reply.response_metadata) >= {"model", "model_name", "token_usage"}


def test_sambanova_raw_calls_carry_their_index_and_its_sdk_usage_nulls() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    data = _reply({"role": "assistant", "content": None, "tool_calls": [call]})
    reply = _shaped(data, PROFILES["sambanova"].style)  # type: ignore[arg-type]
    assert reply.additional_kwargs == {"tool_calls": [{**call, "index": None}]}
    # In the sambanova SDK's declared order (its dump's, what set_debug prints).
    assert list(reply.additional_kwargs["tool_calls"][0]) == ["function", "id", "index", "type"]
    usage = reply.response_metadata["token_usage"]
    assert usage["prompt_tokens"] == 3 and usage["time_to_first_token"] is None
    assert "model_provider" not in reply.response_metadata
    groq = _shaped(data, PROFILES["groq"].style)  # type: ignore[arg-type]
    assert groq.additional_kwargs == {"tool_calls": [call]}  # no index: the groq SDK's


def test_reference_parts_and_stream_indexes() -> None:
    parts = [{"type": "text", "text": "It is "}, {"type": "reference", "text": "P.", "ids": [1]}]
    assert module._with_references(parts)[1] == {
        "type": "text",
        "text": "P.",
        "reference": {"ids": [1]},
    }
    plain = parts[:1]
    assert module._with_references(plain) is plain  # no reference: the list as it is
    indexes = module.PartIndexes()
    thinking = {"type": "thinking", "thinking": [{"type": "text", "text": "a"}]}
    first = indexes.indexed([thinking])
    assert first == [
        {**thinking, "index": 0, "thinking": [{"type": "text", "text": "a", "index": 0}]}
    ]
    assert indexes.indexed([thinking])[0]["index"] == 0  # same type: same block
    assert indexes.indexed([{"type": "text", "text": "b"}]) == [
        {"type": "text", "text": "b", "index": 1}
    ]
    assert indexes.indexed([thinking])[0]["index"] == 2


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(module)
    assert failures == 0 and tried > 0


def test_service_tier_is_the_replys_or_the_tier_asked() -> None:
    plain = _reply({"role": "assistant", "content": "hi"})
    flex = {**plain, "service_tier": "flex"}
    # BaseChatOpenAI's packages keep the reply's tier, and none when it names none.
    assert _shaped(flex, ReplyStyle("xai")).response_metadata["service_tier"] == "flex"
    assert "service_tier" not in _shaped(plain, ReplyStyle("xai")).response_metadata
    # langchain-groq reports the tier asked for, whatever the reply says.
    groq = PROFILES["groq"].style
    assert _shaped(flex, groq).response_metadata["service_tier"] == "on_demand"  # type: ignore[arg-type]


def test_a_stream_keeps_the_replys_service_tier_on_its_finishing_chunk() -> None:
    head = {"id": "r1", "model": "m", "service_tier": "flex"}
    events = [
        SSEEvent(None, json.dumps(e))
        for e in (
            {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "hi"}}]},
            {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        )
    ]
    parser = StyledStreamParser(ADAPTER.stream_parser({}), ReplyStyle("xai"))
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    assert [c.response_metadata.get("service_tier") for c in chunks] == [None, "flex"]


def test_a_helper_piece_provider_rides_on_every_chunk() -> None:
    # (for the SDK helper's pieces, which langchain-xai names "xai" every one)
    events = [
        SSEEvent(None, json.dumps({"id": "r1", "model": "m", "choices": [{"index": 0, **e}]}))
        for e in ({"delta": {"content": "hi"}}, {"delta": {}, "finish_reason": "stop"})
    ]
    for style, named in (
        (ReplyStyle("openai", helper_piece_provider="xai"), "xai"),
        (ReplyStyle("xai"), None),
    ):
        parser = StyledStreamParser(ADAPTER.stream_parser({}), style)
        chunks = [c for e in events if (c := parser.feed(e)) is not None]
        assert len(chunks) == 2
        assert [c.response_metadata.get(HELPER_PIECE_PROVIDER) for c in chunks] == [named] * 2


def test_the_effort_asked_is_reported_where_the_style_reports_it() -> None:
    plain = _reply({"role": "assistant", "content": "hi"})
    groq = PROFILES["groq"].style
    assert groq is not None and "reasoning_effort" in groq.reply_keys
    # None asked: no key (langchain-groq writes it only when set).
    assert "reasoning_effort" not in _shaped(plain, groq).response_metadata
    asked = dataclasses.replace(groq, reasoning_effort="low")
    meta = _shaped(plain, asked).response_metadata
    assert meta["reasoning_effort"] == "low"
    keys = list(meta)  # after the tier, as langchain-groq's llm_output has it
    assert keys.index("reasoning_effort") == keys.index("service_tier") + 1
    # A style whose package reports none leaves it out.
    xai = ReplyStyle("xai", reasoning_effort="low")
    assert "reasoning_effort" not in _shaped(plain, xai).response_metadata
    # The stream: on the finishing chunk only.
    head = {"id": "r1", "model": "m"}
    events = [
        SSEEvent(None, json.dumps(e))
        for e in (
            {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "hi"}}]},
            {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        )
    ]
    parser = StyledStreamParser(ADAPTER.stream_parser({}), asked)
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    assert [c.response_metadata.get("reasoning_effort") for c in chunks] == [None, "low"]


def _style(name: str) -> ReplyStyle:
    style = PROFILES[name].style
    assert isinstance(style, ReplyStyle)
    return style


def test_groq_token_usage_is_in_its_sdk_dumps_order() -> None:
    usage = {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8, "x_extra": 1}
    data = _reply({"role": "assistant", "content": "hi"}, usage)
    assert list(_shaped(data, _style("groq")).response_metadata["token_usage"]) == [
        "completion_tokens",
        "prompt_tokens",
        "total_tokens",
        "completion_time",
        "completion_tokens_details",
        "prompt_time",
        "prompt_tokens_details",
        "queue_time",
        "total_time",
        "x_extra",  # a field the SDK does not declare: after its own
    ]
    # A style with no SDK order keeps the reply's.
    mistral = _shaped(data, _style("mistralai")).response_metadata["token_usage"]
    assert list(mistral) == list(usage)


@pytest.mark.parametrize(
    ("preset", "module", "model"),
    [
        ("xai", "openai.types.completion_usage", "CompletionUsage"),
        ("deepseek", "openai.types.completion_usage", "CompletionUsage"),
        ("together", "openai.types.completion_usage", "CompletionUsage"),
        ("nebius", "openai.types.completion_usage", "CompletionUsage"),
        ("fireworks", "fireworks.types.chat.completion_create_response", "UsageInfo"),
        ("sambanova", "sambanova.types.chat.chat_completion_response", "Usage"),
    ],
)
def test_token_usage_is_in_the_order_of_the_partners_sdk_model(
    preset: str, module: str, model: str
) -> None:
    """The partner reads the usage into its SDK's model and dumps it: its declared
    fields first, in that order (what `print` and `set_debug` show), then the rest."""
    declared = list(getattr(pytest.importorskip(module), model).model_fields)
    usage = {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8, "x_extra": 1}
    usage |= {"prompt_tokens_details": {"cached_tokens": 0}}
    data = _reply({"role": "assistant", "content": "hi"}, usage)
    shown = list(_shaped(data, _style(preset)).response_metadata["token_usage"])
    assert shown[:-1] == [k for k in declared if k in shown] and shown[-1] == "x_extra"


def test_fireworks_raw_calls_are_in_its_sdks_declared_order() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    data = _reply({"role": "assistant", "content": None, "tool_calls": [call]})
    reply = _shaped(data, _style("fireworks"))
    assert reply.additional_kwargs["tool_calls"] == [call]
    assert list(reply.additional_kwargs["tool_calls"][0]) == ["function", "id", "type"]


def test_mistral_raw_calls_are_the_jsons_own_in_its_key_order() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    data = _reply({"role": "assistant", "content": "", "tool_calls": [call]})
    kept = _shaped(data, _style("mistralai")).additional_kwargs["tool_calls"]
    assert kept == [call]
    assert list(kept[0]) == ["id", "type", "function"]
    assert list(kept[0]["function"]) == ["name", "arguments"]
    # An SDK-read package's: the SDK model's order (id, function, type).
    groq = _shaped(data, _style("groq")).additional_kwargs["tool_calls"]
    assert list(groq[0]) == ["id", "function", "type"]


def test_mistral_streams_each_events_raw_calls_as_sent() -> None:
    head = {"id": "r1", "model": "m"}
    first = {"index": 0, "id": "c1", "type": "function", "function": {"name": "f", "arguments": ""}}
    rest = {"index": 0, "function": {"arguments": "{}"}}
    events = _events(
        {**head, "choices": [{"index": 0, "delta": {"tool_calls": [first]}}]},
        {**head, "choices": [{"index": 0, "delta": {"tool_calls": [rest]}}]},
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    )
    parser = StyledStreamParser(ADAPTER.stream_parser({}), _style("mistralai"))
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    assert [c.additional_kwargs.get("tool_calls") for c in chunks] == [[first], [rest], None]
    merged = merge_chunks(chunks).additional_kwargs["tool_calls"]
    assert merged == [{**first, "function": {"name": "f", "arguments": "{}"}}]


def test_a_streams_logprobs_stay_on_their_chunks_with_the_sdks_nulls() -> None:
    # As langchain-openai's (and -groq's, -fireworks') stream keeps a chunk's logprobs;
    # the fireworks SDK's choice model fills its completions-style fields with null.
    token = {"token": "hi", "logprob": -0.5, "bytes": [104, 105], "top_logprobs": []}
    choice = {"index": 0, "delta": {"content": "hi"}, "logprobs": {"content": [token]}}
    event = SSEEvent(None, json.dumps({"id": "r1", "model": "m", "choices": [choice]}))
    plain = StyledStreamParser(ADAPTER.stream_parser({}), ReplyStyle("deepseek")).feed(event)
    assert plain is not None and plain.response_metadata["logprobs"] == {"content": [token]}
    nulls = ("text_offset", "tokens")
    style = dataclasses.replace(ReplyStyle("fireworks"), logprobs_nulls=nulls)
    chunk = StyledStreamParser(ADAPTER.stream_parser({}), style).feed(event)
    assert chunk is not None
    assert list(chunk.response_metadata["logprobs"].items()) == [
        ("text_offset", None),
        ("tokens", None),
        ("content", [token]),
    ]
    reply = _reply({"role": "assistant", "content": "hi"})
    reply["choices"][0]["logprobs"] = {"content": [token]}
    shaped = _shaped(reply, style)
    assert shaped.response_metadata["logprobs"] == {**dict.fromkeys(nulls), "content": [token]}


def test_a_reply_without_a_fingerprint_says_so_as_its_partner_does() -> None:
    # langchain-openai's subclasses and -groq dump an SDK model declaring the field
    # (None); langchain-fireworks' SDK model has none, so it reads "".
    reply = _reply({"role": "assistant", "content": "hi"})
    del reply["system_fingerprint"]
    assert _shaped(reply, ReplyStyle("deepseek")).response_metadata["system_fingerprint"] is None
    fireworks = PROFILES["fireworks"].style
    assert fireworks is not None
    assert _shaped(reply, fireworks).response_metadata["system_fingerprint"] == ""


def test_a_reply_without_usage_has_the_token_usage_its_partner_reads() -> None:
    """None where the partner dumps an SDK model declaring `usage` (langchain-groq,
    -sambanova), {} where it reads the JSON with `.get("usage", {})` (-mistralai); a
    copy each time, never the style's own."""
    data = _reply({"role": "assistant", "content": "hi"})
    del data["usage"]
    assert _shaped(data, _style("groq")).response_metadata["token_usage"] is None
    assert _shaped(data, _style("sambanova")).response_metadata["token_usage"] is None
    mistral = _shaped(data, _style("mistralai")).response_metadata["token_usage"]
    assert mistral == {} and mistral is not _style("mistralai").absent_usage
    # `"usage": null` is None to each (langchain-mistralai's `.get` finds the key)
    nulled = {**data, "usage": None}
    assert _shaped(nulled, _style("mistralai")).response_metadata["token_usage"] is None


def test_fireworks_names_provider_and_model_beside_counted_tokens_alone() -> None:
    """langchain-fireworks sets `model_provider` and `model_name` where it sets the
    usage; a reply without counts has neither (other partners keep both)."""
    counted = _reply({"role": "assistant", "content": "hi"}, {"prompt_tokens": 1})
    meta = _shaped(counted, _style("fireworks")).response_metadata
    assert meta["model_provider"] == "fireworks" and "model_name" in meta
    for usage in ({}, {"usage": None}):
        data = {k: v for k, v in counted.items() if k != "usage"} | usage
        bare = _shaped(data, _style("fireworks")).response_metadata
        assert "model_provider" not in bare and "model_name" not in bare
        assert "model_provider" in _shaped(data, _style("groq")).response_metadata


def test_a_raw_tool_call_without_a_type_has_none_as_the_sdk_model_dumps_it() -> None:
    call = {"id": "c1", "function": {"name": "f", "arguments": "{}"}}
    data = _reply({"role": "assistant", "content": None, "tool_calls": [call]})
    raw = _shaped(data, _style("groq")).additional_kwargs["tool_calls"]
    assert raw == [{"id": "c1", "function": {"arguments": "{}", "name": "f"}, "type": None}]


def test_part_fields_keep_a_list_content_as_the_sdk_dumps_it_and_a_streams_as_sent() -> None:
    """Fireworks' style: a reply's list content stays a list, each part with its SDK
    model's fields (null where unsent, a nested object's too) and then its own keys,
    reasoning split out still; a stream's delta parts as sent. Without: the text."""
    parts = [
        {"type": "text", "text": "Hi", "cite": 1},
        {"type": "image_url", "image_url": {"url": "u"}},
    ]
    data = _reply({"role": "assistant", "content": parts, "reasoning_content": "Greet."})
    style = PROFILES["fireworks"].style
    assert style is not None
    reply = _shaped(data, style)
    assert reply.content == [
        {"type": "text", "image_url": None, "text": "Hi", "video_url": None, "cite": 1},
        {
            "type": "image_url",
            "image_url": {"url": "u", "detail": None},
            "text": None,
            "video_url": None,
        },
    ]
    assert reply.additional_kwargs["reasoning_content"] == "Greet."
    texts = parts[:1]
    assert _shaped(_reply({"role": "assistant", "content": texts}), ReplyStyle("f")).content == "Hi"
    parser = StyledStreamParser(ADAPTER.stream_parser({}), style)
    delta = {"role": "assistant", "content": parts, "reasoning_content": "Greet."}
    event = _events({"id": "r1", "model": "m", "choices": [{"index": 0, "delta": delta}]})[0]
    chunk = parser.feed(event)
    assert chunk is not None and chunk.content == parts
    assert chunk.additional_kwargs["reasoning_content"] == "Greet."
    # Text beside reasoning stays text, whole and streamed.
    said = {"role": "assistant", "content": "Hi", "reasoning_content": "Greet."}
    assert _shaped(_reply(said), style).content == "Hi"
    event = _events({"id": "r1", "model": "m", "choices": [{"index": 0, "delta": said}]})[0]
    chunk = StyledStreamParser(ADAPTER.stream_parser({}), style).feed(event)
    assert chunk is not None and chunk.content == "Hi"
