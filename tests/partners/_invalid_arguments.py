"""Kept differences of every Chat Completions suite: a tool call whose arguments were cut
short (no JSON), invoked and streamed."""

from __future__ import annotations

from langchain_core.utils.json import parse_partial_json

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason

#: chatplex's reason of arguments that are not JSON, before the decoder's message.
OUR_PREFIX = "arguments are not valid JSON: "

WHY_WORDING = (
    "cosmetic, kept: an invalid call's `error` is worded alike on every chatplex wire and "
    f'in a merged stream as in the invoked reply ("{OUR_PREFIX}<the decoder\'s message>"); '
    "langchain_core's parse_tool_call, which the Chat Completions packages read a reply "
    'with, words it "Function <name> arguments: <the arguments> are not valid JSON. '
    "Received JSONDecodeError <the decoder's message>\" and a troubleshooting link"
)

WHY_CUT_SHORT = Difference(
    Reason.LOSES_DATA,
    "parses a merged stream's arguments best-effort: arguments cut short, "
    '`{"a": 1, "b": `, are a valid call add(a=1), a tool run with an argument missing '
    "(and where nothing parses, an invalid call whose error is None)",
    "a merged stream is a complete reply, its arguments parsed exactly as the invoked "
    "reply's: arguments cut short are an invalid call saying why",
)


def parser_wording(outcome: Outcome) -> Outcome:
    """Our invalid call's error read as theirs, once theirs is seen to be langchain_core's
    wording of the same decoder message."""
    theirs, ours, their_requests, our_requests = outcome
    [mine] = ours["invalid_tool_calls"]
    [other] = theirs["invalid_tool_calls"]
    assert mine["error"].startswith(OUR_PREFIX)
    why = mine["error"].removeprefix(OUR_PREFIX)
    words = f"Function {mine['name']} arguments:\n\n{mine['args']}\n\nare not valid JSON. "
    assert other["error"].startswith(f"{words}Received JSONDecodeError {why}\n")
    ours = {**ours, "invalid_tool_calls": [{**mine, "error": other["error"]}]}
    return theirs, ours, their_requests, our_requests


def cut_short_arguments(outcome: Outcome) -> Outcome:
    """Their call, read best-effort from the cut-short arguments, read as ours: the
    invalid call with its reason."""
    theirs, ours, their_requests, our_requests = outcome
    [call] = theirs["tool_calls"]
    [bad] = ours["invalid_tool_calls"]
    assert theirs["invalid_tool_calls"] == [] and ours["tool_calls"] == []
    assert call["name"] == bad["name"] and call["args"] == parse_partial_json(bad["args"])
    assert bad["error"].startswith(OUR_PREFIX)
    theirs = {**theirs, "tool_calls": [], "invalid_tool_calls": ours["invalid_tool_calls"]}
    return theirs, ours, their_requests, our_requests
