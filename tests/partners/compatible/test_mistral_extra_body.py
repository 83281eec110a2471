"""ChatMistralAI's `extra_body` (given to the constructor, to a call, to both, and to a
stream), side by side with langchain-mistralai's class against the suite's scripted
server. langchain-mistralai calls the API with httpx, no SDK: an unknown constructor
keyword goes to `model_kwargs` (with a warning) and a call's keywords into the payload,
so `extra_body` is posted as it is, a body field named "extra_body" holding the fields.

Mistral's API validates its body strictly: a field it does not list is refused with 422
(`extra_forbidden`, "Extra inputs are not permitted", as `strict` and a call's
`timeout` are in the suite's rows), and its own SDK's request model has no `extra_body`
(it writes only the fields it declares). So the request LangChain sends is refused; the
drop-in sends the fields themselves in the body, as every SDK-backed partner's
`extra_body` is sent.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import merged
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import run_script

MISTRAL = PACKAGES["mistralai"]
#: Fields of Mistral's chat request that ChatMistralAI has no setting for.
SAFE = {"safe_prompt": True}
PROMPT_MODE = {"prompt_mode": "reasoning"}


def extra_body_constructed(cls: Any, p: Package, url: str) -> Any:
    model = _model(cls, p, url, extra_body=SAFE)
    return {"model_kwargs": model.model_kwargs, "reply": model.invoke("Hi")}


def extra_body_per_call(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url).invoke("Hi", extra_body=PROMPT_MODE)


def extra_body_both(cls: Any, p: Package, url: str) -> Any:
    return _model(cls, p, url, extra_body=SAFE).invoke("Hi", extra_body=PROMPT_MODE)


def extra_body_stream(cls: Any, p: Package, url: str) -> Any:
    return merged(list(_model(cls, p, url).stream("Hi", extra_body=PROMPT_MODE)))


SCRIPTS = {
    "extra_body_constructed": (extra_body_constructed, SAFE, None),
    "extra_body_per_call": (extra_body_per_call, None, PROMPT_MODE),
    "extra_body_both": (extra_body_both, SAFE, PROMPT_MODE),
    "extra_body_stream": (extra_body_stream, None, PROMPT_MODE),
}


def _fields_sent(name: str) -> Any:
    """A normaliser: their one request with the field "extra_body" (the call's, else the
    constructor's: the call's keyword replaces the model's), ours with the constructor's
    and the call's fields in the body itself; read as theirs once both are seen. Their
    model keeps the constructor's in `model_kwargs`, ours has none there."""
    _, given, per_call = SCRIPTS[name]

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        ((their_request,), (our_request,)) = their_requests, our_requests
        their_body, our_body = their_request["body"], our_request["body"]
        assert their_body.pop("extra_body") == (per_call or given), their_body
        for key, value in {**(given or {}), **(per_call or {})}.items():
            assert our_body.pop(key) == value, our_body
        if isinstance(theirs, dict) and "model_kwargs" in theirs:
            assert theirs["model_kwargs"] == {"extra_body": given}, theirs
            assert ours["model_kwargs"] == {}, ours
            ours = {**ours, "model_kwargs": theirs["model_kwargs"]}
        return theirs, ours, their_requests, our_requests

    return read


_SENT_AS_A_FIELD = Difference(
    Reason.REJECTED,
    "posts `extra_body` as it is, a body field named `extra_body` holding the fields "
    "(the constructor's kept in `model_kwargs`, a call's replacing it): a field Mistral's "
    "API does not take (it refuses unknown fields with 422, `extra_forbidden`)",
    "the fields of `extra_body` (the constructor's and a call's) are sent in the body "
    "itself, as the other providers' classes send theirs; `model_kwargs` stays empty",
)
#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {("mistralai", name): (_SENT_AS_A_FIELD, _fields_sent(name)) for name in SCRIPTS}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_mistralai(name: str, server: ScriptedServer) -> None:
    script = SCRIPTS[name][0]
    outcome = run_script(MISTRAL, Script(), script, server)
    assert_same(kept_out(outcome, DIFFERENCES, ("mistralai", name)))
