"""What the OpenAI Batch API tests (test_batch.py: Chat Completions, test_batch_responses.py:
the Responses API) write their request lines from."""

from __future__ import annotations

from typing import Any

from chatplex.adapters.base import Adapter
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage


def batch_request(adapter: Adapter, model: str, *, stream: bool, **settings: Any) -> Any:
    """`adapter`'s request for a system and a user turn with a tool offered, a temperature
    and a max_tokens (`settings`: more of the call's settings)."""
    tools = (ToolSpec("lookup", "Find a word", {"type": "object", "properties": {}}),)
    return adapter.build_request(
        [SystemMessage("Be brief."), HumanMessage("Define batch")],
        CallSettings(model, temperature=0.2, max_tokens=50, tools=tools, **settings),
        stream=stream,
    )
