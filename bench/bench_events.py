"""CPU per token of `astream_events` vs `astream`, chatplex and LangChain side by side.

    python bench/bench_events.py                    # peers from bench/.peers-venv if present
    python bench/bench_events.py --python PATH      # LangChain from that interpreter
    python bench/bench_events.py --no-peers         # chatplex only
    python bench/bench_events.py --quick            # a smoke test of the harness

The chain is `ChatPromptTemplate | chat model (OpenAI wire) | StrOutputParser()`, streamed
from one local mock server process (`python -m chatplex.testing.mock_server`, 20 ms before
each response head, `--chunks` content deltas per stream). Each measurement runs in a
fresh worker process (this script with `--worker`): one untimed warm-up stream, then
`--streams` streams one after another, timed with getrusage (the worker's CPU only, never
the server's). "Per token" divides by the content deltas the chain yielded. Measurements
are taken in rounds (every variant once per round) and the median per variant reported.
With `--quick` one worker runs a library's two modes in turn (its imports once: a smoke
test checks the harness, not the numbers).

Targets (issue 7): chatplex's `astream_events` ≤ 2× its own `astream` per token, and
≤ 1/4 of LangChain's `astream_events` per token. LangChain runs only from the peers
interpreter; it is never installed into the project's environment.

Only the standard library is imported at the top: a worker imports the library it
measures, in whichever interpreter runs it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_PYTHON = HERE / ".peers-venv" / "bin" / "python"
MODEL = "gpt-4o-mini"
API_KEY = "sk-bench-not-real"
LIBRARIES = ("chatplex", "langchain")
MODES = ("astream", "astream_events")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- worker: one library, one mode, in this process ------------------------------------


def build_chain(library: str, url: str) -> Any:
    if library == "chatplex":
        from chatplex import ChatPromptTemplate
        from chatplex import StrOutputParser
        from chatplex import init_chat_model

        model: Any = init_chat_model(f"openai:{MODEL}", base_url=f"{url}/v1", api_key=API_KEY)
    else:
        from langchain_core.output_parsers import StrOutputParser  # type: ignore[import-not-found,no-redef]
        from langchain_core.prompts import ChatPromptTemplate  # type: ignore[import-not-found,no-redef]
        from langchain_openai import ChatOpenAI  # type: ignore[import-not-found]

        model = ChatOpenAI(model=MODEL, base_url=f"{url}/v1", api_key=API_KEY, max_retries=0)
    prompt = ChatPromptTemplate.from_template("Tell me about {topic}")
    return prompt | model | StrOutputParser()


async def one_stream(chain: Any, mode: str) -> int:
    """Consume one stream; the number of tokens (text pieces) the chain yielded."""
    tokens = 0
    inputs = {"topic": "event streams"}
    if mode == "astream":
        async for piece in chain.astream(inputs):
            tokens += bool(piece)
    else:
        events: AsyncIterator[dict[str, Any]] = chain.astream_events(inputs, version="v2")
        async for event in events:
            if event["event"] == "on_parser_stream" and event["data"]["chunk"]:
                tokens += 1
    return tokens


async def measure(library: str, mode: str, url: str, streams: int) -> dict[str, Any]:
    chain = build_chain(library, url)
    await one_stream(chain, mode)  # warm-up: connection open, code paths loaded
    tokens = 0
    start = cpu_seconds()
    for _ in range(streams):
        tokens += await one_stream(chain, mode)
    cpu = cpu_seconds() - start
    return {"library": library, "mode": mode, "tokens": tokens, "cpu_s": cpu}


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
    python: str, library: str, modes: Sequence[str], url: str, streams: int
) -> list[dict[str, Any]]:
    """One worker process measuring `modes` of `library` one after another."""
    command = [python, str(Path(__file__).resolve()), "--worker", library, ",".join(modes)]
    command += ["--url", url, "--streams", str(streams)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}  # LangChain's deprecation chatter
    out = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"{library} {','.join(modes)} failed:\n{out.stderr[-2000:]}")
    return [json.loads(line) for line in out.stdout.strip().splitlines()[-len(modes) :]]


def us_per_token(runs: Sequence[dict[str, Any]]) -> float:
    return float(statistics.median(r["cpu_s"] / r["tokens"] * 1e6 for r in runs))


def report(results: dict[tuple[str, str], list[dict[str, Any]]], chunks: int) -> dict[str, Any]:
    table: dict[str, dict[str, float]] = {}
    for (library, mode), runs in results.items():
        table.setdefault(library, {})[mode] = us_per_token(runs)
    processes = len(next(iter(results.values())))
    print(f"\nCPU per token, µs: `prompt | model | StrOutputParser()`, {chunks} deltas per")
    print(f"stream, OpenAI wire, median of {processes} processes\n")
    print("| library | astream | astream_events | events / astream |")
    print("|---|---:|---:|---:|")
    for library, row in table.items():
        ratio = row["astream_events"] / row["astream"]
        print(f"| {library} | {row['astream']:.1f} | {row['astream_events']:.1f} | {ratio:.2f}× |")
    summary: dict[str, Any] = {"us_per_token": table}
    own = table["chatplex"]["astream_events"] / table["chatplex"]["astream"]
    summary["chatplex_events_vs_own_astream"] = own
    print(f"\nchatplex astream_events / chatplex astream: {own:.2f}× (target ≤ 2×)")
    if "langchain" in table:
        peer = table["chatplex"]["astream_events"] / table["langchain"]["astream_events"]
        summary["chatplex_events_vs_langchain_events"] = peer
        print(f"chatplex astream_events / LangChain astream_events: {peer:.3f} (target ≤ 0.25)")
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("LIBRARY", "MODES"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--python", help="the peers' interpreter (with langchain-openai)")
    parser.add_argument("--no-peers", action="store_true", help="measure chatplex only")
    parser.add_argument("--chunks", type=int, default=200, help="content deltas per stream")
    parser.add_argument("--streams", type=int, default=20, help="timed streams per process")
    parser.add_argument("--repeat", type=int, default=5, help="processes per variant")
    parser.add_argument("--quick", action="store_true", help="tiny counts (harness smoke test)")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)

    if args.worker:  # LIBRARY MODE[,MODE]: one JSON line per mode
        library, modes = args.worker
        for mode in modes.split(","):
            print(json.dumps(asyncio.run(measure(library, mode, args.url, args.streams))))
        return 0

    if args.quick:
        args.chunks, args.streams, args.repeat = 20, 1, 1
    peers: str | None = None
    if not args.no_peers:
        peers = args.python or (str(PEERS_PYTHON) if PEERS_PYTHON.exists() else None)
        if peers is None:
            print("no peers interpreter (bench/.peers-venv or --python): chatplex only")
    pythons: dict[str, str] = {"chatplex": sys.executable}
    if peers is not None:
        pythons["langchain"] = peers

    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with mock_server(args.chunks) as url:
        for round_no in range(args.repeat):
            for library, python in pythons.items():
                # --quick: a library's modes in one worker (mostly its imports); else each
                # in a fresh process.
                for modes in [MODES] if args.quick else [(mode,) for mode in MODES]:
                    for run in run_worker(python, library, modes, url, args.streams):
                        results.setdefault((library, run["mode"]), []).append(run)
            print(f"round {round_no + 1}/{args.repeat} done", file=sys.stderr)
    summary = report(results, args.chunks)
    if args.out:
        raw = {f"{lib}/{mode}": runs for (lib, mode), runs in results.items()}
        args.out.write_text(json.dumps({"summary": summary, "runs": raw}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
