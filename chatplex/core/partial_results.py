"""What a call that fails keeps of the work that had finished, on the error it raises:
a stream cut by its deadline keeps what it yielded (`DeadlineExceededError.partial`), a
batch that raises keeps the outputs that had finished (`batch_finished`). `Runnable`'s
public methods and default batch hooks (`base.py`) call these."""

from __future__ import annotations

from typing import Any

from ..errors import DeadlineExceededError
from ..messages import AIMessageChunk
from ..messages import merge_chunks
from ..messages import merge_cut_short
from ..messages import pieces_held

__all__ = ["Finished", "YieldedSoFar", "give_partial"]


class Finished(dict[int, Any]):
    """The outputs of a batch of `count` inputs as they finish (input index -> output).
    As a context manager, an error raised inside, because one input failed, carries them
    (`error.batch_finished`, in input order): paid replies are not lost with the raise,
    which stays LangChain's default. A note says so in the traceback. (Replies a cache was
    set for are in the cache too: each call stores its own as it finishes.)"""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def __enter__(self) -> Finished:
        return self

    def __exit__(self, kind: object, error: BaseException | None, traceback: object) -> None:
        if error is None:
            return
        try:
            error.batch_finished = dict(sorted(self.items()))  # type: ignore[attr-defined]
        except (AttributeError, TypeError):  # an exception type that takes no attribute
            return
        if self and isinstance(error, Exception) and hasattr(error, "add_note"):
            error.add_note(
                f"batch: {len(self)} of {self.count} inputs had finished; their outputs are "
                "on this error's `batch_finished` (input index -> output)"
            )


def give_partial(err: DeadlineExceededError, seen: YieldedSoFar) -> None:
    """Give a deadline that cut a message stream short the merged chunks yielded so far
    (kept if a lower layer already set it; left None for streams of other items)."""
    items = seen.items
    if err.partial is None and items and all(isinstance(c, AIMessageChunk) for c in items):
        err.partial = merge_cut_short(items)


class YieldedSoFar:
    """What a stream yielded, kept for a deadline's partial reply. Message chunks are
    merged into one every so often: a chunk object per event held a long stream of tiny
    events at many times its size. Each merge walks the merged chunk again, so the next
    one waits for as many new chunks as that chunk holds tool-call fragments and content
    blocks, or text bytes / 512 (at least 512): a chunk costs at most one piece and 512
    bytes merged again, however many came before it (a stream of 20,000 tool calls
    merged every 512 chunks re-walked all of them each time). A stream of other items is
    kept as it is."""

    __slots__ = ("_at", "items")

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._at = 512

    def append(self, item: Any) -> None:
        items = self.items
        items.append(item)
        if len(items) >= self._at:
            if all(isinstance(c, AIMessageChunk) for c in items):
                merged = merge_chunks(items)
                self.items = [merged]
                self._at = 1 + max(512, len(merged.text) // 512, pieces_held(merged))
            else:
                self._at *= 2  # (not chunks: checked again only after as many more)
