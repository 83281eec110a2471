"""A system message sent to an o-series model on ChatOpenAI's Chat Completions, side by
side: langchain-openai's ChatOpenAI writes every `system` turn as `developer` when its
model's name is `o` and a digit (o1, o3-mini, o4-mini), the role those models take
instructions in; a gpt model's stays `system`, and AzureChatOpenAI (whose payload skips
ChatOpenAI's step) sends `system` to an o-series deployment too. Each script runs with
langchain-openai's class and chatplex's, invoked and streamed, against one scripted
server, and what both sent is compared with what they returned."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

lc = pytest.importorskip("langchain_core.messages")
pytest.importorskip("langchain_openai")

#: A conversation with a system turn, one marked for the developer role already, and a
#: user's: what the o-series rule rewrites and what it leaves.
_TURNS = [
    ("system", "Be brief."),
    ("developer", "Answer in French."),
    ("human", "Say hello"),
]


def _messages() -> list[Any]:
    made = []
    for role, text in _TURNS:
        if role == "human":
            made.append(lc.HumanMessage(text))
        else:
            extra = {"__openai_role__": "developer"} if role == "developer" else {}
            made.append(lc.SystemMessage(text, additional_kwargs=extra))
    return made


def _sent_by(model_name: str) -> Any:
    def run(cls: Any, p: Any, url: str) -> Any:
        model = cls(model=model_name, api_key=suite.KEY, base_url=p.base(url), max_retries=0)
        return {"invoke": model.invoke(_messages()), "stream": list(model.stream(_messages()))}

    return run


SCRIPTS = {
    f"system_to_{name}": (suite.Script(), _sent_by(name))
    for name in ("o1", "o3-mini", "o4-mini", "gpt-4o-mini", "gpt-5")
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    assert_same(suite.run_script(OPENAI, *SCRIPTS[name], server))


def _roles(requests: list[Any]) -> list[list[str]]:
    return [[m["role"] for m in r["body"]["messages"]] for r in requests]


def test_an_o_series_model_gets_developer_turns_a_gpt_model_system_ones(
    server: ScriptedServer,
) -> None:
    """What both sent: every system turn as `developer` to o3-mini (not the same
    `system` on both sides), and each as marked to gpt-4o-mini."""
    _, _, _, sent = suite.run_script(OPENAI, *SCRIPTS["system_to_o3-mini"], server)
    assert _roles(sent) == [["developer", "developer", "user"]] * 2
    _, _, _, sent = suite.run_script(OPENAI, *SCRIPTS["system_to_gpt-4o-mini"], server)
    assert _roles(sent) == [["system", "developer", "user"]] * 2


def test_azure_sends_system_to_an_o_series_deployment(server: ScriptedServer) -> None:
    """AzureChatOpenAI's payload skips ChatOpenAI's rewrite: its system turn stays
    `system` for an o-series deployment, with langchain-openai's class and chatplex's."""
    import langchain_openai

    import chatplex.langchain

    server.handler = suite.answer(suite.Script(), OPENAI)
    for cls in (langchain_openai.AzureChatOpenAI, chatplex.langchain.AzureChatOpenAI):
        server.seen.clear()
        model = cls(
            azure_endpoint=server.url,
            azure_deployment="o3-mini",
            model="o3-mini",
            api_version="2024-12-01-preview",
            api_key=suite.KEY,
            max_retries=0,
        )
        model.invoke(_messages())
        assert [[m["role"] for m in s.body["messages"]] for s in server.seen] == [
            ["system", "developer", "user"]
        ], cls
