"""submit_batch / load: chains split around their model, bad input refused before any
request, the handle on disk whatever happens after the first upload (Ctrl-C, SIGKILL),
no credential in anything saved."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.adapters.batch_api import Call
from chatplex.batches import load
from chatplex.batches import submit_batch
from chatplex.batches.submit import split_chain
from chatplex.errors import APIError
from chatplex.providers.openai.batch import OpenAIBatches
from chatplex.testing import MockServer

KEY = "sk-never-saved-0123456789"


def _saved_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_a_chain_runs_its_steps_before_now_and_after_on_the_results(
    make_model: Callable[..., Any], handle_dir: Path
) -> None:
    prompt = ChatPromptTemplate.from_messages([("user", "Tag {word}")])
    chain = prompt | make_model("anthropic") | StrOutputParser() | RunnableLambda(str.upper)
    job = chain.submit_batch([{"word": w} for w in ("alpha", "beta", "gamma")])
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    assert job.results() == ["ECHO: TAG ALPHA", "ECHO: TAG BETA", "ECHO: TAG GAMMA"]
    # A later process has the handle, not the code: it passes the steps after the model.
    again = load(job.path, then=StrOutputParser()).results()
    assert again == ["Echo: Tag alpha", "Echo: Tag beta", "Echo: Tag gamma"]


def test_async_chain(make_model: Callable[..., Any], handle_dir: Path) -> None:
    chain = ChatPromptTemplate.from_messages([("user", "{x}")]) | make_model("openai")
    chain = chain | StrOutputParser()

    async def main() -> list[Any]:
        job = await chain.asubmit_batch([{"x": "one"}, {"x": "two"}])
        await job.await_completion(poll_interval=0.02, timeout=30, progress=False)
        return await job.aresults()

    assert asyncio.run(main()) == ["Echo: one", "Echo: two"]


def test_a_langchain_model_over_an_engine_is_batched_as_its_engine() -> None:
    # chatplex.langchain.ChatOpenAI where langchain-core is installed: a LangChain chat model whose
    # engine (`chatplex_model`) is what the batch sends, alone or as a chain's step.
    pytest.importorskip("langchain_core")
    from chatplex.langchain import ChatOpenAI

    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    assert split_chain(model) == (model.chatplex_model, None, None)
    prompt = ChatPromptTemplate.from_template("Say {x}")
    engine, before, after = split_chain(prompt | model | StrOutputParser())
    assert engine is model.chatplex_model
    assert before is prompt and isinstance(after, StrOutputParser)


def test_what_cannot_be_batched_is_refused(make_model: Callable[..., Any]) -> None:
    model = make_model("openai")
    with pytest.raises(ValueError, match="exactly one chat model"):
        split_chain(model | StrOutputParser() | model)
    with pytest.raises(TypeError, match="chat model or a chain"):
        split_chain(RunnableLambda(str))
    with pytest.raises(NotImplementedError, match="no adapter"):
        submit_batch(FakeChatModel(responses=["x"]), ["hi"])


def test_bad_input_fails_before_any_request_naming_its_row(
    make_model: Callable[..., Any], handle_dir: Path, server: MockServer
) -> None:
    before = server.stats.requests
    with pytest.raises(ValueError, match="batch input row 2"):
        submit_batch(make_model("openai"), ["fine", "fine", [], "fine"])
    with pytest.raises(ValueError, match="at least one input"):
        submit_batch(make_model("anthropic"), [])
    assert server.stats.requests == before
    assert not handle_dir.exists() or not list(handle_dir.glob("*.json"))


def test_build_request_is_what_invoke_sends(make_model: Callable[..., Any]) -> None:
    model = make_model("openai", temperature=0.5)
    request = model.build_request("hi")
    assert request.json["temperature"] == 0.5
    assert request.json["messages"] == [{"role": "user", "content": "hi"}]
    assert request.headers["x-mock-batch-seconds"] == "0.05"  # the model's extra headers
    assert KEY not in repr(request)


def test_nothing_saved_holds_the_key(make_model: Callable[..., Any], handle_dir: Path) -> None:
    for provider in ("openai", "anthropic"):
        job = submit_batch(make_model(provider), ["a", "b"])
        job.wait(poll_interval=0.02, timeout=30, progress=False)
        job.results()
        assert KEY not in repr(job) and KEY not in repr(job.transport)
    assert KEY.encode() not in _saved_bytes(handle_dir)


def test_ctrl_c_after_the_upload_leaves_a_handle_that_finishes_the_job(
    make_model: Callable[..., Any], handle_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = OpenAIBatches.create

    def interrupted(self: OpenAIBatches, path: str, count: int, label: str) -> Any:
        yield Call("POST", "/files", upload=({"purpose": "batch"}, path))
        raise KeyboardInterrupt

    monkeypatch.setattr(OpenAIBatches, "create", interrupted)
    with pytest.raises(KeyboardInterrupt):
        submit_batch(make_model("openai"), ["a", "b", "c"])
    (path,) = handle_dir.glob("*.json")
    saved = json.loads(path.read_text())
    assert saved["count"] == 3 and saved["jobs"][0]["id"] is None
    monkeypatch.setattr(OpenAIBatches, "create", real)
    job = load(path.stem).submit_remaining()  # by handle id
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    assert [row.text for row in job.results()] == ["Echo: a", "Echo: b", "Echo: c"]


_SUBMITTER = textwrap.dedent(
    """
    import sys, time
    from chatplex import init_chat_model
    from chatplex.batches import Limits, submit_batch

    provider, base, folder = sys.argv[1:4]
    name = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}[provider]
    model = init_chat_model(f"{provider}:{name}", base_url=base, api_key="sk-x",
                            extra_headers={"x-mock-batch-seconds": "0.3"})
    job = submit_batch(model, [f"q {i}" for i in range(900)], handle_dir=folder,
                       limits=Limits(400, 10**8))
    print(job.path, flush=True)
    time.sleep(600)  # killed here, its jobs still running
    """
)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_sigkill_after_submit_then_a_new_process_collects_everything(
    provider: str, server: MockServer, tmp_path: Path
) -> None:
    base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
    with subprocess.Popen(
        [sys.executable, "-c", _SUBMITTER, provider, base, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        try:
            assert child.stdout is not None
            path = Path(child.stdout.readline().strip())
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    saved = json.loads(path.read_text())
    assert len(saved["jobs"]) == 3 and all(job["id"] for job in saved["jobs"])
    first_id = saved["jobs"][0]["id"]
    job = load(first_id, handle_dir=tmp_path)  # found by a provider job id too
    job.wait(poll_interval=0.02, timeout=60, progress=False)
    rows = job.results()
    assert not [row for row in rows if isinstance(row, APIError)]
    assert [row.text for row in rows] == [f"Echo: q {i}" for i in range(900)]


def test_load_refuses_what_it_cannot_trust(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load("batch_unknown", handle_dir=tmp_path)
    bad = tmp_path / "x.json"
    bad.write_text(json.dumps({"format": "chatplex.batch", "version": 99}))
    with pytest.raises(Exception, match="version"):
        load(bad)
