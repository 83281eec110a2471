"""What LangChain's callbacks are told about a ChatChatplex call: its invocation params."""

from __future__ import annotations

from typing import Any

from _chatchatplex import llm
from _lckit import base_url
from langchain_core.language_models import BaseChatModel

from chatplex.langchain import ChatChatplex


def test_invocation_params_are_langchains_from_its_dict() -> None:
    # Built without LangChain's deprecation shim around `dict()`: the same dict, in the
    # same order, and a subclass's own `asdict()` read as LangChain reads it.
    model = llm("openai", temperature=0.1)
    call: dict[str, Any] = {"stop": ["x"], "temperature": 0.2}
    langchains = BaseChatModel._get_invocation_params(model, **call)
    assert list(model._get_invocation_params(**call).items()) == list(langchains.items())

    class Own(ChatChatplex):
        def asdict(self) -> dict[str, Any]:
            return {"own": True}

    own = Own(model="openai:m", base_url=base_url("openai"), api_key="sk-secret-123")
    assert own._get_invocation_params(stop=["x"], seed=1) == {"own": True, "stop": ["x"], "seed": 1}
