"""`GoogleDropin`: what `ChatGoogleGenerativeAI` and `ChatVertexAI` share once built
(LangChain's `model_name`, a `countTokens` call, json_mode's target); their
constructors share `dropin_settings.py`."""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

from ...chat.langchain_hooks import DropInEngine
from ...chat.model import ChatModel

if TYPE_CHECKING:
    from ...sdk_error_families import ErrorFamily

__all__ = ["GoogleDropin", "count_tokens", "structured_target"]


class GoogleDropin(DropInEngine):
    """The LangChain-facing bits both classes share."""

    structured_output_method = "json_schema"  # langchain-google-genai's default

    @property
    def _default_metadata(self) -> tuple[tuple[str, Any], ...]:
        """`default_metadata` as the drop-in shows it (the adapter's)."""
        from .adapter import GeminiAdapter
        from .vertex_adapter import VertexAIAdapter

        adapter = self.adapter
        assert isinstance(adapter, (GeminiAdapter, VertexAIAdapter))  # built on one
        return adapter.shown_default_metadata

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model

    def _count_tokens(
        self, body: dict[str, Any], families: tuple[ErrorFamily, ...] | None = None
    ) -> int:
        return count_tokens(self, body, families)

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        return structured_target(self, method, schema)


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
