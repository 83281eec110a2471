"""Cohere's v2 Chat API (`POST {base}/v2/chat`), LangChain's `ChatCohere`: its spec
(`spec.py`), the request and reply translation (`request.py`, `response.py`, the SSE
stream in `stream.py`), the SDK's error classes (`errors.py`), the adapter
(`adapter.py`) and the drop-in (`dropin.py`)."""
