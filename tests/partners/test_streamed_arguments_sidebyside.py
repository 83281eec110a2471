"""A streamed tool call whose arguments are JSON but no object (a list, a string, a
number), side by side: LangChain's chunk merge reads it invalid itself, with no `error`
(its `init_tool_calls`), and so does the drop-in's merged stream, on the wires that
stream arguments as text (Chat Completions, Messages, Converse), each call made with
the partner's class and with chatplex's against the same scripted mock server. (On a
whole reply langchain-openai raises instead: a kept difference,
tests/partners/openai/test_structured_failures_sidebyside.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests.langchain.agents_matrix._kit import RANDOM
from tests.langchain.agents_matrix._kit import WIRES
from tests.langchain.agents_matrix._kit import chatplex_class


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _merged_calls(model: Any) -> dict[str, Any]:
    merged = None
    for chunk in model.bind_tools([add]).stream("add 1 and 2"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None
    return {
        "tool_calls": merged.tool_calls,
        "invalid": [{**c, "id": RANDOM if c["id"] else None} for c in merged.invalid_tool_calls],
    }


@pytest.mark.parametrize("raw", ["[1, 2]", '"1 and 2"'])
@pytest.mark.parametrize("wire", ["openai", "groq", "anthropic", "bedrock_converse"])
def test_streamed_arguments_that_are_no_object_merge_as_under_the_partner(
    mock: MockServer, wire: str, raw: str
) -> None:
    pytest.importorskip(WIRES[wire].module)
    mock.settings.script = MockScript(rules=[ScriptRule(call="add", raw_args=raw, args={"a": 1})])
    settings = WIRES[wire].settings(mock.url)
    theirs = _merged_calls(WIRES[wire].partner()(**settings))
    ours = _merged_calls(chatplex_class(WIRES[wire].cls)(**settings))
    assert ours == theirs
    assert theirs["tool_calls"] == []
    assert [(c["name"], c["args"], c["error"]) for c in theirs["invalid"]] == [("add", raw, None)]
