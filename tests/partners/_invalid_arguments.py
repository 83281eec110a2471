"""Kept difference of every Chat Completions suite: a tool call whose arguments are not
JSON, invoked (streamed, the drop-in merges chunks as LangChain does and the outcome is the
same)."""

from __future__ import annotations

from tests.partners._sidebyside import Outcome

#: chatplex's reason of arguments that are not JSON, before the decoder's message.
OUR_PREFIX = "arguments are not valid JSON: "

WHY_WORDING = (
    "cosmetic, kept: an invalid call's `error` is worded alike on every chatplex wire and "
    f'in a merged stream as in the invoked reply ("{OUR_PREFIX}<the decoder\'s message>"); '
    "langchain_core's parse_tool_call, which the Chat Completions packages read a reply "
    'with, words it "Function <name> arguments: <the arguments> are not valid JSON. '
    "Received JSONDecodeError <the decoder's message>\" and a troubleshooting link"
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
