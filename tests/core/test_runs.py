"""The run tree's nodes (`core/runs.py`): how handlers are called (keywords their signature
accepts, failures logged or raised, sync handlers kept off the portal loop), callbacks
split into handlers and listeners, run tags, abandoned runs."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import FakeChatModel


def test_failing_handler_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("handler bug")

    out = FakeChatModel(responses=["fine"]).invoke("x", {"callbacks": [Broken()]})
    assert out.text == "fine"
    assert "handler bug" in caplog.text


def test_handler_with_raise_error_propagates() -> None:
    class Strict:
        raise_error = True

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("strict handler")

    with pytest.raises(ValueError, match="strict handler"):
        FakeChatModel(responses=["x"]).invoke("x", {"callbacks": [Strict()]})


def test_sync_handlers_of_a_sync_batch_stay_off_the_portal_loop() -> None:
    # Sync `batch` of a chat model runs on the shared portal loop; a sync handler run
    # there would block every request in flight (the batch would run one at a time).
    from chatplex.core.portal import on_portal

    class Where:
        def __init__(self) -> None:
            self.on_loop: list[bool] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            self.on_loop.append(on_portal())

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            self.on_loop.append(on_portal())

    where = Where()
    out = FakeChatModel(responses=["ok"]).batch(["a"] * 4, {"callbacks": [where]})
    assert [m.text for m in out] == ["ok"] * 4
    assert where.on_loop == [False] * 8
