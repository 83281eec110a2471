"""`generate` / `agenerate`: LangChain's `BaseChatModel.generate(messages_list)`, which
returns an `LLMResult` with every candidate of every prompt.

`generations[i]` holds the candidates of prompt `i`: one, or `n` with OpenAI's `n > 1`
(the adapter keeps candidates after the first in `response_metadata["other_candidates"]`),
each with LangChain's `generation_info`. `llm_output` is langchain-openai's: the rows'
raw `token_usage` summed, the `model_name` (and `system_fingerprint`).

>>> result = model.generate([[HumanMessage("hi")], [HumanMessage("bye")]])  # doctest: +SKIP
>>> [[g.text for g in candidates] for candidates in result.generations]  # doctest: +SKIP
[['Echo: hi'], ['Echo: bye']]
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ..core.run_config import RunnableConfig
from ..messages import AIMessage
from .combined_outputs import combine_llm_outputs
from .llm_results import LLMResult
from .llm_results import chat_result

__all__ = ["generate_config", "llm_result"]


def llm_result(replies: Sequence[AIMessage]) -> LLMResult:
    """The `LLMResult` of one reply per prompt: each row is the reply's own result (what
    `on_llm_end` got: every candidate, each with its `generation_info`), and `llm_output`
    combines the rows' as langchain-openai does (`token_usage` with the provider's keys
    summed, the first `model_name` and `system_fingerprint`)."""
    rows = [chat_result(r) for r in replies]
    return LLMResult(
        generations=[row.generations[0] for row in rows],
        llm_output=combine_llm_outputs([row.llm_output for row in rows]),
    )


def generate_config(
    callbacks: Any,
    tags: Sequence[str] | None,
    metadata: Mapping[str, Any] | None,
    run_name: str | None,
    stop: str | Sequence[str] | None,
    overrides: dict[str, Any],
) -> tuple[RunnableConfig, dict[str, Any]]:
    """`generate`'s run config and call overrides (`stop` among them: one string is one
    sequence, as `invoke` takes it)."""
    config: dict[str, Any] = {}
    if callbacks is not None:
        config["callbacks"] = callbacks
    if tags:
        config["tags"] = list(tags)
    if metadata:
        config["metadata"] = dict(metadata)
    if run_name:
        config["run_name"] = run_name
    if stop is not None:
        overrides["stop"] = stop if isinstance(stop, str) else list(stop)
    return config, overrides  # type: ignore[return-value]
