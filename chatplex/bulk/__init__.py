"""Bulk runs: thousands to millions of rows through a model, resumable, with progress.

>>> from chatplex import bulk, init_chat_model                      # doctest: +SKIP
>>> summary = bulk.run(init_chat_model("openai:gpt-4o-mini"), "rows.jsonl",
...                    output="out.jsonl", concurrency=64)            # doctest: +SKIP

The same from a shell: `chatplex run rows.jsonl --model openai:gpt-4o-mini --output
out.jsonl`. Rerun the same command after a crash or Ctrl-C: rows already in the output
are skipped. See `runner` (the window, stopping), `journal` (the output file, resume),
`inputs` (file formats), `progress` (the bar, also for any batch via `ProgressCallback`),
`summary` and `report`.
"""

from __future__ import annotations

from ..chat.configuration.router import ModelRouter
from .asked import InputChangedError
from .inputs import InputError
from .inputs import Row
from .inputs import check_input
from .inputs import iter_rows
from .journal import Journal
from .journal import JournalError
from .journal import SettingsChangedError
from .journal import export_sorted
from .progress import ProgressCallback
from .records import error_record
from .records import success_record
from .runner import DEFAULT_CONCURRENCY
from .runner import arun
from .runner import run
from .summary import RunSummary

__all__ = [
    "DEFAULT_CONCURRENCY",
    "InputChangedError",
    "InputError",
    "Journal",
    "JournalError",
    "ModelRouter",
    "ProgressCallback",
    "Row",
    "RunSummary",
    "SettingsChangedError",
    "arun",
    "check_input",
    "error_record",
    "export_sorted",
    "iter_rows",
    "run",
    "success_record",
]
