"""A kept difference of every Chat Completions suite: a stream whose tool-call arguments
were cut short (no JSON), merged."""

from __future__ import annotations

from langchain_core.utils.json import parse_partial_json

from tests.partners._sidebyside import Outcome

WHY_CUT_SHORT = (
    "a merged stream is a complete reply, its arguments parsed exactly as the invoked "
    "reply's: arguments cut short are an invalid call saying why (in chatplex's own words "
    "there: a merged chunk does not know its wire; the invoked reply's are the partner's). "
    'LangChain parses a merged stream best-effort: `{"a": 1, "b": ` is a valid call '
    "add(a=1), a tool run with an argument missing (and where nothing parses, an invalid "
    "call whose error is None)"
)


def cut_short_arguments(outcome: Outcome) -> Outcome:
    """Their call, read best-effort from the cut-short arguments, read as ours: the
    invalid call with its reason."""
    theirs, ours, their_requests, our_requests = outcome
    [call] = theirs["tool_calls"]
    [bad] = ours["invalid_tool_calls"]
    assert theirs["invalid_tool_calls"] == [] and ours["tool_calls"] == []
    assert call["name"] == bad["name"] and call["args"] == parse_partial_json(bad["args"])
    assert bad["error"].startswith("arguments are not valid JSON: ")
    theirs = {**theirs, "tool_calls": [], "invalid_tool_calls": ours["invalid_tool_calls"]}
    return theirs, ours, their_requests, our_requests
