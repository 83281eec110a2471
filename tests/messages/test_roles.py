"""Tests of chatplex/messages/_roles.py: a message from a role and its fields, held to
what LangChain's `convert_to_messages` makes of the same role dict."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.messages import messages_to_dict
from chatplex.messages._roles import from_role
from chatplex.messages._roles import unpacked_envelope

lc = pytest.importorskip("langchain_core.messages")

#: (role, content, fields): a role dict's parts.
ROLE_DICTS: list[tuple[str, Any, dict[str, Any]]] = [
    ("user", "hi", {}),
    ("human", "hi", {"name": "ana", "id": "m1", "foo": 1}),
    ("developer", "be brief", {}),
    ("system", "s", {"additional_kwargs": {"k": 1}, "bar": [2]}),
    ("assistant", "r", {"response_metadata": {"finish_reason": "stop"}, "id": "a1"}),
    ("ai", "", {"tool_calls": [{"name": "g", "args": {"x": 1}, "id": "c2"}]}),
    ("assistant", "", {"tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{}"}}]}),
    ("tool", "42", {"tool_call_id": "c1", "artifact": [1], "status": "error"}),
    ("tool", "42", {"tool_call_id": "c1", "name": "f"}),
]  # fmt: skip


@pytest.mark.parametrize(("role", "content", "fields"), ROLE_DICTS, ids=lambda v: repr(v)[:24])
def test_a_message_from_a_role_is_langchains(
    role: str, content: Any, fields: dict[str, Any]
) -> None:
    ours = from_role(role, content, **fields)
    [theirs] = lc.convert_to_messages([{"role": role, "content": content, **fields}])
    assert messages_to_dict([ours]) == lc.messages_to_dict([theirs])


def test_a_role_langchain_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="unexpected message type 'bot'"):
        from_role("bot", "hi")
    with pytest.raises(ValueError, match="tool_call_id"):
        from_role("tool", "42")


def test_an_envelope_is_read_as_the_role_dict_it_stands_for() -> None:
    envelope = {
        "lc": 1,
        "type": "constructor",
        "id": ["langchain", "schema", "messages", "ToolMessage"],
        "kwargs": {"content": "42", "tool_call_id": "c1"},
    }
    assert unpacked_envelope(envelope) == {"type": "tool", "content": "42", "tool_call_id": "c1"}
    unknown = {**envelope, "id": ["langchain", "schema", "messages", "FunctionMessage"]}
    plain = {"role": "user", "content": "hi"}
    assert unpacked_envelope(unknown) is unknown and unpacked_envelope(plain) is plain
