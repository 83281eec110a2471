"""A partner class's record: its fields' spellings and defaults, and the namespace and
distribution it names."""

from __future__ import annotations

from typing import Any

from chatplex.chat.partner_record import REQUIRED
from chatplex.chat.partner_record import MessagesCount
from chatplex.chat.partner_record import PartnerClass
from chatplex.chat.partner_record import PartnerField
from chatplex.chat.partner_record import PartnerHooks
from chatplex.chat.partner_record import keywordless


def test_a_field_is_taken_by_its_name_then_its_alias() -> None:
    assert PartnerField("model_name", str, "m", alias="model").spellings == ("model_name", "model")
    assert PartnerField("temperature").spellings == ("temperature",)


def test_a_factory_default_is_fresh_each_time() -> None:
    kwargs = PartnerField("model_kwargs", factory=dict)
    first = kwargs.default_value()
    first["x"] = 1
    assert kwargs.default_value() == {}
    assert PartnerField("model", str, REQUIRED).default_value() is REQUIRED
    assert repr(REQUIRED) == "REQUIRED"


def test_the_namespace_and_distribution_it_names() -> None:
    record = PartnerClass(
        namespace=("langchain", "chat_models", "x"),
        lc_id_namespace=("langchain_x", "chat_models"),
        partner_class="langchain_x.chat_models:ChatX",
    )
    assert record.id_namespace == ("langchain_x", "chat_models")
    assert record.distribution == "langchain-x"
    assert PartnerClass(namespace=("a",), package="pkg").id_namespace == ("a",)
    assert PartnerClass(package="pkg", partner_class="a.b:C").distribution == "pkg"
    assert PartnerClass().distribution is None


def test_a_messages_count_counts_every_model_unless_it_says_which() -> None:
    model: Any = object()
    every = MessagesCount(lambda model, messages, tools, keywords: len(messages))
    assert every.counts(model) and not every.coerced
    assert every.count(model, [object(), object()], None, {}) == 2
    assert not MessagesCount(every.count, lambda model: False).counts(model)
    assert PartnerHooks().messages_count is None  # langchain-core's count


def test_a_keywordless_count_leaves_any_keyword_to_langchain_cores_count() -> None:
    asked: list[tuple[Any, ...]] = []

    def count(model: Any, messages: list[Any], tools: Any) -> int:
        asked.append((model, messages, tools))
        return len(messages) + len(tools or ())

    counted = keywordless(count)
    said: list[Any] = ["hi", "there"]
    assert counted("m", said, ["tool"], {}) == 3
    assert counted("m", said, None, {"colour": "red"}) is None
    assert asked == [("m", said, ["tool"])]  # not asked where a keyword was given


class _Piece:
    """A stream's piece as a teller reads it: its text and generation_info."""

    def __init__(self, text: str, generation_info: dict[str, Any] | None = None) -> None:
        self.text = text
        self.generation_info = generation_info


def test_a_piece_is_told_as_its_text_and_itself_with_its_logprobs_where_asked() -> None:
    from chatplex.chat.partner_record import StreamTokens
    from chatplex.chat.partner_record import told_as_text
    from chatplex.chat.partner_record import told_with_logprobs

    plain, scored = _Piece("hi"), _Piece("yo", {"logprobs": {"content": []}})
    assert told_as_text(lambda name: None, None, plain) == ("hi", {"chunk": plain})  # type: ignore[arg-type]
    assert told_with_logprobs(lambda name: None, None, plain) == (  # type: ignore[arg-type]
        "hi",
        {"chunk": plain, "logprobs": None},
    )
    told = told_with_logprobs(lambda name: None, None, scored)  # type: ignore[arg-type]
    assert told == ("yo", {"chunk": scored, "logprobs": {"content": []}})
    assert StreamTokens() == StreamTokens(told_as_text, frozenset())
    assert PartnerHooks().stream_tokens is None  # (a class tells none by default)
