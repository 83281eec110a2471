"""A call's setting given as None over the model's own (`invoke(x, temperature=None)`,
or bound) on the drop-ins whose partner hands a call's keywords to a Stainless SDK
(langchain-openai's, -anthropic's, -groq's, -deepseek's): the model's value is not
sent. langchain-openai's SDKs send the None as null, langchain-anthropic leaves it out:
the same to the API, so the bodies are compared with their nulls left out. A call's
`max_tokens=None` keeps AzureChatOpenAI's own limit (its partner sends a call's apart,
beside it), and ChatAnthropic's (its partner's SDK refuses the call: a kept row of
`anthropic/test_anthropic_call_none_sidebyside.py`)."""

from __future__ import annotations

import asyncio
import warnings
from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners.test_call_query import NAMES
from tests.partners.test_call_query import each_request
from tests.partners.test_call_query import server  # noqa: F401  (the module's fixture)
from tests.partners.test_call_query import stainless_pair

#: Each setting, as the model holds it.
HELD = {"temperature": 0.3, "top_p": 0.5, "max_tokens": 50}
#: The ways a script gives a call its keywords.
CALLS = {
    "invoke": lambda model, keywords: model.invoke("hi", **keywords),
    "bound": lambda model, keywords: model.bind(**keywords).invoke("hi"),
}


def _sent(body: dict[str, Any]) -> dict[str, Any]:
    """A request body as the API reads it: a null field is no field."""
    return {k: v for k, v in body.items() if v is not None and k != "messages"}


#: Each drop-in, setting and way; ChatAnthropic's `max_tokens` aside (its partner's SDK
#: refuses the call: a kept row, see the docstring).
CASES = [
    (name, setting, how)
    for name in NAMES
    for setting in sorted(HELD)
    for how in sorted(CALLS)
    if (name, setting) != ("ChatAnthropic", "max_tokens")
]


@pytest.mark.parametrize(("name", "setting", "how"), CASES, ids=["-".join(c) for c in CASES])
def test_a_calls_none_sends_what_the_partner_sends(
    name: str,
    setting: str,
    how: str,
    server: ScriptedServer,  # noqa: F811
) -> None:
    with warnings.catch_warnings():  # (a field one partner moves into model_kwargs)
        warnings.simplefilter("ignore")
        models = stainless_pair(name, server.url, **{setting: HELD[setting]})
    call = CALLS[how]
    theirs, ours = each_request(models, server, lambda m: call(m, {setting: None}))
    sent = _sent(ours.body)
    assert sent == _sent(theirs.body)
    if setting != "max_tokens":
        assert setting not in sent, ours.body
    elif name == "AzureChatOpenAI":  # (the model's own limit stays)
        assert sent["max_completion_tokens"] == 50
    else:
        assert not {"max_tokens", "max_completion_tokens"} & set(sent), ours.body


@pytest.mark.parametrize("name", NAMES)
def test_a_calls_none_awaited_sends_no_model_value(
    name: str,
    server: ScriptedServer,  # noqa: F811
) -> None:
    _, ours = stainless_pair(name, server.url, temperature=0.3)
    server.seen.clear()
    asyncio.run(ours.ainvoke("hi", temperature=None))
    (seen,) = server.seen
    assert "temperature" not in seen.body, seen.body
