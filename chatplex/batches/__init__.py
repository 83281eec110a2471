"""Provider Batch APIs behind chatplex's interface: half the price, same replies.

    job = model.submit_batch(inputs)              # or (prompt | model | parser).submit_batch
    job.wait(poll_interval=60)                    # bounded: timeout= (default 25 h)
    replies = job.results()                       # input order, typed errors per row
    job = chatplex.batches.load(job.path)         # in any later process

Each provider's Batch API lives in its folder (`providers/<wire>/batch.py`), named by
its adapter's `batch_api_for`; its requests are built by the same adapters as real-time
calls.
Names load on first use: `import chatplex` loads nothing of this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..postimport import lazy_package

if TYPE_CHECKING:
    from ..adapters.batch_api import Limits
    from .errors import BatchCanceledError
    from .errors import BatchExpiredError
    from .errors import BatchFormatError
    from .errors import BatchNotFinishedError
    from .job import BatchJob
    from .job import BatchStatus
    from .runfile import run_file
    from .submit import asubmit_batch
    from .submit import load
    from .submit import submit_batch

__all__ = [
    "BatchCanceledError",
    "BatchExpiredError",
    "BatchFormatError",
    "BatchJob",
    "BatchNotFinishedError",
    "BatchStatus",
    "Limits",
    "asubmit_batch",
    "load",
    "run_file",
    "submit_batch",
]

_HOME = {
    "BatchCanceledError": ".errors",
    "BatchExpiredError": ".errors",
    "BatchFormatError": ".errors",
    "BatchNotFinishedError": ".errors",
    "BatchJob": ".job",
    "BatchStatus": ".job",
    "Limits": "..adapters.batch_api",
    "asubmit_batch": ".submit",
    "load": ".submit",
    "run_file": ".runfile",
    "submit_batch": ".submit",
}


__getattr__, __dir__ = lazy_package(__name__, _HOME)
