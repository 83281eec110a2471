"""ChatOllama in the probe_y set's scripts (`tests/partners/_probe_y.py`), compared as
`test_ollama_sidebyside.py` compares (each UUID of a result numbered by first sight:
langchain-ollama draws a tool call's id per call)."""

from __future__ import annotations

import dataclasses
import json
import re
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
from tests.partners._sidebyside import attempted
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import ADD_CALL
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

_TEXT = ollama_replies()
_JSON = ollama_replies('{"total": 3}')
_CALL = ollama_replies("", tool_calls=ADD_CALL)
_SUM = ollama_replies("", tool_calls=[{"function": {"name": "Sum", "arguments": {"total": 3}}}])
#: What Ollama answers when its runner fails on a prompt.
_FAILED = ollama_replies(status=500, error="llama runner process has terminated: signal: killed")


def _reply(seen: Seen) -> Reply:
    body = seen.body or {}
    messages = body.get("messages") or []
    if "FAIL" in json.dumps(messages):
        return _FAILED(seen)
    names = [(t.get("function") or {}).get("name") for t in body.get("tools") or []]
    if names and names[0] and not any(m.get("role") == "tool" for m in messages):
        return (_SUM if names[0] == "Sum" else _CALL)(seen)
    if body.get("format"):
        return _JSON(seen)
    return _TEXT(seen)


def answer(seen: Seen) -> Reply:
    """An Ollama /api/chat: its runner's 500 for a prompt that says FAIL, a call of the
    first tool (where it has a name) until the conversation holds a tool's result (Sum's
    where offered), JSON where a format is asked, text; each line naming the model
    asked for."""
    reply = _reply(seen)
    asked = (seen.body or {}).get("model")
    if reply.status == 200 and asked:
        lines = [json.loads(piece) for piece in reply.pieces]
        end = b"\n" if reply.content_type == "application/x-ndjson" else b""
        reply.pieces = [json.dumps({**line, "model": asked}).encode() + end for line in lines]
    return reply


def make(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", MODEL)
    return cls(base_url=url, **settings)


SCRIPTS = {name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()}
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, "qwen3"))
# Ollama takes no tool choice: each label's binding is read (or refused) alike.
SCRIPTS["tool_choices"] = (answer, probe.tool_choices(make))
# Its tool form is OpenAI's: Anthropic's is the foreign one.
SCRIPTS["foreign_tool_forms"] = (
    answer,
    probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE),
)
# `counted_trimmed` (of FACTORIES) counts with LangChain's GPT-2 tokenizer, which needs
# transformers: both raise its ImportError where it is missing, as here. A script's own
# counter (`custom_get_token_ids`) counts on either.


def _word_ids(text: str) -> list[int]:
    return [len(word) for word in text.split()]


SCRIPTS["counted_trimmed_own_ids"] = (
    answer,
    probe.counted_trimmed(make, custom_get_token_ids=_word_ids),
)
# No `round_trip`: langchain-ollama's ChatOllama is not serializable (`dumps` writes it
# as not implemented, which `loads` refuses), and it has no key to map.

_configurable = probe.configurable_dropin(make)


def configurable_max_tokens(cls: Any, url: str) -> Any:
    """The set's `configurable_dropin`, which makes `max_tokens` configurable: a field
    neither class has (chatplex's takes it as `num_predict` at construction only). What
    it raises, by class (its words are no promise: LangChain's list the model's fields)."""
    try:
        _configurable(cls, url)
    except ValueError as err:
        return {"refused": type(err).__name__}
    raise AssertionError("expected a refusal")


def configurable_num_predict(cls: Any, url: str) -> Any:
    """`configurable_dropin` with Ollama's own limit: `configurable_fields(temperature=,
    num_predict=)` and `configurable_alternatives` of two models, each chosen."""
    from langchain_core.runnables import ConfigurableField

    model = make(cls, url).configurable_fields(
        temperature=ConfigurableField(id="temp", name="Temperature"),
        num_predict=ConfigurableField(id="most"),
    )
    either = make(cls, url).configurable_alternatives(
        ConfigurableField(id="which"), default_key="a", b=make(cls, url, temperature=0.0)
    )
    return {
        "specs": [(s.id, s.name, s.default) for s in model.config_specs],
        "hot": model.with_config(configurable={"temp": 0.9, "most": 5}).invoke("Hi"),
        "b": either.with_config(configurable={"which": "b"}).invoke("Hi"),
        "a": either.invoke("Hi"),
    }


def scale(xs: list[float], factor: float = 2.0) -> list[float]:
    """Scale numbers."""
    return [x * factor for x in xs]


def call_function_defaulted(cls: Any, url: str) -> Any:
    """A Python function of a list and a defaulted argument given to a call
    (`invoke(..., tools=[scale])`)."""
    return attempted(lambda: make(cls, url).invoke("Scale 1 and 2", tools=[scale]))


del SCRIPTS["configurable_dropin"]
SCRIPTS["configurable_max_tokens"] = (answer, configurable_max_tokens)
SCRIPTS["configurable_num_predict"] = (answer, configurable_num_predict)
SCRIPTS["call_function_defaulted"] = (answer, call_function_defaulted)


def _strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with each text in it (keys too) changed by `change`."""
    if isinstance(value, dict):
        return {_strings(k, change): _strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _numbered_ids(value: Any) -> Any:
    """The suite's reading of a result, each UUID in it (a tool call's id, a run's) as
    its order of first sight: which ids are one id stays seen, not the draw."""
    order: dict[str, str] = {}

    def number(text: str) -> str:
        return _UUID.sub(lambda m: order.setdefault(m[0], f"<uuid{len(order)}>"), text)

    return _strings(ollama_suite.SUITE.result(value), number)


def _limit_kept(limit: int) -> Callable[[Outcome], Outcome]:
    """Theirs sent no limit for `max_tokens=limit` nor showed one (a serialized
    model's repr); ours sent it as `options.num_predict` in each request and shows it:
    read as theirs once both are seen."""
    shown = f"num_predict={limit}, "

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert their_requests and len(their_requests) == len(our_requests), our_requests
        assert "num_predict=" not in json.dumps(theirs, default=str), theirs
        for request in their_requests:
            assert "num_predict" not in request["body"]["options"], request
        for request in our_requests:
            assert request["body"]["options"].pop("num_predict") == limit, request
        return theirs, _strings(ours, lambda s: s.replace(shown, "")), their_requests, our_requests

    return normalise


def _foreign_tool_kept(outcome: Outcome) -> Outcome:
    """Theirs sent Anthropic's tool as `{"type": "function"}` alone (nothing the model
    can call: answered with text); ours sent it in Ollama's form and got its call. Read
    as theirs once both are seen (the function given to a call aside: `NOT_YET`)."""
    theirs, ours, their_requests, our_requests = outcome
    bare = [r for r in their_requests if r["body"]["tools"] == [{"type": "function"}]]
    sent = [r for r in our_requests if r["body"]["tools"] == [probe.OPENAI_TOOL]]
    assert len(bare) == 1 and len(sent) == 2, (their_requests, our_requests)
    assert not theirs["foreign_tool"]["tool_calls"], theirs
    assert [c["name"] for c in ours["foreign_tool"]["tool_calls"]] == ["add"], ours
    their_requests = [r for r in their_requests if r is not bare[0]]
    our_requests = [r for r in our_requests if r is not sent[0]]
    ours = {**ours, "foreign_tool": theirs["foreign_tool"]}
    return theirs, ours, their_requests, our_requests


def _function_schema_kept(outcome: Outcome) -> Outcome:
    """Their `scale` went as the ollama SDK converts a function: `factor` required, its
    default and the list's `items` dropped, each description ''; ours as `bind_tools`
    sends it. Read as theirs once both are seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert len(their_requests) == len(our_requests) == 1, (their_requests, our_requests)
    their_tool = their_requests[0]["body"]["tools"][0]["function"]["parameters"]
    our_tool = our_requests[0]["body"]["tools"][0]["function"]["parameters"]
    assert their_tool == {
        "type": "object",
        "required": ["xs", "factor"],
        "properties": {
            "xs": {"type": "array", "description": ""},
            "factor": {"type": "number", "description": ""},
        },
    }, their_tool
    assert our_tool == {
        "type": "object",
        "required": ["xs"],
        "properties": {
            "xs": {"type": "array", "items": {"type": "number"}},
            "factor": {"type": "number", "default": 2.0},
        },
    }, our_tool
    our_requests = [
        {**r, "body": {**r["body"], "tools": their_requests[0]["body"]["tools"]}}
        for r in our_requests
    ]
    return theirs, ours, their_requests, our_requests


_MAX_TOKENS = ollama_suite.DIFFERENCES["max_tokens_given"][0]
_NAMED_RESULTS = ollama_suite.DIFFERENCES["tool_round_trip"]

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = dict.fromkeys(
    ("agent_checkpointed", "agent_streamed", "react_agent_streamed"), _NAMED_RESULTS
)
DIFFERENCES["callback_arguments"] = (_MAX_TOKENS, _limit_kept(50))
DIFFERENCES["events_metadata"] = (_MAX_TOKENS, _limit_kept(40))
DIFFERENCES["copied_and_pickled"] = (
    Difference(
        Reason.RAISES,
        "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
        "pickled: a TypeError (cannot pickle '_thread.RLock' object) from the ollama "
        "SDK's clients it holds",
        "the copy, or the unpickled model, is the same model: it sends the same request "
        "and reads the reply alike",
    ),
    probe.copies_kept,
)
DIFFERENCES["foreign_tool_forms"] = (
    Difference(
        Reason.LOSES_DATA,
        "a tool given to a call in another API's format (Anthropic's `{'name': ..., "
        "'input_schema': {...}}`) goes through the ollama SDK's Tool model, which keeps "
        "none of its fields: the model is offered a tool of no name, description or "
        "parameters",
        "the tool is read and sent in Ollama's format, as `bind_tools` sends a tool of any format",
    ),
    _foreign_tool_kept,
)

DIFFERENCES["call_function_defaulted"] = (
    Difference(
        Reason.LOSES_DATA,
        "a Python function given to a call (`invoke(..., tools=[scale])`) goes as the "
        "ollama SDK converts it: an argument with a default is sent as required and "
        "without its default, a list argument without the type of its items (and each "
        "argument's description empty where the docstring gives none)",
        "the function is sent as `bind_tools` sends it: its JSON Schema, defaults and "
        "item types included",
    ),
    _function_schema_kept,
)

#: Scripts that differ today, for a cause in a shared module (a strict xfail each).
NOT_YET = {
    "foreign_tool_forms": (
        "a Python function given to a call (`invoke(..., tools=[add])`) is converted by "
        "chatplex/chat/binding.py (to_tool_specs, LangChain's conversion) where "
        "langchain-ollama hands it to the ollama SDK, whose convert_function_to_tool "
        "sends each parameter's docstring description, '' where none; no partner hook "
        "gives a wire its own form of a call's function"
    ),
}

SUITE = dataclasses.replace(
    ollama_suite.SUITE.beside(SCRIPTS, DIFFERENCES), result=_numbered_ids, not_yet=NOT_YET
)
test_probe_y_same_as_langchain_ollama = SUITE.same_test()
