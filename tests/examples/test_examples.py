"""Every example runs as a script against the embedded mock server and prints what it
promises, so none can rot. The scripts run once for the module (one fixture), one after
another, each in a child forked from an interpreter that has imported chatplex under the
scripts' environment (tests/_zygote.py: as `python examples/NAME.py`, without paying
chatplex's imports seven times); the FastAPI app is also exercised in process through
ASGITransport."""

from __future__ import annotations

import json
import os
import re
import sys
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
from tests._zygote import Zygote

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
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    """The scripts' zygote: chatplex imported with the scripts' environment (warnings
    are errors there too: its imports are checked as strictly as a script's)."""
    started = Zygote(tmp_path_factory.mktemp("examples-zygote"), clean_env())
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="module")
def outputs(zygote: Zygote) -> dict[str, str]:
    results: dict[str, str] = {}
    for name in MINE:
        done = zygote.run_script(EXAMPLES / f"{name}.py", cwd=Path.cwd(), timeout=120)
        assert done.returncode == 0, f"{name} failed:\n{done.stderr}"
        assert done.stderr == "", f"{name} wrote to stderr:\n{done.stderr}"
        results[name] = done.stdout
    return results


def test_a_forked_script_runs_as_python_path_would(zygote: Zygote, tmp_path: Path) -> None:
    script = tmp_path / "folder" / "script.py"
    script.parent.mkdir()
    (script.parent / "helper.py").write_text("WORD = 'beside'\n")
    script.write_text(
        "import os, sys\n"
        "from helper import WORD  # the script's folder is first on the path\n"
        "print(os.getcwd(), sys.argv, sys.path[0], __name__, __file__, WORD)\n"
    )
    done = zygote.run_script(script, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"{tmp_path} {[str(script)]} {script.parent} __main__ {script} beside\n"


#: Model calls of both wires, sync and async, streamed and not, in a forked script: it
#: prints what they loaded that the zygote had not.
_LOADED_BY_CALLS = """
import asyncio, sys
before = set(sys.modules)
from chatplex import init_chat_model
from chatplex.testing import MockServer

async def both(model):
    await model.ainvoke("hi")
    return [chunk async for chunk in model.astream("hi")]

with MockServer() as server:
    for name, url in (("openai:m", server.openai_base_url),
                      ("anthropic:m", server.anthropic_base_url)):
        model = init_chat_model(name, base_url=url, api_key="sk-x")
        model.invoke("hi"), list(model.stream("hi")), asyncio.run(both(model))
print(sorted(set(sys.modules) - before))
"""


def test_model_calls_in_a_forked_script_load_nothing_the_zygote_has_not(
    zygote: Zygote, tmp_path: Path
) -> None:
    # What a call loads on first use is in the zygote's PRELOAD (tests/_zygote.py): each
    # forked script would load it again otherwise.
    done = zygote.run(_LOADED_BY_CALLS, cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"


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
