"""The Runnable core: the protocol, its config, composition, lambdas, passthrough, prompts,
parsers, retries and fallbacks, events, run logs, schemas. It knows nothing about chat
models or HTTP (see ARCHITECTURE.md)."""

from __future__ import annotations

from typing import Any

from ._late import LATE
from .base import Runnable, RunnableBinding
from .composition import RunnableParallel, RunnableSequence, coerce_to_runnable
from .events import StreamEvent, adispatch_custom_event, dispatch_custom_event
from .lambdas import RunnableGenerator, RunnableLambda
from .parsers import StrOutputParser
from .passthrough import RunnableAssign, RunnablePassthrough
from .prompts import ChatPromptTemplate, ChatPromptValue, MessagesPlaceholder
from .reliability import RunnableRetry, RunnableWithFallbacks
from .run_config import DEFAULT_MAX_CONCURRENCY, RunnableConfig

__all__ = [
    "DEFAULT_MAX_CONCURRENCY",
    "ChatPromptTemplate",
    "ChatPromptValue",
    "MessagesPlaceholder",
    "Runnable",
    "RunnableAssign",
    "RunnableBinding",
    "RunnableConfig",
    "RunnableGenerator",
    "RunnableLambda",
    "RunnableParallel",
    "RunnablePassthrough",
    "RunnableRetry",
    "RunnableSequence",
    "RunnableWithFallbacks",
    "StrOutputParser",
    "StreamEvent",
    "adispatch_custom_event",
    "coerce_to_runnable",
    "dispatch_custom_event",
]


# Wire what `Runnable`'s own methods build (see `_late.py`). Schemas need pydantic, which
# `import chatplex` does not load: their module is imported on first use.
def _input_schema(runnable: Runnable[Any, Any]) -> Any:
    from .schemas import input_schema

    return input_schema(runnable)


def _output_schema(runnable: Runnable[Any, Any]) -> Any:
    from .schemas import output_schema

    return output_schema(runnable)


LATE.coerce = coerce_to_runnable
LATE.sequence = RunnableSequence
LATE.retry = RunnableRetry
LATE.fallbacks = RunnableWithFallbacks
LATE.input_schema = _input_schema
LATE.output_schema = _output_schema
