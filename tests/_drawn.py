"""Values drawn per run (ids, addresses) masked in what a test compares: every string in
nested dicts and lists with each match of a pattern replaced."""

from __future__ import annotations

import re
from typing import Any


def masked_matches(value: Any, drawn: re.Pattern[str], shown: str) -> Any:
    """`value` with each match of `drawn` in its strings shown as `shown`."""
    if isinstance(value, str):
        return drawn.sub(shown, value)
    if isinstance(value, dict):
        return {k: masked_matches(v, drawn, shown) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_matches(v, drawn, shown) for v in value]
    return value
