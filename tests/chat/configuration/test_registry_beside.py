"""`init_chat_model` beside LangChain's partner class: a ported script's model-level
`callbacks` and `tags` (which LangChain's `init_chat_model` passes to the class) reach
every call, sync, async and streamed, instead of being refused as API parameters."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

lc_openai = pytest.importorskip("langchain_openai")
lc_callbacks = pytest.importorskip("langchain_core.callbacks")

import chatplex  # noqa: E402
from chatplex.testing import MockServer  # noqa: E402
from tests._run_events import run_events  # noqa: E402


def _seen(handler_base: type, make: Any) -> list[Any]:
    def calls(model: Any) -> None:
        model.invoke("a")
        list(model.stream("b"))
        asyncio.run(model.ainvoke("c", config={"tags": ["call"]}))
        model.bind(stop=["zz"]).invoke("d")

    return run_events(handler_base, make, lambda kw: (sorted(kw.get("tags") or []),), calls)


def test_callbacks_and_tags_given_to_the_model_reach_each_call() -> None:
    with MockServer() as server:
        common: dict[str, Any] = {"base_url": server.openai_base_url, "api_key": "k"}
        theirs = _seen(
            lc_callbacks.BaseCallbackHandler,
            lambda h: lc_openai.ChatOpenAI(
                model="gpt-4o-mini", callbacks=[h], tags=["model"], **common
            ),
        )
        ours = _seen(
            chatplex.BaseCallbackHandler,
            lambda h: chatplex.init_chat_model(
                "openai:gpt-4o-mini", callbacks=[h], tags=["model"], **common
            ),
        )
    assert ours == theirs
    assert len(ours) == 8
