"""Where a LangChain chain's CPU per streamed chunk goes: cProfile of `--streams` streams
of `ChatPromptTemplate | model | StrOutputParser()` on the drop-in `ChatOpenAI` and on
langchain-openai's, against one mock server process (its CPU never counted).

    python bench/profile_chain_chunk.py               # both clients, 10 streams of 200
    python bench/profile_chain_chunk.py --top 25 --client dropin

For each client: function calls per streamed chunk (cProfile's count, deterministic, so
readable on a busy machine), by layer (chatplex, langchain_core, ...), the main thread's
profiled CPU per chunk (inflated by the profiler alike on every side: read the ratio; the
thread StrOutputParser hands each chunk to is not in it), and the top functions by self
time with their calls per chunk. `langchain-floor` is bench_langchain.py's: a LangChain
chat model with ready-made chunks, what LangChain's machinery alone costs. Printed as a
table and written as JSON (`--out`, default bench/results_chain_chunk.json). Each client
runs in its own process (`--worker`).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# bench/profile.py would shadow the standard library's `profile` (which cProfile imports):
# the script's own folder leaves sys.path until cProfile is in.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import cProfile  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

sys.path[:0] = [str(HERE), str(ROOT)]

from bench_langchain import build_chain  # noqa: E402
from bench_langchain import mock_server  # noqa: E402
from bench_langchain import one_stream  # noqa: E402

CLIENTS = ("dropin", "langchain-openai", "langchain-floor")
#: Calls per chunk are summed by where the function lives, first match wins.
LAYERS = (
    ("chatplex", "/chatplex/"),
    ("langchain_core", "/langchain_core/"),
    ("langchain_openai + openai", "/langchain_openai/"),
    ("langchain_openai + openai", "/openai/"),
    ("asyncio", "/asyncio/"),
)


def short(func: tuple[str, int, str]) -> str:
    path, line, name = func
    for marker in ("site-packages/", "/chatplex/", "lib/python"):
        if marker in path:
            path = path.split(marker, 1)[1]
            if marker == "/chatplex/":
                path = "chatplex/" + path
            break
    return f"{path}:{line}({name})"


async def run_streams(chain: Any, streams: int) -> int:
    chunks = 0
    for _ in range(streams):
        chunks += await one_stream(chain)
    return chunks


def layer(path: str) -> str:
    return next((label for label, part in LAYERS if part in path), "other")


def worker(
    client: str, url: str, streams: int, chunks: int, top: int, dump: str | None
) -> dict[str, Any]:
    chain = build_chain(client, url, chunks)

    async def main() -> int:
        await one_stream(chain)  # warm-up: pools, code paths
        # The main thread's CPU, not the wall clock: waits (epoll, handing a chunk to
        # StrOutputParser's thread) are not work, and on a busy machine they are most of it.
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        got = await run_streams(chain, streams)
        profiler.disable()
        main.profiler = profiler  # type: ignore[attr-defined]
        return got

    got = asyncio.run(main())
    stats = pstats.Stats(main.profiler)  # type: ignore[attr-defined]
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    calls = sum(row[1] for row in raw.values())
    cpu = sum(row[2] for row in raw.values())
    layers: dict[str, float] = {}
    for func, row in raw.items():
        layers[layer(func[0])] = layers.get(layer(func[0]), 0.0) + row[1] / got
    if dump:
        stats.dump_stats(dump)
    rows = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return {
        "client": client,
        "chunks": got,
        "calls_per_chunk": calls / got,
        "profiled_us_per_chunk": cpu / got * 1e6,
        "calls_per_chunk_by_layer": dict(sorted(layers.items(), key=lambda kv: -kv[1])),
        "top": [
            {
                "function": short(func),
                "calls_per_chunk": row[1] / got,
                "self_us_per_chunk": row[2] / got * 1e6,
            }
            for func, row in rows
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=CLIENTS, action="append")
    parser.add_argument("--streams", type=int, default=10)
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--dump", help="write the worker's pstats here (one --client)")
    parser.add_argument("--out", type=Path, default=HERE / "results_chain_chunk.json")
    args = parser.parse_args(argv)
    if args.worker:
        result = worker(args.worker, args.url, args.streams, args.chunks, args.top, args.dump)
        print(json.dumps(result))
        return 0
    results = []
    with mock_server(args.chunks) as url:
        for client in args.client or CLIENTS:
            command = [sys.executable, str(Path(__file__).resolve()), "--worker", client]
            command += ["--url", url, "--streams", str(args.streams)]
            command += ["--chunks", str(args.chunks), "--top", str(args.top)]
            command += ["--dump", args.dump] if args.dump else []
            out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    for result in results:
        print(
            f"\n## {result['client']}: {result['calls_per_chunk']:.1f} calls/chunk, "
            f"{result['profiled_us_per_chunk']:.1f} µs/chunk profiled\n"
        )
        by_layer = ", ".join(f"{k} {v:.1f}" for k, v in result["calls_per_chunk_by_layer"].items())
        print(f"calls/chunk by layer: {by_layer}\n")
        print("| function | calls/chunk | self µs/chunk |\n|---|--:|--:|")
        for row in result["top"]:
            print(
                f"| {row['function']} | {row['calls_per_chunk']:.2f} "
                f"| {row['self_us_per_chunk']:.2f} |"
            )
    peer = next((r for r in results if r["client"] == "langchain-openai"), None)
    for result in results if peer is not None else []:
        assert peer is not None
        print(
            f"\n{result['client']} ÷ langchain-openai: "
            f"{result['calls_per_chunk'] / peer['calls_per_chunk']:.2f}× calls per chunk, "
            f"{result['profiled_us_per_chunk'] / peer['profiled_us_per_chunk']:.2f}× "
            "profiled CPU per chunk"
        )
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
