"""The protocols the collaborators of `ChatChatplex` read it through
(`langchain/chat_protocol.py`): every member they name is one the model classes have, so
a rename on the model cannot leave a collaborator reading a name nobody has."""

from __future__ import annotations

import pytest

from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatCohere
from chatplex.langchain import ChatOpenAI
from chatplex.langchain.chat_protocol import EngineClass
from chatplex.langchain.chat_protocol import LangChainChat


def _members(protocol: type) -> set[str]:
    own = {n for n in vars(protocol) if not n.startswith("__") and n != "_is_protocol"}
    declared = set(getattr(protocol, "__annotations__", {}))
    return (own | declared) - {"_abc_impl", "_is_runtime_protocol"}


@pytest.mark.parametrize("cls", [ChatChatplex, ChatOpenAI, ChatAnthropic])
def test_every_member_the_collaborators_read_is_the_models(cls: type) -> None:
    members = _members(LangChainChat)
    assert {"chatplex_model", "_under_partner_name", "bind_tools", "model_copy"} <= members
    fields = set(cls.model_fields)  # type: ignore[attr-defined]
    missing = {n for n in members if n not in fields and not hasattr(cls, n)}
    assert missing == set()


def test_a_drop_in_class_names_its_partner_record() -> None:
    from chatplex.chat.partner_record import PartnerClass

    assert _members(EngineClass) == {"_record"}
    for cls in (ChatOpenAI, ChatAnthropic, ChatCohere):
        assert isinstance(cls._record, PartnerClass)  # type: ignore[attr-defined]
