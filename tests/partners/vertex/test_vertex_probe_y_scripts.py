"""ChatVertexAI in the probe_y set's scripts (`tests/partners/_probe_y.py`), answered as
the Gemini module's server answers (`test_google_probe_y_scripts.py`) and compared as
`test_vertex_sidebyside.py` compares. `round_trip` runs with google-auth's default
credentials patched: a model loaded from a dump has none of its own, and would ask
Google's metadata server for some (its class declares no secret: the script's secrets
map names none of its)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import in_order
from tests.partners.google.test_google_probe_y_scripts import ANTHROPIC_OBJECT_REFUSED
from tests.partners.google.test_google_probe_y_scripts import answering
from tests.partners.google.test_google_probe_y_scripts import call_ids_masked
from tests.partners.google.test_google_probe_y_scripts import choice_object_kept
from tests.partners.google.test_google_probe_y_scripts import gemini_scripts
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import _run_their_async
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

answer = answering(vertex_replies)
make = model

SCRIPTS = {name: (answer, script) for name, script in gemini_scripts(make).items()}
#: Their async calls fail over REST once the reply is in (the suite's `ainvoke_text`).
for _name in ("events_metadata", "batch_failing_row"):
    SCRIPTS[_name] = (answer, _run_their_async(probe.FACTORIES[_name](make)))
SCRIPTS["v3_tokens"] = (answer, probe.v3_tokens(make, asynchronous=False))
SCRIPTS["v3_events"] = (answer, probe.v3_events(make, asynchronous=False))
SCRIPTS["v3_events_v1"] = (answer, probe.v3_events_v1(make, asynchronous=False))


def _default_credentials(script: probe.Script) -> probe.Script:
    """`script` with google-auth's Application Default Credentials the suite's fixed
    token (a model loaded from a dump has none of its own): no metadata server asked."""

    def run(cls: Any, url: str) -> Any:
        import google.auth

        found = (vertex_suite.oauth2.Credentials(token=vertex_suite.TOKEN), vertex_suite.PROJECT)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(google.auth, "default", lambda *a, **k: found)
            return script(cls, url)

    return run


SCRIPTS["round_trip"] = (answer, _default_credentials(probe.round_trip(make, "CREDENTIALS")))


def _pairs(theirs: Any, ours: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """The dicts at the same place in both results, outermost first."""
    if isinstance(theirs, dict) and isinstance(ours, dict):
        yield theirs, ours
        for key in set(theirs) & set(ours):
            yield from _pairs(theirs[key], ours[key])
    elif isinstance(theirs, list) and isinstance(ours, list):
        for their_item, our_item in zip(theirs, ours, strict=False):
            yield from _pairs(their_item, our_item)


def _float_texts(theirs: Any, ours: Any) -> int:
    """Our calls' arguments as JSON text (a function call's `arguments`, a chunk's
    `args`) read as theirs (numbers as floats, keys in proto order), once each is seen
    to hold the same values: how many."""
    read = 0
    for their_dict, our_dict in _pairs(theirs, ours):
        for key in ("arguments", "args"):
            their_text, our_text = their_dict.get(key), our_dict.get(key)
            if isinstance(their_text, str) and isinstance(our_text, str) and their_text != our_text:
                assert json.loads(their_text) == json.loads(our_text), (their_text, our_text)
                assert ".0" in their_text and ".0" not in our_text, (their_text, our_text)
                our_dict[key] = their_text
                read += 1
    return read


def _finish_words(theirs: Any, ours: Any) -> int:
    """Their stream's finish words read as ours: `FINISH_REASON_UNSPECIFIED` on a chunk
    before the last (none on ours) left out, and the merged `FINISH_REASON_UNSPECIFIEDSTOP`
    read as our `STOP`: how many."""
    read = 0
    for their_dict, our_dict in _pairs(theirs, ours):
        said = their_dict.get("finish_reason")
        if said == "FINISH_REASON_UNSPECIFIED" and "finish_reason" not in our_dict:
            del their_dict["finish_reason"]
            read += 1
        elif said == "FINISH_REASON_UNSPECIFIEDSTOP" and our_dict.get("finish_reason") == "STOP":
            their_dict["finish_reason"] = "STOP"
            read += 1
    return read


def kept(*readers: Callable[[Any, Any], int]) -> Callable[[Outcome], Outcome]:
    """The normaliser of a script whose results show each kept difference `readers`
    read (each at least once): the results so read, the requests as they are."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        for read in readers:
            assert read(theirs, ours), (read.__name__, theirs, ours)
        return theirs, ours, their_requests, our_requests

    return normalise


def _async_crashed(outcome: Outcome) -> Outcome:
    """Theirs raised once its async call's reply was in (the same requests went out);
    ours gave the script's result. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"crashed": True}, theirs
    assert our_requests == their_requests and our_requests, (their_requests, our_requests)
    assert isinstance(ours, (dict, list)) and ours, ours
    return ours, ours, their_requests, our_requests


def _any_and_floats(outcome: Outcome) -> Outcome:
    """Their 'required' choice forced a function of that name (`allowedFunctionNames:
    ['required']`), which the model then called; ours any declared function, `add`
    called: read as theirs once each is seen, the arguments as `_float_texts` reads them."""
    theirs, ours, their_requests, our_requests = outcome
    mine = ours["required"]
    assert theirs["required"]["tool_calls"][0]["name"] == "required", theirs["required"]
    assert mine["tool_calls"][0]["name"] == "add", mine
    mine["tool_calls"][0]["name"] = mine["additional_kwargs"]["function_call"]["name"] = "required"
    _float_texts(theirs, ours)
    configs, mine = _choice_configs(their_requests), _choice_configs(our_requests)
    index = configs.index({"mode": "ANY", "allowedFunctionNames": ["required"]})
    any_declared = {"mode": "ANY", "allowedFunctionNames": ["add", "mul"]}
    assert mine.count(any_declared) == configs.count(any_declared) + 1, (configs, mine)
    del our_requests[mine.index(any_declared)]
    return theirs, ours, their_requests, in_order([*our_requests, their_requests[index]])


def _choice_configs(requests: list[Any]) -> list[Any]:
    return [r["body"].get("toolConfig", {}).get("functionCallingConfig") for r in requests]


def _choice_and_floats(outcome: Outcome) -> Outcome:
    """`choice_object_kept` (theirs refused Anthropic's choice object), and the calls'
    arguments as `_float_texts` reads them."""
    theirs, ours, their_requests, our_requests = choice_object_kept(outcome)
    assert _float_texts(theirs, ours)
    return theirs, ours, their_requests, our_requests


def _no_contents(seen: Seen) -> Any:
    """A request as the suite reads it, an empty `contents` as none (proto3 JSON reads
    `[]` and no field alike; the REST transport leaves an empty list out)."""
    read = vertex_suite._comparable_request(seen)
    if isinstance(read["body"], dict) and read["body"].get("contents") == []:
        read["body"] = {k: v for k, v in read["body"].items() if k != "contents"}
    return read


_FLOATS = vertex_suite._FLOAT_ARGUMENTS
_FINISH = vertex_suite._FINISH
_ASYNC = vertex_suite.DIFFERENCES["ainvoke_text"][0]


def _response_schema_and_floats(outcome: Outcome) -> Outcome:
    """`structured_forms`: json_mode's response schema compared apart (theirs as
    `responseSchema`, the OpenAPI subset; ours as `responseJsonSchema`, one each); the
    TypedDict's function declared alike; its call's arguments read as in `_float_texts`."""
    theirs, ours, their_requests, our_requests = outcome
    assert [s for s in vertex_suite._declarations(their_requests, "responseSchema") if s]
    assert [s for s in vertex_suite._declarations(our_requests, "responseJsonSchema") if s]
    return kept(_float_texts)((theirs, ours, their_requests, our_requests))


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    "agent_streamed": (_FLOATS, kept(_float_texts)),
    "v1_stream_summed": (_FLOATS, kept(_float_texts)),
    "v3_events": (_FLOATS, kept(_float_texts)),
    "v3_events_v1": (_FLOATS, kept(_float_texts)),
    "foreign_tool_forms": (_FLOATS, kept(_float_texts)),
    "anthropic_tool_forms": ((ANTHROPIC_OBJECT_REFUSED, _FLOATS), _choice_and_floats),
    "cached_then_streamed": (_FINISH, kept(_finish_words)),
    "listened_runs": (_FINISH, kept(_finish_words)),
    "streaming_disabled": ((_FLOATS, _FINISH), kept(_float_texts, _finish_words)),
    "events_metadata": (_ASYNC, _async_crashed),
    "batch_failing_row": (_ASYNC, _async_crashed),
    "structured_forms": (
        (vertex_suite.DIFFERENCES["structured_json_mode"][0], _FLOATS),
        _response_schema_and_floats,
    ),
    "tool_choices": (
        (vertex_suite.DIFFERENCES["tool_choice_required"][0][0], _FLOATS),
        _any_and_floats,
    ),
}


def _result(value: Any) -> Any:
    return call_ids_masked(vertex_suite._comparable_result(value))


#: Collected after the partner's run: its async calls that failed leave their sockets to
#: the collector, which warns.
SUITE = dataclasses.replace(
    vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES),
    result=_result,
    request=_no_contents,
    collect=True,
)
test_probe_y_same_as_langchain_google_vertexai = SUITE.same_test()
