"""Anthropic's Messages API (its translation still lives in `chatplex.adapters`)."""
