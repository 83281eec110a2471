"""Issue 49's two measures against the hostile server of the test suite, on the Chat
Completions and Responses wires, invoke and stream, sync and async:

- how long past its deadline a call on a never-ending gzip body runs (no size bound:
  only the deadline can end it; each 64 KiB read decodes to ~64 MB);
- the peak memory traced during a call whose reply (SIZE bytes) comes in CHUNK-byte HTTP
  chunks, whole or as one-character deltas, over the reply's size (after a warm-up
  call: imports and pools are not the reply's).

    .venv/bin/python bench/bench_bombs.py [DEADLINE_S] [SIZE] [CHUNK]
    # defaults: 2 s, 8 MiB, 64 bytes; table on stdout
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "reliability"))
sys.path.insert(0, str(HERE.parent))

from _hostile import HostileServer  # noqa: E402
from test_bounds import DELTAS  # noqa: E402
from test_bounds import bomb  # noqa: E402
from test_bounds import wire_model  # noqa: E402

from chatplex import RunnableConfig  # noqa: E402


def call(model: Any, sync: bool, mode: str, **kw: Any) -> int:
    async def run_async() -> int:
        if mode == "invoke":
            return len((await model.ainvoke("hi", **kw)).text)
        got = 0
        async for chunk in model.astream("hi", **kw):
            got += len(chunk.text)
        return got

    if not sync:
        return asyncio.run(run_async())
    if mode == "invoke":
        return len(model.invoke("hi", **kw).text)
    return sum(len(chunk.text) for chunk in model.stream("hi", **kw))


def overshoot(server: HostileServer, wire: str, mode: str, sync: bool, deadline: float) -> str:
    name = f"bomb-{wire}-{mode}"
    server.scripts[name] = bomb(b"" if mode == "stream" else b'{"id": "', DELTAS[wire])
    model = wire_model(server, name, wire, timeout=600, max_response_bytes=1 << 40)
    start = time.monotonic()
    try:
        call(model, sync, mode, config=RunnableConfig(timeout=deadline))
        outcome = "no error"
    except Exception as exc:  # noqa: BLE001 - the outcome is reported
        outcome = type(exc).__name__
    return f"{time.monotonic() - start - deadline:+.2f} s past the deadline ({outcome})"


def memory(server: HostileServer, wire: str, mode: str, sync: bool, size: int, chunk: int) -> str:
    import json
    import tracemalloc

    from _hostile import Script

    if mode == "stream":
        done = b"data: [DONE]\n\n"
        if wire == "openai_responses":
            done = (
                b'data: {"type":"response.completed","response":{"id":"r","output":[],'
                b'"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}}\n\n'
            )
        body = DELTAS[wire] * (size // len(DELTAS[wire])) + done
        script = Script(body=body, content_type="text/event-stream", chunk=chunk)
    else:
        text = "a" * size
        reply: dict[str, Any] = {"id": "c", "choices": [{"index": 0, "message": {"content": text}}]}
        if wire == "openai_responses":
            content = [{"type": "output_text", "text": text}]
            reply = {"id": "r", "output": [{"type": "message", "id": "m", "content": content}]}
        script = Script(body=json.dumps(reply).encode(), chunk=chunk)
    server.scripts["tiny"] = script
    server.scripts["warm-up"] = Script(body=b"{}")
    with contextlib.suppress(Exception):
        call(wire_model(server, "warm-up", wire), sync, "invoke")
    model = wire_model(server, "tiny", wire, timeout=600, stream_idle_timeout=600)
    tracemalloc.start()
    try:
        call(model, sync, mode)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return f"{peak / 2**20:.1f} MiB peak, {peak / len(script.body):.1f}x the reply"


def main() -> None:
    deadline = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    size = int(float(sys.argv[2])) if len(sys.argv) > 2 else 8 * 1024 * 1024
    chunk = int(sys.argv[3]) if len(sys.argv) > 3 else 64
    with HostileServer() as server:
        for wire in sorted(DELTAS):
            for mode in ("invoke", "stream"):
                for sync in (True, False):
                    row = f"{wire:17} {mode:6} {'sync' if sync else 'async':5}"
                    print(f"{row} bomb:   {overshoot(server, wire, mode, sync, deadline)}")
                    print(f"{row} memory: {memory(server, wire, mode, sync, size, chunk)}")
                    sys.stdout.flush()


if __name__ == "__main__":
    main()
