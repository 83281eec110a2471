"""A call's `CallSettings` (`chat/call_settings.py`), from the model's settings and the
call's overrides."""

from __future__ import annotations

from chatplex import FakeChatModel


def test_call_settings_normalise_stop() -> None:
    model = FakeChatModel(stop="END", temperature=0.1)
    settings = model._settings({})
    assert (settings.model, settings.stop, settings.temperature) == ("fake-chat", ("END",), 0.1)
    assert model._settings({"stop": ["a", "b"]}).stop == ("a", "b")
    assert model._settings({"stop": []}).stop is None
