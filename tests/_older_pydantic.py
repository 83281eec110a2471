"""A stand-in for a LangChain class under pydantic 2.10 or 2.11, whose `isinstance` asks
an object's `__class__` only when the object has one of pydantic's model attributes
(`mark`): what chatplex's stand-ins for LangChain's models (messages, prompt values) must
pass there too (`chatplex.messages.answer_older_pydantic`)."""

from __future__ import annotations

import abc
from typing import Any

import pytest

from chatplex.messages import PydanticMarks

#: The attribute each older pydantic's `isinstance` looks for: 2.10's, then 2.11's.
MARKS = ("__pydantic_validator__", "__pydantic_decorators__")


def older_model_class(mark: str) -> type:
    """A class whose metaclass answers `isinstance` as that pydantic's `ModelMetaclass`."""

    class OlderModelMetaclass(abc.ABCMeta):
        def __instancecheck__(cls, instance: Any) -> bool:
            return hasattr(instance, mark) and super().__instancecheck__(instance)

    class Theirs(metaclass=OlderModelMetaclass):
        pass

    return Theirs


def without_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The marks off chatplex's stand-ins until the test ends (as they were, after)."""
    for name in MARKS:
        monkeypatch.setattr(PydanticMarks, name, None, raising=False)
        monkeypatch.delattr(PydanticMarks, name)
