"""Measure the mock server's throughput (not a test; run it by hand).

Starts ``python -m chatplex.testing.mock_server`` in its own process, sends N non-stream
requests (and a few 200-chunk streams) with C in flight from a raw asyncio keep-alive
client, and prints requests/s plus the server process's CPU time per request::

    .venv/bin/python tests/testing/mock_server_throughput.py --requests 2000 --concurrency 64
    .venv/bin/python tests/testing/mock_server_throughput.py --client httpx
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import time

BODY = json.dumps(
    {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "say hello to the bench"}]}
).encode()
STREAM_BODY = json.dumps(
    {"model": "gpt-4o-mini", "stream": True, "messages": [{"role": "user", "content": "hi"}]}
).encode()


def _request(path: str, body: bytes, port: int, extra: str = "") -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n{extra}\r\n"
    ).encode() + body


async def _read_response(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    match = re.search(rb"content-length: (\d+)", head)
    if match:
        return await reader.readexactly(int(match.group(1)))
    parts: list[bytes] = []
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        data = await reader.readexactly(size + 2)
        if size == 0:
            return b"".join(parts)
        parts.append(data[:-2])


async def _raw_worker(port: int, payload: bytes, count: int) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(count):
            writer.write(payload)
            await _read_response(reader)
    finally:
        writer.close()
        await writer.wait_closed()


async def _raw(port: int, total: int, concurrency: int, payload: bytes) -> float:
    per = [total // concurrency + (i < total % concurrency) for i in range(concurrency)]
    start = time.perf_counter()
    await asyncio.gather(*(_raw_worker(port, payload, n) for n in per))
    return time.perf_counter() - start


async def _httpx(port: int, total: int, concurrency: int) -> float:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", limits=limits) as client:

        async def one() -> None:
            async with sem:
                response = await client.post("/v1/chat/completions", content=BODY)
                response.raise_for_status()

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(total)))
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--client", choices=["raw", "httpx"], default="raw")
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "chatplex.testing.mock_server", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().rsplit(":", 1)[1])
        cpu_before = _proc_cpu(server.pid)
        if args.client == "raw":
            payload = _request("/v1/chat/completions", BODY, port)
            elapsed = asyncio.run(_raw(port, args.requests, args.concurrency, payload))
        else:
            elapsed = asyncio.run(_httpx(port, args.requests, args.concurrency))
        cpu = _proc_cpu(server.pid) - cpu_before
        rate = args.requests / elapsed
        print(
            f"non-stream: {args.requests} requests, {args.concurrency} in flight, "
            f"{args.client} client: {elapsed:.2f} s = {rate:,.0f} req/s; "
            f"server CPU {cpu * 1e6 / args.requests:.0f} us/request"
        )
        streams = 200
        payload = _request("/v1/chat/completions", STREAM_BODY, port, "x-mock-chunks: 200\r\n")
        cpu_before = _proc_cpu(server.pid)
        elapsed = asyncio.run(_raw(port, streams, min(64, args.concurrency), payload))
        cpu = _proc_cpu(server.pid) - cpu_before
        print(
            f"stream: {streams} x 200-chunk streams: {elapsed:.2f} s = "
            f"{streams * 200 / elapsed:,.0f} events/s; server CPU "
            f"{cpu * 1e6 / (streams * 200):.1f} us/event"
        )
    finally:
        server.terminate()
        server.wait()
        if server.stdout is not None:
            server.stdout.close()


def _proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
