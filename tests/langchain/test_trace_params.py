"""What LangChain's callbacks are told about a ChatChatplex call: its invocation params."""

from __future__ import annotations

from typing import Any

import pytest
from _chatchatplex import llm
from _lckit import base_url
from langchain_core.language_models import BaseChatModel

from chatplex.langchain import ChatChatplex
from chatplex.testing import MockServer


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


def test_a_stop_of_the_wrong_type_is_refused_naming_stop_before_any_request(
    standard_server: MockServer,
) -> None:
    """LangSmith's params leave a stop of another type out: the call's own check refuses
    it in its words (langchain-openai sends `"stop": 5`, which the provider refuses)."""
    from chatplex.langchain import ChatOpenAI

    model = ChatOpenAI(model="m", api_key="k", base_url=base_url("openai"), max_retries=0)
    standard_server.reset_stats()
    for call in (lambda: model.invoke("hi", stop=5), lambda: list(model.stream("hi", stop=5))):
        with pytest.raises(TypeError, match="stop must be a str or a list of str, got 5"):
            call()
    assert standard_server.stats.requests == 0
    assert "ls_stop" not in model._get_ls_params(stop=5)  # type: ignore[arg-type]
