"""`BaseCallbackHandler` and `AsyncCallbackHandler`: LangChain's handler base classes in
chatplex's own family, so a script's handler needs no LangChain import.

Any object with `on_*` methods is a handler to chatplex (`config["callbacks"]`); these
bases add LangChain's rules: every method is there and does nothing until overridden,
`ignore_llm` / `ignore_chat_model` (properties, False) skip a handler for those steps,
and one that does not override `on_chat_model_start` gets `on_llm_start` with the
messages as text, as LangChain's callback manager gives it. Handlers get chatplex's
messages and results (LangChain's own handler classes get LangChain's).

>>> class Counter(AsyncCallbackHandler):
...     def __init__(self) -> None:
...         self.tokens = 0
...     async def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
...         self.tokens += 1
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

__all__ = ["AsyncCallbackHandler", "BaseCallbackHandler"]

_NOT_IGNORED = property(lambda self: False, doc="False: LangChain's default.")


class BaseCallbackHandler:
    """LangChain's `BaseCallbackHandler` methods and flags, each doing nothing."""

    raise_error: bool = False
    run_inline: bool = False
    ignore_llm = ignore_chat_model = ignore_chain = ignore_agent = _NOT_IGNORED
    ignore_retriever = ignore_retry = ignore_custom_event = _NOT_IGNORED

    def on_chat_model_start(
        self,
        serialized: dict[str, Any],
        messages: list[list[Any]],
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Not overridden: the handler gets `on_llm_start` instead (as in LangChain)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement `on_chat_model_start`")

    def on_llm_start(
        self,
        serialized: dict[str, Any],
        prompts: list[str],
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A model call starts (its messages as text, for a handler without
        `on_chat_model_start`)."""

    def on_llm_new_token(
        self,
        token: Any,
        *,
        chunk: Any = None,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A streamed piece of the reply."""

    def on_llm_end(
        self,
        response: Any,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A model call ended (`response.generations[0][0].message` is the reply)."""

    def on_llm_error(
        self,
        error: BaseException,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A model call failed."""

    def on_chain_start(
        self,
        serialized: dict[str, Any],
        inputs: dict[str, Any],
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A chain (or a prompt, parser, lambda) starts."""

    def on_chain_end(
        self, outputs: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A chain ended."""

    def on_chain_error(
        self, error: BaseException, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A chain failed."""

    def on_tool_start(
        self,
        serialized: dict[str, Any],
        input_str: str,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A tool starts."""

    def on_tool_end(
        self, output: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A tool ended."""

    def on_tool_error(
        self, error: BaseException, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A tool failed."""

    def on_retriever_start(
        self,
        serialized: dict[str, Any],
        query: str,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A retriever starts."""

    def on_retriever_end(
        self, documents: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A retriever ended."""

    def on_retriever_error(
        self, error: BaseException, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A retriever failed."""

    def on_text(self, text: str, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any) -> Any:
        """Text to show."""

    def on_retry(
        self, retry_state: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """A retry."""

    def on_agent_action(
        self, action: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """An agent's action."""

    def on_agent_finish(
        self, finish: Any, *, run_id: Any, parent_run_id: Any = None, **kwargs: Any
    ) -> Any:
        """An agent's finish."""

    def on_custom_event(
        self,
        name: str,
        data: Any,
        *,
        run_id: Any,
        tags: list[str] | None = None,
        metadata: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """`dispatch_custom_event(name, data)` inside a run."""

    def on_stream_event(
        self,
        event: Any,
        *,
        run_id: Any,
        parent_run_id: Any = None,
        tags: list[str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """A piece of langchain-core's v3 event stream (chatplex sends none)."""


#: The methods whose async twins LangChain's `AsyncCallbackHandler` also gives `tags`.
_TAGGED = frozenset(
    {
        "on_chain_end",
        "on_chain_error",
        "on_tool_end",
        "on_tool_error",
        "on_retriever_end",
        "on_retriever_error",
        "on_text",
        "on_agent_action",
        "on_agent_finish",
    }
)


def _async_twin(method: Callable[..., Any]) -> Callable[..., Any]:
    """An async method with `method`'s signature (and `tags` where LangChain's async
    handler has it) doing what it does: nothing, or raising."""
    signature = inspect.signature(method)
    if method.__name__ in _TAGGED:
        params = list(signature.parameters.values())
        tags = inspect.Parameter("tags", inspect.Parameter.KEYWORD_ONLY, default=None)
        params.insert(len(params) - 1, tags)  # before **kwargs
        signature = signature.replace(parameters=params)

    async def twin(self: Any, *args: Any, **kwargs: Any) -> Any:
        return method(self, *args, **kwargs)

    twin.__name__ = twin.__qualname__ = method.__name__
    twin.__doc__ = method.__doc__
    twin.__signature__ = signature  # type: ignore[attr-defined]
    return twin


class AsyncCallbackHandler(BaseCallbackHandler):
    """LangChain's `AsyncCallbackHandler`: the same methods, async."""


for _name, _method in list(vars(BaseCallbackHandler).items()):
    if _name.startswith("on_"):
        setattr(AsyncCallbackHandler, _name, _async_twin(_method))
