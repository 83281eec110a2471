"""The OpenAI-compatible presets whose LangChain partner reads the provider's replies
itself (its own SDK, or httpx), not as langchain-openai does: Groq, Mistral AI,
Fireworks AI, OpenRouter, Perplexity, SambaNova, one module each. Their profiles declare
that reading (`own_reading`), and their drop-ins their partner's own fields.

Pure data, read by `spec.py` (its import-linter contract holds for what they import)."""
