"""What `ChatGoogleGenerativeAI` and `ChatVertexAI` share once built, as functions of
any `ChatModel` on a Google adapter (their records' hooks name them): a `countTokens`
call, json_mode's target. Their constructors share `dropin_settings.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ...chat.model import ChatModel
    from ...sdk_error_families import ErrorFamily

__all__ = ["count_tokens", "structured_target"]


def count_tokens(
    model: ChatModel, body: dict[str, Any], families: tuple[ErrorFamily, ...] | None = None
) -> int:
    """`countTokens` of `model` (on either Google adapter) with `body` (`count.py`'s),
    sent as the model's calls are (`side_call`) but in one attempt (neither partner
    retries a count), raising `families`' errors where given."""
    from ...chat.side_call import side_call
    from .adapter import GeminiAdapter
    from .count import total_tokens
    from .vertex_adapter import VertexAIAdapter

    adapter = model.adapter
    assert isinstance(adapter, (GeminiAdapter, VertexAIAdapter))  # built on one
    request = adapter.count_request(model.model, body)
    return side_call(model, request, total_tokens, error_families=families, retried=False)


def structured_target(
    model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """`with_structured_output(method="json_mode")` with a schema sends the schema:
    both partners' json_mode is a response schema (langchain-google-genai's an alias
    of "json_schema", langchain-google-vertexai's `response_schema`)."""
    if method == "json_mode" and schema is not None:
        method = "json_schema"
    return model, method
