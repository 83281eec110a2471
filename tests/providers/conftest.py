"""Shared by the provider tests: the SDK clients they build (openai, anthropic,
google-genai, LangChain's partner models) share one default TLS context per worker
(tests/_tls.py), as the LangChain and side-by-side suites do: each context read the CA
bundle again, ~60 per worker here. None of these tests is about TLS (they talk plain
HTTP to 127.0.0.1)."""

from __future__ import annotations

from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)
