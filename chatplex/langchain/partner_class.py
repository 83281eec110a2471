"""A drop-in seen as its partner class: `isinstance(llm, langchain_anthropic.ChatAnthropic)`
holds for `chatplex.langchain.ChatAnthropic(...)`, as for the partner's own model.

LangChain's code picks a partner's behaviour by class: langchain-anthropic's prompt-caching
middleware marks the request only for a `ChatAnthropic`, `create_agent` binds tools
`strict` beside a provider strategy only for a langchain-openai `BaseChatOpenAI`. The
drop-ins are `BaseChatModel`s of their own, not subclasses of the partner's (that would
import every partner package), and pydantic ignores `ABCMeta.register` in `isinstance`.
But `isinstance` also consults an object's `__class__` where its real type fails: so,
once the partner's defining module is in `sys.modules` (never imported here), a drop-in's
`__class__` is a class made once per (drop-in class, partner class), `Seen`, subclassing
both, the drop-in first. Everything read through `obj.__class__` (pydantic's fields,
validator, setattr handlers, LangChain's class name and module) is the drop-in's;
`issubclass(Seen, partner)` holds. Calling `Seen` builds the drop-in (LangChain's
configurable fields rebuild a model as `model.__class__(**fields)`). `type(obj)` stays the
drop-in class, so chatplex's own code is unchanged; without the partner module loaded,
`__class__` is `type(obj)`. The same view chatplex's messages give LangChain's messages
(`messages/_border.py`).

The class is made by `ABCMeta.__new__`, not pydantic's metaclass: pydantic would build
a model (fields, validator, schema) from both bases; `Seen` needs none of it of its own.

Pickle checks `obj.__class__` against the class it rebuilds, so a drop-in is pickled by
`rebuilt` with its real class and its state (`reduce_to_real_class`).
"""

from __future__ import annotations

import copyreg
import sys
import threading
import warnings
from abc import ABCMeta
from collections.abc import Callable
from typing import Any
from typing import TypeVar

# pydantic's model metaclass (not exported): a seen class's metaclass must derive from
# its bases' metaclass, which is this one for every pydantic model.
from pydantic._internal._model_construction import ModelMetaclass

__all__ = ["class_view", "reduce_to_real_class", "rebuilt", "seen_class"]

_T = TypeVar("_T")


class _SeenMeta(ModelMetaclass):
    """The metaclass of a seen class: calling one builds its drop-in."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.__dict__["__dropin__"](*args, **kwargs)


#: (drop-in class, partner class) -> its seen class (the drop-in class itself where one
#: cannot be made).
_SEEN: dict[tuple[type, object], type] = {}
_MAKING = threading.RLock()


def seen_class(dropin: type, partner: type) -> type:
    """The class `dropin`'s models report as their `__class__` while `partner` is loaded:
    a subclass of both, `dropin` first (made once)."""
    with _MAKING:  # (one class per pair, whichever thread asks first)
        seen = _SEEN.get((dropin, partner))
        if seen is None:
            seen = _SEEN[(dropin, partner)] = _made(dropin, partner)
        return seen


def _made(dropin: type, partner: type) -> type:
    if issubclass(dropin, partner):
        return dropin
    namespace = {
        **_looked_up_as(dropin, partner),
        "__module__": dropin.__module__,
        "__qualname__": dropin.__qualname__,
        "__doc__": dropin.__doc__,
        "__dropin__": dropin,
    }
    try:
        with warnings.catch_warnings():
            # (A deprecated partner class warns on being subclassed, langchain-google-
            # vertexai's: the script subclassed nothing.)
            warnings.simplefilter("ignore", DeprecationWarning)
            return ABCMeta.__new__(_SeenMeta, dropin.__name__, (dropin, partner), namespace)
    except TypeError as err:
        # (A partner release whose bases cannot be merged with the drop-in's: its
        # class checks skip the drop-in again, as before this view; `isinstance` must
        # never raise.)
        warnings.warn(
            f"{dropin.__name__} cannot be seen as {partner.__module__}.{partner.__name__}"
            f" ({err}): checks of that class skip it",
            RuntimeWarning,
            stacklevel=5,  # (the code whose isinstance read `__class__`)
        )
        return dropin


#: What each class makes its own (type.__new__, ABCMeta.__new__): never copied.
_MADE_PER_CLASS = frozenset(
    {"__dict__", "__weakref__", "__slots__", "__abstractmethods__", "_abc_impl"}
)


class _Absent:
    """A name the partner's classes define and the drop-in's do not (one of its pydantic
    fields, `model`, where langchain-openai has a property): absent on the seen class
    too, so that pydantic, reading `getattr(obj.__class__, name, None)`, sees a field."""

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        raise AttributeError


_ABSENT = _Absent()


def _looked_up_as(dropin: type, partner: type) -> dict[str, Any]:
    """Every name the partner's own classes define, as the drop-in's classes define it
    (absent where they do not): the seen class's members, so that each attribute
    read on it is the drop-in class's, the partner's classes being only in its MRO."""
    ours = dropin.__mro__
    names = {n for c in partner.__mro__ if c not in ours for n in vars(c)} - _MADE_PER_CLASS
    members: dict[str, Any] = {}
    for name in names:
        members[name] = next((vars(c)[name] for c in ours if name in vars(c)), _ABSENT)
    return members


def class_view(partner: str | None) -> dict[str, Any]:
    """The members giving a drop-in class the partner class's view: its `__class__`,
    where `partner` ("module:Class", where the class is defined) is loaded, and the
    pickling that goes with it. None: no partner class, no members."""
    if partner is None:
        return {}
    module_name, _, class_name = partner.partition(":")
    modules = sys.modules

    def seen_as(self: object) -> type:
        cls = type(self)
        module = modules.get(module_name)
        if module is None:
            return cls
        # (Its dict, not getattr: a module's lazy `__getattr__` could import.)
        theirs = module.__dict__.get(class_name)
        seen = _SEEN.get((cls, theirs))
        if seen is not None:
            return seen
        if not isinstance(theirs, ModelMetaclass):
            return cls  # not defined yet (the module is loading), or not a model
        return seen_class(cls, theirs)

    return {"__class__": property(seen_as), "__reduce_ex__": reduce_to_real_class}


def reduce_to_real_class(
    self: Any, protocol: object
) -> tuple[Callable[[type[_T], Any], _T], tuple[type, Any]]:
    """Pickle's reduction of a drop-in: its real class and its state (pydantic's
    default names `obj.__class__`, which pickle refuses to rebuild as another class)."""
    return rebuilt, (type(self), self.__getstate__())


def rebuilt(cls: type[_T], state: Any) -> _T:
    """A model of `cls` from its pickled `state`."""
    model = cls.__new__(cls)
    model.__setstate__(state)  # type: ignore[attr-defined]
    return model


def _reduce_seen(seen: _SeenMeta) -> tuple[Callable[[Any], Any], tuple[type]]:
    # A seen class pickles as its drop-in class, which stands for it.
    return _same, (seen.__dict__["__dropin__"],)


def _same(cls: Any) -> Any:
    return cls


copyreg.pickle(_SeenMeta, _reduce_seen)
