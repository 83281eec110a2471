"""The cluster budget on a real local Ray cluster (marked `ray`): 4 actors share one
budget against a server enforcing it. Small: bench/bench_scale.py has the figures."""

from __future__ import annotations

import time
from typing import Any

import pytest

from chatplex.testing.limited_server import LimitedServer

pytestmark = pytest.mark.ray


def budget_actors(ray: Any) -> list[str]:
    named = ray.util.list_named_actors(all_namespaces=True)
    return [a["name"] for a in named if a["name"].startswith("chatplex-budget-")]


def test_four_actors_share_one_budget(ray_cluster: Any) -> None:
    from _scalekit import REQUEST_TOKENS
    from _scalekit import StartLine
    from _scalekit import drive

    from chatplex.http._budget_ray import NAMESPACE

    ray = ray_cluster
    remote_drive = ray.remote(num_cpus=0.5)(drive)  # all four at once on 2 CPUs
    rpm = 1200.0
    limit = {"requests_per_minute": rpm, "tokens_per_minute": rpm * REQUEST_TOKENS}
    limit["scope"] = "cluster"
    before = set(budget_actors(ray))
    server = LimitedServer(requests_per_minute=rpm, tokens_per_minute=rpm * REQUEST_TOKENS)
    with server as srv, StartLine(4) as line:
        # The four send for 3 s from when the last of them is up (a worker's cold start
        # takes ~1 s idle, several loaded), not from a time fixed in advance.
        refs = [
            remote_drive.remote(srv.base_url, limit, 0.0, 3.0, 4, w, ready=line.waiter())
            for w in range(4)
        ]
        results = ray.get(refs, timeout=120)
        stats = srv.stats
    assert sum(r["failed"] for r in results) == 0
    assert stats.limited / stats.requests < 0.01, stats
    # Every actor was served from the shared budget (none starved). How close the four get
    # to the limit depends on the machine's speed: bench/bench_scale.py measures that
    # (>= 95 %), a test on a loaded CI host cannot (it saw 59 % with a core pegged).
    assert all(r["ok"] > 0 for r in results), results
    # One named actor kept the numbers and granted one permit per request sent; its
    # name is a digest, not the key.
    budgets = [name for name in budget_actors(ray) if name not in before]
    assert len(budgets) == 1 and "sk-" not in budgets[0]
    actor = ray.get_actor(budgets[0], namespace=NAMESPACE)
    granted = ray.get(actor.stats.remote())["granted"]
    assert granted == stats.requests
    ray.kill(actor)  # detached: it would outlive the test


def test_a_sync_caller_acquires_in_one_call(ray_cluster: Any) -> None:
    from chatplex.http import RateLimit
    from chatplex.http import get_budget
    from chatplex.http._budget_ray import ClusterBudget
    from chatplex.http._budget_ray import drop_cluster_budget

    key = ("openai", "http://127.0.0.1:9/v1", "", f"sync-{time.time()}")
    budget = get_budget(key, RateLimit(requests_per_minute=6000, scope="cluster"))
    assert isinstance(budget, ClusterBudget)
    for _ in range(3):
        budget.acquire(10, deadline=time.monotonic() + 30).release(used_tokens=10, status=200)
    stats = budget.stats()
    give_up = time.monotonic() + 30
    while stats["in_flight"] and time.monotonic() < give_up:  # releases are not awaited
        time.sleep(0.05)
        stats = budget.stats()
    assert (stats["granted"], stats["in_flight"]) == (3, 0)
    assert drop_cluster_budget(key) and not drop_cluster_budget(key)
