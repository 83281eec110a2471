"""A call's `CallSettings` (`ChatModel._settings`), from the model's settings and the
call's overrides."""

from __future__ import annotations

from chatplex import FakeChatModel


def test_call_settings_normalise_stop() -> None:
    model = FakeChatModel(stop="END", temperature=0.1)
    settings = model._settings({})
    assert (settings.model, settings.stop, settings.temperature) == ("fake-chat", ("END",), 0.1)
    assert model._settings({"stop": ["a", "b"]}).stop == ("a", "b")
    assert model._settings({"stop": []}).stop is None


def test_call_settings_tell_a_bound_empty_tool_list_under_a_langchain_name() -> None:
    from chatplex.providers.anthropic.dropin import ChatAnthropic

    dropin = ChatAnthropic(model="claude-haiku-4-5", api_key="k")  # the drop-in's engine
    assert not dropin._settings({}).tool_list_bound
    assert dropin.bind_tools([])._settings({}).tool_list_bound
    assert dropin._settings({"tools": []}).tool_list_bound  # tools=[] per call
    # chatplex's own models (no LangChain class) bind no empty list.
    own = FakeChatModel()
    assert not own.bind_tools([])._settings({}).tool_list_bound
    assert not own._settings({"tools": []}).tool_list_bound
