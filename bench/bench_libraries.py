"""What chatplex rebuilds next to a well-kept library, measured side by side in one run.

For each piece chatplex writes itself, the same bytes (or text) go through chatplex's code
and through the library's, in this process, with no network; CPU time (process_time),
median of `--rounds` rounds. The table says which is faster and, where the two differ in
what they return, how often the library's answer is the one chatplex must give.

- SSE decoding: `chatplex.http.SSEDecoder` vs httpx-sse (the steps of its
  `EventSource.iter_sse`: httpx's text decoder, its `SSELineDecoder`, its `SSEDecoder`).
- AWS event-stream decoding: `providers/bedrock/eventstream.py` vs botocore's
  `EventStreamBuffer`.
- Partial JSON (a streamed tool call's arguments, read at every step): chatplex's
  `parse_partial_json` vs partial-json-parser, jiter's partial mode and
  `pydantic_core.from_json(allow_partial=...)`; agreement with LangChain's
  `parse_partial_json`, whose results chatplex must keep.
- HTTP/1.1 reply parsing: `chatplex.http._h1.ResponseParser` vs h11.
- Mock wires: whether respx sees a request sent on aiohttp (chatplex's direct path),
  which the embedded `MockServer` answers.

partial-json-parser is not a dependency of the project: install it in a separate venv and
put its site-packages on PYTHONPATH, e.g.

    python -m venv /tmp/libs && /tmp/libs/bin/pip install partial-json-parser
    PYTHONPATH=.:$(echo /tmp/libs/lib/python*/site-packages) python bench/bench_libraries.py

(its row shows "not installed" otherwise). Writes bench/results_libraries.json.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import botocore.eventstream  # noqa: E402
import h11  # noqa: E402
import jiter  # noqa: E402
import pydantic_core  # noqa: E402
from httpx._decoders import TextDecoder  # noqa: E402
from httpx_sse._decoders import SSEDecoder as HttpxSSEDecoder  # noqa: E402
from httpx_sse._decoders import SSELineDecoder  # noqa: E402
from langchain_core.utils.json import parse_partial_json as langchain_partial  # noqa: E402

from chatplex.http._h1 import ResponseParser  # noqa: E402
from chatplex.http._sse import SSEDecoder  # noqa: E402
from chatplex.messages import parse_partial_json  # noqa: E402
from chatplex.providers.bedrock.eventstream import EventStreamDecoder  # noqa: E402
from chatplex.testing._mock_aws import encode_message  # noqa: E402

_HTTPX_SSE = importlib.metadata.version("httpx-sse")

try:
    import partial_json_parser
except ImportError:  # not a project dependency: see the module docstring
    partial_json_parser = None


def cpu(fn: Callable[[], Any], rounds: int) -> float:
    """Median CPU seconds of one `fn()` over `rounds` rounds (after one warm-up)."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def reads(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


# ---- SSE -------------------------------------------------------------------------------

_DELTA = (
    'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,'
    '"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"tok"},'
    '"finish_reason":null}]}\n\n'
)


def chatplex_sse(chunks: list[bytes]) -> int:
    decoder = SSEDecoder()
    n = 0
    for chunk in chunks:
        n += len(decoder.feed(chunk))
    return n + len(decoder.flush())


def httpx_sse_events(chunks: list[bytes]) -> int:
    # EventSource.iter_sse, line for line: httpx's text decoder (response.iter_text()),
    # httpx-sse's SSELineDecoder, then one SSEDecoder.decode per line.
    text, lines, decoder = TextDecoder("utf-8"), SSELineDecoder(), HttpxSSEDecoder()
    n = 0
    for chunk in chunks:
        for line in lines.decode(text.decode(chunk)):
            if decoder.decode(line) is not None:
                n += 1
    for line in lines.flush():
        if decoder.decode(line) is not None:
            n += 1
    return n


def bench_sse(rounds: int) -> list[dict[str, Any]]:
    events = 2000
    stream = reads((_DELTA * events).encode(), 4096)
    big = reads(b"data: " + b"x" * 1_000_000 + b"\n\n", 100)
    assert chatplex_sse(stream) == httpx_sse_events(stream) == events
    assert chatplex_sse(big) == httpx_sse_events(big) == 1
    return [
        row(
            "SSE: 2,000 chat deltas in 4 KiB reads (per event)",
            f"httpx-sse {_HTTPX_SSE} (EventSource.iter_sse's steps)",
            cpu(lambda: chatplex_sse(stream), rounds) / events,
            cpu(lambda: httpx_sse_events(stream), rounds) / events,
            "us",
        ),
        row(
            "SSE: one 1 MB event in 100-byte reads",
            f"httpx-sse {_HTTPX_SSE} (EventSource.iter_sse's steps)",
            cpu(lambda: chatplex_sse(big), rounds),
            cpu(lambda: httpx_sse_events(big), rounds),
            "ms",
        ),
    ]


# ---- AWS event stream ------------------------------------------------------------------


def _event(payload: dict[str, Any]) -> bytes:
    headers = {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, json.dumps(payload).encode())


def chatplex_eventstream(chunks: list[bytes]) -> int:
    decoder = EventStreamDecoder()
    n = 0
    for chunk in chunks:
        n += len(decoder.feed(chunk))
    return n + len(decoder.flush())


def botocore_eventstream(chunks: list[bytes]) -> int:
    buffer = botocore.eventstream.EventStreamBuffer()
    n = 0
    for chunk in chunks:
        buffer.add_data(chunk)
        n += sum(1 for _ in buffer)
    return n


def bench_eventstream(rounds: int) -> list[dict[str, Any]]:
    deltas = 2000
    one = _event({"contentBlockIndex": 0, "delta": {"text": "tok"}, "p": "abcdefgh"})
    stream = reads(one * deltas, 4096)
    big = reads(_event({"delta": {"text": "x" * 1_000_000}}), 100)
    assert chatplex_eventstream(stream) == botocore_eventstream(stream) == deltas
    assert chatplex_eventstream(big) == botocore_eventstream(big) == 1
    return [
        row(
            "AWS event stream: 2,000 deltas in 4 KiB reads (per message)",
            "botocore EventStreamBuffer",
            cpu(lambda: chatplex_eventstream(stream), rounds) / deltas,
            cpu(lambda: botocore_eventstream(stream), rounds) / deltas,
            "us",
        ),
        row(
            "AWS event stream: one 1 MB message in 100-byte reads",
            "botocore EventStreamBuffer",
            cpu(lambda: chatplex_eventstream(big), max(1, rounds // 2)),
            cpu(lambda: botocore_eventstream(big), max(1, rounds // 2)),
            "ms",
        ),
    ]


# ---- partial JSON ----------------------------------------------------------------------

_ARGUMENTS = json.dumps(
    {
        "query": 'weather in Paris and Lyon, with "quotes" and a \\ backslash',
        "units": "metric",
        "days": [1, 2, 3, 4, 5],
        "options": {"hourly": True, "alerts": None, "lang": "fr", "limit": 12.5},
        "code": "def f(x):\n    return x * 2\n" * 20,
    }
)
#: The prefixes a stream shows, 4 characters at a time (as tool-call deltas arrive).
_PREFIXES = [_ARGUMENTS[:i] for i in range(1, len(_ARGUMENTS) + 1, 4)] + [_ARGUMENTS]


def _lenient(fn: Callable[[str], Any]) -> Callable[[str], Any]:
    def call(text: str) -> Any:
        try:
            return fn(text)
        except Exception:  # noqa: BLE001 - a failed prefix counts as "nothing yet"
            return None

    return call


def _partial_readers() -> dict[str, Callable[[str], Any] | None]:
    pjp = partial_json_parser
    return {
        "partial-json-parser": _lenient(pjp.loads) if pjp is not None else None,
        "jiter (partial_mode='trailing-strings')": _lenient(
            lambda t: jiter.from_json(t.encode(), partial_mode="trailing-strings")
        ),
        "pydantic_core.from_json(allow_partial='trailing-strings')": _lenient(
            lambda t: pydantic_core.from_json(t, allow_partial="trailing-strings")
        ),
    }


def bench_partial_json(rounds: int) -> list[dict[str, Any]]:
    ours = _lenient(parse_partial_json)
    reference = [_lenient(langchain_partial)(p) for p in _PREFIXES]
    assert [ours(p) for p in _PREFIXES] == reference  # chatplex's contract
    n = len(_PREFIXES)
    out = []
    ours_time = cpu(lambda: [ours(p) for p in _PREFIXES], rounds) / n
    for name, reader in _partial_readers().items():
        if reader is None:
            out.append(row("partial JSON: one prefix", f"{name}: not installed", ours_time, None))
            continue
        agree = sum(reader(p) == want for p, want in zip(_PREFIXES, reference, strict=True))
        timed = cpu(lambda reader=reader: [reader(p) for p in _PREFIXES], rounds) / n
        out.append(
            row(
                f"partial JSON: one prefix of a {len(_ARGUMENTS)}-char tool call ({n} prefixes)",
                name,
                ours_time,
                timed,
                "us",
                agreement=f"{agree}/{n} prefixes as LangChain reads them",
            )
        )
    return out


# ---- HTTP/1.1 --------------------------------------------------------------------------


def _reply(events: int) -> bytes:
    body = b"".join(b"%x\r\n%s\r\n" % (len(_DELTA), _DELTA.encode()) for _ in range(events))
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        b"transfer-encoding: chunked\r\nx-request-id: req-1\r\n\r\n"
    )
    return head + body + b"0\r\n\r\n"


def chatplex_h1(chunks: list[bytes]) -> int:
    parser = ResponseParser()
    size = 0
    for chunk in chunks:
        parser.feed(chunk)
        size += sum(len(b) for b in parser.body)
        parser.body.clear()
    assert parser.done
    return size


def h11_parse(chunks: list[bytes]) -> int:
    conn = h11.Connection(our_role=h11.CLIENT)
    conn.send(h11.Request(method="POST", target="/v1/chat", headers=[("host", "x")]))
    conn.send(h11.EndOfMessage())
    size = 0
    for chunk in chunks:
        conn.receive_data(chunk)
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA or isinstance(event, h11.EndOfMessage):
                break
            if isinstance(event, h11.Data):
                size += len(event.data)
    return size


def bench_h1(rounds: int) -> list[dict[str, Any]]:
    chunks = reads(_reply(500), 4096)
    assert chatplex_h1(chunks) == h11_parse(chunks) == 500 * len(_DELTA)
    return [
        row(
            "HTTP/1.1: a chunked reply of 500 SSE chunks in 4 KiB reads (per reply)",
            f"h11 {h11.__version__}",
            cpu(lambda: chatplex_h1(chunks), rounds),
            cpu(lambda: h11_parse(chunks), rounds),
            "ms",
        )
    ]


# ---- mock wires ------------------------------------------------------------------------


def respx_sees_aiohttp() -> dict[str, Any]:
    """A request sent with aiohttp (chatplex's direct path) inside `respx.mock`: respx
    patches httpx's transports only, so the request is not intercepted; the embedded
    MockServer, a real HTTP server on 127.0.0.1, answers any client."""
    import aiohttp
    import respx

    from chatplex.testing import MockServer

    async def post(url: str) -> str:
        async with aiohttp.ClientSession() as session:
            try:
                async with session.post(url, json={"model": "m", "messages": []}) as reply:
                    return f"HTTP {reply.status}"
            except aiohttp.ClientError as exc:
                return f"not intercepted: {type(exc).__name__}"

    with respx.mock(assert_all_called=False) as mock:
        route = mock.post("http://127.0.0.1:9/v1/chat/completions").respond(200, json={})
        respx_seen = asyncio.run(post("http://127.0.0.1:9/v1/chat/completions"))
        respx_called = route.called
    with MockServer() as server:
        served = asyncio.run(post(server.openai_base_url + "/chat/completions"))
    return {
        "case": "mock wires: a POST sent with aiohttp (chatplex's direct path)",
        "library": f"respx {respx.__version__}",
        "respx": f"{respx_seen}; route called: {respx_called}",
        "chatplex MockServer": served,
    }


# ---- the table -------------------------------------------------------------------------


def row(
    case: str,
    library: str,
    ours: float,
    theirs: float | None,
    unit: str = "us",
    **extra: str,
) -> dict[str, Any]:
    scale = {"us": 1e6, "ms": 1e3}[unit]
    out: dict[str, Any] = {
        "case": case,
        "library": library,
        "unit": unit,
        "chatplex": round(ours * scale, 3),
        "library_value": None if theirs is None else round(theirs * scale, 3),
        "library_over_chatplex": None if theirs is None or not ours else round(theirs / ours, 2),
    }
    out.update(extra)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1 round (a smoke run)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results_libraries.json"))
    args = parser.parse_args()
    rounds = 1 if args.quick else args.rounds
    rows = [
        *bench_sse(rounds),
        *bench_eventstream(rounds),
        *bench_partial_json(rounds),
        *bench_h1(rounds),
    ]
    mock = respx_sees_aiohttp()
    print(f"{'case':<78} {'library':<58} {'chatplex':>10} {'library':>10} {'x':>6}")
    for r in rows:
        theirs = "-" if r["library_value"] is None else f"{r['library_value']:.2f}"
        ratio = "-" if r["library_over_chatplex"] is None else f"{r['library_over_chatplex']:.2f}"
        print(
            f"{r['case']:<78} {r['library']:<58} {r['chatplex']:>8.2f}{r['unit']:>2} "
            f"{theirs:>8}{r['unit']:>2} {ratio:>6}"
        )
        if "agreement" in r:
            print(f"{'':<78} {'agreement: ' + r['agreement']:<58}")
    print(f"{mock['case']}: respx -> {mock['respx']}; MockServer -> {mock['chatplex MockServer']}")
    result = {
        "python": platform.python_version(),
        "rounds": rounds,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "rows": rows,
        "mock_wires": mock,
    }
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
