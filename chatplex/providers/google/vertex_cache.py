"""A Vertex AI request that reads a context cache, as langchain-google-vertexai sends it.

Vertex AI refuses a `generateContent` body naming `cachedContent` beside a
`systemInstruction`, `tools` or a `toolConfig` (the cache holds them):
langchain-google-vertexai leaves them out with a warning each, and names the cache by
its resource name, `projects/{project}/locations/{location}/cachedContents/{id}`, when
given its id alone (what the Vertex AI SDK's `CachedContent.name` is).

>>> body = {"contents": [], "systemInstruction": {"parts": []}, "cachedContent": "c1"}
>>> cached_request(body, "proj", "us-east5")
{'contents': [], 'cachedContent': 'projects/proj/locations/us-east5/cachedContents/c1'}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

__all__ = ["cached_request"]

_log = logging.getLogger(__name__)

#: What a cached request may not carry, by the name langchain-google-vertexai's warning
#: gives it.
_HELD_BY_THE_CACHE = (
    ("systemInstruction", "system_instructions"),
    ("tools", "tools"),
    ("toolConfig", "tool_config"),
)


def cached_request(body: Mapping[str, Any], project: str | None, location: str) -> dict[str, Any]:
    """`body` as sent when it names `cachedContent`: without what the cache holds (each
    with langchain-google-vertexai's warning) and with the cache's full resource name
    (where the project is known); any other body as it is."""
    out = dict(body)
    cache = out.get("cachedContent")
    if not isinstance(cache, str):
        return out
    for field, said in _HELD_BY_THE_CACHE:
        if out.pop(field, None):
            _log.warning("Using cached content. Parameter `%s` will be ignored. ", said)
    if project and not cache.startswith("projects/") and "/cachedContents/" not in cache:
        out["cachedContent"] = f"projects/{project}/locations/{location}/cachedContents/{cache}"
    return out
