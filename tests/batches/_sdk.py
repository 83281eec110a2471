"""The official SDKs' request types, as validators for the lines chatplex writes.

pydantic validates the SDKs' TypedDicts; their `Iterable[...]` fields validate lazily
(a validating iterator), so every nested iterator is drained to check each item."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from pydantic import TypeAdapter


def _drain(value: Any) -> None:
    if isinstance(value, Mapping):
        for item in value.values():
            _drain(item)
    elif isinstance(value, (list, tuple, Iterator)):
        for item in value:
            _drain(item)


def validate_sdk(kind: Any, value: Any) -> None:
    _drain(TypeAdapter(kind).validate_python(value))
