"""OpenAI's wires: Chat Completions (`adapter.py` over `request.py`, `response.py`,
`stream.py`, `blocks.py`: content parts), the Responses API (`responses_adapter.py` over
`responses_request.py`, `responses_response.py`, `responses_stream.py`, with Chat
Completions' connection settings), Azure OpenAI (`azure.py`: a subclass of the Chat
Completions adapter with Azure's URLs, keys, Entra ID tokens and content filters), their
Batch API steps (`batch.py`, `azure_batch.py`), the drop-ins `ChatOpenAI` (`dropin.py`;
`stop_dropin.py`: `stop` sent as given) and `AzureChatOpenAI` (`azure_dropin.py`), and
the spec. The OpenAI-compatible presets (`providers/compatible/`) build on the Chat
Completions adapter."""
