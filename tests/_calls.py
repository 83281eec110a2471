"""A chat model on the mock server, and its sync and async calls behind one `sync` switch:
what the suites over OpenAI's and Anthropic's wires (chat/, reliability/, the end-to-end
and mock-wire tests) each wrote once of their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chatplex import AIMessage
from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer

#: The model each wire's tests ask the mock server for.
MOCK_MODELS = {"openai": "openai:gpt-4o-mini", "anthropic": "anthropic:claude-sonnet-4-5"}


def mock_model(server: MockServer, provider: str = "openai", **settings: Any) -> ChatModel:
    """`init_chat_model` of `provider`'s model (MOCK_MODELS) at the mock server's base URL
    for that wire, with `settings`."""
    base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
    return init_chat_model(MOCK_MODELS[provider], base_url=base, **settings)


def outcome(call: Callable[[], Any]) -> Any:
    """What a call gives: its value, or its exception's class and words (to compare two
    sides' calls, failures included)."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the outcome compared
        return (type(exc), str(exc))


def connections_left(sync: bool) -> int:
    """The connections chatplex's shared client of that side (sync or async) holds in use."""
    from chatplex.http import connections_in_use
    from chatplex.http import get_async_client
    from chatplex.http import get_sync_client

    return connections_in_use(get_sync_client() if sync else get_async_client())


async def ask(model: Any, sync: bool, value: Any, /, **kw: Any) -> Any:
    """`invoke` or `ainvoke` (`kw`: the call's keywords, `model=` among them)."""
    return model.invoke(value, **kw) if sync else await model.ainvoke(value, **kw)


async def ask_stream(model: Any, sync: bool, value: Any, /, **kw: Any) -> list[Any]:
    """The chunks of `stream` or `astream`."""
    if sync:
        return list(model.stream(value, **kw))
    return [chunk async for chunk in model.astream(value, **kw)]


async def ask_merged(model: Any, sync: bool, value: Any, /, **kw: Any) -> AIMessage:
    """The chunks of `stream` or `astream` merged into one message."""
    return merge_chunks(await ask_stream(model, sync, value, **kw)).to_message()
