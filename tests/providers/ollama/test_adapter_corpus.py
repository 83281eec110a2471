"""The Ollama adapter reads the Ollama replies of tests/wire-corpus (provider "ollama":
a recorded stream, the official API reference's examples and the server tests' bodies; see
each sidecar) as their sidecars expect, and as the official SDK reads them."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex.errors import APIStatusError
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.ndjson import iter_ndjson_lines

CASES = load_cases({"ollama"})
REPLIES = [c for c in CASES if c.status < 400 and not c.expected.get("error")]
STREAM_ERRORS = [c for c in CASES if c.status < 400 and c.expected.get("error")]
ERRORS = [c for c in CASES if c.status >= 400]

pytestmark = pytest.mark.skipif(not CASES, reason="the shared wire corpus is not here")


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def read(case: Case) -> AIMessage:
    adapter = OllamaAdapter()
    if case.kind == "json":
        return adapter.parse_response(case.body, case.headers)
    parser = adapter.stream_parser(case.headers)
    pieces = [case.body[i : i + 13] for i in range(0, len(case.body), 13)]
    chunks = [c for c in map(parser.feed, iter_ndjson_lines(pieces)) if c is not None]
    parser.finish()
    return merge_chunks(chunks).to_message()


def test_the_corpus_has_each_kind() -> None:
    kinds = {(c.kind, c.status < 400, bool(c.expected.get("error"))) for c in CASES}
    assert {("json", True, False), ("ndjson", True, False), ("ndjson", True, True)} <= kinds
    assert ERRORS


@pytest.mark.parametrize("case", REPLIES, ids=ids(REPLIES))
def test_replies_read_as_expected(case: Case) -> None:
    message = read(case)
    expected = case.expected
    assert message.text == expected["text"]
    assert [{"name": c["name"], "arguments": c["args"]} for c in message.tool_calls] == expected[
        "tool_calls"
    ]
    # langchain-ollama's shape (a uuid4), drawn stably
    assert all(c["id"] and str(uuid.UUID(c["id"])) == c["id"] for c in message.tool_calls)
    assert message.usage_metadata == expected["usage"]
    assert message.response_metadata["raw_finish_reason"] == expected["done_reason"]
    assert message.response_metadata["model_provider"] == "ollama"


@pytest.mark.parametrize("case", REPLIES, ids=ids(REPLIES))
def test_replies_read_as_the_sdk_reads_them(case: Case) -> None:
    types = pytest.importorskip("ollama._types")
    lines = [case.body] if case.kind == "json" else case.body.splitlines()
    parts = [
        types.ChatResponse.model_validate_json(x) if b'"message"' in x else None for x in lines
    ]
    texts = "".join(p.message.content or "" for p in parts if p is not None)
    last: Any = types.ChatResponse.model_construct(**json.loads(lines[-1]))
    message = read(case)
    assert message.text == texts
    usage = message.usage_metadata
    assert (usage or {}).get("input_tokens") == last.prompt_eval_count
    assert (usage or {}).get("output_tokens") == last.eval_count


@pytest.mark.parametrize("case", STREAM_ERRORS, ids=ids(STREAM_ERRORS))
def test_an_error_line_mid_stream_is_a_stream_error(case: Case) -> None:
    with pytest.raises(StreamError) as caught:
        read(case)
    assert caught.value.message == case.expected["error"]["message"]
    assert caught.value.body == {"error": case.expected["error"]["message"]}


@pytest.mark.parametrize("case", ERRORS, ids=ids(ERRORS))
def test_error_bodies_are_typed_errors(case: Case) -> None:
    err = OllamaAdapter().map_error(case.status, case.body, case.headers)
    assert isinstance(err, APIStatusError) and err.status == case.status
    assert case.expected["error"]["message"] in str(err)
    assert err.retryable is (case.status >= 500)
