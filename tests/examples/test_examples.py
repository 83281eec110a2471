"""Every example runs as a script against the embedded mock server and prints what it
promises, so none can rot. The scripts run concurrently (one module fixture) to keep
the suite quick; the FastAPI app is also exercised in process through ASGITransport."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.errors import OverloadedError
from chatplex.testing import FakeChatModel
from chatplex.testing import MockServer
from tests._script_module import script_module

#: Under pytest-xdist the module's tests share one worker: `outputs` runs the scripts once
#: (each worker reaching it started all seven again).
pytestmark = pytest.mark.xdist_group("examples_timed")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINE = [
    "social_posts",
    "dataset_speedup",
    "stream_chain",
    "fastapi_sse",
    "parallel_joke_poem",
    "deadline_cancel",
    "swap_providers",
]
# Their own test files (the bulk examples: tests/examples/test_bulk_examples.py).
TESTED_ELSEWHERE = {
    "quickstart",
    "watch_events",
    "langgraph_agent",
    "bulk_chunked",
    "bulk_routed",
    "bulk_cached",
    "bulk_cost",
}
TESTED_ELSEWHERE |= {"tiered_batch", "batch_chain"}  # tests/examples/test_batch_examples.py


def clean_env() -> dict[str, str]:
    """No configured model or key: the examples must fall back to the mock server."""
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, "PYTHONWARNINGS": "error"}


@pytest.fixture(scope="module")
def outputs() -> Iterator[dict[str, str]]:
    procs = {
        name: subprocess.Popen(
            [sys.executable, str(EXAMPLES / f"{name}.py")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(),
        )
        for name in MINE
    }
    results: dict[str, str] = {}
    deadline = time.monotonic() + 120
    try:
        for name, proc in procs.items():
            out, err = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
            assert proc.returncode == 0, f"{name} failed:\n{err}"
            assert err == "", f"{name} wrote to stderr:\n{err}"
            results[name] = out
        yield results
    finally:  # after a failure, the scripts not yet read: killed, reaped, pipes closed
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)
            for pipe in (proc.stdout, proc.stderr):
                if pipe is not None:
                    pipe.close()


def seconds(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in:\n{text}"
    return float(found.group(1))


def test_every_example_is_tested() -> None:
    scripts = {p.stem for p in EXAMPLES.glob("*.py") if not p.stem.startswith("_")}
    assert scripts == set(MINE) | TESTED_ELSEWHERE


def test_all_examples_use_the_mock_server(outputs: dict[str, str]) -> None:
    for name, out in outputs.items():
        assert "[no CHATPLEX_MODEL set: embedded mock server on http://127.0.0.1:" in out, name


def test_social_posts(outputs: dict[str, str]) -> None:
    out = outputs["social_posts"]
    for n, audience in enumerate(["developers", "data scientists", "students", "CTOs"], 1):
        assert f"  #{n} Echo: Candidate {n}: announce chatplex 0.1 to {audience}." in out
    two = seconds(r"max_concurrency=2: 5 candidates in ([\d.]+)s", out)
    five = seconds(r"max_concurrency=5: 5 candidates in ([\d.]+)s", out)
    assert five < two  # three rounds of 0.3 s against one


def test_dataset_speedup(outputs: dict[str, str]) -> None:
    out = outputs["dataset_speedup"]
    assert "rows: 20, keys per row: ['features', 'sentiment', 'summary']" in out
    assert "row 0 features:  Echo: List the product features in: Echo: Summarize" in out
    assert seconds(r"speedup: ([\d.]+)x", out) > 3


def test_stream_chain(outputs: dict[str, str]) -> None:
    out = outputs["stream_chain"]
    assert "Echo: Explain in a few sentences why streaming makes chat apps feel fast." in out
    pieces = seconds(r"(\d+) pieces; first after", out)
    first = seconds(r"first after ([\d.]+)s", out)
    total = seconds(r"all after ([\d.]+)s", out)
    assert pieces >= 10 and first < total


def test_fastapi_script_serves_and_streams(outputs: dict[str, str]) -> None:
    out = outputs["fastapi_sse"]
    assert "GET /chat -> 200 text/event-stream" in out
    assert 'data: {"text": "Echo:"}' in out and out.rstrip().endswith("data: [DONE]")


def test_parallel_joke_poem(outputs: dict[str, str]) -> None:
    out = outputs["parallel_joke_poem"]
    assert "  joke: Echo: Tell a short joke about cats" in out
    assert "  poem: Echo: Write a two-line poem about cats" in out
    assert "batch of 3" in out and "  Mondays: joke='Echo: Tell a short joke about Mondays'" in out
    assert seconds(r"invoke \(([\d.]+)s\)", out) > 0.3  # the mock's latency was paid


def test_deadline_cancel(outputs: dict[str, str]) -> None:
    out = outputs["deadline_cancel"]
    # The mock answers after 0.5 s and streams for 2 s more: the error came from the
    # deadline (the line says so), before the reply would have been complete.
    assert seconds(r"timeout=0.2s: DeadlineExceededError after ([\d.]+)s", out) < 2.5
    assert "timeout=10.0s: finished in" in out
    assert "stream with timeout=1.0s: stopped by the deadline after" in out
    assert seconds(r"cancelled a running stream after (\d+) pieces", out) < 20


def test_swap_providers(outputs: dict[str, str]) -> None:
    out = outputs["swap_providers"]
    assert "openai:gpt-4o-mini: Echo: In one sentence" in out
    assert "anthropic:claude-sonnet-4-5: Echo: In one sentence" in out
    assert "provider=openai model=gpt-4o-mini" in out
    assert "provider=anthropic model=claude-sonnet-4-5" in out


# ---- the FastAPI app in process, no port ----------------------------------------------


def load(name: str) -> ModuleType:
    sys.path.insert(0, str(EXAMPLES))  # the examples import their `_demo` helper
    try:
        return script_module(f"example_{name}", EXAMPLES / f"{name}.py")
    finally:
        sys.path.remove(str(EXAMPLES))


async def sse_events(app: object, question: str) -> list[str]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/chat", params={"q": question})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    return [event for event in response.text.split("\n\n") if event]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
async def test_fastapi_app_streams_sse_in_process(provider: str) -> None:
    app_module = load("fastapi_sse")
    with MockServer() as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        model = init_chat_model(f"{provider}:m", base_url=base, api_key="mock-key")
        events = await sse_events(app_module.create_app(model), "hello there")
    assert events[-1] == "data: [DONE]"
    texts = [json.loads(e.removeprefix("data: "))["text"] for e in events[:-1]]
    assert "".join(texts) == "Echo: hello there" and len(texts) == 3


async def test_fastapi_app_reports_errors_in_band() -> None:
    app_module = load("fastapi_sse")
    overloaded = OverloadedError("Overloaded", provider="anthropic", error_type="overloaded")
    model = FakeChatModel(errors={"boom": overloaded})
    events = await sse_events(app_module.create_app(model), "boom")
    assert events == ['event: error\ndata: {"message": "Overloaded", "type": "overloaded"}']
