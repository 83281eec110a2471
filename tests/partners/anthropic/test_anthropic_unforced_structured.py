"""ChatAnthropic side by side on `with_structured_output(method="function_calling")` where
the tool cannot be forced (thinking on, or a model whose API refuses a forced choice):
langchain-anthropic offers the tool unforced and puts `_raise_if_no_tool_calls` after
the model, so a reply without the call raises `OutputParserException` (with
`include_raw=True` too: it raises before the parser's fallback), and a stream gives the
whole reply's value alone (the step reads the merged message). Each script runs with
both classes against the same scripted Messages server; what it returns, raises and
sends is compared.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import observe
from tests.partners.anthropic.test_anthropic_sidebyside import ANSWER
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import THINKING
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

partner = pytest.importorskip("langchain_anthropic")

#: (model, constructor keywords): one thinking, one whose API refuses a forced choice.
UNFORCED = (
    ("claude-haiku-4-5", {"thinking": {"type": "enabled", "budget_tokens": 1024}}),
    ("claude-haiku-4-5", {"thinking": {"type": "adaptive"}}),
    ("claude-sonnet-5-5", {}),
)

#: A schema of several fields: a stream of its call could give partial values.
POINT = {
    "title": "Point",
    "description": "A point.",
    "type": "object",
    "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}, "label": {"type": "string"}},
    "required": ["x", "y", "label"],
}
POINT_CALL = {
    "type": "tool_use",
    "id": "toolu_01",
    "name": "Point",
    "input": {"x": 1, "y": 2, "label": "a long label"},
}


def _outcome(run: Callable[[], Any]) -> Any:
    """What `run` returned, or the class of what it raised."""
    try:
        return run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"raised": type(exc).__name__}


def _each_way(structured: Any) -> dict[str, Any]:
    """`structured` invoked and streamed. (Async calls are held to the same in
    `test_async_calls_as_the_sync_ones`: the partner's async client, cached across
    event loops, retries on the connections a closed loop left.)"""
    return {
        "invoke": _outcome(lambda: structured.invoke("Where?")),
        "stream": _outcome(lambda: list(structured.stream("Where?"))),
    }


def _unforced_runs(cls: Any, url: str) -> Any:
    """Each unforced model's structured output, bare and with `include_raw`, every way;
    the warnings' classes counted."""
    out = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for name, more in UNFORCED:
            if "thinking" in more:
                more = {**more, "max_tokens": 2048}
            model = cls(model=name, api_key=KEY, base_url=url, **more)
            for include_raw in (False, True):
                out.append(_each_way(model.with_structured_output(POINT, include_raw=include_raw)))
    # (not a ResourceWarning: a client the partner's async runs leave to the collector)
    warned = {w.category.__name__ for w in caught if w.category is not ResourceWarning}
    return {"runs": out, "warned": sorted(warned)}


SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    # The reply answers in text: the call is missing.
    "unforced_reply_without_call": (streamed(THINKING, ANSWER), _unforced_runs),
    # The reply calls the tool: its value, a stream's once (no partial values).
    "unforced_reply_with_call": (
        streamed(THINKING, POINT_CALL, stop="tool_use"),
        _unforced_runs,
    ),
}

SUITE = anthropic_suite(SCRIPTS)
test_same_as_langchain_anthropic = SUITE.same_test()


def test_a_reply_without_the_call_raises_and_a_stream_gives_one_value(server: Any) -> None:
    """What the comparison holds both to, read from ours: no None, no partial value."""
    _, ours, _, _ = SUITE.run("unforced_reply_without_call", server)
    assert all(
        outcome == {"raised": "OutputParserException"}
        for run in ours["runs"]
        for outcome in run.values()
    )
    _, ours, _, _ = SUITE.run("unforced_reply_with_call", server)
    bare = ours["runs"][0]
    assert bare["stream"] == [POINT_CALL["input"]]


def test_async_calls_as_the_sync_ones(server: Any) -> None:
    """Ours awaited and streamed async gives what the compared sync calls give."""
    for name in SCRIPTS:
        _, ours, _, _ = SUITE.run(name, server)
        for (model, more), include_raw, sync in zip(
            [u for u in UNFORCED for _ in (0, 1)],
            [False, True] * len(UNFORCED),
            ours["runs"],
            strict=True,
        ):
            if "thinking" in more:
                more = {**more, "max_tokens": 2048}
            built = chatplex.langchain.ChatAnthropic(
                model=model, api_key=KEY, base_url=server.url, **more
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # (the unforced tool's, compared above)
                structured = built.with_structured_output(POINT, include_raw=include_raw)

            async def both(structured: Any = structured) -> dict[str, Any]:
                try:
                    invoked = await structured.ainvoke("Where?")
                except Exception as exc:  # noqa: BLE001 - the error is what is observed
                    invoked = {"raised": type(exc).__name__}
                try:
                    pieces: Any = [piece async for piece in structured.astream("Where?")]
                except Exception as exc:  # noqa: BLE001 - the error is what is observed
                    pieces = {"raised": type(exc).__name__}
                return {"invoke": invoked, "stream": pieces}

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                awaited = observe(asyncio.run(both()))
            if include_raw:  # (an async map yields its keys in the order they finish)
                assert _keyed(awaited) == _keyed(sync)
            else:
                assert awaited == sync


def _keyed(run: dict[str, Any]) -> dict[str, Any]:
    """An `include_raw` run's stream as one mapping of its pieces' keys."""
    pieces = run["stream"]
    if isinstance(pieces, list):
        pieces = {key: value for piece in pieces for key, value in piece.items()}
    return {**run, "stream": pieces}
