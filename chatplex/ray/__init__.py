"""chatplex on a Ray cluster (the `chatplex[ray]` extra): any runnable over a Ray Dataset
with one outcome per row, and one rate budget for every worker.

>>> import ray, chatplex.ray  # doctest: +SKIP
>>> from chatplex.http import RateLimit
>>> model = ChatOpenAI(model="gpt-4o-mini", rate_limit=RateLimit(  # doctest: +SKIP
...     requests_per_minute=5000, tokens_per_minute=2_000_000, scope="cluster"))
>>> run = chatplex.ray.map_chat(ray.data.read_parquet("prompts/"), model)  # doctest: +SKIP
>>> run.dataset.write_parquet("answers/")  # doctest: +SKIP

Rows get `text`, `usage`, `cost` and `error` columns (`OUTPUT_COLUMNS`); `run.report()`
counts each row once (finished, failed) and the requests sent again after a worker died.
`ChatMapper` is the callable class for your own `map_batches` call.
Names load on first use: the run's tally actor imports `._tally` only, not Ray Data (with
its pandas: ~1 s of CPU and start-up per run for a process that only counts rows).
"""

from __future__ import annotations

from importlib.util import find_spec
from typing import TYPE_CHECKING

from ..postimport import lazy_package

try:  # fail here with a useful message; pyarrow (Ray Data's) is looked for, not loaded
    import ray  # noqa: F401
except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
    raise ImportError("chatplex.ray needs Ray Data: pip install 'chatplex[ray]'") from exc
if find_spec("pyarrow") is None:  # pragma: no cover - the extra is installed in the tests
    raise ImportError("chatplex.ray needs Ray Data: pip install 'chatplex[ray]'")

if TYPE_CHECKING:
    from ._columns import OUTPUT_COLUMNS
    from ._mapper import ChatMapper
    from ._run import ChatRun
    from ._run import map_chat
    from ._tally import TallyReport

__all__ = ["OUTPUT_COLUMNS", "ChatMapper", "ChatRun", "TallyReport", "map_chat"]

_HOME = {
    "OUTPUT_COLUMNS": "._columns",
    "ChatMapper": "._mapper",
    "ChatRun": "._run",
    "map_chat": "._run",
    "TallyReport": "._tally",
}

__getattr__, __dir__ = lazy_package(__name__, _HOME)
