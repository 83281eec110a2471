"""bench/bench_slots.py runs end to end (tiny sizes, one worker) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_slots_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_slots.py", tmp_path, timeout=600)
    assert "| openai |" in stdout and "| watsonx |" in stdout
    wires = {r["wire"] for r in result["rows"]}
    assert wires == {"openai", "responses", "anthropic", "bedrock", "gemini", "watsonx",
                     "ollama", "cohere"}  # fmt: skip
    # Every chatplex column measured on every wire; a partner measured or named missing.
    for row in result["rows"]:
        if row["client"].startswith("partner"):
            assert row["cpu_s"] is not None or row.get("missing"), row
        else:
            assert row["cpu_s"] is not None and row["chunks"] > row["slots"] // 2, row
    assert {r["client"] for r in result["ratios"]} >= {"chatplex", "dropin", "dropin _stream"}
