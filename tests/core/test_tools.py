import pytest
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex import ToolMessage
from chatplex.core import RunnableLambda
from chatplex.core.tools import RunnableTool


class Search(BaseModel):
    query: str
    limit: int = 3


def test_a_tool_from_an_args_schema_validates_and_answers_tool_calls() -> None:
    tool = RunnableLambda(lambda d: d).as_tool(Search, name="search", description="Find.")
    assert isinstance(tool, RunnableTool) and tool.args_schema is Search
    assert tool.invoke({"query": "tea", "limit": "2"}) == {"query": "tea", "limit": 2}
    answer = tool.invoke({"type": "tool_call", "name": "search", "args": {"query": "x"}, "id": "7"})
    assert isinstance(answer, ToolMessage)
    assert (answer.content, answer.tool_call_id, answer.name) == ('{"query": "x"}', "7", "search")
    with pytest.raises(ValidationError):
        tool.invoke({"limit": 1})


def test_an_untyped_dict_input_needs_arg_types() -> None:
    tool = RunnableLambda(lambda d: d["n"] + 1).as_tool(arg_types={"n": int}, name="inc")
    assert tool.args == {"n": {"title": "N", "type": "integer"}}
    assert tool.invoke({"n": 1}) == 2


def test_a_one_string_tool_takes_its_string_or_its_one_argument() -> None:
    tool = RunnableLambda(str.upper).with_types(input_type=str).as_tool(description="Up.")
    assert tool.args_schema is None and tool.args == {"tool_input": {"type": "string"}}
    assert tool.invoke("a") == "A" and tool.invoke({"__arg1": "b"}) == "B"
    # Seen as a runnable (LangChain's `create_agent` takes it so), its input is an object.
    assert tool.get_input_jsonschema()["required"] == ["__arg1"]
    assert repr(tool) == "Up."  # what LangChain describes a runnable tool by
