"""Anthropic's Messages API: the drop-in `ChatAnthropic` (`dropin.py`); its translation
still lives in `chatplex.adapters`."""
