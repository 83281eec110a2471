"""The OpenAI-compatible providers: one declared profile each over the Chat Completions
wire (their profiles and drop-ins still live in `chatplex.adapters.compatible` and
`chatplex.chat.compatible_models`; they move here as one row each)."""
