"""What every wire's `spec.py` test checks: its providers resolve to adapter classes
that speak for them, and the names are LangChain's; and what the wires' calls over the
mock server share: the server (the fixture "server", a test module imports it), a
structured answer, and the check that every path of a call gives the same text."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex
from chatplex import specs
from chatplex.testing import MockServer


def check_wire(wire: str) -> ModuleType:
    """The wire's spec module, after checking its declarations against the registry and
    the adapter classes they name."""
    module = importlib.import_module(f"chatplex.providers.{wire}.spec")
    assert module.SPECS, f"{wire} declares no provider"
    for declared in module.SPECS:
        assert specs.spec(declared.name) is declared
        path, _, name = declared.adapter.partition(":")
        cls = getattr(importlib.import_module(path), name)
        assert isinstance(cls, type) and callable(getattr(cls, "build_request", None))
        if declared.langchain_class is not None:
            assert declared.langchain_class.startswith(("Chat", "AzureChat"))
        assert all(p == p.lower() for p in declared.model_prefixes)
        assert all(p == p.lower() for p in declared.litellm_prefixes)
    return module


class Answer(BaseModel):
    city: str
    degrees: int


@pytest.fixture(scope="module", name="server")
def mock_server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv
    chatplex.close()


def assert_every_path_says(model: Any, text: str) -> None:
    """`model`'s stream, ainvoke and astream of "hi" each give `text` (its invoke is
    the test's own)."""
    assert "".join(str(c.content) for c in model.stream("hi")) == text
    assert asyncio.run(model.ainvoke("hi")).content == text

    async def collect() -> str:
        return "".join([str(c.content) async for c in model.astream("hi")])

    assert asyncio.run(collect()) == text
