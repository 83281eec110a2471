"""One benchmark measurement in this process: one client, one scenario, one JSON line out.

Run by `bench/run.py`, each (client, scenario) in a fresh process, so that
`getrusage(RUSAGE_SELF)` counts this client's CPU only (all its threads; never the mock
server, which is another process) and `ru_maxrss` is this client's own peak.

    python bench/clients.py CLIENT SCENARIO --url http://127.0.0.1:PORT [--n N] [--concurrency C]

Measurements joined by `+` run one after another in this process, one JSON line each
(run.py --quick: the harness, not the numbers; `ru_maxrss` is then the peak so far).

Only the standard library is imported at the top: each client imports its own library,
so the chatplex clients run in bench/.chatplex-venv (or the project's .venv) and the
peers in bench/.peers-venv.
Each timed run is preceded by an untimed warm-up (connections opened, code paths loaded).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import resource
import sys
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any

OPENAI_MODEL = "gpt-4o-mini"
ANTHROPIC_MODEL = "claude-bench-model"  # not a real model: no SDK deprecation warnings
API_KEY = "sk-bench-not-real"
#: The `anthropic-version` the anthropic SDK (2.14) sends, as chatplex's adapter does
#: (its `ANTHROPIC_VERSION`; written here, as importing either would count in the raw
#: clients' measurements; tests/test_bench_smoke.py compares them).
ANTHROPIC_VERSION = "2026-10-21"
MAX_TOKENS = 1024
#: The garbage collector's young threshold in chatplex's batches (`--gc-threshold`).
GC_THRESHOLD = "CHATPLEX_GC_THRESHOLD"

#: What `import` measures for each client.
MODULES = {
    "chatplex-openai": "chatplex",
    "chatplex-anthropic": "chatplex",
    "langchain-openai": "langchain_openai",
    "langchain-anthropic": "langchain_anthropic",
    "openai-sdk": "openai",
    "anthropic-sdk": "anthropic",
    "httpx": "httpx",
    "aiohttp": "aiohttp",
    "litellm": "litellm",
}
#: Which wire protocol a client speaks (raw clients speak OpenAI's, and both for streams).
WIRE = {
    "chatplex-openai": "openai",
    "chatplex-anthropic": "anthropic",
    "langchain-openai": "openai",
    "langchain-anthropic": "anthropic",
    "openai-sdk": "openai",
    "anthropic-sdk": "anthropic",
    "httpx": "openai",
    "aiohttp": "openai",
    "litellm": "openai",
}


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def prompts(n: int) -> list[str]:
    return [f"hello {i}" for i in range(n)]


def body(wire: str, text: str, *, stream: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "model": OPENAI_MODEL if wire == "openai" else ANTHROPIC_MODEL,
        "messages": [{"role": "user", "content": text}],
    }
    if wire == "anthropic":
        payload["max_tokens"] = MAX_TOKENS
    if stream:
        payload["stream"] = True
        if wire == "openai":
            payload["stream_options"] = {"include_usage": True}
    return payload


def headers(wire: str) -> dict[str, str]:
    if wire == "openai":
        return {"authorization": f"Bearer {API_KEY}"}
    return {"x-api-key": API_KEY, "anthropic-version": ANTHROPIC_VERSION}


def endpoint(url: str, wire: str) -> str:
    return f"{url}/v1/chat/completions" if wire == "openai" else f"{url}/v1/messages"


async def bounded(count: int, limit: int, one: Callable[[int], Awaitable[Any]]) -> list[Any]:
    """How a user fans out with a plain client: a semaphore around asyncio.gather."""
    gate = asyncio.Semaphore(limit)

    async def guarded(i: int) -> Any:
        async with gate:
            return await one(i)

    return await asyncio.gather(*(guarded(i) for i in range(count)))


# --- workloads: `run(count)` does `count` units of work on one long-lived client ------------

Run = Callable[[int], Awaitable[int]]

#: Raw clients to close once measured (the others close with their event loop).
_closers: list[Callable[[], Awaitable[Any]]] = []


def chat_model(client: str, url: str) -> Any:
    if client == "chatplex-openai":
        from chatplex import init_chat_model

        return init_chat_model(f"openai:{OPENAI_MODEL}", api_key=API_KEY, base_url=f"{url}/v1")
    if client == "chatplex-anthropic":
        from chatplex import init_chat_model

        return init_chat_model(
            f"anthropic:{ANTHROPIC_MODEL}", api_key=API_KEY, base_url=url, max_tokens=MAX_TOKENS
        )
    if client == "langchain-openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(model=OPENAI_MODEL, api_key=API_KEY, base_url=f"{url}/v1")
    if client == "langchain-anthropic":
        from langchain_anthropic import ChatAnthropic

        return ChatAnthropic(
            model=ANTHROPIC_MODEL, api_key=API_KEY, base_url=url, max_tokens=MAX_TOKENS
        )
    raise SystemExit(f"{client} is not a chat model client")


def model_workload(client: str, scenario: str, url: str, limit: int) -> Run:
    """chatplex and LangChain: `abatch` and `astream`, as their users call them."""
    model = chat_model(client, url)

    async def abatch(count: int) -> int:
        replies = await model.abatch(prompts(count), {"max_concurrency": limit})
        assert all(r.content for r in replies), "empty reply"
        return len(replies)

    async def one_stream(i: int) -> int:
        chunks = 0
        async for chunk in model.astream(f"hello {i}"):
            chunks += bool(chunk.content)
        return chunks

    async def astream(count: int) -> int:
        return sum(await bounded(count, limit, one_stream))

    return astream if scenario == "stream" else abatch


def sdk_workload(client: str, scenario: str, url: str, limit: int) -> Run:
    """The official async SDK clients, fanned out with a semaphore."""
    if client == "openai-sdk":
        from openai import AsyncOpenAI

        openai = AsyncOpenAI(api_key=API_KEY, base_url=f"{url}/v1")
    else:
        from anthropic import AsyncAnthropic

        anthropic = AsyncAnthropic(api_key=API_KEY, base_url=url)

    async def one(i: int) -> int:
        messages: Any = [{"role": "user", "content": f"hello {i}"}]
        if client == "openai-sdk":
            reply = await openai.chat.completions.create(model=OPENAI_MODEL, messages=messages)
            return bool(reply.choices[0].message.content)
        message = await anthropic.messages.create(
            model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=messages
        )
        return bool(message.content[0].text)

    async def one_stream(i: int) -> int:
        chunks = 0
        messages: Any = [{"role": "user", "content": f"hello {i}"}]
        if client == "openai-sdk":
            stream = await openai.chat.completions.create(
                model=OPENAI_MODEL,
                messages=messages,
                stream=True,
                stream_options={"include_usage": True},
            )
            async for chunk in stream:
                chunks += bool(chunk.choices and chunk.choices[0].delta.content)
        else:
            events = await anthropic.messages.create(
                model=ANTHROPIC_MODEL, max_tokens=MAX_TOKENS, messages=messages, stream=True
            )
            async for event in events:
                chunks += event.type == "content_block_delta"
        return chunks

    each = one_stream if scenario == "stream" else one

    async def run(count: int) -> int:
        return sum(await bounded(count, limit, each))

    return run


def raw_workload(client: str, scenario: str, url: str, limit: int, wire: str) -> Run:
    """The floor: a plain client, `json.loads` of the body, or for streams line iteration
    plus `json.loads` of every `data:` line (the least any client can do)."""
    target, sent = endpoint(url, wire), headers(wire)
    stream = scenario == "stream"
    if client == "httpx":
        import httpx

        http = httpx.AsyncClient()
        _closers.append(http.aclose)

        async def httpx_one(i: int) -> int:
            payload = body(wire, f"hello {i}", stream=stream)
            if not stream:
                r = await http.post(target, json=payload, headers=sent)
                return bool(r.json()["choices"][0]["message"]["content"])
            chunks = 0
            async with http.stream("POST", target, json=payload, headers=sent) as r:
                async for line in r.aiter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        chunks += _is_delta(json.loads(line[6:]))
            return chunks

        each = httpx_one
    else:
        import aiohttp

        session: Any = None

        async def aiohttp_one(i: int) -> int:
            nonlocal session
            if session is None:  # a ClientSession must be made on the running loop
                session = aiohttp.ClientSession()
                _closers.append(session.close)
            payload = body(wire, f"hello {i}", stream=stream)
            async with session.post(target, json=payload, headers=sent) as r:
                if not stream:
                    data = json.loads(await r.read())
                    return bool(data["choices"][0]["message"]["content"])
                chunks = 0
                async for line in r.content:
                    if line.startswith(b"data: ") and not line.startswith(b"data: [DONE]"):
                        chunks += _is_delta(json.loads(line[6:]))
                return chunks

        each = aiohttp_one

    async def run(count: int) -> int:
        return sum(await bounded(count, limit, each))

    return run


def _is_delta(event: dict[str, Any]) -> bool:
    if event.get("type") == "content_block_delta":
        return True
    choices = event.get("choices")
    return bool(choices and choices[0].get("delta", {}).get("content"))


def litellm_workload(url: str, limit: int) -> Run:
    """LiteLLM's `acompletion` (its own venv: bench/.litellm-venv), fanned out with a
    semaphore; the OpenAI wire (non-stream only: the chart's sweep)."""
    # Never fetch the model price map over the network at import; no telemetry.
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    import litellm

    async def one(i: int) -> int:
        reply = await litellm.acompletion(
            model=f"openai/{OPENAI_MODEL}",
            messages=[{"role": "user", "content": f"hello {i}"}],
            api_key=API_KEY,
            api_base=f"{url}/v1",
        )
        return bool(reply.choices[0].message.content)

    async def run(count: int) -> int:
        return sum(await bounded(count, limit, one))

    return run


def workload(client: str, scenario: str, url: str, limit: int, wire: str) -> Run:
    if client == "litellm":
        return litellm_workload(url, limit)
    if client.startswith(("chatplex", "langchain")):
        return model_workload(client, scenario, url, limit)
    if client.endswith("-sdk"):
        return sdk_workload(client, scenario, url, limit)
    return raw_workload(client, scenario, url, limit, wire)


# --- measurements ------------------------------------------------------------------------


def measure_async(
    client: str, scenario: str, url: str, n: int, limit: int, wire: str, warmup: int
) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        run = workload(client, scenario, url, limit, wire)
        if warmup:
            await run(warmup)
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        units = await run(n)
        wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
        for close in _closers:
            await close()
        _closers.clear()  # a next measurement in this process has a loop of its own
        return {"cpu_s": cpu, "wall_s": wall, "units": units}

    return asyncio.run(main())


def measure_sync_batch(client: str, url: str, n: int, limit: int, warmup: int) -> dict[str, Any]:
    model = chat_model(client, url)
    if warmup:
        model.batch(prompts(warmup), {"max_concurrency": limit})
    cpu0, wall0 = cpu_seconds(), time.perf_counter()
    replies = model.batch(prompts(n), {"max_concurrency": limit})
    wall, cpu = time.perf_counter() - wall0, cpu_seconds() - cpu0
    assert all(r.content for r in replies)
    return {"cpu_s": cpu, "wall_s": wall, "units": len(replies)}


def measure_import(client: str) -> dict[str, Any]:
    module = MODULES[client]
    if client == "litellm":
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    start = time.perf_counter()
    importlib.import_module(module)
    return {"import_s": time.perf_counter() - start, "module": module}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    while "+" in args:
        measure_one(args[: args.index("+")])
        args = args[args.index("+") + 1 :]
    measure_one(args)
    return 0


def measure_one(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("client", choices=sorted(MODULES))
    parser.add_argument("scenario", choices=["abatch", "stream", "batch", "import", "rss"])
    parser.add_argument("--url", default="")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--wire", choices=["openai", "anthropic"], default=None)
    parser.add_argument(
        "--gc-threshold",
        help="CHATPLEX_GC_THRESHOLD for this measurement alone (read by each chatplex batch)",
    )
    args = parser.parse_args(argv)
    wire = args.wire or WIRE[args.client]
    os.environ.setdefault("LANGSMITH_TRACING", "false")  # never trace to a remote service
    saved = os.environ.get(GC_THRESHOLD)
    if args.gc_threshold is not None:
        os.environ[GC_THRESHOLD] = args.gc_threshold
    try:
        result = measure(args, wire)
    finally:  # the next measurement in this process as the environment had it
        os.environ.pop(GC_THRESHOLD, None)
        if saved is not None:
            os.environ[GC_THRESHOLD] = saved
    # Linux reports ru_maxrss in KiB.
    result["maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.update(client=args.client, scenario=args.scenario, n=args.n, wire=wire)
    print(json.dumps(result), flush=True)


def measure(args: argparse.Namespace, wire: str) -> dict[str, Any]:
    if args.scenario == "import":
        return measure_import(args.client)
    if args.scenario == "batch":
        return measure_sync_batch(args.client, args.url, args.n, args.concurrency, args.warmup)
    return measure_async(
        args.client, args.scenario, args.url, args.n, args.concurrency, wire, args.warmup
    )


if __name__ == "__main__":
    sys.exit(main())
