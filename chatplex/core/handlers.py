"""`BaseCallbackHandler` and `AsyncCallbackHandler`: LangChain's handler base classes in
chatplex's own family, so a script's handler needs no LangChain import.

Any object with `on_*` methods is a handler to chatplex (`config["callbacks"]`); these
bases add LangChain's rules: every method is there (with LangChain's signature) and does
nothing until overridden, `ignore_llm` / `ignore_chat_model` / `ignore_chain` /
`ignore_custom_event` / `ignore_retry` (properties, False) keep a handler from those
steps, and one that does not override `on_chat_model_start` gets `on_llm_start` with the
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

__all__ = ["AsyncCallbackHandler", "BaseCallbackHandler", "does_something", "heard_method"]

_NOT_IGNORED = property(lambda self: False, doc="False: LangChain's default.")
_START = ("run_id", "parent_run_id", "tags", "metadata")  # a start's keywords
_STEP = ("run_id", "parent_run_id")  # an end's, an error's, a note's
_LLM = ("run_id", "parent_run_id", "tags")  # a model step's


def _event(name: str, arguments: str, keywords: tuple[str, ...], doc: str) -> Any:
    """A handler method doing nothing, with LangChain's signature: `(self, <arguments>, *,
    <keywords>, **kwargs)`, `run_id` required and the other keywords None by default."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [inspect.Parameter(n, positional) for n in ("self", *arguments.split())]
    for n in keywords:
        default = inspect.Parameter.empty if n == "run_id" else None
        parameters.append(inspect.Parameter(n, keyword, default=default))
    parameters.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return None

    method.__name__ = method.__qualname__ = name
    method.__doc__ = doc
    method.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    method._does_nothing = True  # type: ignore[attr-defined]
    return method


def heard_method(handler: Any, method: str) -> Callable[..., Any] | None:
    """`handler`'s `method` to call; None where it has none, or it is one of these bases'
    methods that do nothing (not overridden in its class nor set on the handler itself):
    a run calls it, and builds what it is told, only then (a no-op has no effect to keep)."""
    fn: Callable[..., Any] | None = getattr(handler, method, None)
    if not callable(fn) or getattr(fn, "_does_nothing", False) is True:
        return None
    return fn


def does_something(handler: Any, method: str) -> bool:
    """Whether a run calls `handler`'s `method` (`heard_method`)."""
    return heard_method(handler, method) is not None


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

    on_llm_start = _event(
        "on_llm_start", "serialized prompts", _START, "A model call starts (as text)."
    )
    on_llm_new_token = _event(
        "on_llm_new_token", "token", ("chunk", *_LLM), "A streamed piece of the reply."
    )
    on_llm_end = _event("on_llm_end", "response", _LLM, "A model call ended.")
    on_llm_error = _event("on_llm_error", "error", _LLM, "A model call failed.")
    on_chain_start = _event("on_chain_start", "serialized inputs", _START, "A chain starts.")
    on_chain_end = _event("on_chain_end", "outputs", _STEP, "A chain ended.")
    on_chain_error = _event("on_chain_error", "error", _STEP, "A chain failed.")
    on_tool_start = _event(
        "on_tool_start", "serialized input_str", (*_START, "inputs"), "A tool starts."
    )
    on_tool_end = _event("on_tool_end", "output", _STEP, "A tool ended.")
    on_tool_error = _event("on_tool_error", "error", _STEP, "A tool failed.")
    on_retriever_start = _event(
        "on_retriever_start", "serialized query", _START, "A retriever starts."
    )
    on_retriever_end = _event("on_retriever_end", "documents", _STEP, "A retriever ended.")
    on_retriever_error = _event("on_retriever_error", "error", _STEP, "A retriever failed.")
    on_text = _event("on_text", "text", _STEP, "Text to show.")
    on_retry = _event("on_retry", "retry_state", _STEP, "A retry.")
    on_agent_action = _event("on_agent_action", "action", _STEP, "An agent's action.")
    on_agent_finish = _event("on_agent_finish", "finish", _STEP, "An agent's finish.")
    on_custom_event = _event(
        "on_custom_event",
        "name data",
        ("run_id", "tags", "metadata"),
        "`dispatch_custom_event(name, data)` inside a run.",
    )
    on_stream_event = _event(
        "on_stream_event", "event", _LLM, "A piece of langchain-core's v3 event stream."
    )


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
    if getattr(method, "_does_nothing", False):
        twin._does_nothing = True  # type: ignore[attr-defined]
    return twin


class AsyncCallbackHandler(BaseCallbackHandler):
    """LangChain's `AsyncCallbackHandler`: the same methods, async."""


for _name, _method in list(vars(BaseCallbackHandler).items()):
    if _name.startswith("on_"):
        setattr(AsyncCallbackHandler, _name, _async_twin(_method))
