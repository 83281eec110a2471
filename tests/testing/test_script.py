"""The mock server's scripted mode: rules on the request choose the reply, on both wires,
streamed or not, and the per-request headers still win."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRequest
from chatplex.testing import ScriptRule
from chatplex.testing.mock_server import main as cli_main
from tests._weather import MAGIC_FUNCTION_RULE
from tests._weather import object_schema

MAGIC = {
    "name": "magic_function",
    "description": "Apply a magic function.",
    "parameters": object_schema({"input": {"type": "integer"}}),
}
WEATHER = {
    "name": "get_weather",
    "description": "Weather at a location.",
    "parameters": object_schema({"location": {"type": "string"}, "unit": {"enum": ["C", "F"]}}),
}
SCRIPT = MockScript(
    rules=[
        MAGIC_FUNCTION_RULE,
        ScriptRule(
            user_text=r"weather in (?P<city>[^?]+)",
            call="get_weather",
            args={"location": r"\g<city>", "unit": "C"},
        ),
        ScriptRule(user_text=r"\bhello\b", after_tool_result=False, reply="Hi, \\g<0>!"),
        ScriptRule(after_tool_result=True, reply="Done: the tool answered."),
    ]
)


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(script=SCRIPT) as srv:
        yield srv


def model(server: MockServer, provider: str, tools: list[dict[str, Any]] = (), **kw: Any) -> Any:  # type: ignore[assignment]
    base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
    m = init_chat_model(f"{provider}:m", base_url=base, api_key="mock-key")
    return m.bind_tools(list(tools), **kw) if tools else m


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_rule_calls_a_tool_with_arguments_from_the_user_text(
    server: MockServer, provider: str, sync: bool
) -> None:
    m = model(server, provider, [MAGIC, WEATHER])
    question = "What is magic_function(3)? And the weather in Paris, FR?"
    reply = m.invoke(question) if sync else await m.ainvoke(question)
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("magic_function", {"input": 3})]
    chunks = list(m.stream(question)) if sync else [c async for c in m.astream(question)]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    assert merged.to_message().tool_calls[0]["args"] == {"input": 3}


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_named_groups_and_a_rule_needs_its_tool_offered(server: MockServer, provider: str) -> None:
    reply = model(server, provider, [WEATHER]).invoke("What is the weather in Lyon?")
    assert reply.tool_calls[0]["args"] == {"location": "Lyon", "unit": "C"}
    # Without get_weather offered the rule does not match: the usual echo answers.
    assert model(server, provider).invoke("What is the weather in Lyon?").text == (
        "Echo: What is the weather in Lyon?"
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_text_replies_and_the_turn_after_a_tool_result(server: MockServer, provider: str) -> None:
    m = model(server, provider, [MAGIC])
    assert m.invoke("well hello there").text == "Hi, hello!"
    call = m.invoke("magic_function(7)")
    history = [
        "magic_function(7)",
        call,
        {"role": "tool", "tool_call_id": call.tool_calls[0]["id"], "content": "9"},
    ]
    assert m.invoke(history).text == "Done: the tool answered."


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("choice", ["any", "get_weather"])
def test_a_forced_tool_choice_gets_a_call_with_example_arguments(
    server: MockServer, provider: str, choice: str
) -> None:
    reply = model(server, provider, [MAGIC, WEATHER], tool_choice=choice).invoke("Hi")
    expected = "magic_function" if choice == "any" else "get_weather"
    assert reply.tool_calls[0]["name"] == expected
    if expected == "get_weather":
        assert reply.tool_calls[0]["args"] == {"location": "x", "unit": "C"}


def test_a_response_schema_gets_json_and_json_mode_an_object(server: MockServer) -> None:
    schema = {
        "type": "object",
        "properties": {"setup": {"type": "string"}, "rating": {"type": "integer"}},
        "required": ["setup", "rating"],
    }
    m = model(server, "openai")
    fmt = {"type": "json_schema", "json_schema": {"name": "Joke", "schema": schema}}
    assert json.loads(m.invoke("joke", response_format=fmt).text) == {"setup": "x", "rating": 1}
    as_json = m.invoke("a cat", response_format={"type": "json_object"}).text
    assert json.loads(as_json) == {"echo": "a cat"}
    # Anthropic: `output_config.format`, the form the SDK's Messages.create takes (and
    # sends for parse()'s `output_format` type); the structured-outputs beta's top-level
    # `output_format` is answered too (a raw request: chatplex sends what the SDK takes).
    anthropic = model(server, "anthropic")
    json_schema = {"type": "json_schema", "schema": schema}
    out = anthropic.invoke("joke", output_config={"format": json_schema})
    assert json.loads(out.text) == {"setup": "x", "rating": 1}
    body = {
        "model": "m",
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "joke"}],
        "output_format": json_schema,
    }
    beta = httpx.post(server.anthropic_base_url + "/v1/messages", json=body).json()
    assert json.loads(beta["content"][0]["text"]) == {"setup": "x", "rating": 1}


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_switched_off_defaults_stay_off_in_the_usual_reply(provider: str) -> None:
    # The usual reply obeys a forced tool_choice and answers a schema with JSON too; a
    # script that switches these off gets neither from it.
    schema = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
    fmt: dict[str, Any] = (
        {"response_format": {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}}}
        if provider == "openai"
        else {"output_config": {"format": {"type": "json_schema", "schema": schema}}}
    )
    with MockServer(script=MockScript(obey_tool_choice=False, answer_schema=False)) as srv:
        m = model(srv, provider, [MAGIC], tool_choice="any")
        forced = m.invoke("x")
        assert forced.tool_calls == [] and forced.text == "Echo: x"
        assert model(srv, provider).invoke("y", **fmt).text == "Echo: y"
    with MockServer() as srv:  # without a script: a call, and JSON
        assert model(srv, provider, [MAGIC], tool_choice="any").invoke("x").tool_calls
        assert json.loads(model(srv, provider).invoke("y", **fmt).text) == {"a": "x"}


def test_headers_win_over_the_script(server: MockServer) -> None:
    m = model(server, "openai", [MAGIC]).bind(extra_headers={"x-mock-reply": "from header"})
    assert m.invoke("magic_function(3)").text == "from header"


def test_rules_and_requests_are_checked() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        ScriptRule(user_text="x")
    with pytest.raises(ValueError, match="exactly one"):
        ScriptRule(reply="a", data={"b": 1})
    with pytest.raises(ValueError, match="regular expression"):
        ScriptRule(user_text="(", reply="a")
    with pytest.raises(ValueError, match="go with call="):
        ScriptRule(reply="a", args={})
    with pytest.raises(ValueError, match="unknown keys"):
        MockScript.from_dict({"rules": [{"reply": "a", "colour": "red"}]})
    request = ScriptRequest.from_body(
        "anthropic",
        {
            "model": "claude",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "tools": [{"name": "a", "input_schema": {}}, {"name": "b", "input_schema": {}}],
            "tool_choice": {"type": "tool", "name": "b"},
        },
    )
    assert (request.tool_choice, request.forced_tool, request.user_text) == ("b", "b", "hi")
    assert list(request.tools) == ["a", "b"] and not request.after_tool_result


def test_a_bad_args_template_is_a_400_that_says_why() -> None:
    script = MockScript(rules=[ScriptRule(user_text="(.*)", call="magic_function", args=r"\1")])
    with MockServer(script=script) as srv:
        body = {
            "model": "m",
            "messages": [{"role": "user", "content": "oops"}],
            "tools": [{"type": "function", "function": MAGIC}],
        }
        response = httpx.post(srv.openai_base_url + "/chat/completions", json=body)
    assert response.status_code == 400
    assert "not JSON" in response.json()["error"]["message"]


def test_scripts_load_from_json(tmp_path: Path) -> None:
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "obey_tool_choice": False,
                "rules": [
                    {"user_text": "ping", "reply": "pong"},
                    {"schema": True, "data": {"ok": True}},
                ],
            }
        )
    )
    script = MockScript.load(path)
    assert not script.obey_tool_choice and len(script.rules) == 2
    with MockServer(script=script) as srv:
        m = init_chat_model("openai:m", base_url=srv.openai_base_url, api_key="k")
        assert m.invoke("ping?").text == "pong"
        fmt = {"type": "json_object"}
        assert json.loads(m.invoke("x", response_format=fmt).text) == {"ok": True}
        forced = m.bind_tools([MAGIC], tool_choice="any").invoke("x")
        assert forced.tool_calls == [] and forced.text == "Echo: x"  # obey_tool_choice off


def test_the_cli_refuses_a_bad_script_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"rules": [{"reply": "a", "call": "b"}]}))
    assert cli_main(["--script", str(path)]) == 2
    assert "exactly one" in capsys.readouterr().err


PARALLEL = MockScript(
    rules=[
        ScriptRule(
            user_text="both",
            call="magic_function",
            args={"input": 2},
            also=[{"call": "get_weather", "args": {"location": "Oslo", "unit": "C"}}],
        ),
        ScriptRule(user_text="broken", call="magic_function", args={"input": 2}, raw_args='{"in'),
    ]
)
BOTH = [("magic_function", {"input": 2}), ("get_weather", {"location": "Oslo", "unit": "C"})]


@pytest.fixture(scope="module")
def parallel_server() -> Iterator[MockServer]:
    with MockServer(script=PARALLEL) as srv:
        yield srv


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_rule_answers_parallel_calls_invoked_and_streamed(
    parallel_server: MockServer, provider: str, sync: bool
) -> None:
    m = model(parallel_server, provider, [MAGIC, WEATHER])
    reply = m.invoke("both please") if sync else await m.ainvoke("both please")
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == BOTH
    assert len({c["id"] for c in reply.tool_calls}) == 2
    stream = m.stream("both") if sync else None
    chunks = list(stream) if stream is not None else [c async for c in m.astream("both")]
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged = merged + chunk
    assert [(c["name"], c["args"]) for c in merged.to_message().tool_calls] == BOTH
    # Every called tool must be offered: with get_weather missing the rule does not match.
    assert model(parallel_server, provider, [MAGIC]).invoke("both").text == "Echo: both"


def _post(server: MockServer, provider: str, stream: bool) -> httpx.Response:
    tool = {"type": "function", "function": MAGIC}
    if provider == "anthropic":
        tool = {"name": MAGIC["name"], "input_schema": MAGIC["parameters"]}
    body = {
        "model": "m",
        "max_tokens": 10,
        "stream": stream,
        "messages": [{"role": "user", "content": "broken"}],
        "tools": [tool],
    }
    url = server.openai_base_url + "/chat/completions"
    if provider == "anthropic":
        url = server.anthropic_base_url + "/v1/messages"
    return httpx.post(url, json=body, headers={"x-api-key": "k", "authorization": "Bearer k"})


def test_raw_args_go_as_text_where_the_wire_carries_text(parallel_server: MockServer) -> None:
    chat = _post(parallel_server, "openai", stream=False).json()
    assert chat["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"] == '{"in'
    streamed = _post(parallel_server, "openai", stream=True).text
    fragments = re.findall(r'"arguments":"((?:[^"\\]|\\.)*)"', streamed)
    assert json.loads('"' + "".join(fragments) + '"') == '{"in'
    # A Messages reply carries the input as an object: the script's `args`; its stream
    # carries text fragments: the raw text.
    message = _post(parallel_server, "anthropic", stream=False).json()
    assert message["content"][0]["input"] == {"input": 2}
    events = _post(parallel_server, "anthropic", stream=True).text
    partial = [
        json.loads(line[6:])["delta"]["partial_json"]
        for line in events.splitlines()
        if line.startswith("data: ") and "input_json_delta" in line
    ]
    assert "".join(partial) == '{"in'


def test_parallel_and_raw_rules_are_checked_and_load_from_data() -> None:
    with pytest.raises(ValueError, match="go with call="):
        ScriptRule(reply="a", also=[{"call": "b"}])
    with pytest.raises(ValueError, match="go with call="):
        ScriptRule(reply="a", raw_args="{")
    with pytest.raises(ValueError, match="tool name as 'call'"):
        ScriptRule(call="a", also=[{"args": {}}])
    with pytest.raises(ValueError, match="unknown keys"):
        ScriptRule(call="a", also=[{"call": "b", "colour": "red"}])
    script = MockScript.from_dict(
        {"rules": [{"call": "magic_function", "raw_args": "{", "also": [{"call": "get_weather"}]}]}
    )
    body = {
        "model": "m",
        "messages": [{"role": "user", "content": "x"}],
        "tools": [{"type": "function", "function": f} for f in (MAGIC, WEATHER)],
    }
    decision = script.decide("openai", body)
    assert decision is not None and decision.raw_args == "{"
    assert [(d.tool, dict(d.args)) for d in decision.more] == [
        ("get_weather", {"location": "x", "unit": "C"})  # example arguments by default
    ]
