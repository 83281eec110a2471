"""chatplex: one small, fast, honest chat-model interface across LLM providers.

>>> from chatplex import init_chat_model
>>> init_chat_model("fake:any", responses=["pong"]).invoke("ping").text
'pong'
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from typing import Any

from .dropins import DROP_IN_MODULES as _DROP_IN_MODULES
from .moved import install as _answer_old_paths
from .postimport import when_imported
from .version import __version__ as __version__

if TYPE_CHECKING:
    from .chat import BaseCache
    from .chat import ChatModel
    from .chat import FakeChatModel
    from .chat import InMemoryCache
    from .chat import SQLiteCache
    from .chat import UsageCallbackHandler
    from .chat import UsageTracker
    from .chat import get_llm_cache
    from .chat import init_chat_model
    from .chat import set_llm_cache
    from .chat import track_usage
    from .chat.callbacks import UsageMetadataCallbackHandler
    from .chat.callbacks import get_usage_metadata_callback
    from .core import ChatPromptTemplate
    from .core import ChatPromptValue
    from .core import ConfigurableField
    from .core import ConfigurableFieldSpec
    from .core import FewShotChatMessagePromptTemplate
    from .core import JsonOutputParser
    from .core import MessagesPlaceholder
    from .core import OutputParserException
    from .core import PromptTemplate
    from .core import PydanticOutputParser
    from .core import Runnable
    from .core import RunnableBranch
    from .core import RunnableConfig
    from .core import RunnableGenerator
    from .core import RunnableLambda
    from .core import RunnableParallel
    from .core import RunnablePassthrough
    from .core import RunnableSequence
    from .core import SimpleJsonOutputParser
    from .core import StrOutputParser
    from .core import adispatch_custom_event
    from .core import chain
    from .core import dispatch_custom_event
    from .errors import BudgetExceededError
    from .messages import AIMessage
    from .messages import AIMessageChunk
    from .messages import AnyMessage
    from .messages import BaseMessage
    from .messages import HumanMessage
    from .messages import SystemMessage
    from .messages import ToolCall
    from .messages import ToolMessage
    from .messages import convert_to_messages
    from .messages import convert_to_openai_messages
    from .messages import count_tokens_approximately
    from .messages import filter_messages
    from .messages import get_buffer_string
    from .messages import merge_message_runs
    from .messages import message_chunk_to_message
    from .messages import message_to_dict
    from .messages import messages_from_dict
    from .messages import messages_to_dict
    from .messages import trim_messages
    from .providers.anthropic.dropin import ChatAnthropic
    from .providers.bedrock.dropin import ChatBedrockConverse
    from .providers.bedrock.invoke_dropin import ChatBedrock
    from .providers.cohere.dropin import ChatCohere
    from .providers.compatible.dropin import ChatCerebras
    from .providers.compatible.dropin import ChatDeepSeek
    from .providers.compatible.dropin import ChatFireworks
    from .providers.compatible.dropin import ChatGroq
    from .providers.compatible.dropin import ChatMistralAI
    from .providers.compatible.dropin import ChatNebius
    from .providers.compatible.dropin import ChatOpenRouter
    from .providers.compatible.dropin import ChatPerplexity
    from .providers.compatible.dropin import ChatSambaNova
    from .providers.compatible.dropin import ChatTogether
    from .providers.compatible.dropin import ChatXAI
    from .providers.google.dropin import ChatGoogleGenerativeAI
    from .providers.google.dropin import ChatVertexAI
    from .providers.ollama.dropin import ChatOllama
    from .providers.openai.azure_dropin import AzureChatOpenAI
    from .providers.openai.dropin import ChatOpenAI
    from .providers.watsonx.dropin import ChatWatsonx


#: Every public name loads on first use (module `__getattr__`, PEP 562), so that
#: `import chatplex` costs almost nothing and a script pays only for what it touches
#: (`from chatplex import ChatOpenAI` loads the chat model, the Runnable core and
#: messages, not prompts' parsers or the other drop-ins).
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
    # The drop-ins' engines, each in its provider's folder (`dropins.py`).
    **{name: module.removeprefix("chatplex") for name, module in _DROP_IN_MODULES.items()},
    **dict.fromkeys(
        (
            "ChatPromptTemplate",
            "ChatPromptValue",
            "ConfigurableField",
            "ConfigurableFieldSpec",
            "FewShotChatMessagePromptTemplate",
            "JsonOutputParser",
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
            "adispatch_custom_event",
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
    ("adapters", "chat", "core", "errors", "lean", "messages", "postimport", "secret", "version")
)


#: Where LangChain's names resolve to LangChain chat models when langchain-core is
#: installed (`dropins.py`): each drop-in name, and `init_chat_model`.
_LANGCHAIN_NATIVE = {
    **dict.fromkeys(_DROP_IN_MODULES, ".langchain.dropin"),
    "init_chat_model": ".langchain.factory",
}


def __getattr__(name: str) -> Any:
    from importlib import import_module

    if name in _SUBPACKAGES:
        return import_module(f".{name}", __name__)
    module = _LAZY.get(name)
    if name in _LANGCHAIN_NATIVE:
        from .dropins import langchain_wanted

        if langchain_wanted():
            module = _LANGCHAIN_NATIVE[name]
    if module is None:
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


__all__ = [
    "AIMessage",
    "AIMessageChunk",
    "AnyMessage",
    "AzureChatOpenAI",
    "BaseCache",
    "BaseMessage",
    "BudgetExceededError",
    "ChatAnthropic",
    "ChatBedrock",
    "ChatBedrockConverse",
    "ChatGoogleGenerativeAI",
    "ChatModel",
    "ChatOllama",
    "ChatOpenAI",
    "ChatCerebras",
    "ChatDeepSeek",
    "ChatFireworks",
    "ChatGroq",
    "ChatMistralAI",
    "ChatOpenRouter",
    "ChatPerplexity",
    "ChatTogether",
    "ChatXAI",
    "ChatSambaNova",
    "ChatNebius",
    "ChatCohere",
    "ChatWatsonx",
    "ChatPromptTemplate",
    "ChatVertexAI",
    "ChatPromptValue",
    "ConfigurableField",
    "ConfigurableFieldSpec",
    "FakeChatModel",
    "FewShotChatMessagePromptTemplate",
    "HumanMessage",
    "InMemoryCache",
    "JsonOutputParser",
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
    "SQLiteCache",
    "SimpleJsonOutputParser",
    "StrOutputParser",
    "SystemMessage",
    "ToolCall",
    "ToolMessage",
    "UsageCallbackHandler",
    "UsageMetadataCallbackHandler",
    "UsageTracker",
    "aclose",
    "adispatch_custom_event",
    "chain",
    "close",
    "convert_to_messages",
    "convert_to_openai_messages",
    "count_tokens_approximately",
    "dispatch_custom_event",
    "filter_messages",
    "get_buffer_string",
    "get_llm_cache",
    "get_usage_metadata_callback",
    "init_chat_model",
    "merge_message_runs",
    "message_chunk_to_message",
    "message_to_dict",
    "messages_from_dict",
    "messages_to_dict",
    "set_llm_cache",
    "track_usage",
    "trim_messages",
]


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
_answer_old_paths()
