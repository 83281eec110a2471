"""ChatOpenAI on the Responses API in the probe_y set's scripts (`tests/partners/_probe_y.py`),
with its default output version and with `output_version="responses/v1"` given, and a
reply cache's reply sent back twice; its suite, `test_responses_sidebyside.py`, compares.
The server answers as the API does, its 400s too (a prompt saying FAIL, two input items
of one id, a tool or tool choice in Anthropic's format)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import merged
from tests.partners.compatible.test_openai_probe_y_scripts import openai_scripts
from tests.partners.responses import test_responses_sidebyside as responses_suite
from tests.partners.responses.test_responses_sidebyside import TOOL
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import answer as replying
from tests.partners.responses.test_responses_sidebyside import message_item


def _own_ids(handler: Callable[[Seen], Reply]) -> Callable[[Seen], Reply]:
    """`handler`'s reply, its response's and items' ids its request's own, as the API
    draws each anew: an agent's state keeps replies by id (the suite's one id has a
    second reply take the place of the first), and langchain-openai joins the turns of
    one message id into one input item."""

    def reply(seen: Seen) -> Reply:
        digest = hashlib.sha256(json.dumps(seen.body, sort_keys=True).encode()).hexdigest()
        got = handler(seen)
        pieces = got.pieces
        for kind in (b"resp", b"msg", b"fc", b"call"):
            own = b'"%s_%s"' % (kind, digest[:12].encode())
            pieces = [piece.replace(b'"%s_1"' % kind, own) for piece in pieces]
        return dataclasses.replace(got, pieces=pieces)

    return reply


_TEXT = _own_ids(replying(Script()))
_CALL = _own_ids(replying(TOOL))
_JSON = _own_ids(replying(Script([message_item('{"total": 3}')])))
_FAILED = {"message": "Bad prompt", "type": "invalid_request_error", "param": None, "code": None}
#: The Responses API's refusals of a tool and a tool choice in another API's format.
_NO_TYPE = {
    **_FAILED,
    "message": "Missing required parameter: 'tools[0].type'.",
    "param": "tools[0].type",
    "code": "missing_required_parameter",
}
_CHOICE_TYPES = (
    "function",
    "allowed_tools",
    "custom",
    "mcp",
    "file_search",
    "web_search_preview",
    "computer_use_preview",
    "web_search_preview_2025_03_11",
    "image_generation",
    "code_interpreter",
)
_NOT_A_CHOICE = {
    **_FAILED,
    "message": "Invalid value: 'tool'. Supported values are: "
    + ", ".join(f"'{t}'" for t in _CHOICE_TYPES[:-1])
    + f", and '{_CHOICE_TYPES[-1]}'.",
    "param": "tool_choice.type",
    "code": "invalid_value",
}


def _refused(error: dict[str, Any]) -> Reply:
    return Reply(400, [json.dumps({"error": error}).encode()])


def _duplicate(items: Any) -> str | None:
    """The first id two input items share (the API refuses such an input), or None."""
    ids = [i["id"] for i in items if isinstance(i, dict) and i.get("id")]
    return next((i for n, i in enumerate(ids) if i in ids[:n]), None)


def answer(seen: Seen) -> Reply:
    """A Responses API: a 400 for a prompt that says FAIL, for an input of two items of
    one id and for a tool or tool choice in Anthropic's format (as OpenAI refuses them),
    JSON where a format is asked, a call of the first tool (or the forced one) until the
    input holds its output, text."""
    body = seen.body or {}
    items = body.get("input", [])
    if "FAIL" in json.dumps(items):
        return _refused(_FAILED)
    if (twice := _duplicate(items)) is not None:
        message = f"Duplicate item found with id {twice}. Remove duplicate items from your input "
        message += "and try again."
        return _refused({**_FAILED, "message": message, "param": "input"})
    if any("type" not in tool for tool in body.get("tools", [])):
        return _refused(_NO_TYPE)
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") not in _CHOICE_TYPES:
        return _refused(_NOT_A_CHOICE)
    if ((body.get("text") or {}).get("format") or {}).get("type") in ("json_schema", "json_object"):
        return _JSON(seen)
    called = any(isinstance(i, dict) and i.get("type") == "function_call_output" for i in items)
    if body.get("tools") and not called:
        return _CALL(seen)
    return _TEXT(seen)


def make(cls: Any, url: str, **settings: Any) -> Any:
    return _model(cls, url, **settings)


def make_versioned(cls: Any, url: str, **settings: Any) -> Any:
    """A model given `output_version="responses/v1"` too (what a model dumps, serializes
    and reports reads it), unless the script gives its own."""
    return _model(cls, url, **{"output_version": "responses/v1", **settings})


def cached_turns_again(made: Callable[..., Any]) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        """A reply cache (`cache=InMemoryCache()`) hit by a prompt asked twice: both
        replies (one message, of one message id) in the history sent next, invoked and
        streamed."""
        from langchain_core.caches import InMemoryCache
        from langchain_core.messages import HumanMessage

        model = made(cls, url, cache=InMemoryCache())
        first, again = model.invoke("Hi"), model.invoke("Hi")
        history = [HumanMessage("Hi"), first, HumanMessage("Hi"), again, HumanMessage("Thanks")]
        return {
            "cache_hit": [again.id == first.id, again.content == first.content],
            "invoked": attempted(lambda: model.invoke(history)),
            "streamed": attempted(lambda: merged(list(model.stream(history)))),
        }

    return script


def scripts(made: Callable[..., Any]) -> dict[str, Any]:
    """Every script of the set, each model made by `made`."""
    rows = openai_scripts(made)
    rows["cached_turns_again"] = cached_turns_again(made)
    return rows


#: Each script with the default output version, and with `responses/v1` given (`_v1`).
SCRIPTS = {name: (answer, script) for name, script in scripts(make).items()}
SCRIPTS |= {f"{name}_v1": (answer, script) for name, script in scripts(make_versioned).items()}

_FUNCTION_CHOICE = {"type": "function", "name": "mul"}

FOREIGN_FORMS_WHY = (
    Difference(
        Reason.RAISES,
        "a tool given to a call (`invoke(..., tools=[...])`) is read as a dict of a `type` "
        "before any request: a Python function raises TypeError ('function' object is not "
        "subscriptable), a tool in another API's format (Anthropic's `{'name': ..., "
        "'input_schema': {...}}`) KeyError ('type')",
        "each is converted as `bind_tools` converts it, and sent in the Responses API's form",
    ),
    Difference(
        Reason.REJECTED,
        "a tool choice bound in another API's format (Anthropic's `{'type': 'tool', "
        "'name': ...}`) is sent as given, which OpenAI's API refuses",
        "it is read and sent in the Responses API's form (`{'type': 'function', 'name': ...}`)",
    ),
)


def foreign_forms_kept(outcome: Outcome) -> Outcome:
    """`foreign_tool_forms`'s normaliser: theirs refused the function (TypeError) and
    the foreign tool (KeyError) before any request, and sent the foreign choice as
    given, which the server refused as the API does; ours sent each in the Responses
    API's form and answered, the choice's request theirs but for its choice. Then ours
    is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {
        "function": {"refused": "TypeError"},
        "foreign_tool": {"refused": "KeyError"},
        "foreign_choice": {"refused": "OpenAIInvalidRequestError"},
    }, theirs
    assert len(their_requests) == 1 and len(our_requests) == 3, (their_requests, our_requests)
    sent = their_requests[0]["body"]
    assert sent["tool_choice"] == probe.ANTHROPIC_CHOICE, sent
    assert our_requests[2]["body"] == {**sent, "tool_choice": _FUNCTION_CHOICE}, our_requests
    assert all(
        [t["type"], t["name"]] == ["function", "add"]
        for r in our_requests[:2]
        for t in r["body"]["tools"]
    ), our_requests
    calls = [
        ours[k]["tool_calls"][0]["name"] for k in ("function", "foreign_tool", "foreign_choice")
    ]
    assert calls == ["add", "add", "mul"], ours
    return theirs, theirs, their_requests, their_requests


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    f"{name}{version}": kept
    for name, kept in (
        ("foreign_tool_forms", (FOREIGN_FORMS_WHY, foreign_forms_kept)),
        ("copied_and_pickled", (probe.COPIES_REFUSED, probe.copies_kept)),
    )
    for version in ("", "_v1")
}

SUITE = dataclasses.replace(responses_suite.SUITE.beside(SCRIPTS, DIFFERENCES), answer=None)
test_probe_y_same_as_langchain_openai = SUITE.same_test()
