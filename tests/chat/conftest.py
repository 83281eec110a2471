"""What the reply-cache tests share (caching/: test_cache.py, test_entries.py,
test_sqlite.py, test_inflight.py): a mock server per module, a clean process-wide cache
around each test, and models that each get a budget of their own. Modules opt in with
`pytestmark = pytest.mark.usefixtures("clean_cache")`. The folder's SDK clients (LangChain's
partner models, beside chatplex's) share one default TLS context per worker
(tests/_tls.py), as the LangChain suites' do."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex
from chatplex import set_llm_cache
from chatplex.testing import MockServer
from tests._calls import mock_model
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
providers = pytest.mark.parametrize("provider", ["openai", "anthropic"])


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server
    chatplex.close()


@pytest.fixture
def clean_cache(mock: MockServer) -> Iterator[None]:
    set_llm_cache(None)
    mock.reset_stats()
    mock.settings.latency = 0.0
    mock.settings.fault_plan = None
    yield
    set_llm_cache(None)
    mock.settings.latency = 0.0
    mock.settings.fault_plan = None


def make(mock: MockServer, provider: str = "openai", **settings: Any) -> Any:
    settings.setdefault("api_key", f"sk-test-{uuid.uuid4().hex}")  # a budget of its own
    return mock_model(mock, provider, **settings)


async def ask_batch(model: Any, sync: bool, values: list[Any], **kw: Any) -> list[Any]:
    if sync:
        return await asyncio.to_thread(model.batch, values, **kw)
    return await model.abatch(values, **kw)
