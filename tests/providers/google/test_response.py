"""Gemini replies: text, thoughts, function calls, usage, metadata, safety blocks, errors."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from chatplex.errors import APIError
from chatplex.providers.google.response import OTHER_CANDIDATES
from chatplex.providers.google.response import error_fields
from chatplex.providers.google.response import gemini_3_or_later
from chatplex.providers.google.response import parse_candidates
from chatplex.providers.google.response import parse_reply
from chatplex.providers.google.response import partner_grounding
from chatplex.providers.google.response import tool_call_id
from chatplex.providers.google.response import usage_metadata


def body(*parts: dict[str, Any], finish: str = "STOP", **extra: Any) -> bytes:
    data = {
        "candidates": [
            {
                "content": {"parts": list(parts), "role": "model"},
                "finishReason": finish,
                "index": 0,
                "safetyRatings": [
                    {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}
                ],
            }
        ],
        "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 4, "totalTokenCount": 12},
        "modelVersion": "gemini-2.5-flash",
        "responseId": "resp-1",
        **extra,
    }
    return json.dumps(data).encode()


def test_text_reply_and_its_metadata() -> None:
    reply = parse_reply(body({"text": "Hello"}, {"text": " there"}), {"x-request-id": "r-9"})
    assert reply.content == "Hello there"
    assert reply.id == "resp-1"
    meta = reply.response_metadata
    assert meta["finish_reason"] == "STOP" == meta["raw_finish_reason"]  # LangChain's word
    assert meta["model_name"] == "gemini-2.5-flash" and meta["request_id"] == "r-9"
    assert meta["model_provider"] == "google_genai"
    assert meta["safety_ratings"][0]["category"] == "HARM_CATEGORY_HARASSMENT"
    assert meta["safety_ratings"][0]["severity_score"] is None  # the SDK's fields, all there
    assert "id" not in meta and "usage_metadata" not in meta  # not in LangChain's either
    assert reply.usage_metadata == {
        "input_tokens": 8,
        "output_tokens": 4,
        "total_tokens": 12,
        "input_token_details": {"cache_read": 0},
    }


def test_max_tokens_keeps_geminis_word() -> None:
    reply = parse_reply(body({"text": "Cut"}, finish="MAX_TOKENS"), {})
    assert reply.response_metadata["finish_reason"] == "MAX_TOKENS"


def test_thoughts_become_thinking_blocks_before_the_answer() -> None:
    reply = parse_reply(
        body(
            {"text": "Let me think.", "thought": True, "thoughtSignature": "c2ln"},
            {"text": "42"},
        ),
        {},
    )
    assert reply.content == [
        {"type": "thinking", "thinking": "Let me think.", "signature": "c2ln"},
        {"type": "text", "text": "42"},
    ]  # langchain-google-genai's blocks (the merging index is not kept in a message)
    assert reply.text == "42"


def test_function_calls_keep_gemini_ids_or_get_stable_ones_and_keep_signatures() -> None:
    raw = body(
        {"functionCall": {"name": "f", "args": {"x": 1}, "id": "given"}},
        {"functionCall": {"name": "g", "args": {}}, "thoughtSignature": "c2ln"},
    )
    reply = parse_reply(raw, {})
    assert [(c["name"], c["args"], c["id"]) for c in reply.tool_calls] == [
        ("f", {"x": 1}, "given"),
        ("g", {}, tool_call_id("resp-1", 0, 1)),
    ]
    assert parse_reply(raw, {}).tool_calls == reply.tool_calls  # stable, not random
    signatures = reply.additional_kwargs["__gemini_function_call_thought_signatures__"]
    assert signatures == {tool_call_id("resp-1", 0, 1): "c2ln"}
    assert reply.response_metadata["finish_reason"] == "STOP"  # as langchain-google-genai
    # Its legacy field: the last call, the arguments as JSON.
    assert reply.additional_kwargs["function_call"] == {"name": "g", "arguments": "{}"}


def test_usage_counts_thoughts_as_output_and_cached_tokens_as_cache_read() -> None:
    usage = usage_metadata(
        {
            "promptTokenCount": 100,
            "cachedContentTokenCount": 60,
            "candidatesTokenCount": 10,
            "thoughtsTokenCount": 30,
            "totalTokenCount": 140,
        }
    )
    assert usage == {
        "input_tokens": 100,
        "output_tokens": 40,
        "total_tokens": 140,
        "input_token_details": {"cache_read": 60},
        "output_token_details": {"reasoning": 30},
    }
    assert usage_metadata(None) is None


def test_other_candidates_are_kept() -> None:
    data = json.loads(body({"text": "A"}))
    second = {**data["candidates"][0], "index": 1, "content": {"parts": [{"text": "B"}]}}
    data["candidates"].insert(0, second)  # out of order on the wire
    raw = json.dumps(data).encode()
    reply = parse_reply(raw, {})
    assert reply.text == "A"
    others = reply.response_metadata[OTHER_CANDIDATES]
    assert [m.text for m in others] == ["B"] and others[0].usage_metadata is None
    assert [m.text for m in parse_candidates(raw)] == ["A", "B"]


def test_a_blocked_prompt_is_an_empty_reply_with_its_feedback() -> None:
    raw = json.dumps(
        {
            "promptFeedback": {
                "blockReason": "SAFETY",
                "safetyRatings": [
                    {
                        "category": "HARM_CATEGORY_DANGEROUS_CONTENT",
                        "probability": "HIGH",
                        "blocked": True,
                    }
                ],
            },
            "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9},
        }
    ).encode()
    reply = parse_reply(raw, {})  # as langchain-google-genai: a reply, not an error
    assert reply.content == "" and reply.tool_calls == []
    feedback = reply.response_metadata["prompt_feedback"]
    assert feedback["block_reason"] == "SAFETY" and feedback["block_reason_message"] is None
    assert feedback["safety_ratings"][0]["category"] == "HARM_CATEGORY_DANGEROUS_CONTENT"
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] == 9


@pytest.mark.parametrize(
    "reason", ["SAFETY", "RECITATION", "PROHIBITED_CONTENT", "BLOCKLIST", "MODEL_ARMOR"]
)
def test_a_withheld_candidate_is_an_empty_reply_saying_why(reason: str) -> None:
    reply = parse_reply(body(finish=reason), {})
    assert reply.content == ""
    assert reply.response_metadata["finish_reason"] == reason


def test_an_error_payload_and_a_body_that_is_not_json() -> None:
    raw = b'{"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}'
    with pytest.raises(APIError) as info:
        parse_reply(raw, {})
    assert info.value.retryable and info.value.error_type == "UNAVAILABLE"
    with pytest.raises(APIError, match="not a JSON object"):
        parse_reply(b"<html>", {})


def test_error_fields_read_google_errors_and_lists_of_them() -> None:
    error = {"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}
    assert error_fields(error) == ("bad", "INVALID_ARGUMENT", 400)
    assert error_fields([error]) == ("bad", "INVALID_ARGUMENT", 400)
    assert error_fields("nope") == (None, None, None)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"candidates": {"content": {}}}, "candidates is a dict, not a list"),
        ({"candidates": ["hi"]}, "candidate is a str"),
        ({"candidates": [{"content": {"parts": ["hi"]}}]}, "part is a str"),
        ({"candidates": [{"content": {"parts": [{"functionCall": "f"}]}}]}, "functionCall is"),
        (
            {"candidates": [{"content": {"parts": [{"functionCall": {"name": "f", "args": []}}]}}]},
            "args is a list",
        ),
        (
            {
                "candidates": [{"content": {"parts": [{"text": "a"}]}}],
                "usageMetadata": {"promptTokenCount": "5"},
            },
            "promptTokenCount is a str",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_never_dropped(raw: Any, words: str) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        parse_reply(json.dumps(raw).encode(), {})


def test_a_reply_of_usage_alone_is_an_empty_reply_with_its_usage() -> None:
    # Gemini answers some calls with no candidates, its usage still billed.
    raw = {"usageMetadata": {"promptTokenCount": 7, "totalTokenCount": 7}, "modelVersion": "m"}
    reply = parse_reply(json.dumps(raw).encode(), {})
    assert reply.content == ""
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] == 7


@pytest.mark.parametrize(
    "raw",
    [{}, {"id": "chatcmpl-1", "choices": [], "usage": {"prompt_tokens": 1}}, {"modelVersion": "m"}],
)
def test_an_object_that_is_no_gemini_reply_is_refused(raw: Any) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match="not a Gemini generateContent reply"):
        parse_reply(json.dumps(raw).encode(), {})


@pytest.mark.parametrize(
    ("model", "later"),
    [
        ("gemini-3-pro-preview", True),
        ("gemini-3.1-flash-lite", True),
        ("models/gemini-3-flash-preview", True),
        ("projects/p/locations/global/publishers/google/models/us.gemini-10-pro", True),
        ("gemini-2.5-flash", False),
        ("gemini-3-pro/gemini-2.5-flash", False),  # the last segment only
        ("gemma-3-27b-it", False),
        ("", False),
        (None, False),
    ],
)
def test_gemini_3_or_later_as_langchain_google_genai_tells_it(model: Any, later: bool) -> None:
    assert gemini_3_or_later(model) is later


def test_a_gemini_3_reply_read_as_the_partners_lists_its_text_and_nothing_as_empty() -> None:
    listed = body({"text": "A\n"}, {"text": ""}, {"text": "B"}, modelVersion="gemini-3-pro-preview")
    assert parse_reply(listed, None, partner=True).content == [
        {"type": "text", "text": "A"},
        {"type": "text", "text": "B"},
    ]
    assert parse_reply(listed, None).content == "A\nB"
    empty = body(modelVersion="gemini-3-pro-preview")
    assert parse_reply(empty, None, partner=True).content == []
    assert parse_reply(empty, None).content == ""


def test_under_the_partners_name_log_probabilities_and_citations_are_not_kept() -> None:
    """langchain-google-genai keeps a candidate's grounding alone of its extra fields,
    and names a reply without `modelVersion` "" (chatplex's own reading keeps them all,
    and None)."""
    candidate = json.loads(body({"text": "Hi"}))["candidates"][0]
    extra = {"avgLogprobs": -0.5, "citationMetadata": {"citations": []}}
    grounding = {"webSearchQueries": ["q"]}
    data = {"candidates": [{**candidate, **extra, "groundingMetadata": grounding}]}
    raw = json.dumps(data).encode()
    ours = parse_reply(raw, None).response_metadata
    assert ours["avg_logprobs"] == -0.5 and ours["model_name"] is None
    theirs = parse_reply(raw, None, partner=True).response_metadata
    assert "avg_logprobs" not in theirs and "citation_metadata" not in theirs
    assert theirs["grounding_metadata"] == partner_grounding(grounding)  # (its SDK's form)
    assert theirs["model_name"] == ""


def test_partner_grounding_is_the_sdks_dump_without_fields_it_does_not_know() -> None:
    pytest.importorskip("google.genai")
    raw = {
        "webSearchQueries": ["q"],
        "groundingChunks": [{"web": {"uri": "https://a", "title": "a", "newer": 1}}],
        "newerTop": True,
    }
    dumped = partner_grounding(raw)
    assert dumped["web_search_queries"] == ["q"]
    assert dumped["grounding_chunks"][0]["web"] == {
        "domain": None,
        "title": "a",
        "uri": "https://a",
    }
    assert dumped["grounding_supports"] == [] and dumped["image_search_queries"] == []
    assert "newerTop" not in dumped and "newer" in raw["groundingChunks"][0]["web"]  # raw kept


def test_partner_grounding_is_as_sent_without_the_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.genai.types", None)  # (its import fails)
    raw = {"webSearchQueries": ["q"]}
    assert partner_grounding(raw) is raw


def test_a_blocked_reply_reads_with_a_refusal_block_as_langchains_translator_adds() -> None:
    """The spec's declared reading (`reply_blocks`): a candidate stopped for SAFETY ends
    its content_blocks with a refusal, as langchain-core 1.8's Google translator reads
    the same reply; one that answered has none."""
    lc = pytest.importorskip("langchain_core.messages")
    for finish, refused in (("SAFETY", True), ("STOP", False)):
        reply = parse_reply(body({"text": "Partly"}, finish=finish), {})
        blocks = reply.content_blocks
        assert (blocks[-1]["type"] == "refusal") is refused, blocks
        theirs = lc.AIMessage(reply.content, response_metadata=dict(reply.response_metadata))
        assert blocks == theirs.content_blocks
