"""Provider adapters: pure translation between messages and each wire API."""

from __future__ import annotations

__all__: list[str] = []
