"""Print a partner class's own pydantic fields as `PartnerField(...)` lines, to start a
record's `declared` from (`python -m tests.partners._declare ChatCohere`). The output is a
draft: annotations print as Python writes them (`typing.Optional[...]`, class reprs) and
environment variables read by validators are not seen;
`tests/partners/test_partner_fields_declared.py` checks what is kept."""

from __future__ import annotations

import re
import sys
from typing import Any

from tests.partners._builds import PARTNER_BUILDS


def _annotation(annotation: Any) -> str:
    text = annotation.__name__ if isinstance(annotation, type) else str(annotation)
    return re.sub(r"\b(typing|collections\.abc|pydantic\.types)\.", "", text)


def _variables(factory: Any) -> tuple[str, ...]:
    """The upper-case names in a default factory's closure (`from_env("X")`)."""
    found: list[str] = []
    for cell in getattr(factory, "__closure__", None) or ():
        value = cell.cell_contents
        for item in value if isinstance(value, list | tuple) else (value,):
            if isinstance(item, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", item):
                found.append(item)
    return tuple(found)


def lines(name: str) -> list[str]:
    from importlib import import_module

    from langchain_core.language_models import BaseChatModel
    from pydantic_core import PydanticUndefined

    cls = getattr(import_module(PARTNER_BUILDS[name][0]), name)
    out = []
    for field, info in cls.model_fields.items():
        if field in BaseChatModel.model_fields:
            continue
        parts = [repr(field), _annotation(info.annotation)]
        factory = info.default_factory
        if factory is not None and factory in (dict, list):
            parts.append(f"factory={factory.__name__}")
        elif factory is not None:
            default = info.get_default(call_default_factory=True, validated_data={})
            parts.append(f"default={default!r}")
            if env := _variables(factory):
                parts.append(f"env={env!r}")
        elif info.default is PydanticUndefined:
            parts.append("REQUIRED")
        elif info.default is not None:
            parts.append(repr(info.default))
        if info.alias:
            parts.append(f"alias={info.alias!r}")
        if info.exclude:
            parts.append("excluded=True")
        out.append(f"PartnerField({', '.join(parts)}),")
    return out


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"# {name}")
        print("\n".join(lines(name)))
