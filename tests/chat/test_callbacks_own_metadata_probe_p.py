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


def test_a_token_handler_gets_langchains_generation_chunk() -> None:
    """`on_llm_new_token`'s `chunk=`: a `ChatGenerationChunk` (its name, `type`, `text`
    and `message`) beside LangChain's."""
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    def told(model: Any, handler_base: type) -> set[Any]:
        class Tokens(handler_base):  # type: ignore[misc, valid-type]
            def __init__(self) -> None:
                self.seen: set[Any] = set()

            def on_llm_new_token(self, token: str, *, chunk: Any = None, **kw: Any) -> None:
                message = type(chunk.message).__name__
                self.seen.add((type(chunk).__name__, chunk.type, chunk.text == token, message))

        handler = Tokens()
        list(model.stream("hi", {"callbacks": [handler]}))
        return handler.seen

    theirs = told(FakeListChatModel(responses=["a b"]), BaseCallbackHandler)
    ours = told(chatplex.FakeChatModel(responses=["a b"]), chatplex.BaseCallbackHandler)
    assert ours == theirs
    assert ours == {("ChatGenerationChunk", "ChatGenerationChunk", True, "AIMessageChunk")}
