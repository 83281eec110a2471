from __future__ import annotations

import json
import time

import pytest
from pydantic import BaseModel

from chatplex.bulk.records import encode
from chatplex.bulk.records import error_record
from chatplex.bulk.records import record_cost
from chatplex.bulk.records import row_error_kind
from chatplex.bulk.records import success_record
from chatplex.core import OutputParserException
from chatplex.errors import APIConnectionError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import status_error
from chatplex.messages import AIMessage


def test_success_row_from_a_reply() -> None:
    reply = AIMessage(
        "hello",
        usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
        response_metadata={
            "attempts": 2,
            "model_name": "m",
            "cached": True,
            "cost": {"total": 0.5, "input": 0.2, "output": 0.3, "currency": "USD"},
        },
    )
    before = time.time()
    record = success_record("a", reply, 0.123456)
    assert before - 0.001 <= record.pop("at") <= time.time() + 0.001  # finished (unix s, ms)
    assert record == {
        "id": "a",
        "text": "hello",
        "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
        "cost": 0.5,
        "attempts": 2,
        "latency_s": 0.1235,
        "cached": True,
        "model": "m",
    }


def test_cost_read_defensively() -> None:
    assert record_cost({}) is None
    assert record_cost({"cost": None}) is None
    assert record_cost({"cost": {"total": None}}) is None
    assert record_cost({"cost": 0.25}) == 0.25


def test_structured_output_is_json() -> None:
    class Answer(BaseModel):
        score: int

    assert success_record(1, Answer(score=3), 0.0)["text"] == {"score": 3}
    assert success_record(1, {"a": [1]}, 0.0)["text"] == {"a": [1]}
    assert success_record(1, "plain", 0.0)["text"] == "plain"


def test_error_row_has_type_status_message_and_no_key_in_urls() -> None:
    error = RateLimitError("slow down", status=429, provider="openai")
    record = error_record(7, error)
    assert isinstance(record.pop("at"), float)
    assert record == {
        "id": 7,
        "error": {
            "type": "RateLimitError",
            "status": 429,
            "message": str(error),
            "kind": "transient",
        },
    }
    leaked = error_record(1, ValueError("GET https://x.example/v1?key=sk-secret-1 failed"))
    assert "sk-secret-1" not in json.dumps(leaked)
    assert leaked["error"]["status"] is None


def test_encode_is_one_utf8_line() -> None:
    line = encode({"id": 1, "text": "café\nnext"})
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line) == {"id": 1, "text": "café\nnext"}


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (status_error(provider="openai", status=429, message="slow"), "transient"),
        (status_error(provider="openai", status=503, message="busy"), "transient"),
        (status_error(provider="openai", status=401, message="bad key"), "setup"),
        (status_error(provider="openai", status=404, message="no model"), "setup"),
        (status_error(provider="openai", status=400, message="bad row"), "input"),
        (APIConnectionError("connection refused"), "transient"),
        (DeadlineExceededError("deadline"), "transient"),
        (ValueError("message 0 has no content"), "input"),
    ],
)
def test_an_error_row_says_whose_fault_it_was(error: BaseException, kind: str) -> None:
    written = error_record(1, error)["error"]
    assert written["kind"] == kind
    assert row_error_kind(written) == kind
    # Rows written before `kind` existed are classified from their type and status.
    assert row_error_kind({k: v for k, v in written.items() if k != "kind"}) == kind


def test_a_langchain_ai_message_is_recorded_as_chatplexs() -> None:
    # chatplex.langchain.ChatOpenAI is a LangChain chat model where langchain-core is installed.
    messages = pytest.importorskip("langchain_core.messages")
    usage = {"input_tokens": 4, "output_tokens": 2, "total_tokens": 6}
    call = {"name": "add", "args": {"a": 1}, "id": "c1", "type": "tool_call"}
    reply = messages.AIMessage(
        content="Echo: tea",
        response_metadata={"model_name": "gpt-4o-mini", "cost": {"total": 1.5}, "attempts": 2},
        usage_metadata=usage,
        tool_calls=[call],
    )
    record = success_record("a", reply, 0.25)
    assert type(record["text"]) is str and record["text"] == "Echo: tea"
    assert (record["usage"], record["cost"], record["attempts"]) == (usage, 1.5, 2)
    assert record["model"] == "gpt-4o-mini"
    assert record["tool_calls"] == [{"name": "add", "args": {"a": 1}}]


@pytest.mark.parametrize(
    ("content", "additional", "metadata", "words"),
    [
        # Chat Completions: the words in additional_kwargs, no text.
        ("", {"refusal": "I can't help."}, {"model_provider": "openai"}, "I can't help."),
        # The Responses API: a refusal content part.
        ([{"type": "refusal", "refusal": "No."}], {}, {"model_provider": "openai"}, "No."),
        # Anthropic's stop reason with no explanation: still a refusal, of no words.
        ("", {}, {"model_provider": "anthropic", "stop_reason": "refusal"}, ""),
    ],
)
def test_a_refusal_is_kept_not_recorded_as_an_empty_answer(
    content: object, additional: dict[str, object], metadata: dict[str, object], words: str
) -> None:
    reply = AIMessage(content, additional_kwargs=additional, response_metadata=metadata)  # type: ignore[arg-type]
    record = success_record("a", reply, 0.0)
    assert record["text"] == "" and record["refusal"] == words
    assert "refusal" not in success_record("b", AIMessage("fine"), 0.0)
    messages = pytest.importorskip("langchain_core.messages")
    foreign = messages.AIMessage(content, additional_kwargs=additional, response_metadata=metadata)
    assert success_record("a", foreign, 0.0)["refusal"] == words


def test_an_error_row_keeps_a_reply_that_did_not_parse() -> None:
    error = OutputParserException("not JSON", llm_output="Sure! Here it is: {")
    written = error_record("a", error)
    assert written["error"]["reply"] == "Sure! Here it is: {"
    assert "usage" not in written and "cost" not in written  # nothing counted: none claimed
    limited = RateLimitError("slow", status=429, provider="openai")
    assert "reply" not in error_record("b", limited)["error"]


def test_a_reply_cut_at_the_token_limit_says_so() -> None:
    def finished(reason: str) -> AIMessage:
        return AIMessage("Once upon a", response_metadata={"finish_reason": reason})

    assert success_record("a", finished("length"), 0.0)["finish_reason"] == "length"
    assert success_record("a", finished("content_filter"), 0.0)["finish_reason"] == (
        "content_filter"
    )
    # Ended of itself, in each API's words (Gemini's, Cohere's): nothing to say.
    for whole in ("stop", "tool_calls", "STOP", "COMPLETE", "TOOL_CALL"):
        assert "finish_reason" not in success_record("a", finished(whole), 0.0)
    assert success_record("a", finished("MAX_TOKENS"), 0.0)["finish_reason"] == "MAX_TOKENS"
    # ChatAnthropic's reply (langchain-anthropic's) says it by its `stop_reason` alone.
    for reason, written in (("end_turn", None), ("max_tokens", "max_tokens")):
        anthropic = AIMessage("Once upon a", response_metadata={"stop_reason": reason})
        assert success_record("a", anthropic, 0.0).get("finish_reason") == written
