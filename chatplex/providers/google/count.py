"""Gemini's and Vertex AI's `countTokens` (`POST .../models/{model}:countTokens`) as the
partner classes ask it: the bodies, and the number read from the reply. Pure.

- langchain-google-genai's `get_num_tokens(text)` (google-genai's `count_tokens` of one
  `Content` holding the text): `{"contents": [{"parts": [{"text": ...}]}]}`, no role;
  its `get_num_tokens_from_messages` is langchain-core's, one such call per message.
- langchain-google-vertexai's (aiplatform's `count_tokens`): the full model name and the
  conversation's contents as its chat request has them (system messages left out), for a
  text as one human message.

>>> text_body("Hi")
{'contents': [{'parts': [{'text': 'Hi'}]}]}
>>> total_tokens(b'{"totalTokens": 4, "promptTokensDetails": []}'), total_tokens(b"{}")
(4, 0)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ...messages import BaseMessage
from .contents import wire_contents

__all__ = ["contents_body", "total_tokens", "text_body"]


def text_body(text: str) -> dict[str, Any]:
    """The body google-genai sends to count `text`."""
    return {"contents": [{"parts": [{"text": text}]}]}


def contents_body(full_model: str, messages: Sequence[BaseMessage]) -> dict[str, Any]:
    """The body aiplatform sends to count `messages` for `full_model`
    (`projects/{p}/locations/{l}/publishers/google/models/{m}`): the chat request's
    contents, a text block's `extras` signature unsent as langchain-google-vertexai
    leaves it."""
    _, contents = wire_contents(messages, vertex_history=True)
    return {"model": full_model, "contents": contents}


def total_tokens(body: bytes) -> int:
    """A `CountTokensResponse`'s `totalTokens`; 0 when the reply has none (google-genai's
    None, read as 0 by langchain-google-genai; proto3's default for aiplatform). A reply
    that is no JSON object, or a count that is no number, is a ValueError or TypeError
    (a malformed reply)."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise TypeError(f"a countTokens reply is a JSON object, not {type(data).__name__}")
    total = data.get("totalTokens")
    if total is None:
        return 0
    if not isinstance(total, int) or isinstance(total, bool):
        raise TypeError(f"totalTokens is not an integer: {total!r}")
    return total
