"""`DropInEngine`: the base of a drop-in's engine (its provider folder's `dropin.py`), a
`ChatModel` that also tells the drop-in layer (`chatplex.langchain`, which alone reads
these) about the LangChain class it stands in for: its record (`partner_record`: that
class's `_llm_type`, namespaces, fields, profiles, package and `isinstance` target), and
how that class's validators settle the keywords given, names the model, looks its
profile up, sets `disable_streaming` and counts tokens. chatplex's own `ChatModel` has
none of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from .model import ChatModel
from .partner_record import PartnerClass

if TYPE_CHECKING:
    from ..messages import BaseMessage

__all__ = ["DropInEngine", "as_held", "settled_as_held"]

#: Whether the engine being built takes its keywords as its LangChain class holds its
#: fields (`as_held`).
_AS_HELD: ContextVar[bool] = ContextVar("chatplex_as_held", default=False)


@contextlib.contextmanager
def as_held() -> Iterator[None]:
    """Within: an engine is built from its LangChain class's fields as that class holds
    them, its validators' rules applied where they ran (at construction:
    `langchain_settings`) and nowhere else (an assignment, a copy: they do not run)."""
    token = _AS_HELD.set(True)
    try:
        yield
    finally:
        _AS_HELD.reset(token)


def settled_as_held() -> bool:
    """Whether the engine being built applies no rule of its LangChain class's
    validators to its keywords (`as_held`): they come as that class holds them."""
    return _AS_HELD.get()


class DropInEngine(ChatModel):
    """A drop-in's engine: chatplex's model with its partner's constructor, its partner
    class's record, and the `langchain_*` hooks of that class (see the module doc). Each
    default is a class's with nothing of its own there."""

    #: Its LangChain class, as data (read only by `chatplex.langchain`): its module's
    #: record (`providers/<wire>/dropin_record.py`). Default: no partner class.
    partner_record: ClassVar[PartnerClass] = PartnerClass()

    def langchain_unforced_reply_raises(self) -> bool:
        """Whether, where `with_structured_output`'s tool goes unforced (the model refuses
        a forced choice), a reply without its call raises `OutputParserException` (the
        partners' `_raise_if_no_tool_calls` step) rather than parsing to None, as a
        partner that adds that step only for some models leaves it."""
        return True

    def _keeps_bound_tool_lists(self) -> bool:
        return self.partner_record.partner_class is not None

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """The constructor's keywords as its LangChain class's validators leave them
        before its fields are set (langchain-openai's temperature rule): what the drop-in
        builds this model from and reads the partner's fields back from. Default: as
        given."""
        return settings

    @classmethod
    def langchain_rebuilt_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        """The keywords a copy LangChain builds of a model (`configurable_fields`) is
        rebuilt from: it hands its LangChain class every field, so a validator reading
        whether one was given sees them all (langchain-openai's temperature rule).
        Default: as given."""
        return settings

    def langchain_call_engine(self, keywords: Mapping[str, Any]) -> ChatModel:
        """The engine a call with `keywords` (as given, a per-call `model` among them)
        runs on, where its LangChain class reads one of them as replacing a setting of
        the constructor's (langchain-openai's `extra_body`); default: itself."""
        return self

    def langchain_profile_names(self) -> tuple[str, ...]:
        """The names its LangChain class looks the model's profile up by, in order."""
        return (self.model,)

    def langchain_profile(self, profile: dict[str, Any]) -> dict[str, Any] | None:
        """The profile as its LangChain class adjusts it to this model's settings
        (`profile` is empty where its data has none for the model; None: no profile)."""
        return profile or None

    def langchain_disable_streaming(self, given: bool | str | None) -> bool | str | None:
        """Its LangChain class's `disable_streaming` (`given`: the value passed, None
        where none was): that value, or the one the class sets for the model where it
        has per-model defaults; None leaves LangChain's default."""
        return given

    # Token counts as its LangChain class counts them. The LangChain chat model asks
    # these first; None (the default) leaves the count to langchain-core's own code.

    def langchain_token_ids(self, text: str) -> list[int] | None:
        """`text`'s token ids as its LangChain class gives them (`get_token_ids`, a
        tokenizer of its own: langchain-openai's tiktoken); None: langchain-core's."""
        return None

    def langchain_num_tokens(self, text: str) -> int | None:
        """The tokens in `text` as its LangChain class counts them where that class asks
        its provider (`get_num_tokens`); None: langchain-core's (the token ids'
        length)."""
        return None

    def langchain_counts_messages(self) -> bool:
        """Whether its LangChain class counts a list of messages its own way
        (`get_num_tokens_from_messages`): only then are the messages converted and
        `langchain_num_tokens_from_messages` asked. False: langchain-core's count, one
        `get_num_tokens` per message, of LangChain's messages as given (it counts kinds
        no API takes)."""
        return False

    #: Whether its LangChain class counts any input LangChain coerces to messages
    #: (`("human", "hi")`, a string, a dict) as those messages, where
    #: `langchain_counts_messages()` (langchain-aws' Converse class); False: a
    #: list of LangChain's messages alone (anything else a TypeError).
    langchain_counts_coerced: ClassVar[bool] = False

    def langchain_num_tokens_from_messages(
        self, messages: list[BaseMessage], tools: Sequence[Any] | None, keywords: dict[str, Any]
    ) -> int | None:
        """The tokens in `messages` (and `tools`) as its LangChain class counts them, asked
        where `langchain_counts_messages()`; `keywords`: those the caller gave (its
        partner's SDK options, `allow_fetching_images`...). None: langchain-core's count
        after all (a model or keyword its partner leaves to it; langchain-core refuses
        any keyword)."""
        return None
