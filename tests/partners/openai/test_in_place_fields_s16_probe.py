"""A dict field changed in place on a built model (`llm.model_kwargs["seed"] = 3`,
`llm.extra_body["x"] = 1`), then a call: each partner class reads its fields at every
request, so the next call sends the change (and the callbacks' `invocation_params` show
it); the drop-in of the same name does the same. Before, the drop-in showed the changed
dict and went on sending the one it was built with.

Each script builds the partner's class and the drop-in with the same keywords against
the same local server, changes the same dict in place between calls (invoke, ainvoke,
batch), and compares what was sent, what a callback handler saw and what the model
shows."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import warnings
from typing import Any

import pytest
from pydantic import BaseModel

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.compat.compat_harness import fresh_langchain_clients
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import plain_request
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_compatible_sidebyside import answer

lc_callbacks = pytest.importorskip("langchain_core.callbacks")

_COMPLETION = chat_completion("hi", created=1, usage={"prompt_tokens": 1, "completion_tokens": 1})
_MESSAGE = anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1})

#: Drop-in name -> (partner module, constructor keywords but the base URL, the keyword
#: and path of its base URL, the reply, the dict field changed in place, the keys set in
#: it before each of the two later calls).
CASES: dict[str, tuple[str, dict[str, Any], tuple[str, str], dict[str, Any], str, Any]] = {
    "ChatOpenAI": (
        "langchain_openai",
        {"model": "gpt-4o-mini", "api_key": "sk-k", "max_retries": 0},
        ("base_url", "/v1"),
        _COMPLETION,
        "model_kwargs",
        ({"seed": 3}, {"seed": 5, "user": "u-1"}),
    ),
    "ChatOpenAI extra_body": (
        "langchain_openai",
        {"model": "gpt-4o-mini", "api_key": "sk-k", "extra_body": {"a": 1}, "max_retries": 0},
        ("base_url", "/v1"),
        _COMPLETION,
        "extra_body",
        ({"b": 2}, {"a": 3}),
    ),
    "AzureChatOpenAI": (
        "langchain_openai",
        {
            "azure_deployment": "dep",
            "api_version": "2024-10-21",
            "api_key": "az-k",
            "model_kwargs": {"presence_penalty": 0.1},
            "max_retries": 0,
        },
        ("azure_endpoint", ""),
        _COMPLETION,
        "model_kwargs",
        ({"seed": 3}, {"seed": 4}),
    ),
    "ChatDeepSeek": (
        "langchain_deepseek",
        {"model": "deepseek-chat", "api_key": "dk", "max_retries": 0},
        ("api_base", "/v1"),
        _COMPLETION,
        "model_kwargs",
        ({"seed": 3}, {"user": "u-2"}),
    ),
    "ChatGroq": (
        "langchain_groq",
        {"model": "llama-3.3-70b-versatile", "api_key": "gsk", "max_retries": 0},
        ("base_url", ""),
        _COMPLETION,
        "model_kwargs",
        ({"seed": 3}, {"seed": 5}),
    ),
    "ChatMistralAI": (
        "langchain_mistralai",
        {"model": "mistral-small-latest", "api_key": "mk", "max_retries": 0},
        ("endpoint", "/v1"),
        _COMPLETION,
        "model_kwargs",
        ({"random_seed": 3}, {"safe_prompt": True}),
    ),
    "ChatAnthropic": (
        "langchain_anthropic",
        {"model": "claude-haiku-4-5", "api_key": "sk-ant", "max_retries": 0},
        ("base_url", ""),
        _MESSAGE,
        "model_kwargs",
        ({"top_k": 3}, {"top_k": 5, "metadata": {"user_id": "u-1"}}),
    ),
}


class _Invocations(lc_callbacks.BaseCallbackHandler):  # type: ignore[misc]
    """The `invocation_params` each call's `on_chat_model_start` received."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append(kwargs.get("invocation_params") or {})


def _calls(model: Any, field: str, changes: Any) -> dict[str, Any]:
    """A call, then each change made in place and a call after it (ainvoke, then
    batch): what the model shows and what the callbacks saw."""
    handler = _Invocations()
    config: Any = {"callbacks": [handler]}
    model.invoke("one", config=config)
    first, second = changes
    getattr(model, field).update(first)
    asyncio.run(model.ainvoke("two", config=config))
    getattr(model, field).update(second)
    model.batch(["three"], config=config)
    invoked = [{k: p.get(k) for k in (*first, *second)} for p in handler.seen]
    return {"shown": getattr(model, field), "invoked": invoked}


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_dict_field_changed_in_place_is_sent_as_by_the_partner(
    name: str, server: ScriptedServer
) -> None:
    module, settings, (keyword, path), reply, field, changes = CASES[name]
    class_name = name.split()[0]
    partner = getattr(pytest.importorskip(module), class_name)
    body = json.dumps(reply).encode()
    server.handler = lambda seen: Reply(200, [body])
    outcomes = []
    for cls in (partner, getattr(chatplex.langchain, class_name)):
        # (LangChain's cached async clients are bound to the loop of the run that
        # made them; a partner's validator may change a dict it is given)
        fresh_langchain_clients()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(**copy.deepcopy(settings), **{keyword: server.url + path})
        server.seen.clear()
        seen = _calls(model, field, changes)
        bodies = [plain_request(s)["body"] for s in server.seen]
        outcomes.append((seen, [{k: v for k, v in b.items() if k != "stream"} for b in bodies]))
    theirs, ours = outcomes
    assert ours == theirs
    sent = ours[1]
    first, second = changes
    assert len(sent) == 3
    assert all(sent[1].get(k) == v for k, v in first.items())
    assert all(sent[2].get(k) == v for k, v in second.items())


class Sum(BaseModel):
    a: int
    b: int


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", ["deepseek", "groq", "mistralai"])
def test_a_structured_model_made_before_a_change_in_place_keeps_its_forced_tool(
    name: str, server: ScriptedServer
) -> None:
    """`with_structured_output` made, then `model_kwargs` changed in place, then the
    structured call: the tool it forces is sent and its call parsed, as the partner's
    (the model it forces with was built for it: it is not rebuilt from the fields)."""
    package = PACKAGES[name]
    server.handler = answer(Script(tool_args={"a": 1, "b": 2}), package)
    outcomes = []
    for cls in (package.partner(), package.ours()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(model=package.model, api_key="k", base_url=package.base(server.url))
        structured = model.with_structured_output(Sum)
        model.model_kwargs["user"] = "u-1"
        server.seen.clear()
        parsed = structured.invoke("1 and 2")
        (body,) = [seen.body for seen in server.seen]
        outcomes.append((parsed, body["tools"], body["tool_choice"]))
    theirs, ours = outcomes
    assert ours == theirs
    assert ours[0] == Sum(a=1, b=2)


_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


class _Started(lc_callbacks.BaseCallbackHandler):  # type: ignore[misc]
    """The LangSmith params (`ls_*`) of each call's `on_chat_model_start` metadata."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        metadata = kwargs.get("metadata") or {}
        self.seen.append({k: v for k, v in metadata.items() if k.startswith("ls_")})


def _read_after_assigning(model: Any) -> dict[str, Any]:
    """Settings assigned, a stop list changed in place, then what a script reads of the
    model (`_get_ls_params`, `to_json`, with SDK objects' addresses masked) and what a
    call's callbacks get."""
    model.temperature = 0.4
    model.max_tokens = 12
    model.stop = ["END"]
    model.stop.append("STOP")
    handler = _Started()
    model.invoke("one", config={"callbacks": [handler]})
    shown = _ADDRESS.sub("", json.dumps(model.to_json(), sort_keys=True, default=repr))
    return {
        "ls": [model._get_ls_params(stop=["X"]), model._get_ls_params()],
        "json": json.loads(shown),
        "started": handler.seen,
    }


#: The cases whose partner class has a `stop` field (ChatAnthropic's is `stop_sequences`).
_WITH_STOP = sorted(n for n in CASES if n.split()[0] != "ChatAnthropic" and " " not in n)


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", _WITH_STOP)
def test_what_a_script_reads_after_assigning_is_the_partners(
    name: str, server: ScriptedServer
) -> None:
    module, settings, (keyword, path), reply, _, _ = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    body = json.dumps(reply).encode()
    server.handler = lambda seen: Reply(200, [body])
    outcomes = []
    for cls in (partner, getattr(chatplex.langchain, name)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(**copy.deepcopy(settings), **{keyword: server.url + path})
        server.seen.clear()
        read = _read_after_assigning(model)
        outcomes.append((read, [plain_request(s)["body"] for s in server.seen]))
    theirs, ours = outcomes
    assert ours == theirs
    (sent,) = ours[1]
    assert sent["stop"] == ["END", "STOP"] and sent["temperature"] == 0.4


def _agent_turns(package: Any) -> Any:
    """A call of the tool for the user's turn, the answer after the tool's result."""
    call = answer(Script(tool_args={"a": 1, "b": 2}), package)
    said = answer(Script(content="The sum is 3."), package)

    def turn(seen: Any) -> Reply:
        messages = (seen.body or {}).get("messages") or [{}]
        return (said if messages[-1].get("role") == "tool" else call)(seen)

    return turn


async def _ended(agent: Any) -> list[str]:
    """The names of the events of a run of `agent` that end a step, in order."""
    stream = agent.astream_events({"messages": [("user", "1+2?")]}, version="v2")
    return [e["event"] async for e in stream if e["event"].endswith("_end")]


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("name", ["deepseek", "groq"])
def test_an_agent_whose_model_is_changed_in_place_between_runs(
    name: str, server: ScriptedServer
) -> None:
    """A LangGraph agent run, a setting of its model assigned and its `model_kwargs`
    changed in place, then the agent's events streamed: the same messages and events,
    each request the same, the second run's with both changes, as the partner's."""
    prebuilt = pytest.importorskip("langgraph.prebuilt")
    package = PACKAGES[name]
    server.handler = _agent_turns(package)
    outcomes = []
    for cls in (package.partner(), package.ours()):
        fresh_langchain_clients()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = cls(model=package.model, api_key="k", base_url=package.base(server.url))
            agent = prebuilt.create_react_agent(model, [add])
        server.seen.clear()
        ran = agent.invoke({"messages": [("user", "1+2?")]})
        model.temperature = 0.2
        model.model_kwargs["user"] = "u-1"  # (after: no assignment follows it)
        seen = [[m.type for m in ran["messages"]], asyncio.run(_ended(agent))]
        bodies = [plain_request(s)["body"] for s in server.seen]
        outcomes.append((seen, [{k: v for k, v in b.items() if k != "stream"} for b in bodies]))
    theirs, ours = outcomes
    assert ours == theirs
    sent = ours[1]
    assert len(sent) == 4 and [b.get("user") for b in sent] == [None, None, "u-1", "u-1"]
    assert [b.get("temperature") for b in sent][2:] == [0.2, 0.2]
