"""examples/watch_events.py runs on the embedded mock server and prints as things happen."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import ModuleType

from chatplex import init_chat_model
from chatplex.testing import MockServer
from tests._script_module import script_module

from ._scripts import SideBySide
from .conftest import SCRIPTS_GROUP

pytestmark = SCRIPTS_GROUP  # the script runs side by side with the folder's others

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "watch_events.py"


def load_example() -> ModuleType:
    return script_module("watch_events_example", SCRIPT)


def test_the_script_runs_on_both_wires(scripts: SideBySide) -> None:
    out = scripts.result("watch_events")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    text = out.stdout
    assert text.count("[retriever] 2 note(s)") == 2
    # init_chat_model's model is named as LangChain's class for the wire.
    for name in ("ChatOpenAI", "ChatAnthropic"):
        assert text.count(f"[model start] {name} (seq:step:3) with 2 messages") == 1
    assert text.count("Echo: How do I see tokens and events as they stream?") == 2
    assert text.count("[model end] 11 tokens") == 2
    assert "OpenAI Chat Completions wire" in text and "Anthropic Messages wire" in text
    for wire in text.split("\n== ")[1:]:
        order = [wire.index(mark) for mark in ("[progress]", "[retriever]", "[model start]")]
        order += [wire.index(mark) for mark in ("[tokens] Echo:", "[model end]", "[chain end]")]
        assert order == sorted(order)


async def test_tokens_are_printed_as_they_stream() -> None:
    example = load_example()

    async def watched(model: object) -> list[tuple[float, str]]:
        writes: list[tuple[float, str]] = []

        def record(text: str) -> None:
            writes.append((time.monotonic(), text))

        reply = await example.watch(example.build_chain(model), "what are tokens?", record)
        assert reply == "Echo: what are tokens?"
        return writes

    # Words 0.3 s apart: a loaded machine that reads late still reads them at different
    # times (it would have to stall for the whole stream to batch them all). Both wires
    # stream at once, each to its own record.
    with MockServer(latency=0.05, chunk_delay=0.3) as server:
        models = [
            init_chat_model(provider, base_url=base_url, api_key="mock-key")
            for provider, base_url in (
                ("openai:gpt-4o-mini", server.openai_base_url),
                ("anthropic:claude-sonnet-4-5", server.anthropic_base_url),
            )
        ]
        for writes in await asyncio.gather(*(watched(model) for model in models)):
            texts = [t for _, t in writes]
            start = next(i for i, t in enumerate(texts) if "[model start]" in t)
            end = next(i for i, t in enumerate(texts) if "[model end]" in t)
            tokens = writes[start + 2 : end]  # after "[model start]" and "[tokens] "
            assert "".join(t for _, t in tokens) == "Echo: what are tokens?"
            assert [t for _, t in tokens] == ["Echo:", " what", " are", " tokens?"]
            # Written one by one while the model streams (a word every 0.3 s), not at
            # the end: the first token is out well before the last.
            assert tokens[-1][0] - tokens[0][0] > 0.3
