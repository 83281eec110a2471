"""The suite's tally, shared by the test module and conftest's summary line."""

from __future__ import annotations

from collections import Counter

RESULTS: Counter[str] = Counter()
