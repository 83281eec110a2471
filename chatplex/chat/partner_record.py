"""The LangChain partner class a drop-in stands in for, as one typed record: the facts
its LangChain class reports (`_llm_type`, namespaces, packages, profiles) and its pydantic
fields as the partner declares them. Only `chatplex.langchain` reads a record; a drop-in's
engine names its own (`DropInEngine.partner_record`; decision 013).

>>> base = PartnerField("openai_api_base", str | None, alias="base_url", env=("OPENAI_API_BASE",))
>>> base.spellings, PartnerField("model_kwargs", factory=dict).default_value()
(('openai_api_base', 'base_url'), {})
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import Final

if TYPE_CHECKING:
    from .partner_form import PartnerFields

__all__ = ["REQUIRED", "PartnerClass", "PartnerField"]


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a field the partner's constructor requires (pydantic's no default).
REQUIRED: Final[Any] = _Required()


@dataclass(frozen=True, slots=True)
class PartnerField:
    """One of a partner class's own pydantic fields (not `BaseChatModel`'s), declared as
    the partner declares it: name, annotation, default, alias, environment variables."""

    name: str
    #: Its annotation as the partner writes it, a real type (`SecretStr | None`); `Any`
    #: where the partner's is.
    annotation: Any = Any
    #: Its default (`REQUIRED`: none), or a factory making a fresh one (`dict`).
    default: Any = None
    factory: Callable[[], Any] | None = None
    #: The constructor's other spelling of it (`api_key` for `openai_api_key`).
    alias: str | None = None
    #: The variables it is read from where not given, the first one set winning.
    env: tuple[str, ...] = ()
    #: Whether `model_dump` leaves it out (`Field(exclude=True)`: SDK clients).
    excluded: bool = False

    @property
    def spellings(self) -> tuple[str, ...]:
        """The keywords the constructor takes it by: its name, then its alias."""
        return (self.name,) if self.alias is None else (self.name, self.alias)

    def default_value(self) -> Any:
        """Its default where nothing is given and no variable is set."""
        return self.factory() if self.factory is not None else self.default


@dataclass(frozen=True, slots=True)
class PartnerClass:
    """The LangChain partner class a drop-in stands in for, as data: what its LangChain
    chat model (`chatplex.langchain`, which alone reads this) reports and does as that
    class. A drop-in's engine names its record (`DropInEngine.partner_record`).

    >>> PartnerClass("x", partner_class="langchain_x.chat_models:ChatX").distribution
    'langchain-x'
    """

    #: Its `_llm_type` (LangChain's cache keys include it).
    llm_type: str | None = None
    #: Its serializer namespace (None: LangChain does not serialize it), and the one its
    #: `lc_id()` names where that is not this (a class LangChain does not serialize that
    #: still answers its package's legacy `["langchain", "chat_models", ...]`).
    namespace: tuple[str, ...] | None = None
    lc_id_namespace: tuple[str, ...] | None = None
    #: How it names and writes its fields (None: the constructor's keywords as given).
    fields: PartnerFields | None = None
    #: Its own pydantic fields: its LangChain class's, their only store of its settings
    #: (`chatplex/langchain/field_store.py`; decision 013).
    declared: tuple[PartnerField, ...] = ()
    #: Its model profiles (`chatplex/langchain/profiles/<name>.json`); None: it has none.
    profiles: str | None = None
    #: Where it is defined, "module:Class" (its `__module__`): once that module is loaded
    #: the drop-in's models pass `isinstance` checks of it. None: no class.
    partner_class: str | None = None
    #: Its distribution (None: named after `partner_class`'s top module) and the packages
    #: it names in a trace's `metadata["lc_versions"]` (None: its own; `()`: none).
    package: str | None = None
    versions: tuple[str, ...] | None = None
    #: Whether it has no async path of its own (LangChain runs `_generate` / `_stream` in
    #: a thread for `ainvoke` / `astream`).
    async_through_sync: bool = False
    #: Whether it takes its own fields given inside `model_kwargs` as those fields, with
    #: langchain-core's warning, and the frames above the building line that warning
    #: points at; None: it does not.
    lifts_model_kwargs: int | None = None
    #: How its `generate()` combines its rows' `llm_output` (a `ProviderSpec.llm_output`
    #: style); None: as the wire's provider name combines them.
    combined_output: str | None = None

    @property
    def id_namespace(self) -> tuple[str, ...] | None:
        """The namespace its `lc_id()` names: `lc_id_namespace`, else `namespace`."""
        return self.lc_id_namespace or self.namespace

    @property
    def distribution(self) -> str | None:
        """`package`, else the distribution `partner_class`'s top module is named after."""
        if self.package is not None or self.partner_class is None:
            return self.package
        return self.partner_class.partition(".")[0].replace("_", "-")
