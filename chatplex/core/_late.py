"""What `Runnable`'s own methods build, supplied by the modules built on `Runnable`.

`a | b` returns a `RunnableSequence`, `bind` a `RunnableBinding`, `with_retry` a
`RunnableRetry`, `get_input_schema` a pydantic model made by `schemas.py`: each is
defined in a module that imports `Runnable` to subclass or inspect it, so `base.py`
importing them back would make an import cycle. Instead `chatplex/core/__init__.py`,
which sits above every module of the package and runs before any of them can be used,
fills the slots: by the time any Runnable exists, every slot is filled, and imports
point one way (ARCHITECTURE.md).

One slot is filled from higher still: `submit_batch` (provider Batch APIs) lives in
`chatplex.batches`, above chat models; the package root, which runs before any module of
chatplex can be used, fills it with a function that imports that package on first call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["LATE", "Late"]


class Late:
    """The slots. Reading one that no module filled is a bug in the package layout."""

    __slots__ = (
        "as_tool",
        "assign",
        "binding",
        "each",
        "coerce",
        "config_schema",
        "config_specs",
        "configurable_alternatives",
        "configurable_fields",
        "fallbacks",
        "graph",
        "input_schema",
        "listeners",
        "output_schema",
        "pick",
        "prompt_template",
        "retry",
        "sequence",
        "submit_batch",
    )

    coerce: Callable[[Any], Any]  # composition.coerce_to_runnable
    binding: Callable[..., Any]  # binding.RunnableBinding
    sequence: Callable[..., Any]  # composition.RunnableSequence
    retry: Callable[..., Any]  # reliability.RunnableRetry
    fallbacks: Callable[..., Any]  # reliability.RunnableWithFallbacks
    input_schema: Callable[[Any], Any]  # schemas.input_schema
    output_schema: Callable[[Any], Any]  # schemas.output_schema
    pick: Callable[..., Any]  # passthrough.RunnablePick
    assign: Callable[..., Any]  # passthrough.RunnableAssign over a RunnableParallel
    listeners: Callable[..., Any]  # listeners.RunnableListeners
    configurable_fields: Callable[..., Any]  # configurable.RunnableConfigurableFields
    configurable_alternatives: Callable[..., Any]  # configurable.RunnableConfigurableAlternatives
    config_specs: Callable[[Any], Any]  # configurable.config_specs_of
    config_schema: Callable[..., Any]  # schemas.config_schema (imported on first use)
    graph: Callable[..., Any]  # graph.runnable_graph (imported on first use)
    each: Callable[..., Any]  # each.RunnableEach
    as_tool: Callable[..., Any]  # tools.as_tool (imported on first use: pydantic)
    #: string_prompts.PromptTemplate, for a message template's `prompt` (imported on
    #: first use: string_prompts sits above the chat prompts that hold those templates).
    prompt_template: Callable[..., Any]
    #: (runnable, inputs, config, is_async) -> BatchJob (or its awaitable): filled by
    #: `chatplex/__init__.py` from `chatplex.batches`, two layers above core.
    submit_batch: Callable[..., Any]


LATE = Late()
