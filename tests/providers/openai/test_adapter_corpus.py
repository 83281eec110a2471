"""The OpenAI adapter against every recorded OpenAI / OpenAI-compatible response in the
shared wire corpus (globbed, so new cases are picked up without editing this file). A
case of a named provider (`preset` in its sidecar: deepseek, groq...) goes through that
preset's adapter (adapters/compatible.py), the adapter a user of that provider gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from _corpus import OWN_CORPUS
from _corpus import Case
from _corpus import corpus_dir
from _corpus import load_cases
from _corpus import missing_note

from chatplex.adapters import adapter_class
from chatplex.adapters.request_types import CallSettings
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.http._stream import stream
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import merge_chunks
from chatplex.providers.compatible.adapter import CompatibleAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter
from tests._merged_text import text_as_blocks
from tests._sse import parsed

CASES = load_cases({"openai", "openai-compatible"})
OK_JSON = [c for c in CASES if c.kind == "json" and c.status < 400]
ERROR_JSON = [c for c in CASES if c.kind == "json" and c.status >= 400]
STREAMS = [c for c in CASES if c.kind == "sse"]
OK_STREAMS = [c for c in STREAMS if not c.expected.get("error")]
ERROR_STREAMS = [c for c in STREAMS if c.expected.get("error")]

ERROR_CLASSES = {400: BadRequestError, 404: NotFoundError, 429: RateLimitError}
FINISH = {"stop": "stop", "length": "length", "tool_calls": "tool_calls"}


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


@pytest.fixture
def adapter(case: Case) -> OpenAIAdapter:
    """The adapter of the case's provider: its preset's, else the plain OpenAI one."""
    cls = adapter_class(case.meta.get("preset") or "openai")
    made: OpenAIAdapter = cls(api_key="sk-test")
    return made


def test_named_providers_go_through_their_presets() -> None:
    presets = {c.meta.get("preset") for c in CASES} - {None}
    # Ours (tests/wire-corpus) always; Groq's and OpenRouter's come with the shared corpus.
    assert {"deepseek", "cerebras", "mistralai"} <= presets
    if corpus_dir() is not None:
        assert {"groq", "openrouter"} <= presets
    assert all(issubclass(adapter_class(p), CompatibleAdapter) for p in presets)


def _styled(adapter: OpenAIAdapter | None) -> bool:
    """Whether the preset shapes replies as its partner package (providers/compatible/
    style.py) with reasoning in additional_kwargs (langchain-mistralai keeps Magistral's
    thinking in the content: a style without `split_reasoning`)."""
    style = _style(adapter)
    return style is not None and style.split_reasoning


def _thinking_text(content: Any) -> str:
    """The text pieces of a content list's thinking parts, joined."""
    assert isinstance(content, list)
    return "".join(
        piece["text"]
        for block in content
        if isinstance(block, dict) and block.get("type") == "thinking"
        for piece in block["thinking"]
    )


def _style(adapter: OpenAIAdapter | None) -> Any:
    profile = getattr(adapter, "profile", None)
    return getattr(profile, "style", None)


def _styled_details(details: dict[str, Any], style: Any, output: bool) -> Any:
    """`details` as a style reports them (its kept keys, zeros, empty dicts), or None."""
    if style is None or style.empty_token_details:
        return details
    keep = style.detail_keys
    kept = {
        k: v
        for k, v in details.items()
        if (keep is None or k in keep) and (v or style.zero_details)
    }
    if kept or (output and style.empty_output_details):
        return kept
    return None


def stream_chunks(adapter: OpenAIAdapter, case: Case) -> list[AIMessageChunk]:
    # Feed the body in small uneven pieces, as a network would deliver it.
    pieces = [case.body[i : i + 97] for i in range(0, len(case.body), 97)]
    return parsed(adapter.stream_parser(case.headers), pieces)


def check_message(
    message: AIMessage, expected: dict[str, Any], adapter: OpenAIAdapter | None = None
) -> None:
    reasoning = expected.get("reasoning")
    if reasoning and getattr(_style(adapter), "content_parts", False):
        # As langchain-mistralai gives it: Magistral's thinking parts kept in the content.
        assert message.text == (expected["text"] or "")
        assert _thinking_text(message.content) == reasoning
    elif reasoning and _styled(adapter):
        # As the partner package gives it: in additional_kwargs, under its style's key.
        assert message.additional_kwargs[_style(adapter).reasoning_kwarg] == reasoning
        assert message.content == (expected["text"] or "")
    elif reasoning:  # a reasoning block before the answer (DeepSeek's reasoning_content)
        blocks = [{"type": "reasoning", "reasoning": reasoning}]
        if expected["text"]:
            blocks.append({"type": "text", "text": expected["text"]})
        content = text_as_blocks(message.content)
        assert isinstance(content, list)
        assert [{k: v for k, v in b.items() if k != "index"} for b in content] == blocks
        assert message.text == (expected["text"] or "")
    else:
        assert message.content == (expected["text"] or "")
    assert message.invalid_tool_calls == []
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        (c["id"], c["name"], json.loads(c["arguments"])) for c in expected["tool_calls"]
    ]
    meta = message.response_metadata
    raw_finish = expected["finish_reason"]
    assert meta["raw_finish_reason"] == raw_finish
    assert meta["finish_reason"] == (None if raw_finish is None else FINISH[raw_finish])
    assert meta["provider"] == "openai"
    # None when the reply has none, as langchain-openai reads it through the openai SDK
    assert message.additional_kwargs.get("refusal") == expected.get("refusal")
    usage = expected["usage"]
    if usage is None:
        assert message.usage_metadata is None
        return
    got = message.usage_metadata
    assert got is not None
    assert got["input_tokens"] == usage["prompt_tokens"]
    assert got["output_tokens"] == usage["completion_tokens"]
    assert got["total_tokens"] == usage["total_tokens"]
    # The details langchain-openai reports: audio, cache reads (and writes), reasoning.
    prompt = usage.get("prompt_tokens_details") or {}
    completion = usage.get("completion_tokens_details") or {}
    inputs = {"audio": prompt.get("audio_tokens"), "cache_read": prompt.get("cached_tokens")}
    outputs = {
        "audio": completion.get("audio_tokens"),
        "reasoning": completion.get("reasoning_tokens"),
    }
    inputs = {k: v for k, v in inputs.items() if v is not None}
    outputs = {k: v for k, v in outputs.items() if v is not None}
    style = _style(adapter)
    # {} when none: as langchain-openai; a style reports them as its package does.
    assert got.get("input_token_details") == _styled_details(inputs, style, False)
    assert got.get("output_token_details") == _styled_details(outputs, style, True)


def test_corpus_has_openai_cases() -> None:
    assert OK_JSON and OK_STREAMS  # the presets' own recordings
    if corpus_dir() is not None:  # the shared corpus adds errors and error streams
        assert ERROR_JSON and ERROR_STREAMS


@pytest.mark.parametrize("case", OK_JSON, ids=ids(OK_JSON))
def test_parse_response(adapter: OpenAIAdapter, case: Case) -> None:
    message = adapter.parse_response(case.body, case.headers)
    check_message(message, case.expected, adapter)
    recorded = json.loads(case.body)
    assert message.id == recorded["id"]
    if "id" in message.response_metadata or _style(adapter) is None:
        assert message.response_metadata["id"] == recorded["id"]
    assert message.response_metadata["model_name"] == recorded["model"]
    if "x-request-id" in case.headers:
        assert message.response_metadata["request_id"] == case.headers["x-request-id"]


@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_stream(adapter: OpenAIAdapter, case: Case) -> None:
    chunks = stream_chunks(adapter, case)
    merged = merge_chunks(chunks)
    check_message(merged.to_message(), case.expected, adapter)

    facts = case.expected["stream_facts"]
    first = chunks[0]
    assert facts["id"] == merged.id
    if case.provider == "openai":  # as langchain-openai's: the id is the message's (below)
        assert "id" not in first.response_metadata
    elif _style(adapter) is None:  # a styled stream carries its package's keys (no id)
        assert first.response_metadata["id"] == facts["id"]
    assert first.response_metadata["model_name"] == facts["model"]
    assert first.content == (facts["first_choice_delta"].get("content") or "")
    # Every chunk of a stream carries the same message id.
    assert {c.id for c in chunks} == {facts["id"]}
    # Usage arrives once (or as increases) and is never double counted.
    assert sum(1 for c in chunks if c.usage_metadata) >= 1


@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_stream_event_counts(adapter: OpenAIAdapter, case: Case) -> None:
    facts = case.expected["stream_facts"]
    events = list(iter_sse_events([case.body]))
    data = [e for e in events if e.data != "[DONE]"]
    assert len(data) == facts["data_chunks_before_done"]
    assert (events[-1].data == "[DONE]") == facts["ends_with_DONE"]
    assert json.loads(data[0].data)["choices"][0]["delta"] == facts["first_choice_delta"]


@pytest.mark.parametrize("case", ERROR_STREAMS, ids=ids(ERROR_STREAMS))
def test_stream_error(adapter: OpenAIAdapter, case: Case) -> None:
    expected = case.expected["error"]["body"]["error"]
    with pytest.raises(StreamError) as info:
        stream_chunks(adapter, case)
    err = info.value
    assert err.provider == "openai"
    assert err.message == expected["message"]
    assert err.error_type == expected.get("type")
    assert err.code == expected.get("code")
    assert err.retryable is False  # a 400-class validation failure; waiting will not help
    facts = case.expected["stream_facts"]
    assert facts["ends_with_DONE"] is False


@pytest.mark.parametrize("case", ERROR_STREAMS, ids=ids(ERROR_STREAMS))
def test_stream_error_partial_keeps_the_reasoning(adapter: OpenAIAdapter, case: Case) -> None:
    """Groq streamed reasoning (`delta.reasoning`) before its error event: the
    StreamError's partial reply holds it, as a reasoning block, with no answer text."""
    events = [json.loads(e.data) for e in iter_sse_events([case.body]) if e.event != "error"]
    reasoning = "".join(
        e["choices"][0]["delta"].get("reasoning") or "" for e in events if e.get("choices")
    )
    assert reasoning.startswith("We need to call the tool")

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {**case.headers, "content-type": "text/event-stream"}
        headers.pop("content-encoding", None)
        return httpx.Response(200, content=case.body, headers=headers)

    request = adapter.build_request(
        [HumanMessage("hi")], CallSettings(model="openai/gpt-oss-120b"), stream=True
    )
    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(StreamError) as info,
        stream(adapter, request, client=client) as chunks,
    ):
        list(chunks)
    partial = info.value.partial
    assert partial is not None
    assert partial.text == ""
    if _styled(adapter):  # its partner's place for it (langchain-groq's, -cerebras')
        key = _style(adapter).reasoning_kwarg
        assert partial.to_message().additional_kwargs[key] == reasoning
    else:
        assert partial.to_message().content == [{"type": "reasoning", "reasoning": reasoning}]


@pytest.mark.parametrize("case", ERROR_JSON, ids=ids(ERROR_JSON))
def test_map_error(adapter: OpenAIAdapter, case: Case) -> None:
    err = adapter.map_error(case.status, case.body, case.headers)
    expected = case.expected["error"]
    assert type(err) is ERROR_CLASSES[case.status]
    assert err.status == case.status
    assert err.provider == "openai"
    assert err.message == expected["message"]
    assert err.error_type == expected.get("type")
    assert err.code == expected.get("code")
    assert err.retryable is (case.status == 429)
    assert err.body == json.loads(case.body)
    assert expected["message"] in str(err)


def test_a_run_without_the_shared_corpus_says_so(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Its cases are parameters: a missing folder leaves them out of the collection, which
    # the counts of the run do not show; its last lines do (tests/conftest.py).
    monkeypatch.setenv("CHATPLEX_WIRE_CORPUS", str(tmp_path / "absent"))
    note = missing_note()
    assert note is not None and str(tmp_path / "absent") in note
    # What is read then is this repository's own recordings alone.
    assert all((OWN_CORPUS / c.meta["body_file"]).is_file() for c in load_cases({"openai"}))
    monkeypatch.setenv("CHATPLEX_WIRE_CORPUS", str(tmp_path))
    assert missing_note() is None
