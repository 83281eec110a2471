"""Answers fed to a `Pace` by hand (test helper): the pace policy's own tests drive it
without a budget, a clock or a server."""

from __future__ import annotations

from chatplex.http._learn import Announced
from chatplex.http._pace import Pace

EMPTY = Announced(requests_remaining=0.0)  # a 429 telling that nothing is left


def feed(pace: Pace, now: float, status: int, n: int, gap: float, in_flight: int = 0) -> float:
    """`n` answers `gap` s apart, each admitted just before; returns the time after."""
    for _ in range(n):
        pace.answered(status, now - 1e-6, None, now=now, in_flight=in_flight)
        now += gap
    return now
