"""The reply fields an OpenAI-compatible profile keeps beyond OpenAI's (`Profile.kept_fields`:
Perplexity's citations and search results, xAI's citations...), in `additional_kwargs`
where its partner package keeps them: from a whole reply (`kept_fields`) and from a
stream (`KeepingStreamParser`, around the OpenAI stream parser)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.sse_event import SSEEvent
from ...messages import AIMessageChunk
from ...specs import SdkModel
from ..openai.stream import OpenAIStreamParser

__all__ = ["KeepingStreamParser", "kept_fields"]


class KeepingStreamParser(OpenAIStreamParser):
    """An OpenAI stream parser that also keeps top-level fields, from the first event
    with choices only, as langchain-perplexity reads them (Perplexity repeats its
    citations on every chunk; metadata would concatenate the copies): `nulls` even when
    the event has none, `named` where the event names them (null too), `set_only` only
    when not empty. With `each`, from every event that has them but the one with the
    usage (which repeats them), as langchain-xai reads xAI's citations. A field with a
    model in `models` keeps its items as that SDK model's dumps (the partner dumps the
    SDK's chunk), in the order the partner writes the fields."""

    __slots__ = ("_each", "_inner", "_models", "_named", "_names", "_nulls", "_set", "_taken")

    def __init__(
        self,
        inner: OpenAIStreamParser,
        names: tuple[str, ...],
        nulls: tuple[str, ...] = (),
        *,
        named: tuple[str, ...] = (),
        set_only: tuple[str, ...] = (),
        each: bool = False,
        models: Mapping[str, SdkModel] | None = None,
    ) -> None:
        self._inner, self._names, self._nulls, self._taken = inner, names, nulls, False
        self._named, self._set = named, set_only
        self._each, self._models = each, models or {}

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        chunk = self._inner.feed(event)
        if self._each:
            return self._kept_from_each(event, chunk)
        if self._taken or chunk is None or '"choices"' not in event.data:
            return chunk
        try:
            data = json.loads(event.data)
        except ValueError:
            return chunk
        if not isinstance(data, dict) or not data.get("choices"):
            return chunk
        self._taken = True
        found = {name: data.get(name) for name in self._nulls}
        found |= {name: data[name] for name in self._named if name in data}
        found |= kept_fields(data, self._names)
        found = {k: v for k, v in found.items() if v or k not in self._set}
        # In the kept fields' order (the partner's), each modelled one as the SDK's dumps.
        order = [*self._names, *(n for n in self._nulls if n not in self._names)]
        kept = {name: self._dumped(name, found[name]) for name in order if name in found}
        if kept:
            chunk.additional_kwargs = {**chunk.additional_kwargs, **kept}
        return chunk

    def _dumped(self, name: str, value: Any) -> Any:
        model = self._models.get(name)
        return value if model is None else model.dumps(value)

    def _kept_from_each(
        self, event: SSEEvent, chunk: AIMessageChunk | None
    ) -> AIMessageChunk | None:
        if chunk is None or not any(f'"{name}"' in event.data for name in self._names):
            return chunk
        try:
            data = json.loads(event.data)
        except ValueError:
            return chunk
        if not isinstance(data, dict) or data.get("usage"):
            return chunk
        kept = {k: v for k, v in kept_fields(data, self._names).items() if v}
        if kept:
            chunk.additional_kwargs = {**chunk.additional_kwargs, **kept}
        return chunk

    def finish(self) -> None:
        self._inner.finish()


def kept_fields(data: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields of `data` named in `names` that are set (not None), in that order."""
    if not isinstance(data, dict):
        return {}
    return {name: data[name] for name in names if data.get(name) is not None}
