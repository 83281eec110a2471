"""ChatWatsonx in the probe_y set's scripts (`tests/partners/_probe_y.py`), compared as
`test_watsonx_sidebyside.py` compares: the chat requests alone (langchain-ibm's asks
IAM, the project and the model list when built), each with the headers a script
decides. The server answers IAM and watsonx.ai's text chat API as they answer, each
reply naming the model asked for."""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Suite
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import assert_sound_tables
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import mul
from tests.partners._sidebyside import observe
from tests.partners.watsonx.test_watsonx_sidebyside import _BUILT_OFFLINE
from tests.partners.watsonx.test_watsonx_sidebyside import _STOP_PER_CALL
from tests.partners.watsonx.test_watsonx_sidebyside import MODEL
from tests.partners.watsonx.test_watsonx_sidebyside import TOKEN
from tests.partners.watsonx.test_watsonx_sidebyside import USAGE
from tests.partners.watsonx.test_watsonx_sidebyside import _chat_request
from tests.partners.watsonx.test_watsonx_sidebyside import _partner
from tests.partners.watsonx.test_watsonx_sidebyside import _partner_installed  # noqa: F401
from tests.partners.watsonx.test_watsonx_sidebyside import _reply
from tests.partners.watsonx.test_watsonx_sidebyside import _service
from tests.partners.watsonx.test_watsonx_sidebyside import ours
from tests.partners.watsonx.test_watsonx_sidebyside import theirs

#: The other model `usage_by_model` counts apart.
OTHER = "meta-llama/llama-3-3-70b-instruct"
#: The variables langchain-ibm reads its settings from: unset for the scripts.
ENV = tuple(
    f"WATSONX_{name}"
    for name in ("URL", "API_KEY", "APIKEY", "TOKEN", "PROJECT_ID", "SPACE_ID", "PASSWORD")
)
_ADD = {"name": "add", "arguments": '{"a": 1, "b": 2}'}
_SUM = {"name": "Sum", "arguments": '{"total": 3}'}
#: watsonx.ai's 400 for a prompt it refuses (IBM's error body).
_FAILED = {
    "errors": [{"code": "invalid_input_argument", "message": "Bad prompt"}],
    "trace": "t-1",
    "status_code": 400,
}


def _invalid(message: str) -> Reply:
    """watsonx.ai's 400 for a request its schema refuses."""
    error = {
        "code": "json_validation_error",
        "message": f"Json document validation error: {message}",
    }
    return Reply(400, [json.dumps({**_FAILED, "errors": [error]}).encode()])


def _named(reply: dict[str, Any], model: str) -> dict[str, Any]:
    return {**reply, "model_id": model, "model": model}


def _whole(drawn: str, model: str, content: str, call: dict[str, Any] | None) -> bytes:
    """The chat API's reply: `content`, or a call of `call` (its name and arguments)."""
    if call is None:
        reply = _reply({"role": "assistant", "content": content})
    else:
        called = {"id": f"call-{drawn}", "type": "function", "function": call}
        reply = _reply({"role": "assistant", "content": "", "tool_calls": [called]}, "tool_calls")
    return json.dumps({**_named(reply, model), "id": f"chat-{drawn}"}).encode()


def _streamed(drawn: str, model: str, content: str, call: dict[str, Any] | None) -> bytes:
    """The chat stream's events: the role, `content` in two pieces (or the call: its
    name, then its arguments in two pieces), the finish reason with the usage."""
    head = {"id": f"chat-{drawn}", "model_id": model, "model": model, "created": 1700000000}
    if call is None:
        half = len(content) // 2
        deltas = [{"role": "assistant", "content": ""}]
        deltas += [{"content": content[:half]}, {"content": content[half:]}]
        finish = "stop"
    else:
        start = {"index": 0, "id": f"call-{drawn}", "type": "function"}
        named = {**start, "function": {"name": call["name"], "arguments": ""}}
        args = call["arguments"]
        pieces = (args[: len(args) // 2], args[len(args) // 2 :])
        deltas = [{"role": "assistant", "content": "", "tool_calls": [named]}]
        deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": p}}]} for p in pieces]
        finish = "tool_calls"
    events = [
        {**head, "choices": [{"index": 0, "finish_reason": None, "delta": d}]} for d in deltas
    ]
    last = {"index": 0, "finish_reason": finish, "delta": {"content": ""}}
    events.append({**head, "choices": [last], "usage": USAGE})
    return b"".join(
        b"id: %d\nevent: message\ndata: %s\n\n" % (i, json.dumps(e).encode())
        for i, e in enumerate(events)
    )


def _specs() -> Reply:
    """The model list langchain-ibm reads when built: both models of the scripts."""
    specs = [{"model_id": m, "functions": [{"id": "text_chat"}]} for m in (MODEL, OTHER)]
    return Reply(pieces=[json.dumps({"resources": specs}).encode()])


def answer(seen: Seen) -> Reply:
    """IAM and watsonx.ai: the token, the project, the model list; the chat API's 400
    for a prompt that says FAIL and for a tool or tool choice in another API's form, a
    call of the first tool until the conversation holds a tool's result (Sum's where
    offered), JSON where a format is asked, text; each reply (a stream: its events)
    naming the model asked for."""
    if "foundation_model_specs" in seen.path:
        return _specs()
    if not seen.path.startswith("/ml/v1/text/chat"):
        return _service(seen)
    body = seen.body or {}
    messages = body.get("messages") or []
    if "FAIL" in json.dumps(messages):
        return Reply(400, [json.dumps(_FAILED).encode()])
    tools = body.get("tools") or []
    if any("function" not in tool for tool in tools):  # (another API's form)
        return _invalid("tools[0].function is required")
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and "function" not in choice:
        return _invalid("tool_choice.function is required")
    names = [tool["function"].get("name") for tool in tools]
    call = None
    if names and not any(m.get("role") == "tool" for m in messages):
        call = _SUM if names[0] == "Sum" else _ADD
    content = '{"total": 3}' if body.get("response_format") else "Hello there"
    model = body.get("model_id") or MODEL
    # The API draws a reply's id and its calls' afresh: here one per conversation, the
    # same for both sides (an agent's history keeps each reply by its id).
    drawn = hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()[:8]
    if seen.path.startswith("/ml/v1/text/chat_stream"):
        events = _streamed(drawn, model, content, call)
        return Reply(pieces=[events], content_type="text/event-stream")
    return Reply(pieces=[_whole(drawn, model, content, call)])


def make(cls: Any, url: str, **settings: Any) -> Any:
    """`cls` built as the suite builds it (langchain-ibm's on IBM Cloud's URL, sent to the
    server; the drop-in on the server's); a script's `model=` names the `model_id`."""
    if "model" in settings:
        settings["model_id"] = settings.pop("model")
    if cls is chatplex.langchain.ChatWatsonx:
        return ours(url, **settings)
    return theirs(**settings)


def _word_ids(text: str) -> list[int]:
    return [len(word) for word in text.split()]


SCRIPTS = {name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()}
SCRIPTS["usage_by_model"] = (answer, probe.usage_by_model(make, OTHER))
# The chat API's choices: `tool_choice_option` ("required"; "any" read as it) and a
# `tool_choice` naming a tool, and a strict tool (it has no `parallel_tool_calls`:
# `serial_calls_refused`).
SCRIPTS["tool_choices"] = (answer, probe.tool_choices(make, ("any", "required", "name", "strict")))
# `counted_trimmed` (of FACTORIES) counts with LangChain's GPT-2 tokenizer, which needs
# transformers: both raise its ImportError where it is missing. A script's own counter
# (`custom_get_token_ids`) counts on either.
SCRIPTS["counted_trimmed_own_ids"] = (
    answer,
    probe.counted_trimmed(make, custom_get_token_ids=_word_ids),
)
# Its tool form is OpenAI's: Anthropic's is the foreign one. langchain-ibm refuses
# Anthropic's choice when it is bound, before the calls: the script's whole outcome, and
# the calls' forms with a choice of the API's own form.
_foreign_forms = probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE)
SCRIPTS["foreign_tool_forms"] = (
    answer,
    lambda cls, url: attempted(lambda: _foreign_forms(cls, url)),
)
SCRIPTS["foreign_tools_in_a_call"] = (
    answer,
    probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.OPENAI_CHOICE),
)


def native_tool_in_a_call(cls: Any, url: str) -> Any:
    """A tool in the chat API's own form given to a call (`invoke(..., tools=[...])`)."""
    return attempted(lambda: make(cls, url).invoke("1+2?", tools=[probe.OPENAI_TOOL]))


SCRIPTS["native_tool_in_a_call"] = (answer, native_tool_in_a_call)


def serial_calls_refused(cls: Any, url: str) -> Any:
    """`bind_tools(..., parallel_tool_calls=False)` (the "serial" choice of
    `tool_choices`, a field the chat API has not), invoked: what a script's `except
    TypeError` sees (langchain-ibm's is TypeError's own class, chatplex's its subclass
    naming the setting), before any request."""
    bound = make(cls, url).bind_tools([add, mul], parallel_tool_calls=False)
    try:
        bound.invoke("2*3?")
    except TypeError:
        return "refused: a TypeError"
    raise AssertionError("parallel_tool_calls was taken")


SCRIPTS["serial_calls_refused"] = (answer, serial_calls_refused)
# No `round_trip`: langchain-ibm's ChatWatsonx is not serializable (`is_lc_serializable`
# is False: `dumps` writes it as not implemented, which `loads` refuses).


def _chat_only(seen: Seen) -> Any:
    """A chat request as the suite compares it, IAM's token (its expiry drawn when the
    suite is imported: a recording holds another) named as such; None for IAM's and
    the service's (asked by langchain-ibm when built, by chatplex at its first call)."""
    if not seen.path.startswith("/ml/v1/text/"):
        return None
    request = _chat_request(seen)
    if request["headers"].get("authorization") == f"Bearer {TOKEN}":
        request["headers"]["authorization"] = "Bearer <IAM's token>"
    return request


def _stop_sequences_kept(outcome: Outcome) -> Outcome:
    """Theirs sent each call's stop as `stop_sequences`, ours as the chat API's `stop`
    (the same words; no request of either sent the other field): ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert len(their_requests) == len(our_requests), (their_requests, our_requests)
    read = []
    for their, our in zip(their_requests, our_requests, strict=True):
        body = dict(our["body"])
        assert "stop" not in their["body"] and "stop_sequences" not in body, (their, our)
        if "stop_sequences" in their["body"]:
            body["stop_sequences"] = body.pop("stop")
            assert body["stop_sequences"] == their["body"]["stop_sequences"], (their, our)
        read.append({**our, "body": body})
    assert read != our_requests, our_requests  # (a call's stop among them)
    return theirs, ours, their_requests, in_order(read)


#: An object's address in a repr: drawn per run (a recording holds another).
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _read(value: Any) -> Any:
    """A script's result as the suite observes it, each object's address masked."""
    return _strings(observe(value), lambda text: _ADDRESS.sub(" at 0x…", text))


#: langchain-ibm's SDK client, in its repr (the `dumpd` callbacks get).
_CLIENT_SHOWN = re.compile(
    r", watsonx_model=<ibm_watsonx_ai\.foundation_models\.inference\.model_inference"
    r"\.ModelInference object at 0x…>"
)


def _unbuilt_client_kept(outcome: Outcome) -> Outcome:
    """Their model's repr shows the SDK client its constructor built (`watsonx_model=
    <...ModelInference object at 0x...>`), ours none (nothing built, nothing asked):
    theirs read without it, once each repr of theirs is seen to show it."""
    theirs, ours, their_requests, our_requests = outcome
    text = json.dumps(theirs, ensure_ascii=False)
    shown = _CLIENT_SHOWN.findall(text)
    assert len(shown) == text.count("ChatWatsonx(") > 0, theirs
    assert "watsonx_model" not in json.dumps(ours), ours
    theirs = _strings(theirs, lambda text: _CLIENT_SHOWN.sub("", text))
    return theirs, ours, their_requests, our_requests


def _stop_and_client_kept(outcome: Outcome) -> Outcome:
    """`callback_arguments`: its stop read as in `_stop_sequences_kept`, its repr as in
    `_unbuilt_client_kept`."""
    return _unbuilt_client_kept(_stop_sequences_kept(outcome))


def _strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with each text in it changed by `change`."""
    if isinstance(value, dict):
        return {k: _strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [_strings(v, change) for v in value]
    return change(value) if isinstance(value, str) else value


def _calls_of_add(answered: Any) -> bool:
    return [c["name"] for c in answered["tool_calls"]] == ["add"]


def _foreign_choice_kept(outcome: Outcome) -> Outcome:
    """Theirs refused Anthropic's choice at `bind_tools` (KeyError), before the script's
    calls and any request; ours bound it in the API's form, and sent and answered each
    of the script's three calls. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "KeyError"} and not their_requests, (theirs, their_requests)
    assert all(_calls_of_add(ours[k]) for k in ("function", "foreign_tool")), ours
    assert ours["foreign_choice"]["tool_calls"] and len(our_requests) == 3, our_requests
    forced = [r["body"].get("tool_choice") for r in our_requests]
    assert {"type": "function", "function": {"name": "mul"}} in forced, forced
    return theirs, theirs, their_requests, their_requests


def _foreign_tools_kept(outcome: Outcome) -> Outcome:
    """Theirs refused the function given to a call (TypeError) before any request, and
    sent Anthropic's tool as given, which the API refused (ApiRequestFailure); ours sent
    each in the API's form and got its call. The choice of the API's own form, the
    same. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["function"] == {"refused": "TypeError"}, theirs
    assert theirs["foreign_tool"] == {"refused": "ApiRequestFailure"}, theirs
    assert all(_calls_of_add(ours[k]) for k in ("function", "foreign_tool")), ours
    assert ours["foreign_choice"] == theirs["foreign_choice"], (ours, theirs)
    as_given = [r for r in their_requests if r["body"]["tools"] == [probe.ANTHROPIC_TOOL]]
    converted = [r for r in our_requests if r["body"]["tools"] == [probe.OPENAI_TOOL]]
    assert len(as_given) == 1 and len(converted) == 2, (their_requests, our_requests)
    rest = [r for r in our_requests if r not in converted]
    assert rest == [r for r in their_requests if r not in as_given], (rest, their_requests)
    return theirs, theirs, their_requests, their_requests


_COPIES_REFUSED = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
    "pickled: a TypeError (cannot pickle '_thread.RLock' object) from the ibm-watsonx-ai "
    "client it holds",
    probe.COPIES_REFUSED.chatplex,
)
_FOREIGN_CHOICE = Difference(
    Reason.RAISES,
    "a tool choice in another API's format (Anthropic's `{'type': 'tool', 'name': ...}`) "
    "raises a KeyError ('function') at `bind_tools`",
    "the choice is read and bound in watsonx.ai's form (`{'type': 'function', "
    "'function': {'name': ...}}`), and sent",
)
_FOREIGN_TOOLS = (
    probe.FUNCTION_REFUSED,
    Difference(
        Reason.REJECTED,
        "a tool given to a call in another API's format (Anthropic's `{'name': ..., "
        "'input_schema': {...}}`) is sent as given, which watsonx.ai's chat API refuses",
        "the tool is read and sent in watsonx.ai's format, as `bind_tools` sends a tool of "
        "any format",
    ),
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "cache_keys": (_STOP_PER_CALL, _stop_sequences_kept),
    "global_cache": (_STOP_PER_CALL, _stop_sequences_kept),
    "callback_arguments": (
        (_STOP_PER_CALL, _BUILT_OFFLINE),
        _stop_and_client_kept,
    ),
    "profiled_and_tagged": (_BUILT_OFFLINE, _unbuilt_client_kept),
    "copied_and_pickled": (_COPIES_REFUSED, probe.copies_kept),
    "foreign_tool_forms": (_FOREIGN_CHOICE, _foreign_choice_kept),
    "foreign_tools_in_a_call": (_FOREIGN_TOOLS, _foreign_tools_kept),
}

#: Scripts that differ today, for a cause in a shared module (a strict xfail each).
NOT_YET: dict[str, str] = {}


def _chats(outcome: Outcome) -> Outcome:
    """`outcome` with the chat requests alone."""
    theirs, ours, their_requests, our_requests = outcome
    return (
        theirs,
        ours,
        [r for r in their_requests if r is not None],
        [r for r in our_requests if r is not None],
    )


@functools.cache
def _suite() -> Suite:
    """The scripts' suite (made at the first test: the module is read without
    langchain-ibm, for the documentation's tables). Its kept differences are read by
    the test, once the chat requests alone are left."""
    return Suite(
        SCRIPTS,
        _partner(),
        chatplex.langchain.ChatWatsonx,
        {},
        result=_read,
        request=_chat_only,
        collect=True,
        env=ENV,
    )


#: A configurable copy is built from every field, `apikey=None` beside `api_key`
#: among them: langchain-ibm's UserWarning, the drop-in's alike
#: (test_watsonx_sidebyside.py compares them); not an error here.
_COPY_WARNED = pytest.mark.filterwarnings(
    "ignore:Both 'api_key' and deprecated 'apikey' were provided:UserWarning"
)


def _marks(name: str) -> list[Any]:
    marks = [_COPY_WARNED] if name.startswith("configurable") else []
    if name in NOT_YET:
        marks.append(pytest.mark.xfail(strict=True, reason=NOT_YET[name]))
    return marks


@pytest.fixture(autouse=True)
def _to_the_server(cloud: ScriptedServer) -> None:
    """langchain-ibm's requests to IBM Cloud sent to the module's server."""


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=_marks(n)) for n in sorted(SCRIPTS)],
)
def test_probe_y_same_as_langchain_ibm(name: str, server: ScriptedServer) -> None:
    outcome = _chats(_suite().run(name, server))
    assert_same(kept_out(outcome, DIFFERENCES, name))


def test_at_least_25_scripts() -> None:
    assert_sound_tables(SCRIPTS, DIFFERENCES, NOT_YET)
