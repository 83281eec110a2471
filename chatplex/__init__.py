"""chatplex: one small, fast, honest chat-model interface across LLM providers.

>>> from chatplex import init_chat_model
>>> init_chat_model("fake:any", responses=["pong"]).invoke("ping").text
'pong'
"""

from __future__ import annotations

import sys

from .dropins import DROP_IN_MODULES as _DROP_IN_MODULES
from .postimport import when_imported
from .version import __version__ as __version__

# Not `typing`'s: importing typing (and the `re` it loads) is most of what `import
# chatplex` would cost, and nothing here needs it at run time. Type checkers read the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .chat import BaseCache as BaseCache
    from .chat import ChatModel as ChatModel
    from .chat import FakeChatModel as FakeChatModel
    from .chat import InMemoryCache as InMemoryCache
    from .chat import SQLiteCache as SQLiteCache
    from .chat import UsageCallbackHandler as UsageCallbackHandler
    from .chat import UsageTracker as UsageTracker
    from .chat import get_llm_cache as get_llm_cache
    from .chat import init_chat_model as init_chat_model
    from .chat import set_llm_cache as set_llm_cache
    from .chat import track_usage as track_usage
    from .chat.callbacks import UsageMetadataCallbackHandler as UsageMetadataCallbackHandler
    from .chat.callbacks import get_usage_metadata_callback as get_usage_metadata_callback
    from .chat.function_tools import tool as tool
    from .core import AddableDict as AddableDict
    from .core import AIMessagePromptTemplate as AIMessagePromptTemplate
    from .core import AsyncCallbackHandler as AsyncCallbackHandler
    from .core import BaseCallbackHandler as BaseCallbackHandler
    from .core import BaseChatMessageHistory as BaseChatMessageHistory
    from .core import ChatPromptTemplate as ChatPromptTemplate
    from .core import ChatPromptValue as ChatPromptValue
    from .core import CommaSeparatedListOutputParser as CommaSeparatedListOutputParser
    from .core import ConfigurableField as ConfigurableField
    from .core import ConfigurableFieldMultiOption as ConfigurableFieldMultiOption
    from .core import ConfigurableFieldSingleOption as ConfigurableFieldSingleOption
    from .core import ConfigurableFieldSpec as ConfigurableFieldSpec
    from .core import FewShotChatMessagePromptTemplate as FewShotChatMessagePromptTemplate
    from .core import HumanMessagePromptTemplate as HumanMessagePromptTemplate
    from .core import InMemoryChatMessageHistory as InMemoryChatMessageHistory
    from .core import JsonOutputKeyToolsParser as JsonOutputKeyToolsParser
    from .core import JsonOutputParser as JsonOutputParser
    from .core import JsonOutputToolsParser as JsonOutputToolsParser
    from .core import MarkdownListOutputParser as MarkdownListOutputParser
    from .core import MessagesPlaceholder as MessagesPlaceholder
    from .core import NumberedListOutputParser as NumberedListOutputParser
    from .core import OutputParserException as OutputParserException
    from .core import PromptTemplate as PromptTemplate
    from .core import PydanticOutputParser as PydanticOutputParser
    from .core import PydanticToolsParser as PydanticToolsParser
    from .core import Runnable as Runnable
    from .core import RunnableAssign as RunnableAssign
    from .core import RunnableBinding as RunnableBinding
    from .core import RunnableBranch as RunnableBranch
    from .core import RunnableConfig as RunnableConfig
    from .core import RunnableGenerator as RunnableGenerator
    from .core import RunnableLambda as RunnableLambda
    from .core import RunnableParallel as RunnableParallel
    from .core import RunnablePassthrough as RunnablePassthrough
    from .core import RunnablePick as RunnablePick
    from .core import RunnableSequence as RunnableSequence
    from .core import RunnableWithFallbacks as RunnableWithFallbacks
    from .core import RunnableWithMessageHistory as RunnableWithMessageHistory
    from .core import SimpleJsonOutputParser as SimpleJsonOutputParser
    from .core import StrOutputParser as StrOutputParser
    from .core import SystemMessagePromptTemplate as SystemMessagePromptTemplate
    from .core import ToolException as ToolException
    from .core import XMLOutputParser as XMLOutputParser
    from .core import adispatch_custom_event as adispatch_custom_event
    from .core import chain as chain
    from .core import dispatch_custom_event as dispatch_custom_event
    from .errors import BudgetExceededError as BudgetExceededError
    from .messages import AIMessage as AIMessage
    from .messages import AIMessageChunk as AIMessageChunk
    from .messages import AnyMessage as AnyMessage
    from .messages import BaseMessage as BaseMessage
    from .messages import HumanMessage as HumanMessage
    from .messages import SystemMessage as SystemMessage
    from .messages import ToolCall as ToolCall
    from .messages import ToolMessage as ToolMessage
    from .messages import convert_to_messages as convert_to_messages
    from .messages import convert_to_openai_messages as convert_to_openai_messages
    from .messages import count_tokens_approximately as count_tokens_approximately
    from .messages import filter_messages as filter_messages
    from .messages import get_buffer_string as get_buffer_string
    from .messages import merge_message_runs as merge_message_runs
    from .messages import message_chunk_to_message as message_chunk_to_message
    from .messages import message_to_dict as message_to_dict
    from .messages import messages_from_dict as messages_from_dict
    from .messages import messages_to_dict as messages_to_dict
    from .messages import trim_messages as trim_messages
if TYPE_CHECKING:
    from typing import Any


#: Every public name loads on first use (module `__getattr__`, PEP 562), so that
#: `import chatplex` costs almost nothing and a script pays only for what it touches
#: (`from chatplex import init_chat_model` loads the chat model, the Runnable core and
#: messages on the first model, not prompts' parsers).
#: name -> the module of this package that exports it.
_LAZY = {
    **dict.fromkeys(
        (
            "ChatModel",
            "FakeChatModel",
            "init_chat_model",
            # the reply caches and usage tracking (chat/ loads them lazily)
            "BaseCache",
            "InMemoryCache",
            "SQLiteCache",
            "get_llm_cache",
            "set_llm_cache",
            "UsageCallbackHandler",
            "UsageTracker",
            "track_usage",
        ),
        ".chat",
    ),
    **dict.fromkeys(
        ("UsageMetadataCallbackHandler", "get_usage_metadata_callback"), ".chat.callbacks"
    ),
    "tool": ".chat.function_tools",
    **dict.fromkeys(
        (
            "ChatPromptTemplate",
            "ChatPromptValue",
            "ConfigurableField",
            "ConfigurableFieldSpec",
            "FewShotChatMessagePromptTemplate",
            "SystemMessagePromptTemplate",
            "HumanMessagePromptTemplate",
            "AIMessagePromptTemplate",
            "JsonOutputParser",
            "AsyncCallbackHandler",
            "BaseCallbackHandler",
            "CommaSeparatedListOutputParser",
            "JsonOutputKeyToolsParser",
            "JsonOutputToolsParser",
            "MarkdownListOutputParser",
            "NumberedListOutputParser",
            "PydanticToolsParser",
            "XMLOutputParser",
            "MessagesPlaceholder",
            "OutputParserException",
            "PromptTemplate",
            "PydanticOutputParser",
            "Runnable",
            "RunnableBranch",
            "RunnableConfig",
            "RunnableGenerator",
            "RunnableLambda",
            "RunnableParallel",
            "RunnablePassthrough",
            "RunnableSequence",
            "SimpleJsonOutputParser",
            "StrOutputParser",
            # a chatbot's memory
            "BaseChatMessageHistory",
            "InMemoryChatMessageHistory",
            "RunnableWithMessageHistory",
            "ToolException",
            "adispatch_custom_event",
            # the pieces `pick`, `assign`, `bind` and `with_fallbacks` return, and their
            # stream's chunks, for a script that checks or builds them by name
            "AddableDict",
            "ConfigurableFieldMultiOption",
            "ConfigurableFieldSingleOption",
            "RunnableAssign",
            "RunnableBinding",
            "RunnablePick",
            "RunnableWithFallbacks",
            "chain",
            "dispatch_custom_event",
        ),
        ".core",
    ),
    "BudgetExceededError": ".errors",
    **dict.fromkeys(
        (
            "AIMessage",
            "AIMessageChunk",
            "AnyMessage",
            "BaseMessage",
            "HumanMessage",
            "SystemMessage",
            "ToolCall",
            "ToolMessage",
            "convert_to_messages",
            "convert_to_openai_messages",
            "count_tokens_approximately",
            "filter_messages",
            "get_buffer_string",
            "merge_message_runs",
            "message_chunk_to_message",
            "message_to_dict",
            "messages_from_dict",
            "messages_to_dict",
            "trim_messages",
        ),
        ".messages",
    ),
}

#: The subpackages `import chatplex` used to load, still reachable as attributes
#: (`chatplex.chat.model` after a bare `import chatplex`): imported on first access.
_SUBPACKAGES = frozenset(
    ("adapters", "chat", "core", "errors", "messages", "postimport", "secret", "version")
)


def _langchain_name(name: str) -> ImportError:
    # LangChain's class names are the drop-in family's alone (decision 001): the import
    # path, never the environment, says which family a script gets.
    from .specs import specs

    provider = next(
        (key for key, declared in specs().items() if declared.langchain_class == name),
        "openai",
    )
    return ImportError(
        f"chatplex.{name} is LangChain's class name: import it from the drop-in family, "
        f"`from chatplex.langchain import {name}` (needs chatplex[langchain]), or build "
        f"chatplex's own model with `chatplex.init_chat_model({provider + ':<model>'!r})`"
    )


def __getattr__(name: str) -> Any:
    from importlib import import_module

    if name in _SUBPACKAGES:
        return import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if module is None:
        if name in _DROP_IN_MODULES:
            raise _langchain_name(name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module, __name__), name)
    globals()[name] = value
    return value


def _submit_batch(runnable: Any, inputs: Any, config: Any, is_async: bool) -> Any:
    # `Runnable.submit_batch` (core) reaches chatplex.batches, two layers up, through
    # this slot; the package loads on the first batch, not at `import chatplex`.
    from .batches import asubmit_batch
    from .batches import submit_batch

    if is_async:
        return asubmit_batch(runnable, inputs, config)
    return submit_batch(runnable, inputs, config)


def _fill_submit_batch_slot(late_module: Any) -> None:
    late_module.LATE.submit_batch = _submit_batch


# The slot is filled when `chatplex.core._late` loads (always after this module: it is
# inside this package), so that `import chatplex` does not load the Runnable core.
when_imported("chatplex.core._late", _fill_submit_batch_slot)


def _message_runnable(function: Any, name: str) -> Any:
    # Loads the Runnable core on the first such call: a script's first use of chatplex
    # can be `trim_messages(max_tokens=...)`, before anything imported the core.
    from .core import RunnableLambda

    return RunnableLambda(function, name=name)


def _message_prompt(message: Any) -> Any:
    # As above: the first `message + other` loads the core.
    from .core import ChatPromptTemplate

    return ChatPromptTemplate([message])


def _fill_message_runnable_slot(utils_module: Any) -> None:
    utils_module.runnable_factory = _message_runnable


def _fill_message_prompt_slot(messages_module: Any) -> None:
    messages_module.prompt_factory = _message_prompt


# `trim_messages(max_tokens=...)` without messages is a runnable of core, and `message +
# other` a prompt of core, a layer above chatplex.messages: their slots are filled when
# the modules holding them load.
when_imported("chatplex.messages.utils", _fill_message_runnable_slot)
when_imported("chatplex.messages._messages", _fill_message_prompt_slot)


def close() -> None:
    """Close chatplex's shared connection pools: the sync one and the async one that sync
    `batch` uses on chatplex's private loop (the next call opens new ones).

    Clients you passed in (`http_client=`) are yours and are never closed by chatplex.
    Async pools of your own event loops close with the loop, or with `await aclose()`.
    """
    if "chatplex.http._pool" not in sys.modules:  # never opened: nothing to close
        return
    from .http import close as close_pools
    from .http import close_portal_clients

    close_portal_clients()
    close_pools()


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


async def aclose() -> None:
    """Close the running loop's shared async pool and the shared sync pool.

    Not required: a loop run by `asyncio.run()` closes its pool on the way out.
    """
    if "chatplex.http._pool" in sys.modules:
        from .http import aclose as aclose_pools

        await aclose_pools()


#: Every public name: those `_LAZY` loads on first use, and the functions defined here.
#: (The `TYPE_CHECKING` imports above tell type checkers the same names' types;
#: tests/test_public_api.py holds them to `_LAZY`.)
__all__ = [*_LAZY, "aclose", "close"]


def _tracing_switched_on() -> bool:
    import os

    switches = (
        "LANGSMITH_TRACING",
        "LANGSMITH_TRACING_V2",
        "LANGCHAIN_TRACING_V2",
        "CHATPLEX_OTEL",
    )
    return any(os.environ.get(name) for name in switches)


def _enable_tracing() -> None:
    from .tracing import enable_from_env

    enable_from_env()


def _tracing_from_env() -> None:
    """LangSmith / OpenTelemetry when the environment asks: a few dict lookups, and
    nothing imported, when it does not (chatplex/tracing/). Read now, and once more at
    the first call (where LangChain reads it), for a script that sets the variable after
    `import chatplex`."""
    if _tracing_switched_on():
        _enable_tracing()
        return

    def at_first_call() -> None:
        if _tracing_switched_on():
            _enable_tracing()

    when_imported("chatplex.core.tracers", lambda module: module.probe_at_first_call(at_first_call))


_tracing_from_env()
