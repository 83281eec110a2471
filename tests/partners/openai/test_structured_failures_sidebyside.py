"""Structured output whose reply does not fit, side by side: langchain-openai's classes
(ChatOpenAI on both APIs, AzureChatOpenAI) and those built on its `BaseChatOpenAI`
(ChatXAI, ChatDeepSeek, ChatTogether), each call made with the partner's class and with
chatplex's against the same scripted mock server. What a script's `except` sees is
compared: the class raised (and which of the classes a script catches it is), its
first line of words, or what came back.

- A reply cut at the output-token limit (finish reason "length") of a `response_format`
  call: the openai SDK's parse() raises `openai.LengthFinishReasonError`, whole or
  streamed (its helper: at the cut chunk for a class's format, at the end for JSON
  mode), whether or not the text is whole JSON.
- An empty reply to a class's format: langchain-openai's parser's ValueError, not
  LangChain's `OutputParserException`.
- A streamed reply that cannot begin JSON: the SDK helper's partial read raises jiter's
  ValueError.
- The Responses API's stream: JSON not of the class raises pydantic's error, text
  that is no JSON langchain-openai's ValueError; its call given an empty text, the
  SDK's parse() raises pydantic's error.

A tool call whose arguments are a JSON list (`bind_tools`, invoked) is a kept
difference: langchain-openai raises pydantic's error building the message.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.exceptions import OutputParserException
from pydantic import BaseModel
from pydantic import ValidationError

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule
from tests.langchain.agents_matrix._kit import WIRES
from tests.langchain.agents_matrix._kit import chatplex_class
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import module_loop

openai = pytest.importorskip("openai")
pytest.importorskip("langchain_openai")


class Answer(BaseModel):
    """An answer."""

    total: int


#: What the server answers, by name: (the scripted rule's answer, cut at the limit).
REPLIES: dict[str, tuple[dict[str, Any], bool]] = {
    "cut": ({"reply": '{"total": '}, True),
    "whole_but_cut": ({"reply": '{"total": 3}'}, True),
    "empty": ({"reply": ""}, False),
    "no_json": ({"reply": "Sure! {"}, False),
    "missing_field": ({"reply": "{}"}, False),
    "wrong_type": ({"reply": '{"total": "three"}'}, False),
    "list_arguments": ({"call": "add", "raw_args": "[1, 2]", "args": {"a": 1}}, False),
}

#: The classes a script catches a structured-output failure with.
CAUGHT = (openai.LengthFinishReasonError, OutputParserException, ValidationError, ValueError)

#: One loop for every async call: langchain-openai shares its default async client
#: across models, bound to the loop that first used it.
_LOOP, _shared_clients_closed = module_loop()


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


def _answering(server: MockServer, reply: str) -> None:
    answer, cut = REPLIES[reply]
    rule = ScriptRule(**answer)
    server.settings.script = MockScript(rules=[rule], obey_tool_choice=False, answer_schema=False)
    server.settings.stop_at_limit = cut


def _model(cls: Any, wire: str, url: str) -> Any:
    return cls(**WIRES[wire].settings(url))


def _outcome(run: Any) -> Any:
    """What `run` gave (plain data), or what it raised: the classes a script catches
    it with, its class's name and its first line of words."""
    try:
        got = run()
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return {
            "raised": type(exc).__name__,
            "caught": {c.__name__: isinstance(exc, c) for c in CAUGHT},
            "words": str(exc).partition("\n")[0],
        }
    return got.model_dump() if isinstance(got, BaseModel) else got


def _structured(model: Any, method: str, how: str, include_raw: bool) -> Any:
    structured = model.with_structured_output(Answer, method=method, include_raw=include_raw)

    def run() -> Any:
        if how == "invoke":
            got = structured.invoke("1+2?")
        elif how == "stream":
            got = list(structured.stream("1+2?"))
        else:

            async def pieces() -> list[Any]:
                return [piece async for piece in structured.astream("1+2?")]

            got = _LOOP.run_until_complete(pieces())
        if include_raw and isinstance(got, dict):
            error = got["parsing_error"]
            return {"parsed": got["parsed"], "error": None if error is None else type(error)}
        return got

    return _outcome(run)


def _both(server: MockServer, wire: str, script: Any) -> tuple[Any, Any]:
    partner = WIRES[wire].partner()
    ours = chatplex_class(WIRES[wire].cls)
    try:
        return script(_model(partner, wire, server.url)), script(_model(ours, wire, server.url))
    finally:
        server.settings.stop_at_limit = False


#: (wire, reply, method, how, include_raw) compared; async once a kind (the same reading).
CASES = [
    *[
        (wire, reply, method, how, False)
        for wire in ("openai", "azure", "xai", "deepseek", "together")
        for reply in ("cut", "whole_but_cut")
        for method in ("json_schema", "json_mode")
        for how in ("invoke", "stream")
        # (langchain-deepseek's json_schema is a tool call: no response_format)
        if (wire, method) != ("deepseek", "json_schema")
    ],
    ("openai", "cut", "json_schema", "astream", False),
    ("openai", "whole_but_cut", "json_mode", "astream", False),
    *[
        (wire, "empty", "json_schema", how, raw)
        for wire in ("openai", "xai", "together")
        for how in ("invoke", "stream")
        for raw in (False, True)
        if wire == "openai" or not raw
    ],
    *[(wire, "no_json", "json_schema", "stream", False) for wire in ("openai", "azure", "xai")],
    ("openai", "no_json", "json_schema", "astream", False),
    *[
        ("responses", reply, "json_schema", "stream", False)
        for reply in ("missing_field", "wrong_type", "no_json", "empty", "cut")
    ],
    ("responses", "wrong_type", "json_schema", "astream", False),
    # (the SDK's Responses parse() reads an empty output text too: pydantic's error,
    # raised by the call, so `include_raw` does not catch it)
    *[("responses", "empty", "json_schema", "invoke", raw) for raw in (False, True)],
]


@pytest.mark.parametrize(("wire", "reply", "method", "how", "include_raw"), CASES)
def test_a_structured_reply_that_does_not_fit_fails_as_under_the_partner(
    mock: MockServer, wire: str, reply: str, method: str, how: str, include_raw: bool
) -> None:
    _answering(mock, reply)
    theirs, ours = _both(mock, wire, lambda m: _structured(m, method, how, include_raw))
    assert ours == theirs
    # (each case is a failure the partner shows, not a reply that parsed)
    assert isinstance(theirs, dict) and ("raised" in theirs or theirs.get("error")), theirs


def test_a_cut_reply_carries_the_sdk_completion_as_under_the_partner(mock: MockServer) -> None:
    """The error's `completion` (the SDK's ChatCompletion, its usage counted) and
    `.response` (the call's HTTP response), which a script reads to see how far it got."""

    def script(model: Any) -> Any:
        try:
            model.with_structured_output(Answer, method="json_schema").invoke("1+2?")
        except openai.LengthFinishReasonError as err:
            completion = err.completion
            return {
                "finish": [c.finish_reason for c in completion.choices],
                "usage": completion.usage.model_dump(),
                "status": err.response.status_code,  # type: ignore[attr-defined]
            }
        raise AssertionError("no LengthFinishReasonError")

    _answering(mock, "cut")
    theirs, ours = _both(mock, "openai", script)
    assert ours == theirs
    assert theirs["finish"] == ["length"]


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _list_arguments(model: Any, how: str) -> Any:
    def run() -> Any:
        bound = model.bind_tools([add])
        if how == "invoke":
            reply = bound.invoke("add 1 and 2")
        else:
            reply = None
            for chunk in bound.stream("add 1 and 2"):
                reply = chunk if reply is None else reply + chunk
        return {"tool_calls": reply.tool_calls, "invalid": reply.invalid_tool_calls}

    return _outcome(run)


LIST_ARGUMENTS = Difference(
    Reason.RAISES,
    "a reply whose tool call's arguments are JSON but no object (`[1, 2]`, a string, a "
    "number; a Responses stream's too) raises pydantic's ValidationError building the "
    "message (`tool_calls.0.args: Input should be a valid dictionary`): the whole reply "
    "is lost",
    "the reply comes back with the call in `invalid_tool_calls`, its arguments as sent "
    "and why (`arguments must be a JSON object, got list`)",
)


def _list_kept(outcome: Outcome) -> Outcome:
    """Their ValidationError, our invalid call: read as theirs once both are seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["raised"] == "ValidationError", theirs
    assert "valid dictionary" in theirs["words"] or "AIMessage" in theirs["words"], theirs
    (call,) = ours["invalid"]
    assert not ours["tool_calls"] and call["name"] == "add" and call["args"] == "[1, 2]"
    # (a merged stream's as LangChain's merge reads such a call: no error)
    assert call["error"] in ("arguments must be a JSON object, got list", None), call
    return theirs, theirs, their_requests, our_requests


#: script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {"tool_arguments_a_json_list": (LIST_ARGUMENTS, _list_kept)}


@pytest.mark.parametrize(
    ("wire", "how"),
    [("openai", "invoke"), ("responses", "invoke"), ("responses", "stream"), ("xai", "invoke")],
)
def test_tool_arguments_that_are_a_json_list_are_kept_invalid(
    mock: MockServer, wire: str, how: str
) -> None:
    _answering(mock, "list_arguments")
    theirs, ours = _both(mock, wire, lambda model: _list_arguments(model, how))
    _why, read = DIFFERENCES["tool_arguments_a_json_list"]
    theirs, ours, _, _ = read((theirs, ours, [], []))
    assert ours == theirs
