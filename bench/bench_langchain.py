"""Client CPU of a LangChain chain on chatplex's `ChatOpenAI` drop-in (a LangChain chat
model where langchain-core is installed) and on `ChatChatplex`, vs on langchain-openai's
`ChatOpenAI`.

    python bench/bench_langchain.py            # ~2 minutes
    python bench/bench_langchain.py --quick    # a smoke test of the harness
    python bench/bench_langchain.py --clients dropin,langchain-openai,langchain-floor \
        --modes abatch                         # some rows only: paired before/after runs

The chain is LangChain's `ChatPromptTemplate | model | StrOutputParser()`, the same for
both models, on the OpenAI wire against one local mock server process
(`python -m chatplex.testing.mock_server`, 20 ms before each response head, `--chunks`
content deltas per reply), so the server's CPU is never counted. chatplex's own chain
(`chatplex.ChatPromptTemplate | init_chat_model(...) | chatplex.StrOutputParser()`) runs
too, as the floor: the difference to `ChatChatplex` is what LangChain's layer costs.
`langchain-floor` is LangChain's own floor: the same chain on a LangChain chat model with
nothing to do (ready-made replies and chunks: no HTTP, no parsing), what LangChain's
machinery costs around any model; its ratio to langchain-openai's is the lowest any
LangChain chat model can reach on a row. `dropin-gc-off` is the drop-in with the garbage
collector as CPython sets it (`CHATPLEX_GC_THRESHOLD=0`): what chatplex's batches gain by
raising its young threshold while they run (`chatplex.core.collector`, decision 015).

- abatch: `chain.abatch` of `--requests` inputs with `max_concurrency=64`; CPU per request.
- astream: `--streams` streams of the chain one after another; CPU per streamed chunk
  (content delta). LangChain's `StrOutputParser` hands each chunk to a thread
  (`run_in_executor`), a cost both LangChain models pay alike.
- astream_model: the same streams from the model alone (`model.astream(messages)`, what
  LangGraph's `stream_mode="messages"` reads); CPU per chunk with text.

Each measurement runs in a fresh worker process (this script with `--worker`): one untimed
warm-up call, then the timed work, measured with getrusage deltas (user + sys of the
worker only). Variants run in rounds (each once per round); the table shows medians.
With `--quick` one worker runs every client's three modes in turn (LangChain's and the
openai SDK's imports once, not fifteen times: a smoke test checks the harness, not the
numbers).
Results are printed as a table and written as JSON (`--out`, default
bench/results_langchain.json). LangChain comes from the project's dev extra.

Only the standard library is imported at the top: a worker imports what it measures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODEL = "gpt-4o-mini"
API_KEY = "sk-bench-not-real"
CLIENTS = (
    "dropin",
    "dropin-gc-off",
    "chatchatplex",
    "langchain-openai",
    "chatplex",
    "langchain-floor",
)
#: A client measured with the garbage collector left as CPython sets it
#: (`CHATPLEX_GC_THRESHOLD=0`: chatplex's batches do not raise its young threshold).
GC_OFF = {"dropin-gc-off": "dropin"}
MODES = ("abatch", "astream", "astream_model")
CONCURRENCY = 64


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- worker: one client, one mode, in this process --------------------------------------


def floor_model(chunks: int) -> Any:
    """A LangChain chat model with nothing to do: a ready-made reply, or `chunks`
    ready-made chunks (no HTTP, no parsing) -- LangChain's machinery alone."""
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.messages import AIMessageChunk
    from langchain_core.outputs import ChatGeneration
    from langchain_core.outputs import ChatGenerationChunk
    from langchain_core.outputs import ChatResult

    class Ready(BaseChatModel):
        @property
        def _llm_type(self) -> str:
            return "ready"

        def _generate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content="hi"))])

        async def _agenerate(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            return self._generate(messages)

        async def _astream(
            self, messages: Any, stop: Any = None, run_manager: Any = None, **kw: Any
        ) -> Any:
            for _ in range(chunks):
                yield ChatGenerationChunk(message=AIMessageChunk(content="tok "))

    return Ready()


def build_chain(client: str, url: str, chunks: int = 200) -> Any:
    if client == "chatplex":
        from chatplex import ChatPromptTemplate
        from chatplex import StrOutputParser
        from chatplex import init_chat_model

        model = init_chat_model(f"openai:{MODEL}", base_url=f"{url}/v1", api_key=API_KEY)
        return ChatPromptTemplate.from_template("Tell me about {topic}") | model | StrOutputParser()
    from langchain_core.output_parsers import StrOutputParser as LCStrOutputParser
    from langchain_core.prompts import ChatPromptTemplate as LCChatPromptTemplate

    lc_model: Any
    if client in ("dropin", "dropin-gc-off"):  # `from chatplex.langchain import ChatOpenAI`
        from chatplex.langchain import ChatOpenAI as DropIn

        lc_model = DropIn(model=MODEL, base_url=f"{url}/v1", api_key=API_KEY, max_retries=0)
    elif client == "langchain-floor":
        lc_model = floor_model(chunks)
    elif client == "chatchatplex":
        from chatplex.langchain import ChatChatplex

        lc_model = ChatChatplex(model=f"openai:{MODEL}", base_url=f"{url}/v1", api_key=API_KEY)
    else:
        from langchain_openai import ChatOpenAI

        lc_model = ChatOpenAI(model=MODEL, base_url=f"{url}/v1", api_key=API_KEY, max_retries=0)
    prompt = LCChatPromptTemplate.from_template("Tell me about {topic}")
    return prompt | lc_model | LCStrOutputParser()


async def one_stream(chain: Any) -> int:
    """Consume one stream; the number of non-empty text pieces (content deltas)."""
    pieces = 0
    async for piece in chain.astream({"topic": "streams"}):
        pieces += bool(piece)
    return pieces


async def one_model_stream(chain: Any) -> int:
    """Consume one stream of the model alone (what LangGraph's `stream_mode="messages"`
    reads); the number of chunks with text."""
    model = chain.steps[1] if hasattr(chain, "steps") else chain.middle[0]
    pieces = 0
    async for chunk in model.astream([("user", "Tell me about streams")]):
        pieces += bool(chunk.content)
    return pieces


async def measure(
    client: str,
    mode: str,
    url: str,
    count: int,
    warm_up: bool = True,
    chunks: int = 200,
    quick: bool = False,
) -> dict[str, Any]:
    from quick_setup import setup_untracked  # (bench/, this script's directory)

    with setup_untracked(quick):  # --quick: its imports kept from the collector
        chain = build_chain(client, url, chunks)
    config = {"max_concurrency": CONCURRENCY}
    if mode == "abatch":
        if warm_up:
            await chain.abatch([{"topic": "warm-up"}] * 8, config)  # pool and code paths warm
        inputs = [{"topic": f"topic {i}"} for i in range(count)]
        wall, start = time.perf_counter(), cpu_seconds()
        out = await chain.abatch(inputs, config)
        cpu, wall = cpu_seconds() - start, time.perf_counter() - wall
        assert len(out) == count and all(isinstance(x, str) and x for x in out)
        return {"client": client, "mode": mode, "units": count, "cpu_s": cpu, "wall_s": wall}
    streamed = one_model_stream if mode == "astream_model" else one_stream
    if warm_up:
        await streamed(chain)
    wall, start = time.perf_counter(), cpu_seconds()
    chunks = 0
    for _ in range(count):
        chunks += await streamed(chain)
    cpu, wall = cpu_seconds() - start, time.perf_counter() - wall
    return {"client": client, "mode": mode, "units": chunks, "cpu_s": cpu, "wall_s": wall}


async def worker(args: Any) -> None:
    """`--worker CLIENT[,CLIENT...] MODE...`: each client's modes measured in turn, on one
    event loop (the clients' connection pools are bound to it), one JSON line each."""
    clients, *modes = args.worker
    for client in clients.split(","):
        for mode in modes:
            count = args.requests if mode == "abatch" else args.streams
            with collector_setting("0" if client in GC_OFF else None):
                measured = await measure(
                    client,
                    mode,
                    args.url,
                    count,
                    warm_up=not args.no_warm_up,
                    chunks=args.chunks,
                    quick=args.quick,
                )
            print(json.dumps(measured), flush=True)


@contextmanager
def collector_setting(value: str | None) -> Iterator[None]:
    """`CHATPLEX_GC_THRESHOLD` set to `value` (None: unset) for the duration."""
    saved = os.environ.pop("CHATPLEX_GC_THRESHOLD", None)
    if value is not None:
        os.environ["CHATPLEX_GC_THRESHOLD"] = value
    try:
        yield
    finally:
        os.environ.pop("CHATPLEX_GC_THRESHOLD", None)
        if saved is not None:
            os.environ["CHATPLEX_GC_THRESHOLD"] = saved


# ---- driver ------------------------------------------------------------------------------


@contextmanager
def mock_server(chunks: int) -> Iterator[str]:
    """The mock server in its own process (its CPU is not the client's)."""
    command = [sys.executable, "-m", "chatplex.testing.mock_server"]
    command += ["--port", "0", "--latency", "0.02", "--chunks", str(chunks)]
    proc = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"mock server did not start: {line!r}")
        yield line.removeprefix("listening on ")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_worker(
    clients: Sequence[str], modes: Sequence[str], url: str, args: Any, warm_up: bool
) -> list[dict[str, Any]]:
    """One worker process measuring `modes` of each of `clients` one after another: one
    result each (the abatch on `args.requests` inputs, the streams `args.streams` times)."""
    worker = [sys.executable, str(Path(__file__).resolve()), "--worker", ",".join(clients)]
    command = [*worker, *modes]
    command += ["--url", url, "--requests", str(args.requests)]
    command += ["--streams", str(args.streams), "--chunks", str(args.chunks)]
    command += [] if warm_up else ["--no-warm-up"]
    command += ["--quick"] if args.quick else []
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}  # third-party deprecation chatter
    out = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"{clients} {' '.join(modes)} failed:\n{out.stderr[-2000:]}")
    expected = len(clients) * len(modes)
    results: list[dict[str, Any]] = [
        json.loads(line) for line in out.stdout.strip().splitlines()[-expected:]
    ]
    return results


def median_us(runs: Sequence[dict[str, Any]]) -> float:
    return float(statistics.median(r["cpu_s"] / r["units"] * 1e6 for r in runs))


def report(results: dict[tuple[str, str], list[dict[str, Any]]], args: Any) -> dict[str, Any]:
    table: dict[str, dict[str, float]] = {}
    for (client, mode), runs in results.items():
        row = table.setdefault(client, {})
        row[mode] = median_us(runs)
        if mode == "abatch":
            row["abatch_req_per_s"] = float(
                statistics.median(r["units"] / r["wall_s"] for r in runs)
            )
    print(
        f"\n`ChatPromptTemplate | model | StrOutputParser()`, OpenAI wire, 20 ms server latency;"
        f"\nabatch of {args.requests} at max_concurrency={CONCURRENCY}, {args.streams} streams"
        f" of {args.chunks} chunks; client CPU (user+sys), median of {args.repeat} processes\n"
    )
    print(
        "| client | abatch CPU µs/req | abatch req/s | astream CPU µs/chunk "
        "| model astream CPU µs/chunk |"
    )
    print("|---|--:|--:|--:|--:|")
    for client in CLIENTS:
        if client in table:
            print(f"| {client} | " + " | ".join(_cells(table[client])) + " |")
    peer = table.get("langchain-openai", {})
    # (A row measured without `--clients`/`--modes` naming it has no ratio.)
    ratios, dropin, untuned, floor = (
        {m: table[client][m] / peer[m] for m in MODES if m in peer and m in table.get(client, {})}
        for client in ("chatchatplex", "dropin", "dropin-gc-off", "langchain-floor")
    )
    print(
        f"\nChatChatplex ÷ langchain-openai's ChatOpenAI: {_x(ratios, 'abatch')} CPU per "
        f"request, {_x(ratios, 'astream')} CPU per streamed chunk (below 1× is better)"
        f"\nchatplex.langchain.ChatOpenAI (the drop-in) ÷ langchain-openai's: "
        f"{_x(dropin, 'abatch')} per request, {_x(dropin, 'astream')} per chunk of the "
        f"chain, {_x(dropin, 'astream_model')} per chunk of the model alone "
        "(issue 47's mark: at most 0.35×)"
        f"\nthe drop-in with the collector as CPython sets it (`dropin-gc-off`): "
        f"{_x(untuned, 'abatch')} per request, {_x(untuned, 'astream')} per chunk of the chain"
    )
    print(
        f"LangChain's own machinery (a chat model with nothing to do) ÷ langchain-openai's: "
        f"{_x(floor, 'abatch')} per request, {_x(floor, 'astream')} per chunk of the chain, "
        f"{_x(floor, 'astream_model')} per chunk of the model alone (no LangChain chat "
        "model can go below these)"
    )
    return {
        "us": table,
        "chatchatplex_vs_chatopenai": ratios,
        "dropin_vs_chatopenai": dropin,
        "dropin_gc_off_vs_chatopenai": untuned,
        "floor_vs_chatopenai": floor,
    }


def _cells(row: dict[str, float]) -> list[str]:
    """A table row's cells ("-" for a mode not measured)."""
    formats = {"abatch": "{:,.0f}", "abatch_req_per_s": "{:,.0f}"}
    keys = ("abatch", "abatch_req_per_s", "astream", "astream_model")
    return [formats.get(k, "{:.1f}").format(row[k]) if k in row else "-" for k in keys]


def _x(ratios: dict[str, float], mode: str) -> str:
    return f"{ratios[mode]:.2f}×" if mode in ratios else "-"


def versions() -> dict[str, str]:
    found = {}
    for name in ("langchain-core", "langchain-openai", "openai", "httpx", "aiohttp"):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "missing"
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs="+", metavar="CLIENT MODE", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--no-warm-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=2000, help="abatch size")
    parser.add_argument("--streams", type=int, default=20, help="timed streams per process")
    parser.add_argument("--chunks", type=int, default=200, help="content deltas per reply")
    parser.add_argument("--repeat", type=int, default=3, help="processes per variant")
    parser.add_argument("--quick", action="store_true", help="tiny counts (harness smoke test)")
    parser.add_argument(
        "--clients", default=",".join(CLIENTS), help="comma-separated clients to measure"
    )
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated modes")
    parser.add_argument("--out", type=Path, default=HERE / "results_langchain.json")
    args = parser.parse_args(argv)

    if args.worker:
        asyncio.run(worker(args))
        return 0
    clients = tuple(c for c in CLIENTS if c in args.clients.split(","))
    modes = tuple(m for m in MODES if m in args.modes.split(","))
    if not clients or not modes:
        parser.error(f"--clients among {CLIENTS}, --modes among {MODES}")
    if args.quick:  # the harness, not the numbers: every worker is mostly imports
        args.requests, args.streams, args.chunks, args.repeat = 4, 1, 5, 1

    started = time.time()
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with mock_server(args.chunks) as url:
        for round_no in range(args.repeat):
            # --quick: every client and mode in one worker (the harness, not the numbers:
            # a worker's time is mostly its imports); else each in a fresh process.
            groups = (
                [(clients, modes)]
                if args.quick
                else [((client,), (mode,)) for client in clients for mode in modes]
            )
            # (Not `clients, modes`: they name every round's variants.)
            for group_clients, group_modes in groups:
                for run in run_worker(group_clients, group_modes, url, args, not args.quick):
                    results.setdefault((run["client"], run["mode"]), []).append(run)
            print(f"round {round_no + 1}/{args.repeat} done", file=sys.stderr)
    summary = report(results, args)
    raw = {f"{client}/{mode}": runs for (client, mode), runs in results.items()}
    settings = {k: getattr(args, k) for k in ("requests", "streams", "chunks", "repeat")}
    document = {
        "date": time.strftime("%Y-%m-%d", time.localtime(started)),
        "seconds": round(time.time() - started, 1),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "versions": versions(),
        "settings": {**settings, "max_concurrency": CONCURRENCY, "latency_s": 0.02},
        "summary": summary,
        "runs": raw,
    }
    args.out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
