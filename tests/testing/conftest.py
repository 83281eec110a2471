"""Shared by the tests of chatplex.testing: the SDK clients they point at the mock
servers share one default TLS context per worker (tests/_tls.py), as the LangChain and
side-by-side suites do: each context read the CA bundle again, ~60 per worker here
(test_mock_server.py the most). None of these tests is about TLS (the servers speak
plain HTTP on 127.0.0.1)."""

from __future__ import annotations

from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)
