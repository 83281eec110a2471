"""Where the traced own chain's CPU goes: the calls' thread, and the LangSmith sender's
preparing (records written as multipart parts) per kind of run.

    python bench/profile_traced.py              # ~2 s
    python bench/profile_traced.py --n 4000

The mock server runs in another process (its CPU is not counted). The chain's runs are
collected as the tracer queues them (the sender's thread never starts), then written as
the sender writes them (`LangSmithTracer._prepare`: `records.as_wire` per run and
`LangSmithSender.prepare` per 64 runs), timed per run kind with `time.thread_time`, in the
batches the tracer uses, so the records are as warm as the sender finds them. No post is
made: `bench/bench_tracing.py` measures the whole (fresh processes, the sender thread,
the fake endpoint); this tells which part of the preparing to look at.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.append(str(HERE))  # (after the standard library: this folder has a profile.py)

import bench_tracing  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="chains run")
    args = parser.parse_args()
    mock = bench_tracing.Process(bench_tracing._serve_mock, 0.0)
    try:
        os.environ.update(
            LANGSMITH_TRACING="true",
            LANGSMITH_ENDPOINT="http://127.0.0.1:9",  # never posted to
            LANGSMITH_API_KEY="lsv2-fake-bench-key",
            LANGSMITH_PROJECT="bench",
        )
        import chatplex
        from chatplex.core.tracers import tracers
        from chatplex.tracing.records import as_wire

        model = chatplex.init_chat_model(
            "openai:gpt-4o-mini", base_url=mock.url + "/v1", api_key="sk-bench"
        )
        prompt = chatplex.ChatPromptTemplate.from_messages([("system", "brief"), ("human", "{q}")])
        chain = prompt | model | chatplex.StrOutputParser()
        tracer = tracers()[0]  # made by `import chatplex` (LANGSMITH_TRACING was set)
        queued: list[object] = []
        tracer._batcher.put = queued.append  # type: ignore[method-assign]
        for _ in range(50):  # warm-up
            chain.invoke({"q": "hello"})
        caller = time.thread_time()
        for _ in range(args.n):
            chain.invoke({"q": "hello"})
        caller = time.thread_time() - caller
        runs = queued[-4 * args.n :]
        spent: dict[str, float] = defaultdict(float)
        clock = time.thread_time
        written = 0
        for start in range(0, len(runs), 64):
            wires = []
            for run in runs[start : start + 64]:
                began = clock()
                wires.append(as_wire(run, "bench"))
                spent[str(getattr(run, "name", "?"))] += clock() - began
            began = clock()
            written += len(tracer.sender.prepare(wires))  # type: ignore[union-attr]
            spent["multipart parts (sender.prepare)"] += clock() - began
    finally:
        mock.close()
    per = 1e6 / args.n
    print(f"calls' thread, tracing on: {caller * per:.0f} us a chain (the untraced: bench_tracing)")
    print(f"preparing, {written / args.n:.0f} bytes a chain:")
    for name, seconds in spent.items():
        print(f"  {name}: {seconds * per:.1f} us")
    print(f"  total: {sum(spent.values()) * per:.1f} us a chain")
    return 0


if __name__ == "__main__":
    sys.exit(main())
