"""Anthropic's Messages API: the spec, the adapter (`adapter.py`) over request, response
and stream translation (`request.py`, `response.py`, `stream.py`), the Message Batches
API's steps (`batch.py`), and the drop-in `ChatAnthropic` (`dropin.py`)."""
