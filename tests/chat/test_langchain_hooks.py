"""What a model tells the drop-in layer about its LangChain class
(`chat/langchain_hooks.py`): the defaults of a model with no LangChain class of its own."""

from __future__ import annotations

from chatplex import FakeChatModel


def test_a_model_without_per_model_defaults_keeps_the_disable_streaming_given() -> None:
    model = FakeChatModel(responses=["a"])
    assert model.langchain_disable_streaming(None) is None  # LangChain's default
    assert model.langchain_disable_streaming("tool_calling") == "tool_calling"


def test_a_model_leaves_token_counts_to_langchain_core_unless_its_wire_counts() -> None:
    """Every counting hook's default is langchain-core's count (None), and the engine
    does not count messages (so the LangChain chat model does not convert them)."""
    model = FakeChatModel(responses=["x"])
    assert model.langchain_token_ids("a b") is None
    assert model.langchain_num_tokens("a b") is None
    assert model.langchain_counts_messages() is False
    assert model.langchain_num_tokens_from_messages([], None, {}) is None


def test_a_model_without_a_langchain_validator_is_built_from_the_settings_given() -> None:
    given = {"temperature": 0, "model": "gpt-5-nano"}
    assert FakeChatModel.langchain_settings(given) == {"temperature": 0, "model": "gpt-5-nano"}
