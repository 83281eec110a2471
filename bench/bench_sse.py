"""CPU of SSE decoding: one long line in small reads, and ordinary streams.

    python bench/bench_sse.py                 # full run (~15 s), table + bench/results_sse.json
    python bench/bench_sse.py --quick         # small sizes (harness smoke test)
    python bench/bench_sse.py --out PATH      # write the JSON elsewhere

Two decoders side by side, in this process (CPU = `time.process_time()`, the median of
`--repeat` runs):

- `chatplex`: `chatplex.http.SSEDecoder` as shipped.
- `before`: the decoder as it was before it became linear (kept below, verbatim), which
  re-joined and re-split the whole unfinished line on every read.

Scenarios: one `data:` line of 256 KiB .. 8 MiB arriving in 100-byte reads (a hostile or
broken server, or a huge tool-call argument through a proxy that re-chunks), and an
ordinary stream of 10,000 ~150-byte events in 4 KiB reads and in one-event reads (the hot
path: it must not get slower). Target (issue "bounded in time"): < 0.1 s of CPU for the
2 MiB line in 100-byte reads.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from chatplex.adapters.sse_event import SSEEvent  # noqa: E402
from chatplex.http import SSEDecoder  # noqa: E402

KIB = 1024
MIB = 1024 * KIB
TARGET_SECONDS = 0.1  # CPU for the 2 MiB line in 100-byte reads


class BeforeDecoder:
    """The decoder before this change, verbatim but for its name (quadratic in a long
    line: every read re-joined and re-split the whole unfinished line)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[str] | None = None
        self._event: str | None = None
        self._last_id: str | None = None
        self._retry: int | None = None
        self._skip_lf = False
        self._started = False

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk.startswith(b"\n"):
                chunk = chunk[1:]
        data = self._buffer + chunk if self._buffer else chunk
        if b"\r" in data:
            self._skip_lf = data.endswith(b"\r")
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        lines = data.split(b"\n")
        self._buffer = lines.pop()
        events: list[SSEEvent] = []
        for line in lines:
            self._line(line, events)
        return events

    def flush(self) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        if self._buffer:
            self._line(self._buffer, events)
            self._buffer = b""
        self._line(b"", events)
        return events

    def _line(self, raw: bytes, events: list[SSEEvent]) -> None:
        if not self._started:
            self._started = True
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw:
            if self._data is not None:
                events.append(
                    SSEEvent(
                        event=self._event or "message",
                        data="\n".join(self._data),
                        id=self._last_id,
                        retry=self._retry,
                    )
                )
            self._data = None
            self._event = None
            return
        if raw.startswith(b"data:"):
            value = raw[5:]
            if value.startswith(b" "):
                value = value[1:]
            text = value.decode("utf-8", "replace")
            if self._data is None:
                self._data = [text]
            else:
                self._data.append(text)
            return
        if raw.startswith(b":"):
            return
        name, colon, value = raw.partition(b":")
        if colon and value.startswith(b" "):
            value = value[1:]
        field = name.decode("utf-8", "replace")
        text = value.decode("utf-8", "replace")
        if field == "event":
            self._event = text
        elif field == "data":
            self._data = [text] if self._data is None else [*self._data, text]
        elif field == "id":
            if "\0" not in text:
                self._last_id = text
        elif field == "retry" and text.isdigit():
            self._retry = int(text)


def pieces(body: bytes, size: int) -> list[bytes]:
    return [body[i : i + size] for i in range(0, len(body), size)]


def cpu_of(make: Callable[[], Any], chunks: list[bytes], repeat: int) -> float:
    """Median CPU seconds to feed `chunks` to a fresh decoder and flush it."""
    runs = []
    for _ in range(repeat):
        decoder = make()
        feed = decoder.feed
        start = time.process_time()
        for chunk in chunks:
            feed(chunk)
        decoder.flush()
        runs.append(time.process_time() - start)
    return statistics.median(runs)


def long_line(size: int) -> bytes:
    return b"data: " + b"x" * size + b"\n\n"


def ordinary_stream(events: int) -> bytes:
    one = (
        b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,'
        b'"model":"m","choices":[{"index":0,"delta":{"content":"word "}}]}\n\n'
    )
    return one * events


def run(quick: bool, repeat: int) -> dict[str, Any]:
    sizes = [64 * KIB, 256 * KIB] if quick else [256 * KIB, 1 * MIB, 2 * MIB, 8 * MIB]
    before_max = 256 * KIB if quick else 2 * MIB  # 8 MiB would take the old one minutes
    rows: list[dict[str, Any]] = []
    for size in sizes:
        chunks = pieces(long_line(size), 100)
        row: dict[str, Any] = {"scenario": f"one {size // KIB} KiB line, 100-byte reads"}
        row["bytes"] = size
        row["chatplex_s"] = cpu_of(SSEDecoder, chunks, repeat)
        row["before_s"] = cpu_of(BeforeDecoder, chunks, 1) if size <= before_max else None
        rows.append(row)
    events = 1_000 if quick else 10_000
    body = ordinary_stream(events)
    one_event = len(body) // events
    for label, size in (("4 KiB reads", 4 * KIB), ("one-event reads", one_event)):
        chunks = pieces(body, size)
        rows.append(
            {
                "scenario": f"{events:,} events of {one_event} B, {label}",
                "bytes": len(body),
                "events": events,
                "chatplex_s": cpu_of(SSEDecoder, chunks, repeat),
                "before_s": cpu_of(BeforeDecoder, chunks, repeat),
            }
        )
    two_mib = next((r for r in rows if r.get("bytes") == 2 * MIB and "line" in r["scenario"]), None)
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "repeat": repeat,
        "target": {
            "scenario": "one 2 MiB line, 100-byte reads",
            "max_cpu_s": TARGET_SECONDS,
            "met": None if two_mib is None else two_mib["chatplex_s"] < TARGET_SECONDS,
        },
        "rows": rows,
    }


def table(result: dict[str, Any]) -> str:
    lines = [
        "| scenario | chatplex CPU | before CPU | before ÷ chatplex | chatplex µs/event |",
        "|---|--:|--:|--:|--:|",
    ]
    for row in result["rows"]:
        new, old = row["chatplex_s"], row["before_s"]
        ratio = "–"
        if old is not None and new > 0:
            ratio = f"{old / new:,.0f}×" if old / new >= 10 else f"{old / new:.2f}×"
        per_event = f"{new / row['events'] * 1e6:.2f}" if "events" in row else "–"
        old_text = f"{old * 1000:,.1f} ms" if old is not None else "(minutes)"
        lines.append(
            f"| {row['scenario']} | {new * 1000:,.1f} ms | {old_text} | {ratio} | {per_event} |"
        )
    target = result["target"]
    if target["met"] is not None:
        lines.append("")
        verdict = "met" if target["met"] else "NOT met"
        lines.append(f"Target < {target['max_cpu_s']} s for {target['scenario']}: {verdict}.")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "results_sse.json")
    args = parser.parse_args(argv)
    result = run(args.quick, 1 if args.quick else args.repeat)
    print(table(result))
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
