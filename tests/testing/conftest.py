"""Shared by the tests of chatplex.testing: the SDK clients they point at the mock
servers share one default TLS context per worker (tests/_tls.py), as the LangChain and
side-by-side suites do: each context read the CA bundle again, ~60 per worker here
(test_mock_server.py the most). None of these tests is about TLS (the servers speak
plain HTTP on 127.0.0.1). And the module's mock server ("server") the tests of an SDK
as the client point it at."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatplex.testing import MockServer
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv
