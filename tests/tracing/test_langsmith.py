"""LangSmithTracer against a fake LangSmith endpoint: the same run trees as LangChain's.

The same `prompt | model | parser` chain runs with langchain-openai's `ChatOpenAI` under
LangChain's `LangChainTracer` and with chatplex's `ChatOpenAI` under chatplex's tracer,
both against the mock server; the runs the `langsmith` client posts (for LangChain) and
chatplex's own sender posts (for chatplex) to a local endpoint are compared: shape, names,
run types, tags, token usage, `ls_*` metadata, errors.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("langsmith")
pytest.importorskip("langchain_openai")


import langsmith  # noqa: E402

from chatplex.core.tracers import add_tracer  # noqa: E402
from chatplex.core.tracers import remove_tracer  # noqa: E402
from chatplex.core.tracers import tracers  # noqa: E402
from chatplex.testing import MockServer  # noqa: E402
from chatplex.tracing.langsmith import LangSmithTracer  # noqa: E402
from chatplex.tracing.langsmith import wait_for_all_tracers  # noqa: E402
from chatplex.tracing.sender import LangSmithSender  # noqa: E402
from chatplex.tracing.sender import SenderSettings  # noqa: E402

from .fake_langsmith import FakeLangSmith  # noqa: E402
from .fake_langsmith import tree  # noqa: E402
from .wires import WIRES  # noqa: E402, F401
from .wires import Wire  # noqa: E402, F401
from .wires import model_for  # noqa: E402, F401
from .wires import no_aws_files  # noqa: E402, F401

ROOT = Path(__file__).resolve().parents[2]
FAULT_400 = {"x-mock-fault": "status=400;message=no such thing"}


@pytest.fixture()
def endpoint() -> Any:
    with FakeLangSmith() as fake:
        yield fake


@pytest.fixture()
def client(endpoint: FakeLangSmith) -> langsmith.Client:
    return langsmith.Client(api_url=endpoint.url, api_key="lsv2-fake-key-123")


def sender_for(endpoint: FakeLangSmith) -> LangSmithSender:
    return LangSmithSender(SenderSettings(endpoint=endpoint.url, api_key="lsv2-fake-key-123"))


@pytest.fixture()
def chatplex_tracer(endpoint: FakeLangSmith) -> Any:
    tracer = LangSmithTracer(sender=sender_for(endpoint), project_name="compare")
    add_tracer(tracer)
    yield tracer
    tracer.flush()  # nothing left waiting for an endpoint that is about to close
    remove_tracer(tracer)


def shape(run: dict[str, Any]) -> dict[str, Any]:
    """What must match between LangChain's runs and chatplex's."""
    meta = (run.get("extra") or {}).get("metadata") or {}
    out: dict[str, Any] = {
        "name": run["name"],
        "run_type": run["run_type"],
        "tags": sorted(run.get("tags") or []),
        # The error's class is each library's (LangChain: OpenAIInvalidRequestError), the
        # status in its text is the same.
        "error": run.get("error") and ("400" in run["error"] or run["error"][:40]),
        "children": [shape(c) for c in run["children"]],
    }
    if run["run_type"] == "llm":
        out["ls"] = {k: meta.get(k) for k in ("ls_provider", "ls_model_name", "ls_model_type")}
        out["usage_metadata"] = {
            k: v
            for k, v in (meta.get("usage_metadata") or {}).items()
            if k in ("input_tokens", "output_tokens", "total_tokens")
        }
        message = (run.get("outputs") or {}).get("generations", [[{}]])[0][0].get("message")
        if not run.get("error"):
            out["reply"] = message and message["kwargs"]["content"]
        out["inputs"] = [m["kwargs"] for m in run["inputs"]["messages"][0]]
    else:
        inputs = run.get("inputs") or {}
        value = inputs.get("input")
        if isinstance(value, dict) and "content" in value:  # a message: ids, metadata differ
            inputs = {"input": {k: value[k] for k in ("content", "type", "tool_calls")}}
        out["inputs"] = inputs
        out["outputs"] = (run.get("outputs") or {}).get("output")
    return out


def with_serialized(run: dict[str, Any]) -> set[str]:
    """The names of the runs in `run`'s tree that were sent with their `serialized`."""
    names = {run["name"]} if run.get("serialized") else set()
    for child in run["children"]:
        names |= with_serialized(child)
    return names


def langchain_chain(base_url: str, headers: dict[str, str] | None = None) -> Any:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_openai import ChatOpenAI

    prompt = ChatPromptTemplate.from_messages([("system", "be brief"), ("human", "{q}")])
    model = ChatOpenAI(
        model="gpt-4o-mini",
        base_url=base_url,
        api_key="sk-test",  # type: ignore[arg-type]
        temperature=0,
        max_retries=0,
        default_headers=headers,
    )
    return prompt | model | StrOutputParser()


def chatplex_chain(base_url: str, headers: dict[str, str] | None = None) -> Any:
    from chatplex import ChatPromptTemplate
    from chatplex import StrOutputParser
    from chatplex.providers.openai.dropin import build

    def ChatOpenAI(**keywords: Any) -> Any:  # noqa: N802  (its record's model: chatplex's words)
        return build(keywords)

    prompt = ChatPromptTemplate.from_messages([("system", "be brief"), ("human", "{q}")])
    model = ChatOpenAI(
        model="gpt-4o-mini",
        base_url=base_url,
        api_key="sk-test",
        temperature=0,
        max_retries=0,
        default_headers=headers,
        stream_usage=True,  # on a base_url, asked for only when told (as langchain-openai)
    )
    return prompt | model | StrOutputParser()


def langchain_trees(client: langsmith.Client, endpoint: FakeLangSmith, run: Any) -> list[Any]:
    from langchain_core.tracers import LangChainTracer

    tracer = LangChainTracer(client=client, project_name="compare")
    run({"callbacks": [tracer]})
    client.flush()
    trees = tree(endpoint.runs)
    endpoint.clear()
    return trees


def chatplex_trees(client: langsmith.Client, endpoint: FakeLangSmith, run: Any) -> list[Any]:
    run(None)
    wait_for_all_tracers()
    trees = tree(endpoint.runs)
    endpoint.clear()
    return trees


def test_the_chain_makes_the_run_tree_langchain_makes(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    lc = langchain_chain(mock.openai_base_url)
    ours = chatplex_chain(mock.openai_base_url)
    remove_tracer(chatplex_tracer)  # LangChain's run first, without ours listening
    expected = langchain_trees(client, endpoint, lambda cfg: lc.invoke({"q": "hi"}, cfg))
    add_tracer(chatplex_tracer)
    got = chatplex_trees(client, endpoint, lambda cfg: ours.invoke({"q": "hi"}, cfg))
    assert len(expected) == len(got) == 1
    assert [shape(t) for t in got] == [shape(t) for t in expected]
    assert (
        with_serialized(got[0])
        == with_serialized(expected[0])
        == {
            "ChatPromptTemplate",
            "ChatOpenAI",
        }
    )
    root = got[0]
    assert root["session_name"] == "compare"
    llm = root["children"][1]
    assert llm["extra"]["metadata"]["usage_metadata"]["input_tokens"] > 0
    assert llm["extra"]["metadata"]["ls_temperature"] == 0
    assert llm["trace_id"] == root["id"] and llm["parent_run_id"] == root["id"]
    assert llm["dotted_order"].startswith(root["dotted_order"] + ".")
    assert [e["name"] for e in llm["events"]] == ["start", "end"]


def test_a_failing_call_is_reported_as_langchain_reports_it(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    lc = langchain_chain(mock.openai_base_url, FAULT_400)
    ours = chatplex_chain(mock.openai_base_url, FAULT_400)

    def failing(chain: Any) -> Any:
        def run(cfg: Any) -> None:
            with pytest.raises(Exception, match="400|no such thing"):
                chain.invoke({"q": "hi"}, cfg)

        return run

    remove_tracer(chatplex_tracer)
    expected = langchain_trees(client, endpoint, failing(lc))
    add_tracer(chatplex_tracer)
    got = chatplex_trees(client, endpoint, failing(ours))
    assert [shape(t) for t in got] == [shape(t) for t in expected]
    assert got[0]["error"].startswith("BadRequestError(")
    llm = got[0]["children"][1]
    assert "no such thing" in llm["error"] and "Traceback" in llm["error"]
    assert "sk-test" not in str(endpoint.runs) and "sk-test" not in str(got)


async def test_async_stream_and_batch_are_traced_with_the_same_tree(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    chain = chatplex_chain(mock.openai_base_url)
    pieces = [p async for p in chain.astream({"q": "hi"})]
    assert "".join(pieces) == "Echo: hi"
    await chain.abatch([{"q": "a"}, {"q": "b"}])
    wait_for_all_tracers()
    roots = tree(endpoint.runs)
    assert len(roots) == 3
    for root in roots:
        assert root["name"] == "RunnableSequence" and not root.get("error")
        kinds = [(c["name"], c["run_type"]) for c in root["children"]]
        assert kinds == [
            ("ChatPromptTemplate", "prompt"),
            ("ChatOpenAI", "llm"),
            ("StrOutputParser", "parser"),
        ]
        usage = root["children"][1]["extra"]["metadata"]["usage_metadata"]
        assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert sorted(r["outputs"]["output"] for r in roots) == ["Echo: a", "Echo: b", "Echo: hi"]


@pytest.mark.parametrize("wire", WIRES, ids=str)
@pytest.mark.parametrize("use_async", [False, True])
async def test_every_wire_is_traced_as_langchain_names_it(
    wire: Wire, use_async: bool, mock: MockServer, endpoint: FakeLangSmith, chatplex_tracer: Any
) -> None:
    """Each wire's model: a run named after its LangChain class, with LangChain's
    `ls_provider` and model name, the reply and its token usage."""
    model = model_for(wire, mock)
    if use_async:
        await model.ainvoke("hi")
    else:
        model.invoke("hi")
    wait_for_all_tracers()
    (run,) = tree(endpoint.runs)
    assert run["run_type"] == "llm" and run["name"] == wire.run_name
    meta = run["extra"]["metadata"]
    assert meta["ls_provider"] == wire.ls_provider and meta["ls_model_name"] == wire.model
    assert meta["usage_metadata"]["output_tokens"] > 0
    generation = run["outputs"]["generations"][0][0]
    assert generation["text"] == "Echo: hi"  # Responses' content is a list of blocks
    assert generation["message"]["id"][-1] == "AIMessage"


def test_retries_are_events_of_the_model_run(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    from chatplex.http import retry_policy
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")

    model = ChatOpenAI(
        model="m",
        base_url=mock.openai_base_url,
        api_key="k",
        default_headers={"x-mock-fault": "status=503"},
        retry_policy=retry_policy(max_retries=2, initial_delay=0.001, max_delay=0.002),
    )
    with pytest.raises(Exception, match="503"):
        model.invoke("hi")
    wait_for_all_tracers()
    (run,) = tree(endpoint.runs)
    retries = [e for e in run["events"] if e["name"] == "retry"]
    assert [e["kwargs"]["attempt"] for e in retries] == [1, 2]
    assert retries[0]["kwargs"]["exception_type"].endswith("Error")
    assert run["events"][-1]["name"] == "error"


def test_chatchatplex_inside_langchain_appears_once(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    from langchain_core.output_parsers import StrOutputParser
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.tracers import LangChainTracer

    from chatplex.langchain import ChatChatplex
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")

    inner = ChatOpenAI(model="gpt-4o-mini", base_url=mock.openai_base_url, api_key="k")
    prompted = ChatPromptTemplate.from_messages([("human", "{q}")])
    chain = prompted | ChatChatplex.from_model(inner) | StrOutputParser()
    lc_tracer = LangChainTracer(client=client, project_name="compare")
    assert chain.invoke({"q": "hi"}, {"callbacks": [lc_tracer]}) == "Echo: hi"
    wait_for_all_tracers()
    client.flush()  # LangChain's tracer's runs go through the langsmith client
    roots = tree(endpoint.runs)
    assert len(endpoint.runs) == 4  # chain, prompt, llm, parser: the model once
    assert len(roots) == 1
    assert [c["run_type"] for c in roots[0]["children"]] == ["prompt", "llm", "parser"]


def test_a_langchain_tool_in_a_chatplex_chain_nests_and_is_sent_once(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client, chatplex_tracer: Any
) -> None:
    """LangChain's tool reports to LangChain's tracer (which LangChain would add from the
    environment anyway), told where the chatplex run around it sits."""
    from langchain_core.tools import tool

    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")

    @tool
    def shout(text: str) -> str:
        """Upper-case the text."""
        return text.upper()

    model = ChatOpenAI(model="m", base_url=mock.openai_base_url, api_key="k").bind_tools([shout])
    chain = model | (lambda message: message.tool_calls[0]["args"]) | shout
    assert chain.invoke("use the tool") == "X"
    wait_for_all_tracers()
    (root,) = tree(endpoint.runs)
    kinds = [(c["name"], c["run_type"]) for c in root["children"]]
    assert kinds == [("ChatOpenAI", "llm"), ("RunnableLambda", "chain"), ("shout", "tool")]
    tool_run = root["children"][2]
    assert tool_run["trace_id"] == root["id"] and tool_run["outputs"] == {"output": "X"}
    assert tool_run["session_name"] == root["session_name"] == "compare"
    assert tool_run["dotted_order"].startswith(root["dotted_order"] + ".")
    assert set(endpoint.posted.values()) == {1}  # every run sent once


def test_no_tracer_no_run(mock: MockServer, endpoint: FakeLangSmith) -> None:
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")

    assert not any(isinstance(t, LangSmithTracer) for t in tracers())
    ChatOpenAI(model="m", base_url=mock.openai_base_url, api_key="k").invoke("hi")
    wait_for_all_tracers()
    assert endpoint.runs == {}


def run_script(script: str, **variables: str) -> subprocess.CompletedProcess[str]:
    """Run `script` in a fresh interpreter with this checkout on the path, no tracing
    variable of the caller's environment, and `variables`; it must succeed."""
    env = {k: v for k, v in os.environ.items() if "TRACING" not in k}
    env.update(PYTHONPATH=str(ROOT), **variables)
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out


def test_the_environment_switches_it_on_for_a_plain_script(
    mock: MockServer, endpoint: FakeLangSmith
) -> None:
    """The user's path: env vars set, `import chatplex`, a call, the script exits."""
    script = textwrap.dedent(
        f"""
        import chatplex
        from chatplex.tracing.langsmith import wait_for_all_tracers
        model = chatplex.init_chat_model("openai:m", base_url={mock.openai_base_url!r}, api_key="k")
        print(model.invoke("hi").text)
        wait_for_all_tracers()
        """
    )
    out = run_script(
        script,
        LANGSMITH_TRACING="true",
        LANGSMITH_ENDPOINT=endpoint.url,
        LANGSMITH_API_KEY="lsv2-secret-key-xyz",
        LANGSMITH_PROJECT="from-env",
    )
    assert out.stdout.strip() == "Echo: hi"
    assert "lsv2-secret-key-xyz" not in out.stdout + out.stderr
    (run,) = endpoint.runs.values()
    assert run["session_name"] == "from-env" and run["run_type"] == "llm"
    assert any(h.get("x-api-key") == "lsv2-secret-key-xyz" for h in endpoint.headers)


def test_a_variable_set_after_the_import_is_read_at_the_first_call(
    mock: MockServer, endpoint: FakeLangSmith
) -> None:
    """Notebooks set LANGSMITH_TRACING after their imports (LangChain reads it at the
    first call): the first call and the next are traced; a variable set only after the
    first call is not read again (LangChain caches it too)."""
    script = textwrap.dedent(
        f"""
        import os
        import chatplex
        from chatplex.tracing.langsmith import wait_for_all_tracers
        os.environ.update(LANGSMITH_TRACING="true", LANGSMITH_ENDPOINT={endpoint.url!r},
                          LANGSMITH_API_KEY="lsv2-fake", LANGSMITH_PROJECT="late")
        model = chatplex.init_chat_model("openai:m", base_url={mock.openai_base_url!r}, api_key="k")
        model.invoke("one")
        model.invoke("two")
        wait_for_all_tracers()
        """
    )
    run_script(script)
    assert sorted(r["session_name"] for r in endpoint.runs.values()) == ["late", "late"]


def test_a_variable_set_after_the_first_call_is_not_read(
    mock: MockServer, endpoint: FakeLangSmith
) -> None:
    script = textwrap.dedent(
        f"""
        import os
        import chatplex
        from chatplex.core.tracers import tracers
        model = chatplex.init_chat_model("openai:m", base_url={mock.openai_base_url!r}, api_key="k")
        model.invoke("one")
        os.environ.update(LANGSMITH_TRACING="true", LANGSMITH_ENDPOINT={endpoint.url!r})
        model.invoke("two")
        print(len(tracers()))
        """
    )
    out = run_script(script)
    assert out.stdout.strip() == "0" and endpoint.runs == {}


def test_a_script_that_just_exits_still_sends_its_runs(
    mock: MockServer, endpoint: FakeLangSmith
) -> None:
    """No flush at the end: the runs waiting to be handed over go at shutdown."""
    script = textwrap.dedent(
        f"""
        import chatplex
        model = chatplex.init_chat_model("openai:m", base_url={mock.openai_base_url!r}, api_key="k")
        model.batch(["a", "b", "c"])
        """
    )
    run_script(
        script,
        LANGSMITH_TRACING="true",
        LANGSMITH_ENDPOINT=endpoint.url,
        LANGSMITH_API_KEY="lsv2-fake",
    )
    assert len(endpoint.runs) == 3


def test_repr_shows_no_key(client: langsmith.Client, endpoint: FakeLangSmith) -> None:
    for tracer in (
        LangSmithTracer(client=client, project_name="p"),
        LangSmithTracer(sender=sender_for(endpoint), project_name="p"),
    ):
        assert "lsv2" not in repr(tracer) and repr(tracer) == "LangSmithTracer(project_name='p')"
        assert "lsv2" not in repr(tracer.sender)


def test_the_langsmith_client_path_still_sends_the_same_runs(
    mock: MockServer, endpoint: FakeLangSmith, client: langsmith.Client
) -> None:
    """The fallback (settings chatplex's sender does not implement): the same runs,
    through `Client.multipart_ingest`."""
    tracer = LangSmithTracer(client=client, project_name="via-client")
    add_tracer(tracer)
    try:
        chatplex_chain(mock.openai_base_url).invoke({"q": "hi"})
        tracer.flush()
    finally:
        remove_tracer(tracer)
    (root,) = tree(endpoint.runs)
    assert root["session_name"] == "via-client" and root["outputs"] == {"output": "Echo: hi"}
    llm = root["children"][1]
    assert llm["extra"]["metadata"]["usage_metadata"]["total_tokens"] > 0
    assert llm["inputs"]["messages"][0][1]["kwargs"]["content"] == "hi"


def test_runs_never_ended_are_dropped_oldest_first(
    monkeypatch: pytest.MonkeyPatch, client: langsmith.Client, endpoint: FakeLangSmith
) -> None:
    import uuid

    from chatplex.tracing import records

    monkeypatch.setattr(records, "MAX_OPEN_RUNS", 2)
    tracer = LangSmithTracer(sender=sender_for(endpoint))
    ids = [uuid.uuid4() for _ in range(4)]
    for run_id in ids:
        tracer.on_chain_start({"name": "x"}, {}, run_id=run_id, name="step")
    assert list(tracer._runs) == ids[2:]
    tracer.on_chain_end("out", run_id=ids[3])
    tracer.flush()
    assert list(endpoint.runs) == [str(ids[3])]


def test_every_row_of_a_traced_chatplex_run_reaches_the_endpoint(
    mock: MockServer, endpoint: FakeLangSmith, tmp_path: Path
) -> None:
    """A bulk run ends with no explicit flush: the runs still waiting are sent at exit,
    every one of them, each once."""
    rows = 150
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(f'{{"id": "r{i}", "text": "row {i}"}}\n' for i in range(rows)))
    output = tmp_path / "out.jsonl"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "OPENAI_API_KEY": "sk-test",
        "LANGSMITH_TRACING": "true",
        "LANGSMITH_ENDPOINT": endpoint.url,
        "LANGSMITH_API_KEY": "lsv2-fake",
        "LANGSMITH_PROJECT": "bulk",
    }
    command = [
        sys.executable, "-m", "chatplex", "run", str(source), "--model", "openai:gpt-4o-mini",
        "--output", str(output), "--prompt", "{text}", "--base-url", mock.openai_base_url,
        "--concurrency", "16", "-q",
    ]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert len(output.read_text().splitlines()) == rows
    runs = endpoint.runs
    assert len(runs) == rows
    assert {r["run_type"] for r in runs.values()} == {"llm"}
    assert {r["session_name"] for r in runs.values()} == {"bulk"}
    assert set(endpoint.posted.values()) == {1}
    replies = {r["outputs"]["generations"][0][0]["text"] for r in runs.values()}
    assert len(replies) == rows  # each row's own reply, not one run sent many times


async def test_runs_are_serialized_on_the_sender_thread_not_the_callers(
    monkeypatch: pytest.MonkeyPatch, mock: MockServer, endpoint: FakeLangSmith
) -> None:
    """The caller (here an event loop) hands references over; the sender thread turns
    them into JSON data, sync and async callers alike."""
    import threading

    from chatplex.tracing import records as module

    threads: set[str] = set()
    for name in ("dumpd", "llm_result", "chain_inputs", "chain_outputs"):
        original = getattr(module, name)

        def spy(value: Any, original: Any = original) -> Any:
            threads.add(threading.current_thread().name)
            return original(value)

        monkeypatch.setattr(module, name, spy)
    tracer = LangSmithTracer(sender=sender_for(endpoint), project_name="threads")
    add_tracer(tracer)
    try:
        chain = chatplex_chain(mock.openai_base_url)
        assert await chain.ainvoke({"q": "a"}) == "Echo: a"
        assert chain.invoke({"q": "b"}) == "Echo: b"
        tracer.flush()
    finally:
        remove_tracer(tracer)
    assert threads == {"chatplex-langsmith"}
    roots = tree(endpoint.runs)
    assert sorted(r["outputs"]["output"] for r in roots) == ["Echo: a", "Echo: b"]
    assert all(r["session_name"] == "threads" for r in roots)


def test_the_trace_shows_the_inputs_as_they_were_at_the_call(
    mock: MockServer, endpoint: FakeLangSmith
) -> None:
    """A chat loop appends to the history it just passed before the sender thread
    serializes the run: the trace still shows the conversation the model was given."""
    from chatplex.messages import AIMessage
    from chatplex.messages import HumanMessage
    from tests._dropins import engine

    ChatOpenAI = engine("ChatOpenAI")

    tracer = LangSmithTracer(sender=sender_for(endpoint), project_name="history")
    model = ChatOpenAI(model="gpt-4o-mini", base_url=mock.openai_base_url, api_key="sk-test")
    history: list[Any] = [HumanMessage("first")]
    chain_input = {"history": history}
    add_tracer(tracer)
    try:
        reply = model.invoke(history)
        history.append(reply)  # before the sender thread gets to the run
        history.append(HumanMessage("second"))
        from chatplex.core import RunnableLambda

        RunnableLambda(lambda d: len(d["history"])).invoke(chain_input)
        history.append(AIMessage("third"))
        chain_input["late"] = "added after the call"
        tracer.flush()
    finally:
        remove_tracer(tracer)
    runs = {r["run_type"]: r for r in endpoint.runs.values()}
    messages = runs["llm"]["inputs"]["messages"][0]
    assert [m["kwargs"]["content"] for m in messages] == ["first"]
    chain_history = runs["chain"]["inputs"]["history"]
    assert len(chain_history) == 3 and set(runs["chain"]["inputs"]) == {"history"}


def _llm_events(trees: list[Any]) -> list[dict[str, Any]]:
    (root,) = trees
    (llm,) = [r for r in [root, *root["children"]] if r["run_type"] == "llm"]
    return list(llm["events"])


@pytest.mark.parametrize("sync", [True, False])
def test_a_stream_records_its_first_token_as_langchain_does(
    sync: bool,
    mock: MockServer,
    endpoint: FakeLangSmith,
    client: langsmith.Client,
    chatplex_tracer: Any,
) -> None:
    """LangSmith's time to first token: one `new_token` event between start and end, as
    LangChain's tracer sends it (not one per token)."""
    import asyncio

    lc = langchain_chain(mock.openai_base_url)
    ours = chatplex_chain(mock.openai_base_url)

    def streamed(chain: Any) -> Any:
        def run(cfg: Any) -> None:
            if sync:
                assert "".join(chain.stream({"q": "hi there"}, cfg)) == "Echo: hi there"
            else:

                async def consume() -> str:
                    return "".join([p async for p in chain.astream({"q": "hi there"}, cfg)])

                assert asyncio.run(consume()) == "Echo: hi there"

        return run

    remove_tracer(chatplex_tracer)
    expected = _llm_events(langchain_trees(client, endpoint, streamed(lc)))
    add_tracer(chatplex_tracer)
    got = _llm_events(chatplex_trees(client, endpoint, streamed(ours)))
    assert [e["name"] for e in got] == [e["name"] for e in expected]
    assert [e["name"] for e in got] == ["start", "new_token", "end"]
    assert got[1] == {"name": "new_token", "time": got[1]["time"]}  # no token, as theirs
    assert expected[1] == {"name": "new_token", "time": expected[1]["time"]}
    assert got[0]["time"] <= got[1]["time"] <= got[2]["time"]
    # A call that does not stream has no token event (LangChain's neither).
    plain = _llm_events(chatplex_trees(client, endpoint, lambda cfg: ours.invoke({"q": "x"}, cfg)))
    assert [e["name"] for e in plain] == ["start", "end"]


def _streamed_parser_inputs(tracer: Any, fail: bool) -> Any:
    """A LangChain chain streamed with `tracer` as its callback: its parser's input is
    streamed to it, so LangChain tells it at the parser's end (or error), not its start."""
    from langchain_core.language_models import FakeListChatModel
    from langchain_core.output_parsers import StrOutputParser as LCStrOutputParser
    from langchain_core.runnables import RunnableLambda

    def refuse(text: str) -> str:
        raise ValueError("refused")

    chain = FakeListChatModel(responses=["streamed reply"]) | LCStrOutputParser()
    if fail:
        chain = chain | RunnableLambda(refuse)
    with contextlib.suppress(ValueError):
        for _ in chain.stream("hi", {"callbacks": [tracer]}):
            pass


@pytest.mark.parametrize("fail", [False, True], ids=["ended", "failed"])
def test_a_streamed_step_s_input_told_at_its_end_is_sent_as_langchain_sends_it(
    client: langsmith.Client, endpoint: FakeLangSmith, fail: bool
) -> None:
    from langchain_core.tracers import LangChainTracer

    _streamed_parser_inputs(LangChainTracer(client=client, project_name="p"), fail)
    client.flush()
    expected = {r["name"]: r.get("inputs") for r in endpoint.runs.values()}
    endpoint.clear()
    tracer = LangSmithTracer(sender=sender_for(endpoint), project_name="p")
    _streamed_parser_inputs(tracer, fail)
    tracer.flush()
    got = {r["name"]: r.get("inputs") for r in endpoint.runs.values()}
    # The whole reply the parser read, not its start's empty input.
    assert expected["StrOutputParser"]["input"]["content"] == "streamed reply"
    assert got.keys() == expected.keys()
    for name in expected:  # (a message's id is its run's own)
        assert _without_ids(got[name]) == _without_ids(expected[name]), name
    if fail:
        assert expected["refuse"] == {"input": "s"}  # the first piece, on which it raised


def _without_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


@pytest.mark.parametrize("use_async", [False, True])
@pytest.mark.parametrize("path", ["recorded", "handler"])
async def test_langsmiths_gateway_metadata_is_the_runs_as_langchains_tracer_makes_it(
    path: str, use_async: bool, endpoint: FakeLangSmith, chatplex_tracer: Any
) -> None:
    # A reply through the gateway: its metadata in the run's, the model and provider it
    # resolved over the call's (langchain-core's `_TracerCore._attach_gateway_metadata`),
    # on the call's own record and through the handler protocol (a handler of the
    # script's beside the tracer).
    import respx

    from chatplex import init_chat_model
    from chatplex.core.handlers import BaseCallbackHandler
    from tests._replies import chat_completion

    url = "https://gateway.example/openai/v1"
    resolved = {"provider": "azure_openai", "model": " gpt-4o-2024-08-06 ", "cost": 1}
    header = {"X-LangSmith-Gateway-Metadata": json.dumps(resolved)}
    config = {"callbacks": [BaseCallbackHandler()]} if path == "handler" else {}
    with respx.mock(assert_all_called=False) as router:
        router.route(host="127.0.0.1").pass_through()  # (the tracer's endpoint)
        reply = chat_completion("hi", created=1)
        router.post(f"{url}/chat/completions").respond(200, json=reply, headers=header)
        model = init_chat_model("openai:gpt-4o-mini", base_url=url, api_key="lsv2_k")
        if use_async:
            await model.ainvoke("hi", config)
        else:
            model.invoke("hi", config)
        wait_for_all_tracers()
    (run,) = tree(endpoint.runs)
    meta = run["extra"]["metadata"]
    assert meta["ls_gateway_info"] == resolved
    assert (meta["ls_provider"], meta["ls_model_name"]) == ("azure_openai", "gpt-4o-2024-08-06")
