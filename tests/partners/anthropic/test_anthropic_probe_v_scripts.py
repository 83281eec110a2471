"""ChatAnthropic side by side in scripts of the probe_v set (`tests/partners/_probe_v.py`):
`ainvoke` and `astream` under `asyncio.wait_for`, an `astream` left midway and `generate`
over two conversations; and its own: `cache_control` given to a call, a tool result's
text blocks marked for the cache, any tool one at a time (`tool_choice="any"`,
`parallel_tool_calls=False`) and `with_structured_output(method="json_schema")` of a
TypedDict. Compared as the suite of `test_anthropic_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from tests.partners import _probe_v as probe
from tests.partners._probe_v import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners._sidebyside import mul
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, api_key=KEY, base_url=url, **settings)


def call_cache_control(cls: Any, url: str) -> Any:
    """`cache_control` given to the call (the API's automatic caching of the
    conversation's last block): invoked and streamed."""
    model = _make(cls, url)
    marked = {"cache_control": {"type": "ephemeral"}}
    return [model.invoke("Hi", **marked), merged(list(model.stream("Hi", **marked)))]


def any_tool_one_at_a_time(cls: Any, url: str) -> Any:
    """Two tools, any of them forced, one call at a time: invoked and streamed."""
    bound = _make(cls, url).bind_tools([add, mul], tool_choice="any", parallel_tool_calls=False)
    return [bound.invoke("1+2?"), merged(list(bound.stream("1+2?")))]


def tool_use_cached(cls: Any, url: str) -> Any:
    """A history whose assistant turn holds its tool_use block marked for the cache
    (beside its `tool_calls`, as a reply read back carries both), then the result."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    marked = {**ADD_CALL, "cache_control": {"type": "ephemeral"}}
    call = {"name": "add", "args": ADD_CALL["input"], "id": ADD_CALL["id"]}
    history = [
        HumanMessage("1+2?"),
        AIMessage([{"type": "text", "text": "Adding."}, marked], tool_calls=[call]),
        ToolMessage("3", tool_call_id=ADD_CALL["id"]),
    ]
    return _make(cls, url).bind_tools([add]).invoke(history)


class Total(TypedDict):
    """A sum's total."""

    total: int


def structured_json_schema(cls: Any, url: str) -> Any:
    """A TypedDict by the API's structured outputs (`method="json_schema"`), with its raw
    reply: invoked and awaited."""
    structured = _make(cls, url).with_structured_output(
        Total, method="json_schema", include_raw=True
    )
    return [structured.invoke("1+2?"), probe.LOOP.run_until_complete(structured.ainvoke("1+2?"))]


_TEXT = streamed({"type": "text", "text": "Hello there, friend."})

SCRIPTS = probe.rows(_make, _TEXT)
SCRIPTS |= {
    "call_cache_control": (_TEXT, call_cache_control),
    **probe.rows(_make, _TEXT, ("tool_result_cached",)),
    "tool_use_cached": (_TEXT, tool_use_cached),
    "any_tool_one_at_a_time": (streamed(ADD_CALL, stop="tool_use"), any_tool_one_at_a_time),
    "structured_json_schema": (
        streamed({"type": "text", "text": '{"total": 3}'}),
        structured_json_schema,
    ),
}

SUITE = anthropic_suite(SCRIPTS)
test_probe_v_same_as_langchain_anthropic = SUITE.same_test()
