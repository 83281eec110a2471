"""`DropInEngine`: the base of a drop-in's engine (its provider folder's `dropin.py`), a
`ChatModel` that also tells the drop-in layer (`chatplex.langchain`, which alone reads
these) about the LangChain class it stands in for: that class's `_llm_type`, serializer
namespace, fields, model profiles, package and `isinstance` target, and how that class's
validators settle the keywords given, names the model, looks its profile up, sets
`disable_streaming` and counts tokens. chatplex's own `ChatModel` has none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from .model import ChatModel
from .partner_record import PartnerClass

if TYPE_CHECKING:
    from ..messages import BaseMessage
    from .partner_form import PartnerFields

__all__ = ["DropInEngine"]


class _FactsRecord:
    """An engine's `PartnerClass` made from its `langchain_*` facts, for the engines that
    do not declare one yet (`partner_record = PartnerClass(...)` in the class body),
    made once per class on first read (a preset's facts are set after its class body)."""

    def __get__(self, model: object, cls: type[DropInEngine]) -> PartnerClass:
        made = cls.__dict__.get("_facts_record")
        if made is None:
            made = PartnerClass(
                llm_type=cls.langchain_llm_type,
                namespace=cls.langchain_namespace,
                lc_id_namespace=cls.langchain_lc_id_namespace,
                fields=cls.langchain_fields,
                profiles=cls.langchain_profiles,
                partner_class=cls.langchain_partner_class,
                package=cls.langchain_package,
                versions=cls.langchain_versions,
                async_through_sync=cls.langchain_async_through_sync,
                lifts_model_kwargs=cls.langchain_lifts_model_kwargs,
                combined_output=cls.langchain_combined_output,
            )
            cls._facts_record = made
        return made


class DropInEngine(ChatModel):
    """A drop-in's engine: chatplex's model with its partner's constructor, and the
    `langchain_*` facts of the partner's class (see the module doc). Each default is a
    class's with nothing of its own there."""

    #: The `_llm_type` of the LangChain class a drop-in stands in for (its LangChain chat
    #: model, `chatplex.langchain`, reports it; LangChain's cache keys include it), and
    #: that class's serializer namespace (None: LangChain does not serialize it).
    langchain_llm_type: ClassVar[str | None] = None
    langchain_namespace: ClassVar[tuple[str, ...] | None] = None
    #: The namespace that class's `lc_id()` names where it is not that module path (a
    #: class LangChain does not serialize that still answers its package's legacy
    #: `["langchain", "chat_models", ...]`); None: `langchain_namespace`.
    langchain_lc_id_namespace: ClassVar[tuple[str, ...] | None] = None
    #: How that class names and writes its fields when serialized (`dumpd`): None, the
    #: constructor's keywords as given.
    langchain_fields: ClassVar[PartnerFields | None] = None
    #: The model profiles its LangChain class reports (`chatplex/langchain/profiles/
    #: <name>.json`, the partner package's data); None: LangChain's class has none.
    langchain_profiles: ClassVar[str | None] = None
    #: The partner package of that class (its distribution: "langchain-openai"; unless
    #: given, named after the top module of the `langchain_partner_class` a class
    #: declares) and the packages the class names in a trace's `metadata["lc_versions"]`
    #: beside LangChain's own: None, its own package (as langchain-core asks every
    #: partner to); a class built on another package's names that one's too
    #: (langchain-xai's: langchain-openai and langchain-xai) or only that one
    #: (langchain-together's), or none (an empty tuple). The drop-in names them where
    #: the package is installed.
    langchain_package: ClassVar[str | None] = None
    langchain_versions: ClassVar[tuple[str, ...] | None] = None
    #: Where that class is defined, "module:Class" (its `__module__`, not the package
    #: that re-exports it): once that module is loaded, the drop-in's models pass
    #: `isinstance` checks of that class (`langchain/partner_class.py`). None: no class.
    langchain_partner_class: ClassVar[str | None] = None
    #: Whether that class has no async path of its own (LangChain runs its `_generate` /
    #: `_stream` in a thread for `ainvoke` / `astream`): a script's subclass overriding
    #: one changes the async calls too, as the drop-in's then do.
    langchain_async_through_sync: ClassVar[bool] = False
    #: Whether that class takes its own fields given inside `model_kwargs` as those
    #: fields, with langchain-core's warning (its `build_model_kwargs`), and where the
    #: warning points: the frames above the line that built the model (where the
    #: validator's fixed `stacklevel` lands). None: it does not; the engine reads
    #: `model_kwargs` (a setting inside it refused, naming it).
    langchain_lifts_model_kwargs: ClassVar[int | None] = None
    #: How that class's `generate()` combines its rows' `llm_output`, a
    #: `ProviderSpec.llm_output` style, whichever API a call went over (a class that
    #: speaks two APIs combines its rows one way); None: as the wire's provider name
    #: combines them.
    langchain_combined_output: ClassVar[str | None] = None
    #: Whether, where `with_structured_output`'s tool goes unforced (the model refuses a
    #: forced choice), a reply without its call raises `OutputParserException` (the
    #: partners' `_raise_if_no_tool_calls` step) rather than parsing to None, as a
    #: partner that adds that step only for some models leaves it.
    langchain_unforced_reply_raises: bool = True

    #: Its LangChain class, as data (read only by `chatplex.langchain`).
    partner_record: ClassVar[PartnerClass] = _FactsRecord()  # type: ignore[assignment]
    _facts_record: ClassVar[PartnerClass | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        where = vars(cls).get("langchain_partner_class")
        if where is not None and "langchain_package" not in vars(cls):
            cls.langchain_package = where.partition(".")[0].replace("_", "-")

    def langchain_bound_on(self, keywords: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """Where its LangChain class hands `bind_tools` and `with_structured_output` to a
        model of another class it builds from its fields (`keywords`: the constructor's,
        as held): that drop-in's name and keywords; None (the default): its own."""
        return None

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

    def langchain_model_name(self) -> str | None:
        """What its LangChain class holds as `model_name` (None where it holds none:
        an Azure deployment without `model`); default: the model."""
        return self.model

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        """As the wire answers `method` for the model its LangChain class names (none, for
        a deployment named without its model: no fallback, as there)."""
        from .structured import wire_method

        return self, wire_method(self, method, self.langchain_model_name())

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
