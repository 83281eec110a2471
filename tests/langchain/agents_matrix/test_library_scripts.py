"""A further set of scripts (issue 47) over the libraries a LangChain user hands a chat
model to, each run as its README shows with the model's import line changed, on the wires
a script most often imports: the partner package's class and chatplex's, compared
(`_kit.py`): what the library returns (its state, its scores, its documents) and what
reached the server on the way.

- deepagents: `create_deep_agent(model, tools=..., middleware=[TodoListMiddleware()])`
  planning with `write_todos` then calling a tool (the todos and every request: the
  harness profile's prompt and the tools the model is offered); writing and reading
  its virtual files (async); a sub-agent called through `task`, streamed with
  `subgraphs=True`; a `response_format` answer.
- openevals: `create_llm_as_judge(judge=model, ...)` with its correctness prompt, a
  continuous score and a choice of scores; `create_async_llm_as_judge` with few-shot
  examples; `run_multiturn_simulation` of an app and a simulated user
  (`create_llm_simulated_user(client=model)`) judged at the end.
- trustcall: `create_extractor(model, tools=[Schema])` extracting a document; its JSON
  Patch retry of arguments that do not validate (`PatchFunctionErrors`, async); an
  existing document updated (`PatchDoc`).
- langmem: `create_memory_manager(model)` extracting memories; its memory tools in an
  agent over a store; `summarize_messages` / `asummarize_messages` of a long thread.
- langchain-mcp-adapters: an MCP server's tools (FastMCP, connected in memory, no
  network) loaded into an agent (async).

(Not here: deepagents without the partner package loaded. deepagents applies
langchain-anthropic's prompt caching only to a model `isinstance` of
`langchain_anthropic.ChatAnthropic`, and looks that class up in `sys.modules` rather
than import it; chatplex's drop-in is seen as that class once the partner's module is
loaded (`chatplex/langchain/partner_class.py`), which in a cell the partner's side has
done. A script importing only chatplex gets no cache marks from a deep agent.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from langchain_core import messages
from pydantic import BaseModel
from pydantic import Field

from chatplex.testing import MockScript
from chatplex.testing import ScriptRequest
from chatplex.testing import ScriptRule

from ._cells import Difference
from ._cells import _declarations
from ._cells import _openapi_without_defaults
from ._cells import _tool_defaults_dropped
from ._cells import _tool_results_unnamed
from ._cells import family_test
from ._kit import STEPS
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import call_on
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import scripted
from .test_model_api import _requests
from .test_scripts import SCRIPT_WIRES
from .test_tutorial_scripts import _answers
from .test_tutorial_scripts import _bodies
from .test_tutorial_scripts import _says

agents = pytest.importorskip("langchain.agents")
lc_middleware = pytest.importorskip("langchain.agents.middleware")
deepagents = pytest.importorskip("deepagents")
openevals_llm = pytest.importorskip("openevals.llm")
openevals_prompts = pytest.importorskip("openevals.prompts")
simulators = pytest.importorskip("openevals.simulators")
trustcall = pytest.importorskip("trustcall")
langmem = pytest.importorskip("langmem")
short_term = pytest.importorskip("langmem.short_term")
lg_store = pytest.importorskip("langgraph.store.memory")

pytestmark = pytest.mark.xdist_group("agents_matrix_library_scripts")


#: What a string shows of an id drawn per reply: the mock server's tool-call ids
#: (`call_mock<prefix><counter>`, counted across both sides) and UUIDs.
_DRAWN = re.compile(
    r"mock[0-9a-f]{8}\d{6}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)


def _plain(value: Any) -> Any:
    """`value` as plain data (`observe`), each id drawn per reply masked, in strings too
    (the libraries quote a call's id in the text they send back) and in keys (trustcall
    keys its documents by the call's id)."""
    value = masked(observe(value))
    if isinstance(value, str):
        return _DRAWN.sub("<id>", value)
    if isinstance(value, dict):
        return {_DRAWN.sub("<id>", k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _results(count: int) -> Callable[[ScriptRequest], bool]:
    """A `when=` predicate: the request carries `count` tool results (an agent's step),
    as OpenAI `tool` turns or Anthropic `tool_result` blocks."""

    def holds(request: ScriptRequest) -> bool:
        found = 0
        for turn in request.body.get("messages") or ():
            content = turn.get("content") if isinstance(turn, dict) else None
            blocks = content if isinstance(content, list) else ()
            found += turn.get("role") == "tool" if isinstance(turn, dict) else 0
            found += sum(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks)
        return found == count

    return holds


def _doc_id(request: ScriptRequest, found: Any) -> dict[str, Any]:
    """trustcall's fix of the age that did not validate, for the call it names
    (`json_doc_id=[<id>]` in its error message)."""
    named = re.search(r"json_doc_id=\[([^\]]+)\]", json.dumps(request.body))
    return {
        "json_doc_id": named.group(1) if named else "",
        "planned_edits": "- age: a number, not words",
        "patches": [{"op": "replace", "path": "/age", "value": 36}],
    }


def _existing_id(request: ScriptRequest, found: Any) -> dict[str, Any]:
    """trustcall's update of the existing document (its id, as the system prompt shows
    it: the `existing` mapping's key)."""
    named = re.search(r"<schema id=(\w+)>", json.dumps(request.body))
    return {
        "json_doc_id": named.group(1) if named else "",
        "planned_edits": "- age: one year older",
        "patches": [{"op": "replace", "path": "/age", "value": 37}],
    }


def _two_calls(
    asked: str, first: tuple[str, dict[str, Any]], then: tuple[str, dict[str, Any]], answer: str
) -> list[ScriptRule]:
    """An agent's three steps when the user says `asked`: a call of `first` (a tool's
    name and arguments), once it ran a call of `then`, then `answer`."""
    return [
        ScriptRule(user_text=asked, call=first[0], args=first[1]),
        ScriptRule(
            user_text=asked, after_tool_result=True, call=then[0], args=then[1], when=_results(1)
        ),
        ScriptRule(user_text=asked, after_tool_result=True, reply=answer),
    ]


#: What the picnic planner's todos are.
TODOS = [
    {"content": "Check the weather in Paris", "status": "in_progress"},
    {"content": "Pick a park", "status": "pending"},
]


def _verdict(request: ScriptRequest, found: Any) -> dict[str, Any]:
    """The judge's verdict, its score of the type the judge's schema asks for (a
    boolean, or a number: the highest of the choices offered)."""
    schema = request.tools.get("score") or request.schema or {}
    score = (schema.get("properties") or {}).get("score") or {}
    value: Any = max(score["enum"]) if "enum" in score else score.get("type") == "boolean" or 1.0
    return {"reasoning": "The answer matches the reference.", "score": value}


LIBRARY_SCRIPT = MockScript(
    rules=[
        # deepagents: a plan first, then the weather, then the answer.
        *_two_calls(
            r"Plan a picnic in Paris",
            ("write_todos", {"todos": TODOS}),
            ("get_weather", {"location": "Paris"}),
            "Picnic in the Luxembourg garden: it is sunny.",
        ),
        # deepagents' files: one written, then read back.
        *_two_calls(
            r"Save a note about Rome",
            ("write_file", {"file_path": "/notes/rome.md", "content": "Rome: sunny, 24 degrees."}),
            ("read_file", {"file_path": "/notes/rome.md"}),
            "Saved and checked.",
        ),
        # deepagents' structured answer.
        *_answers("Outing", {"place": "Luxembourg garden", "reason": "It is sunny."}),
        # deepagents' sub-agent: the forecaster asked through `task`.
        ScriptRule(
            user_text=r"Ask the forecaster about (?P<place>\w+)",
            call="task",
            args={
                "description": r"What is the weather in \g<place>?",
                "subagent_type": "forecaster",
            },
        ),
        ScriptRule(
            user_text=r"Ask the forecaster about (?P<place>\w+)",
            after_tool_result=True,
            reply=r"The forecaster says: sunny in \g<place>.",
        ),
        # trustcall: an age in words first (it does not validate), then the fix.
        call_on(
            r"Ada Lovelace, thirty-six", "UserInfo", {"name": "Ada Lovelace", "age": "thirty-six"}
        ),
        ScriptRule(call="PatchFunctionErrors", args=_doc_id, after_tool_result=True),
        ScriptRule(call="PatchDoc", args=_existing_id),
        call_on(
            r"I am (?P<name>\w+), (?P<age>\d+)", "UserInfo", r'{"name": "\g<name>", "age": \g<age>}'
        ),
        # langmem: memories extracted, and saved by its tool.
        call_on(r"I prefer (?P<drink>\w+)", "Memory", {"content": r"The user prefers \g<drink>."}),
        call_on(
            r"Remember that I like (?P<drink>\w+)",
            "manage_memory",
            {"content": r"The user likes \g<drink>.", "action": "create"},
        ),
        ScriptRule(
            user_text=r"Remember that I like", after_tool_result=True, reply="Noted, I will."
        ),
        # MCP: the server's forecast tool.
        call_on(r"Forecast for (?P<place>\w+)", "forecast", {"city": r"\g<place>"}),
        ScriptRule(
            user_text=r"Forecast for", after_tool_result=True, reply="The MCP forecast is in."
        ),
        # The plain weather loop (the forecaster sub-agent's).
        call_on(r"weather in (?P<place>[^?.]+)", "get_weather", {"location": r"\g<place>"}),
        ScriptRule(user_text=r"weather in", after_tool_result=True, reply="Sunny, 21 degrees."),
        # openevals: the judge's verdicts, and the simulated user's turns.
        ScriptRule(call="score", args=_verdict),
        ScriptRule(when=_says("You are a hurried traveller"), reply="Thanks, bye."),
        ScriptRule(user_text=r"trip", schema=False, reply="Pack an umbrella."),
        ScriptRule(
            when=_says("Create a summary of the conversation"), reply="They talked about tea."
        ),
    ]
)

_library_script = scripted(LIBRARY_SCRIPT)


# ---- deepagents ---------------------------------------------------------------------------------


def deep_agent_plan(run: Run) -> Any:
    """README: `create_deep_agent(model=..., tools=[...], system_prompt=...)` with
    LangChain's `TodoListMiddleware` added, invoked: the agent plans (`write_todos`),
    calls the tool, answers; its messages, its todos, and every request it sent (the
    harness prompt and the tools the model is offered)."""
    agent = deepagents.create_deep_agent(
        model=run.make(),
        tools=[get_weather],
        system_prompt="You plan outings.",
        middleware=[lc_middleware.TodoListMiddleware()],
    )
    with _requests(run) as seen:
        state = agent.invoke(ask("Plan a picnic in Paris"), STEPS)
    return {"messages": state["messages"], "todos": state.get("todos"), "sent": _bodies(seen)}


def _files(state: dict[str, Any]) -> Any:
    """The agent's virtual files, without the times they were written."""
    return {
        path: {k: v for k, v in file.items() if not k.endswith("_at")}
        for path, file in (state.get("files") or {}).items()
    }


def deep_agent_files(run: Run) -> Any:
    """A deep agent writing a file and reading it back, awaited: its messages (the
    numbered lines `read_file` gave), the files in its state, and what was sent."""

    async def body() -> Any:
        agent = deepagents.create_deep_agent(model=run.make(), tools=[get_weather])
        with _requests(run) as seen:
            state = await agent.ainvoke(ask("Save a note about Rome"), STEPS)
        return {"messages": state["messages"], "files": _files(state), "sent": _bodies(seen)}

    return arun(body)


def deep_agent_subagent(run: Run) -> Any:
    """A deep agent with a `forecaster` sub-agent (its own prompt and tool), called
    through `task`, streamed with `stream_mode="updates", subgraphs=True`: each update's
    depth, node and messages, and the final answer."""
    forecaster = {
        "name": "forecaster",
        "description": "Answers weather questions.",
        "system_prompt": "You forecast the weather.",
        "tools": [get_weather],
    }
    agent = deepagents.create_deep_agent(
        model=run.make(), tools=[get_weather], subagents=[forecaster]
    )
    updates = []
    for namespace, update in agent.stream(
        ask("Ask the forecaster about Oslo"), STEPS, stream_mode="updates", subgraphs=True
    ):
        for node, delta in (update or {}).items():
            said = (delta or {}).get("messages") if isinstance(delta, dict) else None
            updates.append({"depth": len(namespace), "node": node, "messages": said})
    return updates


class Outing(BaseModel):
    """Where to go, and why."""

    place: str = Field(description="Where to go")
    reason: str = Field(description="Why")


def deep_agent_structured(run: Run) -> Any:
    """`create_deep_agent(..., response_format=Outing)`: the strategy LangChain picks
    for the model (its profile), the structured answer and what was sent."""
    agent = deepagents.create_deep_agent(model=run.make(), response_format=Outing)
    with _requests(run) as seen:
        state = outcome_of(lambda: agent.invoke(ask("Suggest an outing"), STEPS))
    if not isinstance(state, dict) or "messages" not in state:
        return state
    return {"answer": state.get("structured_response"), "sent": _bodies(seen)}


# ---- openevals ----------------------------------------------------------------------------------


def judge_correctness(run: Run) -> Any:
    """README: `create_llm_as_judge(prompt=CORRECTNESS_PROMPT, feedback_key="correctness",
    judge=model)` over one answer; then a continuous judge and one with a choice of
    scores: each evaluator's result, and what the judge was sent."""
    model = run.make()
    prompt = openevals_prompts.CORRECTNESS_PROMPT
    graded = {
        "inputs": "How much has the price of doodads changed in the past year?",
        "outputs": "Doodads have increased in price by 10% in the past year.",
        "reference_outputs": "The price of doodads has decreased by 50% in the past year.",
    }
    out = {}
    with _requests(run) as seen:
        for name, how in (
            ("boolean", {}),
            ("continuous", {"continuous": True}),
            ("choices", {"choices": [0.0, 0.5, 1.0]}),
        ):
            evaluator = openevals_llm.create_llm_as_judge(
                prompt=prompt, feedback_key="correctness", judge=model, **how
            )
            out[name] = outcome_of(lambda e=evaluator: e(**graded))  # type: ignore[misc]
    return {"results": out, "sent": _bodies(seen)}


#: A few-shot example the async judge is shown.
EXAMPLE = {
    "inputs": "What is 2 + 2?",
    "outputs": "4",
    "reasoning": "Two and two make four.",
    "score": True,
}


def judge_few_shot_async(run: Run) -> Any:
    """`create_async_llm_as_judge(prompt=..., judge=model, few_shot_examples=[...],
    use_reasoning=False)` with a system prompt, awaited: the result and what was sent."""

    async def body() -> Any:
        evaluator = openevals_llm.create_async_llm_as_judge(
            prompt="Is this answer concise?\n<answer>{outputs}</answer>",
            system="You are an expert data labeler grading answers.",
            feedback_key="concise",
            judge=run.make(),
            few_shot_examples=[EXAMPLE],
            use_reasoning=False,
        )
        with _requests(run) as seen:
            try:
                result: Any = await evaluator(outputs="Paris.")
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                result = exc
        return {"result": result, "sent": _bodies(seen)}

    return arun(body)


def simulated_conversation(run: Run) -> Any:
    """openevals' `run_multiturn_simulation`: an app answering with the model, a user
    simulated by the model (`create_llm_simulated_user(client=model)`, a fixed first
    turn), two turns, judged at the end by `create_llm_as_judge`: the trajectory, the
    judge's result, and what was sent (the simulated user's conversation starts with
    the assistant's turn: the roles swapped)."""
    model = run.make()

    def app(inputs: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        reply = model.invoke([inputs])
        return {"role": "assistant", "content": reply.text}

    user = simulators.create_llm_simulated_user(
        system="You are a hurried traveller.",
        client=model,
        fixed_responses=["Any advice for my trip to London?"],
    )
    judged = openevals_llm.create_llm_as_judge(
        prompt="You are an expert data labeler. Was the user helped?\n{outputs}",
        feedback_key="helpful",
        judge=model,
    )
    with _requests(run) as seen:
        result = outcome_of(
            lambda: simulators.run_multiturn_simulation(
                app=app, user=user, max_turns=2, trajectory_evaluators=[judged]
            )
        )
    if not isinstance(result, dict):
        return {"raised": result, "sent": _bodies(seen)}
    return {
        "trajectory": [{"role": m["role"], "content": m["content"]} for m in result["trajectory"]],
        "evaluations": result["evaluator_results"],
        "sent": _bodies(seen),
    }


# ---- trustcall ----------------------------------------------------------------------------------


class UserInfo(BaseModel):
    """What is known of the user."""

    name: str
    age: int


def _extracted(result: dict[str, Any]) -> dict[str, Any]:
    """An extractor's output: its documents, its messages and their metadata."""
    return {
        "responses": result["responses"],
        "messages": result["messages"],
        "metadata": masked(result["response_metadata"]),
    }


def trustcall_extract(run: Run) -> Any:
    """README: `create_extractor(llm, tools=[UserInfo], tool_choice="UserInfo")`, invoked
    on a conversation: the document, the messages and what was sent."""
    extractor = trustcall.create_extractor(run.make(), tools=[UserInfo], tool_choice="UserInfo")
    with _requests(run) as seen:
        result = extractor.invoke({"messages": [("user", "I am Grace, 85 years old.")]})
    return {**_extracted(result), "sent": _bodies(seen)}


def trustcall_repair(run: Run) -> Any:
    """trustcall's retry: the first call's age does not validate, so the extractor asks
    the model for JSON Patch operations (`PatchFunctionErrors`) and applies them,
    awaited: the repaired document, the messages and what was sent."""

    async def body() -> Any:
        extractor = trustcall.create_extractor(run.make(), tools=[UserInfo], tool_choice="UserInfo")
        with _requests(run) as seen:
            result = await extractor.ainvoke("Ada Lovelace, thirty-six years old.")
        return {**_extracted(result), "sent": _bodies(seen)}

    return arun(body)


def trustcall_update(run: Run) -> Any:
    """trustcall's update of an existing document (`existing={"UserInfo": {...}}`): the
    model answers `PatchDoc`, the patched document, and what was sent."""
    extractor = trustcall.create_extractor(run.make(), tools=[UserInfo], tool_choice="UserInfo")
    with _requests(run) as seen:
        result = extractor.invoke(
            {
                "messages": [("user", "It was my birthday yesterday.")],
                "existing": {"UserInfo": {"name": "Ada", "age": 36}},
            }
        )
    return {**_extracted(result), "sent": _bodies(seen)}


# ---- langmem ------------------------------------------------------------------------------------


def memory_manager(run: Run) -> Any:
    """README: `create_memory_manager(model, instructions=..., enable_inserts=True)`
    invoked on a conversation: the memories extracted, and what was sent."""
    manager = langmem.create_memory_manager(
        run.make(), instructions="Extract user preferences.", enable_inserts=True
    )
    conversation = [
        {"role": "user", "content": "I prefer tea over coffee."},
        {"role": "assistant", "content": "Noted."},
    ]
    with _requests(run) as seen:
        memories = manager.invoke({"messages": conversation})
    return {
        "memories": [{"content": m.content} for m in memories],
        "sent": _bodies(seen),
    }


def memory_tools(run: Run) -> Any:
    """README: an agent with `create_manage_memory_tool(namespace=("memories",))` and
    `create_search_memory_tool(...)` over an `InMemoryStore`: the messages, and what
    the store holds after."""
    store = lg_store.InMemoryStore()
    agent = agents.create_agent(
        run.make(),
        tools=[
            langmem.create_manage_memory_tool(namespace=("memories",)),
            langmem.create_search_memory_tool(namespace=("memories",)),
        ],
        store=store,
    )
    with _requests(run) as seen:
        state = agent.invoke(ask("Remember that I like jasmine tea."), STEPS)
    return {
        "messages": state["messages"],
        "stored": [item.value for item in store.search(("memories",))],
        "sent": _bodies(seen),
    }


def _thread() -> list[Any]:
    """A thread long enough to be summarized."""
    said: list[Any] = []
    for turn in range(4):
        said += [
            messages.HumanMessage(f"Tell me about tea, part {turn}.", id=f"h{turn}"),
            messages.AIMessage(f"Tea fact number {turn}: " + "leaves " * 20, id=f"a{turn}"),
        ]
    return said


def summarized_thread(run: Run) -> Any:
    """langmem's `summarize_messages(thread, running_summary=None, model=model,
    max_tokens=120, max_summary_tokens=40)` and its async twin: the summary, the
    messages kept, and what was sent."""
    model = run.make()

    def shown(result: Any) -> Any:
        summary = result.running_summary
        return {"summary": summary and summary.summary, "messages": result.messages}

    async def body() -> Any:
        return shown(
            await short_term.asummarize_messages(
                _thread(),
                running_summary=None,
                model=model,
                max_tokens=120,
                max_summary_tokens=40,
            )
        )

    with _requests(run) as seen:
        sync = shown(
            short_term.summarize_messages(
                _thread(),
                running_summary=None,
                model=model,
                max_tokens=120,
                max_summary_tokens=40,
            )
        )
        awaited = arun(body)
    return {"sync": sync, "async": awaited, "sent": _bodies(seen)}


# ---- langchain-mcp-adapters ---------------------------------------------------------------------


def mcp_tools(run: Run) -> Any:
    """An MCP server's tool (FastMCP, connected in memory) loaded by
    `load_mcp_tools(session)` into an agent, awaited: the messages (the tool's result as
    MCP content) and what was sent."""
    fastmcp = pytest.importorskip("mcp.server.fastmcp")
    memory_transport = pytest.importorskip("mcp.shared.memory")
    mcp_tools_module = pytest.importorskip("langchain_mcp_adapters.tools")
    server = fastmcp.FastMCP("weather")

    @server.tool()
    def forecast(city: str) -> str:
        """The forecast for a city."""
        return f"Forecast for {city}: rain at noon."

    async def body() -> Any:
        connect = memory_transport.create_connected_server_and_client_session
        async with connect(server) as session:
            tools = await mcp_tools_module.load_mcp_tools(session)
            agent = agents.create_agent(run.make(), tools=tools)
            with _requests(run) as seen:
                state = await agent.ainvoke(ask("Forecast for Lima, please."), STEPS)
        return {"messages": state["messages"], "sent": _bodies(seen)}

    return arun(body)


def _unrandom(scenario: Callable[[Run], Any]) -> Callable[[Run], Any]:
    """`scenario`, its outcome `_plain`."""
    return lambda run: _plain(scenario(run))


SCENARIOS = {
    name: _unrandom(scenario)
    for name, scenario in {
        "deep_agent_plan": deep_agent_plan,
        "deep_agent_files": deep_agent_files,
        "deep_agent_subagent": deep_agent_subagent,
        "deep_agent_structured": deep_agent_structured,
        "judge_correctness": judge_correctness,
        "judge_few_shot_async": judge_few_shot_async,
        "simulated_conversation": simulated_conversation,
        "trustcall_extract": trustcall_extract,
        "trustcall_repair": trustcall_repair,
        "trustcall_update": trustcall_update,
        "memory_manager": memory_manager,
        "memory_tools": memory_tools,
        "summarized_thread": summarized_thread,
        "mcp_tools": mcp_tools,
    }.items()
}


def _patch_value_narrowed(outcome: Any) -> bool:
    """trustcall's JSON Patch tool went in the OpenAPI subset, its operations' `value`
    (a union of every JSON type) declared a string alone."""
    found = [
        d["parameters"]["properties"]["patches"]["items"]["properties"]["value"]
        for d in _declarations(outcome)
        if "patches" in str(d.get("parameters"))
    ]
    return bool(found) and all(v.get("type") == "STRING" and "anyOf" not in v for v in found)


def _assistant_first(outcome: Any) -> bool:
    """A Converse request sent a conversation whose first turn is the assistant's."""
    sent = outcome.get("sent") if isinstance(outcome, dict) else None
    return any((body.get("messages") or [{}])[0].get("role") == "assistant" for body in sent or ())


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
LIBRARY_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, "gemini"): Difference(
            "loses data",
            "langchain-google-genai declares each function in the OpenAPI subset "
            "(`parameters`), dropping the defaults and nullable types of deepagents' file "
            "tools and langmem's memory tools (see pydantic_tool); chatplex sends "
            "`parametersJsonSchema`, the JSON Schema as given",
            _openapi_without_defaults,
        )
        for scenario in (
            "deep_agent_plan",
            "deep_agent_files",
            "deep_agent_structured",
            "memory_tools",
        )
    },
    **{
        (scenario, "gemini"): Difference(
            "loses data",
            "langchain-google-genai declares trustcall's JSON Patch tool (PatchDoc, "
            "PatchFunctionErrors) in the OpenAPI subset: an operation's `value`, any JSON "
            "value, is declared a string (the union narrowed to its first member, its "
            "examples dropped), so the model is told to patch a number or a list with a "
            "string; chatplex sends `parametersJsonSchema`, the JSON Schema as given",
            _patch_value_narrowed,
        )
        for scenario in ("trustcall_repair", "trustcall_update")
    },
    **{
        (scenario, "ollama"): Difference(
            "loses data",
            "langchain-ollama sends the tools without their defaults and nullable types "
            "(deepagents' file tools, langmem's memory tools; see pydantic_tool) and the "
            "tool results without `tool_name` (see conversation_sent); chatplex sends them",
            _tool_defaults_dropped,
        )
        for scenario in (
            "deep_agent_plan",
            "deep_agent_files",
            "deep_agent_structured",
            "memory_tools",
        )
    },
    **{
        (scenario, "ollama"): Difference(
            "loses data",
            "langchain-ollama sends a tool result without the `tool_name` of the call it "
            "answers (see conversation_sent): the name is the result's only link to its "
            "call on Ollama (and trustcall's PatchFunctionName without its nullable "
            "`fixed_name`'s null); chatplex sends it",
            _tool_results_unnamed,
        )
        for scenario in ("trustcall_repair", "mcp_tools")
    },
    ("simulated_conversation", "bedrock_converse"): Difference(
        "rejected by provider",
        "openevals' simulated user sends its conversation with the roles swapped, the "
        "assistant's turn first; langchain-aws sends it so, and Bedrock Converse refuses "
        'it (ValidationException "A conversation must start with a user message"); '
        "chatplex raises its ValueError before sending",
        _assistant_first,
    ),
}


test_library_script = family_test(SCENARIOS, SCRIPT_WIRES, differences=LIBRARY_DIFFERENCES)
