"""What the streams of wires that answer with several candidates share (a request's
`candidateCount` or `n`): the chunks of the candidates after the first,
kept until the stream hands them over whole, and usage as the increase over what the
stream reported before (servers repeat cumulative usage on many chunks). Pure, no I/O.

>>> usage = CumulativeUsage()
>>> usage.increase({"input_tokens": 3, "output_tokens": 1, "total_tokens": 4})
{'input_tokens': 3, 'output_tokens': 1, 'total_tokens': 4}
>>> usage.increase({"input_tokens": 3, "output_tokens": 5, "total_tokens": 8})
{'input_tokens': 0, 'output_tokens': 4, 'total_tokens': 4}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import UsageMetadata
from ..messages import merge_chunks

__all__ = ["CumulativeUsage", "OtherCandidates", "usage_minus"]


class OtherCandidates:
    """The chunks of a stream's candidates 1..n-1, by index, until `take`."""

    __slots__ = ("_chunks",)

    def __init__(self) -> None:
        self._chunks: dict[int, list[AIMessageChunk]] = {}

    def __bool__(self) -> bool:
        return bool(self._chunks)

    def add(self, index: int, chunk: AIMessageChunk) -> None:
        self._chunks.setdefault(index, []).append(chunk)

    def take(self, head: Mapping[str, Any], response_id: str | None) -> list[AIMessage]:
        """Each candidate merged into one message, in index order, as the non-stream
        reply has them: the stream's head metadata under its own, the stream's id.
        None are kept after."""
        others: list[AIMessage] = []
        for index in sorted(self._chunks):
            merged = merge_chunks(self._chunks[index])
            merged.response_metadata = {**head, **merged.response_metadata}
            merged.id = response_id
            others.append(merged.to_message())
        self._chunks = {}
        return others


class CumulativeUsage:
    """A stream's usage as each report's increase over the one before, so that usage
    repeated cumulatively on many chunks still sums right once the chunks merge."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: UsageMetadata | None = None

    def increase(self, usage: UsageMetadata | None) -> UsageMetadata | None:
        previous, self._last = self._last, usage
        if previous is None or usage is None:
            return usage
        return usage_minus(usage, previous)  # type: ignore[no-any-return]


def usage_minus(now: Any, before: Any) -> Any:
    """`now - before` for usage records, nested details included (missing counts are 0).

    >>> usage_minus({"a": 5, "d": {"x": 2}}, {"a": 1})
    {'a': 4, 'd': {'x': 2}}
    """
    if isinstance(now, dict):
        before = before if isinstance(before, dict) else {}
        return {k: usage_minus(v, before.get(k)) for k, v in now.items()}
    return now - (before or 0)
