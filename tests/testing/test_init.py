"""`chatplex.testing` (`testing/__init__.py`): its names load on first access."""

from __future__ import annotations

from chatplex.testing import FakeChatModel


def test_fake_chat_model_is_reexported() -> None:
    assert FakeChatModel(responses=["fine"]).invoke("hi").text == "fine"
