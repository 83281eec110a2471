"""`FakeChatModel` beside langchain-core's `FakeListChatModel`: a ported script's
model-level `callbacks`, `tags` and `metadata` reach every call, as there: the call's
tags first, the model's metadata winning over the call's."""

from __future__ import annotations

from typing import Any

import pytest

fake_models = pytest.importorskip("langchain_core.language_models.fake_chat_models")
lc_callbacks = pytest.importorskip("langchain_core.callbacks")

import chatplex  # noqa: E402
from tests._run_events import run_events  # noqa: E402


def _seen(handler_base: type, make: Any) -> list[Any]:
    def calls(model: Any) -> None:
        model.invoke("a")
        model.invoke("b", config={"tags": ["call"], "metadata": {"who": "call"}})

    return run_events(
        handler_base, make, lambda kw: (kw.get("tags"), kw["metadata"].get("who")), calls
    )


def test_model_level_run_settings_reach_each_call() -> None:
    def settings(handler: Any) -> dict[str, Any]:
        return {"callbacks": [handler], "tags": ["model"], "metadata": {"who": "me"}}

    theirs = _seen(
        lc_callbacks.BaseCallbackHandler,
        lambda h: fake_models.FakeListChatModel(responses=["x", "y"], **settings(h)),
    )
    ours = _seen(
        chatplex.BaseCallbackHandler,
        lambda h: chatplex.FakeChatModel(responses=["x", "y"], **settings(h)),
    )
    assert ours == theirs
    assert [e[0] for e in ours] == ["start", "end", "start", "end"]
