"""The summary printed at the end of every bulk run (and returned by `run` / `arun`)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from .stats import ModelTotals
from .stats import RunStats

__all__ = ["RunSummary"]


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one run did. `skipped`: rows already in the output, `failed_before` of them
    error rows left there by earlier runs (not sent again: see `records`); `requests`:
    HTTP attempts answered (retries included, cache hits not); `cancelled`: rows cut off
    in flight by a second Ctrl-C (their requests may have reached the provider, and are
    not in `requests`; the next run sends them again); `cost` None when nothing was
    priced; `stop_reason` None when every row was taken; `fault` "setup" or "output"
    when the run's setup, not its rows, stopped it (see `runner`); `redone`: rows done
    before whose input changed, dropped from the output to be asked again
    (`redo_changed`)."""

    output: Path
    total: int | None
    skipped: int
    succeeded: int
    failed: int
    cached: int
    requests: int
    input_tokens: int
    output_tokens: int
    cost: float | None
    wall_s: float
    stop_reason: str | None
    by_model: dict[str, ModelTotals] = field(default_factory=dict)
    stats: RunStats | None = field(default=None, repr=False, compare=False)
    fault: str | None = None
    failed_before: int = 0
    cancelled: int = 0
    redone: int = 0

    @classmethod
    def from_stats(
        cls,
        stats: RunStats,
        *,
        output: Path,
        stop_reason: str | None,
        fault: str | None = None,
        failed_before: int = 0,
        redone: int = 0,
    ) -> RunSummary:
        return cls(
            output=output,
            total=stats.total,
            skipped=stats.skipped,
            succeeded=stats.succeeded,
            failed=stats.failed,
            cached=stats.cached,
            requests=stats.requests,
            input_tokens=stats.input_tokens,
            output_tokens=stats.output_tokens,
            cost=stats.cost,
            wall_s=stats.elapsed(),
            stop_reason=stop_reason,
            by_model=dict(stats.by_model),
            stats=stats,
            fault=fault,
            failed_before=failed_before,
            cancelled=stats.cancelled,
            redone=redone,
        )

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.wall_s if self.wall_s > 0 else 0.0

    @property
    def complete(self) -> bool:
        """Every input row has a line in the output (successes and errors)."""
        return self.total is not None and self.skipped + self.succeeded + self.failed == self.total

    def format(self) -> str:
        cost = "unknown (no price)" if self.cost is None else f"${self.cost:.6f}"
        if self.cost is None and not self.requests:
            cost = "$0 (nothing sent)"  # a resume with every row done: no price to miss
        status = "complete" if self.stop_reason is None else f"stopped: {self.stop_reason}"
        lines = [
            f"chatplex run: {status} -> {self.output}",
            f"  rows      {self.succeeded} done, {self.failed} failed, {self.cached} cached, "
            f"{self.skipped} already in the output"
            + (f" ({self.failed_before} of them errors)" if self.failed_before else "")
            + (f" (of {self.total})" if self.total is not None else ""),
            f"  requests  {self.requests} ({self.requests_per_s:.1f}/s)",
            f"  tokens    {self.input_tokens} in, {self.output_tokens} out",
            f"  cost      {cost}",
            f"  wall time {self.wall_s:.2f}s",
        ]
        if len(self.by_model) > 1 or any(t.cost is not None for t in self.by_model.values()):
            for name, totals in sorted(self.by_model.items()):
                model_cost = "?" if totals.cost is None else f"${totals.cost:.6f}"
                lines.append(
                    f"  model     {name}: {totals.rows} rows, "
                    f"{totals.input_tokens + totals.output_tokens} tokens, {model_cost}"
                )
        if self.redone:
            lines.append(
                f"  {self.redone} rows whose input changed were taken out of the output "
                "to be asked again"
            )
        if self.cancelled:
            lines.append(
                f"  {self.cancelled} rows cancelled in flight: their requests may have "
                "reached the provider (not counted above)"
            )
        if self.stop_reason is not None:
            lines.append("  run the same command again to carry on where it stopped")
        if self.failed:
            lines.append(
                f"  {self.failed} rows failed: a plain rerun sends again those whose error "
                'kind is "transient" or "setup"; --retry-failed re-sends them all'
            )
        elif self.failed_before:
            lines.append(
                f"  {self.failed_before} error rows from earlier runs stay in the output: "
                "--retry-failed sends them again"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format()
