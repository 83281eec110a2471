"""`init_chat_model`'s configurable model in scripts on LangChain-core's features: its
config specs and input schema, `with_config` chained with `bind_tools` and structured
output, its events and callbacks, attributes read through it, and an agent over it.
Run with LangChain's `init_chat_model` and with chatplex's, as `test_init_sidebyside.py`
runs its scripts."""

from __future__ import annotations

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
from tests.partners._sidebyside import add
from tests.partners._sidebyside import attempted
from tests.partners.anthropic import test_anthropic_probe_y_scripts as anthropic
from tests.partners.compatible import test_openai_probe_y_scripts as openai
from tests.partners.init_chat_model.test_init_sidebyside import KEY
from tests.partners.init_chat_model.test_init_sidebyside import SUITE


def answer(seen: Seen) -> Reply:
    """OpenAI's and Anthropic's scripted servers, by path."""
    return (
        anthropic.answer if seen.path.endswith(("/messages", "/count_tokens")) else openai.answer
    )(seen)


def _openai(url: str) -> dict[str, Any]:
    return {"base_url": url + "/v1", "api_key": KEY}


def specs_any_prefixed(init: Any, url: str) -> Any:
    """`configurable_fields="any"` under a prefix: its config specs, name, and a call
    configured by `with_config`."""
    model = init("gpt-4o-mini", configurable_fields="any", config_prefix="llm", **_openai(url))
    configured = model.with_config(configurable={"llm_temperature": 0.3, "llm_max_tokens": 20})
    return {
        "specs": sorted((s.id, str(s.default)) for s in model.config_specs),
        "name": model.get_name(),
        "configured_name": configured.get_name(),
        "reply": configured.invoke("Hi"),
    }


def specs_listed(init: Any, url: str) -> Any:
    """Listed fields with a default model: its config specs, what it reads through to
    the default model (`model_name`, `temperature`, `_llm_type`), and its input type."""
    model = init(
        "gpt-4o-mini", configurable_fields=("model", "temperature"), temperature=0.2, **_openai(url)
    )
    return {
        "specs": sorted((s.id, str(s.default)) for s in model.config_specs),
        "model_name": attempted(lambda: model.model_name),
        "temperature": attempted(lambda: model.temperature),
        "llm_type": attempted(lambda: model._llm_type),
        "input": model.get_input_schema().model_json_schema().get("title"),
        "output": model.get_output_schema().model_json_schema().get("title"),
    }


def bound_then_configured(init: Any, url: str) -> Any:
    """`bind_tools(..., tool_choice=...)` then `with_config(configurable=...)`: invoked
    and streamed; and configured first, then bound."""
    model = init("gpt-4o-mini", configurable_fields=("model", "temperature"), **_openai(url))
    first = model.bind_tools([add], tool_choice="add").with_config(
        configurable={"temperature": 0.5, "model": "gpt-4o"}
    )
    second = model.with_config(configurable={"temperature": 0.1}).bind_tools([add])
    return [first.invoke("1+2?"), [c for c in first.stream("1+2?")], second.invoke("1+2?")]


def structured_raw_configured(init: Any, url: str) -> Any:
    """`with_structured_output(..., include_raw=True)` on a model picked per call:
    OpenAI's and Anthropic's."""
    model = init(configurable_fields=("model", "model_provider", "base_url"), api_key=KEY)
    structured = model.with_structured_output(probe.sum_schema(), include_raw=True)
    on_openai = {"model": "gpt-4o-mini", "model_provider": "openai", "base_url": url + "/v1"}
    on_anthropic = {"model": "claude-haiku-4-5", "model_provider": "anthropic", "base_url": url}
    return [
        structured.invoke("1+2?", config={"configurable": on_openai}),
        structured.invoke("1+2?", config={"configurable": on_anthropic}),
    ]


def events_configured(init: Any, url: str) -> Any:
    """`astream_events(version="v2")` of a configurable model given a temperature per
    call: each event's name, its metadata and the start's input."""
    model = init("gpt-4o-mini", configurable_fields="any", **_openai(url))
    config = {"configurable": {"temperature": 0.4}, "tags": ["t"]}

    async def run() -> list[Any]:
        return [e async for e in model.astream_events("Hi", config=config, version="v2")]

    events = probe.LOOP.run_until_complete(run())
    return [
        (e["event"], e["name"], sorted(e["tags"]), e["metadata"])
        for e in events
        if e["event"] != "on_chat_model_stream"
    ]


def callbacks_configured(init: Any, url: str) -> Any:
    """A callback handler over a configurable model's call: what it saw."""
    handler, seen = probe._recorder()
    model = init("gpt-4o-mini", configurable_fields=("temperature",), **_openai(url))
    config = {"configurable": {"temperature": 0.6}, "callbacks": [handler]}
    model.invoke("Hi", config=config)
    return seen


def agent_over_configurable(init: Any, url: str) -> Any:
    """`create_agent` over a model of no default, picked by the run's config: invoked,
    and streamed as messages (each piece's class and node)."""
    from langchain.agents import create_agent

    agent = create_agent(init(configurable_fields=("model",), **_openai(url)), tools=[add])
    config = {"configurable": {"model": "openai:gpt-4o-mini"}}
    question = {"messages": [("user", "1+2?")]}
    result = agent.invoke(question, config=config)
    pieces = [
        (type(p).__name__, m.get("langgraph_node"), m.get("ls_provider"), m.get("ls_model_name"))
        for p, m in agent.stream(question, config=config, stream_mode="messages")
    ]
    return {"messages": result["messages"], "pieces": pieces}


def retried_and_fallen_back(init: Any, url: str) -> Any:
    """`with_retry` and `with_fallbacks` over a configurable model, invoked with a
    config."""
    model = init("gpt-4o-mini", configurable_fields=("temperature",), **_openai(url))
    config = {"configurable": {"temperature": 0.2}}
    retried = model.with_retry(stop_after_attempt=2)
    fallen = init("gpt-fail", model_provider="openai", max_retries=0, **_openai(url))
    return [
        retried.invoke("Hi", config=config),
        fallen.with_fallbacks([model]).invoke("Hi", config=config),
    ]


def input_schema(init: Any, url: str) -> Any:
    """The configurable model's input JSON schema (what LangServe's playground and a
    `get_input_jsonschema()` check read; its `InputType`'s text names a function by
    address), and its output schema."""
    model = init("gpt-4o-mini", configurable_fields=("temperature",), **_openai(url))
    return {
        "input": model.get_input_jsonschema(),
        "output": model.get_output_jsonschema(),
    }


def no_model_introspected(init: Any, url: str) -> Any:
    """A configurable model of no model: its name, whether it has `profile`, its input
    schema's title and its graph's nodes, given no settings and given a temperature;
    then the latter invoked with a model named per call."""

    def read(model: Any) -> dict[str, Any]:
        return {
            "name": attempted(model.get_name),
            "has_profile": attempted(lambda: hasattr(model, "profile")),
            "input": attempted(lambda: model.get_input_jsonschema()["title"]),
            "graph": attempted(lambda: len(model.get_graph().nodes)),
        }

    model = init(temperature=0, **_openai(url))
    config = {"configurable": {"model": "openai:gpt-4o-mini"}}
    return {"bare": read(init()), "set": read(model), "reply": model.invoke("Hi", config=config)}


def _introspected_kept(outcome: Outcome) -> Outcome:
    """Theirs refused each read of the model given a setting (TypeError); ours read it as
    both read the model given none. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert all(v == {"refused": "TypeError"} for v in theirs["set"].values()), theirs
    assert ours["set"] == ours["bare"] == theirs["bare"], (ours, theirs)
    return theirs, {**ours, "set": theirs["set"]}, their_requests, our_requests


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "no_model_introspected": (
        Difference(
            Reason.RAISES,
            "a configurable model of no model but given a setting "
            "(`init_chat_model(temperature=0)`) raises a TypeError (no model to build) "
            "from `get_name()`, `get_input_jsonschema()`, `get_graph()`, and from "
            "`hasattr(model, ...)` for any attribute it has not",
            "it reads as the configurable model given no setting reads: its name "
            "`_ConfigurableModel`, LangChain's input schema and graph, `hasattr` False",
        ),
        _introspected_kept,
    ),
}


SCRIPTS = {
    f.__name__: (answer, f)
    for f in (
        no_model_introspected,
        input_schema,
        specs_any_prefixed,
        specs_listed,
        bound_then_configured,
        structured_raw_configured,
        events_configured,
        callbacks_configured,
        agent_over_configurable,
        retried_and_fallen_back,
    )
}

PROBE = SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_y_same_as_langchains_init_chat_model = PROBE.same_test()
