"""The metadata a handler's `on_chat_model_start` gets from chatplex's own chat model,
beside LangChain's class for the same provider: the same keys (`lc_versions` too, naming
chatplex where LangChain's names its packages) and the same `ls_*` values."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex


def _started(model: Any, handler_base: type) -> dict[str, Any]:
    class Starts(handler_base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            self.seen: list[dict[str, Any]] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            self.seen.append(dict(kw["metadata"]))

    handler = Starts()
    config: Any = {"callbacks": [handler], "metadata": {"m": 1}}
    with pytest.raises(Exception):  # noqa: B017 - nothing listens there
        model.invoke("hi", config, stop=["x"])
    (metadata,) = handler.seen
    return metadata


def test_an_own_chat_models_run_metadata_has_langchains_keys() -> None:
    partner = pytest.importorskip("langchain_openai")
    from langchain_core.callbacks import BaseCallbackHandler

    settings: Any = {"base_url": "http://127.0.0.1:9", "api_key": "k", "max_retries": 0}
    theirs = _started(partner.ChatOpenAI(model="gpt-4o-mini", **settings), BaseCallbackHandler)
    ours = _started(
        chatplex.init_chat_model("openai:gpt-4o-mini", **settings), chatplex.BaseCallbackHandler
    )
    assert sorted(ours) == sorted(theirs)
    assert {k: v for k, v in ours.items() if k != "lc_versions"} == {
        k: v for k, v in theirs.items() if k != "lc_versions"
    }
    assert ours["lc_versions"] == {"chatplex": chatplex.__version__}
