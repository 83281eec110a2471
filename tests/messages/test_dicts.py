"""Tests of chatplex/messages/_dicts.py: LangChain's dict shape for messages."""

from __future__ import annotations


def test_a_langchain_message_is_written_as_langchain_writes_it() -> None:
    # The drop-ins return LangChain's messages: messages_to_dict raised AttributeError
    # ('_field_order') on them; the dict is LangChain's own and reads back.
    from langchain_core.messages import AIMessage as LCAIMessage
    from langchain_core.messages import messages_to_dict as lc_messages_to_dict

    from chatplex.messages import messages_from_dict
    from chatplex.messages import messages_to_dict

    reply = LCAIMessage(content="hi", id="r1", response_metadata={"model_name": "m"})
    assert messages_to_dict([reply]) == lc_messages_to_dict([reply])
    (back,) = messages_from_dict(messages_to_dict([reply]))
    assert (back.type, back.content, back.id) == ("ai", "hi", "r1")
