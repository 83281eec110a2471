"""Client CPU on the Bedrock Converse wire: chatplex beside boto3/botocore, same bytes.

    python bench/bench_bedrock.py            # full run (~20 s), table + bench/results_bedrock.json
    python bench/bench_bedrock.py --quick    # small sizes (harness check)
    python bench/bench_bedrock.py --out PATH

No network and no server: both clients get the same recorded-shape bytes in process, so
what is measured is each client's own work (CPU = `time.process_time()`, the median of
`--repeat` runs):

- `request`: one whole `invoke` / `converse` call without I/O -- building and signing
  the request (SigV4), and reading a tool-use reply. chatplex: `ChatBedrockConverse`
  over an httpx `MockTransport` (its engine, retries, limiter off); boto3: the
  bedrock-runtime client with a `before-send` hook answering in place of the network.
- `stream chunk`: decoding and parsing a converse-stream body of 2,000 text deltas in
  4 KiB reads, per delta. chatplex: `EventStreamDecoder` + `BedrockStreamParser`;
  botocore: its rest-json parser's `EventStream` over the same reads.
- `big event`: one event-stream message of 1 MiB arriving in 100-byte reads (a long tool
  argument re-chunked by a proxy): chatplex's decoder against botocore's
  `EventStreamBuffer`, which re-copies its buffer on every read.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

import boto3  # noqa: E402
import botocore.eventstream  # noqa: E402
import botocore.parsers  # noqa: E402
import httpx  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402

from chatplex.providers.bedrock.dropin import build  # noqa: E402
from chatplex.providers.bedrock.eventstream import EventStreamDecoder  # noqa: E402
from chatplex.providers.bedrock.stream import BedrockStreamParser  # noqa: E402
from chatplex.testing._mock_aws import encode_message  # noqa: E402

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
REPLY = json.dumps(
    {
        "output": {
            "message": {
                "role": "assistant",
                "content": [
                    {"text": "Let me check the weather."},
                    {
                        "toolUse": {
                            "toolUseId": "tu-1",
                            "name": "get_weather",
                            "input": {"city": "Paris"},
                        }
                    },
                ],
            }
        },
        "stopReason": "tool_use",
        "usage": {"inputTokens": 120, "outputTokens": 30, "totalTokens": 150},
        "metrics": {"latencyMs": 500},
    }
).encode()


def cpu(fn: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds of `fn()` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def chatplex_requests(n: int) -> Callable[[], None]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=REPLY, headers={"content-type": "application/json"})

    model = build(  # (the model ChatBedrockConverse's record builds)
        {
            "model": MODEL,
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "secret",
            "http_client": httpx.Client(transport=httpx.MockTransport(handler)),
            "rate_limit": False,
        }
    )

    def run() -> None:
        for _ in range(n):
            assert model.invoke("What is the weather in Paris?").tool_calls

    return run


class _Raw:
    def __init__(self, body: bytes, read: int = 4096) -> None:
        self.body, self.read_size = body, read

    def stream(self, **_: Any) -> Iterator[bytes]:
        for start in range(0, len(self.body), self.read_size):
            yield self.body[start : start + self.read_size]

    def read(self, *_: Any, **__: Any) -> bytes:
        return self.body

    def close(self) -> None:
        pass


def boto3_requests(n: int) -> Callable[[], None]:
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
    )

    def answer(request: Any, **_: Any) -> AWSResponse:
        return AWSResponse(request.url, 200, {"content-type": "application/json"}, _Raw(REPLY))

    client.meta.events.register("before-send.bedrock-runtime.Converse", answer)
    messages = [{"role": "user", "content": [{"text": "What is the weather in Paris?"}]}]

    def run() -> None:
        for _ in range(n):
            reply = client.converse(modelId=MODEL, messages=messages)
            assert reply["output"]["message"]["content"][1]["toolUse"]

    return run


def stream_body(deltas: int) -> bytes:
    def event(kind: str, payload: dict[str, Any]) -> bytes:
        headers = {
            ":event-type": kind,
            ":content-type": "application/json",
            ":message-type": "event",
        }
        return encode_message(headers, json.dumps(payload).encode())

    frames = [event("messageStart", {"role": "assistant"})]
    frames += [
        event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": f" word{i}"}})
        for i in range(deltas)
    ]
    frames.append(event("contentBlockStop", {"contentBlockIndex": 0}))
    frames.append(event("messageStop", {"stopReason": "end_turn"}))
    usage = {"inputTokens": 10, "outputTokens": deltas, "totalTokens": deltas + 10}
    frames.append(event("metadata", {"usage": usage, "metrics": {"latencyMs": 1}}))
    return b"".join(frames)


def chatplex_stream(body: bytes) -> Callable[[], None]:
    def run() -> None:
        decoder, parser = EventStreamDecoder(), BedrockStreamParser()
        count = 0
        for raw in _Raw(body).stream():
            for message in decoder.feed(raw):
                count += parser.feed(message) is not None
        parser.finish()
        assert count

    return run


def botocore_stream(body: bytes) -> Callable[[], None]:
    model = boto3.session.Session().client("bedrock-runtime", region_name="us-east-1").meta
    shape = model.service_model.operation_model("ConverseStream").output_shape

    def run() -> None:
        parser = botocore.parsers.create_parser("rest-json")
        response = {
            "status_code": 200,
            "headers": {},
            "body": _Raw(body),
            "context": {"operation_name": "ConverseStream"},
        }
        events = list(parser.parse(response, shape)["stream"])
        assert events

    return run


def big_event(size: int, decoder: str) -> Callable[[], None]:
    body = encode_message({":event-type": "contentBlockDelta"}, b"x" * size)
    reads = [body[i : i + 100] for i in range(0, len(body), 100)]

    def ours() -> None:
        d = EventStreamDecoder()
        out = [m for raw in reads for m in d.feed(raw)]
        assert len(out) == 1

    def theirs() -> None:
        buffer = botocore.eventstream.EventStreamBuffer()
        out = []
        for raw in reads:
            buffer.add_data(raw)
            out.extend(buffer)
        assert len(out) == 1

    return ours if decoder == "chatplex" else theirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=HERE / "results_bedrock.json")
    args = parser.parse_args()
    calls = 20 if args.quick else 300
    deltas = 200 if args.quick else 2000
    size = 64 * 1024 if args.quick else 1024 * 1024
    repeat = 1 if args.quick else args.repeat
    body = stream_body(deltas)
    rows: list[dict[str, Any]] = []
    for name, fn, per, unit in [
        ("request", chatplex_requests(calls), calls, "call"),
        ("request (boto3)", boto3_requests(calls), calls, "call"),
        ("stream chunk", chatplex_stream(body), deltas, "delta"),
        ("stream chunk (botocore)", botocore_stream(body), deltas, "delta"),
        (f"big event {size // 1024} KiB", big_event(size, "chatplex"), 1, "event"),
        (f"big event {size // 1024} KiB (botocore)", big_event(size, "botocore"), 1, "event"),
    ]:
        fn()  # warm up: imports, caches
        seconds = cpu(fn, repeat)
        rows.append({"case": name, "cpu_us_per_unit": round(seconds / per * 1e6, 2), "unit": unit})
    width = max(len(r["case"]) for r in rows)
    for row in rows:
        print(f"{row['case']:<{width}}  {row['cpu_us_per_unit']:>12,.2f} us/{row['unit']}")
    result = {
        "quick": args.quick,
        "python": platform.python_version(),
        "boto3": boto3.__version__,
        "rows": rows,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
