"""`make demo` runs examples/quickstart.py: it must keep working over HTTP with no key."""

from __future__ import annotations

from ._scripts import SideBySide
from .conftest import SCRIPTS_GROUP

pytestmark = SCRIPTS_GROUP  # the script runs side by side with the folder's others


def test_quickstart_runs_every_step_on_both_wire_protocols(scripts: SideBySide) -> None:
    done = scripts.result("quickstart")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "embedded mock server on http://127.0.0.1:" in out
    for wire in ("OpenAI Chat Completions wire", "Anthropic Messages wire"):
        section = out.split(f"== {wire}")[1].split("\n== ")[0]
        assert "invoke      -> 'Echo: Say hello to a new chatplex user.'" in section
        assert section.count("Echo: Write candidate #") == 5
        # Streamed pieces arrive one by one, each with its own elapsed time.
        streamed = [line for line in section.splitlines() if line.strip().startswith("+")]
        assert len(streamed) >= 5
        assert "abatch x20  ->" in section
