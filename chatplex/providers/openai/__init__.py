"""OpenAI: Chat Completions, the Responses API and Azure OpenAI: the drop-ins
`ChatOpenAI` (`dropin.py`) and `AzureChatOpenAI` (`azure_dropin.py`); their translation
still lives in `chatplex.adapters` (it moves here wire by wire)."""
