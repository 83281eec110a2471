"""Ollama's native `/api/chat`: the adapter (`adapter.py`) over its request and reply
translation (`request.py`, `response.py`) and NDJSON framing (`ndjson.py`), the drop-in
`ChatOllama` (`dropin.py`), and its declared spec (`spec.py`)."""
