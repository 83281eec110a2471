"""I/O lives here and only here: shared pooled clients, SSE decoding, sending."""

from __future__ import annotations

__all__: list[str] = []
