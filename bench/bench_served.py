"""Client CPU over real HTTP on the Bedrock Converse and Gemini wires: chatplex beside
the official SDKs (boto3's bedrock-runtime, google-genai) and langchain-aws's
`ChatBedrockConverse`, all calling the same embedded `chatplex.testing.MockServer`.

    python bench/bench_served.py            # ~2 minutes, table + bench/results_served.json
    python bench/bench_served.py --quick    # tiny sizes: checks the harness
    python bench/bench_served.py --wire bedrock --rounds 5

The MockServer runs in its own process (this script with `--serve`), on 127.0.0.1, so
its CPU is never counted; it signs nothing but checks that Bedrock requests carry a
SigV4 `Authorization` header, and frames Bedrock streams as AWS event-stream messages
and Gemini's as SSE. Each measurement runs in a fresh worker process (`--worker`): one
untimed warm-up call (imports, connection), then the timed calls, measured as getrusage
user + sys of the worker (its threads included); the table shows medians over
`--rounds`. With `--quick` one worker (per interpreter) runs every client's two modes
in turn (the imports once: the smoke test checks the harness, not the numbers).

- invoke: `--requests` sync non-stream calls (`converse` / `generate_content`), one
  after another; CPU per request.
- stream: `--streams` sync streams; CPU per streamed text delta (the server sends
  exactly `--chunks` per stream, whatever the client yields besides them).

Credentials are fake (`AKIDEXAMPLE`, a made-up secret and API key); AWS's shared files
and instance metadata are switched off in the workers. langchain-aws is measured with
bench/.peers-venv's interpreter (`make bench` makes it, with
bench/requirements-peers.txt) when it has langchain_aws, else its cells show "–".
Only the standard library is imported at the top: a worker imports what it measures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS_PYTHON = HERE / ".peers-venv" / "bin" / "python"
BEDROCK_MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
GEMINI_MODEL = "gemini-2.5-flash"
KEY_ID, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#: wire -> its clients, in table order. A client that is not installed shows "–".
CLIENTS = {
    "bedrock": ("chatplex", "boto3", "langchain-aws"),
    "gemini": ("chatplex", "google-genai"),
}
MODES = ("invoke", "stream")
PROMPT = "hello there, how are you"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# ---- server: the embedded MockServer, in its own process --------------------------------


def serve(chunks: int) -> None:
    """Run a MockServer until standard input closes (the driver's end of the pipe)."""
    from chatplex.testing import MockServer

    with MockServer(chunks=chunks) as server:
        print(server.url, flush=True)
        sys.stdin.read()


# ---- worker: its clients' modes one after another, in this process ----------------------

Calls = tuple[Callable[[], Any], Callable[[], Any]]


def bedrock_calls(client: str, url: str) -> Calls:
    """(invoke(), stream()) on the Converse wire for `client`."""
    if client == "chatplex":
        from chatplex.providers.bedrock.dropin import build

        ours = build(  # (the model ChatBedrockConverse's record builds)
            {
                "model": BEDROCK_MODEL,
                "region_name": "us-east-1",
                "aws_access_key_id": KEY_ID,
                "aws_secret_access_key": SECRET,
                "endpoint_url": url,
                "max_retries": 0,
            }
        )
        return (lambda: ours.invoke(PROMPT)), (lambda: list(ours.stream(PROMPT)))
    if client == "boto3":
        import boto3

        sdk = boto3.client(
            "bedrock-runtime",
            region_name="us-east-1",
            endpoint_url=url,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )
        messages = [{"role": "user", "content": [{"text": PROMPT}]}]

        def sdk_stream() -> list[Any]:
            reply = sdk.converse_stream(modelId=BEDROCK_MODEL, messages=messages)
            return list(reply["stream"])

        return (lambda: sdk.converse(modelId=BEDROCK_MODEL, messages=messages)), sdk_stream
    from langchain_aws import ChatBedrockConverse as LangChainBedrock  # type: ignore[import-not-found]

    lc = LangChainBedrock(
        model=BEDROCK_MODEL,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    return (lambda: lc.invoke(PROMPT)), (lambda: list(lc.stream(PROMPT)))


def gemini_calls(client: str, url: str) -> Calls:
    """(invoke(), stream()) on the Gemini API wire for `client`."""
    if client == "chatplex":
        from chatplex.providers.google.dropin import build

        ours = build(  # (the model ChatGoogleGenerativeAI's record builds)
            {"model": GEMINI_MODEL, "api_key": "bench-key", "base_url": url, "max_retries": 0}
        )
        return (lambda: ours.invoke(PROMPT)), (lambda: list(ours.stream(PROMPT)))
    from google import genai
    from google.genai import types

    sdk = genai.Client(api_key="bench-key", http_options=types.HttpOptions(base_url=url))
    # The closures hold the client itself: collected, it closes its connection pool.
    return (
        lambda: sdk.models.generate_content(model=GEMINI_MODEL, contents=PROMPT),
        lambda: list(sdk.models.generate_content_stream(model=GEMINI_MODEL, contents=PROMPT)),
    )


def worker(
    wire: str, client: str, modes: list[str], url: str, counts: list[int], quick: bool = False
) -> list[dict[str, Any]] | None:
    """CPU seconds of `counts[i]` calls in `modes[i]`, each mode warmed up first; None if
    `client` is not installed. `quick`: the setup kept from the collector."""
    from quick_setup import setup_untracked  # (bench/, this script's directory)

    calls = bedrock_calls if wire == "bedrock" else gemini_calls
    try:
        with setup_untracked(quick):
            invoke, stream = calls(client, url)
    except ModuleNotFoundError:  # a peer not installed: its cells stay empty
        return None
    results = []
    for mode, count in zip(modes, counts, strict=True):
        call = invoke if mode == "invoke" else stream
        with setup_untracked(quick):  # warm-up: imports, the connection
            answer = call()
        if not answer:  # an empty answer is a broken harness
            raise RuntimeError(f"{wire}/{client}/{mode}: empty answer")
        start = cpu_seconds()
        for _ in range(count):
            call()
        results.append({"seconds": cpu_seconds() - start})
    return results


# ---- driver ----------------------------------------------------------------------------


def interpreter(client: str) -> str:
    """langchain-aws runs in the peers venv when it has it; the rest in this one."""
    if client == "langchain-aws" and PEERS_PYTHON.exists():
        found = subprocess.run(
            [str(PEERS_PYTHON), "-c", "import langchain_aws"], capture_output=True, check=False
        )
        if found.returncode == 0:
            return str(PEERS_PYTHON)
    return sys.executable


def worker_env(aws_dir: str) -> dict[str, str]:
    """PYTHONPATH to this checkout; AWS's files and instance metadata out of reach."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AWS_")},
        "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
        "AWS_CONFIG_FILE": os.path.join(aws_dir, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(aws_dir, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }


def run_worker(
    python: str, args: list[str], env: dict[str, str]
) -> list[list[dict[str, Any]] | None]:
    """Per client of the worker (`args[1]`, comma-separated), its result per mode
    (`args[2]`); None where the client is not installed."""
    command = [python, __file__, "--worker", *args]
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} failed:\n{out.stderr}")
    results: list[list[dict[str, Any]] | None] = json.loads(out.stdout.strip().splitlines()[-1])
    return results


def table(rows: list[dict[str, Any]], wires: list[str], chunks: int) -> str:
    lines = [
        f"| wire | client | invoke CPU µs/request | stream CPU µs/chunk ({chunks} per stream) |",
        "|---|---|--:|--:|",
    ]
    for wire in wires:
        for client in CLIENTS[wire]:
            cells = []
            for mode in MODES:
                found = [
                    r for r in rows if (r["wire"], r["client"], r["mode"]) == (wire, client, mode)
                ]
                cells.append(f"{found[0]['cpu_us']:,.1f}" if found else "–")
            lines.append(f"| {wire} | {client} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the harness")
    parser.add_argument("--wire", choices=sorted(CLIENTS), action="append")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--streams", type=int, default=30)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "results_served.json")
    parser.add_argument("--serve", type=int, metavar="CHUNKS", help=argparse.SUPPRESS)
    parser.add_argument("--worker", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(args.serve)
        return 0
    if args.worker:  # WIRE[,WIRE...] CLIENT[,CLIENT...] MODES URL COUNTS quick|-
        wires, clients, modes, url, counts, quick = args.worker
        numbers = [int(count) for count in counts.split(",")]
        jobs = zip(wires.split(","), clients.split(","), strict=True)
        measured = [worker(w, c, modes.split(","), url, numbers, quick == "quick") for w, c in jobs]
        print(json.dumps(measured))
        return 0
    if args.quick:  # the harness, not the numbers: every worker is mostly imports
        args.requests, args.streams, args.chunks, args.rounds = 1, 1, 5, 1
    wires = args.wire or list(CLIENTS)
    started = time.time()
    samples: dict[tuple[str, str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as aws_dir:
        env = worker_env(aws_dir)
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(args.chunks)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        try:
            assert server.stdout is not None
            url = server.stdout.readline().strip()
            if not url.startswith("http://127.0.0.1:"):
                raise RuntimeError(f"the mock server did not start (said {url!r})")
            for _ in range(args.rounds):
                # --quick: every client's modes in one worker per interpreter (a worker's
                # time is mostly its imports); else each client and mode in a fresh process.
                groups: list[tuple[str, list[tuple[str, str]], tuple[str, ...]]] = []
                for wire in wires:
                    for client in CLIENTS[wire]:
                        python = interpreter(client)
                        if not args.quick:
                            groups += [(python, [(wire, client)], (mode,)) for mode in MODES]
                        elif shared := [g for g in groups if g[0] == python]:
                            shared[0][1].append((wire, client))
                        else:
                            groups.append((python, [(wire, client)], MODES))
                for python, group, modes in groups:
                    counts = [args.requests if m == "invoke" else args.streams for m in modes]
                    job = [",".join(w for w, _ in group), ",".join(c for _, c in group)]
                    job += [",".join(modes), url, ",".join(map(str, counts))]
                    job += ["quick" if args.quick else "-"]
                    for (wire, client), results in zip(
                        group, run_worker(python, job, env), strict=True
                    ):
                        if results is None:  # not installed
                            continue
                        for mode, count, result in zip(modes, counts, results, strict=True):
                            units = count if mode == "invoke" else count * args.chunks
                            per = result["seconds"] / units * 1e6
                            samples.setdefault((wire, client, mode), []).append(per)
        finally:
            if server.stdin is not None:
                server.stdin.close()  # the server's cue to stop
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
    rows = [
        {"wire": w, "client": c, "mode": m, "cpu_us": round(statistics.median(v), 1)}
        for (w, c, m), v in samples.items()
    ]
    print(table(rows, wires, args.chunks))
    settings = {k: getattr(args, k) for k in ("requests", "streams", "chunks", "rounds")}
    result = {
        "settings": settings,
        "python": platform.python_version(),
        "load_average": os.getloadavg(),
        "seconds": round(time.time() - started, 1),
        "rows": rows,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
