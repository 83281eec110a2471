"""Cohere's token counts as langchain-cohere's `get_num_tokens` gets them (the cohere
SDK's `tokenize`): the model's record and its `tokenizer_url` (`GET /v1/models/{model}`),
which the SDK counts with offline, and `POST /v1/tokenize`, which it falls back to. The
bodies and the readings of the replies; pure.

>>> tokenize_body("Hi", "command-a-03-2025")
{'text': 'Hi', 'model': 'command-a-03-2025'}
>>> token_count(b'{"tokens": [12, 7], "token_strings": ["Hi", "!"]}')
2
>>> tokenizer_url(b'{"name": "command-a-03-2025", "tokenizer_url": "https://t.example/t.json"}')
'https://t.example/t.json'
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ...adapters.request_types import HTTPRequest

__all__ = [
    "FALLBACK_HEADERS",
    "TOKENIZE_PATH",
    "file_request",
    "model_path",
    "token_count",
    "tokenize_body",
    "tokenizer_url",
]

#: The endpoint counting on Cohere's side, under the base URL.
TOKENIZE_PATH = "/v1/tokenize"
#: What the cohere SDK tells the endpoint when its offline tokenizer failed.
FALLBACK_HEADERS = {"sdk-api-warning-message": "offline_tokenizer_failed"}


def model_path(model: str) -> str:
    """The path of the model's record (`GET`), under the base URL."""
    return f"/v1/models/{quote(model, safe='')}"


def tokenizer_url(body: bytes) -> str | None:
    """The model record's `tokenizer_url` (None: the record names none)."""
    data = json.loads(body)
    url = data.get("tokenizer_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None


def file_request(url: str) -> HTTPRequest:
    """The GET of a tokenizer file at `url` (a storage bucket's: no API headers)."""
    return HTTPRequest("GET", url, headers={}, content=b"")


def tokenize_body(text: str, model: str) -> dict[str, Any]:
    """The body the cohere SDK sends to tokenize `text` with `model`'s tokenizer."""
    return {"text": text, "model": model}


def token_count(body: bytes) -> int:
    """How many `tokens` the tokenize reply lists (langchain-cohere's `len(...tokens)`);
    a reply without a list of them is a TypeError (a malformed reply)."""
    data = json.loads(body)
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, list):
        raise TypeError("a tokenize reply lists its tokens under 'tokens'")
    return len(tokens)
