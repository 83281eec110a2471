"""Anthropic's token count, `POST /v1/messages/count_tokens`, as langchain-anthropic asks
it (`get_num_tokens_from_messages`): pure translation, no I/O.

The body is the chat request's `model`, `messages`, `system` and `tools` (so a count
and a call read the same messages and tools alike), the drop-in's
`context_management`, and the keywords the anthropic SDK's `messages.count_tokens`
takes. With `betas` (an empty list too) langchain-anthropic asks the SDK's beta
method, which sends `token-counting-2024-11-01` after them in `anthropic-beta`.

>>> count_body({"model": "m", "max_tokens": 9, "messages": [], "stream": False}, {}, beta=False)
{'model': 'm', 'messages': []}
>>> read_input_tokens(b'{"input_tokens": 14}')
14
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.request_types import HTTPRequest
from ...secret import Secret
from ...secret.urls import query_added
from .root_composition import without_root_composition

__all__ = [
    "BETA_COUNT_PARAMETERS",
    "COUNT_BETA",
    "COUNT_PARAMETERS",
    "count_body",
    "count_request",
    "read_input_tokens",
]

#: The beta the SDK adds to a count's `anthropic-beta` when the model has betas.
COUNT_BETA = "token-counting-2024-11-01"

#: What a count takes from the chat request built for the same messages and tools.
_FROM_CHAT = ("model", "messages", "system", "tools", "context_management")

#: The body keywords of the SDK's `messages.count_tokens` (what langchain-anthropic
#: passes on from `get_num_tokens_from_messages(**kwargs)`), and of its beta twin.
COUNT_PARAMETERS = frozenset(
    {"system", "tools", "tool_choice", "thinking", "cache_control", "output_config", "speed"}
)
BETA_COUNT_PARAMETERS = COUNT_PARAMETERS | {
    "billing_policy",
    "compaction",
    "context_management",
    "mcp_servers",
}


def count_body(chat: Mapping[str, Any], kwargs: Mapping[str, Any], *, beta: bool) -> dict[str, Any]:
    """The count's body: the keywords (`extra_body` merged last, as the SDK merges it),
    then what the chat body `chat` carries of `_FROM_CHAT` (langchain-anthropic sets
    `system`, `tools` and `context_management` over the keywords), tools with a root
    `oneOf`/`anyOf` dropped with langchain-anthropic's warning. A keyword the SDK's
    method (`beta`: its beta twin) does not take is its TypeError, before any request:
    the drop-in's `context_management` too, without betas."""
    given = dict(kwargs)
    extra = given.pop("extra_body", None) or {}
    taken = BETA_COUNT_PARAMETERS if beta else COUNT_PARAMETERS
    sent = [*given, *(["context_management"] if "context_management" in chat else [])]
    for name in sent:
        if name not in taken:
            raise TypeError(f"Messages.count_tokens() got an unexpected keyword argument {name!r}")
    body: dict[str, Any] = {**given, **extra}
    body.update((key, chat[key]) for key in _FROM_CHAT if key in chat)
    if "tools" in chat:
        # shown at the adapter's count_tokens_request (here <- count_request <- it)
        body["tools"] = without_root_composition(chat["tools"], stacklevel=3)[0]
    return body


def count_request(
    chat: HTTPRequest,
    kwargs: Mapping[str, Any],
    *,
    betas: Sequence[str] | None,
    url: str,
    secret_url: Secret | None,
) -> HTTPRequest:
    """The count of what `chat` (a Messages request, unsent) would send: to `url`
    (`secret_url`: the one to send when the base URL's query holds a credential) with
    `extra_query`, with `chat`'s headers, the SDK's beta header when the model has
    `betas` (an empty list too, as langchain-anthropic asks), and `extra_headers`."""
    given = dict(kwargs)
    extra_headers = given.pop("extra_headers", None) or {}
    extra_query = given.pop("extra_query", None)
    if extra_query:  # as a call's (`chat.sending`): a credential in it held and masked
        url, secret_url = query_added(url, secret_url, extra_query)
    base = chat.headers  # copied, not rebuilt: keeps a key-masking dict subclass
    headers = copy.copy(base) if isinstance(base, dict) else dict(base)
    if betas is not None:
        headers["anthropic-beta"] = ",".join((*betas, COUNT_BETA))
    headers.update(extra_headers)
    return dataclasses.replace(
        chat,
        url=url,
        secret_url=secret_url,
        headers=headers,
        json=count_body(chat.json, given, beta=betas is not None),
    )


def read_input_tokens(body: bytes) -> int:
    """The count's `input_tokens` (a missing or wrong-typed one is `MalformedReply`)."""
    count = reply_count(reply_dict(json.loads(body), "body").get("input_tokens"), "input_tokens")
    if count is None:
        raise KeyError("the token count reply has no input_tokens")
    return count
