"""Provider adapters: pure translation between messages and each wire API.

Each adapter module owns its wire format and its settings (the keyword-only parameters
of its constructor); each provider's spec (`chatplex.specs`) names its adapter, loaded
on first use, so `import chatplex` reads neither. This package is also the kit the
provider folders (`chatplex.providers`) build on: the adapter protocol (`base.py`), its
request types (`request_types.py`), a stream's events (`sse_event.py`), the Batch API
contract (`batch_api.py`), where it sends and with which key (`base_url.py`, `keys.py`,
held by `connection.py`), input checks (`validate.py`), tools (`tools.py`) and their
choice (`tool_choice.py`), strict schemas (`strict_schema.py`), one copy of values many
replies carry (`sharing.py`), stream events read fast (`jsontext.py`) and a stream's
other candidates and cumulative usage (`candidates.py`). The wires themselves live in
their provider folders.

>>> adapter_class("openai").__name__
'OpenAIAdapter'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from ..specs import declared_object
from ..specs import specs

__all__ = ["BUILTIN_ADAPTERS", "adapter_class", "adapter_parameters", "builtin_adapters"]


def __getattr__(name: str) -> Any:
    # BUILTIN_ADAPTERS, built from the providers' specs on first use (PEP 562).
    if name == "BUILTIN_ADAPTERS":
        return builtin_adapters()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def builtin_adapters() -> Mapping[str, str]:
    """Provider name → "module:Class" of its adapter, as each provider's spec declares
    it (`chatplex.specs`)."""
    return MappingProxyType({name: s.adapter for name, s in specs().items()})


def adapter_class(provider: str) -> type:
    """The adapter class of a built-in provider (KeyError for others)."""
    cls: type = declared_object(builtin_adapters()[provider])
    return cls


@functools.cache
def adapter_parameters(cls: type) -> tuple[str, ...]:
    """The settings an adapter class takes: its keyword-only constructor parameters, and
    its base class's where it hands `**settings` on.

    >>> adapter_parameters(adapter_class("anthropic"))[:2]
    ('api_key', 'base_url')
    >>> class Signed:
    ...     def __init__(self, *, region_name=None): ...
    >>> class Vendor(Signed):
    ...     def __init__(self, *, vendor=None, **settings): ...
    >>> adapter_parameters(Vendor)
    ('vendor', 'region_name')
    """
    import inspect  # not at import time: `import chatplex` stays fast

    signature = inspect.signature(cls)  # the constructor's parameters, without self
    params = signature.parameters.values()
    own = tuple(p.name for p in params if p.kind is p.KEYWORD_ONLY)
    if not any(p.kind is p.VAR_KEYWORD for p in params) or len(cls.__mro__) < 2:
        return own
    return (*own, *(n for n in adapter_parameters(cls.__mro__[1]) if n not in own))
