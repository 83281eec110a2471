"""Client CPU on Ollama's native wire: chatplex vs the official `ollama` SDK vs
langchain-ollama's `ChatOllama`.

    python bench/bench_ollama.py            # ~1 minute
    python bench/bench_ollama.py --quick    # a smoke test of the harness

One local server process (this script with `--serve`) answers `POST /api/chat` with the
mock server's Ollama wire (`chatplex.testing._mock_wire_ollama`: the same JSON and NDJSON
lines as the mock server, `--chunks` content lines per streamed reply), so the server's
CPU is never counted. Each measurement runs in a fresh worker process (`--worker`): one
untimed warm-up call, then the timed work, measured with getrusage deltas (user + sys of
the worker only); the table shows medians over `--rounds`. With `--quick` one worker
runs every client's two modes in turn (the imports once: the smoke test checks the
harness, not the numbers).

- invoke: `--requests` sync non-stream calls one after another; CPU per request.
- stream: `--streams` sync streams one after another; CPU per streamed chunk (line).

Only the standard library is imported at the top: a worker imports what it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MODEL = "llama3.2"
CLIENTS = ("chatplex", "ollama-sdk", "langchain-ollama")
MODES = ("invoke", "stream")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- server: the mock wire over stdlib HTTP, in its own process ------------------------


def serve(chunks: int) -> None:
    from http.server import BaseHTTPRequestHandler
    from http.server import ThreadingHTTPServer

    from chatplex.testing._mock_replies import plan_reply
    from chatplex.testing._mock_wire_ollama import WIRE

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            view = WIRE.request_view(self.path, body)
            reply = plan_reply("openai", view, text=None, chunks=chunks, tool_name=None)
            if view["stream"]:
                data = b"".join(f for f, _ in WIRE.render_events(reply, "r", view))
                kind = WIRE.stream_content_type
            else:
                data, kind = WIRE.render_json(reply, "r"), "application/json"
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


# ---- worker: one client, its modes one after another, in this process -------------------


def make_calls(client: str, url: str) -> tuple[Any, Any]:
    """(invoke(), stream() -> chunk count) for `client`."""
    prompt = "hello there, how are you"
    if client == "chatplex":
        from chatplex import init_chat_model

        model = init_chat_model(f"ollama:{MODEL}", base_url=url, max_retries=0)
        return (lambda: model.invoke(prompt)), (lambda: sum(1 for _ in model.stream(prompt)))
    messages = [{"role": "user", "content": prompt}]
    if client == "ollama-sdk":
        import ollama

        sdk = ollama.Client(host=url)
        return (
            lambda: sdk.chat(model=MODEL, messages=messages, stream=False),
            lambda: sum(1 for _ in sdk.chat(model=MODEL, messages=messages, stream=True)),
        )
    from langchain_ollama import ChatOllama

    lc = ChatOllama(model=MODEL, base_url=url)
    return (lambda: lc.invoke(prompt)), (lambda: sum(1 for _ in lc.stream(prompt)))


def worker(client: str, modes: list[str], url: str, counts: list[int]) -> list[dict[str, Any]]:
    """`counts[i]` calls in `modes[i]`, each mode warmed up first: CPU per unit of each;
    nothing if `client` is not installed."""
    try:
        invoke, stream = make_calls(client, url)
    except ModuleNotFoundError:  # a peer not installed: its column is empty
        return []
    results = []
    for mode, count in zip(modes, counts, strict=True):
        call = invoke if mode == "invoke" else stream
        call()  # warm-up: imports, connection
        units = 0
        start = cpu_seconds()
        for _ in range(count):
            result = call()
            units += result if mode == "stream" else 1
        spent = cpu_seconds() - start
        per_unit = spent / units * 1e6
        results.append(
            {"client": client, "mode": mode, "units": units, "cpu_us_per_unit": per_unit}
        )
    return results


# ---- driver ----------------------------------------------------------------------------


def run_worker(
    clients: Sequence[str], modes: Sequence[str], url: str, counts: Sequence[int]
) -> list[dict[str, Any]]:
    """One worker's result per client and mode; none for a client not installed."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    args = [sys.executable, __file__, "--worker", ",".join(clients), ",".join(modes), url]
    args.append(",".join(map(str, counts)))
    out = subprocess.run(args, capture_output=True, text=True, env=env, timeout=600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{','.join(clients)}/{','.join(modes)} failed:\n{out.stderr}")
    results: list[dict[str, Any]] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--streams", type=int, default=40)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results_ollama.json")
    parser.add_argument("--serve", type=int, metavar="CHUNKS", help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    if args.worker:  # CLIENT[,CLIENT...] MODES URL COUNTS
        clients, modes, url, counts = args.worker
        numbers = [int(count) for count in counts.split(",")]
        results = [worker(c, modes.split(","), url, numbers) for c in clients.split(",")]
        print(json.dumps([result for client_results in results for result in client_results]))
        return 0
    if args.quick:  # the harness, not the numbers: every worker is mostly imports
        args.requests, args.streams, args.chunks, args.rounds = 1, 1, 5, 1
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.chunks)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert server.stdout is not None
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        started = time.time()
        samples: dict[tuple[str, str], list[float]] = {}
        # --quick: every client's modes in one worker (a worker's time is mostly its
        # imports); else each client and mode in a fresh process.
        groups = (
            [(CLIENTS, MODES)]
            if args.quick
            else [((client,), (mode,)) for client in CLIENTS for mode in MODES]
        )
        for _ in range(args.rounds):
            for clients, modes in groups:
                counts = [args.requests if m == "invoke" else args.streams for m in modes]
                for result in run_worker(clients, modes, url, counts):
                    key = (result["client"], result["mode"])
                    samples.setdefault(key, []).append(result["cpu_us_per_unit"])
    finally:
        server.terminate()
        server.wait(timeout=10)
    rows = [
        {"client": c, "mode": m, "cpu_us": round(statistics.median(v), 1)}
        for (c, m), v in samples.items()
    ]
    print("| client | invoke CPU µs/request | stream CPU µs/chunk |")
    print("|---|---|---|")
    for client in CLIENTS:
        cells = [
            next(
                (f"{r['cpu_us']:,}" for r in rows if r["client"] == client and r["mode"] == m), "–"
            )
            for m in MODES
        ]
        print(f"| {client} | {cells[0]} | {cells[1]} |")
    settings = {k: getattr(args, k) for k in ("requests", "streams", "chunks", "rounds")}
    args.out.write_text(
        json.dumps(
            {"settings": settings, "seconds": round(time.time() - started, 1), "rows": rows},
            indent=2,
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
