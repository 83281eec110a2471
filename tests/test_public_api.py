"""The public surface of `chatplex` is pinned: adding or dropping a name is a decision."""

from __future__ import annotations

import importlib
from types import ModuleType

import pytest

import chatplex
import chatplex.langchain
from chatplex import chat
from chatplex import core
from chatplex import errors
from chatplex import messages
from chatplex.chat import callbacks
from chatplex.chat.configuration import factory
from chatplex.dropins import DROP_IN_MODULES
from chatplex.providers.compatible import dropin as compatible_dropin
from chatplex.providers.compatible.spec import DROPINS
from chatplex.providers.openai import azure_dropin
from chatplex.specs import WIRES
from tests._fresh import fresh_python


def _folder_dropins() -> dict[str, ModuleType]:
    """The drop-ins of the provider folders, by LangChain class name → their module:
    declaring a provider's `DROPINS` row, its folder's `dropin.py` with the class its
    spec names, or a drop-in table row naming a module of its folder, is the
    decision to export it (with its export line, no edit here)."""
    found: dict[str, ModuleType] = {"AzureChatOpenAI": azure_dropin}
    found.update({compatible_dropin.owner_of(row): compatible_dropin for row in DROPINS.values()})
    for wire in WIRES:
        try:
            module = importlib.import_module(f"chatplex.providers.{wire}.dropin")
        except ModuleNotFoundError:
            continue  # a wire whose drop-in still lives in chat/
        for declared in importlib.import_module(f"chatplex.providers.{wire}.spec").SPECS:
            name = declared.langchain_class
            home = DROP_IN_MODULES.get(name or "", "")
            if name and home.startswith(f"chatplex.providers.{wire}."):
                found[name] = importlib.import_module(home)  # ChatBedrock: invoke_dropin
            elif name and name in getattr(module, "__all__", ()):
                found[name] = module
    return found


#: ChatOllama, ChatGroq, ChatCerebras...: one per provider folder's drop-in.
FOLDER_DROPINS = _folder_dropins()

EXPECTED = [
    "init_chat_model",
    "ChatModel",
    "FakeChatModel",
    "RunnableConfig",
    "Runnable",
    "RunnableLambda",
    "RunnableParallel",
    "RunnablePassthrough",
    "ChatPromptTemplate",
    "MessagesPlaceholder",
    "StrOutputParser",
    "SystemMessage",
    "HumanMessage",
    "AIMessage",
    "AIMessageChunk",
    "ToolMessage",
    # Issue 3: shutting down the shared connection pools.
    "close",
    "aclose",
    # LangChain's accounting: usage summed per model over a block of calls.
    "get_usage_metadata_callback",
    "UsageMetadataCallbackHandler",
    # Caching, usage and cost.
    "BaseCache",
    "InMemoryCache",
    "SQLiteCache",
    "set_llm_cache",
    "get_llm_cache",
    "track_usage",
    "UsageTracker",
    "UsageCallbackHandler",
    "BudgetExceededError",
    # Issue 25: every name of langchain_core's messages, prompts, output parsers,
    # runnables and callbacks that LangChain's chat-model and LCEL guides import.
    "BaseMessage",
    "AnyMessage",
    "ToolCall",
    "convert_to_messages",
    "messages_to_dict",
    "messages_from_dict",
    "message_to_dict",
    "trim_messages",
    "filter_messages",
    "merge_message_runs",
    "get_buffer_string",
    "count_tokens_approximately",
    "message_chunk_to_message",
    "convert_to_openai_messages",
    "ChatPromptValue",
    "PromptTemplate",
    "FewShotChatMessagePromptTemplate",
    "SystemMessagePromptTemplate",
    "HumanMessagePromptTemplate",
    "AIMessagePromptTemplate",
    "JsonOutputParser",
    "PydanticOutputParser",
    "SimpleJsonOutputParser",
    "OutputParserException",
    "RunnableBranch",
    "RunnableGenerator",
    "RunnableSequence",
    "ConfigurableField",
    "ConfigurableFieldSpec",
    "dispatch_custom_event",
    "adispatch_custom_event",
    "chain",
    # Issue 63 (step 4): what a script of chatplex's own chains reached LangChain for.
    "CommaSeparatedListOutputParser",
    "NumberedListOutputParser",
    "MarkdownListOutputParser",
    "JsonOutputToolsParser",
    "JsonOutputKeyToolsParser",
    "PydanticToolsParser",
    "XMLOutputParser",
    "BaseCallbackHandler",
    "AsyncCallbackHandler",
    "tool",
    "ToolException",
    # A chatbot's memory: the history store and the runnable that reads and writes it.
    "BaseChatMessageHistory",
    "InMemoryChatMessageHistory",
    "RunnableWithMessageHistory",
    # What `pick`, `assign`, `bind`, `with_fallbacks` and `configurable_alternatives`
    # return or take, by LangChain's names.
    "AddableDict",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSingleOption",
    "RunnableAssign",
    "RunnableBinding",
    "RunnablePick",
    "RunnableWithFallbacks",
]

#: The names issue 25 added, each one of LangChain's (where LangChain has it).
LANGCHAIN_NAMES = EXPECTED[EXPECTED.index("BaseMessage") :]
LANGCHAIN_MODULES = [
    "langchain_core.messages",
    "langchain_core.messages.utils",
    "langchain_core.prompt_values",
    "langchain_core.prompts",
    "langchain_core.output_parsers",
    "langchain_core.exceptions",
    "langchain_core.runnables",
    "langchain_core.callbacks",
    "langchain_core.tools",
    "langchain_core.chat_history",
]

# Where each public name is defined; the top level re-exports the same object.
HOMES = {
    "init_chat_model": factory,
    "ChatModel": chat,
    "FakeChatModel": chat,
    "SystemMessage": messages,
    "HumanMessage": messages,
    "AIMessage": messages,
    "AIMessageChunk": messages,
    "ToolMessage": messages,
    "close": chatplex,
    "aclose": chatplex,
    "get_usage_metadata_callback": callbacks,
    "UsageMetadataCallbackHandler": callbacks,
    "BaseCache": chat,
    "InMemoryCache": chat,
    "SQLiteCache": chat,
    "set_llm_cache": chat,
    "get_llm_cache": chat,
    "track_usage": chat,
    "UsageTracker": chat,
    "UsageCallbackHandler": chat,
    "BudgetExceededError": errors,
    "BaseMessage": messages,
    "AnyMessage": messages,
    "ToolCall": messages,
    "convert_to_messages": messages,
    "messages_to_dict": messages,
    "messages_from_dict": messages,
    "message_to_dict": messages,
    "trim_messages": messages,
    "filter_messages": messages,
    "merge_message_runs": messages,
    "get_buffer_string": messages,
    "count_tokens_approximately": messages,
    "message_chunk_to_message": messages,
    "convert_to_openai_messages": messages,
    "tool": importlib.import_module("chatplex.chat.function_tools"),
}


def test_all_is_pinned() -> None:
    assert sorted(chatplex.__all__) == sorted(EXPECTED)


@pytest.mark.parametrize("name", LANGCHAIN_NAMES)
def test_the_langchain_names_are_langchains(name: str) -> None:
    pytest.importorskip("langchain_core")
    import importlib

    homes = [m for m in LANGCHAIN_MODULES if hasattr(importlib.import_module(m), name)]
    assert homes, f"{name} is not a name of langchain_core"
    theirs = getattr(importlib.import_module(homes[0]), name)
    assert isinstance(theirs, type) == isinstance(getattr(chatplex, name), type)


def test_all_has_no_duplicates() -> None:
    assert len(chatplex.__all__) == len(set(chatplex.__all__))


def test_type_checkers_see_every_lazy_name_and_only_those() -> None:
    # `__all__` is built from `_LAZY`; the `TYPE_CHECKING` imports give type checkers the
    # same names (each `X as X`, an explicit re-export), from the module that exports it.
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(chatplex))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node)
    )
    typed = {
        alias.asname: (node.module or "", alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = chatplex._LAZY  # type: ignore[attr-defined]
    assert {name: name for name in typed} == {name: alias for name, (_, alias) in typed.items()}
    assert {name: f".{module}" for name, (module, _) in typed.items()} == {
        name: lazy[name] for name in lazy if name in typed
    }
    assert set(typed) == set(lazy)


@pytest.mark.parametrize("name", EXPECTED)
def test_each_name_imports_from_the_top_level(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from chatplex import {name}", namespace)
    obj = namespace[name]
    assert obj is getattr(chatplex, name)
    home = HOMES.get(name, core)
    assert obj is getattr(home, name)


@pytest.mark.parametrize("name", sorted(FOLDER_DROPINS))
def test_the_langchain_class_names_are_the_drop_in_familys_alone(name: str) -> None:
    """Decision 001: every provider folder's drop-in is `chatplex.langchain.<Name>`, and
    `from chatplex import <Name>` raises an ImportError naming both ways."""
    assert name in chatplex.langchain.__all__
    assert issubclass(getattr(chatplex.langchain, name), chatplex.langchain.DropInChatModel)
    with pytest.raises(ImportError) as raised:
        exec(f"from chatplex import {name}", {})
    words = str(raised.value)
    assert f"from chatplex.langchain import {name}" in words
    assert "chatplex.init_chat_model(" in words
    assert name not in dir(chatplex)


def test_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from chatplex import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(EXPECTED)


def test_the_chat_model_loads_the_drop_ins_and_error_helpers_on_first_use() -> None:
    """`ChatModel` stays light: the drop-in models (and the URL handling they bring),
    the rate-limiter bridge, stream helpers, the parameter lists, difflib (for "did you
    mean"), LangChain conversions, reply caches and usage tracking, prompts and parsers
    load when first used, not with the chat model."""
    lazy = [
        "chatplex.providers.openai.dropin",
        "chatplex.providers.anthropic.dropin",
        "chatplex.providers.openai.azure_dropin",
        "chatplex.providers.openai.choices",
        "chatplex.providers.openai.azure",
        "chatplex.providers.bedrock.dropin",
        "chatplex.providers.bedrock.adapter",
        "botocore",
        "chatplex.providers.compatible.dropin",
        "chatplex.providers.compatible.adapter",
        "chatplex.chat.dropin",
        "chatplex.chat.limiter",
        "chatplex.chat.streams",
        "chatplex.chat.params",
        # a model's call mechanics (chat/sending.py) load with its first call
        "chatplex.chat.sending",
        # reply caches, in-flight dedupe, usage tracking and prices (chat/call_hooks.py)
        "chatplex.chat.caching.cache",
        "chatplex.chat.caching.inflight",
        "chatplex.chat.accounting.usage",
        "chatplex.chat.accounting.cost",
        "hashlib",
        "chatplex.messages._langchain",
        # message utilities, dict forms and pydantic methods (issue 25), and LangChain
        "chatplex.messages.utils",
        "chatplex.messages._dicts",
        "chatplex.messages._pydantic",
        "langchain_core",
        # tracing (issue 30): loaded only when LANGSMITH_TRACING / CHATPLEX_OTEL is set
        "chatplex.tracing",
        "langsmith",
        "opentelemetry",
        "difflib",
        "urllib.parse",
        # run ids are made when a run is traced (uuid brings platform)
        "uuid",
        # prompts, parsers and custom events are for chains (chatplex/core/__init__.py)
        "chatplex.core.prompts",
        "chatplex.core.parsers",
        "chatplex.core.events",
    ]
    code = "\n".join(
        [
            f"import sys, chatplex; chatplex.ChatModel; lazy = {lazy!r}",
            "print([m for m in lazy if m in sys.modules])",
            "import chatplex.langchain",
            "cls = chatplex.langchain.ChatOpenAI",
            "loaded = 'chatplex.chat.dropin' in sys.modules",
            "print(cls.__module__, loaded, 'ChatAnthropic' in dir(chatplex))",
        ]
    )
    out = fresh_python(code)
    assert out.stdout.splitlines() == ["[]", "chatplex.langchain.dropin True False"]


def _fresh(code: str) -> list[str]:
    """Run `code` in a fresh interpreter (nothing of chatplex loaded) and return its lines."""
    out = fresh_python(code)
    return out.stdout.splitlines()


def test_import_chatplex_loads_no_layer_of_the_package() -> None:
    """Issue 29: `import chatplex` costs almost nothing; every public name loads on first
    use. Checked by what is in `sys.modules`, not by timing."""
    code = "\n".join(
        [
            "import sys",
            "before = set(sys.modules)",
            "import chatplex",
            "new = set(sys.modules) - before",
            "print(sorted(m for m in new if m.startswith('chatplex')))",
            "heavy = ['asyncio', 'dataclasses', 'json', 'httpx', 'pydantic', 'tenacity']",
            "print([m for m in heavy if m in new])",
        ]
    )
    # chatplex.dropins: the table of drop-in names (data, and the check made on first use).
    assert _fresh(code) == [
        "['chatplex', 'chatplex.dropins', 'chatplex.postimport', 'chatplex.version']",
        "[]",
    ]


def test_import_chatplex_loads_no_typing() -> None:
    """`typing` and the `re` it loads were most of what `import chatplex` cost; nothing of
    the package's import needs them. (`chatplex.moved`, the old paths' finder, is stubbed:
    it goes with the old paths.)"""
    code = "\n".join(
        [
            "import sys, types",
            "moved = types.ModuleType('chatplex.moved')",
            "moved.install = lambda: None",
            "sys.modules['chatplex.moved'] = moved",
            "import chatplex",
            "print([m for m in ('typing', 're', 'enum') if m in sys.modules])",
        ]
    )
    assert _fresh(code) == ["[]"]


def test_every_public_name_resolves_in_a_fresh_process() -> None:
    code = "\n".join(
        [
            "import chatplex",
            "print([n for n in chatplex.__all__ if n not in dir(chatplex)])",
            "print([n for n in chatplex.__all__ if getattr(chatplex, n, None) is None])",
            "namespace = {}",
            "exec('from chatplex import *', namespace)",
            "print(sorted(set(chatplex.__all__) - set(namespace)))",
        ]
    )
    assert _fresh(code) == ["[]", "[]", "[]"]


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'ChatNothing'"):
        chatplex.ChatNothing  # noqa: B018
    with pytest.raises(ImportError):
        exec("from chatplex import ChatNothing", {})


def test_the_subpackages_import_chatplex_used_to_load_are_still_attributes() -> None:
    # Scripts that did `import chatplex` and then reached `chatplex.chat.model` keep working.
    code = "\n".join(
        [
            "import chatplex",
            "print(chatplex.chat.model.ChatModel is chatplex.ChatModel)",
            "print(chatplex.core.base.Runnable is chatplex.Runnable)",
            "print(chatplex.errors.BudgetExceededError is chatplex.BudgetExceededError)",
            "print(chatplex.messages.AIMessage is chatplex.AIMessage)",
        ]
    )
    assert _fresh(code) == ["True"] * 4


def test_the_batch_slot_is_filled_when_the_core_loads_after_import_chatplex() -> None:
    # `Runnable.submit_batch` reaches chatplex.batches through the late slot that the
    # package root fills once `chatplex.core._late` is imported (not at `import chatplex`).
    code = "\n".join(
        [
            "import sys, chatplex",
            "print('chatplex.core._late' in sys.modules)",
            "model = chatplex.FakeChatModel(responses=['x'])",
            "from chatplex.core._late import LATE",
            "print(LATE.submit_batch is chatplex._submit_batch)",
            "print('chatplex.batches' in sys.modules)",
        ]
    )
    assert _fresh(code) == ["False", "True", "False"]
