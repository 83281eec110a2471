"""The OpenAI-compatible providers: one declared profile each over the Chat Completions
wire. `spec.py`: each provider's name and its LangChain class's names for settings;
`adapter.py`: the profiles (base URL, key variables, refused and renamed parameters) and
their adapters over `providers/openai/adapter.py`; `blocks.py`: `content_blocks` of
replies kept as the provider's parts (Mistral's), as its partner package's translator
reads them; `dropin.py`: `ChatGroq`,
`ChatDeepSeek`..., LangChain's classes of the same names."""
