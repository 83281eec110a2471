"""Reply caches for chat models: the cache interface (`base.py`), the process-wide cache
and which cache a call uses (`cache.py`), keys and stored format (`entries.py`), the
backends (`memory.py`, `sqlite.py`), what a failing cache does (`faults.py`),
LangChain's caches met by protocol (`langchain_cache.py`), and calls through a cache
with one HTTP call for identical requests in flight (`inflight.py`). Loaded only when a
call first needs a cache (`chat/call_hooks.py`)."""
