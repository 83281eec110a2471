"""ChatAnthropic in the probe_w set's scripts (`tests/partners/_probe_w.py`), its
v0 image and PDF blocks among them, compared as `test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

import json
from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed


def _make(cls: type, url: str, **settings: object) -> object:
    return cls(model=MODEL, api_key=KEY, base_url=url, **settings)


_TEXT = streamed({"type": "text", "text": "Hello there, friend."})


def _counted(seen: Seen) -> Reply:
    """Anthropic's token counting endpoint's answer; the Messages API's text otherwise."""
    if seen.path.endswith("/count_tokens"):
        return Reply(200, [json.dumps({"input_tokens": 42}).encode()])
    return _TEXT(seen)


def tokens_counted(cls: Any, url: str) -> Any:
    """`get_num_tokens_from_messages` of a conversation with a system turn and a tool
    round, with the tools it offers and without: the counts (Anthropic's endpoint)."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import ToolMessage
    from langchain_core.messages import convert_to_messages

    call = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_01"}
    turns = [AIMessage("", tool_calls=[call]), ToolMessage("3", tool_call_id="toolu_01")]
    history = convert_to_messages([("system", "Be brief."), ("human", "1+2?"), *turns])
    model = _make(cls, url)
    return [
        model.get_num_tokens_from_messages(history, tools=[add]),
        model.get_num_tokens_from_messages(history),
    ]


def newest_models_rules(cls: Any, url: str) -> Any:
    """The newest models' own rules, each call attempted: sampling settings given to
    Fable 5 (none, the default temperature, others), `top_k` given to a call and
    budgeted thinking on Sonnet 5.5, thinking off at `max` effort on Opus 5, and a tool
    forced on Sonnet 5.5."""

    def on(name: str, **settings: Any) -> Any:
        return cls(model=name, api_key=KEY, base_url=url, **settings)

    budgeted = {"type": "enabled", "budget_tokens": 2048}
    calls = {
        "fable_temperature": lambda: on("claude-fable-5", temperature=0.2).invoke("Hi"),
        "fable_top_k": lambda: on("claude-fable-5", top_k=5).invoke("Hi"),
        "fable_plain": lambda: on("claude-fable-5").invoke("Hi"),
        "fable_default_temperature": lambda: on("claude-fable-5", temperature=1).invoke("Hi"),
        "sonnet_top_k_per_call": lambda: on("claude-sonnet-5-5").invoke("Hi", top_k=5),
        "sonnet_budgeted": lambda: on("claude-sonnet-5-5", thinking=budgeted).invoke("Hi"),
        "opus_off_at_max": lambda: on(
            "claude-opus-5", thinking={"type": "disabled"}, reasoning_effort="max"
        ).invoke("Hi"),
        "sonnet_forced": lambda: (
            on("claude-sonnet-5-5").bind_tools([add], tool_choice="add").invoke("1+2?")
        ),
    }
    return {name: attempted(call) for name, call in calls.items()}


SCRIPTS = probe.rows(_make, _TEXT, (*probe.EVERY_WIRE, "v0_base64_blocks"))
SCRIPTS["tokens_counted"] = (_counted, tokens_counted)
SCRIPTS["newest_models_rules"] = (_TEXT, newest_models_rules)
_SUM_CALL = {"type": "tool_use", "id": "toolu_01", "name": "Sum", "input": {"total": 3}}
SCRIPTS |= probe.rows(_make, streamed(_SUM_CALL, stop="tool_use"), ("structured_streamed",))

SUITE = anthropic_suite(SCRIPTS)
test_probe_w_same_as_langchain_anthropic = SUITE.same_test()
