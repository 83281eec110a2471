"""chatplex against raw aiohttp, side by side with another chatplex tree (issue 29).

Client CPU per request (`abatch`) and per streamed chunk (`astream`), on both wires, for
one or more chatplex source trees and the raw aiohttp floor (`bench/clients.py aiohttp`:
a semaphore + gather, `json.loads` of the body; for streams line iteration + `json.loads`
of every `data:` line). Every measurement is a fresh process (`bench/clients.py`, so
`getrusage` counts that client only); the clients alternate within each round so drift
on a shared machine hits all of them alike; the figures are medians over the rounds.

    git archive HEAD~3 chatplex | tar -x -C /tmp/before
    python bench/bench_direct.py --tree before=/tmp/before --tree after=. --rounds 5

Prints one JSON object (medians, ratios to aiohttp) and a markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CLIENTS_PY = ROOT / "bench" / "clients.py"


def start_server(
    latency: float, chunks: int, chunk_delay: float
) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "chatplex.testing.mock_server", "--port", "0"]
    cmd += ["--latency", str(latency), "--chunks", str(chunks)]
    cmd += ["--chunk-delay", str(chunk_delay)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on "):
        proc.kill()
        raise RuntimeError(f"mock server did not start: {line!r}")
    return proc, line.removeprefix("listening on ")


def run_client(tree: str | None, *args: str) -> dict[str, Any]:
    """One clients.py measurement (`args`) in a fresh process: its result."""
    return run_clients(tree, [args])[0]


def run_clients(tree: str | None, measurements: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """Each of `measurements` run one after another in one clients.py process: a result
    each."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "LANGSMITH_TRACING": "false"}
    if tree is not None:
        env["PYTHONPATH"] = tree
    args: list[str] = []
    for one in measurements:  # clients.py's separator: `JOB + JOB + ...`
        args += ["+", *one] if args else [*one]
    done = subprocess.run(
        [sys.executable, str(CLIENTS_PY), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    lines = done.stdout.strip().splitlines()[-len(measurements) :]
    return [json.loads(line) for line in lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH of a tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--abatch-n", type=int, default=2000)
    parser.add_argument("--stream-n", type=int, default=200)
    parser.add_argument("--chunks", type=int, default=200)
    parser.add_argument(
        "--chunk-delay",
        type=float,
        default=0.0,
        help="seconds between a stream's events (e.g. 0.001: each event its own socket "
        "read, as a provider's tokens arrive; 0: the server writes them back to back)",
    )
    parser.add_argument("--scenario", action="append", choices=["abatch", "stream"])
    parser.add_argument("--wire", action="append", choices=["openai", "anthropic"])
    args = parser.parse_args()
    trees = dict(item.split("=", 1) for item in args.tree) or {"here": str(ROOT)}
    trees = {name: str(Path(path).resolve()) for name, path in trees.items()}
    scenarios = args.scenario or ["abatch", "stream"]
    wires = args.wire or ["openai", "anthropic"]
    server, url = start_server(0.02, args.chunks, args.chunk_delay)
    runs: dict[str, list[float]] = {}
    try:
        for _ in range(args.rounds):
            for scenario in scenarios:
                n, limit = (args.abatch_n, 64) if scenario == "abatch" else (args.stream_n, 16)
                common = [scenario, "--url", url, "--n", str(n), "--concurrency", str(limit)]
                common += ["--warmup", str(min(n, 64))]
                for wire in wires:
                    units = n if scenario == "abatch" else n * args.chunks
                    clients: list[tuple[str, str | None, str]] = [
                        (f"{name}", path, f"chatplex-{wire}") for name, path in trees.items()
                    ]
                    clients.append(("aiohttp", str(ROOT), "aiohttp"))
                    for label, tree, client in clients:
                        # Raw aiohttp parses OpenAI's reply: its abatch floor serves both
                        # wires (as in bench/run.py); its streams speak either wire.
                        raw_wire = wire if scenario == "stream" else "openai"
                        extra = ["--wire", raw_wire] if client == "aiohttp" else []
                        result = run_client(tree, client, *common, *extra)
                        key = f"{scenario}/{wire}/{label}"
                        runs.setdefault(key, []).append(result["cpu_s"] / units * 1e6)
    finally:
        server.terminate()
        server.wait(10)
    medians = {key: statistics.median(values) for key, values in runs.items()}
    ratios = {
        key: value / medians[key.rsplit("/", 1)[0] + "/aiohttp"]
        for key, value in medians.items()
        if not key.endswith("/aiohttp")
    }
    print(json.dumps({"runs": runs, "median_us": medians, "ratio_to_aiohttp": ratios}))
    print("\n| scenario | client | CPU µs per request / chunk (median) | ÷ raw aiohttp |")
    print("|---|---|--:|--:|")
    for key, value in medians.items():
        scenario, wire, label = key.split("/")
        ratio = ratios.get(key)
        shown = f"{ratio:.2f}×" if ratio is not None else "1"
        print(f"| {scenario} ({wire}) | {label} | {value:.1f} | {shown} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
