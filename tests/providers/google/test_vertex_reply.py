"""The Vertex AI reply's metadata in langchain-google-vertexai's shape."""

from __future__ import annotations

import json
import sys
from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.messages import merge_chunks
from chatplex.providers.google.stream import GeminiStreamParser
from chatplex.providers.google.vertex_reply import VertexStreamParser
from chatplex.providers.google.vertex_reply import plain_texts
from chatplex.providers.google.vertex_reply import proto_form
from chatplex.providers.google.vertex_reply import vertex_metadata
from chatplex.providers.google.vertex_reply import vertex_signed_texts

REPLY: dict[str, Any] = {
    "candidates": [
        {
            "index": 0,
            "safetyRatings": [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}
            ],
        },
        {"index": 1},
    ],
    "usageMetadata": {"promptTokenCount": 9, "thoughtsTokenCount": 2, "totalTokenCount": 11},
}


def test_ratings_blocked_and_usage_as_the_proto_fields() -> None:
    meta: dict[str, Any] = {"safety_ratings": []}
    vertex_metadata(meta, REPLY, 0, streaming=False)
    assert meta["is_blocked"] is True
    assert meta["safety_ratings"] == [
        {
            "category": "HARM_CATEGORY_HARASSMENT",
            "probability_label": "HIGH",
            "probability_score": 0.0,
            "blocked": True,
            "severity": "HARM_SEVERITY_UNSPECIFIED",
            "severity_score": 0.0,
        }
    ]
    assert meta["usage_metadata"] == {
        "prompt_token_count": 9,
        "candidates_token_count": 0,
        "total_token_count": 11,
        "thoughts_token_count": 2,
        "cached_content_token_count": 0,
        "prompt_tokens_details": [],
        "cache_tokens_details": [],
        "candidates_tokens_details": [],
    }


def test_other_candidate_and_stream_chunk() -> None:
    meta: dict[str, Any] = {}
    vertex_metadata(meta, REPLY, 1, streaming=True)
    assert meta["safety_ratings"] == [] and "is_blocked" not in meta
    blocked_prompt: dict[str, Any] = {}
    vertex_metadata(
        blocked_prompt, {"promptFeedback": {"blockReason": "SAFETY"}}, 0, streaming=False
    )
    assert "is_blocked" not in blocked_prompt and "safety_ratings" not in blocked_prompt
    assert blocked_prompt["usage_metadata"]["total_token_count"] == 0


def test_finish_message_kept_where_the_candidate_has_one() -> None:
    said = {"candidates": [{"finishReason": "STOP", "finishMessage": "Finished."}]}
    meta: dict[str, Any] = {}
    vertex_metadata(meta, said, 0, streaming=False)
    assert meta["finish_message"] == "Finished."
    unsaid: dict[str, Any] = {}
    vertex_metadata(unsaid, {"candidates": [{"finishMessage": ""}]}, 0, streaming=False)
    assert "finish_message" not in unsaid
    chunk: dict[str, Any] = {}
    vertex_metadata(chunk, said, 0, streaming=True)
    assert "finish_message" not in chunk


def test_logprobs_as_one_entry_per_chosen_token() -> None:
    meta: dict[str, Any] = {
        "logprobs_result": {
            "chosenCandidates": [
                {"token": "Hi", "logProbability": -0.5},
                {"token": "?", "logProbability": float("nan")},
            ],
            "topCandidates": [{"candidates": [{"token": "Yo", "logProbability": -1.0}]}],
        }
    }
    vertex_metadata(meta, {"candidates": [{}]}, 0, streaming=False)
    assert meta["logprobs_result"] == [
        {"token": "Hi", "logprob": -0.5, "top_logprobs": [{"token": "Yo", "logprob": -1.0}]}
    ]


def test_plain_text_blocks_become_str_beside_thinking() -> None:
    thought = {"type": "thinking", "thinking": "Hmm."}
    signed = {"type": "text", "text": "B", "thought_signature": "c2ln"}
    content = [thought, {"type": "text", "text": "A"}, signed]
    assert plain_texts(content) == [thought, "A", signed]
    assert plain_texts("Hi") == "Hi"


def test_a_signed_text_block_carries_thought_signature_unindexed() -> None:
    signed = {"type": "text", "text": "A", "extras": {"signature": "c2ln"}, "index": 1}
    thinking = {"type": "thinking", "thinking": "Hm"}
    assert vertex_signed_texts([thinking, signed, "B"]) == [
        thinking,
        {"type": "text", "text": "A", "thought_signature": "c2ln"},
        "B",
    ]
    assert vertex_signed_texts("A") == "A"


def test_a_streamed_call_has_no_index_as_langchain_google_vertexai_streams_it() -> None:
    # Its tool-call chunk reads an index off the call's function_call, which has none.
    calls = [{"functionCall": {"name": "f", "args": {"n": 1}}}, {"functionCall": {"name": "g"}}]
    event = {
        "candidates": [{"content": {"role": "model", "parts": calls}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1},
    }
    vertex, gemini = VertexStreamParser("r", "google_vertexai"), GeminiStreamParser("r")
    [chunk] = [c for c in [vertex.feed(SSEEvent(data=json.dumps(event)))] if c is not None]
    assert [c["index"] for c in chunk.tool_call_chunks] == [None, None]
    assert [c["name"] for c in merge_chunks([chunk]).tool_calls] == ["f", "g"]
    indexed = gemini.feed(SSEEvent(data=json.dumps(event)))
    assert indexed is not None and [c["index"] for c in indexed.tool_call_chunks] == [0, 1]


def test_proto_form_is_aiplatforms_dump_and_as_sent_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("google.cloud.aiplatform_v1beta1")
    raw = {"citations": [{"startIndex": 0, "endIndex": 5, "uri": "https://x", "newer": 1}]}
    dumped = proto_form(raw, "CitationMetadata")
    assert dumped == {
        "citations": [
            {"start_index": 0, "end_index": 5, "uri": "https://x", "title": "", "license_": ""}
        ]
    }
    assert proto_form({"citations": 5}, "CitationMetadata") == {"citations": 5}  # no such JSON
    monkeypatch.setitem(sys.modules, "google.cloud.aiplatform_v1beta1.types", None)
    assert proto_form(raw, "CitationMetadata") is raw


def test_grounding_is_dumped_as_the_partner_dumps_it_for_a_drop_in_only() -> None:
    # chatplex's own family gives the metadata as sent, whatever is installed; a drop-in
    # (`as_partner`) gives aiplatform's dump, as langchain-google-vertexai does.
    pytest.importorskip("google.cloud.aiplatform_v1beta1")
    cited = {"citations": [{"startIndex": 0, "endIndex": 5, "uri": "https://x"}]}
    reply = {"candidates": [{"citationMetadata": cited}]}
    own: dict[str, Any] = {"citation_metadata": cited}
    vertex_metadata(own, reply, 0, streaming=False)
    assert own["citation_metadata"] == cited
    partner: dict[str, Any] = {"citation_metadata": cited}
    vertex_metadata(partner, reply, 0, streaming=False, proto=True)
    assert partner["citation_metadata"]["citations"][0]["start_index"] == 0
    assert "startIndex" not in partner["citation_metadata"]["citations"][0]
