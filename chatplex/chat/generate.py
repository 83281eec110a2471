"""`generate` / `agenerate`: LangChain's `BaseChatModel.generate(messages_list)`, which
returns an `LLMResult` with every candidate of every prompt.

`generations[i]` holds the candidates of prompt `i`: one, or `n` with OpenAI's `n > 1`
(the adapter keeps candidates after the first in `response_metadata["other_candidates"]`).
`llm_output` has the summed `token_usage` (in the provider's keys) and the `model_name`.

>>> result = model.generate([[HumanMessage("hi")], [HumanMessage("bye")]])  # doctest: +SKIP
>>> [[g.text for g in candidates] for candidates in result.generations]  # doctest: +SKIP
[['Echo: hi'], ['Echo: bye']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..core.run_config import RunnableConfig
from ..messages import AIMessage
from .callbacks import LLMResult, chat_result, combine_llm_outputs

__all__ = ["OTHER_CANDIDATES", "candidates", "generate_config", "llm_result"]

#: `response_metadata` key under which an adapter keeps the candidates after the first.
OTHER_CANDIDATES = "other_candidates"


def candidates(message: AIMessage) -> list[AIMessage]:
    """Every candidate of a reply: the message itself, then the others it carries."""
    others = message.response_metadata.get(OTHER_CANDIDATES)
    if not others:
        return [message]
    return [message, *(m for m in others if isinstance(m, AIMessage))]


def llm_result(replies: Sequence[AIMessage]) -> LLMResult:
    """The `LLMResult` of one reply per prompt, as LangChain's `generate` builds it: each
    prompt's candidates with their `generation_info`, and `llm_output` combined over the
    prompts (`token_usage` in the provider's keys, summed; the first `model_name`)."""
    rows = [chat_result(reply) for reply in replies]
    return LLMResult(
        generations=[row.generations[0] for row in rows],
        llm_output=combine_llm_outputs([row.llm_output for row in rows]),
    )


def generate_config(
    callbacks: Any,
    tags: Sequence[str] | None,
    metadata: Mapping[str, Any] | None,
    run_name: str | None,
) -> RunnableConfig:
    config: dict[str, Any] = {}
    if callbacks is not None:
        config["callbacks"] = callbacks
    if tags:
        config["tags"] = list(tags)
    if metadata:
        config["metadata"] = dict(metadata)
    if run_name:
        config["run_name"] = run_name
    return config  # type: ignore[return-value]
