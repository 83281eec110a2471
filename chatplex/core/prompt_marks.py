"""A prompt template's own `name`, `tags` and `metadata`, LangChain's fields of every
prompt: its runs (callbacks, traces, `astream_events`) are named by `name` and carry
its tags and metadata beside the call's, as LangChain's prompts add theirs to the config
of their run."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

__all__ = ["PromptMarks"]


class PromptMarks:
    """Mixed into the prompt templates, before the runnable base: `_mark` keeps what the
    constructor was given, `_run_marks` what a traced call adds to the run from them
    (read at each call, as LangChain reads its prompt's fields)."""

    name: str | None
    tags: list[str] | None = None
    metadata: dict[str, Any] | None = None

    def _mark(
        self,
        name: str | None,
        tags: Sequence[str] | None,
        metadata: Mapping[str, Any] | None,
    ) -> None:
        if name is not None:
            self.name = name
        self.tags = None if tags is None else list(tags)
        self.metadata = None if metadata is None else dict(metadata)

    def _run_marks(self) -> tuple[list[str], dict[str, Any]] | None:
        if not self.tags and not self.metadata:
            return None
        return self.tags or [], self.metadata or {}

    def _marks(self) -> dict[str, Any]:
        """The constructor's arguments that keep them, for a copy (`partial`)."""
        return {"name": self.name, "tags": self.tags, "metadata": self.metadata}

    def _shown_name(self) -> list[tuple[str, Any]]:
        """The name as LangChain's repr shows it (first, when given)."""
        return [] if self.name is None else [("name", self.name)]

    def _shown_marks(self) -> list[tuple[str, Any]]:
        """The metadata and tags as LangChain's repr shows them (after the partials)."""
        shown: list[tuple[str, Any]] = []
        if self.metadata is not None:
            shown.append(("metadata", self.metadata))
        if self.tags is not None:
            shown.append(("tags", self.tags))
        return shown
