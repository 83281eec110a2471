"""How close to its bound each hostile-server fault ends, and what a refused reply costs.

Runs the hostile server of the test suite (`tests/reliability/_hostile.py`) and, for each
fault on each path (sync/async x invoke/stream, OpenAI wire), one call with a 1 s bound
and no retry: the overshoot is how long the call ran past its bound. Then, each in a
fresh process, the peak RSS of an invoke refused at the default `max_response_bytes`
(64 MiB) while the server offers 200 MB without a Content-Length, against that process's
baseline; and the CPU to decode one 2 MB SSE line arriving in 100-byte reads.

    .venv/bin/python bench/bench_bounds.py        # table on stdout, bench/bounds_results.json
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "reliability"))

from _hostile import HostileServer  # noqa: E402

from chatplex import RunnableConfig  # noqa: E402
from chatplex import init_chat_model  # noqa: E402
from chatplex.http import retry_policy  # noqa: E402

BOUND = 1.0
FAULTS = {
    "trickle_headers": "timeout",
    "stall": "timeout",
    "trickle_body": "timeout",
    "keepalive": "timeout",
    "pings": "timeout",
    "trickle_body ": "deadline",  # the same fault, cut by RunnableConfig(timeout=...)
}


def one_call(server: HostileServer, fault: str, kind: str, sync: bool, mode: str) -> float:
    """Seconds past the bound at which the call ended."""
    settings: dict[str, Any] = {"retry_policy": retry_policy(0)}
    config: dict[str, Any] = {}
    if kind == "timeout":
        settings |= {"timeout": BOUND, "stream_idle_timeout": BOUND}
    else:
        config = {"config": RunnableConfig(timeout=BOUND)}
    model = init_chat_model(
        "openai:gpt-4o-mini", base_url=server.base_url(fault), api_key="sk-bench", **settings
    )

    async def run_async() -> None:
        if mode == "invoke":
            await model.ainvoke("hi", **config)
        else:
            async for _ in model.astream("hi", **config):
                pass

    start = time.monotonic()
    try:
        if sync:
            if mode == "invoke":
                model.invoke("hi", **config)
            else:
                for _ in model.stream("hi", **config):
                    pass
        else:
            asyncio.run(run_async())
    except Exception:  # noqa: BLE001, S110 - every fault ends in an error; only time counts
        pass
    return time.monotonic() - start - BOUND


def refused_reply_rss() -> dict[str, float]:
    """In this (fresh) process: baseline and peak RSS around a refused 200 MB reply."""
    with HostileServer() as server:
        model = init_chat_model(
            "openai:gpt-4o-mini", base_url=server.base_url("endless"), api_key="sk-bench"
        )
        tiny = init_chat_model(
            "openai:gpt-4o-mini",
            base_url=server.base_url("endless"),
            api_key="sk-bench",
            max_response_bytes=1024,
        )
        with contextlib.suppress(Exception):  # warm up imports and the pool
            tiny.invoke("hi")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        error = ""
        try:
            model.invoke("hi")
        except Exception as exc:  # noqa: BLE001
            error = type(exc).__name__
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"baseline_mb": base, "peak_mb": peak, "bound_mb": 64.0, "error": error}  # type: ignore[dict-item]


def long_sse_line_cpu() -> float:
    from chatplex.http import SSEDecoder

    line = b"data: " + b"x" * 2_000_000 + b"\n\n"
    decoder = SSEDecoder()
    start = time.process_time()
    for i in range(0, len(line), 100):
        decoder.feed(line[i : i + 100])
    return time.process_time() - start


def main() -> None:
    if sys.argv[1:] == ["--rss"]:
        print(json.dumps(refused_reply_rss()))
        return
    rows = []
    with HostileServer() as server:
        for fault, kind in FAULTS.items():
            for sync in (True, False):
                for mode in ("invoke", "stream"):
                    over = one_call(server, fault.strip(), kind, sync, mode)
                    rows.append(
                        {
                            "fault": fault.strip(),
                            "bound": kind,
                            "path": f"{'sync' if sync else 'async'} {mode}",
                            "overshoot_s": over,
                        }
                    )
    rss = json.loads(
        subprocess.run(
            [sys.executable, __file__, "--rss"], capture_output=True, text=True, check=True
        ).stdout
    )
    sse_cpu = long_sse_line_cpu()
    print(f"Each call: a {BOUND:g} s bound, no retry; overshoot = time past the bound.\n")
    print("| fault | bound | path | overshoot (ms) |\n|---|---|---|--:|")
    for row in rows:
        print(
            f"| {row['fault']} | {row['bound']} | {row['path']} | {row['overshoot_s'] * 1000:.0f} |"
        )
    worst = max(row["overshoot_s"] for row in rows)
    print(f"\nworst overshoot: {worst * 1000:.0f} ms")
    print(
        f"refused 200 MB reply ({rss['error']}, bound {rss['bound_mb']:.0f} MiB): peak RSS "
        f"{rss['peak_mb']:.0f} MB over a {rss['baseline_mb']:.0f} MB baseline "
        f"(+{rss['peak_mb'] - rss['baseline_mb']:.0f} MB; limit 2x bound = 128)"
    )
    print(f"one 2 MB SSE line in 100-byte reads: {sse_cpu * 1000:.1f} ms CPU (limit 100 ms)")
    out = {"calls": rows, "refused_reply": rss, "sse_2mb_line_cpu_s": sse_cpu}
    (HERE / "bounds_results.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
