"""A `MockScript` decision rendered as the mock server's `Reply` (private).

Kept apart from `script.py` so the public module knows nothing of the wire renderers:
the decision says what to answer, `_mock_replies` says how each provider sends it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._mock_replies import Reply
from ._mock_replies import request_tokens
from ._mock_replies import split_text
from ._mock_replies import tool_call
from .script import MockScript

__all__ = ["scripted_reply"]


def scripted_reply(
    script: MockScript, provider: str, body: Mapping[str, Any], chunks: int | None
) -> Reply | None:
    """The reply `script` chooses for `body`, or None for the server's usual one.

    Token counts follow the usual replies: words of the request (+3) in, words of the
    answer out, so usage stays deterministic.
    """
    decision = script.decide(provider, body)
    if decision is None:
        return None
    model = body.get("model")
    model = model if isinstance(model, str) else "mock-model"
    input_tokens = request_tokens(body)
    if decision.tool is not None:
        first, *more = [
            tool_call(provider, call.tool, dict(call.args), chunks, call.raw_args)
            for call in (decision, *decision.more)
            if call.tool is not None
        ]
        words = sum(len(re.findall(r"\w+", call.arguments)) for call in (first, *more))
        return Reply(model, "", (), first, input_tokens, max(1, words), more_tools=tuple(more))
    text = decision.text or ""
    pieces = split_text(text, chunks)
    joined = "".join(pieces)
    return Reply(model, joined, pieces, None, input_tokens, max(1, len(joined.split())))
