"""JSON bytes as chatplex's LangSmith sender writes them: orjson when installed (not a
dependency: several times faster), else json: the same JSON either way (json spaces its
separators).

What a JSON writer does not know by itself (`default`): datetimes, UUIDs, sets, messages
nested in a message's fields (`serialize.dumpd` and `serialize.jsonable` leave them in
place) as `model_dump` writes them, dataclasses as their fields, anything else as
`serialize.jsonable` shows it. A key no writer takes (a tuple) is written as its str.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import datetime
from typing import Any

from .serialize import is_message
from .serialize import jsonable
from .serialize import nested_message

__all__ = ["dumps", "json_dumps"]


def _default(value: Any) -> Any:
    """What json cannot write by itself: datetimes, UUIDs, messages nested in a message's
    fields (`serialize.dumpd` leaves them in place) as `model_dump` writes them, other
    dataclasses as their fields (as orjson writes them), anything else as
    `serialize.jsonable` shows it (a pydantic model's fields, a prompt value, a repr)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if is_message(value):
        return nested_message(value)
    if hasattr(value, "to_messages"):  # a prompt value (a dataclass): as jsonable shows it
        return jsonable(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    return jsonable(value)


def json_dumps(value: Any) -> bytes:
    """`value` as JSON bytes, with json."""
    try:
        return json.dumps(value, default=_default, ensure_ascii=False).encode()
    except TypeError:  # a key json refuses (a tuple): every key as its str
        return json.dumps(_str_keys(value), default=_default, ensure_ascii=False).encode()


def _str_keys(value: Any) -> Any:
    """`value` with every dict key written as its str, what message fields hold written
    as `_default` writes it."""
    kind = type(value)
    if kind is dict or isinstance(value, dict):
        return {str(k): _str_keys(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_str_keys(v) for v in value]
    if is_message(value):
        return _str_keys(nested_message(value))
    return value


try:  # orjson when the user has it (not a dependency): several times faster
    import orjson

    # Dataclasses go to `_default` (a message there is written as `model_dump` writes it).
    _OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS

    def dumps(value: Any) -> bytes:
        """`value` as JSON bytes."""
        try:
            return orjson.dumps(value, default=_default, option=_OPTIONS)
        except TypeError:  # e.g. an int too big for orjson: json writes it
            return json_dumps(value)

except ImportError:  # pragma: no cover - depends on the environment
    dumps = json_dumps
