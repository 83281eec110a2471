"""bench/path_of_a_setting.py traces a call-time max_tokens to the request in each family."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._script_module import script_module

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "path_of_a_setting.py"


def _bench() -> object:
    return script_module("bench_path_of_a_setting", SCRIPT)


@pytest.mark.parametrize("family", ["chatplex", "langchain"])
def test_the_value_is_traced_to_the_request(family: str) -> None:
    path = _bench().trace(family)  # type: ignore[attr-defined]
    assert path[-1].startswith("chatplex.http") or "chatplex.http._request" in path
    langchain_seen = any(m.startswith("chatplex.langchain") for m in path)
    assert langchain_seen is (family == "langchain")
