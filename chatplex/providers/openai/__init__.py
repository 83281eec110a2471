"""OpenAI: Chat Completions, the Responses API and Azure OpenAI (their translation still
lives in `chatplex.adapters`; it moves here wire by wire)."""
