"""ChatAnthropic in the probe_y set's scripts (`tests/partners/_probe_y.py`), compared as
`test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import merged
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

_TEXT = streamed({"type": "text", "text": "Hello there, friend."})
_JSON = streamed({"type": "text", "text": '{"total": 3}'})
_CALL = streamed(ADD_CALL, stop="tool_use")
_SUM = streamed({**ADD_CALL, "name": "Sum", "input": {"total": 3}}, stop="tool_use")
_NOT_A_TOOL = (
    "tools.0: Input tag 'function' found using 'type' does not match any of the expected "
    "tags: 'custom', 'bash_20250124', 'text_editor_20250124'"
)
_NOT_A_CHOICE = (
    "tool_choice: Input tag 'function' found using 'type' does not match any of the "
    "expected tags: 'auto', 'any', 'tool', 'none'"
)


def _refused(message: str) -> dict[str, Any]:
    """The Messages API's body of a 400: an invalid request, and why."""
    return {"type": "error", "error": {"type": "invalid_request_error", "message": message}}


_FAILED = _refused("Bad prompt")


def answer(seen: Seen) -> Reply:
    """A Messages API: a 400 for a prompt that says FAIL, and for a tool or tool choice in
    OpenAI's format (as the API refuses them), the count endpoint's count, a
    call of the first tool until the conversation holds its result (Sum's where offered),
    JSON where asked, text."""
    body = seen.body or {}
    if seen.path.endswith("/count_tokens"):
        return Reply(200, [json.dumps({"input_tokens": 42}).encode()])
    messages = json.dumps(body.get("messages", []))
    if "FAIL" in messages:
        return Reply(400, [json.dumps(_FAILED).encode()])
    tools = body.get("tools") or []
    if any("name" not in tool for tool in tools):  # (OpenAI's format: no tool of the API)
        return Reply(400, [json.dumps(_refused(_NOT_A_TOOL)).encode()])
    if (body.get("tool_choice") or {}).get("type") == "function":  # (OpenAI's object)
        return Reply(400, [json.dumps(_refused(_NOT_A_CHOICE)).encode()])
    if tools and "tool_result" not in messages:
        return (_SUM if tools[0]["name"] == "Sum" else _CALL)(seen)
    if "JSON" in messages:
        return _JSON(seen)
    return _TEXT(seen)


def make(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", MODEL)
    return cls(api_key=KEY, base_url=url, **settings)


SCRIPTS = {name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()}
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, "claude-sonnet-4-5"))
SCRIPTS["tool_choices"] = (answer, probe.tool_choices(make, ("any", "name", "serial", "strict")))
SCRIPTS["round_trip"] = (answer, probe.round_trip(make, "ANTHROPIC_API_KEY"))

SCRIPTS["foreign_tool_forms"] = (
    answer,
    probe.foreign_tool_forms(make, probe.OPENAI_TOOL, probe.OPENAI_CHOICE),
)


def stream_usage_off(cls: Any, url: str) -> Any:
    """`stream_usage=False`: a text and a tool call streamed, each chunk's content,
    metadata, usage and position, and their sum."""
    model = make(cls, url, stream_usage=False)
    out = {}
    for name, bound in (("text", model), ("call", model.bind_tools([add]))):
        chunks = list(bound.stream("1+2?"))
        pieces = [
            (c.content, c.response_metadata, c.usage_metadata, c.chunk_position) for c in chunks
        ]
        out[name] = {"chunks": pieces, "merged": merged(chunks)}
    return out


SCRIPTS["stream_usage_off"] = (answer, stream_usage_off)


def _model_named(outcome: Outcome) -> Outcome:
    """Theirs streamed the content and the closing chunk (why it stopped); ours the same
    after an opening chunk naming the model, as it streams with the usage asked for. Then
    ours read as theirs, once those are seen."""
    theirs, ours, their_requests, our_requests = outcome
    for name in ("text", "call"):
        mine, their = ours[name], theirs[name]
        (content, metadata, usage, position), *rest = mine["chunks"]
        assert rest == their["chunks"], (mine, their)
        assert not content and usage is None and position is None, mine["chunks"][0]
        assert metadata == {"model_name": MODEL, "model_provider": "anthropic"}, metadata
        shown = dict(mine["merged"]["response_metadata"])
        assert shown.pop("model_name") == MODEL, shown
        assert {**mine["merged"], "response_metadata": shown} == their["merged"], (mine, their)
    return theirs, theirs, their_requests, our_requests


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "foreign_tool_forms": (
        probe.foreign_forms_why(
            "Anthropic",
            "OpenAI's `{'type': 'function', 'function': {...}}`",
            "OpenAI's `{'type': 'function', 'function': {'name': ...}}`",
        ),
        probe.foreign_forms_kept("AnthropicInvalidRequestError"),
    ),
    "stream_usage_off": (
        Difference(
            Reason.LOSES_DATA,
            "with `stream_usage=False` a stream drops, with the usage, its opening chunk: "
            "the merged reply has no `model_name`, which an invoke's reply and a stream "
            "with usage have",
            "the stream streams as it does with usage, the usage left out: its opening chunk "
            "names the model",
        ),
        _model_named,
    ),
}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchain_anthropic = SUITE.same_test()
