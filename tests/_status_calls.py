"""What a chat model raises for an error status, called sync and async (respx), and the
first class of an error's hierarchy that is not chatplex's: for the tests that check an
error is the partner package's class (tests/providers/*/test_errors.py)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import respx

from chatplex import errors
from chatplex.sdk_error_families import joined_classes


def raised_both_ways(model: Any, url: str, status: int, body: Any) -> list[BaseException]:
    """The errors of `model.invoke` and `model.ainvoke` when `url` answers `status`."""
    with respx.mock:
        respx.post(url).mock(return_value=httpx.Response(status, json=body))
        with pytest.raises(errors.APIStatusError) as sync:
            model.invoke("hi")
        with pytest.raises(errors.APIStatusError) as asynchronous:
            asyncio.run(model.ainvoke("hi"))
    return [sync.value, asynchronous.value]


def first_outside_chatplex(err: BaseException) -> type:
    """The class a script sees first in the error's hierarchy past chatplex's own (the
    partner package's own class, where it has one)."""
    return next(c for c in joined_classes(err) if not c.__module__.startswith("chatplex"))
