"""What every example runs on: a real provider if CHATPLEX_MODEL is set, else a local mock.

The examples build their model with `init_chat_model()`, which reads the model from
CHATPLEX_MODEL (and the key from the provider's usual variable), exactly as your scripts
would. Without CHATPLEX_MODEL, `demo_config()` starts chatplex's embedded mock server
(127.0.0.1, OpenAI and Anthropic wire protocols, no key) and points the same variables at
it for the duration of the `with` block, so every example runs offline over real HTTP:

    python examples/social_posts.py                                   # mock server
    CHATPLEX_MODEL=anthropic:claude-sonnet-4-5 python examples/social_posts.py

The mock answers "Echo: <your last message>"; `latency` / `chunk_delay` slow it down so
that concurrency and streaming are visible in the timings.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from chatplex.testing import MockServer

__all__ = ["demo_config"]

DEFAULT_MOCK_MODEL = "openai:gpt-4o-mini"


@contextmanager
def demo_config(
    *, latency: float = 0.0, chunk_delay: float = 0.0, chunks: int | None = None
) -> Iterator[str]:
    """Yield the model name `init_chat_model()` will use inside the block."""
    configured = os.environ.get("CHATPLEX_MODEL")
    if configured:
        print(f"[model {configured} from CHATPLEX_MODEL]")
        yield configured
        return
    with MockServer(latency=latency, chunk_delay=chunk_delay, chunks=chunks) as server:
        # One base URL serves both wire protocols: the mock routes /chat/completions
        # (OpenAI) and /v1/messages (Anthropic), so only CHATPLEX_MODEL picks the provider.
        mock_env = {
            "CHATPLEX_MODEL": DEFAULT_MOCK_MODEL,
            "CHATPLEX_BASE_URL": server.url,
            "CHATPLEX_API_KEY": "mock-key",
        }
        saved = {name: os.environ.get(name) for name in mock_env}
        os.environ.update(mock_env)
        print(f"[no CHATPLEX_MODEL set: embedded mock server on {server.url}]")
        try:
            yield DEFAULT_MOCK_MODEL
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
