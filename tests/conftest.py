"""Suite-wide fixtures: the local Ray cluster of the tests marked `ray`.

Ray is imported only when a test asks for the cluster, so the rest of the suite never
imports it; without the `ray` extra those tests are skipped, saying why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RAY_MISSING = "needs Ray: pip install 'chatplex[ray]' (make test installs it)"


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A local Ray cluster on 127.0.0.1 (4 logical CPUs on this 2-core machine), started
    once for the session; its workers import the tests' helpers (tests/ray)."""
    ray = pytest.importorskip("ray", reason=RAY_MISSING)
    helpers = str(Path(__file__).parent / "ray")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (helpers, os.environ.get("PYTHONPATH")) if p
    )
    # Machine budgets of the workers go to this session's own directory.
    os.environ["CHATPLEX_BUDGET_DIR"] = str(tmp_path_factory.mktemp("budgets"))
    ray.init(
        address="local",
        num_cpus=4,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    yield ray
    ray.shutdown()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Under pytest-xdist (--dist loadgroup) the Ray tests share one worker, so one local
    # cluster is started, not one per worker.
    for item in items:
        if item.get_closest_marker("ray"):
            item.add_marker(pytest.mark.xdist_group("ray"))
