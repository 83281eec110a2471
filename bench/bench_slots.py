"""Streams with many tool-call slots (issue 65): CPU per slot must not grow with the slots.

    python bench/bench_slots.py                  # N = 2,000 and 20,000, every wire and client
    python bench/bench_slots.py --quick          # tiny sizes, one worker per wire (smoke test)
    python bench/bench_slots.py --wires openai,responses --clients chatplex,dropin
    python bench/bench_slots.py --out PATH       # the JSON elsewhere (bench/results_slots.json)

A stream of N tool calls, each slot opened (its id and name) and given a fragment of
arguments, in the recorded shape of each wire that streams tool calls: OpenAI Chat
Completions, OpenAI Responses (one output item a slot: `output_index` 0..N-1), Anthropic
Messages, Bedrock Converse (AWS event-stream framing), Gemini (a whole `functionCall` an
event, as Gemini streams them), watsonx, Ollama (NDJSON, a whole call a line) and Cohere
v2. A server process on 127.0.0.1 (`--serve`, started here; its CPU is not counted) sends
the same bytes to every client.

Clients, each over the same bytes:

- `chatplex`: chatplex's own family, `init_chat_model(...).bind_tools([add]).stream(...)`;
- `dropin`: `chatplex.langchain.<Class>(...).bind_tools([add]).stream(...)`, LangChain's
  `BaseChatModel.stream` included: it merges every piece once at the end, for its run's
  `on_llm_end` (`chunks[0] + chunks[1:]`), which a drop-in's first piece does in one pass
  (`chatplex/langchain/linear_merge.py`), where langchain-core's own merge scans the
  merged list for each indexed piece (O(N^2): in the `partner` column);
- `dropin _stream`: the same drop-in's `_stream` (the pieces chatplex makes, before
  LangChain's `stream` sees them): chatplex's share of the drop-in column;
- `partner`, `partner _stream`: the partner package's class (langchain-openai,
  langchain-anthropic, langchain-aws, langchain-google-genai, langchain-ollama,
  langchain-cohere), where installed; watsonx has no partner column: langchain-ibm asks
  IBM Cloud for a token and its model list when built, and refuses a local http:// URL.

Each (wire, client, N) runs in a fresh worker process (`--quick`: all in one, N = 5 and
20, each client warmed up once, a model built once per wire, family and server, so the
warm-up's serves N = 5 too), after a warm-up stream of 5 slots (merged and checked:
every slot a tool call); CPU is
`time.process_time()` of consuming the whole stream, the median of `--repeat` runs.
Reported: µs per slot, and the ratio of the per-slot cost at the largest N to that at the
smallest (1.0: the total grows linearly; the ratio of the sizes, 10 for 2,000 -> 20,000:
quadratic). A worker that exceeds `--timeout` (wall seconds) is stopped and reported as such.
"""

from __future__ import annotations

import argparse
import functools
import gc
import http.server
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

WIRES = ("openai", "responses", "anthropic", "bedrock", "gemini", "watsonx", "ollama", "cohere")
CLIENTS = ("chatplex", "dropin", "dropin _stream", "partner", "partner _stream")
WARMUP = 5
MODELS = {
    "openai": "gpt-4o-mini",
    "responses": "gpt-4o-mini",
    "anthropic": "claude-sonnet-4-5",
    "bedrock": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    "gemini": "gemini-2.5-flash",
    "watsonx": "ibm/granite-3-8b-instruct",
    "ollama": "llama3.2",
    "cohere": "command-r-plus",
}
PARTNERS = {
    "openai": "langchain_openai",
    "responses": "langchain_openai",
    "anthropic": "langchain_anthropic",
    "bedrock": "langchain_aws",
    "gemini": "langchain_google_genai",
    "watsonx": "langchain_ibm",
    "ollama": "langchain_ollama",
    "cohere": "langchain_cohere",
}
AWS_KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "secret"}


# -- the bytes of each wire -------------------------------------------------------------


def _json(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"))


def _sse(data: Any, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {_json(data)}\n\n".encode()


def _args(k: int) -> str:
    return _json({"a": k, "b": 1})


def openai_body(n: int) -> bytes:
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1}
    head |= {"model": "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_1"}

    def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return _sse({**head, "choices": [choice]})

    out = [event({"role": "assistant", "content": None})]
    for k in range(n):
        function = {"name": "add", "arguments": ""}
        out.append(event({"tool_calls": [{"index": k, "id": f"call_{k}", "type": "function",
                                          "function": function}]}))  # fmt: skip
        out.append(event({"tool_calls": [{"index": k, "function": {"arguments": _args(k)}}]}))
    out.append(event({}, "tool_calls"))
    usage = {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": n + 10}
    out.append(_sse({**head, "choices": [], "usage": usage}))
    out.append(b"data: [DONE]\n\n")
    return b"".join(out)


def responses_body(n: int) -> bytes:
    response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "in_progress"}
    response |= {"model": "gpt-4o-mini-2024-07-18", "output": [], "usage": None}
    seq = iter(range(10 * n + 10))

    def event(kind: str, **fields: Any) -> bytes:
        return _sse({"type": kind, "sequence_number": next(seq), **fields}, kind)

    out = [event("response.created", response=response)]
    out.append(event("response.in_progress", response=response))
    items = []
    for k in range(n):
        item = {"type": "function_call", "id": f"fc_{k}", "call_id": f"call_{k}", "name": "add"}
        out.append(event("response.output_item.added", output_index=k,
                         item={**item, "arguments": "", "status": "in_progress"}))  # fmt: skip
        out.append(event("response.function_call_arguments.delta", item_id=f"fc_{k}",
                         output_index=k, delta=_args(k)))  # fmt: skip
        out.append(event("response.function_call_arguments.done", item_id=f"fc_{k}",
                         output_index=k, arguments=_args(k)))  # fmt: skip
        done = {**item, "arguments": _args(k), "status": "completed"}
        out.append(event("response.output_item.done", output_index=k, item=done))
        items.append(done)
    usage = {"input_tokens": 10, "input_tokens_details": {"cached_tokens": 0},
             "output_tokens": n, "output_tokens_details": {"reasoning_tokens": 0},
             "total_tokens": n + 10}  # fmt: skip
    final = {**response, "status": "completed", "output": items, "usage": usage}
    out.append(event("response.completed", response=final))
    return b"".join(out)


def anthropic_body(n: int) -> bytes:
    message = {"id": "msg_1", "type": "message", "role": "assistant", "model": MODELS["anthropic"]}
    message |= {"content": [], "stop_reason": None, "stop_sequence": None}
    message["usage"] = {"input_tokens": 10, "output_tokens": 1}

    def event(kind: str, **fields: Any) -> bytes:
        return _sse({"type": kind, **fields}, kind)

    out = [event("message_start", message=message)]
    for k in range(n):
        block = {"type": "tool_use", "id": f"toolu_{k}", "name": "add", "input": {}}
        out.append(event("content_block_start", index=k, content_block=block))
        delta = {"type": "input_json_delta", "partial_json": _args(k)}
        out.append(event("content_block_delta", index=k, delta=delta))
        out.append(event("content_block_stop", index=k))
    stop = {"stop_reason": "tool_use", "stop_sequence": None}
    out.append(event("message_delta", delta=stop, usage={"output_tokens": n}))
    out.append(event("message_stop"))
    return b"".join(out)


def bedrock_body(n: int) -> bytes:
    from chatplex.testing._mock_aws import encode_message

    def event(kind: str, payload: dict[str, Any]) -> bytes:
        headers = {":event-type": kind, ":content-type": "application/json"}
        return encode_message({**headers, ":message-type": "event"}, _json(payload).encode())

    out = [event("messageStart", {"role": "assistant"})]
    for k in range(n):
        start = {"toolUse": {"toolUseId": f"tooluse_{k}", "name": "add"}}
        out.append(event("contentBlockStart", {"contentBlockIndex": k, "start": start}))
        delta = {"toolUse": {"input": _args(k)}}
        out.append(event("contentBlockDelta", {"contentBlockIndex": k, "delta": delta}))
        out.append(event("contentBlockStop", {"contentBlockIndex": k}))
    out.append(event("messageStop", {"stopReason": "tool_use"}))
    usage = {"inputTokens": 10, "outputTokens": n, "totalTokens": n + 10}
    out.append(event("metadata", {"usage": usage, "metrics": {"latencyMs": 1}}))
    return b"".join(out)


def gemini_body(n: int) -> bytes:
    out = []
    for k in range(n):
        part = {"functionCall": {"name": "add", "args": {"a": k, "b": 1}}}
        candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}, "index": 0}
        if k == n - 1:
            candidate["finishReason"] = "STOP"
        usage = {"promptTokenCount": 10, "candidatesTokenCount": k + 1,
                 "totalTokenCount": k + 11}  # fmt: skip
        out.append(_sse({"candidates": [candidate], "usageMetadata": usage,
                         "modelVersion": MODELS["gemini"], "responseId": "r1"}))  # fmt: skip
    return b"".join(out).replace(b"\n\n", b"\r\n\r\n")


def watsonx_body(n: int) -> bytes:
    head = {"id": "chat-1", "object": "chat.completion.chunk", "model_id": MODELS["watsonx"]}
    head |= {"model": MODELS["watsonx"], "created": 1, "created_at": "2025-01-01T00:00:00.000Z"}
    count = iter(range(1, 2 * n + 10))

    def event(delta: dict[str, Any], finish: str | None = None, **more: Any) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        data = _json({**head, "choices": [choice], **more})
        return f"id: {next(count)}\nevent: message\ndata: {data}\n\n".encode()

    out = [event({"role": "assistant", "content": ""})]
    for k in range(n):
        function = {"name": "add", "arguments": ""}
        call = {"index": k, "id": f"chatcmpl-tool-{k}", "type": "function", "function": function}
        out.append(event({"tool_calls": [call]}))
        out.append(event({"tool_calls": [{"index": k, "function": {"arguments": _args(k)}}]}))
    usage = {"completion_tokens": n, "prompt_tokens": 10, "total_tokens": n + 10}
    out.append(event({}, "tool_calls", usage=usage))
    return b"".join(out)


def ollama_body(n: int) -> bytes:
    head = {"model": MODELS["ollama"], "created_at": "2025-07-07T20:22:19.184789Z"}
    out = []
    for k in range(n):
        call = {"function": {"name": "add", "arguments": {"a": k, "b": 1}}}
        message = {"role": "assistant", "content": "", "tool_calls": [call]}
        out.append(_json({**head, "message": message, "done": False}) + "\n")
    last = {**head, "message": {"role": "assistant", "content": ""}, "done_reason": "stop"}
    last |= {"done": True, "total_duration": 1, "load_duration": 1, "prompt_eval_count": 10}
    last |= {"prompt_eval_duration": 1, "eval_count": n, "eval_duration": 1}
    out.append(_json(last) + "\n")
    return "".join(out).encode()


def cohere_body(n: int) -> bytes:
    def event(kind: str, **fields: Any) -> bytes:
        return _sse({"type": kind, **fields}, kind)

    start = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}
    out = [event("message-start", id="m1", delta={"message": start})]
    for k in range(n):
        call = {"id": f"add_{k}", "type": "function", "function": {"name": "add", "arguments": ""}}
        out.append(event("tool-call-start", index=k, delta={"message": {"tool_calls": call}}))
        piece = {"tool_calls": {"function": {"arguments": _args(k)}}}
        out.append(event("tool-call-delta", index=k, delta={"message": piece}))
        out.append(event("tool-call-end", index=k))
    units = {"input_tokens": 10, "output_tokens": n}
    end = {"finish_reason": "TOOL_CALL", "usage": {"billed_units": units, "tokens": units}}
    out.append(event("message-end", delta=end))
    return b"".join(out)


BODIES: dict[str, tuple[Callable[[int], bytes], str]] = {
    "openai": (openai_body, "text/event-stream"),
    "responses": (responses_body, "text/event-stream"),
    "anthropic": (anthropic_body, "text/event-stream"),
    "bedrock": (bedrock_body, "application/vnd.amazon.eventstream"),
    "gemini": (gemini_body, "text/event-stream"),
    "watsonx": (watsonx_body, "text/event-stream"),
    "ollama": (ollama_body, "application/x-ndjson"),
    "cohere": (cohere_body, "text/event-stream"),
}


# -- the server process -----------------------------------------------------------------


def serve(wires: Sequence[str], sizes: Sequence[int]) -> None:
    """One HTTP server per wire and size, answering every request with that stream;
    prints {wire: {size: port}} as JSON, then serves until stdin closes."""
    ports: dict[str, dict[int, int]] = {}
    for wire in wires:
        make, content_type = BODIES[wire]
        for n in sizes:
            server = http.server.ThreadingHTTPServer(
                ("127.0.0.1", 0), _handler(make(n), content_type)
            )
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            ports.setdefault(wire, {})[n] = server.server_address[1]
    print(json.dumps(ports), flush=True)
    sys.stdin.read()  # until the bench closes it


def _handler(body: bytes, content_type: str) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-type", content_type)
            self.send_header("transfer-encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 16384):
                piece = body[start : start + 16384]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        do_GET = do_POST

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


# -- the clients -------------------------------------------------------------------------


def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


# Cached: a worker that streams one (wire, client) from one server twice builds its model
# once (`--quick`'s; a fresh worker per case builds each once anyway). langchain-aws's
# takes ~0.4 s (boto3 clients), the partner and `_stream` columns the same model.
@functools.cache
def chatplex_model(wire: str, url: str) -> Any:
    from chatplex import init_chat_model

    model = MODELS[wire]
    settings: dict[str, Any] = {
        "openai": {"model": f"openai:{model}", "base_url": url + "/v1", "api_key": "k"},
        "responses": {
            "model": f"openai:{model}",
            "base_url": url + "/v1",
            "api_key": "k",
            "use_responses_api": True,
        },  # fmt: skip
        "anthropic": {"model": f"anthropic:{model}", "base_url": url, "api_key": "k"},
        "bedrock": {
            "model": f"bedrock_converse:{model}",
            "endpoint_url": url,
            "region_name": "us-east-1",
            **AWS_KEYS,
        },  # fmt: skip
        "gemini": {"model": f"google_genai:{model}", "base_url": url, "api_key": "k"},
        "watsonx": {"model": f"ibm:{model}", "url": url, "token": "t", "project_id": "p"},
        "ollama": {"model": f"ollama:{model}", "base_url": url},
        "cohere": {"model": f"cohere:{model}", "base_url": url, "api_key": "k"},
    }[wire]
    return init_chat_model(**settings).bind_tools([add])


def langchain_settings(wire: str, url: str) -> dict[str, Any]:
    model = MODELS[wire]
    return {
        "openai": {"model": model, "base_url": url + "/v1", "api_key": "k"},
        "responses": {
            "model": model,
            "base_url": url + "/v1",
            "api_key": "k",
            "use_responses_api": True,
        },  # fmt: skip
        "anthropic": {"model": model, "base_url": url, "api_key": "k"},
        "bedrock": {"model": model, "endpoint_url": url, "region_name": "us-east-1", **AWS_KEYS},
        "gemini": {"model": model, "base_url": url, "google_api_key": "k"},
        "watsonx": {"model_id": model, "url": url, "token": "t", "project_id": "p"},
        "ollama": {"model": model, "base_url": url},
        "cohere": {"model": model, "base_url": url, "cohere_api_key": "k"},
    }[wire]


CLASS_NAMES = {
    "openai": "ChatOpenAI",
    "responses": "ChatOpenAI",
    "anthropic": "ChatAnthropic",
    "bedrock": "ChatBedrockConverse",
    "gemini": "ChatGoogleGenerativeAI",
    "watsonx": "ChatWatsonx",
    "ollama": "ChatOllama",
    "cohere": "ChatCohere",
}


@functools.cache
def langchain_model(wire: str, url: str, partner: bool) -> Any:
    import importlib

    module = importlib.import_module(PARTNERS[wire] if partner else "chatplex.langchain")
    cls = getattr(module, CLASS_NAMES[wire])
    return cls(**langchain_settings(wire, url)).bind_tools([add])


#: Partners that cannot stream from the local server, and why.
UNRUNNABLE = {"watsonx": "langchain_ibm (asks IBM Cloud when built; refuses http://)"}


def partner_missing(wire: str) -> str | None:
    """Why the partner column of `wire` cannot run here (not installed...), else None."""
    import importlib.util

    if wire in UNRUNNABLE:
        return UNRUNNABLE[wire]
    return None if importlib.util.find_spec(PARTNERS[wire]) is not None else PARTNERS[wire]


def stream_of(wire: str, client: str, url: str) -> Callable[[], Iterator[Any]]:
    """A function that starts one stream through `client`: its messages (chunks, or
    LangChain's generation chunks for `_stream`)."""
    prompt = "Add many numbers."
    if client == "chatplex":
        model = chatplex_model(wire, url)
        return lambda: model.stream(prompt)
    bound = langchain_model(wire, url, partner=client.startswith("partner"))
    if not client.endswith("_stream"):
        return lambda: bound.stream(prompt)
    from langchain_core.messages import HumanMessage

    inner, kwargs = bound.bound, bound.kwargs
    return lambda: (piece.message for piece in inner._stream([HumanMessage(prompt)], **kwargs))


def consumer(wire: str, client: str, url: str) -> Callable[[], int]:
    """A function that streams once through `client` and gives the chunks consumed."""
    start = stream_of(wire, client, url)
    return lambda: sum(1 for _ in start())


def check(wire: str, client: str, url: str) -> None:
    """The warm-up stream, merged: every slot is a tool call (else the bench measures a
    client that misread the bytes)."""
    chunks = list(stream_of(wire, client, url)())
    if client == "chatplex":
        from chatplex.messages import merge_chunks

        merged = merge_chunks(chunks)
    else:
        merged = chunks[0] + chunks[1:]
    calls = merged.tool_calls
    if client.startswith("partner"):
        # (langchain-cohere gives each piece a new random id: its merged calls split apart)
        wrong = len(calls) < WARMUP
    else:
        wrong = len(calls) != WARMUP
        wrong = wrong or any(c["args"] != {"a": k, "b": 1} for k, c in enumerate(calls))
    if wrong:
        raise AssertionError(f"{wire} {client}: {calls} {merged.invalid_tool_calls}")


def cpu_of(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, chunks = [], 0
    for _ in range(repeat):
        start = time.process_time()
        chunks = run()
        times.append(time.process_time() - start)
    return statistics.median(times), chunks


Case = tuple[str, str, int]  # (wire, client, slots)
Ports = dict[str, dict[int, int]]  # wire -> slots -> port


def url(ports: Ports, wire: str, n: int) -> str:
    return f"http://127.0.0.1:{ports[wire][n]}"


def worker(cases: Sequence[Case], ports: Ports, repeat: int) -> None:
    """Each case measured in this process; one JSON line per case on stdout."""
    import warnings

    warnings.simplefilter("ignore")
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    checked = set()
    for wire, client, n in cases:
        if (wire, client) not in checked:  # once per client in a worker (`--quick`: all)
            check(wire, client, url(ports, wire, WARMUP))  # and imports, pools, caches
            checked.add((wire, client))
        seconds, chunks = cpu_of(consumer(wire, client, url(ports, wire, n)), repeat)
        row = {"wire": wire, "client": client, "slots": n, "cpu_s": seconds, "chunks": chunks}
        print(json.dumps(row), flush=True)


# -- the orchestration ------------------------------------------------------------------


def started_server(
    wires: Sequence[str], sizes: Sequence[int]
) -> tuple[subprocess.Popen[str], Ports]:
    command = [sys.executable, __file__, "--serve", ",".join(wires)]
    command += ["--sizes", ",".join(str(n) for n in sorted({WARMUP, *sizes}))]
    server = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    assert server.stdout is not None
    ports = {
        w: {int(n): p for n, p in by.items()}
        for w, by in json.loads(server.stdout.readline()).items()
    }
    return server, ports


def run_worker(
    cases: Sequence[Case], ports: Ports, repeat: int, timeout: float, quick: bool = False
) -> Iterator[dict[str, Any]]:
    """The rows of `cases`, measured in a fresh process (a row without `cpu_s` for each
    case it did not finish: its timeout or its error)."""
    spec = json.dumps({"cases": cases, "ports": ports, "repeat": repeat, "quick": quick})
    command = [sys.executable, __file__, "--worker", "--spec", spec]
    ended: dict[str, Any]
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False
        )
        out = done.stdout
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
        ended = {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    except subprocess.TimeoutExpired as expired:  # subprocess.run kills the worker
        raw = expired.stdout or ""
        out = raw if isinstance(raw, str) else raw.decode()
        ended = {"timeout_s": timeout}
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    yield from rows
    for wire, client, n in cases[len(rows) :]:
        yield {"wire": wire, "client": client, "slots": n, "cpu_s": None, **ended}


def measure(
    wires: Sequence[str],
    clients: Sequence[str],
    sizes: Sequence[int],
    repeat: int,
    timeout: float,
    one_worker: bool,
) -> list[dict[str, Any]]:
    """Every (wire, client, size) row: each case in a fresh worker (`one_worker`: all in
    one), one server process for all."""
    rows: list[dict[str, Any]] = []
    cases: list[Case] = []
    for wire in wires:
        for client in clients:
            missing = partner_missing(wire) if client.startswith("partner") else None
            if missing is not None:
                rows += [{"wire": wire, "client": client, "slots": n, "cpu_s": None,
                          "missing": missing} for n in sizes]  # fmt: skip
            else:
                cases += [(wire, client, n) for n in sizes]
    server, ports = started_server(wires, sizes)
    try:
        groups = [cases] if one_worker else [[case] for case in cases]
        for group in groups:
            for row in run_worker(group, ports, repeat, timeout * len(group), one_worker):
                rows.append(row)
                print(f"  {describe(row)}", file=sys.stderr, flush=True)
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(10)
    return rows


def describe(row: dict[str, Any]) -> str:
    what = f"{row['wire']} {row['client']} N={row['slots']}"
    if row.get("cpu_s") is not None:
        return f"{what}: {row['cpu_s']:.2f} s"
    return f"{what}: " + str(row.get("missing") or row.get("error") or "timeout")


def cell(row: dict[str, Any] | None) -> str:
    if row is None:
        return "–"
    if row.get("cpu_s") is not None:
        return f"{row['cpu_s'] * 1e6 / row['slots']:,.1f}"
    if row.get("missing"):
        return "cannot run here" if row["missing"] in UNRUNNABLE.values() else "not installed"
    if row.get("timeout_s"):
        return f"> {row['timeout_s']:.0f} s"
    return "failed"


def ratios(rows: list[dict[str, Any]], sizes: Sequence[int]) -> list[dict[str, Any]]:
    small, large = min(sizes), max(sizes)
    out = []
    for wire in [w for w in WIRES if any(r["wire"] == w for r in rows)]:
        for client in CLIENTS:
            pair = {r["slots"]: r for r in rows if (r["wire"], r["client"]) == (wire, client)}
            a, b = pair.get(small), pair.get(large)
            if not (a and b and a.get("cpu_s") and b.get("cpu_s") is not None):
                continue
            ratio = (b["cpu_s"] / large) / (a["cpu_s"] / small)
            out.append({"wire": wire, "client": client, "ratio": ratio})
    return out


def print_table(rows: list[dict[str, Any]], sizes: Sequence[int]) -> list[dict[str, Any]]:
    small, large = min(sizes), max(sizes)
    found = ratios(rows, sizes)
    by_ratio = {(r["wire"], r["client"]): r["ratio"] for r in found}
    print(f"\nCPU µs per slot at N = {small:,} / {large:,}, and the per-slot ratio "
          f"{large:,}/{small:,} (1.0: linear; {large / small:.0f}: quadratic)\n")  # fmt: skip
    print("| wire | " + " | ".join(CLIENTS) + " |")
    print("|---|" + "---:|" * len(CLIENTS))
    for wire in [w for w in WIRES if any(r["wire"] == w for r in rows)]:
        cells = []
        for client in CLIENTS:
            hit = {r["slots"]: r for r in rows if (r["wire"], r["client"]) == (wire, client)}
            if not hit:
                cells.append("–")
                continue
            ratio = by_ratio.get((wire, client))
            tail = f" ({ratio:.1f}x)" if ratio is not None else ""
            cells.append(f"{cell(hit.get(small))} / {cell(hit.get(large))}{tail}")
        print(f"| {wire} | " + " | ".join(cells) + " |")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--wires", default=",".join(WIRES))
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--sizes", default="2000,20000")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per measurement")
    parser.add_argument("--out", type=Path, default=HERE / "results_slots.json")
    parser.add_argument("--serve", metavar="WIRES", help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--spec", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.sizes.split(",")]
    if args.serve:
        serve(args.serve.split(","), sizes)
        return 0
    if args.worker:
        spec = json.loads(args.spec)
        ports = {w: {int(n): p for n, p in by.items()} for w, by in spec["ports"].items()}
        if spec["quick"]:
            # The harness, not the numbers: most of the quick worker's time is importing
            # every partner package, and its automatic collections walked what they had
            # made again and again (~2 of its ~9 s of CPU). A measuring worker keeps them.
            gc.disable()
        worker([tuple(c) for c in spec["cases"]], ports, spec["repeat"])
        if spec["quick"]:
            gc.freeze()  # nor does the interpreter's teardown walk them (~1 s)
        return 0
    if args.quick:
        sizes, args.repeat = [WARMUP, 20], 1
    wires = [w for w in args.wires.split(",") if w]
    clients = [c for c in CLIENTS if c in args.clients.split(",")]
    started = time.time()
    rows = measure(wires, clients, sizes, args.repeat, args.timeout, one_worker=args.quick)
    found = print_table(rows, sizes)
    result = {
        "command": " ".join(
            ["python bench/bench_slots.py", *(sys.argv[1:] if argv is None else argv)]
        ),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "when": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started)),
        "sizes": sizes,
        "repeat": args.repeat,
        "rows": rows,
        "ratios": found,
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
