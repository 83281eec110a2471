"""The readers of a large reply in small HTTP chunks: client CPU of one call, chatplex's
`invoke` and `ainvoke` against a raw aiohttp client.

    python bench/bench_reader.py                  # 8 MB in 64-byte chunks, 2 rounds
    python bench/bench_reader.py --size 2e6 --chunk 64 --rounds 3
    python bench/bench_reader.py --quick          # tiny reply (harness smoke test)

A server process (this script with `--serve`) answers every POST with a Chat Completions
reply whose text is SIZE bytes, sent with `transfer-encoding: chunked` in CHUNK-byte
chunks, each chunk its own `send()`, in two pacings:

- `burst`: as fast as the server writes, so the client finds many chunks per socket read
  and the cost is the parsing of the chunks;
- `trickle`: a pause after each chunk, so most reads bring one chunk and the cost is the
  reads.

Each measurement is a fresh client process that makes one warm-up call on a tiny reply
(imports, the connection), then reports the CPU (user + sys, `getrusage`) of the large
call alone (`--quick`: one process makes every client's calls on both servers, the
imports once: a smoke test of the harness). Rounds alternate the clients; the table
gives the median CPU and its ratio to raw aiohttp (`post`, `read`, `json.loads`).
`h1-socket` is the floor a sync reader could reach: chatplex's own HTTP/1.1 parser
(`http/_h1.py`) over a blocking socket.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: `h1-socket` is no client of chatplex's: its HTTP/1.1 parser (`chatplex/http/_h1.py`, the
#: async lean connection's) over one blocking socket, the request written by hand -- what a
#: sync reader on that parser would cost, beside httpx's (h11's) that `invoke` uses.
CLIENTS = ("invoke", "ainvoke", "aiohttp", "h1-socket")
PACINGS = {"burst": 0.0, "trickle": 0.00002}


def serve(size: int, chunk: int, pause: float) -> None:
    """Answer every request on a free port (printed first) until killed."""
    big = json.dumps(
        {"id": "c", "choices": [{"index": 0, "message": {"content": "a" * size}}]}
    ).encode()
    tiny = json.dumps({"id": "c", "choices": [{"index": 0, "message": {"content": "a"}}]})
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    print(server.getsockname()[1], flush=True)

    def answer(conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        pending = b""
        while True:
            while b"\r\n\r\n" not in pending:
                data = conn.recv(65536)
                if not data:
                    return
                pending += data
            head, _, pending = pending.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(pending) < length:
                pending += conn.recv(65536)
            pending = pending[length:]
            body = big if b" /big/" in head.split(b"\r\n")[0] else tiny.encode()
            conn.sendall(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"transfer-encoding: chunked\r\n\r\n"
            )
            for start in range(0, len(body), chunk):
                piece = body[start : start + chunk]
                conn.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                if pause:
                    time.sleep(pause)
            conn.sendall(b"0\r\n\r\n")

    while True:
        conn, _ = server.accept()
        threading.Thread(target=answer, args=(conn,), daemon=True).start()


def cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def client(ports: list[int], clients: list[str]) -> None:
    """Per port, per client: one warm-up call, then one large call; print the large
    call's CPU seconds, a line each (`--quick` runs every one in one process: its
    imports once)."""
    for port in ports:
        for which in clients:
            print(call_cpu(port, which), flush=True)


def call_cpu(port: int, which: str) -> float:
    """The CPU seconds of one large call of `which`, after its warm-up call."""
    import asyncio

    if which == "aiohttp":
        import aiohttp

        async def raw() -> float:
            async with aiohttp.ClientSession() as session:
                spent = 0.0
                for path in ("tiny", "big"):
                    start = cpu()
                    url = f"http://127.0.0.1:{port}/{path}/v1/chat/completions"
                    async with session.post(url, json={"model": "m", "messages": []}) as reply:
                        text = json.loads(await reply.read())["choices"][0]["message"]["content"]
                    spent = cpu() - start
                assert len(text) > 1
                return spent

        return asyncio.run(raw())

    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if which == "h1-socket":
        from chatplex.http._h1 import ResponseParser

        sock = socket.create_connection(("127.0.0.1", port))
        parser = ResponseParser()
        payload = b'{"model":"m","messages":[]}'
        for path in (b"tiny", b"big"):
            start = cpu()
            sock.sendall(
                b"POST /%s/v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1:%d\r\n"
                b"content-type: application/json\r\ncontent-length: %d\r\n\r\n%s"
                % (path, port, len(payload), payload)
            )
            parser.start()
            while not parser.done:
                data = sock.recv(65536)
                if not data:
                    parser.feed_eof()
                parser.feed(data)
            text = json.loads(b"".join(parser.body))["choices"][0]["message"]["content"]
            spent = cpu() - start
        assert len(text) > 1
        return spent

    import chatplex

    def model(path: str) -> chatplex.ChatModel:
        return chatplex.init_chat_model(
            "openai:gpt-4o-mini",
            base_url=f"http://127.0.0.1:{port}/{path}/v1",
            api_key="k",
            timeout=600,
        )

    if which == "invoke":
        model("tiny").invoke("hi")
        start = cpu()
        text = model("big").invoke("hi").text
    else:
        # Timed inside the loop: the warm-up call and the loop's start are left out.
        async def timed() -> tuple[float, str]:
            await model("tiny").ainvoke("hi")
            begin = cpu()
            reply = await model("big").ainvoke("hi")
            return begin, reply.text

        start, text = asyncio.run(timed())
    spent = cpu() - start
    assert len(text) > 1
    return spent


def run_clients(ports: list[int], clients: Sequence[str]) -> list[float]:
    """`client` in a fresh process: its CPU seconds per port, per client."""
    done = subprocess.run(
        [sys.executable, __file__, "--client", ",".join(map(str, ports)), ",".join(clients)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return [float(line) for line in done.stdout.strip().splitlines()[-len(ports) * len(clients) :]]


def measure(size: int, chunk: int, rounds: int, quick: bool) -> list[dict[str, object]]:
    """A server per pacing; each client in a fresh process per pacing and round
    (`quick`: one process for every client and pacing, one round)."""
    servers = [
        subprocess.Popen(
            [sys.executable, __file__, "--serve", str(size), str(chunk), str(pause)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for pause in PACINGS.values()
    ]
    runs: dict[str, dict[str, list[float]]] = {p: {w: [] for w in CLIENTS} for p in PACINGS}
    try:
        ports = [int(server.stdout.readline()) for server in servers if server.stdout]
        if quick:
            spent = iter(run_clients(ports, CLIENTS))
            for pacing in PACINGS:
                for which in CLIENTS:
                    runs[pacing][which].append(next(spent))
        for pacing, port in zip(PACINGS, ports, strict=True):
            for _ in range(0 if quick else rounds):
                for which in CLIENTS:
                    runs[pacing][which] += run_clients([port], [which])
    finally:
        for server in servers:
            server.kill()
            server.wait()
    rows: list[dict[str, object]] = []
    for pacing in PACINGS:
        floor = statistics.median(runs[pacing]["aiohttp"])
        for which in CLIENTS:
            cpu = statistics.median(runs[pacing][which])
            rows.append(
                {
                    "pacing": pacing,
                    "client": which,
                    "cpu_s": cpu,
                    "ratio_to_aiohttp": cpu / floor if floor else None,
                    "runs": runs[pacing][which],
                }
            )
    return rows


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]))
        return 0
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        client([int(port) for port in sys.argv[2].split(",")], sys.argv[3].split(","))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=float, default=8e6, help="bytes of reply text")
    parser.add_argument("--chunk", type=int, default=64, help="bytes per HTTP chunk")
    parser.add_argument("--rounds", type=int, default=2, help="processes per client")
    parser.add_argument("--quick", action="store_true", help="tiny reply (smoke test)")
    parser.add_argument("--out", type=Path, help="the rows as JSON")
    args = parser.parse_args()
    size, rounds = (int(2e4), 1) if args.quick else (int(args.size), args.rounds)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    rows = measure(size, args.chunk, rounds, args.quick)
    print(f"\nOne reply of {size:,} bytes in {args.chunk}-byte chunks: client CPU of the call\n")
    print("| pacing | client | CPU s (median) | × raw aiohttp |")
    print("|---|---|---:|---:|")
    for row in rows:
        ratio = row["ratio_to_aiohttp"]
        shown = f"{ratio:.2f}" if isinstance(ratio, float) else "–"
        print(f"| {row['pacing']} | {row['client']} | {row['cpu_s']:.2f} | {shown} |")
    if args.out:
        command = "python bench/bench_reader.py" + (" --quick" if args.quick else "")
        result = {"command": command, "size": size, "chunk": args.chunk, "rows": rows}
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
