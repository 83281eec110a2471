"""TypedDict classes as tools and schemas, read as in LangChain
(`convert_to_openai_tool`): ``Annotated[type, default, "description"]`` (``...`` as the
default: required), or a plain type (required); an ``Args:`` section of the class
docstring describes fields too. A ``NotRequired[...]`` key is optional (LangChain's
conversion refuses the qualifier, and the drop-ins refuse it with it). A TypedDict
becomes a pydantic model with those fields (`typeddict_model`), whose schema
`typeddict_generator` writes as LangChain does.

pydantic is imported inside the functions: ``import chatplex`` stays cheap.

>>> from typing import TypedDict
>>> class Point(TypedDict):
...     x: int
>>> is_typeddict(Point), is_typeddict(dict)
(True, False)
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from .docstrings import doc_summary
from .docstrings import param_docs
from .pydantic_schema import quiet_generator
from .request_types import ToolDefinitionError

if TYPE_CHECKING:
    from pydantic import BaseModel
    from pydantic.json_schema import GenerateJsonSchema

__all__ = ["is_typeddict", "typeddict_generator", "typeddict_model"]


def is_typeddict(cls: object) -> bool:
    """Whether `cls` is a TypedDict class (typing's or typing_extensions')."""
    return (
        isinstance(cls, type)
        and issubclass(cls, dict)
        and isinstance(cls.__dict__.get("__annotations__"), dict)
        and hasattr(cls, "__total__")
    )


def typeddict_model(cls: type) -> type[BaseModel]:
    """A pydantic model with `cls`'s fields as LangChain reads them (module doc):
    descriptions from ``Annotated[type, default, "description"]`` and the docstring's
    ``Args:``, defaults from ``Annotated``, nested TypedDicts converted too."""
    return _typeddict_model(cls, {}, 0)


def _typeddict_model(cls: type, seen: dict[type, Any], depth: int) -> type[BaseModel]:
    from typing import Annotated
    from typing import get_args
    from typing import get_origin
    from typing import get_type_hints

    from pydantic import Field
    from pydantic import create_model

    if cls in seen:
        return cast("type[BaseModel]", seen[cls])
    doc = inspect.cleandoc(cls.__doc__ or "")
    arg_docs = param_docs(doc)
    try:
        hints = get_type_hints(cls, include_extras=True)
    except Exception:  # an unresolvable forward reference: the raw annotations
        hints = dict(cls.__annotations__)
    fields: dict[str, Any] = {}
    for name, hint in hints.items():
        # A key the dict may leave out is optional in the schema (a None default, which
        # `typeddict_generator` does not write).
        hint, required = _required(hint)
        extra: dict[str, Any] = {"default": ...}
        if get_origin(hint) is Annotated:
            hint, *meta = get_args(hint)
            extra = dict(zip(("default", "description"), meta, strict=False))
            if "description" in extra and not isinstance(extra["description"], str):
                raise ToolDefinitionError(
                    f"TypedDict {cls.__name__}: field {name!r}: the third argument of "
                    f"Annotated must be a description (str), got {extra['description']!r:.80}"
                )
        if name in arg_docs:
            extra["description"] = arg_docs[name]
        if not required and extra.get("default", ...) is ...:
            extra["default"] = None
        fields[name] = (_typeddicts_inside(hint, seen, depth + 1), Field(**extra))
    model: type[BaseModel] = create_model(cls.__name__, __doc__=doc_summary(doc) or None, **fields)
    seen[cls] = model
    return model


def _required(hint: Any) -> tuple[Any, bool]:
    """`hint` without its `Required` / `NotRequired` qualifier, and whether the key must be
    present. An unmarked key is required whatever the class's `total` says, as LangChain's
    conversion reads it (the drop-ins send what their partners send)."""
    import typing

    origin = getattr(hint, "__origin__", None)
    if origin is typing.NotRequired:
        return hint.__args__[0], False
    return (hint.__args__[0] if origin is typing.Required else hint), True


def _typeddicts_inside(hint: Any, seen: dict[type, Any], depth: int) -> Any:
    """`hint` with every TypedDict in it (`list[Inner]`, `Inner | None`) made a model."""
    from typing import get_args
    from typing import get_origin

    if depth > 25:  # LangChain's bound on nesting
        return hint
    if is_typeddict(hint):
        return _typeddict_model(hint, seen, depth)
    origin, args = get_origin(hint), get_args(hint)
    if origin is None or not args:
        return hint
    converted = tuple(_typeddicts_inside(a, seen, depth + 1) for a in args)
    if converted == args:
        return hint
    import types
    import typing

    if origin is types.UnionType or origin is typing.Union:
        return typing.Union[converted]  # noqa: UP007 - a runtime union of converted args
    try:
        return hint.copy_with(converted)
    except AttributeError:
        return origin[converted]


@cache
def typeddict_generator() -> type[GenerateJsonSchema]:
    """Schemas as LangChain's TypedDict conversion writes them (it goes through pydantic
    v1): `Optional[X]` as X, and a `None` default left out."""
    from pydantic_core import core_schema

    class TypedDictSchema(quiet_generator()):  # type: ignore[misc]
        def nullable_schema(self, schema: core_schema.NullableSchema) -> Any:
            return self.generate_inner(schema["schema"])

        def default_schema(self, schema: core_schema.WithDefaultSchema) -> Any:
            if schema.get("default", ...) is None:
                return self.generate_inner(schema["schema"])
            return super().default_schema(schema)

    return TypedDictSchema
