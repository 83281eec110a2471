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
"""

from __future__ import annotations

try:
    import pyarrow  # noqa: F401  (fail here with a useful message)
    import ray  # noqa: F401
except ImportError as exc:  # pragma: no cover - the extra is installed in the tests
    raise ImportError("chatplex.ray needs Ray Data: pip install 'chatplex[ray]'") from exc

from ._columns import OUTPUT_COLUMNS
from ._mapper import ChatMapper
from ._run import ChatRun
from ._run import map_chat
from ._tally import TallyReport

__all__ = ["OUTPUT_COLUMNS", "ChatMapper", "ChatRun", "TallyReport", "map_chat"]
