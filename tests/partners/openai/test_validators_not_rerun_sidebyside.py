"""A setting assigned, or given to `model_copy(update=...)`, after construction: the
partner class's validators do not run again, so it sends the value as assigned; the
drop-in sends it so too. Before, the drop-in rebuilt its engine through the partner's
constructor rules: ChatGroq's temperature of 0 went as langchain-groq's validator
raises it at construction (1e-08), and a temperature given to ChatOpenAI on gpt-5-mini
was dropped as langchain-openai's validator drops one given to the constructor (the
partner sends it: OpenAI may refuse it, as it would the partner's)."""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

import pytest

import chatplex.langchain
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import plain_request
from tests.partners.openai.test_in_place_fields_s16_probe import CASES

#: Script name -> (drop-in name, the model, the temperature given to the constructor
#: (None: none), the temperature assigned).
SCRIPTS: dict[str, tuple[str, str, float | None, float]] = {
    "groq zero": ("ChatGroq", "llama-3.3-70b-versatile", None, 0),
    "groq zero over one": ("ChatGroq", "llama-3.3-70b-versatile", 0.7, 0),
    "gpt-5-mini": ("ChatOpenAI", "gpt-5-mini", None, 0.5),
    "gpt-5-mini over a dropped one": ("ChatOpenAI", "gpt-5-mini", 0.2, 0.5),
    "o1 zero": ("ChatOpenAI", "o1-mini", None, 0),
}


def _sent(cls: Any, script: str, server: ScriptedServer, how: str) -> Any:
    name, model_name, given, assigned = SCRIPTS[script]
    _, settings, (keyword, path), _, _, _ = CASES[name]
    settings = {**copy.deepcopy(settings), "model": model_name}
    if given is not None:
        settings["temperature"] = given
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = cls(**settings, **{keyword: server.url + path})
    if how == "assigned":
        model.temperature = assigned
    else:
        model = model.model_copy(update={"temperature": assigned})
    server.seen.clear()
    model.invoke("hi")
    (body,) = [plain_request(s)["body"] for s in server.seen]
    return model.temperature, body


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("how", ["assigned", "copied"])
@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_temperature_set_after_construction_is_sent_as_by_the_partner(
    script: str, how: str, server: ScriptedServer
) -> None:
    name = SCRIPTS[script][0]
    body = json.dumps(CASES[name][3]).encode()
    server.handler = lambda seen: Reply(200, [body])
    partner = getattr(pytest.importorskip(CASES[name][0]), name)
    theirs = _sent(partner, script, server, how)
    ours = _sent(getattr(chatplex.langchain, name), script, server, how)
    assert ours == theirs
    assert ours[1]["temperature"] == SCRIPTS[script][3]
