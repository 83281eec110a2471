"""The two kits `test_history*.py` run each script on: langchain-core's classes and
chatplex's, with models scripted with the same replies; and how a result is compared."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

import chatplex

pytest.importorskip("langchain_core")

from langchain_core import callbacks as lc_callbacks  # noqa: E402
from langchain_core import chat_history as lc_history  # noqa: E402
from langchain_core import messages as lc_messages  # noqa: E402
from langchain_core import output_parsers as lc_parsers  # noqa: E402
from langchain_core import prompts as lc_prompts  # noqa: E402
from langchain_core import runnables as lc_runnables  # noqa: E402
from langchain_core.language_models.fake_chat_models import FakeListChatModel  # noqa: E402

#: LangChain deprecates both classes; the warning is not what is compared.
NO_DEPRECATION = pytest.mark.filterwarnings(
    "ignore::langchain_core._api.deprecation.LangChainDeprecationWarning"
)


#: A kit's short name -> (the kind of module holding it, its name there).
_NAMES = {
    "History": ("runnables", "RunnableWithMessageHistory"),
    "Spec": ("runnables", "ConfigurableFieldSpec"),
    "Lambda": ("runnables", "RunnableLambda"),
    "InMemory": ("histories", "InMemoryChatMessageHistory"),
    "Base": ("histories", "BaseChatMessageHistory"),
    "Prompt": ("prompts", "ChatPromptTemplate"),
    "Placeholder": ("prompts", "MessagesPlaceholder"),
    "Str": ("parsers", "StrOutputParser"),
    "Human": ("messages", "HumanMessage"),
    "AI": ("messages", "AIMessage"),
    "System": ("messages", "SystemMessage"),
    "Handler": ("callbacks", "BaseCallbackHandler"),
}


def _kit(name: str, modules: dict[str, Any], model: Callable[[list[str]], Any]) -> Any:
    """The same names from either library's modules, so a scenario is written once."""
    found = {short: getattr(modules[kind], long) for short, (kind, long) in _NAMES.items()}
    return SimpleNamespace(name=name, model=model, **found)


LANGCHAIN = _kit(
    "langchain",
    {
        "runnables": lc_runnables,
        "histories": lc_history,
        "prompts": lc_prompts,
        "parsers": lc_parsers,
        "messages": lc_messages,
        "callbacks": lc_callbacks,
    },
    lambda replies: FakeListChatModel(responses=replies),
)
# chatplex's own family: every name from `chatplex` alone
CHATPLEX = _kit(
    "chatplex",
    dict.fromkeys(
        ("runnables", "histories", "prompts", "parsers", "messages", "callbacks"), chatplex
    ),
    lambda replies: chatplex.FakeChatModel(responses=replies),
)


def seen(value: Any) -> Any:
    """What a script sees of a value: a message as (class, type, text); lists, tuples and
    dicts of them likewise; anything else as is."""
    if isinstance(value, (lc_messages.BaseMessage, chatplex.BaseMessage)):
        return (type(value).__name__, value.type, value.content)
    if isinstance(value, (list, tuple)):
        return [seen(v) for v in value]
    if isinstance(value, dict):
        return {k: seen(v) for k, v in value.items()}
    return value


def same(scenario: Callable[[Any], Any]) -> Any:
    """Run `scenario` on both kits; they must agree. Returns chatplex's result."""
    theirs = scenario(LANGCHAIN)
    ours = scenario(CHATPLEX)
    assert ours == theirs
    return ours


def both_ways(scenario: Callable[[Any, bool], Any]) -> tuple[Any, Any]:
    """`scenario` sync and async, each on both kits: (sync result, async result)."""
    return same(lambda kit: scenario(kit, True)), same(lambda kit: scenario(kit, False))


def sessions(kit: Any) -> tuple[dict[str, Any], Callable[[str], Any]]:
    store: dict[str, Any] = {}

    def get(session_id: str) -> Any:
        return store.setdefault(session_id, kit.InMemory())

    return store, get


def cfg(session_id: str) -> dict[str, Any]:
    return {"configurable": {"session_id": session_id}}


async def call_once(r: Any, sync: bool, value: Any, config: Any) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


async def streamed(r: Any, sync: bool, value: Any, config: Any) -> list[Any]:
    if sync:
        return list(r.stream(value, config))
    return [piece async for piece in r.astream(value, config)]


def received(kit: Any, reply: Any, seen_inputs: list[Any]) -> Any:
    """A runnable that records what it is given and returns `reply`."""

    def step(value: Any) -> Any:
        seen_inputs.append(seen(value))
        return reply

    return kit.Lambda(step)
