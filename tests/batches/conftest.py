"""Models pointed at the module's mock server (tests/conftest.py's `server`) for the batch tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex import init_chat_model
from chatplex.chat import ChatModel
from chatplex.testing import MockServer

MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}


@pytest.fixture
def make_model(server: MockServer) -> Callable[..., ChatModel]:
    """`make_model("openai", errored=0.1, seconds=0.05)`: a model on the mock server
    whose batch jobs take `seconds` and fail that share of rows once."""

    def make(
        provider: str,
        *,
        errored: float = 0,
        expired: float = 0,
        seconds: float = 0.05,
        **settings: Any,
    ) -> ChatModel:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        headers = {
            "x-mock-batch-seconds": str(seconds),
            "x-mock-batch-errored": str(errored),
            "x-mock-batch-expired": str(expired),
        }
        model = init_chat_model(
            f"{provider}:{MODELS[provider]}",
            base_url=base,
            api_key="sk-never-saved-0123456789",
            extra_headers=headers,
            **settings,
        )
        assert isinstance(model, ChatModel)
        return model

    return make


@pytest.fixture
def handle_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "handles"
    monkeypatch.setenv("CHATPLEX_BATCH_DIR", str(folder))
    return folder
