"""Cohere's tokenizers kept for offline counts, as the cohere SDK keeps them (its
`tokenize` with `offline=True`, what langchain-cohere's `get_num_tokens` calls): a model's
tokenizer file, once fetched (`ChatCohere`, from the `tokenizer_url` of the model's
record), is kept for an hour for every model of that name in the process (the SDK's
class-wide cache) and read with Hugging Face's `tokenizers`, which the cohere SDK
installs; without it the count is left to Cohere's tokenize endpoint, as the SDK leaves
it on any failure. No I/O here.
"""

from __future__ import annotations

import threading
import time
from typing import Any

__all__ = ["count_with", "forget", "keep", "kept", "read_tokenizer", "require_tokenizers"]

#: How long a fetched tokenizer is kept (the SDK's cache TTL).
KEPT_SECONDS = 60 * 60
#: Model name -> (when it expires, the tokenizer), for every model of the process.
_KEPT: dict[str, tuple[float, Any]] = {}
_LOCK = threading.Lock()


def kept(model: str) -> Any | None:
    """The tokenizer kept for `model`, None when none is (or it expired)."""
    with _LOCK:
        held = _KEPT.get(model)
    return held[1] if held is not None and held[0] > time.time() else None


def keep(model: str, tokenizer: Any) -> None:
    """Keep `model`'s tokenizer for `KEPT_SECONDS`."""
    with _LOCK:
        _KEPT[model] = (time.time() + KEPT_SECONDS, tokenizer)


def forget() -> None:
    """Drop every tokenizer kept (tests; a process that wants them fetched again)."""
    with _LOCK:
        _KEPT.clear()


def require_tokenizers() -> None:
    """ImportError where `tokenizers` is not installed (checked before any fetch)."""
    import tokenizers  # noqa: F401


def read_tokenizer(body: bytes) -> Any:
    """A tokenizer file (Hugging Face's JSON) as a tokenizer; a ValueError-like error
    (`Exception` from the Rust side) for anything else."""
    from tokenizers import Tokenizer

    return Tokenizer.from_str(body.decode("utf-8"))


def count_with(tokenizer: Any, text: str) -> int:
    """The tokens of `text`, as the SDK encodes it (no special tokens added)."""
    return len(tokenizer.encode(text, add_special_tokens=False).ids)
