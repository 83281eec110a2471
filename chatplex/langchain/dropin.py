"""The drop-ins as LangChain chat models: `ChatOpenAI`, `ChatAnthropic`, ...
each a real `langchain_core` `BaseChatModel` with its partner package's constructor,
running on chatplex's engine.

They are reached as `chatplex.langchain.<Name>` alone (`chatplex/dropins.py`,
docs/decisions/001-two-families.md): LangChain's agents, LangGraph, middleware, callbacks, streaming
handlers, caches, serializers and `with_retry` meet LangChain's own class, and only the
call underneath is chatplex's.

>>> from chatplex.langchain import ChatOpenAI                         # doctest: +SKIP
>>> llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)              # doctest: +SKIP
>>> create_agent(llm, tools).invoke({"messages": [("user", "hi")]})   # doctest: +SKIP

Each class is made once, on first use, from what its module names
(`providers/<wire>/dropin.py`): the partner class's record (`PartnerClass`), whose
`build` makes its chatplex model from the constructor's keywords. The settings of
LangChain's `BaseChatModel` (`callbacks`, `tags`, `metadata`, `cache`, `rate_limiter`,
`name`, `disable_streaming`, `profile`, ...) and `streaming` stay LangChain's: LangChain
runs them. The model built is `model.chatplex_model`. Every class made here is a
`FieldStoreChatModel` (`field_store.py`): the partner's fields, declared on it from its
record, hold its settings, and its chatplex model is built from them.
"""

from __future__ import annotations

import functools
import inspect
from importlib import import_module
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.runnables import Runnable as LCRunnable

from ..chat.dropin import TAIL
from ..chat.model import ChatModel
from ..chat.partner_record import REQUIRED
from ..chat.partner_record import PartnerClass
from ..dropins import DROP_IN_MODULES
from .dropin_model import _NOT_GIVEN
from .dropin_model import DropInChatModel
from .dropin_settings import serializable as _serializable
from .field_store import FieldStoreChatModel
from .field_store import field_store_class
from .field_values import declared_fields
from .partner_class import class_view
from .sdk_clients import client_closer

__all__ = ["DropInChatModel", "langchain_class", "load_mappings", *sorted(DROP_IN_MODULES)]


def load_mappings() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Where LangChain's `load` / `loads` finds each drop-in: the partner class's id
    (what `dumpd` writes, of the drop-in as of the partner) -> chatplex's LangChain chat
    model of that name. Without them `loads` builds the partner package's class::

        loads(text, additional_import_mappings=load_mappings(),
              valid_namespaces=["chatplex"], allowed_objects="all")
    """
    mappings: dict[tuple[str, ...], tuple[str, ...]] = {}
    for name, module in DROP_IN_MODULES.items():
        record = getattr(import_module(module), name)
        namespace = record.namespace
        if namespace is not None and _serializable(record):
            mappings[(*namespace, name)] = (*__name__.split("."), name)
    return mappings


@functools.cache
def langchain_class(name: str) -> type[DropInChatModel]:
    """The LangChain chat model of the drop-in `name` (`ChatOpenAI`, ...): made once,
    from its record, with its constructor's signature and LangChain's own settings."""
    module = DROP_IN_MODULES.get(name)
    if module is None:
        raise AttributeError(f"chatplex has no drop-in named {name!r}")
    record: PartnerClass = getattr(import_module(module), name)
    doc = (
        f"LangChain's `{name}` as a LangChain chat model running on chatplex: the "
        f"constructor is the partner package's (see `{module}.{name}` for the parameters "
        "and the differences kept); LangChain's own settings (`callbacks`, `cache`, "
        "`rate_limiter`, `disable_streaming`, `profile`, ...) are LangChain's."
    )
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": name, "__doc__": doc}
    namespace.update(_record=record)
    # `isinstance(model, <the partner class>)` holds once the partner's module is loaded.
    namespace.update(class_view(record.partner_class))
    # The partner class's class-level helpers (a static `create_cache_point`...).
    for attribute, value in record.helpers:
        namespace.setdefault(attribute, value)
    for method, parameter, field in record.hooks.field_setters:
        namespace.setdefault(method, _field_setter(method, parameter, field))
    hands_over = record.hooks.bound_on is not None
    base = _BoundOnAnother if hands_over else FieldStoreChatModel
    # Its fields are the partner's, and hold its settings.
    form = record.fields
    lazy = () if form is None else form.clients
    for method, clients in () if form is None else form.closers.items():
        namespace.setdefault(method, client_closer(method, clients))
    annotations, fields = declared_fields(record.declared, lazy)
    namespace.update(fields, __annotations__=annotations)
    cls = field_store_class(name, namespace, base)
    cls.__signature__ = _record_signature(record)
    return cls


class _BoundOnAnother(FieldStoreChatModel):
    """A drop-in whose partner class binds tools and structured output on a model of
    another class it builds (`PartnerHooks.bound_on`), where it does."""

    def _bound_on(self) -> DropInChatModel | None:
        """The other class's model, built from the keywords this one's engine was built
        from (its fields not at their defaults, on the field store)."""
        given = self._engine_keywords()
        bound_on = self._record.hooks.bound_on
        other = None if bound_on is None else bound_on(self.chatplex_model, given)
        return None if other is None else langchain_class(other[0])(**other[1])

    def _handed_tools(
        self, tools: Any, choice: Any, kwargs: dict[str, Any]
    ) -> LCRunnable[LanguageModelInput, LCAIMessage] | None:
        """Tools bound on the other class's model, where the partner hands them over
        (None: bound here). A choice of True or False is read first, as it reads it."""
        other = self._bound_on()
        if other is None:
            return None
        if isinstance(choice, bool) or choice is _NOT_GIVEN:
            choice = "any" if choice is True else None
        return other.bind_tools(tools, tool_choice=choice, **kwargs)

    def with_structured_output(self, schema: Any = None, **kwargs: Any) -> Any:
        other = self._bound_on()
        if other is None:
            return super().with_structured_output(schema, **kwargs)
        return other.with_structured_output(schema, **kwargs)


def _field_setter(name: str, parameter: str, field: str) -> Any:
    """The partner's method `name(parameter)`, which assigns its field `field` (the
    engine is then rebuilt from it, as for any assignment of a field)."""
    arguments = [
        inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in ("self", parameter)
    ]
    signature = inspect.Signature(arguments, return_annotation=None)

    def setter(*args: Any, **kwargs: Any) -> None:
        given = signature.bind(*args, **kwargs).arguments  # (a wrong call: its TypeError)
        setattr(given["self"], field, given[parameter])

    setter.__name__ = setter.__qualname__ = name
    setter.__signature__ = signature  # type: ignore[attr-defined]
    setter.__doc__ = f"The partner's `{name}`: sets its field `{field}`."
    return setter


def _record_signature(record: PartnerClass) -> inspect.Signature:
    """A record's constructor: the partner's fields (keyword-only, in its order, with
    their defaults), chatplex's own settings every drop-in takes (`chat.dropin.TAIL`:
    `ChatModel`'s, and LangChain's run settings), LangChain's own, then `**api_params`."""
    keyword, handed = inspect.Parameter.KEYWORD_ONLY, inspect.signature(ChatModel).parameters
    named = [
        inspect.Parameter(f.name, keyword, annotation=f.annotation)
        if f.default is REQUIRED
        else inspect.Parameter(f.name, keyword, default=f.default_value(), annotation=f.annotation)
        for f in record.declared
    ]
    taken = {p.name for p in named}
    tail = [handed.get(n) or inspect.Parameter(n, keyword, default=None) for n in TAIL]
    named += [p.replace(kind=keyword) for p in tail if p.name not in taken]
    rest = inspect.Parameter("api_params", inspect.Parameter.VAR_KEYWORD, annotation="Any")
    return _signature_of([*named, rest])


def _signature_of(params: list[inspect.Parameter]) -> inspect.Signature:
    """`params`, then LangChain's own settings (those not among them), then the
    `**api_params` among them."""
    tail = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
    named = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    taken = {p.name for p in named}
    own = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=f.get_default())
        for n, f in BaseChatModel.model_fields.items()
        if n not in taken
    ]
    if "streaming" not in taken:
        own.append(inspect.Parameter("streaming", inspect.Parameter.KEYWORD_ONLY, default=False))
    return inspect.Signature([*named, *own, *tail])


def __getattr__(name: str) -> type[DropInChatModel]:
    if name in DROP_IN_MODULES:
        return langchain_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
