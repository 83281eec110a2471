"""Client CPU on the Gemini wire: chatplex next to the official google-genai SDK.

    python bench/bench_gemini.py              # full run, table + bench/results_gemini.json
    python bench/bench_gemini.py --quick      # few requests (harness smoke test)
    python bench/bench_gemini.py --out PATH   # write the JSON elsewhere

Both clients get the same recorded-shape replies from one in-process httpx
MockTransport (no socket, no server CPU in the numbers): a non-stream text reply, and a
stream of `--chunks` SSE events. CPU = `time.process_time()` over `--requests` calls,
after a warm-up; reported per request and, for streams, per chunk. LangChain's
`ChatGoogleGenerativeAI` (langchain-google-genai) is not installed here, so it is not
measured.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from chatplex.providers.google.dropin import build  # noqa: E402


def reply(text: str, last: bool) -> dict[str, Any]:
    candidate: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "index": 0,
    }
    if last:
        candidate["finishReason"] = "STOP"
    return {
        "candidates": [candidate],
        "usageMetadata": {
            "promptTokenCount": 12,
            "candidatesTokenCount": 40,
            "totalTokenCount": 52,
        },
        "modelVersion": "gemini-2.5-flash",
        "responseId": "bench",
    }


def transport(chunks: int) -> httpx.MockTransport:
    whole = json.dumps(reply("word " * chunks, True)).encode()
    stream = b"".join(
        b"data: " + json.dumps(reply("word ", i == chunks - 1)).encode() + b"\r\n\r\n"
        for i in range(chunks)
    )

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("alt") == "sse":
            return httpx.Response(
                200, content=stream, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, content=whole, headers={"content-type": "application/json"})

    return httpx.MockTransport(handler)


def cpu(call: Callable[[], Any], requests: int, warmup: int) -> float:
    for _ in range(warmup):
        call()  # warm-up: imports, pools
    start = time.process_time()
    for _ in range(requests):
        call()
    return (time.process_time() - start) / requests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--chunks", type=int, default=100)
    parser.add_argument("--out", default=str(HERE / "results_gemini.json"))
    args = parser.parse_args(argv)
    requests = 2 if args.quick else args.requests
    chunks = 10 if args.quick else args.chunks
    warmup = 0 if args.quick else min(5, requests)

    from google import genai
    from google.genai import types

    ours = build(  # (the model ChatGoogleGenerativeAI's record builds)
        {
            "model": "gemini-2.5-flash",
            "api_key": "bench-key",
            "base_url": "http://bench.test",
            "http_client": httpx.Client(transport=transport(chunks)),
            "max_retries": 0,
        }
    )
    options = types.HttpOptions(
        base_url="http://bench.test", client_args={"transport": transport(chunks)}
    )
    sdk = genai.Client(api_key="bench-key", http_options=options)

    def sdk_stream() -> None:
        for _ in sdk.models.generate_content_stream(model="gemini-2.5-flash", contents="Hi"):
            pass

    def ours_stream() -> None:
        for _ in ours.stream("Hi"):
            pass

    rows = []
    for client, invoke, stream in (
        ("chatplex", lambda: ours.invoke("Hi"), ours_stream),
        (
            "google-genai",
            lambda: sdk.models.generate_content(model="gemini-2.5-flash", contents="Hi"),
            sdk_stream,
        ),
    ):
        per_request = cpu(invoke, requests, warmup)
        per_stream = cpu(stream, requests, warmup)
        rows.append(
            {
                "client": client,
                "invoke_cpu_ms": round(per_request * 1000, 3),
                "stream_cpu_ms": round(per_stream * 1000, 3),
                "stream_chunk_cpu_us": round(per_stream / chunks * 1e6, 2),
            }
        )
    print(
        f"| client | CPU per request (ms) | CPU per stream of {chunks} chunks (ms) "
        "| per chunk (µs) |"
    )
    print("|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['client']} | {row['invoke_cpu_ms']} | {row['stream_cpu_ms']} | "
            f"{row['stream_chunk_cpu_us']} |"
        )
    result = {
        "requests": requests,
        "chunks": chunks,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "rows": rows,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
