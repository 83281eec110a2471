"""The work a running stream's merges do, counted: chatplex merges the chunks it has
passed on every so often (the engine's `Call._compact`, `core.partial_results.
YieldedSoFar`), each time with the previous merge's chunk first. What such a merge walks
again is the pieces that chunk holds (tool-call fragments, content blocks); a stream
costs O(1) a chunk when those re-walks add up to no more than the chunks that came."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

import pytest

from chatplex.messages import AIMessageChunk


class MergeWalks:
    """Counts, for the `merge_chunks` a module calls, the chunks merged and the pieces
    of earlier merges' chunks walked again (`rewalked`)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: Any) -> None:
        self.merges = 0
        self.chunks = 0  # chunks merged for the first time
        self.rewalked = 0  # pieces of an earlier merge's chunk, merged again
        self._made: dict[int, AIMessageChunk] = {}  # (kept alive: ids stay unique)
        merge: Callable[[Iterable[AIMessageChunk]], AIMessageChunk] = module.merge_chunks

        def counted(chunks: Iterable[AIMessageChunk]) -> AIMessageChunk:
            chunks = list(chunks)
            self.merges += 1
            for chunk in chunks:
                if id(chunk) in self._made:
                    self.rewalked += pieces(chunk)
                else:
                    self.chunks += 1
            merged = merge(chunks)
            self._made[id(merged)] = merged
            return merged

        monkeypatch.setattr(module, "merge_chunks", counted)


def pieces(chunk: AIMessageChunk) -> int:
    """The tool-call fragments and content blocks a chunk holds."""
    content = chunk.content
    return len(chunk.tool_call_chunks) + (0 if isinstance(content, str) else len(content))
