"""A drop-in's engine (`chat/langchain_hooks.py`): the defaults of a `DropInEngine` with
nothing of its partner's own, and chatplex's own `ChatModel`, which has none of them."""

from __future__ import annotations

from chatplex import ChatModel
from chatplex import FakeChatModel
from chatplex.chat.langchain_hooks import DropInEngine
from chatplex.chat.partner_record import PartnerClass


class _Engine(DropInEngine, FakeChatModel):
    """An engine answering without HTTP, with every partner default."""


def test_an_engine_without_per_model_defaults_keeps_the_disable_streaming_given() -> None:
    model = _Engine(responses=["a"])
    assert model.langchain_disable_streaming(None) is None  # LangChain's default
    assert model.langchain_disable_streaming("tool_calling") == "tool_calling"


def test_an_engine_leaves_token_counts_to_langchain_core_unless_its_wire_counts() -> None:
    """Every counting hook's default is langchain-core's count (None), and the engine
    does not count messages (so the LangChain chat model does not convert them)."""
    model = _Engine(responses=["x"])
    assert model.langchain_token_ids("a b") is None
    assert model.langchain_num_tokens("a b") is None
    assert model.langchain_counts_messages() is False
    assert model.langchain_num_tokens_from_messages([], None, {}) is None


def test_an_engine_without_a_langchain_validator_is_built_from_the_settings_given() -> None:
    given = {"temperature": 0, "model": "gpt-5-nano"}
    assert _Engine.langchain_settings(given) == {"temperature": 0, "model": "gpt-5-nano"}


def test_chatplex_own_model_has_no_langchain_member() -> None:
    assert [name for name in dir(ChatModel) if "langchain" in name] == []
    assert _Engine(responses=["a"])._keeps_bound_tool_lists() is False  # no partner class
    assert not FakeChatModel(responses=["a"])._keeps_bound_tool_lists()


def test_an_engine_declaring_its_partner_record_is_read_by_it() -> None:
    record = PartnerClass(llm_type="acme-chat", partner_class="langchain_acme.chat_models:A")

    class _Declared(_Engine):
        partner_record = record

    assert _Declared.partner_record is record
    assert _Declared(responses=["a"])._keeps_bound_tool_lists() is True
    assert record.distribution == "langchain-acme"
    assert _Engine.partner_record.partner_class is None  # no record: no partner class
