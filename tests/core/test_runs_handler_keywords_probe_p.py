"""What a callback handler that takes `**kwargs` is given, beside langchain-core's: the
same keywords for each start, end and error of a chain, however it was called.

LangChain tells an end or an error the run's ids and tags alone; a start `run_type` where
the runnable starts its run through LangChain's `_call_with_config` (a sequence, a map, a
branch or fallbacks start their own, without it) and `defers_inputs` in a stream that is
a transform, whose end and error then also get `inputs`."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _boom(x: Any) -> Any:
    raise ValueError("no")


def _recorder(m: Any) -> Any:
    class Keywords(m.BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def _told(self, what: str, serialized: Any, kw: dict[str, Any]) -> None:
            shown = {k: v for k, v in kw.items() if k in ("run_type", "defers_inputs")}
            if "inputs" in kw:
                shown["inputs"] = kw["inputs"]
            self.seen.append((what, serialized is None, sorted(kw), shown))

        def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
            self._told("start", serialized, kw)

        def on_chain_end(self, outputs: Any, **kw: Any) -> None:
            self._told("end", None, kw)

        def on_chain_error(self, error: BaseException, **kw: Any) -> None:
            self._told("error", None, kw)

    return Keywords()


def _cases(m: Any) -> dict[str, Any]:
    same_input = m.RunnableLambda(lambda x: x)
    return {
        "sequence": same_input | m.RunnableLambda(lambda x: x),
        "map": m.RunnableParallel(a=same_input),
        "branch": m.RunnableBranch((lambda x: True, same_input), same_input),
        "fallbacks": m.RunnableLambda(_boom).with_fallbacks([same_input]),
        "prompt": m.ChatPromptTemplate.from_template("{x}"),
        "failing": same_input | m.RunnableLambda(_boom),
    }


def _called(runnable: Any, how: str, handler: Any) -> None:
    config = {"callbacks": [handler]}
    value = {"x": 1}

    async def consume() -> None:
        async for _ in runnable.astream(value, config):
            pass

    try:
        if how == "invoke":
            runnable.invoke(value, config)
        elif how == "batch":
            runnable.batch([value], config)
        elif how == "stream":
            list(runnable.stream(value, config))
        elif how == "ainvoke":
            asyncio.run(runnable.ainvoke(value, config))
        else:
            asyncio.run(consume())
    except ValueError:
        pass


@pytest.mark.parametrize("how", ["invoke", "batch", "stream", "ainvoke", "astream"])
def test_a_chains_handler_keywords_are_langchains(how: str) -> None:
    def scenario(m: Any) -> Any:
        out = {}
        for name, runnable in _cases(m).items():
            handler = _recorder(m)
            _called(runnable, how, handler)
            out[name] = handler.seen
        return out

    seen = same(scenario)
    ends = [kw for runs in seen.values() for what, _, kw, _ in runs if what != "start"]
    assert all("metadata" not in kw and "name" not in kw for kw in ends)


def test_a_chat_models_token_and_end_keywords_are_langchains() -> None:
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    import chatplex
    from tests.core._families import langchain

    def told(m: Any, model: Any) -> Any:
        class Keywords(m.BaseCallbackHandler):
            def __init__(self) -> None:
                self.seen: set[tuple[str, tuple[str, ...]]] = set()

            def on_llm_new_token(self, *args: Any, **kw: Any) -> None:
                # (LangChain's manager tells the token as `token=`: a handler may read it so)
                self.seen.add(("token", len(args), tuple(sorted(kw))))  # type: ignore[arg-type]

            def on_llm_end(self, response: Any, **kw: Any) -> None:
                self.seen.add(("end", tuple(sorted(kw))))

        handler = Keywords()
        model.invoke("hi", {"callbacks": [handler]})
        list(model.stream("hi", {"callbacks": [handler]}))
        return sorted(handler.seen)

    theirs = told(langchain(), FakeListChatModel(responses=["a b", "a b"]))
    ours = told(chatplex, chatplex.FakeChatModel(responses=["a b", "a b"]))
    assert ours == theirs
    assert ("end", ("parent_run_id", "run_id", "tags")) in ours
