"""Batch APIs at full size against the mock server: 120,000 inputs per provider.

For each provider, in separate processes:
  1. a mock server process (`MockServer`: batch jobs "take" --job-seconds; injected
     errored and expired rows, each custom_id failing once);
  2. a submitting process: `model.submit_batch(120,000 inputs)`, prints the handle path,
     then is SIGKILLed while its jobs still run;
  3. this process: `chatplex.batches.load(handle)`, `wait()`, `iter_results()` (checked: every
     row, in input order, streamed), then `retry_failed()` until every row succeeded.

    python bench/bench_batches.py                 # 120,000 per provider (~2-4 min)
    python bench/bench_batches.py --rows 12000    # quicker
Prints a markdown table and writes bench/results_batches.json (with timings and RSS).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import chatplex
from chatplex import init_chat_model
from chatplex.batches import load
from chatplex.errors import APIError
from chatplex.providers.anthropic.batch import LIMITS as ANTHROPIC_LIMITS
from chatplex.providers.openai.batch import LIMITS as OPENAI_LIMITS

HERE = Path(__file__).resolve().parent
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest"}
LIMITS = {"openai": OPENAI_LIMITS, "anthropic": ANTHROPIC_LIMITS}

SERVER = """
import sys, time
from chatplex.testing import MockServer
with MockServer() as server:
    print(server.url, flush=True)
    sys.stdin.read()  # until the parent closes our stdin
"""

SUBMITTER = """
import sys, time
from chatplex import init_chat_model
provider, base, model_name, rows, folder, errored, expired, seconds = sys.argv[1:9]
model = init_chat_model(f"{provider}:{model_name}", base_url=base, api_key="sk-bench",
                        extra_headers={"x-mock-batch-seconds": seconds,
                                       "x-mock-batch-errored": errored,
                                       "x-mock-batch-expired": expired})
start = time.perf_counter()
job = model.submit_batch([f"row {i}" for i in range(int(rows))])
import os
os.environ  # the handle dir comes from CHATPLEX_BATCH_DIR
print(job.path, len(job.ids), round(time.perf_counter() - start, 3), flush=True)
time.sleep(3600)  # SIGKILLed here
"""


def _run(provider: str, rows: int, folder: Path, args: argparse.Namespace) -> dict[str, Any]:
    env = {**os.environ, "CHATPLEX_BATCH_DIR": str(folder)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        base = url + "/v1" if provider == "openai" else url
        argv = [provider, base, MODELS[provider], str(rows), str(folder)]
        argv += [str(args.errored), str(args.expired), str(args.job_seconds)]
        with subprocess.Popen(
            [sys.executable, "-c", SUBMITTER, *argv], stdout=subprocess.PIPE, text=True, env=env
        ) as child:
            assert child.stdout is not None
            path, jobs, submit_s = child.stdout.readline().split()
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        killed = child.returncode == -signal.SIGKILL
        model = init_chat_model(f"{provider}:{MODELS[provider]}", base_url=base, api_key="sk-bench")
        start = time.perf_counter()
        job = load(path, model=model)
        job.wait(poll_interval=0.5, timeout=600, progress=False)
        waited = time.perf_counter() - start
        start = time.perf_counter()
        failed, in_order = check(job.iter_results(), rows)  # streamed, never all held
        collect_s = time.perf_counter() - start
        first_failed, first_in_order, first_status = failed, in_order, job.status()
        rounds, retry_s = 0, 0.0
        while failed and rounds < 5:
            rounds += 1
            start = time.perf_counter()
            job.retry_failed()
            job.wait(poll_interval=0.5, timeout=600, progress=False)
            failed, in_order = check(job.iter_results(), rows)
            retry_s += time.perf_counter() - start
        final = job.status()
        all_ok = failed == 0 and in_order
        return {
            "provider": provider,
            "rows": rows,
            "jobs": int(jobs),
            "expected_jobs": -(-rows // LIMITS[provider].max_requests),
            "submit_s": float(submit_s),
            "submitter_killed": killed,
            "wait_s": round(waited, 2),
            "collect_s": round(collect_s, 2),
            "failed_first": first_failed,
            "errored_first": first_status.errored,
            "expired_first": first_status.expired,
            "in_order": first_in_order,
            "retry_rounds": rounds,
            "retry_s": round(retry_s, 2),
            "jobs_total": len(job.ids),
            "all_succeeded": all_ok and final.succeeded == rows,
        }
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=60)


def check(results: Iterator[Any], rows: int) -> tuple[int, bool]:
    """(failed rows, whether every reply is its own row's answer, in input order)."""
    failed, count, in_order = 0, 0, True
    for index, row in enumerate(results):
        count += 1
        if isinstance(row, APIError):
            failed += 1
        elif row.text != f"Echo: row {index}":
            in_order = False
    return failed, in_order and count == rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=120_000)
    parser.add_argument("--errored", type=float, default=0.01)
    parser.add_argument("--expired", type=float, default=0.005)
    parser.add_argument("--job-seconds", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=HERE / "results_batches.json")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/chatplex-bench-batches"))
    args = parser.parse_args()
    runs = []
    for provider in ("openai", "anthropic"):
        folder = args.dir / f"{provider}-{int(time.time())}"
        runs.append(_run(provider, args.rows, folder, args))
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\n{args.rows:,} inputs per provider; injected: {args.errored:.1%} errored, "
        f"{args.expired:.1%} expired; a job takes {args.job_seconds:g} s on the mock\n"
    )
    cols = [
        "provider",
        "jobs",
        "submit_s",
        "submitter_killed",
        "wait_s",
        "collect_s",
        "failed_first",
        "in_order",
        "retry_rounds",
        "retry_s",
        "all_succeeded",
    ]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for run in runs:
        print("| " + " | ".join(str(run[c]) for c in cols) + " |")
    print(f"\ncollecting process peak RSS: {rss_mb:.0f} MiB")
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "chatplex": chatplex.__version__,
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} cores, {platform.system()} {platform.release()}",
        "settings": {k: str(v) for k, v in vars(args).items()},
        "collector_peak_rss_mib": round(rss_mb),
        "runs": runs,
    }
    args.out.write_text(json.dumps(report, indent=1) + "\n")
    ok = all(r["all_succeeded"] and r["in_order"] and r["jobs"] == r["expected_jobs"] for r in runs)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
