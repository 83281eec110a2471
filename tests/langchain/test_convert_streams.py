"""ChatChatplex streams what LangChain's own chat models stream.

Every recorded stream of the shared wire corpus is served from a local HTTP server, as
it was recorded, to LangChain's model for that wire (`langchain_anthropic.ChatAnthropic`,
`langchain_openai.ChatOpenAI`) and to `ChatChatplex`; LangChain's merge of each side's
chunks must give the same content, `content_blocks` and tool calls, in LangChain's
default output and under `output_version="v1"` (where LangChain turns every chunk into
standard blocks before merging, so a chunk it reads otherwise than ChatAnthropic's
breaks the merged message).

Usage is compared elsewhere (`tests/providers/anthropic/test_adapter_corpus.py`):
ChatAnthropic reads a stream's usage from `message_delta` alone, chatplex adds `message_start`'s
fields that `message_delta` does not repeat (as the non-stream reply has them).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from langchain_anthropic import ChatAnthropic
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessageChunk
from langchain_openai import ChatOpenAI

from chatplex.langchain import ChatChatplex
from tests._local_server import serving

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "adapters"))
from _corpus import Case  # noqa: E402
from _corpus import corpus_dir  # noqa: E402
from _corpus import load_cases  # noqa: E402

pytestmark = pytest.mark.skipif(corpus_dir() is None, reason="wire corpus not available")

STREAMS = [
    c
    for c in load_cases({"anthropic", "openai"})
    if c.kind == "sse" and c.status < 400 and not c.expected.get("error")
]

TOOL = {
    "name": "lookup",
    "description": "Look something up.",
    "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
}


class _Recorded(BaseHTTPRequestHandler):
    body = b""

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(self.body)))
        self.send_header("connection", "close")
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # stopped reading
            self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    with contextlib.ExitStack() as servers:
        yield lambda body: servers.enter_context(serving(_Recorded, body=body))


def _request_options(case: Case) -> dict[str, Any]:
    """What the recorded request had that changes how LangChain's model streams: tools
    (Anthropic text then streams as blocks) and thinking. Cases recorded without their
    request show it by their blocks."""
    body = (case.meta.get("request") or {}).get("body") or {}
    kinds = set(case.expected.get("content_block_types") or ())
    tools = bool(body.get("tools")) or bool(kinds & {"tool_use", "server_tool_use"})
    tools = tools or bool(case.expected.get("tool_calls"))
    thinking = body.get("thinking") or (
        {"type": "enabled", "budget_tokens": 1024} if "thinking" in kinds else None
    )
    return {"tools": tools, "thinking": thinking}


def _models(case: Case, base: str, output_version: str | None) -> list[Any]:
    options = _request_options(case)
    lc: dict[str, Any] = {"output_version": output_version} if output_version else {}
    ours: BaseChatModel
    theirs: BaseChatModel
    if case.provider == "anthropic":
        extra = {"thinking": options["thinking"]} if options["thinking"] else {}
        theirs = ChatAnthropic(
            model="claude-opus-4-7", base_url=base, api_key="k", max_retries=0, **extra, **lc
        )
        ours = ChatChatplex(
            model="anthropic:claude-opus-4-7", base_url=base, api_key="k", **extra, **lc
        )
    else:
        theirs = ChatOpenAI(model="gpt-4o-mini", base_url=base, api_key="k", max_retries=0, **lc)
        ours = ChatChatplex(model="openai:gpt-4o-mini", base_url=base, api_key="k", **lc)
    if options["tools"]:
        return [theirs.bind_tools([TOOL]), ours.bind_tools([TOOL])]
    return [theirs, ours]


def _merged(model: Any) -> AIMessageChunk:
    merged: AIMessageChunk | None = None
    for chunk in model.stream("hi"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    return merged


def _plain(value: Any) -> Any:
    """Without what the SDKs add to a block that the wire did not have: `None` fields
    of their models (`toolset_name`, `citations`) and empty first argument fragments
    (which chatplex does not pass on)."""
    if isinstance(value, dict):
        return {
            k: _plain(v)
            for k, v in value.items()
            if v is not None
            and not (k == "partial_json" and v == "")
            and _plain(v) != {}
            or k in ("input", "args")
        }
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@pytest.mark.parametrize("output_version", [None, "v1"])
@pytest.mark.parametrize("case", STREAMS, ids=[c.name for c in STREAMS])
def test_a_recorded_stream_merges_as_in_langchains_own_model(
    case: Case, output_version: str | None, serve: Any
) -> None:
    theirs, ours = (_merged(m) for m in _models(case, serve(case.body), output_version))
    assert _plain(ours.content) == _plain(theirs.content)
    assert _plain(ours.content_blocks) == _plain(theirs.content_blocks)
    assert ours.tool_calls == theirs.tool_calls and ours.invalid_tool_calls == []
    assert ours.text == theirs.text == (case.expected.get("text") or "")
    assert json.dumps(ours.tool_call_chunks) == json.dumps(theirs.tool_call_chunks)
