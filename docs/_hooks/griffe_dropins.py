"""A griffe extension for the API reference: drop-in classes that reading the source
(griffe's static analysis) does not find, added from the classes themselves (their
docstring and `inspect.signature`):
- each name built from its partner's record (decision 013;
  the presets declared only as data, `ChatSambaNova`, `ChatNebius`..., are found by
  their module's `__getattr__`), as `chatplex.langchain` makes it, documented by its
  record's module (up to its doctest, which the reference does not run)."""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import griffe

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: griffe.ParameterKind.positional_only,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: griffe.ParameterKind.positional_or_keyword,
    inspect.Parameter.VAR_POSITIONAL: griffe.ParameterKind.var_positional,
    inspect.Parameter.KEYWORD_ONLY: griffe.ParameterKind.keyword_only,
    inspect.Parameter.VAR_KEYWORD: griffe.ParameterKind.var_keyword,
}


def _annotation(value: Any) -> str | None:
    if value is inspect.Parameter.empty:
        return None
    return value if isinstance(value, str) else inspect.formatannotation(value)


def _init(cls: type, parent: griffe.Class) -> griffe.Function:
    signature = inspect.signature(cls)
    parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
    for parameter in signature.parameters.values():
        default = parameter.default
        parameters.append(
            griffe.Parameter(
                parameter.name,
                annotation=_annotation(parameter.annotation),
                kind=_KINDS[parameter.kind],
                default=None if default is inspect.Parameter.empty else repr(default),
            )
        )
    return griffe.Function(
        "__init__", parameters=griffe.Parameters(*parameters), returns="None", parent=parent
    )


def _from_record(name: str, home: str, family: griffe.Module) -> griffe.Class:
    """`chatplex.langchain.<name>`, made from its record: the class's constructor, and
    its record module's docstring (the constructor's parameters and the differences
    kept) without the doctest at its end."""
    cls = getattr(importlib.import_module("chatplex.langchain"), name)
    text = (inspect.getdoc(importlib.import_module(home)) or "").split("\n>>>")[0]
    parser = family.docstring.parser if family.docstring else None
    made = griffe.Class(
        name,
        parent=family,
        docstring=griffe.Docstring(text.strip(), parser=parser),
        bases=[base.__name__ for base in cls.__bases__],
    )
    made.docstring.parent = made
    made.set_member("__init__", _init(cls, made))
    return made


class RunTimeDropIns(griffe.Extension):
    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        if pkg.name != "chatplex":
            return
        runtime = importlib.import_module("chatplex.dropins")
        family = pkg.members["langchain"]
        for name, home in runtime.DROP_IN_MODULES.items():
            member = family.members.get(name)
            if member is None:
                family.set_member(name, _from_record(name, home, family))
                continue
            if not isinstance(member, griffe.Alias):
                continue
            try:
                member.resolve_target()
                continue
            except griffe.AliasResolutionError:
                pass
            module_path, _, attribute = member.target_path.rpartition(".")
            module = loader.modules_collection.get_member(module_path)
            cls = getattr(importlib.import_module(module_path), attribute)
            made = griffe.Class(
                attribute,
                parent=module,
                docstring=griffe.Docstring(
                    inspect.getdoc(cls) or "",
                    parser=module.docstring.parser if module.docstring else None,
                ),
                bases=[base.__name__ for base in cls.__bases__],
            )
            made.docstring.parent = made
            made.set_member("__init__", _init(cls, made))
            module.set_member(attribute, made)
