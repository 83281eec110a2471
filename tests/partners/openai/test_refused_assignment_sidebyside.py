"""An assignment the partner class refuses (a name it has no field of: ChatOpenAI's
`api_key`, whose field is `openai_api_key`), then the model used: the partner raises
pydantic's ValueError and stays as it was; so does the drop-in of the same name. Before,
the drop-in took the name as one of chatplex's own settings, could not build its engine
from both keys and raised SettingRefused, then again at every later assignment and call.

A value the drop-in refuses where the partner takes it (a temperature of "hot") leaves
the drop-in as it was too: its field, its engine, what it sends next."""

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

#: Drop-in name -> the names its partner class has no field of, each assigned.
REFUSED: dict[str, tuple[str, ...]] = {
    "ChatOpenAI": ("api_key", "base_url", "timeout", "stop_sequences"),
    "AzureChatOpenAI": ("api_key", "base_url", "timeout"),
    "ChatDeepSeek": ("base_url", "timeout"),
    "ChatGroq": ("api_key", "base_url", "timeout", "top_p"),
    "ChatMistralAI": ("api_key", "base_url"),
    "ChatAnthropic": ("api_key", "base_url", "timeout", "stop"),
}


def _built(cls: Any, name: str, url: str) -> Any:
    module, settings, (keyword, path), _, _, _ = CASES[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(**copy.deepcopy(settings), **{keyword: url + path})


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refused_assignment_leaves_the_model_usable_as_the_partners(
    name: str, server: ScriptedServer
) -> None:
    partner = getattr(pytest.importorskip(CASES[name][0]), name)
    body = json.dumps(CASES[name][3]).encode()
    server.handler = lambda seen: Reply(200, [body])
    outcomes = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        model = _built(cls, name, server.url)
        raised = []
        for field in REFUSED[name]:
            with pytest.raises(Exception) as refused:
                setattr(model, field, "http://elsewhere" if field == "base_url" else 7)
            raised.append((type(refused.value).__name__, str(refused.value)))
        model.temperature = 0.3
        server.seen.clear()
        model.invoke("hi")
        outcomes.append((raised, [plain_request(s)["body"] for s in server.seen]))
    theirs, ours = outcomes
    assert ours == theirs
    assert {kind for kind, _ in ours[0]} == {"ValueError"}
    (sent,) = ours[1]
    assert sent["temperature"] == 0.3


@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatGroq", "ChatAnthropic"])
def test_a_value_the_drop_in_refuses_leaves_it_as_it_was(name: str, server: ScriptedServer) -> None:
    body = json.dumps(CASES[name][3]).encode()
    server.handler = lambda seen: Reply(200, [body])
    model = _built(getattr(chatplex.langchain, name), name, server.url)
    model.temperature = 0.3
    engine, dumped = model.chatplex_model, model.model_dump()
    with pytest.raises(ValueError, match="temperature"):
        model.temperature = "hot"
    assert model.chatplex_model is engine and model.model_dump() == dumped
    model.model_kwargs = {"seed": 9}
    server.seen.clear()
    model.invoke("hi")
    (sent,) = [plain_request(s)["body"] for s in server.seen]
    assert sent["temperature"] == 0.3 and sent["seed"] == 9
