"""The suite's tally, shared by the test module and conftest's summary line."""

from __future__ import annotations

#: Each case's verdict ("same", "deliberate", or "different" where it failed), by its
#: name: a case run again (live, after failing with LangChain's side replayed) is counted
#: once.
RESULTS: dict[str, str] = {}
