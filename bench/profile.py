"""Where chatplex's client CPU goes: pyinstrument over one abatch (or a set of streams).

    bench/.peers-venv/bin/python bench/profile.py                  # abatch 2,000 at 64
    bench/.peers-venv/bin/python bench/profile.py --scenario stream --provider anthropic
    bench/.peers-venv/bin/python bench/profile.py --top 15     # + chatplex/http's functions

pyinstrument lives in the peers venv (never a chatplex dependency); chatplex is imported
from this checkout, its dependencies (httpx, aiohttp, pydantic, tenacity) being in that
venv too. Prints self time grouped by layer (chatplex, httpx, aiohttp, asyncio, json, ...)
and then pyinstrument's call tree. The sampler inflates every figure alike: read shares.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (label, substring of the frame's file path), first match wins.
LAYERS = [
    ("chatplex adapters (build body, parse reply)", "/chatplex/adapters/"),
    ("chatplex messages", "/chatplex/messages/"),
    ("chatplex http (send, retry, transport glue)", "/chatplex/http/"),
    ("chatplex core (config, batching, callbacks)", "/chatplex/core/"),
    ("chatplex chat models", "/chatplex/chat/"),
    ("chatplex other", "/chatplex/"),
    ("httpx (client, request/response models)", "/httpx/"),
    ("httpcore", "/httpcore/"),
    ("aiohttp (client session, connector, protocol)", "/aiohttp/"),
    ("yarl / multidict / propcache", "/yarl/"),
    ("yarl / multidict / propcache", "/multidict/"),
    ("yarl / multidict / propcache", "/propcache/"),
    ("json (stdlib)", "/json/"),
    ("asyncio event loop, tasks, sockets", "/asyncio/"),
    ("cookies / urllib / email (httpx cookie jar)", "/http/cookiejar"),
    ("cookies / urllib / email (httpx cookie jar)", "/urllib/"),
    ("cookies / urllib / email (httpx cookie jar)", "/email/"),
]


SYSCALLS = "syscalls (socket send/recv, epoll)"


def layer(frame: Any) -> str:
    """The layer a frame's self time is charged to. pyinstrument's `[self]` frames,
    built-in functions (isinstance, bytes.decode, ...) and generated code (dataclass
    `__init__`) count for their caller's layer; socket and epoll calls are the kernel's."""
    function, path = frame.function or "", frame.file_path
    if function.startswith(("socket.", "epoll.")):
        return SYSCALLS
    if not path or path.startswith("<"):  # built-ins; dataclass __init__ is "<string>"
        return layer(frame.parent) if frame.parent is not None else "other"
    for label, part in LAYERS:
        if part in path:
            return label
    return "other Python (stdlib, typing, dataclasses, ...)"


def by_layer(frame: Any, totals: dict[str, float]) -> None:
    totals[layer(frame)] += frame.total_self_time
    for child in frame.children:
        by_layer(child, totals)


def by_function(frame: Any, totals: dict[str, float], under: str) -> None:
    """Self time per function of the files whose path contains `under` (`--top`): a
    built-in's time counts for the function that called it, as in `layer`."""
    owner = frame
    while owner is not None and (not owner.file_path or owner.file_path.startswith("<")):
        owner = owner.parent
    if owner is not None and under in owner.file_path:
        name = owner.file_path.rsplit("/chatplex/", 1)[-1]
        totals[f"{name}:{owner.function}"] += frame.total_self_time
    for child in frame.children:
        by_function(child, totals, under)


async def workload(scenario: str, provider: str, url: str, n: int) -> None:
    from chatplex import init_chat_model

    if provider == "openai":
        model = init_chat_model("openai:gpt-4o-mini", api_key="sk-x", base_url=url + "/v1")
    else:
        model = init_chat_model("anthropic:claude-bench-model", api_key="sk-x", base_url=url)
    if scenario == "abatch":
        await model.abatch([f"hello {i}" for i in range(n)], {"max_concurrency": 64})
        return
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> None:
        async with gate:
            async for _ in model.astream(f"hello {i}"):
                pass

    await asyncio.gather(*(one(i) for i in range(n)))


def main() -> int:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=["abatch", "stream"], default="abatch")
    parser.add_argument("--provider", choices=["openai", "anthropic"], default="openai")
    parser.add_argument("--n", type=int, default=None, help="2000 requests / 100 streams")
    parser.add_argument(
        "--top",
        type=int,
        default=0,
        help="also list the N functions of --under with the most self time",
    )
    parser.add_argument("--under", default="/chatplex/http/", help="path part for --top")
    args = parser.parse_args()
    n = args.n or (2000 if args.scenario == "abatch" else 100)

    cmd = [sys.executable, "-m", "chatplex.testing.mock_server", "--port", "0"]
    server = subprocess.Popen(
        [*cmd, "--latency", "0.02", "--chunks", "200"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONPATH": str(ROOT)},
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip().removeprefix("listening on ")

        async def run() -> Profiler:
            await workload(args.scenario, args.provider, url, 64)  # warm-up
            profiler = Profiler(interval=0.0005, async_mode="disabled")
            profiler.start()
            await workload(args.scenario, args.provider, url, n)
            profiler.stop()
            return profiler

        profiler = asyncio.run(run())
    finally:
        server.terminate()
        server.wait(10)

    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    totals: dict[str, float] = defaultdict(float)
    by_layer(root, totals)
    whole = sum(totals.values())
    print(f"{args.scenario} x {n}, {args.provider}: self time by layer (share of samples)\n")
    print("| layer | share |\n|---|--:|")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"| {name} | {seconds / whole:.0%} |")
    if args.top:
        functions: dict[str, float] = defaultdict(float)
        by_function(root, functions, args.under)
        print(f"\n| function ({args.under}) | share of all samples |\n|---|--:|")
        for name, seconds in sorted(functions.items(), key=lambda kv: -kv[1])[: args.top]:
            print(f"| {name} | {seconds / whole:.1%} |")
    print()
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
