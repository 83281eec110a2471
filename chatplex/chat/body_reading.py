"""The adapter the HTTP layer sends a call that is not a chat with (a token count, a
credential exchange): the wire's name and error families, a reply's body handed to
`read`, an error status made a typed error by `refused`. Its request comes built, and
nothing streams."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..adapters.base import Adapter
from ..messages import AIMessage

if TYPE_CHECKING:
    from ..adapters.base import StreamParser
    from ..adapters.request_types import CallSettings
    from ..adapters.request_types import HTTPRequest
    from ..errors import APIError
    from ..messages import BaseMessage
    from ..sdk_error_families import ErrorFamily

__all__ = ["BodyReading"]


@dataclass(eq=False, repr=False)  # an adapter is itself, not its fields
class BodyReading(Adapter):
    """`read(body)` for a 2xx reply, `refused(status, body, headers)` for an error status,
    under `provider`'s name and `families`; `budget_key` as the call's owner keys it."""

    provider: str
    _families: tuple[ErrorFamily, ...]
    _read: Callable[[bytes], object]
    _refused: Callable[[int, bytes, Mapping[str, str]], APIError]
    _budget_key: Callable[[str], tuple[str, ...]]

    @property
    def error_families(self) -> tuple[ErrorFamily, ...]:
        return self._families

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        raise NotImplementedError("this call's request comes built")

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        # `read`'s ValueError (bad JSON), KeyError or TypeError (a reply of the wrong
        # shape) are the HTTP layer's malformed-body error, as a chat reply's are.
        self._read(body)
        return AIMessage(content="")  # the HTTP layer hands on a message: this call has none

    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser:
        raise NotImplementedError("this call does not stream")

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        return self._refused(status, body, headers)

    def budget_key(self, model: str) -> tuple[str, ...]:
        return self._budget_key(model)
