"""ChatBedrockConverse in the probe_y set's scripts (`tests/partners/_probe_y.py`, its
`FACTORIES`, and the parameterised ones), compared as `test_bedrock_sidebyside.py`
compares, against a server that answers as Bedrock's Converse API answers (CountTokens
too). Beside them, the tool forms a script hands Converse: a call's tools in each API's
form, a Converse-form tool bound, a cache point among the tools."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import CONVERSE_OBJECT_REFUSED
from tests.partners._sidebyside import CONVERSE_WORDS_AS_TOOL
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import mul
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock._scripts import KEYS
from tests.partners.bedrock._scripts import MODEL
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import REQUEST_ID
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import text
from tests.partners.bedrock.test_bedrock_sidebyside import tool_use

_TEXT = converse()
_JSON = converse(text('{"total": 3}'))
_CALL = converse(ADD_CALL, stop="tool_use")
_MUL = converse(tool_use("mul", {"a": 2, "b": 3}), stop="tool_use")
_SUM = converse(tool_use("Sum", {"total": 3}), stop="tool_use")
#: CountTokens' answer (`POST /model/{id}/count-tokens`).
COUNTED = {"inputTokens": 42}


def refused(message: str) -> Reply:
    """Bedrock's 400: a ValidationException, and why."""
    headers = {
        "x-amzn-requestid": REQUEST_ID,
        "x-amzn-errortype": "ValidationException:http://internal.amazon.com/coral/",
    }
    return Reply(400, [json.dumps({"message": message}).encode()], headers=headers)


def answer(seen: Seen) -> Reply:
    """A Converse API: CountTokens' count, a 400 for a prompt that says FAIL and for a
    tool choice naming no offered tool (as Bedrock refuses it), a call of the tool
    forced, else of the first, until the conversation holds a tool's result (Sum's
    where offered), JSON where an output format is asked, text."""
    body = seen.body or {}
    if seen.path.endswith("/count-tokens"):
        return Reply(200, [json.dumps(COUNTED).encode()], headers={"x-amzn-requestid": REQUEST_ID})
    messages = json.dumps(body.get("messages", []))
    if "FAIL" in messages:
        return refused("The model returned the following errors: Bad prompt")
    config = body.get("toolConfig") or {}
    names = [t.get("toolSpec", {}).get("name") for t in config.get("tools", [])]
    forced = (config.get("toolChoice") or {}).get("tool", {}).get("name")
    if forced is not None and forced not in names:
        return refused("The provided tool choice names a tool that is not in the tool list.")
    if names and "toolResult" not in messages:
        called = forced or names[0]
        if called == "Sum":
            return _SUM(seen)
        return _CALL(seen) if called == "add" else _MUL(seen)
    if body.get("outputConfig"):
        return _JSON(seen)
    return _TEXT(seen)


def constructors(model: str) -> tuple[probe.Make, probe.Make]:
    """A Bedrock class's constructor calls for its scripts, `model` unless one is given:
    with the suite's keys, and with none (botocore reads them from the default profile
    of the credentials file, where a script's machine keeps them; `dumps` leaves them
    out)."""

    def make(cls: Any, url: str, **settings: Any) -> Any:
        settings.setdefault("model", model)
        return cls(endpoint_url=url, region_name="us-east-1", **KEYS, **settings)

    def profile_make(cls: Any, url: str, **settings: Any) -> Any:
        Path(os.environ["AWS_SHARED_CREDENTIALS_FILE"]).write_text(DEFAULT_PROFILE)
        settings.setdefault("model", model)
        return cls(endpoint_url=url, region_name="us-east-1", **settings)

    return make, profile_make


make, profile_make = constructors(MODEL)

OTHER = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"


def _word_ids(text: str) -> list[int]:
    return [len(word) for word in text.split()]


def attempted_script(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """`script`'s result, or the class of what it raised (`{"refused": name}`): for a
    factory's script that raises on one side."""
    return lambda cls, url: attempted(lambda: script(cls, url))


def fresh_default_session(script: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
    """`script` run with boto3's default session made anew (as in a fresh process): a
    model built without keys gets its client from it (`boto3.client`), and the one an
    earlier test made read another test's credentials file."""
    import boto3

    def run(cls: Any, url: str) -> Any:
        saved, boto3.DEFAULT_SESSION = boto3.DEFAULT_SESSION, None
        try:
            return script(cls, url)
        finally:
            boto3.DEFAULT_SESSION = saved

    return run


DEFAULT_PROFILE = (
    "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = not-a-secret\n"
)


def call_tool_forms(cls: Any, url: str) -> Any:
    """A tool given to one call (`invoke(..., tools=[...])`): a Python function,
    OpenAI's tool dict, Anthropic's, Converse's own `toolSpec`, each attempted."""
    model = make(cls, url)
    forms = {"function": add, "openai": probe.OPENAI_TOOL, "anthropic": probe.ANTHROPIC_TOOL}
    forms["converse"] = ADD_SPEC
    return {k: attempted(lambda t=t: model.invoke("1+2?", tools=[t])) for k, t in forms.items()}


#: The tool `add` in Converse's own form.
ADD_SPEC = {
    "toolSpec": {
        "name": "add",
        "description": "Add two integers.",
        "inputSchema": {"json": probe.OPENAI_TOOL["function"]["parameters"]},
    }
}


def converse_tool_bound(cls: Any, url: str) -> Any:
    """A tool in Converse's form bound by `bind_tools`, beside a function, chosen by
    name: what is bound (the tools' names and forms, the choice), and its reply."""
    bound = make(cls, url).bind_tools([ADD_SPEC, mul], tool_choice="add")
    return {"kwargs": bound.kwargs, "reply": bound.invoke("1+2?")}


#: Converse's cache point among the tools: the tools before it are cached.
CACHE_POINT = {"cachePoint": {"type": "default"}}


def cache_point_tools(cls: Any, url: str) -> Any:
    """A cache point after a tool, bound by `bind_tools` (what is bound, the reply) and
    given to a call (each attempted)."""
    model = make(cls, url)
    bound = attempted(lambda: model.bind_tools([add, CACHE_POINT]).kwargs)
    return {
        "bound": bound,
        "bound_reply": attempted(lambda: model.bind_tools([add, CACHE_POINT]).invoke("1+2?")),
        "call": attempted(lambda: model.invoke("1+2?", tools=[add, CACHE_POINT])),
    }


def configurable_alternatives(cls: Any, url: str) -> Any:
    """`configurable_alternatives` of two models (no field made configurable): each chosen."""
    from langchain_core.runnables import ConfigurableField

    either = make(cls, url).configurable_alternatives(
        ConfigurableField(id="which"), default_key="a", b=make(cls, url, temperature=0.0)
    )
    return [either.with_config(configurable={"which": "b"}).invoke("Hi"), either.invoke("Hi")]


def bedrock_scripts(
    answer: Callable[[Seen], Reply], make: probe.Make, profile_make: probe.Make, other: str
) -> dict[str, tuple[Callable[[Seen], Reply], probe.Script]]:
    """Every script of the set for a Bedrock class, its server's `answer` and its
    constructors (`constructors`); `other`, another model id its usage is counted under."""
    rows = {name: (answer, factory(make)) for name, factory in probe.FACTORIES.items()}
    rows["usage_by_model"] = (answer, probe.usage_by_model(make, other))
    rows["counted_trimmed_own_ids"] = (
        answer,
        probe.counted_trimmed(make, custom_get_token_ids=_word_ids),
    )
    # The keys in the credentials file: `dumps` writes a key given to the constructor as
    # a secret, and `loads` needs both in its map (given one, both classes refuse alike).
    rows["round_trip"] = (
        answer,
        fresh_default_session(probe.round_trip(profile_make, "AWS_SECRET_ACCESS_KEY")),
    )
    return rows


SCRIPTS = bedrock_scripts(answer, make, profile_make, OTHER)
SCRIPTS["round_trip_keys_given"] = (
    answer,
    attempted_script(probe.round_trip(make, "AWS_SECRET_ACCESS_KEY")),
)
# Theirs raises out of these factories' scripts (a configured call, a bound choice object).
SCRIPTS["configurable_dropin"] = (answer, attempted_script(probe.configurable_dropin(make)))
SCRIPTS["configurable_alternatives"] = (answer, configurable_alternatives)
SCRIPTS["foreign_tool_forms"] = (
    answer,
    attempted_script(probe.foreign_tool_forms(make, probe.OPENAI_TOOL, probe.OPENAI_CHOICE)),
)
SCRIPTS["foreign_tool_forms_anthropic"] = (
    answer,
    attempted_script(probe.foreign_tool_forms(make, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE)),
)
SCRIPTS["call_tool_forms"] = (answer, call_tool_forms)
SCRIPTS["converse_tool_bound"] = (answer, converse_tool_bound)
SCRIPTS["cache_point_tools"] = (answer, cache_point_tools)


def required_kept(
    their_choice: Any, our_choice: Any, choice: Callable[[dict[str, Any]], Any]
) -> Callable[[Outcome], Outcome]:
    """`tool_choices`' normaliser: theirs sent "required" as a tool of that name
    (`their_choice`), which the server refused as Bedrock does; ours sent `our_choice`
    and got its call. Their request read with ours, their refusal as ours."""

    def normalise(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs["required"] == {"refused": "ValidationException"}, theirs
        assert [c["name"] for c in ours["required"]["tool_calls"]] == ["add"], ours
        sent = [r for r in their_requests if choice(r["body"]) == their_choice]
        assert len(sent) == 1, their_requests
        changed = json.loads(
            json.dumps(sent[0]).replace(json.dumps(their_choice), json.dumps(our_choice))
        )
        their_requests = in_order([changed if r is sent[0] else r for r in their_requests])
        return theirs, {**ours, "required": theirs["required"]}, their_requests, our_requests

    return normalise


#: What langchain-aws's Bedrock classes raise for each copy (`copied_and_pickled`).
_COPIES_REFUSED = {
    "deepcopy": {"refused": "TypeError"},
    "model_copy_deep": {"refused": "TypeError"},
    "pickled": {"refused": "PicklingError"},
}
COPIES_REFUSED = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`: a "
    "TypeError, cannot pickle '_thread.lock' object) or pickled (a PicklingError: botocore's "
    "client class cannot be found by name) for the boto3 client it holds",
    "the copy, or the unpickled model, is the same model: it sends the same request and "
    "reads the reply alike",
)


def copies_kept(outcome: Outcome) -> Outcome:
    """`copied_and_pickled`'s normaliser: theirs refused the deep copies and the pickle,
    and sent the shallow copy's request alone; ours answered each with that reply, each
    request the same as theirs. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert {k: theirs[k] for k in _COPIES_REFUSED} == _COPIES_REFUSED, theirs
    assert all(ours[k] == theirs["copy"] for k in _COPIES_REFUSED), ours
    assert len(their_requests) == 1 and our_requests == their_requests * 4, our_requests
    return theirs, theirs, their_requests, their_requests


def _configured(outcome: Outcome) -> Outcome:
    """Their configurable model refused its first call (pydantic's ValidationError,
    before any request); ours answered each: the configured one at its temperature and
    limit, the alternatives at theirs. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "ValidationError"} and not their_requests, theirs
    assert ours["specs"] == [["most", None, None], ["temp", "Temperature", None]], ours
    assert all(ours[k]["content"] == "Hello there, friend." for k in ("hot", "a", "b")), ours
    configs = sorted(json.dumps(r["body"]["inferenceConfig"]) for r in our_requests)
    assert configs == ['{"maxTokens": 5, "temperature": 0.9}', '{"temperature": 0.0}', "{}"]
    return theirs, theirs, their_requests, their_requests


def choice_object_read(outcome: Outcome) -> Outcome:
    """`foreign_tool_forms`: theirs refused binding another API's choice object (a
    ValueError, before any request); ours sent the function and the tool given to a
    call as Converse tools (both called) and the choice as Converse's, forcing `mul`.
    Then ours read as theirs (a call's tool forms: `call_tool_forms`)."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs == {"refused": "ValueError"} and not their_requests, theirs
    called = [
        ours[k]["tool_calls"][0]["name"] for k in ("function", "foreign_tool", "foreign_choice")
    ]
    assert called == ["add", "add", "mul"], ours
    choices = [r["body"]["toolConfig"].get("toolChoice") for r in our_requests]
    assert choices == [None, None, {"tool": {"name": "mul"}}], choices
    return theirs, theirs, their_requests, their_requests


def _anthropic_tool_read(outcome: Outcome) -> Outcome:
    """`call_tool_forms`: theirs raised a KeyError for Anthropic's tool before any
    request; ours sent it as the other forms go (each request the same) and got the
    same reply. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["anthropic"] == {"refused": "KeyError"}, theirs
    assert ours["anthropic"] == ours["openai"] == theirs["openai"], ours
    assert len(their_requests) == 3 and len(our_requests) == 4, our_requests
    assert all(r == their_requests[0] for r in their_requests + our_requests), our_requests
    return theirs, {**ours, "anthropic": theirs["anthropic"]}, their_requests, our_requests[1:]


_CONFIGURED_REFUSED = converse_suite.DIFFERENCES["configurable_temperature"][0]

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "tool_choices": (
        CONVERSE_WORDS_AS_TOOL,
        required_kept(
            {"tool": {"name": "required"}},
            {"any": {}},
            lambda body: body["toolConfig"].get("toolChoice"),
        ),
    ),
    "copied_and_pickled": (COPIES_REFUSED, copies_kept),
    "configurable_dropin": (_CONFIGURED_REFUSED, _configured),
    "foreign_tool_forms": (CONVERSE_OBJECT_REFUSED, choice_object_read),
    "foreign_tool_forms_anthropic": (CONVERSE_OBJECT_REFUSED, choice_object_read),
    "call_tool_forms": (
        Difference(
            Reason.RAISES,
            "a tool given to a call in Anthropic's format (`invoke(..., tools=[{'name': "
            "..., 'input_schema': {...}}])`) raises a KeyError ('parameters') before any "
            "request",
            "the tool is read and sent in Converse's format, as `bind_tools` sends it",
        ),
        _anthropic_tool_read,
    ),
}

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchain_aws_converse = SUITE.same_test()
