"""The public surface of `chatplex` is pinned: adding or dropping a name is a decision."""

from __future__ import annotations

import pytest

import chatplex
from chatplex import messages, models, runnables

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
]

# Where each public name is defined; the top level re-exports the same object.
HOMES = {
    "init_chat_model": models,
    "SystemMessage": messages,
    "HumanMessage": messages,
    "AIMessage": messages,
    "AIMessageChunk": messages,
    "ToolMessage": messages,
    "close": chatplex,
    "aclose": chatplex,
}


def test_all_is_pinned() -> None:
    assert sorted(chatplex.__all__) == sorted(EXPECTED)


def test_all_has_no_duplicates() -> None:
    assert len(chatplex.__all__) == len(set(chatplex.__all__))


@pytest.mark.parametrize("name", EXPECTED)
def test_each_name_imports_from_the_top_level(name: str) -> None:
    namespace: dict[str, object] = {}
    exec(f"from chatplex import {name}", namespace)
    obj = namespace[name]
    assert obj is getattr(chatplex, name)
    home = HOMES.get(name, runnables)
    assert obj is getattr(home, name)


def test_star_import_gives_exactly_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from chatplex import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(EXPECTED)
